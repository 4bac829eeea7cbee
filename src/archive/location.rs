//! Where an archive is and how it is opened: a local folder or an S3
//! bucket and prefix (`s3://BUCKET/PREFIX`), optionally with a PostgreSQL
//! sequencer (several writers) and a catalog other than the default (a
//! SQLite file, or a shared PostgreSQL database).

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::catalog::{self, CatalogLocation};
use super::note::{self, Checkpoint};
use super::sequencer::PgSequencer;
use super::storage::{Created, FolderStorage, Item, S3Location, S3Storage, Storage, StorageError};
use super::{ARCHIVE_VERSION, Archive, ArchiveError, ArchiveInfo, damaged, log, merkle};
use crate::keys;

/// Where an archive's bytes are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A local folder.
    Folder(PathBuf),
    /// A bucket and prefix on S3-compatible object storage.
    S3(S3Location),
}

impl Location {
    /// `s3://BUCKET/PREFIX`, or a folder; any other `scheme://` is refused.
    pub fn parse(text: &str) -> Result<Self, ArchiveError> {
        if text.starts_with("s3://") {
            return S3Location::parse(text)
                .map(Self::S3)
                .ok_or_else(|| ArchiveError::BadLocation(text.to_string()));
        }
        if text.contains("://") {
            return Err(ArchiveError::BadLocation(text.to_string()));
        }
        Ok(Self::Folder(PathBuf::from(text)))
    }

    /// For messages: the folder, or the URL, as a path.
    pub fn display_path(&self) -> PathBuf {
        match self {
            Self::Folder(dir) => dir.clone(),
            Self::S3(s3) => PathBuf::from(s3.to_string()),
        }
    }

    pub(crate) fn storage(
        &self,
        lease: Option<Duration>,
    ) -> Result<Box<dyn Storage>, ArchiveError> {
        Ok(match self {
            Self::Folder(dir) => Box::new(FolderStorage::new(dir)),
            Self::S3(s3) => {
                let storage = S3Storage::from_env(s3.clone())?;
                Box::new(match lease {
                    Some(time) => storage.with_lease(time),
                    None => storage,
                })
            }
        })
    }

    /// The catalog's default place: `catalog.sqlite` in a folder archive;
    /// for one in a bucket, a file in this machine's cache
    /// (`$XDG_CACHE_HOME` or `~/.cache`, `docseal/<bucket>/<prefix>/`).
    pub fn default_catalog(&self) -> CatalogLocation {
        match self {
            Self::Folder(dir) => CatalogLocation::Sqlite(dir.join("catalog.sqlite")),
            Self::S3(s3) => {
                let cache = std::env::var_os("XDG_CACHE_HOME")
                    .filter(|v| !v.is_empty())
                    .map(PathBuf::from)
                    .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache")))
                    .unwrap_or_else(std::env::temp_dir);
                let mut path = cache.join("docseal").join(&s3.bucket);
                if !s3.prefix.is_empty() {
                    path = path.join(&s3.prefix);
                }
                CatalogLocation::Sqlite(path.join("catalog.sqlite"))
            }
        }
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Folder(dir) => write!(f, "{}", dir.display()),
            Self::S3(s3) => write!(f, "{s3}"),
        }
    }
}

/// How to open an archive.
#[derive(Debug, Clone)]
pub struct OpenOptions {
    /// Where it is.
    pub location: Location,
    /// A PostgreSQL sequencer (`postgres://…`): the writers' lock, the
    /// journal and the tree head there instead of in the storage.
    pub sequencer: Option<String>,
    /// Where the catalog is (default: [`Location::default_catalog`]).
    pub catalog: Option<CatalogLocation>,
    /// The lease of the lock objects of a bucket without a sequencer.
    pub lease: Option<Duration>,
}

impl OpenOptions {
    /// A folder archive with its own catalog.
    pub fn folder(dir: &Path) -> Self {
        Self::at(Location::Folder(dir.to_path_buf()))
    }

    /// An archive at `location`, with the defaults.
    pub fn at(location: Location) -> Self {
        Self {
            location,
            sequencer: None,
            catalog: None,
            lease: None,
        }
    }
}

impl Archive {
    /// Opens an existing archive wherever it is.
    pub fn open_with(options: &OpenOptions) -> Result<Self, ArchiveError> {
        let base = options.location.storage(options.lease)?;
        let shown = options.location.display_path();
        let bytes = base
            .read(&Item::Info)?
            .ok_or_else(|| ArchiveError::NotAnArchive(shown.clone()))?;
        let info: ArchiveInfo = serde_json::from_slice(&bytes)
            .map_err(|e| damaged(&base.locate(&Item::Info), e.to_string()))?;
        match info.version {
            ARCHIVE_VERSION => {}
            1 => return Err(ArchiveError::NeedsUpgrade(shown)),
            found => return Err(ArchiveError::UnknownVersion { path: shown, found }),
        }
        let storage: Box<dyn Storage> = match &options.sequencer {
            Some(url) => Box::new(PgSequencer::connect(url, &info.origin, base)?),
            None => base,
        };
        Ok(Self {
            root: shown,
            info,
            storage,
            catalog_at: options
                .catalog
                .clone()
                .unwrap_or_else(|| options.location.default_catalog()),
        })
    }

