//! The SQLite catalog (the embedded default): an index of the log (statements, versions, parties,
//! signers by key, trust changes, full text via FTS5) for finding records
//! and for the O(log N) look-ups of an ingest. Never the source of truth: it
//! records the tree it indexes (size and root), is caught up from the log
//! when behind, rebuilt when it indexes another tree, and compared row by
//! row with the log by the audit.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::archive::versions::Version;
use crate::digest::Sha256Digest;
use crate::utc::UtcTime;

/// Errors of this backend (the catalog's are [`super::CatalogError`]).
pub type CatalogError = rusqlite::Error;

/// The catalog's own layout version (in its `meta` table).
pub const CATALOG_VERSION: &str = "3";

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS statements (
  bundle TEXT PRIMARY KEY NOT NULL,
  log_index INTEGER NOT NULL UNIQUE,
  statement_id TEXT NOT NULL,
  statement TEXT NOT NULL,
  edition INTEGER NOT NULL,
  signed TEXT,
  signatures INTEGER NOT NULL,
  latest INTEGER NOT NULL,
  type TEXT,
  title TEXT,
  date_start TEXT,
  date_end TEXT,
  ingested_at TEXT NOT NULL,
  supersedes TEXT,
  trust TEXT,
  language TEXT
);
CREATE INDEX IF NOT EXISTS statements_by_id ON statements(statement_id);
CREATE INDEX IF NOT EXISTS statements_latest ON statements(latest, date_start);
CREATE TABLE IF NOT EXISTS parties (bundle TEXT NOT NULL, party TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS parties_by_party ON parties(party, bundle);
CREATE INDEX IF NOT EXISTS parties_by_bundle ON parties(bundle);
CREATE TABLE IF NOT EXISTS signers (bundle TEXT NOT NULL, key TEXT NOT NULL, party TEXT NOT NULL, signer TEXT NOT NULL, signed_at TEXT);
CREATE INDEX IF NOT EXISTS signers_by_bundle ON signers(bundle);
CREATE INDEX IF NOT EXISTS signers_by_key ON signers(key);
CREATE TABLE IF NOT EXISTS trust_changes (log_index INTEGER PRIMARY KEY NOT NULL, change TEXT NOT NULL, key TEXT, trust TEXT NOT NULL, at TEXT NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS texts USING fts5(bundle UNINDEXED, statement_id UNINDEXED, body);
";

const TABLES: [&str; 6] = [
    "meta",
    "statements",
    "parties",
    "signers",
    "trust_changes",
    "texts",
];

/// How many of the most recently catalogued matches a search ranks by
/// relevance (see [`Catalog::search`]): every match when there are fewer.
pub const SEARCH_RANKED: usize = 1000;

/// The rowid of the full-text row of the entry at `log_index`, so that it is
/// found without a scan and the newest rows come last: one past the index.
/// Rows are inserted in log order, and every row already there (even one
/// numbered by SQLite as the next free rowid, as catalogs made before did)
/// has a rowid at most one past its own, smaller, index: never this one.
fn text_rowid(log_index: u64) -> i64 {
    log_index as i64 + 1
}

/// One signature as the catalog lists it.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct SignerRow {
    /// Key id.
    pub key: String,
    /// Party signed for.
    pub party: String,
    /// Who holds the key, as the trust the bundle was judged under says
    /// (else as the signature claims).
    pub signer: String,
    /// The time the signature claims.
    pub signed_at: Option<String>,
}

/// What the catalog holds of one logged bundle.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Record {
    /// Bundle digest.
    pub bundle: String,
    /// Log index.
    pub log_index: u64,
    /// Statement id.
    pub statement_id: String,
    /// The statement's canonical digest.
    pub statement: String,
    /// Its edition among the statements of the id (docs/FORMAT.md §7.6).
    pub edition: u32,
    /// Its latest signature time.
    pub signed: Option<String>,
    /// Its number of signatures.
    pub signatures: u32,
    /// Whether it is the latest version of its id.
    pub latest: bool,
    /// Statement type.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Title.
    pub title: Option<String>,
    /// Date (statement date, else occasion).
    pub date_start: Option<String>,
    /// Last day.
    pub date_end: Option<String>,
    /// Ingest time.
    pub ingested_at: String,
    /// The version it replaced as the latest.
    pub supersedes: Option<String>,
    /// The trust snapshot it was judged under.
    pub trust: Option<String>,
    /// The statement's `language` (a BCP 47 tag): which text-search
    /// configuration the PostgreSQL catalog indexes its text with.
    #[serde(skip)]
    pub language: Option<String>,
    /// Party codes.
    pub parties: Vec<String>,
    /// Each signature.
    pub signers: Vec<SignerRow>,
    /// Full text (not serialized in listings).
    #[serde(skip)]
    pub text: String,
}

