//! The archive on S3-compatible object storage (through `object_store`):
//! each item an object at its path under a prefix, immutable items written
//! with `If-None-Match: *` (a retry finding the same bytes succeeds), each
//! PUT carrying its SHA-256 (`x-amz-checksum-sha256`, which buckets under
//! Object Lock require), and the writers' lock a lease of objects in the
//! bucket (`lease`). The library stays synchronous: a small tokio runtime
//! owned by the storage drives every request.

use std::io::{self, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use futures::TryStreamExt;
use object_store::aws::{AmazonS3, AmazonS3Builder, Checksum};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload, RetryConfig};

use super::lease::{self, Lease};
use super::{Area, Created, Item, Listed, LocalFile, Storage, StorageError, WriteLock};
use crate::digest::Sha256Digest;

/// The largest bundle stored in one PUT (read into memory, hashed, sent).
pub const MAX_BUNDLE: u64 = 1 << 30;

/// Where an S3 archive is: a bucket and a prefix (no leading or trailing `/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Location {
    /// The bucket.
    pub bucket: String,
    /// The prefix under which the archive's layout starts (may be empty).
    pub prefix: String,
}

impl S3Location {
    /// Parses `s3://BUCKET/PREFIX` (the prefix may be empty).
    pub fn parse(url: &str) -> Option<Self> {
        let rest = url.strip_prefix("s3://")?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let prefix = prefix.trim_matches('/');
        let valid_bucket = (3..=63).contains(&bucket.len())
            && bucket
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.');
        let valid_prefix = prefix
            .split('/')
            .all(|part| prefix.is_empty() || (!part.is_empty() && part != "." && part != ".."));
        (valid_bucket && valid_prefix).then(|| Self {
            bucket: bucket.to_string(),
            prefix: prefix.to_string(),
        })
    }
}

impl std::fmt::Display for S3Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.prefix.is_empty() {
            write!(f, "s3://{}", self.bucket)
        } else {
            write!(f, "s3://{}/{}", self.bucket, self.prefix)
        }
    }
}

/// What the storage shares with its lease's renewing thread.
pub(crate) struct Remote {
    pub(crate) store: AmazonS3,
    pub(crate) runtime: tokio::runtime::Runtime,
    pub(crate) location: S3Location,
}

impl Remote {
    pub(crate) fn key(&self, relative: &str) -> ObjectPath {
        if self.location.prefix.is_empty() {
            ObjectPath::from(relative)
        } else {
            ObjectPath::from(format!("{}/{relative}", self.location.prefix))
        }
    }

    pub(crate) fn url(&self, relative: &str) -> String {
        format!("{}/{relative}", self.location)
    }

    pub(crate) fn error(&self, relative: &str, e: object_store::Error) -> StorageError {
        StorageError::Remote {
            location: self.url(relative),
            source: Box::new(e),
        }
    }

    /// An object's bytes, `None` if absent, refused unread past `limit`.
    pub(crate) fn get(&self, relative: &str, limit: u64) -> Result<Option<Vec<u8>>, StorageError> {
        let key = self.key(relative);
        let got = self.runtime.block_on(async {
            let result = match self.store.get(&key).await {
                Ok(r) => r,
                Err(object_store::Error::NotFound { .. }) => return Ok(None),
                Err(e) => return Err(e),
            };
            if result.meta.size > limit {
                return Ok(Some(Err(result.meta.size)));
            }
            Ok(Some(Ok(result.bytes().await?.to_vec())))
        });
        match got.map_err(|e| self.error(relative, e))? {
            None => Ok(None),
            Some(Ok(bytes)) => Ok(Some(bytes)),
            Some(Err(_)) => Err(StorageError::TooLarge {
                location: self.url(relative),
                limit,
            }),
        }
    }

    /// Writes an object unless its name is taken: `Ok(false)` if it was.
    pub(crate) fn put_new(&self, relative: &str, bytes: Vec<u8>) -> Result<bool, StorageError> {
        let key = self.key(relative);
        let options = PutOptions {
            mode: PutMode::Create,
            ..PutOptions::default()
        };
        match self
            .runtime
            .block_on(self.store.put_opts(&key, PutPayload::from(bytes), options))
        {
            Ok(_) => Ok(true),
            Err(object_store::Error::AlreadyExists { .. }) => Ok(false),
            Err(e) => Err(self.error(relative, e)),
        }
    }

    /// Replaces an object (a PUT is atomic: readers see old or new).
    pub(crate) fn put(&self, relative: &str, bytes: Vec<u8>) -> Result<(), StorageError> {
        let key = self.key(relative);
        self.runtime
            .block_on(self.store.put(&key, PutPayload::from(bytes)))
            .map(drop)
            .map_err(|e| self.error(relative, e))
    }

