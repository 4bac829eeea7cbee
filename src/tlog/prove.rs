//! Roots and proofs read from tiles: the recursions of RFC 9162 §2.1 over
//! complete-subtree hashes, each taken from the one tile that holds it, so a
//! root or a proof reads O(log N) tiles. Each operation runs twice: once to
//! learn which tiles it needs (the recursion does not depend on the hashes),
//! then, after reading them all in one call, to compute.

use std::collections::{BTreeSet, HashMap};

use super::merkle::{self, Hash};
use super::path::{TILE_HEIGHT, TileId};
use super::store::{self, TileReader};
use super::{Error, HASH_SIZE};

/// The hashes of complete subtrees of one tree: node `index` at height
/// `height` is the root of leaves `[index · 2^height, (index + 1) · 2^height)`.
pub(crate) trait Nodes {
    fn node(&mut self, height: u32, index: u64) -> Result<Hash, Error>;
}

/// Where node (height, index) is in a tree of `size`: its tile and the range
/// of that tile's hashes it is the root of.
fn locate(height: u32, index: u64, size: u64) -> Result<(TileId, usize, usize), Error> {
    let not_in_tree = || Error::NotInTree {
        height,
        index,
        size,
    };
    let level = height / TILE_HEIGHT;
    let within = height % TILE_HEIGHT;
    let first = index.checked_shl(within).ok_or_else(not_in_tree)?;
    let level8 = u8::try_from(level).map_err(|_| not_in_tree())?;
    let tile = TileId::for_size(level8, first >> TILE_HEIGHT, size).ok_or_else(not_in_tree)?;
    let start = (first % u64::from(super::TILE_WIDTH)) as usize;
    let end = start + (1usize << within);
    if end > usize::from(tile.width()) {
        return Err(not_in_tree());
    }
    Ok((tile, start, end))
}

/// The first pass: records the tiles and answers with a placeholder.
pub(crate) struct Plan {
    size: u64,
    pub(crate) tiles: BTreeSet<TileId>,
}

impl Plan {
    pub(crate) fn new(size: u64) -> Self {
        Self {
            size,
            tiles: BTreeSet::new(),
        }
    }
}

impl Nodes for Plan {
    fn node(&mut self, height: u32, index: u64) -> Result<Hash, Error> {
        let (tile, _, _) = locate(height, index, self.size)?;
        self.tiles.insert(tile);
        Ok([0; 32])
    }
}

/// The second pass: nodes computed from tiles in memory.
pub(crate) struct TileNodes<'t> {
    size: u64,
    tiles: &'t HashMap<TileId, Vec<u8>>,
}

impl<'t> TileNodes<'t> {
    pub(crate) fn new(size: u64, tiles: &'t HashMap<TileId, Vec<u8>>) -> Self {
        Self { size, tiles }
    }
}

impl Nodes for TileNodes<'_> {
    fn node(&mut self, height: u32, index: u64) -> Result<Hash, Error> {
        let (tile, start, end) = locate(height, index, self.size)?;
        let bytes = self
            .tiles
            .get(&tile)
            .ok_or_else(|| Error::Missing { path: tile.path() })?;
        let hashes = bytes
            .get(start * HASH_SIZE..end * HASH_SIZE)
            .ok_or_else(|| Error::Missing { path: tile.path() })?;
        Ok(subtree_root(hashes))
    }
}

/// The root of the perfect subtree over `2^k` concatenated hashes.
pub(crate) fn subtree_root(hashes: &[u8]) -> Hash {
    let mut level: Vec<Hash> = hashes
        .chunks_exact(HASH_SIZE)
        .map(|c| {
            let mut h = [0u8; 32];
            h.copy_from_slice(c);
            h
        })
        .collect();
    while level.len() > 1 {
        level = level
            .chunks(2)
            .map(|pair| match pair {
                [left, right] => merkle::node_hash(left, right),
                [single] => *single,
                _ => [0; 32],
            })
            .collect();
    }
    level.first().copied().unwrap_or_else(merkle::empty_root)
}

/// The largest power of two smaller than `n` (n > 1).
fn split(n: u64) -> u64 {
    1 << (63 - (n - 1).leading_zeros())
}

/// MTH(D\[a..b\]) for a range of the RFC's recursion: `a` is a multiple of
/// the power of two at or above `b - a`, so the range is one complete
/// subtree or splits into one on the left and such a range on the right.
pub(crate) fn range_hash(nodes: &mut dyn Nodes, a: u64, b: u64) -> Result<Hash, Error> {
    let len = b - a;
    if len == 0 {
        return Ok(merkle::empty_root());
    }
    if len.is_power_of_two() {
        let height = len.trailing_zeros();
        return nodes.node(height, a >> height);
    }
    let k = split(len);
    let left = range_hash(nodes, a, a + k)?;
    let right = range_hash(nodes, a + k, b)?;
    Ok(merkle::node_hash(&left, &right))
}

