//! The BagIt checks, as RFC 8493 and the versions before it (0.93–0.97)
//! say: the declaration, the tag files in their declared encoding, the
//! manifests, `fetch.txt`, that every payload file is listed and nothing
//! listed is missing, every digest of every algorithm present,
//! `Payload-Oxum`, and the RFC's warning cases (names differing only in case
//! or normalization, relative path forms, system files) as warnings.
//!
//! What the file names say must be hashed is hashed while the manifests are
//! parsed (on other threads): every payload file with every payload
//! algorithm, every other tag file with every tag algorithm. Anything a
//! manifest lists beyond that is hashed afterwards, and every zip entry no
//! manifest names is still read once, so that its CRC-32 is checked.
//!
//! - [`text`]: declaration, encodings, lines, metadata elements;
//! - [`lists`]: manifests, `fetch.txt` and their paths;
//! - [`listed`]: what the manifests say, matched against the files present.

pub mod listed;
pub mod lists;
pub mod text;

use std::collections::{BTreeMap, BTreeSet};

use super::check::{CheckCode, CheckStatus, Checks};
use super::hashing::{HashResult, Progress, ReadFailure, hash_all};
use crate::bundle::layout;
use crate::bundle::source::{BagSource, UnsafeArchive};
use crate::digest::{HashAlgorithm, Sha256Digest, Sha512Digest};
use listed::Listed;
use lists::FetchLine;
use text::{Declaration, TagEncoding, Version};

/// Largest tag file read into memory.
pub const TAG_FILE_LIMIT: u64 = 64 << 20;

/// What the signatures bind: the digests of the two tag manifests.
#[derive(Debug, Default)]
pub struct BagDigests {
    /// SHA-256 of `tagmanifest-sha256.txt`.
    pub tagmanifest_sha256: Option<Sha256Digest>,
    /// SHA-512 of `tagmanifest-sha512.txt`.
    pub tagmanifest_sha512: Option<Sha512Digest>,
}

/// The manifests present, by algorithm.
pub struct Algorithms {
    /// `manifest-<alg>.txt`.
    pub payload: Vec<HashAlgorithm>,
    /// `tagmanifest-<alg>.txt`.
    pub tag: Vec<HashAlgorithm>,
}

/// The declaration to read the rest with: what `bagit.txt` says, or (when
/// it cannot be read, a failure already reported) BagIt 1.0 in UTF-8.
fn reading(declared: Option<Declaration>) -> (Version, TagEncoding) {
    declared.map_or((Version::V1_0, TagEncoding::Utf8), |d| {
        (d.version, d.encoding)
    })
}

/// Runs every bag check; returns the tag manifests' digests.
pub fn check_bag(source: &BagSource, checks: &mut Checks, progress: Progress<'_>) -> BagDigests {
    let declared = check_declaration(source, checks);
    let (version, encoding) = reading(declared);
    if !source.has_folder("data") {
        checks.fail(
            CheckCode::BagComplete,
            Some("data/"),
            "no payload folder data/ (RFC 8493 §2.1.2)",
        );
    }
    let algs = algorithms(source, checks);
    let predicted = predicted_hashes(source, &algs);
    let (computed, mut listed) = rayon::join(
        || hash_all(source, &predicted, progress),
        || listed::read(source, &algs, version, encoding, checks),
    );
    listed::check_completeness(source, &algs, &mut listed, version, checks);
    let computed = hash_the_rest(source, computed, &listed, progress);
    let digests = compare_digests(&computed, &algs, &listed, checks);
    check_oxum(source, &listed, version, encoding, checks);
    listed::check_names(source, &listed, checks);
    check_unread_entries(source, &computed, checks);
    digests
}

fn check_declaration(source: &BagSource, checks: &mut Checks) -> Option<Declaration> {
    const CODE: CheckCode = CheckCode::BagDeclaration;
    let subject = Some("bagit.txt");
    let bytes = match source.read_small("bagit.txt", TAG_FILE_LIMIT) {
        Err(_) => {
            checks.fail(CODE, subject, "bagit.txt is missing");
            return None;
        }
        Ok(bytes) => bytes,
    };
    match text::declaration(&bytes) {
        Err(e) => {
            checks.fail(CODE, subject, e);
            None
        }
        Ok((d, name)) => {
            if d.bom {
                checks.warn(
                    CODE,
                    subject,
                    format!(
                        "begins with a byte order mark: BagIt {} does not forbid it, later versions do",
                        d.version
                    ),
                );
            }
            checks.pass(
                CODE,
                subject,
                format!("BagIt {}, tag files in {name}", d.version),
            );
            Some(d)
        }
    }
}

