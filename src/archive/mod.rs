//! The archive: bundles stored under their SHA-256, a C2SP tiled log of
//! ingests and trust changes with signed checkpoints, the trust each ingest
//! was judged under, and a searchable catalog (docs/FORMAT.md §7).
//!
//! ```text
//! archive/
//! ├── archive.json                    version 2 and origin (the log's name)
//! ├── key/archive.key.pem             the archive's Ed25519 key (checkpoints only)
//! ├── key/archive.pub.pem, key/archive.vkey
//! ├── objects/sha256/ab/<62 hex>.zip  bundles, read-only
//! ├── trust/sha256/ab/<62 hex>.json   trust snapshots, read-only
//! ├── log/tile/…                      hash tiles and entry bundles (C2SP tlog-tiles)
//! ├── log/history/<size>              every checkpoint signed
//! ├── log/checkpoint                  the latest, as published
//! ├── log/pending                     the journal of an ingest in progress
//! ├── catalog.sqlite                  index, rebuildable (`reindex`)
//! └── lock                            held by writers
//! ```
//!
//! - [`storage`]: the [`Storage`](storage::Storage) trait every byte goes
//!   through, and the folder backend.
//! - [`entry`], [`note`]: the log's entries and checkpoints (pure formats).
//! - [`log`]: the log on storage: entries, appends, proofs, the journal.
//! - [`trust`]: trust snapshots and revocations.
//! - [`versions`]: which bundle of a statement id is its latest version.
//! - [`ingest`]: `add`, trust changes, crash recovery, the catalog kept current.
//! - [`proof`]: inclusion and consistency proofs as files, and their checks.
//! - [`audit`]: everything re-checked, with stable codes.
//! - [`upgrade`]: a version-1 archive replayed into tiles.
//! - [`catalog`]: the index, in SQLite (embedded) or PostgreSQL (shared).
//! - [`location`]: where an archive is (a folder, `s3://…`) and how it is
//!   opened (its sequencer, its catalog).
//! - [`sequencer`]: the PostgreSQL sequencer (several writers, one log).
//! - [`mirror`]: an archive copied to another store, verified as it goes.

pub mod audit;
pub mod catalog;
pub mod entry;
pub mod ingest;
pub mod location;
pub mod log;
pub mod merkle;
pub mod mirror;
pub mod note;
pub mod proof;
pub mod sequencer;
pub mod stamps;
pub mod storage;
pub mod trust;
pub mod upgrade;
pub mod versions;

use std::path::{Path, PathBuf};

use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::digest::Sha256Digest;
use crate::keys;
use crate::verify::VerifyReport;
pub use entry::Entry;
pub use ingest::{AddOptions, Added, Checked, TrustGiven};
pub use location::{Location, OpenOptions};
pub use note::Checkpoint;
pub use proof::{ConsistencyProof, InclusionProof};
use storage::{FolderStorage, Item, Storage, StorageError};

/// Layout version of the archive this docseal writes.
pub const ARCHIVE_VERSION: u32 = 2;

