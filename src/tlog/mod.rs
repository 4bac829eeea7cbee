//! A transparency log stored as C2SP tlog-tiles: the RFC 9162 tree kept in
//! hash tiles of height 8 and its entries in entry bundles, so that
//! appending k entries to N writes O(k + log N) tiles and a root or proof
//! reads O(log N). Pure: it reads through a [`TileReader`] that the store
//! implements, and returns what to write.
//!
//! - [`TileId`], [`BundleId`], [`Resource`]: coordinates and their paths
//!   (`tile/<L>/<N>[.p/<W>]`, `tile/entries/<N>[.p/<W>]`, docs/FORMAT.md §7.3).
//! - [`append`], [`append_entries`]: the tiles (and bundles) to write for new
//!   leaves, and the new [`Tree`], from the old tree's partial tiles checked
//!   against its root.
//! - [`root`], [`inclusion_proof`], [`consistency_proof`], [`leaf_hash`],
//!   [`read_entry`]: read from tiles; the proofs are RFC 9162's, verified by
//!   [`merkle::verify_inclusion`] and [`merkle::verify_consistency`].
//! - [`encode_bundle`], [`decode_bundle`]: entry bundles' bytes.
//! - [`merkle`]: RFC 9162 hashing and proofs over a list of leaf hashes.
//! - [`MemoryTiles`]: a store in memory that counts its reads.
//!
//! Which tile a reader uses: for a tree of size s, the tile of exactly the
//! width that tree has there (as Go's `sumdb/tlog` and C2SP clients do); if
//! a partial tile is gone, the full tile at the same place, cut to width.

mod append;
mod bundle;
pub mod merkle;
mod path;
mod prove;
mod store;

pub use append::{Appended, append, append_entries};
pub use bundle::{BundleError, MAX_ENTRY_LEN, decode_bundle, encode_bundle};
pub use merkle::Hash;
pub use path::{
    BundleId, IdError, MAX_LEVEL, PathError, PathRule, Resource, TILE_HEIGHT, TILE_WIDTH, TileId,
};
pub use prove::{consistency_proof, inclusion_proof, leaf_hash, root};
pub use store::{MemoryTiles, StoreError, TileReader};

/// Bytes per hash in a tile.
pub const HASH_SIZE: usize = 32;

/// A tree head: how many leaves, and their root hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tree {
    /// Number of leaves.
    pub size: u64,
    /// RFC 9162 root hash of those leaves.
    pub root: Hash,
}

impl Tree {
    /// The tree of no leaves.
    pub fn empty() -> Self {
        Self {
            size: 0,
            root: merkle::empty_root(),
        }
    }
}

/// Why a tiled-log operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The store failed.
    #[error("reading {count} tile(s) from {path}: {source}")]
    Read {
        /// The first resource asked for.
        path: String,
        /// How many were asked for in that call.
        count: usize,
        /// The store's error.
        #[source]
        source: StoreError,
    },
    /// The store answered a different number of results than asked for.
    #[error("the tile store answered {found} results for {expected} tiles")]
    ReadCount {
        /// Resources asked for.
        expected: usize,
        /// Results returned.
        found: usize,
    },
    /// A tile or bundle the tree needs is not in the store.
    #[error("{path} is missing from the tile store")]
    Missing {
        /// The resource's path.
        path: String,
    },
    /// A hash tile of the wrong length.
    #[error("{path} is {found} bytes, not {expected}")]
    TileLength {
        /// The tile's path.
        path: String,
        /// 32 bytes per hash of its width.
        expected: usize,
        /// Its length.
        found: usize,
    },
    /// An entry bundle that does not decode.
    #[error("{path}: {source}")]
    Bundle {
        /// The bundle's path.
        path: String,
        /// What is wrong with it.
        #[source]
        source: BundleError,
    },
    /// An entry of a bundle whose leaf hash is not the one in its tile.
    #[error("entry {position} of {path} does not hash to its leaf hash in the level-0 tile")]
    BundleMismatch {
        /// The bundle's path.
        path: String,
        /// The entry's position in it.
        position: usize,
    },
    /// The tiles of the tree do not hash to its root (damaged or replaced).
    #[error(
        "the tiles of the tree of size {size} hash to {}, not to its root {}",
        crate::digest::hex(found),
        crate::digest::hex(expected)
    )]
    RootMismatch {
        /// Tree size.
        size: u64,
        /// The root the caller holds (its checkpoint's).
        expected: Hash,
        /// The root of the tiles.
        found: Hash,
    },
    /// A leaf that is not in the tree.
    #[error("index {index} is not in a tree of size {size}")]
    IndexOutOfRange {
        /// The leaf asked for.
        index: u64,
        /// The tree's size.
        size: u64,
    },
    /// A consistency proof from a larger tree to a smaller one.
    #[error("no consistency proof from size {old_size} to the smaller {new_size}")]
    SizeOrder {
        /// The older tree's size.
        old_size: u64,
        /// The newer tree's size.
        new_size: u64,
    },
    /// An entry too long for an entry bundle.
    #[error("entry {index} is {len} bytes; an entry bundle holds at most {MAX_ENTRY_LEN}")]
    EntryTooLong {
        /// Its index in the log.
        index: u64,
        /// Its length.
        len: usize,
    },
    /// More leaves than 64 bits can count.
    #[error("{count} more leaves do not fit on a tree of size {size}")]
    TooLarge {
        /// The tree's size.
        size: u64,
        /// Leaves to append.
        count: usize,
    },
    /// A subtree that a tree of that size does not have complete (a bug in
    /// the caller's arithmetic, reported rather than panicking).
    #[error("no complete subtree of height {height} at {index} in a tree of size {size}")]
    NotInTree {
        /// Subtree height.
        height: u32,
        /// Its position at that height.
        index: u64,
        /// The tree's size.
        size: u64,
    },
}

/// Entry `index` of the log of `size` entries, from its entry bundle.
pub fn read_entry<R: TileReader + ?Sized>(
    reader: &R,
    index: u64,
    size: u64,
) -> Result<Vec<u8>, Error> {
    let (bundle, position) =
        BundleId::for_entry(index, size).ok_or(Error::IndexOutOfRange { index, size })?;
    let mut loaded = store::load(reader, &[bundle.into()])?;
    let read = loaded
        .remove(&Resource::Bundle(bundle))
        .ok_or_else(|| Error::Missing {
            path: bundle.path(),
        })?;
    let Resource::Bundle(from) = read.from else {
        return Err(Error::Missing {
            path: bundle.path(),
        });
    };
    let entries =
        decode_bundle(&read.bytes, usize::from(from.width())).map_err(|source| Error::Bundle {
            path: from.path(),
            source,
        })?;
    entries
        .get(position)
        .map(|e| e.to_vec())
        .ok_or(Error::IndexOutOfRange { index, size })
}