fn algorithms(source: &BagSource, checks: &mut Checks) -> Algorithms {
    const CODE: CheckCode = CheckCode::BagManifests;
    let present = |prefix: &str| -> Vec<HashAlgorithm> {
        HashAlgorithm::ALL
            .into_iter()
            .filter(|a| source.contains(&format!("{prefix}{}.txt", a.name())))
            .collect()
    };
    let algs = Algorithms {
        payload: present("manifest-"),
        tag: present("tagmanifest-"),
    };
    for entry in source.entries() {
        for prefix in ["manifest-", "tagmanifest-"] {
            if let Some(name) = entry
                .path
                .strip_prefix(prefix)
                .and_then(|r| r.strip_suffix(".txt"))
                && HashAlgorithm::from_name(name).is_none()
            {
                checks.fail(
                    CODE,
                    Some(&entry.path),
                    format!("unsupported algorithm {name}: cannot check it"),
                );
            }
        }
    }
    let names =
        |algs: &[HashAlgorithm]| algs.iter().map(|a| a.name()).collect::<Vec<_>>().join(", ");
    if algs.payload.is_empty() {
        checks.fail(CODE, None, "no payload manifest (manifest-<algorithm>.txt)");
    } else if algs.payload.iter().all(|a| a.is_weak()) {
        checks.warn(
            CODE,
            None,
            format!(
                "only weak algorithms ({}): integrity is not proven against tampering",
                names(&algs.payload)
            ),
        );
    } else {
        let tag = if algs.tag.is_empty() {
            "none".to_string()
        } else {
            names(&algs.tag)
        };
        checks.pass(
            CODE,
            None,
            format!(
                "payload manifests: {}; tag manifests: {tag}",
                names(&algs.payload)
            ),
        );
    }
    algs
}

/// What the file names say must be hashed, before any manifest is read.
fn predicted_hashes(source: &BagSource, algs: &Algorithms) -> Vec<(String, Vec<HashAlgorithm>)> {
    source
        .entries()
        .iter()
        .filter_map(|e| {
            if e.path.starts_with("data/") {
                (!algs.payload.is_empty()).then(|| (e.path.clone(), algs.payload.clone()))
            } else if e.path.starts_with(layout::SIGNATURES_DIR) {
                None
            } else if let Some(name) = e
                .path
                .strip_prefix("tagmanifest-")
                .and_then(|r| r.strip_suffix(".txt"))
            {
                // A signature binds the tag manifests by SHA-256 and SHA-512.
                [HashAlgorithm::Sha256, HashAlgorithm::Sha512]
                    .into_iter()
                    .find(|a| a.name() == name)
                    .map(|a| (e.path.clone(), vec![a]))
            } else {
                (!algs.tag.is_empty()).then(|| (e.path.clone(), algs.tag.clone()))
            }
        })
        .collect()
}

/// Hashes what a manifest asks for that the names did not predict.
fn hash_the_rest(
    source: &BagSource,
    mut computed: Vec<(String, HashResult)>,
    listed: &Listed,
    progress: Progress<'_>,
) -> Vec<(String, HashResult)> {
    let mut residual: Vec<(String, Vec<HashAlgorithm>)> = Vec::new();
    for (path, algs) in &listed.expected {
        if !source.contains(path) {
            continue;
        }
        // `computed` comes sorted by path from hash_all.
        let have = computed
            .binary_search_by(|(p, _)| p.as_str().cmp(path))
            .ok()
            .and_then(|i| computed[i].1.as_ref().ok());
        let missing: Vec<HashAlgorithm> = algs
            .keys()
            .copied()
            .filter(|a| have.is_none_or(|h| !h.contains_key(a)))
            .collect();
        if !missing.is_empty() {
            residual.push((path.clone(), missing));
        }
    }
    for (path, result) in hash_all(source, &residual, progress) {
        match computed.binary_search_by(|(p, _)| p.cmp(&path)) {
            Ok(i) => match (&mut computed[i].1, result) {
                (Ok(found), Ok(more)) => found.extend(more),
                (slot, other) => *slot = other,
            },
            Err(i) => computed.insert(i, (path, result)),
        }
    }
    computed
}

fn container_failure(checks: &mut Checks, path: &str, u: &UnsafeArchive) {
    checks.fail(
        CheckCode::Container,
        Some(path),
        format!("refused ({}): {}", u.code, u.describe()),
    );
}