    /// Whether there is an archive at `location`.
    pub fn exists_at(options: &OpenOptions) -> Result<bool, ArchiveError> {
        match &options.location {
            Location::Folder(dir) => Ok(Self::exists(dir)),
            location => Ok(location
                .storage(options.lease)?
                .read(&Item::Info)?
                .is_some()),
        }
    }

    /// Creates an archive (or opens the one there). A folder is built
    /// aside and renamed into place ([`Archive::init`]); in a bucket the
    /// private key is created first (`If-None-Match`), which decides which
    /// of several inits at once builds it, and `archive.json` last.
    pub fn init_with(options: &OpenOptions) -> Result<Self, ArchiveError> {
        match &options.location {
            Location::Folder(dir) => {
                Self::init(dir)?;
            }
            location => {
                let storage = location.storage(options.lease)?;
                if storage.read(&Item::Info)?.is_none() {
                    build_in(storage.as_ref(), &options.catalog_or_default())?;
                }
            }
        }
        let archive = Self::open_with(options)?;
        if !matches!(options.location, Location::Folder(_)) || options.catalog.is_some() {
            // The catalog of the empty tree, so that a missing one is damage.
            archive.catalog()?;
        }
        Ok(archive)
    }

    /// A name for the catalog in findings: `catalog.sqlite` for a folder's
    /// own, else where it is.
    pub fn catalog_name(&self) -> String {
        match &self.catalog_at {
            CatalogLocation::Sqlite(path) if *path == self.root.join("catalog.sqlite") => {
                "catalog.sqlite".into()
            }
            other => other.to_string(),
        }
    }
}

impl OpenOptions {
    fn catalog_or_default(&self) -> CatalogLocation {
        self.catalog
            .clone()
            .unwrap_or_else(|| self.location.default_catalog())
    }
}

/// Writes a new, empty archive into a storage that is not a folder
/// (`archive.json` last); another init that got there first wins.
fn build_in(storage: &dyn Storage, catalog_at: &CatalogLocation) -> Result<(), ArchiveError> {
    let key = keys::generate();
    let pem = keys::private_key_pem(&key, None)
        .map_err(|e| damaged(&storage.locate(&Item::PrivateKey), e.to_string()))?;
    match storage.create(&Item::PrivateKey, pem.as_bytes()) {
        Ok(Created::New) => {}
        Ok(Created::Identical) | Err(StorageError::Conflict { .. }) => {
            return wait_for_info(storage);
        }
        Err(e) => return Err(e.into()),
    }
    let id = keys::KeyId::of(&key.verifying_key());
    let origin = format!("docseal.archive/{}", &id.hex()[..16]);
    storage.create(
        &Item::PublicKey,
        keys::public_key_pem(&key.verifying_key()).as_bytes(),
    )?;
    storage.create(
        &Item::VerifierKey,
        format!("{}\n", note::verifier_key(&origin, &key.verifying_key())).as_bytes(),
    )?;
    let info = ArchiveInfo {
        version: ARCHIVE_VERSION,
        origin,
    };
    let cp = Checkpoint {
        origin: info.origin.clone(),
        size: 0,
        root: merkle::empty_root(),
        time: Some(crate::utc::UtcTime::now()),
    };
    let signed = note::sign_checkpoint(&cp, &key);
    log::Log::new(storage).publish(&cp, &signed, &key.verifying_key())?;
    if let CatalogLocation::Sqlite(path) = catalog_at
        && let Some(dir) = path.parent()
    {
        std::fs::create_dir_all(dir).map_err(|source| ArchiveError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    let mut catalog = catalog::Catalog::open_at(catalog_at)?;
    catalog.clear()?;
    catalog.insert(
        &[],
        &[],
        Some(&catalog::Indexed {
            origin: info.origin.clone(),
            size: 0,
            root: crate::digest::hex(&cp.root),
        }),
    )?;
    storage.create(&Item::Info, &info.bytes())?;
    Ok(())
}

/// Another init is building the archive: its `archive.json` comes last.
fn wait_for_info(storage: &dyn Storage) -> Result<(), ArchiveError> {
    for _ in 0..300 {
        if storage.read(&Item::Info)?.is_some() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(damaged(
        &storage.locate(&Item::Info),
        "the archive's key exists but archive.json was never written (an init was interrupted); remove key/archive.key.pem to start again",
    ))
}
