//! The tiled log against the plain RFC 9162 computation of `tlog::merkle`
//! (roots and proofs for many sizes and batchings, by proptest too), what it
//! reads and writes (counted: O(log N) tiles whatever N), and what it refuses
//! (damaged, short, missing tiles and bundles).
#![allow(clippy::unwrap_used)]

use docseal::tlog::{
    self, BundleId, Error, MemoryTiles, Resource, TILE_WIDTH, TileId, Tree, merkle,
};
use proptest::prelude::*;

fn entry(i: u64) -> Vec<u8> {
    format!("docseal tlog test entry {i}").into_bytes()
}

fn leaves(from: u64, to: u64) -> Vec<merkle::Hash> {
    (from..to).map(|i| merkle::leaf_hash(&entry(i))).collect()
}

/// Appends entries `tree.size..to` in batches of `batch`, storing what each
/// append returns; returns the new tree.
fn grow(store: &mut MemoryTiles, mut tree: Tree, to: u64, batch: u64) -> Tree {
    while tree.size < to {
        let end = (tree.size + batch).min(to);
        let appended = tlog::append(store, &tree, &leaves(tree.size, end)).unwrap();
        tree = appended.tree;
        store.apply(appended);
    }
    tree
}

/// The tiled root, inclusion proofs of `probes` and consistency proofs from
/// `olds` to `size` are those of the whole list (whose computation takes
/// O(size) each: a few probes per size).
fn check_against_merkle(
    store: &MemoryTiles,
    all: &[merkle::Hash],
    size: u64,
    probes: &[u64],
    olds: &[u64],
) {
    let n = size as usize;
    let root = merkle::root(&all[..n]);
    assert_eq!(tlog::root(store, size).unwrap(), root, "root of {size}");
    for &m in probes.iter().filter(|&&m| m < size) {
        let proof = tlog::inclusion_proof(store, m, size).unwrap();
        assert_eq!(
            proof,
            merkle::inclusion_proof(m as usize, &all[..n]),
            "leaf {m} of {size}"
        );
        assert!(merkle::verify_inclusion(
            m,
            size,
            &all[m as usize],
            &proof,
            &root
        ));
        assert_eq!(tlog::leaf_hash(store, m, size).unwrap(), all[m as usize]);
    }
    for &old in olds.iter().filter(|&&old| old <= size) {
        let proof = tlog::consistency_proof(store, old, size).unwrap();
        assert_eq!(
            proof,
            merkle::consistency_proof(old as usize, &all[..n]),
            "{old} -> {size}"
        );
        let old_root = merkle::root(&all[..old as usize]);
        assert!(merkle::verify_consistency(
            old, size, &old_root, &root, &proof
        ));
    }
}

/// Sizes at and around tile boundaries, grown one append per size, each
/// checked (root, proofs of edge leaves, consistency from earlier sizes)
/// against the whole-list computation.
#[test]
fn tiles_give_the_rfc_9162_tree_at_tile_boundaries() {
    let sizes = [
        1u64, 2, 3, 7, 8, 255, 256, 257, 511, 512, 513, 1000, 65_535, 65_536, 65_537, 65_792,
        65_793, 70_000,
    ];
    let all = leaves(0, 70_000);
    let mut store = MemoryTiles::new();
    let mut tree = Tree::empty();
    let mut roots: Vec<merkle::Hash> = Vec::new();
    for &size in &sizes {
        let appended =
            tlog::append(&store, &tree, &all[tree.size as usize..size as usize]).unwrap();
        assert_eq!(
            appended.tree.root,
            merkle::root(&all[..size as usize]),
            "append to {size}"
        );
        roots.push(appended.tree.root);
        tree = appended.tree;
        store.apply(appended);
        // Fewer probes on the large trees, whose reference proofs take long.
        let (probes, olds): (&[u64], &[u64]) = if size < 60_000 {
            (&[0, 255, 256, size - 1], &[1, 257, size / 2 + 1])
        } else {
            (&[size - 1], &[size / 2 + 1])
        };
        check_against_merkle(&store, &all, size, probes, olds);
    }
    // Every earlier size is still served, from its own partial tiles.
    assert_eq!(roots.len(), sizes.len());
    for (&size, root) in sizes.iter().zip(&roots) {
        assert_eq!(tlog::root(&store, size).unwrap(), *root);
    }
}

