//! The catalog: an index of the log (statements, versions, parties, signers
//! by key, trust changes, full text) for finding records and for the
//! look-ups of an ingest, behind one interface with two backends — SQLite
//! FTS5 in a local file (`sqlite`, the embedded default) and one PostgreSQL
//! database shared by every node (`postgres`). Never the source of truth:
//! it records the tree it indexes (size and root), is caught up from the
//! log when behind, rebuilt when it indexes another tree, and compared row
//! by row with the log by the audit. Both give the same answers to `list`,
//! `show` and `search` (the order of search hits is each engine's ranking).

mod postgres;
mod sqlite;

use std::path::{Path, PathBuf};

pub use postgres::{PgCatalog, text_search_config};
pub use sqlite::{
    CATALOG_VERSION, Indexed, Record, SEARCH_RANKED, SignerRow, SqliteCatalog, TrustRow,
};

use super::versions::Version;
use crate::digest::Sha256Digest;

/// Catalog errors.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CatalogError {
    /// The SQLite file.
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    /// The PostgreSQL database.
    #[error("PostgreSQL: {}", postgres_message(.0))]
    Postgres(#[from] ::postgres::Error),
    /// A catalog of another layout version (rebuilt by `archive reindex`).
    #[error("catalog layout version {found} (this docseal reads {CATALOG_VERSION})")]
    Version {
        /// Its version.
        found: String,
    },
    /// There is no catalog there yet.
    #[error("there is no catalog at {0}")]
    Missing(String),
    /// The lock file that serializes writers of a SQLite catalog.
    #[error("{}: {source}", path.display())]
    Lock {
        /// The lock file.
        path: std::path::PathBuf,
        /// What failed.
        source: std::io::Error,
    },
}

/// A PostgreSQL error with the server's own message (its `Display` says
/// only "db error").
pub fn postgres_message(e: &::postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{}: {}", db.severity(), db.message()),
        None => e.to_string(),
    }
}

/// Where a catalog is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatalogLocation {
    /// A SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL database (`postgres://…` or `postgresql://…`).
    Postgres(String),
}

impl CatalogLocation {
    /// `postgres://…` or `postgresql://…` is a database; anything else a file.
    pub fn parse(text: &str) -> Self {
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            Self::Postgres(text.to_string())
        } else {
            Self::Sqlite(PathBuf::from(text))
        }
    }
}

impl std::fmt::Display for CatalogLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Sqlite(path) => write!(f, "{}", path.display()),
            Self::Postgres(url) => f.write_str(&redact(url)),
        }
    }
}

/// A database URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

enum Backend {
    Sqlite(SqliteCatalog),
    Postgres(PgCatalog),
}

/// An open catalog.
pub struct Catalog {
    backend: Backend,
}