/// Each file's digests against what the manifests list, and the digests
/// of the two tag manifests the signatures bind.
fn compare_digests(
    computed: &[(String, HashResult)],
    algs: &Algorithms,
    listed: &Listed,
    checks: &mut Checks,
) -> BagDigests {
    let mut out = BagDigests::default();
    let (mut bad_payload, mut bad_tags) = (0, 0);
    for (path, result) in computed {
        if let Err(ReadFailure::Container(u)) = result {
            container_failure(checks, path, u);
        }
        if let Some(expected) = listed.expected.get(path) {
            let bad = compare_file(path, result, expected, checks);
            if path.starts_with("data/") {
                bad_payload += bad;
            } else {
                bad_tags += bad;
            }
        }
        if let Ok(found) = result {
            out.keep_bound(path, found);
        }
    }
    let names = |a: &[HashAlgorithm]| a.iter().map(|a| a.name()).collect::<Vec<_>>().join(", ");
    let payload_checked = computed
        .iter()
        .filter(|(p, _)| p.starts_with("data/") && listed.expected.contains_key(p))
        .count();
    if bad_payload == 0 && payload_checked > 0 {
        checks.pass(
            CheckCode::BagPayloadDigest,
            None,
            format!(
                "{payload_checked} payload files match every manifest ({})",
                names(&algs.payload)
            ),
        );
    }
    if bad_tags == 0 && !algs.tag.is_empty() {
        checks.pass(
            CheckCode::BagTagDigest,
            None,
            format!(
                "{} tag files match every tag manifest ({})",
                listed.tags.len(),
                names(&algs.tag)
            ),
        );
    }
    out
}

/// One file's digests against the `expected` ones; returns how many are
/// wrong (a file that cannot be read counts once).
fn compare_file(
    path: &str,
    result: &HashResult,
    expected: &BTreeMap<HashAlgorithm, String>,
    checks: &mut Checks,
) -> usize {
    let code = if path.starts_with("data/") {
        CheckCode::BagPayloadDigest
    } else {
        CheckCode::BagTagDigest
    };
    match result {
        Err(ReadFailure::Container(_)) => 1,
        Err(ReadFailure::Io(e)) => {
            checks.fail(code, Some(path), format!("cannot read: {e}"));
            1
        }
        Ok(found) => {
            let mut bad = 0;
            for (alg, hex) in expected {
                if found.get(alg) != Some(hex) {
                    bad += 1;
                    checks.fail(
                        code,
                        Some(path),
                        format!("{alg} digest differs from the manifest"),
                    );
                }
            }
            bad
        }
    }
}

impl BagDigests {
    /// Keeps the digest a signature binds, if `path` is a tag manifest.
    fn keep_bound(&mut self, path: &str, found: &BTreeMap<HashAlgorithm, String>) {
        if path == "tagmanifest-sha256.txt" {
            self.tagmanifest_sha256 = found
                .get(&HashAlgorithm::Sha256)
                .and_then(|h| Sha256Digest::from_hex(h));
        }
        if path == "tagmanifest-sha512.txt" {
            self.tagmanifest_sha512 = found
                .get(&HashAlgorithm::Sha512)
                .and_then(|h| Sha512Digest::from_hex(h));
        }
    }
}

/// The metadata elements of the bag-info file in its declared encoding;
/// `None` when it is absent, or unreadable (a failure reported).
fn read_bag_info(
    source: &BagSource,
    version: Version,
    encoding: TagEncoding,
    checks: &mut Checks,
) -> Option<Vec<text::Element>> {
    let file = version.info_file();
    let bytes = source.read_small(file, TAG_FILE_LIMIT).ok()?;
    let subject = Some(file);
    let elements = match text::decode(&bytes, encoding) {
        Err(e) => {
            checks.fail(CheckCode::BagInfo, subject, e.0);
            return None;
        }
        Ok(d) => {
            listed::check_bom(&d, version, encoding, file, checks);
            match text::elements(&d.text, version) {
                Err(e) => {
                    checks.fail(
                        CheckCode::BagInfo,
                        subject,
                        format!("line {}: {}", e.line, e.message),
                    );
                    return None;
                }
                Ok(elements) => elements,
            }
        }
    };
    checks.pass(
        CheckCode::BagInfo,
        subject,
        format!("{} metadata elements", elements.len()),
    );
    Some(elements)
}