/// The tiles written are the tiles C2SP says the tree has, with the hashes
/// the spec defines: MTH of each run of 256^level leaves.
#[test]
fn tile_contents_are_the_subtree_hashes_of_the_spec() {
    let all = leaves(0, 70_000);
    let mut store = MemoryTiles::new();
    grow(&mut store, Tree::empty(), 70_000, 9_999);
    for tile in TileId::all(70_000) {
        let bytes = store.get(&tile.into()).unwrap();
        assert_eq!(bytes.len(), usize::from(tile.width()) * 32, "{tile}");
        let span = 256usize.pow(u32::from(tile.level()));
        for (i, hash) in bytes.chunks(32).enumerate() {
            let first = (tile.index() as usize * 256 + i) * span;
            assert_eq!(
                hash,
                merkle::root(&all[first..first + span]),
                "{tile} hash {i}"
            );
        }
    }
    assert!(
        store
            .get(&TileId::new(0, 273, 112).unwrap().into())
            .is_some()
    );
    assert!(store.get(&TileId::new(2, 0, 1).unwrap().into()).is_some());
}

/// Entry bundles hold the entries, hash to their level-0 tiles, and are read
/// back one by one, also once the partial bundle has been deleted.
#[test]
fn entry_bundles_round_trip() {
    let mut store = MemoryTiles::new();
    let mut tree = Tree::empty();
    for to in [1u64, 200, 256, 300, 1_000, 1_025] {
        let entries: Vec<Vec<u8>> = (tree.size..to).map(entry).collect();
        let appended = tlog::append_entries(&store, &tree, &entries).unwrap();
        assert_eq!(
            appended.tree,
            tlog::append(&store, &tree, &leaves(tree.size, to))
                .unwrap()
                .tree
        );
        tree = appended.tree;
        store.apply(appended);
    }
    for i in 0..1_025 {
        assert_eq!(tlog::read_entry(&store, i, 1_025).unwrap(), entry(i));
    }
    for bundle in BundleId::all(1_025) {
        let bytes = store.get(&bundle.into()).unwrap();
        let decoded = tlog::decode_bundle(bytes, usize::from(bundle.width())).unwrap();
        let tile = store.get(&bundle.tile().into()).unwrap();
        for (e, hash) in decoded.iter().zip(tile.chunks(32)) {
            assert_eq!(merkle::leaf_hash(e), hash);
        }
    }
    // Bundle 0 as of size 200 was replaced by the full one: read from it.
    let partial = Resource::Bundle(BundleId::new(0, 200).unwrap());
    assert!(store.remove(&partial).is_some());
    assert_eq!(tlog::read_entry(&store, 199, 200).unwrap(), entry(199));
    assert!(matches!(
        tlog::read_entry(&store, 200, 200),
        Err(Error::IndexOutOfRange {
            index: 200,
            size: 200
        })
    ));
    let too_long = vec![0u8; 65_536];
    assert!(matches!(
        tlog::append_entries(&store, &tree, &[too_long]),
        Err(Error::EntryTooLong {
            index: 1_025,
            len: 65_536
        })
    ));
}

/// Builds a tree of `size` in large batches, then counts what appending one
/// more leaf reads and writes, and what a root and proofs read.
fn costs(size: u64) -> (u64, usize, u64, u64, u64) {
    let mut store = MemoryTiles::new();
    let tree = grow(&mut store, Tree::empty(), size, 250_000);
    store.reset_reads();
    let appended = tlog::append(&store, &tree, &leaves(size, size + 1)).unwrap();
    let append_reads = store.reads();
    let writes = appended.tiles.len();
    let new = appended.tree;
    store.apply(appended);
    store.reset_reads();
    tlog::inclusion_proof(&store, size / 3, new.size).unwrap();
    let inclusion_reads = store.reads();
    store.reset_reads();
    tlog::consistency_proof(&store, size / 3 + 7, new.size).unwrap();
    let consistency_reads = store.reads();
    store.reset_reads();
    assert_eq!(tlog::root(&store, new.size).unwrap(), new.root);
    let root_reads = store.reads();
    (
        append_reads,
        writes,
        inclusion_reads,
        consistency_reads,
        root_reads,
    )
}

