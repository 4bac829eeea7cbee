//! The log on the archive's storage: entries read from entry bundles, new
//! entries appended as tiles (O(k + log N) of them), proofs from O(log N)
//! tiles, the ingest journal, and checkpoints signed, kept and published.

use serde::{Deserialize, Serialize};

use super::entry::Entry;
use super::note::{self, Checkpoint};
use super::storage::{Created, Item, Storage, Tiles};
use super::{ArchiveError, damaged};
use crate::tlog::{self, BundleId, Resource, TILE_HEIGHT, Tree};

/// The log of an archive's storage.
#[derive(Clone, Copy)]
pub struct Log<'s> {
    storage: &'s dyn Storage,
}

/// The ingest journal (`log/pending`): the entries an ingest is appending
/// to the tree of `size` and `root`, written before their tiles, removed
/// after their checkpoint.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Journal {
    /// Format version: 1.
    pub version: u32,
    /// The tree appended to.
    pub size: u64,
    /// Its root, hex.
    pub root: String,
    /// The entries, as JSON (each must be its canonical bytes).
    pub entries: Vec<serde_json::Value>,
}

impl<'s> Log<'s> {
    /// The log of `storage`.
    pub fn new(storage: &'s dyn Storage) -> Self {
        Self { storage }
    }

    /// The entries `from..to` of the tree of `size`, from their bundles.
    pub fn entries(&self, from: u64, to: u64, size: u64) -> Result<Vec<Entry>, ArchiveError> {
        let mut out = Vec::with_capacity(to.saturating_sub(from) as usize);
        if from >= to {
            return Ok(out);
        }
        for n in (from >> TILE_HEIGHT)..=((to - 1) >> TILE_HEIGHT) {
            let Some(bundle) = BundleId::for_size(n, size) else {
                return Err(ArchiveError::NotInLog {
                    index: to - 1,
                    size,
                });
            };
            let entries = self.bundle(bundle)?;
            for (i, bytes) in entries.iter().enumerate() {
                let index = bundle.first_entry() + i as u64;
                if index < from || index >= to {
                    continue;
                }
                let entry = Entry::parse(bytes).map_err(|e| {
                    damaged(
                        &self.storage.locate(&Item::Tile(bundle.into())),
                        format!("entry {index}: {e}"),
                    )
                })?;
                if entry.index() != index {
                    return Err(damaged(
                        &self.storage.locate(&Item::Tile(bundle.into())),
                        format!("entry {index} says it is entry {}", entry.index()),
                    ));
                }
                out.push(entry);
            }
        }
        Ok(out)
    }

    /// Entry `index` of the tree of `size`.
    pub fn entry(&self, index: u64, size: u64) -> Result<Entry, ArchiveError> {
        if index >= size {
            return Err(ArchiveError::NotInLog { index, size });
        }
        self.entries(index, index + 1, size)?
            .pop()
            .ok_or(ArchiveError::NotInLog { index, size })
    }

    /// The raw entries of a bundle (the full bundle, cut, if the partial one
    /// is gone), each checked against the level-0 tile by the caller that
    /// needs it (the audit).
    pub fn bundle(&self, bundle: BundleId) -> Result<Vec<Vec<u8>>, ArchiveError> {
        let item = Item::Tile(bundle.into());
        let (bytes, width) = match self.storage.read(&item)? {
            Some(b) => (b, bundle.width()),
            None if bundle.is_partial() => {
                let full = Item::Tile(bundle.full().into());
                let bytes = self
                    .storage
                    .read(&full)?
                    .ok_or_else(|| damaged(&self.storage.locate(&item), "missing"))?;
                (bytes, bundle.full().width())
            }
            None => return Err(damaged(&self.storage.locate(&item), "missing")),
        };
        let entries = tlog::decode_bundle(&bytes, usize::from(width))
            .map_err(|e| damaged(&self.storage.locate(&item), e.to_string()))?;
        Ok(entries
            .into_iter()
            .take(usize::from(bundle.width()))
            .map(<[u8]>::to_vec)
            .collect())
    }

    /// Appends `entries` to `tree`, writing (and syncing) every new tile and
    /// bundle; a path already holding the same bytes (a retried append)
    /// counts as written, one holding other bytes is damage.
    pub fn append(&self, tree: &Tree, entries: &[Entry]) -> Result<Tree, ArchiveError> {
        let bytes: Vec<Vec<u8>> = entries.iter().map(Entry::bytes).collect();
        let appended = tlog::append_entries(&Tiles(self.storage), tree, &bytes)?;
        let resources = appended
            .bundles
            .iter()
            .map(|(id, b)| (Resource::from(*id), b))
            .chain(
                appended
                    .tiles
                    .iter()
                    .map(|(id, b)| (Resource::from(*id), b)),
            );
        for (resource, bytes) in resources {
            self.storage.create(&Item::Tile(resource), bytes)?;
        }
        self.storage.sync()?;
        Ok(appended.tree)
    }

    /// The root of the tree of `size`, from its tiles.
    pub fn root(&self, size: u64) -> Result<tlog::Hash, ArchiveError> {
        Ok(tlog::root(&Tiles(self.storage), size)?)
    }

