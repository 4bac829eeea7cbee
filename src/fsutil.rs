//! Atomic file writes: a temporary file in the target's folder, synced,
//! renamed over the target, then the folder synced — so a reader sees the old
//! file or the new one, never half of either, even after a crash.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

/// Writes `bytes` to `path` atomically (replacing any existing file).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_with(path, false, |file| file.write_all(bytes))
}

/// Creates `path` atomically with what `fill` writes; when `no_clobber`,
/// fails with `AlreadyExists` instead of replacing an existing file.
pub fn write_atomic_with(
    path: &Path,
    no_clobber: bool,
    fill: impl FnOnce(&mut File) -> io::Result<()>,
) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut temp = tempfile::Builder::new()
        .prefix(".docseal-tmp-")
        .tempfile_in(dir)?;
    // Temporary files are created 0600; what docseal writes is meant to be
    // read (bundles, reports), so give it the usual 0644 unless `fill` says otherwise.
    {
        use std::os::unix::fs::PermissionsExt;
        temp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    fill(temp.as_file_mut())?;
    temp.as_file().sync_all()?;
    if no_clobber {
        // persist_noclobber uses link+unlink: fails if the target exists.
        temp.persist_noclobber(path).map_err(|e| e.error)?;
    } else {
        temp.persist(path).map_err(|e| e.error)?;
    }
    sync_dir(dir)
}

/// Flushes every file of the filesystem holding `path` to stable storage
/// (`syncfs`): one call instead of one `fsync` per file when many files were
/// written together.
pub fn sync_filesystem(path: &Path) -> io::Result<()> {
    let dir = File::open(path)?;
    rustix::fs::syncfs(&dir).map_err(io::Error::from)
}

/// Syncs a folder so that a rename inside it survives a crash.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_clobber_refuses_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a");
        write_atomic(&path, b"one").unwrap();
        let err = write_atomic_with(&path, true, |f| f.write_all(b"two")).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn failed_fill_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b");
        let err = write_atomic_with(&path, true, |_| Err(io::Error::other("disk full")));
        assert!(err.is_err());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
