//! Appending to a tiled log: from the partial tiles of the old tree (its
//! right edge, checked against the old root) and the new leaves, the tiles
//! that change — at each level touched, the new full tiles and the new
//! partial one — and the new root. O(k + log N) for k leaves on N.

use std::collections::HashMap;

use super::bundle::{MAX_ENTRY_LEN, decode_bundle, encode_bundle};
use super::merkle::{self, Hash};
use super::path::{BundleId, Resource, TILE_HEIGHT, TILE_WIDTH, TileId};
use super::prove::{TileNodes, range_hash, subtree_root};
use super::store::{self, TileReader};
use super::{Error, HASH_SIZE, Tree};

/// What an append produced: the tiles and bundles to store (all new paths:
/// full ones, and partial ones wider than before), and the new tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appended {
    /// Hash tiles, lowest level first, each level in order.
    pub tiles: Vec<(TileId, Vec<u8>)>,
    /// Entry bundles, in order (empty for [`append`], which has no entries).
    pub bundles: Vec<(BundleId, Vec<u8>)>,
    /// The tree after the append.
    pub tree: Tree,
}

const FULL_TILE_BYTES: usize = TILE_WIDTH as usize * HASH_SIZE;

/// Appends leaf hashes to the tree `old` (its size and root, as its last
/// checkpoint says). Reads the old tree's partial tiles (one per level) and
/// refuses to go on if they do not hash to `old.root`.
pub fn append<R: TileReader + ?Sized>(
    reader: &R,
    old: &Tree,
    leaf_hashes: &[Hash],
) -> Result<Appended, Error> {
    let edge = Edge::read(reader, old, false)?;
    edge.extend(old, leaf_hashes)
}

/// Appends entries to the log whose tree is `old`: their leaf hashes as
/// [`append`] does, and their entry bundles (the old partial bundle, read and
/// checked against its tile, extended).
pub fn append_entries<R, E>(reader: &R, old: &Tree, entries: &[E]) -> Result<Appended, Error>
where
    R: TileReader + ?Sized,
    E: AsRef<[u8]>,
{
    for (i, entry) in entries.iter().enumerate() {
        if entry.as_ref().len() > MAX_ENTRY_LEN {
            return Err(Error::EntryTooLong {
                index: old.size.saturating_add(i as u64),
                len: entry.as_ref().len(),
            });
        }
    }
    let edge = Edge::read(reader, old, true)?;
    let leaves: Vec<Hash> = entries
        .iter()
        .map(|e| merkle::leaf_hash(e.as_ref()))
        .collect();
    let bundles = edge.bundles(old.size, entries)?;
    let mut appended = edge.extend(old, &leaves)?;
    appended.bundles = bundles;
    Ok(appended)
}

/// The right edge of a tree: its partial tiles, by level, and the entries of
/// its partial bundle.
struct Edge {
    partials: HashMap<TileId, Vec<u8>>,
    entries: Vec<Vec<u8>>,
}

impl Edge {
    fn read<R: TileReader + ?Sized>(reader: &R, old: &Tree, bundle: bool) -> Result<Self, Error> {
        let mut wanted: Vec<Resource> = TileId::partials(old.size).map(Resource::from).collect();
        let partial_bundle = BundleId::for_size(old.size >> TILE_HEIGHT, old.size);
        if bundle && let Some(b) = partial_bundle {
            wanted.push(b.into());
        }
        let mut loaded = store::load(reader, &wanted)?;
        let mut entries = Vec::new();
        if let Some(b) = partial_bundle.filter(|_| bundle)
            && let Some(read) = loaded.remove(&Resource::Bundle(b))
        {
            let Resource::Bundle(from) = read.from else {
                return Err(Error::Missing { path: b.path() });
            };
            entries = decode_bundle(&read.bytes, usize::from(from.width()))
                .map_err(|source| Error::Bundle {
                    path: from.path(),
                    source,
                })?
                .into_iter()
                .take(usize::from(b.width()))
                .map(<[u8]>::to_vec)
                .collect();
        }
        let partials: HashMap<TileId, Vec<u8>> = loaded
            .into_iter()
            .filter_map(|(r, l)| match r {
                Resource::Tile(t) => Some((t, l.bytes)),
                Resource::Bundle(_) => None,
            })
            .collect();
        let found = range_hash(&mut TileNodes::new(old.size, &partials), 0, old.size)?;
        if found != old.root {
            return Err(Error::RootMismatch {
                size: old.size,
                expected: old.root,
                found,
            });
        }
        let edge = Self { partials, entries };
        if bundle {
            edge.check_entries(old.size)?;
        }
        Ok(edge)
    }

