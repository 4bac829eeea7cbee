//! Files written safely: atomically (a temporary file in the target's
//! folder, synced, renamed over the target, then the folder synced — so a
//! reader sees the old file or the new one, never half of either, even
//! after a crash), and without debris.
//!
//! Every temporary file or folder docseal makes is named `.docseal-tmp-*`,
//! held under an exclusive `flock` for as long as its writer lives, and
//! listed in a process-wide registry:
//! - on SIGINT/SIGTERM the binary calls [`remove_registered_for_exit`] before it
//!   exits, so an interrupted `seal` leaves nothing behind;
//! - after a SIGKILL the lock dies with the process, and the next write into
//!   that folder removes the leftovers it can lock ([`remove_stale`]) — a
//!   temporary still locked belongs to a live writer and is left alone.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The name prefix of every temporary file or folder docseal makes beside
/// its outputs; leftovers of a killed process carry it.
pub const TEMP_PREFIX: &str = ".docseal-tmp-";

/// Temporary paths of this process not yet renamed into place or removed.
static IN_PROGRESS: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());

fn registry() -> std::sync::MutexGuard<'static, BTreeSet<PathBuf>> {
    // A panic while holding the lock leaves the set as it was: still usable.
    IN_PROGRESS.lock().unwrap_or_else(|e| e.into_inner())
}

/// Removes every temporary file and folder this process has in progress,
/// for a signal handler about to exit, and keeps the registry locked for
/// good: from then on no temporary can be created (creation holds the lock)
/// and no thread can finish a write and exit on its own, so the handler's
/// exit is the process's. Returns how many were removed.
pub fn remove_registered_for_exit() -> usize {
    let mut guard = registry();
    let removed = guard.iter().filter(|p| remove_temporary(p)).count();
    guard.clear();
    std::mem::forget(guard);
    removed
}

/// Removes a temporary file, or a temporary folder that another thread may
/// still be writing into: the folder is renamed first (keeping the prefix,
/// so a leftover is still swept), so that no new file can appear in it
/// while it is removed — otherwise a file created during the removal
/// leaves the folder behind.
fn remove_temporary(path: &Path) -> bool {
    if std::fs::remove_file(path).is_ok() {
        return true;
    }
    let mut doomed = path.as_os_str().to_owned();
    doomed.push("-removed");
    let doomed = PathBuf::from(doomed);
    let target = if std::fs::rename(path, &doomed).is_ok() {
        doomed.as_path()
    } else {
        path
    };
    std::fs::remove_dir_all(target).is_ok()
}

/// Waits until no signal handler is removing temporaries (a process that
/// ends normally calls it last, so that an interrupted one exits as the
/// signal says).
pub fn settle() {
    drop(registry());
}

/// Keeps a temporary path in the registry while alive (it is inserted by
/// the creator, under the registry's lock).
#[derive(Debug)]
struct Registered(PathBuf);

impl Drop for Registered {
    fn drop(&mut self) {
        registry().remove(&self.0);
    }
}

/// A temporary file beside its target: locked, registered, removed when
/// dropped unless [`persist`](Self::persist)ed.
#[derive(Debug)]
pub struct TempFile {
    inner: tempfile::NamedTempFile,
    _registered: Registered,
}

impl TempFile {
    /// A new temporary file in `dir` (after removing stale leftovers there).
    pub fn new_in(dir: &Path) -> io::Result<Self> {
        remove_stale(dir);
        Self::new_unswept(dir)
    }

    /// A new temporary file in `dir`, without looking for leftovers (for
    /// folders too large to list on every write, like an archive's object
    /// store, whose audit reports them instead).
    pub fn new_unswept(dir: &Path) -> io::Result<Self> {
        for _ in 0..CLAIM_TRIES {
            // Created and registered under the registry's lock: a signal
            // handler's sweep never misses a temporary made meanwhile.
            let mut guard = registry();
            let inner = tempfile::Builder::new()
                .prefix(TEMP_PREFIX)
                .tempfile_in(dir)?;
            if !claim(inner.path(), inner.as_file())? {
                continue; // swept before it was locked: made again
            }
            guard.insert(inner.path().to_path_buf());
            drop(guard);
            let registered = Registered(inner.path().to_path_buf());
            return Ok(Self {
                inner,
                _registered: registered,
            });
        }
        Err(swept_every_time(dir))
    }

    /// The open file.
    pub fn file(&mut self) -> &mut File {
        self.inner.as_file_mut()
    }

    /// Its temporary path.
    pub fn path(&self) -> &Path {
        self.inner.path()
    }

    /// Syncs it and renames it to `path`; with `no_clobber`, fails with
    /// `AlreadyExists` rather than replace a file.
    pub fn persist(self, path: &Path, no_clobber: bool) -> io::Result<()> {
        self.inner.as_file().sync_all()?;
        let result = if no_clobber {
            // link + unlink: fails if the target exists.
            self.inner.persist_noclobber(path)
        } else {
            self.inner.persist(path)
        };
        result.map(drop).map_err(|e| e.error)
    }
}