    /// Inclusion proof of `index` in the tree of `size`.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<tlog::Hash>, ArchiveError> {
        Ok(tlog::inclusion_proof(&Tiles(self.storage), index, size)?)
    }

    /// Consistency proof from `old` to `new`.
    pub fn consistency_proof(&self, old: u64, new: u64) -> Result<Vec<tlog::Hash>, ArchiveError> {
        Ok(tlog::consistency_proof(&Tiles(self.storage), old, new)?)
    }

    /// The published checkpoint, verified with `key`.
    pub fn published(
        &self,
        key: &ed25519_dalek::VerifyingKey,
    ) -> Result<(Checkpoint, String), ArchiveError> {
        let item = Item::Checkpoint;
        let bytes = self
            .storage
            .read(&item)?
            .ok_or_else(|| damaged(&self.storage.locate(&item), "missing"))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| damaged(&self.storage.locate(&item), "not UTF-8"))?;
        let cp = note::verify_checkpoint(&text, key)
            .map_err(|e| damaged(&self.storage.locate(&item), e.to_string()))?;
        Ok((cp, text))
    }

    /// Keeps `note` (the checkpoint of `cp.size`) in the history and
    /// publishes it. If the history already holds a checkpoint of that size
    /// (an ingest that crashed after keeping it), that one is published
    /// instead, provided it is signed by `key` for the same root.
    pub fn publish(
        &self,
        cp: &Checkpoint,
        note: &str,
        key: &ed25519_dalek::VerifyingKey,
    ) -> Result<String, ArchiveError> {
        let item = Item::History(cp.size);
        let kept = match self.storage.create(&item, note.as_bytes()) {
            Ok(Created::New | Created::Identical) => note.to_string(),
            Err(super::storage::StorageError::Conflict { .. }) => {
                let existing = self
                    .storage
                    .read(&item)?
                    .and_then(|b| String::from_utf8(b).ok())
                    .ok_or_else(|| damaged(&self.storage.locate(&item), "unreadable"))?;
                match note::verify_checkpoint(&existing, key) {
                    Ok(old) if old.root == cp.root && old.origin == cp.origin => existing,
                    _ => {
                        return Err(damaged(
                            &self.storage.locate(&item),
                            "a different checkpoint of this size is already kept",
                        ));
                    }
                }
            }
            Err(e) => return Err(e.into()),
        };
        self.storage.sync()?;
        self.storage.replace(&Item::Checkpoint, kept.as_bytes())?;
        Ok(kept)
    }

    /// The checkpoint of `size` from the history, verified, if kept.
    pub fn kept(
        &self,
        size: u64,
        key: &ed25519_dalek::VerifyingKey,
    ) -> Result<Option<(Checkpoint, String)>, ArchiveError> {
        let item = Item::History(size);
        let Some(bytes) = self.storage.read(&item)? else {
            return Ok(None);
        };
        let text = String::from_utf8(bytes)
            .map_err(|_| damaged(&self.storage.locate(&item), "not UTF-8"))?;
        let cp = note::verify_checkpoint(&text, key)
            .map_err(|e| damaged(&self.storage.locate(&item), e.to_string()))?;
        Ok(Some((cp, text)))
    }

    /// The journal of an interrupted ingest, if any.
    pub fn journal(&self) -> Result<Option<(Journal, Vec<Entry>)>, ArchiveError> {
        let item = Item::Pending;
        let Some(bytes) = self.storage.read(&item)? else {
            return Ok(None);
        };
        let bad = |e: String| damaged(&self.storage.locate(&item), e);
        let value = crate::document::parse_strict(&bytes).map_err(|e| bad(e.to_string()))?;
        let journal: Journal = serde_json::from_value(value).map_err(|e| bad(e.to_string()))?;
        if journal.version != 1 {
            return Err(bad(format!("version {} is not known", journal.version)));
        }
        let entries = journal
            .entries
            .iter()
            .map(|v| {
                let bytes = serde_json_canonicalizer::to_vec(v).map_err(|e| bad(e.to_string()))?;
                Entry::parse(&bytes).map_err(|e| bad(e.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some((journal, entries)))
    }

    /// Writes the journal of an append of `entries` to `tree`.
    pub fn write_journal(&self, tree: &Tree, entries: &[Entry]) -> Result<(), ArchiveError> {
        let journal = Journal {
            version: 1,
            size: tree.size,
            root: crate::digest::hex(&tree.root),
            entries: entries
                .iter()
                .map(|e| serde_json::from_slice(&e.bytes()).unwrap_or_default())
                .collect(),
        };
        let mut bytes = serde_json::to_vec(&journal).unwrap_or_default();
        bytes.push(b'\n');
        Ok(self.storage.replace(&Item::Pending, &bytes)?)
    }

    /// Removes the journal once its entries are checkpointed.
    pub fn clear_journal(&self) -> Result<(), ArchiveError> {
        Ok(self.storage.remove(&Item::Pending)?)
    }
}