    /// Deletes an object (absent is fine). Under Object Lock, a delete
    /// without a version adds a delete marker; the versions stay.
    pub(crate) fn delete(&self, relative: &str) -> Result<(), StorageError> {
        let key = self.key(relative);
        match self.runtime.block_on(self.store.delete(&key)) {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(self.error(relative, e)),
        }
    }

    /// Every key under `relative/`, relative to the archive's prefix.
    pub(crate) fn list(&self, relative: &str) -> Result<Vec<String>, StorageError> {
        let base = self.key(relative);
        let strip = if self.location.prefix.is_empty() {
            String::new()
        } else {
            format!("{}/", self.location.prefix)
        };
        let metas: Vec<object_store::ObjectMeta> = self
            .runtime
            .block_on(self.store.list(Some(&base)).try_collect())
            .map_err(|e| self.error(relative, e))?;
        Ok(metas
            .into_iter()
            .filter_map(|m| {
                m.location
                    .as_ref()
                    .strip_prefix(strip.as_str())
                    .map(str::to_owned)
            })
            .collect())
    }
}

/// An archive in an S3 bucket.
pub struct S3Storage {
    remote: Arc<Remote>,
    /// The lease this storage holds, if any: checked before a checkpoint is
    /// published, so that a writer whose lease lapsed publishes nothing.
    held: Arc<std::sync::Mutex<Option<Arc<Lease>>>>,
    lease_time: Duration,
}

impl std::fmt::Debug for S3Storage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "S3Storage({})", self.remote.location)
    }
}

impl S3Storage {
    /// Connects to the bucket with the settings `object_store` reads from
    /// the environment (`AWS_ENDPOINT`, `AWS_REGION`, `AWS_ACCESS_KEY_ID`,
    /// `AWS_SECRET_ACCESS_KEY`, `AWS_ALLOW_HTTP`, …). Nothing is sent yet.
    pub fn from_env(location: S3Location) -> Result<Self, StorageError> {
        // The TLS stack's provider: the ring one the crate already builds.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let url = location.to_string();
        let io = |e: io::Error| StorageError::Io {
            location: url.clone(),
            source: e,
        };
        // Fail within seconds when the server is gone, so that a command
        // reports it and can be run again, rather than hang for minutes.
        let retry = RetryConfig {
            max_retries: 5,
            retry_timeout: Duration::from_secs(20),
            ..RetryConfig::default()
        };
        let store = AmazonS3Builder::from_env()
            .with_bucket_name(&location.bucket)
            .with_checksum_algorithm(Checksum::SHA256)
            .with_retry(retry)
            .build()
            .map_err(|e| StorageError::Remote {
                location: url.clone(),
                source: Box::new(e),
            })?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("docseal-s3")
            .enable_all()
            .build()
            .map_err(io)?;
        Ok(Self {
            remote: Arc::new(Remote {
                store,
                runtime,
                location,
            }),
            held: Arc::default(),
            lease_time: lease::DEFAULT_LEASE,
        })
    }

    /// Uses leases of `time` (at least 3 s) instead of the default.
    pub fn with_lease(mut self, time: Duration) -> Self {
        self.lease_time = time.max(Duration::from_secs(3));
        self
    }

    /// The bucket and prefix.
    pub fn s3_location(&self) -> &S3Location {
        &self.remote.location
    }

    fn check_lease(&self) -> Result<(), StorageError> {
        let held = self.held.lock().unwrap_or_else(|e| e.into_inner()).clone();
        match held {
            Some(lease) => lease.check(),
            None => Ok(()),
        }
    }

    fn stored_digest(&self, relative: &str) -> Result<Option<Sha256Digest>, StorageError> {
        let key = self.remote.key(relative);
        let remote = &self.remote;
        remote
            .runtime
            .block_on(async {
                let result = match remote.store.get(&key).await {
                    Ok(r) => r,
                    Err(object_store::Error::NotFound { .. }) => return Ok(None),
                    Err(e) => return Err(e),
                };
                let mut hasher = sha2::Sha256::default();
                let mut stream = result.into_stream();
                while let Some(chunk) = stream.try_next().await? {
                    sha2::Digest::update(&mut hasher, &chunk);
                }
                Ok(Some(Sha256Digest(sha2::Digest::finalize(hasher).into())))
            })
            .map_err(|e| remote.error(relative, e))
    }
}

impl Storage for S3Storage {
    fn location(&self) -> String {
        self.remote.location.to_string()
    }

    fn locate(&self, item: &Item) -> String {
        self.remote.url(&item.path())
    }

    fn read(&self, item: &Item) -> Result<Option<Vec<u8>>, StorageError> {
        self.remote.get(&item.path(), item.max_len())
    }

