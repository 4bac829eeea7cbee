//! `archive upgrade`: a version-1 archive folder (`log/entries.jsonl`,
//! numbered checkpoints) converted in place. Its entries are replayed into
//! tiles with their bytes unchanged, checkpoint by checkpoint, each old
//! root checked before anything old is dropped; `archive.json` is the
//! commit point (docs/FORMAT.md §7.10).

use std::path::Path;

use ed25519_dalek::VerifyingKey;

use super::entry::Entry;
use super::log::Log;
use super::note;
use super::storage::{FolderStorage, Item, Storage};
use super::{ARCHIVE_VERSION, ArchiveError, ArchiveInfo, damaged};
use crate::tlog::Tree;

/// What an upgrade did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upgraded {
    /// Entries replayed into tiles.
    pub entries: u64,
    /// Entries after the last checkpoint, never signed, dropped (their
    /// bundles stay stored; adding them again logs them).
    pub dropped: u64,
    /// Checkpoints kept.
    pub checkpoints: u64,
}

/// Upgrades the version-1 archive in `dir`. An interrupted upgrade is run
/// again from the start: what it wrote is written again with the same bytes.
pub fn upgrade(dir: &Path) -> Result<Upgraded, ArchiveError> {
    let storage = FolderStorage::new(dir);
    let info = v1_info(&storage, dir)?;
    let _lock = storage.lock()?;
    let key = crate::keys::read_public_key(&dir.join(Item::PublicKey.path()))
        .map_err(|e| damaged(&storage.locate(&Item::PublicKey), e.to_string()))?;
    let entries = read_v1_entries(dir)?;
    let published = read_note(&dir.join("log/checkpoint"))?;
    let latest = note::verify_checkpoint(&published, &key)
        .map_err(|e| damaged("log/checkpoint", e.to_string()))?;
    if latest.size > entries.len() as u64 {
        return Err(damaged(
            "log/entries.jsonl",
            format!(
                "the checkpoint covers {} entries, the log holds {}",
                latest.size,
                entries.len()
            ),
        ));
    }
    let old_dir = dir.join("log/checkpoints");
    let kept = kept_checkpoints(&old_dir, &key, latest.size, published)?;
    replay(&storage, &key, &entries, &kept)?;
    storage.sync()?;
    // `log/checkpoint` is already the latest, in the same place and form.
    commit(dir, info)?;
    // Committed: the old files go.
    let _ = std::fs::remove_file(dir.join("log/entries.jsonl"));
    let _ = std::fs::remove_dir_all(&old_dir);
    let _ = crate::fsutil::sync_dir(&dir.join("log"));
    Ok(Upgraded {
        entries: latest.size,
        dropped: entries.len() as u64 - latest.size,
        checkpoints: kept.len() as u64,
    })
}

/// The `archive.json` of the folder, which must say version 1.
fn v1_info(storage: &FolderStorage, dir: &Path) -> Result<ArchiveInfo, ArchiveError> {
    let info_bytes = storage
        .read(&Item::Info)?
        .ok_or_else(|| ArchiveError::NotAnArchive(dir.to_path_buf()))?;
    let info: ArchiveInfo = serde_json::from_slice(&info_bytes)
        .map_err(|e| damaged(&storage.locate(&Item::Info), e.to_string()))?;
    if info.version != 1 {
        return Err(ArchiveError::UnknownVersion {
            path: dir.to_path_buf(),
            found: info.version,
        });
    }
    Ok(info)
}

/// The checkpoints to keep, by size: the published one (of `latest` entries)
/// and the numbered ones of `old_dir` below it, each signed by `key`.
fn kept_checkpoints(
    old_dir: &Path,
    key: &VerifyingKey,
    latest: u64,
    published: String,
) -> Result<Vec<(u64, String)>, ArchiveError> {
    let mut kept = vec![(latest, published)];
    if let Ok(files) = std::fs::read_dir(old_dir) {
        for file in files.flatten() {
            let name = file.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let text = read_note(&file.path())?;
            let cp = note::verify_checkpoint(&text, key)
                .map_err(|e| damaged(&file.path().display().to_string(), e.to_string()))?;
            if cp.size < latest {
                kept.push((cp.size, text));
            }
        }
    }
    kept.sort();
    kept.dedup_by_key(|(size, _)| *size);
    Ok(kept)
}

/// Replays the entries into tiles, checkpoint by checkpoint, each root
/// checked before its checkpoint is kept under its size.
fn replay(
    storage: &FolderStorage,
    key: &VerifyingKey,
    entries: &[Entry],
    kept: &[(u64, String)],
) -> Result<(), ArchiveError> {
    let log = Log::new(storage);
    let mut tree = Tree::empty();
    for (size, text) in kept {
        let cp = note::verify_checkpoint(text, key)
            .map_err(|e| damaged("log/checkpoints", e.to_string()))?;
        if *size > tree.size {
            tree = log.append(&tree, &entries[tree.size as usize..*size as usize])?;
        }
        if tree.root != cp.root {
            return Err(damaged(
                "log/entries.jsonl",
                format!(
                    "the first {size} entries do not hash to the root of their checkpoint; nothing was changed"
                ),
            ));
        }
        storage.create(&Item::History(*size), text.as_bytes())?;
    }
    Ok(())
}

/// The commit point: `archive.json` says the current version.
fn commit(dir: &Path, mut info: ArchiveInfo) -> Result<(), ArchiveError> {
    info.version = ARCHIVE_VERSION;
    let mut bytes = serde_json::to_vec_pretty(&info).unwrap_or_default();
    bytes.push(b'\n');
    let info_path = dir.join(Item::Info.path());
    crate::fsutil::write_atomic(&info_path, &bytes).map_err(|source| ArchiveError::Io {
        path: info_path,
        source,
    })
}

fn read_note(path: &Path) -> Result<String, ArchiveError> {
    std::fs::read_to_string(path).map_err(|source| ArchiveError::Io {
        path: path.to_path_buf(),
        source,
    })
}

fn read_v1_entries(dir: &Path) -> Result<Vec<Entry>, ArchiveError> {
    let path = dir.join("log/entries.jsonl");
    let bytes = std::fs::read(&path).map_err(|source| ArchiveError::Io {
        path: path.clone(),
        source,
    })?;
    let where_ = path.display().to_string();
    let complete = match bytes.iter().rposition(|&b| b == b'\n') {
        Some(i) => &bytes[..=i],
        None => &bytes[..0],
    };
    let mut entries = Vec::new();
    for (n, line) in complete
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        let entry =
            Entry::parse(line).map_err(|e| damaged(&where_, format!("line {}: {e}", n + 1)))?;
        if !matches!(entry, Entry::Legacy(_)) || entry.index() != n as u64 {
            return Err(damaged(
                &where_,
                format!("line {}: not entry {n} of a version-1 log", n + 1),
            ));
        }
        entries.push(entry);
    }
    Ok(entries)
}