/// Held while a catalog is caught up, so that of several processes
/// catching up one catalog at once one writes and the others then find it
/// current. Catch-ups run outside the archive's writers' lock (any reader
/// may follow the log), so a SQLite file needs one too: an exclusive
/// `flock` on `<catalog>.lock` beside it.
pub enum CatchUpGuard {
    /// A PostgreSQL session-level advisory lock.
    Postgres(#[allow(dead_code)] postgres::AdvisoryLock),
    /// The locked `<catalog>.lock` file (unlocked when closed).
    Sqlite(#[allow(dead_code)] std::fs::File),
}

macro_rules! dispatch {
    ($self:ident, $c:ident => $e:expr) => {
        match &$self.backend {
            Backend::Sqlite($c) => Ok($e?),
            Backend::Postgres($c) => Ok($e?),
        }
    };
}

impl Catalog {
    /// Opens (creating) a SQLite catalog file; one of another layout
    /// version is emptied (it is rebuilt from the log).
    pub fn open(path: &Path) -> Result<Self, CatalogError> {
        Ok(Self {
            backend: Backend::Sqlite(SqliteCatalog::open(path)?),
        })
    }

    /// Opens (creating) the catalog at `location`.
    pub fn open_at(location: &CatalogLocation) -> Result<Self, CatalogError> {
        Ok(Self {
            backend: match location {
                CatalogLocation::Sqlite(path) => Backend::Sqlite(SqliteCatalog::open(path)?),
                CatalogLocation::Postgres(url) => Backend::Postgres(PgCatalog::open(url)?),
            },
        })
    }

    /// Opens an existing catalog without changing it (for the audit): one
    /// that is not there is [`CatalogError::Missing`], one of another
    /// layout version [`CatalogError::Version`].
    pub fn open_read_only(location: &CatalogLocation) -> Result<Self, CatalogError> {
        Ok(Self {
            backend: match location {
                CatalogLocation::Sqlite(path) => {
                    if !path.is_file() {
                        return Err(CatalogError::Missing(path.display().to_string()));
                    }
                    Backend::Sqlite(SqliteCatalog::open_read_only(path).map_err(|e| match e {
                        rusqlite::Error::InvalidParameterName(_) => CatalogError::Version {
                            found: "other".into(),
                        },
                        e => e.into(),
                    })?)
                }
                CatalogLocation::Postgres(url) => {
                    Backend::Postgres(PgCatalog::open_read_only(url)?)
                }
            },
        })
    }

    /// Serializes catch-ups of a shared catalog until the guard is dropped.
    pub fn catch_up_guard(&self) -> Result<CatchUpGuard, CatalogError> {
        match &self.backend {
            Backend::Sqlite(c) => Ok(CatchUpGuard::Sqlite(c.writers_lock()?)),
            Backend::Postgres(c) => Ok(CatchUpGuard::Postgres(c.advisory_lock()?)),
        }
    }

    /// The tree it indexes, if it says.
    pub fn indexed(&self) -> Result<Option<Indexed>, CatalogError> {
        dispatch!(self, c => c.indexed())
    }

    /// Deletes every row (before a rebuild).
    pub fn clear(&self) -> Result<(), CatalogError> {
        dispatch!(self, c => c.clear())
    }

    /// Deletes the rows of entries from `from` on (left by a catch-up that
    /// was interrupted before it recorded its tree).
    pub fn truncate(&self, from: u64) -> Result<(), CatalogError> {
        dispatch!(self, c => c.truncate(from))
    }

    /// Adds records and trust changes and records the tree now indexed, in
    /// one transaction. A record that is the latest version of its id takes
    /// that place (and the full-text row) from the one before.
    pub fn insert(
        &mut self,
        records: &[Record],
        trust: &[TrustRow],
        indexed: Option<&Indexed>,
    ) -> Result<(), CatalogError> {
        match &mut self.backend {
            Backend::Sqlite(c) => Ok(c.insert(records, trust, indexed)?),
            Backend::Postgres(c) => Ok(c.insert(records, trust, indexed)?),
        }
    }

    /// The latest version of each statement, filtered.
    pub fn list(
        &self,
        party: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
        kind: Option<&str>,
    ) -> Result<Vec<Record>, CatalogError> {
        dispatch!(self, c => c.list(party, from, to, kind))
    }

    /// Every record (every version) a key signed.
    pub fn signed_by(&self, key: &str) -> Result<Vec<Record>, CatalogError> {
        dispatch!(self, c => c.signed_by(key))
    }

    /// The signing keys whose id starts with `prefix` (`sha256:` + hex).
    pub fn keys_like(&self, prefix: &str) -> Result<Vec<String>, CatalogError> {
        dispatch!(self, c => c.keys_like(prefix))
    }

    /// Every version of a statement id (by rank, latest last), or the record
    /// of a bundle digest (or a unique prefix of its hex).
    pub fn find(&self, id_or_digest: &str) -> Result<Vec<Record>, CatalogError> {
        dispatch!(self, c => c.find(id_or_digest))
    }

    /// The versions of a statement id, as ranking needs them.
    pub fn versions(&self, id: &str) -> Result<Vec<Version>, CatalogError> {
        dispatch!(self, c => c.versions(id))
    }

    /// The log index of a bundle, if catalogued.
    pub fn index_of(&self, bundle: &Sha256Digest) -> Result<Option<u64>, CatalogError> {
        dispatch!(self, c => c.index_of(bundle))
    }

    /// The latest trust change: its log index and snapshot.
    pub fn current_trust(&self) -> Result<Option<(u64, String)>, CatalogError> {
        dispatch!(self, c => c.current_trust())
    }

    /// Full-text search over the latest versions; each hit with a snippet
    /// (`[`…`]` around matches). Every word must match.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<(Record, String)>, CatalogError> {
        dispatch!(self, c => c.search(query, limit))
    }

    /// Number of records.
    pub fn count(&self) -> Result<u64, CatalogError> {
        dispatch!(self, c => c.count())
    }

    /// Every record with its full text (when it has a full-text row), and
    /// every trust change: what the audit compares with the log.
    pub fn dump(&self) -> Result<(Vec<Record>, Vec<TrustRow>), CatalogError> {
        dispatch!(self, c => c.dump())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_and_redaction() {
        assert_eq!(
            CatalogLocation::parse("postgres://u:secret@127.0.0.1/db").to_string(),
            "postgres://u:***@127.0.0.1/db"
        );
        assert_eq!(
            CatalogLocation::parse("catalog.sqlite"),
            CatalogLocation::Sqlite("catalog.sqlite".into())
        );
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
    }
}