/// `Payload-Oxum` (RFC 8493 §2.2.2): at most once (a warning before 1.0),
/// `OctetCount.StreamCount`, and equal to the payload's — counting files
/// still to be fetched at their `fetch.txt` length when every one is given.
fn check_oxum(
    source: &BagSource,
    listed: &Listed,
    version: Version,
    encoding: TagEncoding,
    checks: &mut Checks,
) {
    const CODE: CheckCode = CheckCode::BagOxum;
    let Some(elements) = read_bag_info(source, version, encoding, checks) else {
        return;
    };
    let subject = Some(version.info_file());
    let Some(oxum) = the_oxum(&elements, version, checks) else {
        return;
    };
    let Some(declared) = parse_oxum(oxum) else {
        return checks.fail(
            CODE,
            subject,
            format!("Payload-Oxum {oxum:?} is not OctetCount.StreamCount"),
        );
    };
    let absent = listed.to_fetch(source);
    if absent.iter().any(|f| f.length.is_none()) {
        return checks.warn(
            CODE,
            subject,
            format!("Payload-Oxum {oxum} not checked: files to fetch without a length"),
        );
    }
    let (bytes, files) = payload_oxum(source, listed, &absent);
    if declared == (bytes, files) {
        checks.pass(CODE, subject, format!("Payload-Oxum {oxum}"));
    } else {
        checks.fail(
            CODE,
            subject,
            format!("Payload-Oxum says {oxum}, the payload is {bytes}.{files}"),
        );
    }
}

/// The `Payload-Oxum` value to check: the only one, or the first of
/// several where the version tolerates repeats (with a warning); `None`
/// when there is none or the repeat is a failure (reported).
fn the_oxum<'e>(
    elements: &'e [text::Element],
    version: Version,
    checks: &mut Checks,
) -> Option<&'e str> {
    const CODE: CheckCode = CheckCode::BagOxum;
    let subject = Some(version.info_file());
    let oxums: Vec<&text::Element> = elements
        .iter()
        .filter(|e| e.label.eq_ignore_ascii_case("Payload-Oxum"))
        .collect();
    let first = oxums.first()?;
    if oxums.len() > 1 {
        let message = format!("Payload-Oxum appears {} times", oxums.len());
        if version.every_manifest() {
            checks.fail(CODE, subject, message);
            return None;
        }
        checks.warn(CODE, subject, format!("{message}; the first is checked"));
    }
    Some(&first.value)
}

/// The payload's own `OctetCount.StreamCount`: the files present that a
/// manifest lists, and those still to fetch at their `fetch.txt` length.
fn payload_oxum(source: &BagSource, listed: &Listed, absent: &[&FetchLine]) -> (u64, u64) {
    let payload: Vec<&crate::bundle::source::BagEntry> = source
        .entries()
        .iter()
        .filter(|e| listed.payload_files.contains(&e.path))
        .collect();
    let bytes: u64 = payload.iter().map(|e| e.size).sum::<u64>()
        + absent.iter().filter_map(|f| f.length).sum::<u64>();
    let files = (payload.len() + absent.len()) as u64;
    (bytes, files)
}

/// `OctetCount.StreamCount` as two numbers.
fn parse_oxum(value: &str) -> Option<(u64, u64)> {
    let (octets, streams) = text::oxum_parts(value)?;
    Some((octets.parse().ok()?, streams.parse().ok()?))
}

/// Every zip entry is read once: what no check hashed is read now, so that
/// its length, CRC-32 and Deflate stream are checked too.
fn check_unread_entries(
    source: &BagSource,
    computed: &[(String, HashResult)],
    checks: &mut Checks,
) {
    if !matches!(source, BagSource::Zip { .. }) {
        return;
    }
    let read: BTreeSet<&str> = computed.iter().map(|(p, _)| p.as_str()).collect();
    let Ok(mut opener) = source.opener() else {
        return;
    };
    for e in source.entries() {
        if read.contains(e.path.as_str()) {
            continue;
        }
        if let Err(err) = opener.with_reader(&e.path, &mut |_| Ok(())) {
            match ReadFailure::of(&err) {
                ReadFailure::Container(u) => container_failure(checks, &e.path, &u),
                ReadFailure::Io(m) => checks.fail(
                    CheckCode::Container,
                    Some(&e.path),
                    format!("cannot read: {m}"),
                ),
            }
        }
    }
}

/// Whether any `container` check failed.
pub fn container_failed(checks: &Checks) -> bool {
    checks
        .0
        .iter()
        .any(|c| c.code == CheckCode::Container && c.status == CheckStatus::Fail)
}

/// Paths each payload manifest lists, by algorithm (for the completeness
/// and profile checks).
pub type ByAlgorithm = BTreeMap<HashAlgorithm, BTreeSet<String>>;
