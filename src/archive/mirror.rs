//! `archive mirror`: an archive copied to a second store (another site, a
//! backup), checked as it goes — every bundle and trust snapshot against
//! the digest it is named by, every checkpoint against the archive key and
//! against the root the copied tiles give, a mirror that already holds a
//! tree only ever extended (its tree must be a prefix of the source's) —
//! and resumable: what the target already holds is checked, not copied
//! again. The target's published checkpoint is replaced last and its
//! `archive.json` written last, so an interrupted mirror is never taken for
//! a complete one.

use std::collections::BTreeSet;

use super::entry::Entry;
use super::location::OpenOptions;
use super::note::{self, Checkpoint};
use super::storage::{Area, Created, Item, Listed, Storage};
use super::{Archive, ArchiveError, damaged, log::Log};
use crate::digest::Sha256Digest;
use crate::tlog::{Resource, TILE_HEIGHT};

/// What a mirror did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MirrorReport {
    /// Items written to the target.
    pub copied: u64,
    /// Items the target already held (checked, not written).
    pub present: u64,
    /// The tree now published by the target.
    pub size: u64,
    /// Its root, hex.
    pub root: String,
    /// The size the target had before (0 for a new mirror).
    pub previous: u64,
}

/// Why a mirror stopped.
fn refused(target: &dyn Storage, item: &Item, reason: impl Into<String>) -> ArchiveError {
    damaged(&target.locate(item), reason)
}

/// Whether a tile or bundle belongs to the tree of `size` or an earlier one.
fn within(resource: Resource, size: u64) -> bool {
    let (level, end) = match resource {
        Resource::Tile(t) => (t.level(), t.index() * 256 + u64::from(t.width())),
        Resource::Bundle(b) => (0, b.index() * 256 + u64::from(b.width())),
    };
    let span = 1u128 << (u32::from(level) * TILE_HEIGHT).min(127);
    u128::from(end) * span <= u128::from(size)
}