impl Record {
    /// As ranking needs it.
    pub fn version(&self) -> Option<Version> {
        Some(Version {
            bundle: self.bundle.parse().ok()?,
            index: self.log_index,
            statement: self.statement.parse().ok()?,
            edition: self.edition,
            signed: self
                .signed
                .as_deref()
                .and_then(|s| UtcTime::parse_strict(s).ok()),
            signatures: self.signatures as usize,
        })
    }
}

/// A trust change as the catalog lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrustRow {
    /// Log index.
    pub log_index: u64,
    /// `keyring` or `revoke`.
    pub change: String,
    /// The key revoked.
    pub key: Option<String>,
    /// The snapshot.
    pub trust: String,
    /// When.
    pub at: String,
}

/// The tree a catalog indexes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Indexed {
    /// The archive's origin.
    pub origin: String,
    /// Entries indexed.
    pub size: u64,
    /// Their root, hex.
    pub root: String,
}

/// Locks `<catalog>.lock` exclusively, waiting for the process that holds
/// it; unlocked when the file is closed (also when its process dies).
fn writers_lock(catalog: &Path) -> Result<std::fs::File, super::CatalogError> {
    let mut name = catalog.as_os_str().to_owned();
    name.push(".lock");
    let path = PathBuf::from(name);
    let lock = || {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)?;
        file.lock()?;
        Ok(file)
    };
    lock().map_err(|source| super::CatalogError::Lock { path, source })
}

/// An open SQLite catalog.
pub struct SqliteCatalog {
    db: Connection,
    /// The catalog file (its lock file is beside it).
    path: PathBuf,
}

const COLUMNS: &str = "bundle, log_index, statement_id, statement, edition, signed, signatures, latest, type, title, date_start, date_end, ingested_at, supersedes, trust, language";