/// Errors of the archive.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ArchiveError {
    /// The storage failed (a full disk, a permission, an unreadable file).
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// A file outside the archive could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// There is no archive here.
    #[error("no archive at {0}")]
    NotAnArchive(PathBuf),
    /// An archive of the previous layout: `archive upgrade` converts it.
    #[error("{0} is an archive of layout version 1")]
    NeedsUpgrade(PathBuf),
    /// A layout version this docseal does not know.
    #[error(
        "{path}: layout version {found} is not known (this docseal reads version {ARCHIVE_VERSION})"
    )]
    UnknownVersion {
        /// The archive.
        path: PathBuf,
        /// Its version.
        found: u32,
    },
    /// The archive's files are not as docseal writes them.
    #[error("the archive is damaged: {item}: {reason}")]
    Damaged {
        /// The file.
        item: String,
        /// What is wrong.
        reason: String,
    },
    /// The tiled log refused an operation (damaged or missing tiles).
    #[error("the log: {0}")]
    Log(#[from] crate::tlog::Error),
    /// A bundle failed verification: nothing was written.
    #[error("{path} does not verify; nothing was written")]
    Refused {
        /// The bundle.
        path: PathBuf,
        /// The verification report.
        report: Box<VerifyReport>,
    },
    /// A bundle that could not be read at all.
    #[error("{path}: {reason}")]
    Unreadable {
        /// The bundle.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// A bundle of a statement id the archive holds with another statement.
    #[error(
        "{path}: the archive holds another statement under the id {id:?} ({archived}, this one is {found})"
    )]
    SupersedeRequired {
        /// The bundle.
        path: PathBuf,
        /// The id.
        id: String,
        /// The archived statement's canonical digest.
        archived: Sha256Digest,
        /// This one's.
        found: Sha256Digest,
    },
    /// An entry not yet covered by a checkpoint does not match its bundle
    /// (or its trust): it is never signed over.
    #[error("entry {index} (not yet checkpointed) does not match what it records: {reason}")]
    Unbacked {
        /// The entry.
        index: u64,
        /// What differs.
        reason: String,
    },
    /// An index past the log.
    #[error("entry {index} is not in the log of {size} entries")]
    NotInLog {
        /// The index.
        index: u64,
        /// The log's size.
        size: u64,
    },
    /// Nothing matches an id or digest.
    #[error("nothing in the archive matches {0:?}")]
    NotFound(String),
    /// Several things match a prefix.
    #[error("{0:?} matches several; give more of it")]
    Ambiguous(String),
    /// A file given as a checkpoint of this archive is not one.
    #[error("{path} is not a checkpoint of this archive: {reason}")]
    BadCheckpointFile {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// A trust change that cannot be made.
    #[error(transparent)]
    Trust(#[from] trust::SnapshotError),
    /// The archive has no trust to change.
    #[error("the archive has no trust yet: `archive trust --keyring DIR` records one")]
    NoTrust,
    /// The catalog failed.
    #[error("the catalog{}: {source}", if location.is_empty() { String::new() } else { format!(" {location}") })]
    Catalog {
        /// Where the catalog is.
        location: String,
        /// What failed.
        #[source]
        source: catalog::CatalogError,
    },
    /// An archive location that is not a folder or `s3://BUCKET/PREFIX`.
    #[error("{0:?} is not an archive location (a folder, or s3://BUCKET/PREFIX)")]
    BadLocation(String),
    /// No time-stamp token was obtained for a checkpoint.
    #[error("the checkpoint could not be time-stamped: {0}")]
    Stamp(#[from] crate::bundle::stamp::StampError),
}

impl From<catalog::CatalogError> for ArchiveError {
    fn from(source: catalog::CatalogError) -> Self {
        Self::Catalog {
            location: String::new(),
            source,
        }
    }
}

/// A damage error for a file.
pub(crate) fn damaged(item: &str, reason: impl Into<String>) -> ArchiveError {
    ArchiveError::Damaged {
        item: item.to_string(),
        reason: reason.into(),
    }
}

/// `archive.json`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ArchiveInfo {
    /// [`ARCHIVE_VERSION`].
    pub version: u32,
    /// The log's origin line (and checkpoint key name).
    pub origin: String,
}

impl ArchiveInfo {
    fn bytes(&self) -> Vec<u8> {
        let mut text = serde_json::to_vec_pretty(self).unwrap_or_default();
        text.push(b'\n');
        text
    }
}

/// An open archive.
#[derive(Debug)]
pub struct Archive {
    /// The folder, or the `s3://` URL (for messages).
    pub root: PathBuf,
    /// Its `archive.json`.
    pub info: ArchiveInfo,
    storage: Box<dyn Storage>,
    /// Where its catalog is.
    catalog_at: catalog::CatalogLocation,
}

impl Archive {
    /// Whether `dir` holds an archive (of any version).
    pub fn exists(dir: &Path) -> bool {
        dir.join("archive.json").is_file()
    }

    /// Creates a new archive folder (store, log, key), or opens the one
    /// there. Built whole in a temporary folder beside it and renamed into
    /// place: an interrupted init leaves nothing, and of several at once one
    /// wins and the others open what it made.
    pub fn init(dir: &Path) -> Result<Self, ArchiveError> {
        if Self::exists(dir) {
            return Self::open(dir);
        }
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| ArchiveError::Io {
                path: path.clone(),
                source,
            }
        };
        let parent = crate::fsutil::parent_dir(dir);
        std::fs::create_dir_all(parent).map_err(io(parent))?;
        let temp = crate::fsutil::TempDir::new_in(parent).map_err(io(parent))?;
        Self::build(temp.path())?;
        if let Err(e) = temp.persist(dir) {
            if Self::exists(dir) {
                return Self::open(dir);
            }
            let empty = std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none());
            if !empty {
                return Err(ArchiveError::Io {
                    path: dir.to_path_buf(),
                    source: std::io::Error::new(
                        e.kind(),
                        "the folder exists and is not an archive; give an empty or new folder",
                    ),
                });
            }
            // An empty folder made by hand: build inside it instead.
            Self::build(dir)?;
        }
        crate::fsutil::sync_dir(parent).map_err(io(parent))?;
        Self::open(dir)
    }

    /// Writes a new, empty archive into `dir` (archive.json last).
    fn build(dir: &Path) -> Result<(), ArchiveError> {
        let storage = FolderStorage::new(dir);
        let key = keys::generate();
        let id = keys::KeyId::of(&key.verifying_key());
        let origin = format!("docseal.archive/{}", &id.hex()[..16]);
        let key_dir = dir.join("key");
        std::fs::create_dir_all(&key_dir).map_err(|source| ArchiveError::Io {
            path: key_dir.clone(),
            source,
        })?;
        keys::write_key_pair(&key_dir.join("archive"), &key, None)
            .map_err(|e| damaged(&key_dir.display().to_string(), e.to_string()))?;
        storage.create(
            &Item::VerifierKey,
            format!("{}\n", note::verifier_key(&origin, &key.verifying_key())).as_bytes(),
        )?;
        let info = ArchiveInfo {
            version: ARCHIVE_VERSION,
            origin,
        };
        // The empty tree's checkpoint: size 0.
        let cp = Checkpoint {
            origin: info.origin.clone(),
            size: 0,
            root: merkle::empty_root(),
            time: Some(crate::utc::UtcTime::now()),
        };
        let signed = note::sign_checkpoint(&cp, &key);
        log::Log::new(&storage).publish(&cp, &signed, &key.verifying_key())?;
        // An empty catalog of the empty tree: a missing one is then damage.
        let mut catalog = catalog::Catalog::open(&dir.join("catalog.sqlite"))?;
        catalog.insert(
            &[],
            &[],
            Some(&catalog::Indexed {
                origin: info.origin.clone(),
                size: 0,
                root: crate::digest::hex(&cp.root),
            }),
        )?;
        drop(catalog);
        storage.create(&Item::Info, &info.bytes())?;
        storage.sync()?;
        crate::fsutil::sync_dir(&key_dir).map_err(|source| ArchiveError::Io {
            path: key_dir,
            source,
        })?;
        Ok(())
    }

    /// Opens an existing archive folder.
    pub fn open(dir: &Path) -> Result<Self, ArchiveError> {
        let info = Self::read_info(dir)?;
        match info.version {
            ARCHIVE_VERSION => {}
            1 => return Err(ArchiveError::NeedsUpgrade(dir.to_path_buf())),
            found => {
                return Err(ArchiveError::UnknownVersion {
                    path: dir.to_path_buf(),
                    found,
                });
            }
        }
        Ok(Self {
            root: dir.to_path_buf(),
            info,
            storage: Box::new(FolderStorage::new(dir)),
            catalog_at: catalog::CatalogLocation::Sqlite(dir.join("catalog.sqlite")),
        })
    }

    fn read_info(dir: &Path) -> Result<ArchiveInfo, ArchiveError> {
        let storage = FolderStorage::new(dir);
        let bytes = storage
            .read(&Item::Info)?
            .ok_or_else(|| ArchiveError::NotAnArchive(dir.to_path_buf()))?;
        serde_json::from_slice(&bytes)
            .map_err(|e| damaged(&storage.locate(&Item::Info), e.to_string()))
    }

    /// Where every byte lives.
    pub fn storage(&self) -> &dyn Storage {
        self.storage.as_ref()
    }

    /// The same archive with its storage wrapped (a cache, a counter, a
    /// replicating layer): every read and write then goes through what
    /// `wrap` returns.
    pub fn wrap_storage(mut self, wrap: impl FnOnce(Box<dyn Storage>) -> Box<dyn Storage>) -> Self {
        self.storage = wrap(self.storage);
        self
    }

    /// The log.
    pub fn log(&self) -> log::Log<'_> {
        log::Log::new(self.storage.as_ref())
    }

    /// Paths inside the archive folder.
    pub fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    /// The archive's public key (for checking checkpoints and proofs).
    pub fn public_key(&self) -> Result<VerifyingKey, ArchiveError> {
        let item = Item::PublicKey;
        let bytes = self
            .storage
            .read(&item)?
            .ok_or_else(|| damaged(&self.storage.locate(&item), "missing"))?;
        let text = String::from_utf8_lossy(&bytes);
        keys::parse_public_key(&text, Path::new(&self.storage.locate(&item)))
            .map_err(|e| damaged(&self.storage.locate(&item), e.to_string()))
    }

    fn signing_key(&self) -> Result<SigningKey, ArchiveError> {
        let item = Item::PrivateKey;
        let bytes = zeroize::Zeroizing::new(
            self.storage
                .read(&item)?
                .ok_or_else(|| damaged(&self.storage.locate(&item), "missing"))?,
        );
        let text = zeroize::Zeroizing::new(String::from_utf8_lossy(&bytes).into_owned());
        let key =
            keys::parse_private_key(&text, Path::new(&self.storage.locate(&item)), &mut || None)
                .map_err(|e| damaged(&self.storage.locate(&item), e.to_string()))?;
        if key.verifying_key() != self.public_key()? {
            return Err(damaged(
                &self.storage.locate(&Item::PublicKey),
                "it is not the public key of key/archive.key.pem",
            ));
        }
        Ok(key)
    }

    /// Where a stored bundle's file is (in a folder archive).
    pub fn object_path(&self, digest: &Sha256Digest) -> PathBuf {
        self.root.join(Item::Bundle(*digest).path())
    }

    /// The latest checkpoint, as published, verified.
    pub fn latest_checkpoint(&self) -> Result<(Checkpoint, String), ArchiveError> {
        self.log().published(&self.public_key()?)
    }

    /// Every entry of the published tree (for tests and small archives;
    /// the audit streams them).
    pub fn entries(&self) -> Result<Vec<Entry>, ArchiveError> {
        let (cp, _) = self.latest_checkpoint()?;
        self.log().entries(0, cp.size, cp.size)
    }

    /// Where the catalog is.
    pub fn catalog_location(&self) -> &catalog::CatalogLocation {
        &self.catalog_at
    }

    /// The catalog as it is (created if absent), not caught up.
    pub fn open_catalog(&self) -> Result<catalog::Catalog, ArchiveError> {
        if let catalog::CatalogLocation::Sqlite(path) = &self.catalog_at
            && let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
            && !dir.is_dir()
        {
            std::fs::create_dir_all(dir).map_err(|source| ArchiveError::Io {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        catalog::Catalog::open_at(&self.catalog_at).map_err(|source| ArchiveError::Catalog {
            location: self.catalog_at.to_string(),
            source,
        })
    }

    /// The catalog, caught up with the published tree (rebuilt if it
    /// indexes another).
    pub fn catalog(&self) -> Result<catalog::Catalog, ArchiveError> {
        let mut catalog = self.open_catalog()?;
        let (cp, _) = self.latest_checkpoint()?;
        ingest::catch_up(self, &mut catalog, &cp)?;
        Ok(catalog)
    }

    /// Catches the catalog up with the published tree (without the
    /// writers' lock: any node may follow the log). Returns the entries
    /// added and the size now indexed.
    pub fn catch_up_catalog(&self) -> Result<(u64, u64), ArchiveError> {
        let mut catalog = self.open_catalog()?;
        let (cp, _) = self.latest_checkpoint()?;
        let added = ingest::catch_up(self, &mut catalog, &cp)?;
        Ok((added, cp.size))
    }

    /// The entry for a statement id (its latest version) or a bundle digest
    /// (or a unique prefix of its hex of at least 6 digits).
    pub fn resolve(&self, id_or_digest: &str) -> Result<Entry, ArchiveError> {
        let catalog = self.catalog()?;
        let records = catalog.find(id_or_digest)?;
        let record = match records
            .iter()
            .find(|r| r.latest && r.statement_id == id_or_digest)
        {
            Some(latest) => latest,
            None => match records.as_slice() {
                [one] => one,
                [] => return Err(ArchiveError::NotFound(id_or_digest.to_string())),
                _ if records.iter().all(|r| r.statement_id == id_or_digest) => records
                    .iter()
                    .max_by_key(|r| r.log_index)
                    .ok_or_else(|| ArchiveError::NotFound(id_or_digest.to_string()))?,
                _ => return Err(ArchiveError::Ambiguous(id_or_digest.to_string())),
            },
        };
        let (cp, _) = self.latest_checkpoint()?;
        let entry = self.log().entry(record.log_index, cp.size)?;
        // The catalog is an index: what it points to is checked in the log.
        if entry.bundle().map(|b| b.to_string()).as_deref() != Some(record.bundle.as_str()) {
            return Err(damaged(
                &self.catalog_at.to_string(),
                format!(
                    "it says entry {} is {}, the log disagrees; run `archive reindex`",
                    record.log_index, record.bundle
                ),
            ));
        }
        Ok(entry)
    }
}