    fn create(&self, item: &Item, bytes: &[u8]) -> Result<Created, StorageError> {
        if item.is_mutable() {
            return Err(StorageError::Immutable(item.path()));
        }
        if matches!(item, Item::History(_)) {
            // A checkpoint kept by a writer that no longer holds the lock
            // could fork the log: refused before it is written.
            self.check_lease()?;
        }
        let relative = item.path();
        if self.remote.put_new(&relative, bytes.to_vec())? {
            return Ok(Created::New);
        }
        match self.remote.get(&relative, bytes.len() as u64) {
            Ok(Some(found)) if found == bytes => Ok(Created::Identical),
            Ok(_) | Err(StorageError::TooLarge { .. }) => Err(StorageError::Conflict {
                location: self.remote.url(&relative),
            }),
            Err(e) => Err(e),
        }
    }

    fn create_bundle(&self, digest: &Sha256Digest, source: &Path) -> Result<Created, StorageError> {
        let relative = Item::Bundle(*digest).path();
        let io = |e: io::Error| StorageError::Io {
            location: source.display().to_string(),
            source: e,
        };
        let size = std::fs::metadata(source).map_err(io)?.len();
        if size > MAX_BUNDLE {
            return Err(StorageError::TooLarge {
                location: source.display().to_string(),
                limit: MAX_BUNDLE,
            });
        }
        // Hashed as read: the bytes sent are the bytes checked.
        let bytes = std::fs::read(source).map_err(io)?;
        let found = Sha256Digest::of_bytes(&bytes);
        if found != *digest {
            return Err(io(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "{} is {found}, not {digest}: it changed while it was copied",
                    source.display()
                ),
            )));
        }
        if self.remote.put_new(&relative, bytes)? {
            return Ok(Created::New);
        }
        match self.stored_digest(&relative)? {
            Some(stored) if stored == *digest => Ok(Created::Identical),
            _ => Err(StorageError::Conflict {
                location: self.remote.url(&relative),
            }),
        }
    }

    fn replace(&self, item: &Item, bytes: &[u8]) -> Result<(), StorageError> {
        if !item.is_mutable() {
            return Err(StorageError::Immutable(item.path()));
        }
        if *item == Item::Checkpoint {
            self.check_lease()?;
        }
        self.remote.put(&item.path(), bytes.to_vec())
    }

    fn remove(&self, item: &Item) -> Result<(), StorageError> {
        if !item.is_mutable() {
            return Err(StorageError::Immutable(item.path()));
        }
        self.remote.delete(&item.path())
    }

    fn sync(&self) -> Result<(), StorageError> {
        // A PUT is durable when it is acknowledged.
        Ok(())
    }

    fn local(&self, digest: &Sha256Digest) -> Result<Option<LocalFile>, StorageError> {
        let relative = Item::Bundle(*digest).path();
        let key = self.remote.key(&relative);
        let dir = std::env::temp_dir();
        let io = |e: io::Error| StorageError::Io {
            location: dir.display().to_string(),
            source: e,
        };
        let mut copy = crate::fsutil::TempFile::new_in(&dir).map_err(io)?;
        let mut sha256 = <sha2::Sha256 as sha2::Digest>::new();
        let remote = &self.remote;
        let found = remote
            .runtime
            .block_on(async {
                let result = match remote.store.get(&key).await {
                    Ok(r) => r,
                    Err(object_store::Error::NotFound { .. }) => return Ok(false),
                    Err(e) => return Err(e),
                };
                let mut stream = result.into_stream();
                while let Some(chunk) = stream.try_next().await? {
                    sha2::Digest::update(&mut sha256, &chunk);
                    copy.file()
                        .write_all(&chunk)
                        .map_err(|e| object_store::Error::Generic {
                            store: "local copy",
                            source: Box::new(e),
                        })?;
                }
                Ok(true)
            })
            .map_err(|e| remote.error(&relative, e))?;
        let sha256 = Sha256Digest(sha2::Digest::finalize(sha256).into());
        Ok(found.then(|| LocalFile::copy(copy, sha256)))
    }

    fn list(&self, area: Area) -> Result<Vec<Listed>, StorageError> {
        let base = match area {
            Area::Bundles => "objects",
            Area::Trust => "trust",
            Area::Tiles => "log/tile",
            Area::History => "log/history",
        };
        Ok(self
            .remote
            .list(base)?
            .into_iter()
            .map(|p| match Item::parse(area, &p) {
                Some(item) => Listed::Item(item),
                None => Listed::Foreign(p),
            })
            .collect())
    }

    fn lock(&self) -> Result<WriteLock, StorageError> {
        let lease = Lease::acquire(self.remote.clone(), self.lease_time)?;
        *self.held.lock().unwrap_or_else(|e| e.into_inner()) = Some(lease.clone());
        Ok(WriteLock::new(lease::Held {
            lease,
            slot: self.held.clone(),
        }))
    }
}
