//! Tiled log against whole-log recomputation: for logs of 1,000, 100,000 and
//! 1,000,000 entries, built through `tlog::append` in batches, the time of
//! one more append and of one inclusion proof from tiles (in memory, so the
//! store's I/O is not what is measured), against what the archive does today
//! for the same operations — hash every entry again and compute the root or
//! the proof over all leaves (`archive::merkle`) — and the ratios.
//!
//!     cargo bench --bench tlog            # BENCH_SIZES=1000,100000 to choose sizes
#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use docseal::archive::merkle;
use docseal::tlog::{self, MemoryTiles, Tree};

fn entry(i: u64) -> Vec<u8> {
    format!(
        "{{\"bundle\":\"sha256:{i:064x}\",\"index\":{i},\"ingested_at\":\"2026-11-25T16:21:05Z\",\"signers\":[],\"statement\":\"sha256:{i:064x}\",\"statement_id\":\"stmt-{i:07}\"}}"
    )
    .into_bytes()
}

/// The median of `runs` timings of `f`.
fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

fn ratio(slow: Duration, fast: Duration) -> String {
    format!("{:.0}x", slow.as_secs_f64() / fast.as_secs_f64().max(1e-9))
}

fn main() {
    let sizes: Vec<u64> = std::env::var("BENCH_SIZES")
        .map(|s| s.split(',').map(|n| n.trim().parse().unwrap()).collect())
        .unwrap_or_else(|_| vec![1_000, 100_000, 1_000_000]);
    println!(
        "{:>9} | {:>12} | {:>14} | {:>12} | {:>6} | {:>12} | {:>14} | {:>6} | {:>5}",
        "entries",
        "build",
        "append 1",
        "whole root",
        "ratio",
        "proof",
        "whole proof",
        "ratio",
        "tiles"
    );
    for size in sizes {
        let entries: Vec<Vec<u8>> = (0..=size).map(entry).collect();
        let leaves: Vec<merkle::Hash> = entries.iter().map(|e| merkle::leaf_hash(e)).collect();
        let n = size as usize;

        let start = Instant::now();
        let mut store = MemoryTiles::new();
        let mut tree = Tree::empty();
        for batch in leaves[..n].chunks(1_000) {
            let appended = tlog::append(&store, &tree, batch).unwrap();
            tree = appended.tree;
            store.apply(appended);
        }
        let build = start.elapsed();

        // One more entry: its leaf hash, the tiles that change, the new root.
        let runs = if size >= 1_000_000 { 5 } else { 21 };
        let tiled_append = median(201, || {
            let leaf = merkle::leaf_hash(&entries[n]);
            black_box(tlog::append(&store, &tree, &[leaf]).unwrap());
        });
        let whole_append = median(runs, || {
            let all: Vec<merkle::Hash> = entries.iter().map(|e| merkle::leaf_hash(e)).collect();
            black_box(merkle::root(&all));
        });
        let appended = tlog::append(&store, &tree, &leaves[n..]).unwrap();
        assert_eq!(appended.tree.root, merkle::root(&leaves));

        let index = size / 2;
        let tiled_proof = median(201, || {
            black_box(tlog::inclusion_proof(&store, index, size).unwrap());
        });
        let whole_proof = median(runs, || {
            let all: Vec<merkle::Hash> =
                entries[..n].iter().map(|e| merkle::leaf_hash(e)).collect();
            black_box(merkle::inclusion_proof(index as usize, &all));
        });
        assert_eq!(
            tlog::inclusion_proof(&store, index, size).unwrap(),
            merkle::inclusion_proof(index as usize, &leaves[..n])
        );
        store.reset_reads();
        tlog::inclusion_proof(&store, index, size).unwrap();
        let proof_reads = store.reads();

        println!(
            "{size:>9} | {:>12} | {:>14} | {:>12} | {:>6} | {:>12} | {:>14} | {:>6} | {proof_reads:>5}",
            ms(build),
            ms(tiled_append),
            ms(whole_append),
            ratio(whole_append, tiled_append),
            ms(tiled_proof),
            ms(whole_proof),
            ratio(whole_proof, tiled_proof),
        );
    }
    println!(
        "build: the whole log appended 1,000 at a time; append 1 / proof: median, from tiles in memory; \
         whole root / whole proof: every entry hashed again and the tree computed over all leaves \
         (what `archive add` and `archive proof` do now, less reading and parsing the log); \
         tiles: tiles the proof read"
    );
}
