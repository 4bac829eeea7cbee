//! The archive in a local folder: each item a file at its path, written
//! through a `.docseal-tmp-*` file renamed into place, durable by `fsync`
//! of each file and of each folder that gained a name (no `syncfs`).

use std::collections::BTreeSet;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::{Area, Created, Item, Listed, LocalFile, Storage, StorageError, WriteLock};
use crate::digest::Sha256Digest;
use crate::fsutil::{TEMP_PREFIX, TempFile};

/// An archive folder.
#[derive(Debug)]
pub struct FolderStorage {
    root: PathBuf,
    /// Folders whose entries changed since the last [`Storage::sync`].
    dirty: Mutex<BTreeSet<PathBuf>>,
}

impl FolderStorage {
    /// The archive in `root` (which need not exist yet).
    pub fn new(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
            dirty: Mutex::new(BTreeSet::new()),
        }
    }

    /// The folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where an item's file is.
    pub fn file(&self, item: &Item) -> PathBuf {
        self.root.join(item.path())
    }

    fn io(&self, path: &Path) -> impl Fn(io::Error) -> StorageError + '_ {
        let location = path.display().to_string();
        move |source| StorageError::Io {
            location: location.clone(),
            source,
        }
    }

    fn mark(&self, dir: &Path) {
        self.dirty
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(dir.to_path_buf());
    }

    /// Creates `dir` and any missing parents, marking each parent that
    /// gained a folder for the next sync.
    fn ensure_dir(&self, dir: &Path) -> io::Result<()> {
        if dir.is_dir() {
            return Ok(());
        }
        let parent = crate::fsutil::parent_dir(dir);
        self.ensure_dir(parent)?;
        match std::fs::create_dir(dir) {
            Ok(()) => {
                self.mark(parent);
                Ok(())
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Writes `fill`'s bytes to a temporary file beside `path` and links it
    /// there, read-only, unless `path` exists.
    fn create_with(
        &self,
        path: &Path,
        fill: impl FnOnce(&mut File) -> io::Result<()>,
    ) -> io::Result<bool> {
        let dir = crate::fsutil::parent_dir(path).to_path_buf();
        self.ensure_dir(&dir)?;
        let mut temp = TempFile::new_unswept(&dir)?;
        fill(temp.file())?;
        temp.file()
            .set_permissions(std::fs::Permissions::from_mode(0o444))?;
        match temp.persist(path, true) {
            Ok(()) => {
                self.mark(&dir);
                Ok(true)
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
            Err(e) => Err(e),
        }
    }

    fn walk(&self, dir: &Path, out: &mut Vec<String>) -> io::Result<()> {
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        for entry in entries {
            let entry = entry?;
            if entry.file_type()?.is_dir() {
                self.walk(&entry.path(), out)?;
            } else if let Ok(relative) = entry.path().strip_prefix(&self.root) {
                out.push(relative.to_string_lossy().into_owned());
            }
        }
        Ok(())
    }
}

/// Hashes what it writes.
struct HashingWriter<'f> {
    inner: &'f mut File,
    hasher: sha2::Sha256,
}

impl Write for HashingWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        sha2::Digest::update(&mut self.hasher, &buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn read_limited(path: &Path, limit: u64) -> io::Result<Option<Vec<u8>>> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok(Some(bytes))
}

impl Storage for FolderStorage {
    fn location(&self) -> String {
        self.root.display().to_string()
    }

    fn locate(&self, item: &Item) -> String {
        self.file(item).display().to_string()
    }

    fn read(&self, item: &Item) -> Result<Option<Vec<u8>>, StorageError> {
        let path = self.file(item);
        let limit = item.max_len();
        let bytes = read_limited(&path, limit).map_err(self.io(&path))?;
        if bytes.as_ref().is_some_and(|b| b.len() as u64 > limit) {
            return Err(StorageError::TooLarge {
                location: path.display().to_string(),
                limit,
            });
        }
        Ok(bytes)
    }

    fn create(&self, item: &Item, bytes: &[u8]) -> Result<Created, StorageError> {
        if item.is_mutable() {
            return Err(StorageError::Immutable(item.path()));
        }
        let path = self.file(item);
        let conflict = || StorageError::Conflict {
            location: path.display().to_string(),
        };
        // Most creates are new: try first, compare only when it exists.
        if !path.exists() {
            let written = self
                .create_with(&path, |f| f.write_all(bytes))
                .map_err(self.io(&path))?;
            if written {
                return Ok(Created::New);
            }
        }
        match read_limited(&path, bytes.len() as u64).map_err(self.io(&path))? {
            Some(found) if found == bytes => Ok(Created::Identical),
            _ => Err(conflict()),
        }
    }

    fn create_bundle(&self, digest: &Sha256Digest, source: &Path) -> Result<Created, StorageError> {
        let item = Item::Bundle(*digest);
        let path = self.file(&item);
        let stored_digest = |p: &Path| File::open(p).and_then(Sha256Digest::of_reader);
        if !path.exists() {
            let written = self
                .create_with(&path, |file| {
                    let mut input = File::open(source)?;
                    let mut writer = HashingWriter {
                        inner: file,
                        hasher: sha2::Sha256::default(),
                    };
                    io::copy(&mut input, &mut writer)?;
                    let found = Sha256Digest(sha2::Digest::finalize(writer.hasher).into());
                    if found != *digest {
                        return Err(io::Error::new(
                            io::ErrorKind::InvalidData,
                            format!(
                                "{} is {found}, not {digest}: it changed while it was copied",
                                source.display()
                            ),
                        ));
                    }
                    Ok(())
                })
                .map_err(self.io(&path))?;
            if written {
                return Ok(Created::New);
            }
        }
        // Left by an ingest that crashed before logging it, or by another
        // writer: adopted if intact.
        match stored_digest(&path).map_err(self.io(&path))? {
            found if found == *digest => Ok(Created::Identical),
            _ => Err(StorageError::Conflict {
                location: path.display().to_string(),
            }),
        }
    }

    fn replace(&self, item: &Item, bytes: &[u8]) -> Result<(), StorageError> {
        if !item.is_mutable() {
            return Err(StorageError::Immutable(item.path()));
        }
        let path = self.file(item);
        self.ensure_dir(crate::fsutil::parent_dir(&path))
            .map_err(self.io(&path))?;
        crate::fsutil::write_atomic(&path, bytes).map_err(self.io(&path))
    }

    fn remove(&self, item: &Item) -> Result<(), StorageError> {
        if !item.is_mutable() {
            return Err(StorageError::Immutable(item.path()));
        }
        let path = self.file(item);
        match std::fs::remove_file(&path) {
            Ok(()) => {
                crate::fsutil::sync_dir(crate::fsutil::parent_dir(&path)).map_err(self.io(&path))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(self.io(&path)(e)),
        }
    }

    fn sync(&self) -> Result<(), StorageError> {
        let dirs = std::mem::take(&mut *self.dirty.lock().unwrap_or_else(|e| e.into_inner()));
        // Several at once, deepest started first: a batch of bundles touches
        // up to 256 object folders, and one sync at a time waits for a
        // journal commit each. The order does not matter for safety: only
        // after every one has returned does an entry name what they hold.
        let dirs: Vec<&PathBuf> = dirs.iter().rev().collect();
        crate::fsutil::concurrently(&dirs, |dir| {
            crate::fsutil::sync_dir(dir).map_err(self.io(dir))
        })
    }

    fn local(&self, digest: &Sha256Digest) -> Result<Option<LocalFile>, StorageError> {
        let path = self.file(&Item::Bundle(*digest));
        Ok(path.is_file().then(|| LocalFile::stored(path)))
    }

    fn list(&self, area: Area) -> Result<Vec<Listed>, StorageError> {
        let base = match area {
            Area::Bundles => "objects",
            Area::Trust => "trust",
            Area::Tiles => "log/tile",
            Area::History => "log/history",
        };
        let dir = self.root.join(base);
        let mut paths = Vec::new();
        self.walk(&dir, &mut paths).map_err(self.io(&dir))?;
        Ok(paths
            .into_iter()
            .map(|p| {
                let name = p.rsplit('/').next().unwrap_or(&p);
                if name.starts_with(TEMP_PREFIX) {
                    Listed::Temporary(p)
                } else {
                    match Item::parse(area, &p) {
                        Some(item) => Listed::Item(item),
                        None => Listed::Foreign(p),
                    }
                }
            })
            .collect())
    }

    fn lock(&self) -> Result<WriteLock, StorageError> {
        let path = self.root.join("lock");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(self.io(&path))?;
        file.lock().map_err(self.io(&path))?;
        Ok(WriteLock::new(file))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn create_is_write_once_and_replace_only_for_mutable_items() {
        let dir = tempfile::tempdir().unwrap();
        let s = FolderStorage::new(dir.path());
        let item = Item::History(3);
        assert_eq!(s.create(&item, b"one").unwrap(), Created::New);
        assert_eq!(s.create(&item, b"one").unwrap(), Created::Identical);
        assert!(matches!(
            s.create(&item, b"two"),
            Err(StorageError::Conflict { .. })
        ));
        assert!(matches!(
            s.create(&item, b"one and more"),
            Err(StorageError::Conflict { .. })
        ));
        assert_eq!(s.read(&item).unwrap().unwrap(), b"one");
        assert!(matches!(
            s.replace(&item, b"x"),
            Err(StorageError::Immutable(_))
        ));
        assert!(matches!(
            s.create(&Item::Checkpoint, b"x"),
            Err(StorageError::Immutable(_))
        ));
        s.replace(&Item::Checkpoint, b"a").unwrap();
        s.replace(&Item::Checkpoint, b"b").unwrap();
        assert_eq!(s.read(&Item::Checkpoint).unwrap().unwrap(), b"b");
        s.sync().unwrap();
        assert_eq!(s.list(Area::History).unwrap(), [Listed::Item(item)]);
    }

    #[test]
    fn a_bundle_is_stored_under_its_digest_only() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("b.zip");
        std::fs::write(&source, b"bundle bytes").unwrap();
        let s = FolderStorage::new(&dir.path().join("a"));
        let digest = Sha256Digest::of_bytes(b"bundle bytes");
        assert_eq!(s.create_bundle(&digest, &source).unwrap(), Created::New);
        assert_eq!(
            s.create_bundle(&digest, &source).unwrap(),
            Created::Identical
        );
        let wrong = Sha256Digest::of_bytes(b"other");
        assert!(s.create_bundle(&wrong, &source).is_err());
        assert!(!s.file(&Item::Bundle(wrong)).exists());
        assert_eq!(
            s.list(Area::Bundles).unwrap(),
            [Listed::Item(Item::Bundle(digest))]
        );
    }
}