/// Copies `from`'s published tree, and everything it names, to the store
/// at `to`. `progress` is called with (done, total) items.
pub fn mirror(
    from: &Archive,
    to: &OpenOptions,
    progress: &dyn Fn(u64, u64),
) -> Result<MirrorReport, ArchiveError> {
    let key = from.public_key()?;
    let (cp, published) = from.latest_checkpoint()?;
    let source = from.storage();
    if let super::Location::Folder(dir) = &to.location {
        std::fs::create_dir_all(dir).map_err(|e| ArchiveError::Io {
            path: dir.clone(),
            source: e,
        })?;
    }
    let target = to.location.storage(to.lease)?;
    let target = target.as_ref();
    let _lock = target.lock()?;
    let mut report = MirrorReport {
        size: cp.size,
        root: crate::digest::hex(&cp.root),
        ..MirrorReport::default()
    };

    // A target that holds an archive must be this one, at a prefix of its tree.
    if let Some(info) = target.read(&Item::Info)?
        && serde_json::from_slice::<super::ArchiveInfo>(&info)
            .ok()
            .as_ref()
            != Some(&from.info)
    {
        return Err(refused(
            target,
            &Item::Info,
            "the target holds another archive",
        ));
    }
    if let Some(bytes) = target.read(&Item::Checkpoint)? {
        let text = String::from_utf8(bytes)
            .map_err(|_| refused(target, &Item::Checkpoint, "not UTF-8"))?;
        let old = note::verify_checkpoint(&text, &key).map_err(|e| {
            refused(
                target,
                &Item::Checkpoint,
                format!("not signed by this archive's key: {e}"),
            )
        })?;
        if old.size > cp.size || from.log().root(old.size)? != old.root {
            return Err(refused(
                target,
                &Item::Checkpoint,
                format!(
                    "the target's tree of {} entries is not a prefix of the source's ({} entries): they diverged",
                    old.size, cp.size
                ),
            ));
        }
        report.previous = old.size;
    }

    // What the tree names: its entries' bundles and trust snapshots.
    let mut bundles = BTreeSet::new();
    let mut snapshots = BTreeSet::new();
    const CHUNK: u64 = 4096;
    let mut start = 0;
    while start < cp.size {
        let end = (start + CHUNK).min(cp.size);
        for entry in from.log().entries(start, end, cp.size)? {
            match entry {
                Entry::Bundle(b) => {
                    bundles.insert(b.bundle);
                    snapshots.insert(b.trust);
                }
                Entry::Trust(t) => {
                    snapshots.insert(t.trust);
                }
                Entry::Legacy(l) => {
                    bundles.insert(l.bundle);
                }
            }
        }
        start = end;
    }
    let tiles: Vec<Item> = source
        .list(Area::Tiles)?
        .into_iter()
        .filter_map(|l| match l {
            Listed::Item(item @ Item::Tile(r)) if within(r, cp.size) => Some(item),
            _ => None,
        })
        .collect();
    let history: Vec<Item> = source
        .list(Area::History)?
        .into_iter()
        .filter_map(|l| match l {
            Listed::Item(item @ (Item::History(size) | Item::HistoryToken(size, _)))
                if size <= cp.size =>
            {
                Some(item)
            }
            _ => None,
        })
        .collect();
    let held: BTreeSet<Item> = [Area::Bundles, Area::Trust, Area::Tiles, Area::History]
        .into_iter()
        .map(|area| target.list(area))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
        .filter_map(|l| match l {
            Listed::Item(item) => Some(item),
            _ => None,
        })
        .collect();
    let total = 3 + (snapshots.len() + bundles.len() + tiles.len() + history.len()) as u64;
    let mut done = 0;
    let mut step = |report: &mut MirrorReport, created: Created| {
        match created {
            Created::New => report.copied += 1,
            Created::Identical => report.present += 1,
        }
        done += 1;
        progress(done, total);
    };

    for item in [Item::PrivateKey, Item::PublicKey, Item::VerifierKey] {
        let bytes = source
            .read(&item)?
            .ok_or_else(|| damaged(&source.locate(&item), "missing"))?;
        step(&mut report, target.create(&item, &bytes)?);
    }
    for digest in &snapshots {
        let item = Item::Trust(*digest);
        let bytes = source.read(&item)?.ok_or_else(|| {
            damaged(
                &source.locate(&item),
                "the logged trust snapshot is missing",
            )
        })?;
        if Sha256Digest::of_bytes(&bytes) != *digest {
            return Err(damaged(
                &source.locate(&item),
                "its content is not the digest it is named by",
            ));
        }
        step(&mut report, target.create(&item, &bytes)?);
    }
    for digest in &bundles {
        let item = Item::Bundle(*digest);
        if held.contains(&item) {
            // Resumed: the copy there is checked, not written again.
            let copy = target
                .local(digest)?
                .ok_or_else(|| refused(target, &item, "listed but unreadable"))?;
            let found = std::fs::File::open(copy.path())
                .and_then(Sha256Digest::of_reader)
                .map_err(|e| refused(target, &item, e.to_string()))?;
            if found != *digest {
                return Err(refused(
                    target,
                    &item,
                    format!("its content is {found}, not its name"),
                ));
            }
            step(&mut report, Created::Identical);
            continue;
        }
        let local = source
            .local(digest)?
            .ok_or_else(|| damaged(&source.locate(&item), "the logged bundle is missing"))?;
        // Hashed while it is copied: a copy that is not its name is refused.
        step(&mut report, target.create_bundle(digest, local.path())?);
    }
    for item in &tiles {
        if held.contains(item) {
            step(&mut report, Created::Identical);
            continue;
        }
        let bytes = source
            .read(item)?
            .ok_or_else(|| damaged(&source.locate(item), "listed but gone"))?;
        step(&mut report, target.create(item, &bytes)?);
    }
    target.sync()?;

    // Every checkpoint against the archive key and the copied tiles.
    let copied = Log::new(target);
    let check = |size: u64, text: &str, item: &Item| -> Result<Checkpoint, ArchiveError> {
        let kept = note::verify_checkpoint(text, &key)
            .map_err(|e| damaged(&source.locate(item), e.to_string()))?;
        if kept.size != size || kept.origin != from.info.origin {
            return Err(damaged(
                &source.locate(item),
                "kept under another size or origin",
            ));
        }
        if copied.root(size)? != kept.root {
            return Err(refused(
                target,
                item,
                format!("the copied tiles do not give the root of the checkpoint of size {size}"),
            ));
        }
        Ok(kept)
    };
    for item in &history {
        let size = match *item {
            Item::History(size) => size,
            // Time-stamp tokens over checkpoints: copied as they are (the
            // audit checks them against the checkpoint they cover).
            _ => {
                if held.contains(item) {
                    step(&mut report, Created::Identical);
                    continue;
                }
                let bytes = source
                    .read(item)?
                    .ok_or_else(|| damaged(&source.locate(item), "listed but gone"))?;
                step(&mut report, target.create(item, &bytes)?);
                continue;
            }
        };
        let bytes = source
            .read(item)?
            .ok_or_else(|| damaged(&source.locate(item), "listed but gone"))?;
        let text =
            String::from_utf8(bytes).map_err(|_| damaged(&source.locate(item), "not UTF-8"))?;
        check(size, &text, item)?;
        step(&mut report, target.create(item, text.as_bytes())?);
    }
    check(cp.size, &published, &Item::Checkpoint)?;
    if copied.kept(cp.size, &key)?.map(|(_, t)| t) != Some(published.clone()) {
        return Err(refused(
            target,
            &Item::History(cp.size),
            "the published checkpoint is not the one kept for its size",
        ));
    }
    target.sync()?;
    target.replace(&Item::Checkpoint, published.as_bytes())?;
    if target.read(&Item::Info)?.is_none() {
        target.create(&Item::Info, &from.info.bytes())?;
    }
    target.sync()?;
    Ok(report)
}