/// A temporary folder beside its target: locked, registered, removed when
/// dropped unless renamed into place with [`persist`](Self::persist).
#[derive(Debug)]
pub struct TempDir {
    inner: Option<tempfile::TempDir>,
    _lock: File,
    _registered: Registered,
}

impl TempDir {
    /// A new temporary folder in `dir` (after removing stale leftovers there).
    pub fn new_in(dir: &Path) -> io::Result<Self> {
        remove_stale(dir);
        for _ in 0..CLAIM_TRIES {
            let mut guard = registry();
            let inner = tempfile::Builder::new()
                .prefix(TEMP_PREFIX)
                .tempdir_in(dir)?;
            let Some(lock) = open_and_claim(inner.path())? else {
                continue; // swept before it was locked: made again
            };
            guard.insert(inner.path().to_path_buf());
            drop(guard);
            let registered = Registered(inner.path().to_path_buf());
            return Ok(Self {
                inner: Some(inner),
                _lock: lock,
                _registered: registered,
            });
        }
        Err(swept_every_time(dir))
    }

    /// Its temporary path.
    pub fn path(&self) -> &Path {
        self.inner.as_ref().map_or(Path::new(""), |d| d.path())
    }

    /// Renames it to `target`, which must not exist (not even empty).
    pub fn persist(mut self, target: &Path) -> io::Result<()> {
        let Some(inner) = self.inner.take() else {
            return Err(io::Error::other("temporary folder already persisted"));
        };
        let renamed = rustix::fs::renameat_with(
            rustix::fs::CWD,
            inner.path(),
            rustix::fs::CWD,
            target,
            rustix::fs::RenameFlags::NOREPLACE,
        );
        match renamed {
            Ok(()) => {
                // Renamed away: nothing left to delete.
                let _ = inner.keep();
                Ok(())
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// How many times a temporary is made again when another process's sweep
/// removed it before it was locked (once is rare: it takes a sweep in the
/// instant between creating and locking).
const CLAIM_TRIES: usize = 8;

/// Locks a temporary just made, and says whether it is still the one at
/// its path. Between its creation and its lock, another process's
/// [`remove_stale`] may find it unlocked and remove it: that sweep holds
/// the lock only for an instant (so this waits for it rather than failing),
/// and the file it removed is no longer named `path` (so this tells).
fn claim(path: &Path, handle: &File) -> io::Result<bool> {
    handle.lock()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let (held, named) = (handle.metadata()?, std::fs::symlink_metadata(path));
        Ok(named.is_ok_and(|n| n.ino() == held.ino() && n.dev() == held.dev()))
    }
    #[cfg(not(unix))]
    Ok(path.exists())
}

/// Opens a temporary folder just made and claims it: `None` if a sweep
/// removed it first, before its opening or before its lock.
fn open_and_claim(path: &Path) -> io::Result<Option<File>> {
    let handle = match File::open(path) {
        Ok(handle) => handle,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok(claim(path, &handle)?.then_some(handle))
}

fn swept_every_time(dir: &Path) -> io::Error {
    io::Error::other(format!(
        "{}: every temporary file made there was removed at once (by another program?)",
        dir.display()
    ))
}

/// Removes the `.docseal-tmp-*` leftovers in `dir` that no live process
/// holds (their writer was killed). Best effort: returns how many it removed.
pub fn remove_stale(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mine = registry().clone();
    let mut removed = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        if !entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) || mine.contains(&path) {
            continue;
        }
        let Ok(handle) = File::open(&path) else {
            continue;
        };
        if handle.try_lock().is_err() {
            continue; // a live writer's
        }
        let gone = if entry.file_type().is_ok_and(|t| t.is_dir()) {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        removed += usize::from(gone.is_ok());
    }
    removed
}

/// Writes `bytes` to `path` atomically (replacing any existing file).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_with(path, false, |file| file.write_all(bytes))
}

/// The folder a path is in (`.` for a bare name).
pub fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Creates `path` atomically with what `fill` writes; when `no_clobber`,
/// fails with `AlreadyExists` instead of replacing an existing file.
pub fn write_atomic_with(
    path: &Path,
    no_clobber: bool,
    fill: impl FnOnce(&mut File) -> io::Result<()>,
) -> io::Result<()> {
    let dir = parent_dir(path);
    let mut temp = TempFile::new_in(dir)?;
    // Temporary files are created 0600; what docseal writes is meant to be
    // read (bundles, reports), so give it the usual 0644 unless `fill` says otherwise.
    {
        use std::os::unix::fs::PermissionsExt;
        temp.file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    fill(temp.file())?;
    temp.persist(path, no_clobber)?;
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

/// How many writes [`concurrently`] keeps in flight: enough for the
/// filesystem to fold their `fsync`s into shared journal commits (or for
/// object storage to overlap its round trips), few enough for the open
/// files and memory of a batch.
pub const CONCURRENT_WRITES: usize = 8;

/// Runs `f` on every item, up to [`CONCURRENT_WRITES`] at once, for writes
/// that wait on the disk or the network rather than on a core: one `fsync`
/// at a time waits for a journal commit of its own (about 4 ms on the
/// development machine's disk), while concurrent ones share commits. All
/// items are tried unless one fails; then no new one is started, and the
/// error returned is that of the first failed item in `items`' order, so a
/// failure is reported the same way whatever the timing.
pub fn concurrently<T: Sync, E: Send>(
    items: &[T],
    f: impl Fn(&T) -> Result<(), E> + Sync,
) -> Result<(), E> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    if items.len() <= 1 {
        return items.iter().try_for_each(&f);
    }
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let errors: Mutex<Vec<(usize, E)>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..CONCURRENT_WRITES.min(items.len()) {
            scope.spawn(|| {
                while !failed.load(Ordering::Relaxed) {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    if let Err(e) = f(item) {
                        failed.store(true, Ordering::Relaxed);
                        errors
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .push((i, e));
                    }
                }
            });
        }
    });
    let errors = errors.into_inner().unwrap_or_else(|p| p.into_inner());
    match errors.into_iter().min_by_key(|(i, _)| *i) {
        Some((_, e)) => Err(e),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concurrent_writes_do_every_item_once_and_report_the_first_failure() {
        use std::sync::Mutex;
        let items: Vec<usize> = (0..200).collect();
        let seen = Mutex::new(Vec::new());
        concurrently(&items, |i| {
            seen.lock().unwrap().push(*i);
            Ok::<(), ()>(())
        })
        .unwrap();
        let mut seen = seen.into_inner().unwrap();
        seen.sort_unstable();
        assert_eq!(seen, items);
        // Item 40 fails late, item 70 at once: 70's error comes first in
        // time, 40's is the one reported (the first in the items' order).
        let failed = concurrently(&items, |i| match i {
            40 => {
                std::thread::sleep(std::time::Duration::from_millis(100));
                Err(40)
            }
            70 => Err(70),
            _ => Ok(()),
        });
        assert_eq!(failed, Err(40));
    }

    /// 37 of 10,000 seals run two at a time into one folder failed: a
    /// seal's sweep removed the other's temporary between its creation and
    /// its lock, or held it locked at that instant. A temporary removed
    /// before its lock is not claimed (it is made again) ...
    #[test]
    fn a_temporary_swept_before_its_lock_is_not_claimed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("{TEMP_PREFIX}swept"));
        let handle = File::create(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert!(!claim(&path, &handle).unwrap());
        // ... nor is one whose name now holds another file.
        std::fs::write(&path, b"another").unwrap();
        assert!(!claim(&path, &handle).unwrap());
    }

    /// ... nor is a folder removed before it could even be opened for its
    /// lock (CI failed once with "No such file or directory", naming the
    /// folder eight archives were being created in at once: the opening's
    /// error was returned instead of the folder being made again).
    #[test]
    fn a_temporary_folder_swept_before_it_is_opened_is_not_claimed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("{TEMP_PREFIX}gone"));
        assert!(open_and_claim(&path).unwrap().is_none());
        std::fs::create_dir(&path).unwrap();
        assert!(open_and_claim(&path).unwrap().is_some());
    }

    /// ... and one that a sweep holds locked for an instant is waited for,
    /// then claimed.
    #[test]
    fn a_temporary_a_sweep_holds_for_an_instant_is_waited_for() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("{TEMP_PREFIX}held"));
        let handle = File::create(&path).unwrap();
        let sweeper = File::open(&path).unwrap();
        sweeper.try_lock().unwrap();
        let release = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(200));
            drop(sweeper);
        });
        assert!(claim(&path, &handle).unwrap());
        release.join().unwrap();
        // Claimed means locked: a sweep now passes it by.
        assert!(File::open(&path).unwrap().try_lock().is_err());
    }

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
        assert!(registry().is_empty());
    }

    #[test]
    fn registered_temporaries_are_removed_and_stale_ones_swept_but_live_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let mut live = TempFile::new_in(dir.path()).unwrap();
        live.file().write_all(b"in progress").unwrap();
        // A leftover of a killed writer: named like ours, locked by nobody.
        let stale = dir.path().join(format!("{TEMP_PREFIX}killed"));
        std::fs::write(&stale, b"x").unwrap();
        // Another process's live temporary: locked, not in our registry.
        let foreign = dir.path().join(format!("{TEMP_PREFIX}foreign"));
        std::fs::write(&foreign, b"y").unwrap();
        let held = File::open(&foreign).unwrap();
        // Hold it through another open file description, as another process would.
        held.lock().unwrap();
        assert_eq!(remove_stale(dir.path()), 1);
        assert!(!stale.exists() && foreign.exists() && live.path().exists());
        drop(held);
        // remove_registered() sweeps every temporary of the process — those
        // of tests running beside this one too — so it is tested with real
        // signals in tests/signals.rs instead. The registry itself:
        let live_path = live.path().to_path_buf();
        assert!(registry().contains(&live_path));
        drop(live);
        assert!(!registry().contains(&live_path), "dropped, unregistered");
        assert!(!live_path.exists(), "dropped, removed");
    }
}