/// Appending one leaf to 1,000 / 100,000 / 1,000,000 reads the partial tile
/// of each level (at most 3 here) and writes at most one tile per level; a
/// proof reads at most two tiles per level (the path's and the right edge's).
#[test]
fn appends_and_proofs_read_o_log_n_tiles() {
    for (size, levels) in [(1_000u64, 2u64), (100_000, 3), (1_000_000, 3)] {
        let (append_reads, writes, inclusion, consistency, root) = costs(size);
        eprintln!(
            "{size}: append reads {append_reads}, writes {writes}; inclusion reads {inclusion}, consistency {consistency}, root {root}"
        );
        assert!(append_reads <= levels, "{size}: append read {append_reads}");
        assert!(writes as u64 <= levels, "{size}: append wrote {writes}");
        assert!(
            inclusion <= 2 * levels,
            "{size}: inclusion read {inclusion}"
        );
        assert!(
            consistency <= 2 * levels,
            "{size}: consistency read {consistency}"
        );
        assert!(root <= levels, "{size}: root read {root}");
    }
}

/// An append that completes a tile writes it, its parent's new partial tile
/// and the new partial tile below (nothing else); the old partial tiles
/// stay where they are.
#[test]
fn completing_a_tile_writes_the_level_above() {
    let mut store = MemoryTiles::new();
    let tree = grow(&mut store, Tree::empty(), 65_535, 20_000);
    let appended = tlog::append(&store, &tree, &leaves(65_535, 65_537)).unwrap();
    let ids: Vec<String> = appended.tiles.iter().map(|(t, _)| t.path()).collect();
    assert_eq!(
        ids,
        [
            "tile/0/255",
            "tile/0/256.p/1",
            "tile/1/000",
            "tile/2/000.p/1"
        ]
    );
}

fn damaged(store: &MemoryTiles, change: impl Fn(&Resource, &mut Vec<u8>)) -> MemoryTiles {
    let mut copy = MemoryTiles::new();
    for (r, b) in store.iter() {
        let mut b = b.to_vec();
        change(r, &mut b);
        copy.insert(*r, b);
    }
    copy
}

/// A log of 600 leaves grown 100 at a time, and its partial level-0 tile.
fn log_of_600() -> (MemoryTiles, Tree, Resource) {
    let mut store = MemoryTiles::new();
    let tree = grow(&mut store, Tree::empty(), 600, 100);
    (store, tree, Resource::Tile(TileId::new(0, 2, 88).unwrap()))
}

/// Appending refuses tiles that do not hash to the old root, and an old root
/// that is not the tiles'.
#[test]
fn append_refuses_tiles_that_do_not_hash_to_the_old_root() {
    let (store, tree, partial) = log_of_600();

    let flipped = damaged(&store, |r, b| {
        if *r == partial {
            b[40] ^= 1;
        }
    });
    assert!(matches!(
        tlog::append(&flipped, &tree, &leaves(600, 601)),
        Err(Error::RootMismatch { size: 600, .. })
    ));
    let wrong_root = Tree {
        root: [7; 32],
        ..tree
    };
    assert!(matches!(
        tlog::append(&store, &wrong_root, &leaves(600, 601)),
        Err(Error::RootMismatch { .. })
    ));
}

/// A tile of the wrong length is refused, a missing one named.
#[test]
fn short_or_missing_tiles_are_refused() {
    let (store, _, partial) = log_of_600();
    let short = damaged(&store, |r, b| {
        if *r == partial {
            b.pop();
        }
    });
    match tlog::root(&short, 600) {
        Err(Error::TileLength {
            path,
            expected: 2816,
            found: 2815,
        }) => {
            assert_eq!(path, "tile/0/002.p/88");
        }
        other => panic!("{other:?}"),
    }

    let mut gone = store;
    gone.remove(&partial);
    match tlog::inclusion_proof(&gone, 599, 600) {
        Err(Error::Missing { path }) => assert_eq!(path, "tile/0/002.p/88"),
        other => panic!("{other:?}"),
    }
}

