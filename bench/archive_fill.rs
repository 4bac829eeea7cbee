//! Builds a large archive for `bench/archive.sh` from synthetic entries,
//! through the archive's own append path (journal, tiles, checkpoint,
//! catalog): `cargo bench --bench archive_fill -- DIR N`. Sealing a million
//! real bundles would take hours; the time of one `add` and one `proof` on
//! top of it is what the benchmark measures. Its bundles are not stored: an
//! audit of it fails.
#![allow(clippy::unwrap_used, clippy::print_stdout, missing_docs)]

use std::path::PathBuf;
use std::time::Instant;

use docseal::archive::Archive;
use docseal::archive::entry::{BundleEntry, Signer};
use docseal::digest::Sha256Digest;
use docseal::utc::UtcTime;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let dir = PathBuf::from(&args[0]);
    let n: u64 = args[1].parse().unwrap();
    let mut statement: serde_json::Value =
        serde_json::from_slice(&std::fs::read("statements/kz-rs-2026-02-27.json").unwrap())
            .unwrap();
    // `short`: the catalog text of each record is its first paragraph and the one
    // the benchmark searches for,
    // so that a million records fit a benchmark's disk (6 GB otherwise).
    if args.get(2).map(String::as_str) == Some("short") {
        let body: Vec<serde_json::Value> = statement["body"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
            .filter(|(i, p)| {
                *i == 0
                    || p["text"]
                        .as_str()
                        .is_some_and(|t| t.contains("Trans-Caspian"))
            })
            .map(|(_, p)| p.clone())
            .collect();
        statement["body"] = body.into();
    }
    let archive = Archive::init(&dir).unwrap();
    let kz: docseal::keys::KeyId =
        "sha256:7ae7e296ba0cc7a7489e1ceaf111660b4f92d732358b8a764a0a0761d7053103"
            .parse()
            .unwrap();
    let rs: docseal::keys::KeyId =
        "sha256:075e80dbbf6685f19d1cc186bb4354234bb268f7aeebb70fe3a2cdd611280eb9"
            .parse()
            .unwrap();
    let at = UtcTime::parse_strict("2026-02-27T10:00:00Z").unwrap();
    let now = UtcTime::now();
    let start = Instant::now();
    let (cp, _) = archive.latest_checkpoint().unwrap();
    let mut next = cp.size;
    const BATCH: u64 = 10_000;
    while next < n {
        let end = (next + BATCH).min(n);
        let entries: Vec<BundleEntry> = (next..end)
            .map(|i| BundleEntry {
                index: i,
                bundle: Sha256Digest::of_bytes(format!("synthetic bundle {i}").as_bytes()),
                statement_id: format!("synthetic-{i:07}"),
                statement: Sha256Digest::of_bytes(format!("synthetic statement {i}").as_bytes()),
                date: Some("2026-02-27".into()),
                signers: vec![
                    Signer {
                        key: rs,
                        party: "RS".parse().unwrap(),
                        signed_at: at,
                    },
                    Signer {
                        key: kz,
                        party: "KZ".parse().unwrap(),
                        signed_at: at,
                    },
                ],
                ingested_at: now,
                supersedes: None,
                trust: Sha256Digest::of_bytes(b"synthetic"),
            })
            .collect();
        archive.bench_append(entries, &statement).unwrap();
        next = end;
    }
    println!(
        "{}: {n} entries in {:.1} s",
        dir.display(),
        start.elapsed().as_secs_f64()
    );
}
