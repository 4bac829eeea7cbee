//! Hashing a bag's files in place, in parallel: small files one reader per
//! worker, large files one job per algorithm so that SHA-256 and SHA-512 of
//! one big attachment run side by side.

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::Digest as _;

use crate::bundle::source::{BagSource, Opener, UnsafeArchive};
use crate::digest::{HashAlgorithm, hex};

pub use crate::digest::Progress;

/// The hex digests of one file, by algorithm, or why it could not be read.
pub type HashResult = Result<BTreeMap<HashAlgorithm, String>, ReadFailure>;

/// Why a file could not be hashed.
#[derive(Debug, Clone)]
pub enum ReadFailure {
    /// The zip entry breaks a rule of the container (CRC, length, Deflate).
    Container(UnsafeArchive),
    /// Reading failed.
    Io(String),
}

impl ReadFailure {
    /// Sorts an I/O error from an entry reader.
    pub fn of(e: &std::io::Error) -> Self {
        match UnsafeArchive::from_io(e) {
            Some(u) => Self::Container(u.clone()),
            None => Self::Io(e.to_string()),
        }
    }
}

/// Files at least this big are hashed once per algorithm, on separate threads.
const SPLIT_SIZE: u64 = 8 << 20;

/// Hashes each `(path, algorithms)` wanted; results sorted by path.
pub fn hash_all(
    source: &BagSource,
    wanted: &[(String, Vec<HashAlgorithm>)],
    progress: Progress<'_>,
) -> Vec<(String, HashResult)> {
    use rayon::prelude::*;
    let sizes: BTreeMap<&str, u64> = source
        .entries()
        .iter()
        .map(|e| (e.path.as_str(), e.size))
        .collect();
    let size = |p: &str| sizes.get(p).copied().unwrap_or(0);
    let mut big: Vec<(&str, Vec<HashAlgorithm>)> = Vec::new();
    let mut small: Vec<(&str, Vec<HashAlgorithm>)> = Vec::new();
    for (path, algs) in wanted {
        if size(path) >= SPLIT_SIZE {
            big.extend(algs.iter().map(|a| (path.as_str(), vec![*a])));
        } else {
            small.push((path.as_str(), algs.clone()));
        }
    }
    let total: u64 = big.iter().chain(&small).map(|(p, _)| size(p)).sum();
    let done = AtomicU64::new(0);
    let advance = |bytes: u64| progress(done.fetch_add(bytes, Ordering::Relaxed) + bytes, total);
    let hash =
        |opener: &mut std::io::Result<Opener<'_>>, path: &str, algs: &[HashAlgorithm]| match opener
        {
            Ok(opener) => hash_entry(opener, path, algs, &advance),
            Err(e) => Err(ReadFailure::Io(e.to_string())),
        };
    type Results<'p> = Vec<(&'p str, HashResult)>;
    let (mut results, small_results): (Results<'_>, Results<'_>) = rayon::join(
        || {
            big.par_iter()
                .with_max_len(1)
                .map(|(p, a)| (*p, hash(&mut source.opener(), p, a)))
                .collect()
        },
        || {
            small
                .par_iter()
                .map_init(|| source.opener(), |o, (p, a)| (*p, hash(o, p, a)))
                .collect()
        },
    );
    results.extend(small_results);
    let mut merged: BTreeMap<String, HashResult> = BTreeMap::new();
    for (path, result) in results {
        match (merged.get_mut(path), result) {
            (Some(Ok(found)), Ok(more)) => found.extend(more),
            (Some(slot), Err(e)) => *slot = Err(e),
            (Some(Err(_)), Ok(_)) => {}
            (None, result) => {
                merged.insert(path.to_string(), result);
            }
        }
    }
    merged.into_iter().collect()
}

/// One hasher per algorithm asked for.
enum Hasher {
    Md5(md5::Md5),
    Sha1(sha1::Sha1),
    Sha224(sha2::Sha224),
    Sha256(sha2::Sha256),
    Sha384(sha2::Sha384),
    Sha512(sha2::Sha512),
}

impl Hasher {
    fn new(algorithm: HashAlgorithm) -> Self {
        match algorithm {
            HashAlgorithm::Md5 => Self::Md5(md5::Md5::new()),
            HashAlgorithm::Sha1 => Self::Sha1(sha1::Sha1::new()),
            HashAlgorithm::Sha224 => Self::Sha224(sha2::Sha224::new()),
            HashAlgorithm::Sha256 => Self::Sha256(sha2::Sha256::new()),
            HashAlgorithm::Sha384 => Self::Sha384(sha2::Sha384::new()),
            HashAlgorithm::Sha512 => Self::Sha512(sha2::Sha512::new()),
        }
    }

    fn update(&mut self, chunk: &[u8]) {
        match self {
            Self::Md5(h) => h.update(chunk),
            Self::Sha1(h) => h.update(chunk),
            Self::Sha224(h) => h.update(chunk),
            Self::Sha256(h) => h.update(chunk),
            Self::Sha384(h) => h.update(chunk),
            Self::Sha512(h) => h.update(chunk),
        }
    }

    fn finish(self) -> String {
        match self {
            Self::Md5(h) => hex(&h.finalize()),
            Self::Sha1(h) => hex(&h.finalize()),
            Self::Sha224(h) => hex(&h.finalize()),
            Self::Sha256(h) => hex(&h.finalize()),
            Self::Sha384(h) => hex(&h.finalize()),
            Self::Sha512(h) => hex(&h.finalize()),
        }
    }
}

fn hash_entry(
    opener: &mut Opener<'_>,
    path: &str,
    algs: &[HashAlgorithm],
    advance: &dyn Fn(u64),
) -> HashResult {
    let mut hashers: Vec<(HashAlgorithm, Hasher)> =
        algs.iter().map(|a| (*a, Hasher::new(*a))).collect();
    opener
        .with_reader(path, &mut |reader: &mut dyn Read| {
            crate::digest::for_each_chunk(reader, |chunk| {
                for (_, h) in &mut hashers {
                    h.update(chunk);
                }
                advance(chunk.len() as u64);
            })
            .map(|_| ())
        })
        .map_err(|e| ReadFailure::of(&e))?;
    Ok(hashers.into_iter().map(|(a, h)| (a, h.finish())).collect())
}