    /// The partial bundle's entries must hash to the partial level-0 tile.
    fn check_entries(&self, size: u64) -> Result<(), Error> {
        let Some(bundle) = BundleId::for_size(size >> TILE_HEIGHT, size) else {
            return Ok(());
        };
        let tile = self
            .partials
            .get(&bundle.tile())
            .ok_or_else(|| Error::Missing {
                path: bundle.tile().path(),
            })?;
        for (position, (entry, hash)) in self
            .entries
            .iter()
            .zip(tile.chunks_exact(HASH_SIZE))
            .enumerate()
        {
            if merkle::leaf_hash(entry) != hash {
                return Err(Error::BundleMismatch {
                    path: bundle.path(),
                    position,
                });
            }
        }
        Ok(())
    }

    /// The bundles to write: the old partial bundle's entries and the new
    /// ones, cut at multiples of 256.
    fn bundles<E: AsRef<[u8]>>(
        &self,
        old_size: u64,
        entries: &[E],
    ) -> Result<Vec<(BundleId, Vec<u8>)>, Error> {
        let mut out = Vec::new();
        let mut index = old_size >> TILE_HEIGHT;
        let mut current: Vec<&[u8]> = self.entries.iter().map(Vec::as_slice).collect();
        let mut rest = entries.iter().map(AsRef::as_ref).peekable();
        while rest.peek().is_some() {
            while current.len() < usize::from(TILE_WIDTH)
                && let Some(entry) = rest.next()
            {
                current.push(entry);
            }
            // 1 to 256 entries: a valid width.
            let id = BundleId::new(index, current.len() as u16).map_err(|_| Error::TooLarge {
                size: old_size,
                count: entries.len(),
            })?;
            let bytes = encode_bundle(&current).map_err(|source| Error::Bundle {
                path: id.path(),
                source,
            })?;
            out.push((id, bytes));
            current.clear();
            index += 1;
        }
        Ok(out)
    }

    /// The new tiles, level by level: the old partial tile of each level
    /// (if any) extended by the new hashes of that level, which are the roots
    /// of the tiles completed just below it.
    fn extend(mut self, old: &Tree, leaves: &[Hash]) -> Result<Appended, Error> {
        let count = u64::try_from(leaves.len()).unwrap_or(u64::MAX);
        let new_size = old.size.checked_add(count).ok_or(Error::TooLarge {
            size: old.size,
            count: leaves.len(),
        })?;
        let mut tiles = Vec::new();
        let mut carry: Vec<Hash> = leaves.to_vec();
        let mut level: u8 = 0;
        while !carry.is_empty() {
            let old_count = super::path::hashes_at(level, old.size);
            let mut index = old_count >> TILE_HEIGHT;
            let mut current = TileId::for_size(level, index, old.size)
                .filter(TileId::is_partial)
                .and_then(|t| self.partials.remove(&t))
                .unwrap_or_default();
            let mut next = Vec::with_capacity(carry.len() / usize::from(TILE_WIDTH) + 1);
            for hash in &carry {
                current.extend_from_slice(hash);
                if current.len() == FULL_TILE_BYTES {
                    next.push(subtree_root(&current));
                    let id = TileId::new(level, index, TILE_WIDTH)
                        .map_err(|_| too_large(old, leaves))?;
                    tiles.push((id, std::mem::take(&mut current)));
                    index += 1;
                }
            }
            if !current.is_empty() {
                let width = (current.len() / HASH_SIZE) as u16;
                let id = TileId::new(level, index, width).map_err(|_| too_large(old, leaves))?;
                tiles.push((id, current.clone()));
                self.partials.insert(id, current);
            }
            carry = next;
            level += 1;
        }
        // The new edge: the new partial tiles, and the old ones of the levels
        // no new hash reached (they are the same in both trees).
        let root = range_hash(&mut TileNodes::new(new_size, &self.partials), 0, new_size)?;
        Ok(Appended {
            tiles,
            bundles: Vec::new(),
            tree: Tree {
                size: new_size,
                root,
            },
        })
    }
}

fn too_large(old: &Tree, leaves: &[Hash]) -> Error {
    Error::TooLarge {
        size: old.size,
        count: leaves.len(),
    }
}