/// PATH(m, D\[a..b\]) (RFC 9162 §2.1.3.1), `m` counted from 0 of the tree.
fn path(nodes: &mut dyn Nodes, m: u64, a: u64, b: u64, out: &mut Vec<Hash>) -> Result<(), Error> {
    if b - a <= 1 {
        return Ok(());
    }
    let k = a + split(b - a);
    if m < k {
        path(nodes, m, a, k, out)?;
        out.push(range_hash(nodes, k, b)?);
    } else {
        path(nodes, m, k, b, out)?;
        out.push(range_hash(nodes, a, k)?);
    }
    Ok(())
}

/// SUBPROOF(m, D\[a..b\], complete) (RFC 9162 §2.1.4.1), `m` the old size.
fn subproof(
    nodes: &mut dyn Nodes,
    m: u64,
    a: u64,
    b: u64,
    complete: bool,
    out: &mut Vec<Hash>,
) -> Result<(), Error> {
    if m == b {
        if !complete {
            out.push(range_hash(nodes, a, b)?);
        }
        return Ok(());
    }
    let k = a + split(b - a);
    if m <= k {
        subproof(nodes, m, a, k, complete, out)?;
        out.push(range_hash(nodes, k, b)?);
    } else {
        subproof(nodes, m, k, b, false, out)?;
        out.push(range_hash(nodes, a, k)?);
    }
    Ok(())
}

/// Runs `compute` over the tree of `size`: first planning, then over the
/// tiles it needs, read in one call.
fn over_tiles<R, T>(
    reader: &R,
    size: u64,
    compute: impl Fn(&mut dyn Nodes) -> Result<T, Error>,
) -> Result<T, Error>
where
    R: TileReader + ?Sized,
{
    let mut plan = Plan::new(size);
    compute(&mut plan)?;
    let wanted: Vec<_> = plan.tiles.iter().map(|t| (*t).into()).collect();
    let tiles: HashMap<TileId, Vec<u8>> = store::load(reader, &wanted)?
        .into_iter()
        .filter_map(|(resource, loaded)| match resource {
            super::Resource::Tile(tile) => Some((tile, loaded.bytes)),
            super::Resource::Bundle(_) => None,
        })
        .collect();
    compute(&mut TileNodes::new(size, &tiles))
}

/// The root hash of the tree of the first `size` leaves, from its partial
/// tiles (one per level).
pub fn root<R: TileReader + ?Sized>(reader: &R, size: u64) -> Result<Hash, Error> {
    over_tiles(reader, size, |nodes| range_hash(nodes, 0, size))
}

/// The RFC 9162 inclusion proof of leaf `index` in the tree of `size`, to
/// verify with [`merkle::verify_inclusion`].
pub fn inclusion_proof<R: TileReader + ?Sized>(
    reader: &R,
    index: u64,
    size: u64,
) -> Result<Vec<Hash>, Error> {
    if index >= size {
        return Err(Error::IndexOutOfRange { index, size });
    }
    over_tiles(reader, size, |nodes| {
        let mut out = Vec::new();
        path(nodes, index, 0, size, &mut out)?;
        Ok(out)
    })
}

/// The RFC 9162 consistency proof from the tree of `old_size` to that of
/// `new_size` (empty when `old_size` is 0 or equal), to verify with
/// [`merkle::verify_consistency`].
pub fn consistency_proof<R: TileReader + ?Sized>(
    reader: &R,
    old_size: u64,
    new_size: u64,
) -> Result<Vec<Hash>, Error> {
    if old_size > new_size {
        return Err(Error::SizeOrder { old_size, new_size });
    }
    if old_size == 0 || old_size == new_size {
        return Ok(Vec::new());
    }
    over_tiles(reader, new_size, |nodes| {
        let mut out = Vec::new();
        subproof(nodes, old_size, 0, new_size, true, &mut out)?;
        Ok(out)
    })
}

/// The leaf hash of entry `index` in the tree of `size`, from its level-0 tile.
pub fn leaf_hash<R: TileReader + ?Sized>(reader: &R, index: u64, size: u64) -> Result<Hash, Error> {
    if index >= size {
        return Err(Error::IndexOutOfRange { index, size });
    }
    over_tiles(reader, size, |nodes| nodes.node(0, index))
}
