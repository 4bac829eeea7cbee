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

use ed25519_dalek::VerifyingKey;

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
    let target = open_target(to)?;
    let target = target.as_ref();
    let _lock = target.lock()?;
    let previous = previous_size(from, target, &key, &cp)?;
    let (bundles, snapshots) = named_by(from, cp.size)?;
    let (tiles, history) = tiles_and_history(source, cp.size)?;
    let held = listed_in(
        target,
        &[Area::Bundles, Area::Trust, Area::Tiles, Area::History],
    )?;
    let mut copy = Copier {
        source,
        target,
        held,
        report: MirrorReport {
            size: cp.size,
            root: crate::digest::hex(&cp.root),
            previous,
            ..MirrorReport::default()
        },
        done: 0,
        total: 3 + (snapshots.len() + bundles.len() + tiles.len() + history.len()) as u64,
        progress,
    };

    for item in [Item::PrivateKey, Item::PublicKey, Item::VerifierKey] {
        copy.key(&item)?;
    }
    for digest in &snapshots {
        copy.snapshot(digest)?;
    }
    for digest in &bundles {
        copy.bundle(digest)?;
    }
    for item in &tiles {
        copy.unless_held(item)?;
    }
    target.sync()?;
    copy.history(from, &key, &history)?;
    check_published(from, &key, target, &cp, &published)?;
    publish(from, target, &published)?;
    Ok(copy.report)
}

/// The store at `to`; a folder is created first.
fn open_target(to: &OpenOptions) -> Result<Box<dyn Storage>, ArchiveError> {
    if let super::Location::Folder(dir) = &to.location {
        std::fs::create_dir_all(dir).map_err(|e| ArchiveError::Io {
            path: dir.clone(),
            source: e,
        })?;
    }
    to.location.storage(to.lease)
}

/// The source's tiles of the tree of `size`, and its kept checkpoints (and
/// their time-stamp tokens) up to that size.
fn tiles_and_history(
    source: &dyn Storage,
    size: u64,
) -> Result<(Vec<Item>, Vec<Item>), ArchiveError> {
    let tiles = listed(
        source,
        Area::Tiles,
        |item| matches!(item, Item::Tile(r) if within(*r, size)),
    )?;
    let history = listed(
        source,
        Area::History,
        |item| matches!(item, Item::History(kept) | Item::HistoryToken(kept, _) if *kept <= size),
    )?;
    Ok((tiles, history))
}

/// The published checkpoint, checked like the kept ones, must be the one
/// kept for its size.
fn check_published(
    from: &Archive,
    key: &VerifyingKey,
    target: &dyn Storage,
    cp: &Checkpoint,
    published: &str,
) -> Result<(), ArchiveError> {
    check_kept(from, key, target, cp.size, published, &Item::Checkpoint)?;
    if Log::new(target)
        .kept(cp.size, key)?
        .map(|(_, t)| t)
        .as_deref()
        != Some(published)
    {
        return Err(refused(
            target,
            &Item::History(cp.size),
            "the published checkpoint is not the one kept for its size",
        ));
    }
    Ok(())
}

/// Last, and durably: the published checkpoint, then `archive.json` (so an
/// interrupted mirror is never taken for a complete one).
fn publish(from: &Archive, target: &dyn Storage, published: &str) -> Result<(), ArchiveError> {
    target.sync()?;
    target.replace(&Item::Checkpoint, published.as_bytes())?;
    if target.read(&Item::Info)?.is_none() {
        target.create(&Item::Info, &from.info.bytes())?;
    }
    target.sync()?;
    Ok(())
}