impl SqliteCatalog {
    /// Opens (creating) the catalog file; a catalog of another layout
    /// version is emptied (it is rebuilt from the log).
    pub fn open(path: &Path) -> Result<Self, super::CatalogError> {
        let db = Connection::open(path)?;
        db.busy_timeout(std::time::Duration::from_secs(30))?;
        // WAL is kept in the file: set once, when the catalog is made (setting
        // it on every open takes a lock a reader need not wait for). Switching
        // needs the file to itself, and SQLite answers "database is locked"
        // at once, without waiting, to a second process switching it too: of
        // several processes opening a new catalog, one switches at a time.
        let mode: String = db.query_row("PRAGMA journal_mode", [], |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            let _serial = writers_lock(path)?;
            db.pragma_update(None, "journal_mode", "WAL")?;
        }
        // Rebuilt from the log at will: consistency, not per-commit durability.
        db.pragma_update(None, "synchronous", "NORMAL")?;
        // 64 MiB of page cache: full-text inserts of whole statements touch
        // many pages, and re-reading them from the WAL dominated large ingests.
        db.pragma_update(None, "cache_size", -65_536)?;
        // A current catalog is opened without a write transaction, so that a
        // search never waits for an ingest's.
        let path = path.to_path_buf();
        if Self::version(&db).as_deref() == Some(CATALOG_VERSION) {
            return Ok(Self { db, path });
        }
        // Checked again and made under one write transaction: of several
        // processes opening a new catalog at once, one creates it.
        db.execute_batch("BEGIN IMMEDIATE")?;
        if Self::version(&db).as_deref() != Some(CATALOG_VERSION) {
            for table in TABLES {
                db.execute_batch(&format!("DROP TABLE IF EXISTS {table};"))?;
            }
            db.execute_batch(SCHEMA)?;
            db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('version', ?1)",
                params![CATALOG_VERSION],
            )?;
        }
        db.execute_batch("COMMIT")?;
        Ok(Self { db, path })
    }

    /// Takes the writers' lock of this catalog (waiting for another
    /// process's catch-up to end).
    pub fn writers_lock(&self) -> Result<std::fs::File, super::CatalogError> {
        writers_lock(&self.path)
    }

    /// The layout version the catalog says it has (`None` if it has none).
    fn version(db: &Connection) -> Option<String> {
        db.query_row("SELECT value FROM meta WHERE key = 'version'", [], |row| {
            row.get(0)
        })
        .optional()
        .unwrap_or(None)
    }

    /// Opens an existing catalog without changing it (for the audit); one
    /// of another layout version is an error.
    pub fn open_read_only(path: &Path) -> Result<Self, CatalogError> {
        let db = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        db.busy_timeout(std::time::Duration::from_secs(30))?;
        let version: String =
            db.query_row("SELECT value FROM meta WHERE key = 'version'", [], |row| {
                row.get(0)
            })?;
        if version != CATALOG_VERSION {
            return Err(rusqlite::Error::InvalidParameterName(format!(
                "catalog layout version {version} (this docseal reads {CATALOG_VERSION})"
            )));
        }
        Ok(Self {
            db,
            path: path.to_path_buf(),
        })
    }

    /// The tree it indexes, if it says.
    pub fn indexed(&self) -> Result<Option<Indexed>, CatalogError> {
        let get = |key: &str| -> Result<Option<String>, CatalogError> {
            self.db
                .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
                .optional()
        };
        Ok(match (get("origin")?, get("size")?, get("root")?) {
            (Some(origin), Some(size), Some(root)) => {
                size.parse().ok().map(|size| Indexed { origin, size, root })
            }
            _ => None,
        })
    }

    /// Deletes every row (before a rebuild).
    pub fn clear(&self) -> Result<(), CatalogError> {
        self.db.execute_batch(
            "DELETE FROM statements; DELETE FROM parties; DELETE FROM signers; DELETE FROM texts; DELETE FROM trust_changes; DELETE FROM meta WHERE key <> 'version';",
        )
    }

    /// Deletes the rows of entries from `from` on (left by a catch-up that
    /// was interrupted before it recorded its tree).
    pub fn truncate(&self, from: u64) -> Result<(), CatalogError> {
        let from = from as i64;
        self.db.execute(
            "DELETE FROM parties WHERE bundle IN (SELECT bundle FROM statements WHERE log_index >= ?1)",
            params![from],
        )?;
        self.db.execute(
            "DELETE FROM signers WHERE bundle IN (SELECT bundle FROM statements WHERE log_index >= ?1)",
            params![from],
        )?;
        self.db.execute(
            "DELETE FROM texts WHERE bundle IN (SELECT bundle FROM statements WHERE log_index >= ?1)",
            params![from],
        )?;
        self.db.execute(
            "DELETE FROM statements WHERE log_index >= ?1",
            params![from],
        )?;
        self.db.execute(
            "DELETE FROM trust_changes WHERE log_index >= ?1",
            params![from],
        )?;
        Ok(())
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
        // Immediate: the transaction reads (the id's latest row) before it
        // writes, and a deferred one that another writer overtook in between
        // would fail at its first write instead of waiting its turn.
        let tx = self
            .db
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        for r in records {
            Self::insert_in(&tx, r)?;
        }
        for t in trust {
            tx.execute(
                "INSERT OR REPLACE INTO trust_changes (log_index, change, key, trust, at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![t.log_index as i64, t.change, t.key, t.trust, t.at],
            )?;
        }
        if let Some(indexed) = indexed {
            for (key, value) in [
                ("origin", indexed.origin.clone()),
                ("size", indexed.size.to_string()),
                ("root", indexed.root.clone()),
            ] {
                tx.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
                    params![key, value],
                )?;
            }
        }
        tx.commit()
    }

    /// One record's rows: the statement (taking the latest place from the
    /// version before it), its parties and signers, and its full text.
    /// (Long: one statement per table, in the order the rows depend on.)
    fn insert_in(tx: &rusqlite::Transaction<'_>, r: &Record) -> Result<(), CatalogError> {
        if r.latest {
            // `+latest`: found by the id's index. (By `statements_latest`, the
            // planner's choice otherwise, every latest row was read: each
            // insert cost time proportional to the archive.)
            let previous: Vec<(String, i64)> = tx
                .prepare_cached(
                    "SELECT bundle, log_index FROM statements WHERE statement_id = ?1 AND +latest = 1",
                )?
                .query_map(params![r.statement_id], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect::<Result<_, _>>()?;
            for (bundle, index) in previous {
                tx.prepare_cached("UPDATE statements SET latest = 0 WHERE bundle = ?1")?
                    .execute(params![bundle])?;
                // By its rowid (`bundle` is not indexed: a match on it reads
                // every row); a row of a catalog made before rowids followed
                // the log is found the slow way.
                let gone = tx
                    .prepare_cached("DELETE FROM texts WHERE rowid = ?1 AND bundle = ?2")?
                    .execute(params![text_rowid(index as u64), bundle])?;
                if gone == 0 {
                    tx.prepare_cached("DELETE FROM texts WHERE bundle = ?1")?
                        .execute(params![bundle])?;
                }
            }
        }
        tx.prepare_cached(&format!(
            "INSERT INTO statements ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
        ))?
        .execute(params![
            r.bundle,
            r.log_index as i64,
            r.statement_id,
            r.statement,
            r.edition,
            r.signed,
            r.signatures,
            r.latest,
            r.kind,
            r.title,
            r.date_start,
            r.date_end,
            r.ingested_at,
            r.supersedes,
            r.trust,
            r.language
        ])?;
        for p in &r.parties {
            tx.prepare_cached("INSERT INTO parties (bundle, party) VALUES (?1, ?2)")?
                .execute(params![r.bundle, p])?;
        }
        for s in &r.signers {
            tx.prepare_cached(
                "INSERT INTO signers (bundle, key, party, signer, signed_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![r.bundle, s.key, s.party, s.signer, s.signed_at])?;
        }
        if r.latest {
            tx.prepare_cached(
                "INSERT INTO texts (rowid, bundle, statement_id, body) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                text_rowid(r.log_index),
                r.bundle,
                r.statement_id,
                r.text
            ])?;
        }
        Ok(())
    }

    fn fill(&self, mut r: Record) -> Result<Record, CatalogError> {
        let mut parties = self
            .db
            .prepare_cached("SELECT party FROM parties WHERE bundle = ?1 ORDER BY rowid")?;
        r.parties = parties
            .query_map(params![r.bundle], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        let mut signers = self.db.prepare_cached(
            "SELECT key, party, signer, signed_at FROM signers WHERE bundle = ?1 ORDER BY rowid",
        )?;
        r.signers = signers
            .query_map(params![r.bundle], |row| {
                Ok(SignerRow {
                    key: row.get(0)?,
                    party: row.get(1)?,
                    signer: row.get(2)?,
                    signed_at: row.get(3)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(r)
    }

    fn records(
        &self,
        condition: &str,
        args: &[&dyn rusqlite::ToSql],
    ) -> Result<Vec<Record>, CatalogError> {
        let mut stmt = self
            .db
            .prepare_cached(&format!("SELECT {COLUMNS} FROM statements s {condition}"))?;
        let rows: Vec<Record> = stmt
            .query_map(args, |row| {
                Ok(Record {
                    bundle: row.get(0)?,
                    log_index: row.get::<_, i64>(1)? as u64,
                    statement_id: row.get(2)?,
                    statement: row.get(3)?,
                    edition: row.get(4)?,
                    signed: row.get(5)?,
                    signatures: row.get(6)?,
                    latest: row.get(7)?,
                    kind: row.get(8)?,
                    title: row.get(9)?,
                    date_start: row.get(10)?,
                    date_end: row.get(11)?,
                    ingested_at: row.get(12)?,
                    supersedes: row.get(13)?,
                    trust: row.get(14)?,
                    language: row.get(15)?,
                    ..Record::default()
                })
            })?
            .collect::<Result<_, _>>()?;
        rows.into_iter().map(|r| self.fill(r)).collect()
    }

    /// The latest version of each statement, filtered.
    pub fn list(
        &self,
        party: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
        kind: Option<&str>,
    ) -> Result<Vec<Record>, CatalogError> {
        self.records(
            "WHERE s.latest = 1
               AND (?1 IS NULL OR EXISTS (SELECT 1 FROM parties p WHERE p.bundle = s.bundle AND p.party = ?1))
               AND (?2 IS NULL OR COALESCE(s.date_end, s.date_start) >= ?2)
               AND (?3 IS NULL OR s.date_start <= ?3)
               AND (?4 IS NULL OR s.type = ?4)
             ORDER BY s.date_start, s.statement_id",
            &[&party, &from, &to, &kind],
        )
    }

    /// Every record (every version) a key signed.
    pub fn signed_by(&self, key: &str) -> Result<Vec<Record>, CatalogError> {
        self.records(
            "WHERE EXISTS (SELECT 1 FROM signers g WHERE g.bundle = s.bundle AND g.key = ?1)
             ORDER BY s.date_start, s.statement_id, s.log_index",
            &[&key],
        )
    }

    /// The signing keys whose id starts with `prefix` (`sha256:` + hex).
    pub fn keys_like(&self, prefix: &str) -> Result<Vec<String>, CatalogError> {
        let pattern = format!("{}%", prefix.replace(['%', '_'], ""));
        self.db
            .prepare_cached("SELECT DISTINCT key FROM signers WHERE key LIKE ?1 ORDER BY key")?
            .query_map(params![pattern], |row| row.get(0))?
            .collect()
    }

    /// Every version of a statement id (by rank, latest last), or the record
    /// of a bundle digest (or a unique prefix of its hex).
    pub fn find(&self, id_or_digest: &str) -> Result<Vec<Record>, CatalogError> {
        let mut by_id = self.records("WHERE s.statement_id = ?1", &[&id_or_digest])?;
        if !by_id.is_empty() {
            by_id.sort_by_key(|r| (r.edition, r.signed.clone(), r.signatures, r.log_index));
            return Ok(by_id);
        }
        let hex = id_or_digest.strip_prefix("sha256:").unwrap_or(id_or_digest);
        if hex.len() < 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(Vec::new());
        }
        let pattern = format!("sha256:{}%", hex.to_ascii_lowercase());
        self.records("WHERE s.bundle LIKE ?1 ORDER BY s.log_index", &[&pattern])
    }

    /// The versions of a statement id, as ranking needs them.
    pub fn versions(&self, id: &str) -> Result<Vec<Version>, CatalogError> {
        let mut stmt = self.db.prepare_cached(
            "SELECT bundle, log_index, statement, edition, signed, signatures FROM statements WHERE statement_id = ?1",
        )?;
        let rows = stmt.query_map(params![id], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, u32>(3)?,
                row.get::<_, Option<String>>(4)?,
                row.get::<_, u32>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (bundle, index, statement, edition, signed, signatures) = row?;
            if let (Ok(bundle), Ok(statement)) = (
                bundle.parse::<Sha256Digest>(),
                statement.parse::<Sha256Digest>(),
            ) {
                out.push(Version {
                    bundle,
                    index: index as u64,
                    statement,
                    edition,
                    signed: signed.and_then(|s| UtcTime::parse_strict(&s).ok()),
                    signatures: signatures as usize,
                });
            }
        }
        Ok(out)
    }

    /// The log index of a bundle, if catalogued.
    pub fn index_of(&self, bundle: &Sha256Digest) -> Result<Option<u64>, CatalogError> {
        self.db
            .prepare_cached("SELECT log_index FROM statements WHERE bundle = ?1")?
            .query_row(params![bundle.to_string()], |row| row.get::<_, i64>(0))
            .optional()
            .map(|i| i.map(|i| i as u64))
    }

    /// The latest trust change: its log index and snapshot.
    pub fn current_trust(&self) -> Result<Option<(u64, String)>, CatalogError> {
        self.db
            .query_row(
                "SELECT log_index, trust FROM trust_changes ORDER BY log_index DESC LIMIT 1",
                [],
                |row| Ok((row.get::<_, i64>(0)? as u64, row.get(1)?)),
            )
            .optional()
    }

    /// Full-text search over the latest versions; each hit with a snippet
    /// (`[`…`]` around matches), best first: ranked by relevance (FTS5's
    /// bm25) among the [`SEARCH_RANKED`] most recently catalogued matches.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<(Record, String)>, CatalogError> {
        // Every word is a quoted phrase: punctuation such as the hyphen in
        // "Trans-Caspian" is then text, not FTS5 query syntax.
        let fts: String = query
            .split_whitespace()
            .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
            .collect::<Vec<_>>()
            .join(" ");
        if fts.is_empty() {
            return Ok(Vec::new());
        }
        // FTS5 computes bm25 for every row it sorts: over every match of a
        // word found in every record that is time proportional to the
        // archive (about 1.6 µs a row). Only the newest SEARCH_RANKED
        // matches are ranked — found by walking the index from its last
        // row, which stops after them.
        let mut stmt = self.db.prepare_cached(
            "SELECT bundle, snippet(texts, 2, '[', ']', '…', 16) FROM texts
             WHERE texts MATCH ?1
               AND rowid >= coalesce((SELECT min(rowid) FROM
                     (SELECT rowid FROM texts WHERE texts MATCH ?1 ORDER BY rowid DESC LIMIT ?3)), 0)
             ORDER BY rank LIMIT ?2",
        )?;
        let hits: Vec<(String, String)> = stmt
            .query_map(
                params![fts, limit as i64, SEARCH_RANKED.max(limit) as i64],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )?
            .collect::<Result<_, _>>()?;
        let mut out = Vec::new();
        for (bundle, snippet) in hits {
            if let Some(r) = self.records("WHERE s.bundle = ?1", &[&bundle])?.pop() {
                out.push((r, snippet));
            }
        }
        Ok(out)
    }

    /// Number of records.
    pub fn count(&self) -> Result<u64, CatalogError> {
        self.db
            .query_row("SELECT COUNT(*) FROM statements", [], |row| {
                row.get::<_, i64>(0)
            })
            .map(|n| n as u64)
    }

    /// Every record with its full text (when it has a full-text row), and
    /// every trust change: what the audit compares with the log.
    pub fn dump(&self) -> Result<(Vec<Record>, Vec<TrustRow>), CatalogError> {
        let mut records = self.records("ORDER BY s.log_index", &[])?;
        let mut texts = self.db.prepare("SELECT bundle, body FROM texts")?;
        let bodies: std::collections::HashMap<String, String> = texts
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<Result<_, _>>()?;
        for r in &mut records {
            r.text = bodies.get(&r.bundle).cloned().unwrap_or_default();
        }
        let mut stmt = self.db.prepare(
            "SELECT log_index, change, key, trust, at FROM trust_changes ORDER BY log_index",
        )?;
        let trust = stmt
            .query_map([], |row| {
                Ok(TrustRow {
                    log_index: row.get::<_, i64>(0)? as u64,
                    change: row.get(1)?,
                    key: row.get(2)?,
                    trust: row.get(3)?,
                    at: row.get(4)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok((records, trust))
    }
}