/// A deleted partial tile is read from the full tile at its place.
#[test]
fn a_deleted_partial_tile_is_read_from_the_full_one() {
    // Size 500's partial tile 0/001.p/244 is gone, but 0/001 is full by now.
    let (mut pruned, _, _) = log_of_600();
    assert!(
        pruned
            .remove(&TileId::new(0, 1, 244).unwrap().into())
            .is_some()
    );
    let all = leaves(0, 600);
    assert_eq!(tlog::root(&pruned, 500).unwrap(), merkle::root(&all[..500]));
}

/// A partial bundle whose entries are not its tile's leaves, or that does not
/// decode, is refused on append.
#[test]
fn append_refuses_bundles_that_do_not_match_their_tile() {
    let mut store = MemoryTiles::new();
    let entries: Vec<Vec<u8>> = (0..10).map(entry).collect();
    let appended = tlog::append_entries(&store, &Tree::empty(), &entries).unwrap();
    let tree = appended.tree;
    store.apply(appended);
    let bundle = Resource::Bundle(BundleId::new(0, 10).unwrap());
    let forged = damaged(&store, |r, b| {
        if *r == bundle {
            b[5] ^= 1;
        }
    });
    assert!(matches!(
        tlog::append_entries(&forged, &tree, &[entry(10)]),
        Err(Error::BundleMismatch { position: 0, .. })
    ));
    let cut = damaged(&store, |r, b| {
        if *r == bundle {
            b.pop();
        }
    });
    assert!(matches!(
        tlog::append_entries(&cut, &tree, &[entry(10)]),
        Err(Error::Bundle { .. })
    ));
}

#[test]
fn arguments_out_of_range_are_refused() {
    let mut store = MemoryTiles::new();
    grow(&mut store, Tree::empty(), 10, 10);
    assert!(matches!(
        tlog::inclusion_proof(&store, 10, 10),
        Err(Error::IndexOutOfRange {
            index: 10,
            size: 10
        })
    ));
    assert!(matches!(
        tlog::consistency_proof(&store, 11, 10),
        Err(Error::SizeOrder {
            old_size: 11,
            new_size: 10
        })
    ));
    assert_eq!(
        tlog::consistency_proof(&store, 0, 10).unwrap(),
        Vec::<merkle::Hash>::new()
    );
    assert_eq!(
        tlog::consistency_proof(&store, 10, 10).unwrap(),
        Vec::<merkle::Hash>::new()
    );
    assert_eq!(tlog::root(&store, 0).unwrap(), merkle::empty_root());
    // A tree of 10 has no tile for 11 leaves: asking for it is an error, not a panic.
    assert!(matches!(tlog::root(&store, 11), Err(Error::Missing { .. })));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Appends split into random batches give the tree of the whole list,
    /// and every proof of the tiled tree is the plain one.
    #[test]
    fn random_batches_match_rfc_9162(
        batches in prop::collection::vec(0u64..700, 1..8),
        probe in any::<u64>(),
    ) {
        let total: u64 = batches.iter().sum();
        let all = leaves(0, total);
        let mut store = MemoryTiles::new();
        let mut tree = Tree::empty();
        let mut sizes = vec![0u64];
        for batch in &batches {
            let end = tree.size + batch;
            let appended = tlog::append(&store, &tree, &all[tree.size as usize..end as usize]).unwrap();
            prop_assert_eq!(appended.tree.root, merkle::root(&all[..end as usize]));
            prop_assert!(appended.tiles.len() as u64 <= batch.div_ceil(u64::from(TILE_WIDTH)) + 3);
            tree = appended.tree;
            store.apply(appended);
            sizes.push(end);
        }
        for &size in &sizes {
            let n = size as usize;
            prop_assert_eq!(tlog::root(&store, size).unwrap(), merkle::root(&all[..n]));
            if size > 0 {
                let m = probe % size;
                prop_assert_eq!(
                    tlog::inclusion_proof(&store, m, size).unwrap(),
                    merkle::inclusion_proof(m as usize, &all[..n])
                );
            }
            for &old in sizes.iter().filter(|&&old| old <= size) {
                prop_assert_eq!(
                    tlog::consistency_proof(&store, old, size).unwrap(),
                    merkle::consistency_proof(old as usize, &all[..n])
                );
            }
        }
    }
}