/// The size of the tree the target already holds (0 for none): a target
/// that holds an archive must be this one, at a prefix of its tree.
fn previous_size(
    from: &Archive,
    target: &dyn Storage,
    key: &VerifyingKey,
    cp: &Checkpoint,
) -> Result<u64, ArchiveError> {
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
    let Some(bytes) = target.read(&Item::Checkpoint)? else {
        return Ok(0);
    };
    let text =
        String::from_utf8(bytes).map_err(|_| refused(target, &Item::Checkpoint, "not UTF-8"))?;
    let old = note::verify_checkpoint(&text, key).map_err(|e| {
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
    Ok(old.size)
}

/// What the tree of `size` names: its entries' bundles, and trust snapshots.
fn named_by(
    from: &Archive,
    size: u64,
) -> Result<(BTreeSet<Sha256Digest>, BTreeSet<Sha256Digest>), ArchiveError> {
    let mut bundles = BTreeSet::new();
    let mut snapshots = BTreeSet::new();
    const CHUNK: u64 = 4096;
    let mut start = 0;
    while start < size {
        let end = (start + CHUNK).min(size);
        for entry in from.log().entries(start, end, size)? {
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
    Ok((bundles, snapshots))
}

/// The items of an area of `storage` that `keep` keeps.
fn listed(
    storage: &dyn Storage,
    area: Area,
    keep: impl Fn(&Item) -> bool,
) -> Result<Vec<Item>, ArchiveError> {
    Ok(storage
        .list(area)?
        .into_iter()
        .filter_map(|l| match l {
            Listed::Item(item) if keep(&item) => Some(item),
            _ => None,
        })
        .collect())
}

/// Every item of these areas of `storage`.
fn listed_in(storage: &dyn Storage, areas: &[Area]) -> Result<BTreeSet<Item>, ArchiveError> {
    Ok(areas
        .iter()
        .map(|&area| storage.list(area))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
        .filter_map(|l| match l {
            Listed::Item(item) => Some(item),
            _ => None,
        })
        .collect())
}

/// A kept checkpoint checked against the archive key, its size and origin,
/// and the root the copied tiles give.
fn check_kept(
    from: &Archive,
    key: &VerifyingKey,
    target: &dyn Storage,
    size: u64,
    text: &str,
    item: &Item,
) -> Result<(), ArchiveError> {
    let source = from.storage();
    let kept = note::verify_checkpoint(text, key)
        .map_err(|e| damaged(&source.locate(item), e.to_string()))?;
    if kept.size != size || kept.origin != from.info.origin {
        return Err(damaged(
            &source.locate(item),
            "kept under another size or origin",
        ));
    }
    if Log::new(target).root(size)? != kept.root {
        return Err(refused(
            target,
            item,
            format!("the copied tiles do not give the root of the checkpoint of size {size}"),
        ));
    }
    Ok(())
}

/// The copying of items from the source to the target, counted.
struct Copier<'a> {
    source: &'a dyn Storage,
    target: &'a dyn Storage,
    /// What the target held before (a resumed mirror checks, not copies).
    held: BTreeSet<Item>,
    report: MirrorReport,
    done: u64,
    total: u64,
    progress: &'a dyn Fn(u64, u64),
}

impl Copier<'_> {
    fn step(&mut self, created: Created) {
        match created {
            Created::New => self.report.copied += 1,
            Created::Identical => self.report.present += 1,
        }
        self.done += 1;
        (self.progress)(self.done, self.total);
    }

    /// An item of the source that must be there, with `missing` as the
    /// reason when it is not.
    fn read(&self, item: &Item, missing: &str) -> Result<Vec<u8>, ArchiveError> {
        self.source
            .read(item)?
            .ok_or_else(|| damaged(&self.source.locate(item), missing))
    }

    /// A key file, written unless the target holds the same bytes.
    fn key(&mut self, item: &Item) -> Result<(), ArchiveError> {
        let bytes = self.read(item, "missing")?;
        let created = self.target.create(item, &bytes)?;
        self.step(created);
        Ok(())
    }

    /// A trust snapshot, checked against the digest it is named by.
    fn snapshot(&mut self, digest: &Sha256Digest) -> Result<(), ArchiveError> {
        let item = Item::Trust(*digest);
        let bytes = self.read(&item, "the logged trust snapshot is missing")?;
        if Sha256Digest::of_bytes(&bytes) != *digest {
            return Err(damaged(
                &self.source.locate(&item),
                "its content is not the digest it is named by",
            ));
        }
        let created = self.target.create(&item, &bytes)?;
        self.step(created);
        Ok(())
    }

    /// A bundle: one the target holds is hashed there, not written again;
    /// another is hashed while it is copied, and refused if it is not its name.
    fn bundle(&mut self, digest: &Sha256Digest) -> Result<(), ArchiveError> {
        let (source, target) = (self.source, self.target);
        let item = Item::Bundle(*digest);
        if self.held.contains(&item) {
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
            self.step(Created::Identical);
            return Ok(());
        }
        let local = source
            .local(digest)?
            .ok_or_else(|| damaged(&source.locate(&item), "the logged bundle is missing"))?;
        let created = target.create_bundle(digest, local.path())?;
        self.step(created);
        Ok(())
    }

    /// A tile or a time-stamp token: copied as it is, unless the target
    /// holds it already.
    fn unless_held(&mut self, item: &Item) -> Result<(), ArchiveError> {
        if self.held.contains(item) {
            self.step(Created::Identical);
            return Ok(());
        }
        let bytes = self.read(item, "listed but gone")?;
        let created = self.target.create(item, &bytes)?;
        self.step(created);
        Ok(())
    }

    /// Every kept checkpoint, checked against the archive key and the copied
    /// tiles before it is copied; time-stamp tokens over checkpoints are
    /// copied as they are (the audit checks them against the checkpoint
    /// they cover).
    fn history(
        &mut self,
        from: &Archive,
        key: &VerifyingKey,
        history: &[Item],
    ) -> Result<(), ArchiveError> {
        for item in history {
            match *item {
                Item::History(size) => self.checkpoint(from, key, size, item)?,
                _ => self.unless_held(item)?,
            }
        }
        Ok(())
    }

    /// A kept checkpoint, checked before it is copied.
    fn checkpoint(
        &mut self,
        from: &Archive,
        key: &VerifyingKey,
        size: u64,
        item: &Item,
    ) -> Result<(), ArchiveError> {
        let bytes = self.read(item, "listed but gone")?;
        let text = String::from_utf8(bytes)
            .map_err(|_| damaged(&self.source.locate(item), "not UTF-8"))?;
        check_kept(from, key, self.target, size, &text, item)?;
        let created = self.target.create(item, text.as_bytes())?;
        self.step(created);
        Ok(())
    }
}
