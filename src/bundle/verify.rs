//! Verifying a bag or a docseal bundle: every check, each with a stable code,
//! never stopping at the first failure.
//!
//! Codes: `container`, `bag.declaration`, `bag.manifests`, `bag.complete`,
//! `bag.payload-digest`, `bag.tag-digest`, `bag.oxum`, `bag.unlisted-tag-file`,
//! `signature.present`, `signature.files`, `signature.valid`,
//! `signature.binding`, `signature.trust`, `policy`, `statement.schema`,
//! `statement.lints`.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;

use serde::Serialize;
use sha2::Digest as _;

use super::layout::{self, SignedStatement};
use super::source::{BagSource, Limits, SourceError};
use crate::digest::{Sha256Digest, Sha512Digest, hex};
use crate::keyring::{Trust, TrustPolicy};
use crate::keys::{self, KeyId};
use crate::schema::{CompiledSchema, SchemaOptions};

/// Result of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    /// Holds.
    Pass,
    /// Does not hold: the bundle is not authentic or not valid.
    Fail,
    /// Worth knowing; does not fail verification.
    Warn,
}

/// One check and its result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// Stable code (see the module docs).
    pub code: &'static str,
    /// Result.
    pub status: CheckStatus,
    /// What the check is about (a file, a key id), when not the whole bag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Explanation.
    pub message: String,
}

/// One signature of a bundle, as verified.
#[derive(Debug, Clone, Serialize)]
pub struct SignerReport {
    /// The key id.
    pub key: String,
    /// Party, signer, role and time, as signed.
    pub party: String,
    /// Who signed.
    pub signer: String,
    /// `signatory` or `witness`.
    pub role: String,
    /// RFC 3339.
    pub signed_at: String,
    /// The signature is valid and bound to this bag.
    pub valid: bool,
    /// Trust of the key at `signed_at`: trusted, unknown, not-yet-valid, expired, revoked.
    pub trust: String,
    /// A published demo key: proves nothing.
    pub demo: bool,
}

/// What `verify` found.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    /// What was verified (path).
    pub target: String,
    /// `docseal-bundle` or `bagit`.
    pub kind: &'static str,
    /// The bag's name.
    pub bag: String,
    /// Every check.
    pub checks: Vec<Check>,
    /// Every signature.
    pub signers: Vec<SignerReport>,
    /// Some trusted signature relies on a demo key.
    pub demo_keys_used: bool,
    /// The statement, when the bundle has a readable one (for reports).
    #[serde(skip)]
    pub statement: Option<serde_json::Value>,
}

impl VerifyReport {
    /// True when no check failed.
    pub fn ok(&self) -> bool {
        self.checks.iter().all(|c| c.status != CheckStatus::Fail)
    }
}

/// What verification requires beyond integrity.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// Parties that must have a valid, trusted signature.
    pub require_parties: Vec<String>,
    /// Every signatory party of the statement must have one.
    pub all_parties: bool,
}

/// Verification could not even start (not a file, unreadable).
pub type OpenError = SourceError;

struct Ctx {
    checks: Vec<Check>,
}

impl Ctx {
    fn push(
        &mut self,
        code: &'static str,
        status: CheckStatus,
        subject: Option<&str>,
        message: impl Into<String>,
    ) {
        self.checks.push(Check {
            code,
            status,
            subject: subject.map(str::to_owned),
            message: message.into(),
        });
    }
    fn pass(&mut self, code: &'static str, subject: Option<&str>, message: impl Into<String>) {
        self.push(code, CheckStatus::Pass, subject, message);
    }
    fn fail(&mut self, code: &'static str, subject: Option<&str>, message: impl Into<String>) {
        self.push(code, CheckStatus::Fail, subject, message);
    }
    fn warn(&mut self, code: &'static str, subject: Option<&str>, message: impl Into<String>) {
        self.push(code, CheckStatus::Warn, subject, message);
    }
}

/// Largest tag file read into memory.
const TAG_FILE_LIMIT: u64 = 64 << 20;

/// Reports progress of the hashing: (bytes hashed so far, bytes to hash).
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Sync);

/// Verifies a bag folder or zip. I/O errors that prevent checking are
/// returned as `Err`; everything else is a check in the report.
pub fn verify_path(
    path: &Path,
    trust: TrustPolicy<'_>,
    policy: &Policy,
) -> Result<VerifyReport, OpenError> {
    verify_path_with_progress(path, trust, policy, &|_, _| {})
}

/// [`verify_path`], reporting hashing progress (for a progress bar).
pub fn verify_path_with_progress(
    path: &Path,
    trust: TrustPolicy<'_>,
    policy: &Policy,
    progress: Progress<'_>,
) -> Result<VerifyReport, OpenError> {
    let target = path.display().to_string();
    let source = match BagSource::open(path, Limits::default()) {
        Ok(source) => source,
        Err(SourceError::Unsafe(reason)) => {
            return Ok(VerifyReport {
                target,
                kind: "bagit",
                bag: String::new(),
                checks: vec![Check {
                    code: "container",
                    status: CheckStatus::Fail,
                    subject: Some(reason.entry.clone()),
                    message: format!("refused ({}): {}", reason.code, reason.reason),
                }],
                signers: Vec::new(),
                demo_keys_used: false,
                statement: None,
            });
        }
        Err(SourceError::NotZip { message, .. }) if path.is_file() => {
            return Ok(VerifyReport {
                target,
                kind: "bagit",
                bag: String::new(),
                checks: vec![Check {
                    code: "container",
                    status: CheckStatus::Fail,
                    subject: None,
                    message: format!("not a readable zip archive: {message}"),
                }],
                signers: Vec::new(),
                demo_keys_used: false,
                statement: None,
            });
        }
        Err(e) => return Err(e),
    };
    Ok(verify_source(&source, target, trust, policy, progress))
}

/// Verifies an opened bag.
pub fn verify_source(
    source: &BagSource,
    target: String,
    trust: TrustPolicy<'_>,
    policy: &Policy,
    progress: Progress<'_>,
) -> VerifyReport {
    let mut ctx = Ctx { checks: Vec::new() };
    if matches!(source, BagSource::Zip { .. }) {
        ctx.pass("container", None, "zip archive is safe: one root folder, no unsafe names, links, encryption, overlaps or bombs");
    }
    let bag = source.name();
    let digests = check_bag(source, &mut ctx, progress);
    let is_docseal = source.contains(layout::VALIDATION_PATH)
        || source
            .entries()
            .iter()
            .any(|e| e.path.starts_with(layout::SIGNATURES_DIR));
    let mut report = VerifyReport {
        target,
        kind: if is_docseal {
            "docseal-bundle"
        } else {
            "bagit"
        },
        bag: bag.clone(),
        checks: Vec::new(),
        signers: Vec::new(),
        demo_keys_used: false,
        statement: None,
    };
    if is_docseal {
        let statement = read_statement(source, &mut ctx);
        let signers = check_signatures(source, &bag, &digests, statement.as_ref(), trust, &mut ctx);
        check_policy(statement.as_ref(), &signers, policy, &mut ctx);
        report.demo_keys_used = signers.iter().any(|s| s.demo && s.valid);
        report.statement = statement.map(|s| s.value);
        report.signers = signers;
    }
    report.checks = ctx.checks;
    report
}

/// The algorithms docseal can compute, weakest first.
const ALGORITHMS: [&str; 4] = ["md5", "sha1", "sha256", "sha512"];

/// Digests of the tag manifests (for signature bindings) and files.
#[derive(Default)]
struct BagDigests {
    /// sha256 of tagmanifest-sha256.txt, sha512 of tagmanifest-sha512.txt.
    tagmanifest_sha256: Option<Sha256Digest>,
    tagmanifest_sha512: Option<Sha512Digest>,
}

fn check_bag(source: &BagSource, ctx: &mut Ctx, progress: Progress<'_>) -> BagDigests {
    let mut out = BagDigests::default();
    // Declaration.
    match source.read_small("bagit.txt", TAG_FILE_LIMIT) {
        Err(_) => ctx.fail("bag.declaration", Some("bagit.txt"), "bagit.txt is missing"),
        Ok(bytes) => match String::from_utf8(bytes)
            .map_err(|e| e.to_string())
            .and_then(|t| {
                layout::parse_tags("bagit.txt", t.trim_start_matches('\u{feff}'))
                    .map_err(|e| e.to_string())
            }) {
            Err(e) => ctx.fail("bag.declaration", Some("bagit.txt"), e),
            Ok(tags) => {
                let get = |k: &str| tags.iter().find(|(l, _)| l == k).map(|(_, v)| v.as_str());
                match (get("BagIt-Version"), get("Tag-File-Character-Encoding")) {
                    (Some(v @ ("1.0" | "0.97" | "0.96" | "0.95")), Some(enc)) => {
                        if enc.eq_ignore_ascii_case("UTF-8") {
                            ctx.pass(
                                "bag.declaration",
                                Some("bagit.txt"),
                                format!("BagIt {v}, UTF-8"),
                            );
                        } else {
                            ctx.warn(
                                "bag.declaration",
                                Some("bagit.txt"),
                                format!("BagIt {v}, tag files in {enc}: read as UTF-8"),
                            );
                        }
                    }
                    (Some(v), _) => ctx.fail(
                        "bag.declaration",
                        Some("bagit.txt"),
                        format!("unsupported BagIt-Version {v}"),
                    ),
                    (None, _) => ctx.fail("bag.declaration", Some("bagit.txt"), "no BagIt-Version"),
                }
            }
        },
    }
    // Manifests.
    let manifest_algs: Vec<&str> = ALGORITHMS
        .iter()
        .copied()
        .filter(|a| source.contains(&format!("manifest-{a}.txt")))
        .collect();
    let tag_algs: Vec<&str> = ALGORITHMS
        .iter()
        .copied()
        .filter(|a| source.contains(&format!("tagmanifest-{a}.txt")))
        .collect();
    for entry in source.entries() {
        for prefix in ["manifest-", "tagmanifest-"] {
            if let Some(alg) = entry
                .path
                .strip_prefix(prefix)
                .and_then(|r| r.strip_suffix(".txt"))
                && !ALGORITHMS.contains(&alg)
            {
                ctx.fail(
                    "bag.manifests",
                    Some(&entry.path),
                    format!("unsupported algorithm {alg}: cannot check it"),
                );
            }
        }
    }
    if manifest_algs.is_empty() {
        ctx.fail(
            "bag.manifests",
            None,
            "no payload manifest (manifest-<algorithm>.txt)",
        );
    } else if manifest_algs.iter().all(|a| *a == "md5" || *a == "sha1") {
        ctx.warn(
            "bag.manifests",
            None,
            format!(
                "only weak algorithms ({}): integrity is not proven against tampering",
                manifest_algs.join(", ")
            ),
        );
    } else {
        ctx.pass(
            "bag.manifests",
            None,
            format!(
                "payload manifests: {}; tag manifests: {}",
                manifest_algs.join(", "),
                if tag_algs.is_empty() {
                    "none".into()
                } else {
                    tag_algs.join(", ")
                }
            ),
        );
    }
    // What the file names say must be hashed is hashed while the manifests
    // are parsed: every payload file with every payload algorithm, every
    // other tag file with every tag algorithm. Anything a manifest lists
    // beyond that is hashed afterwards.
    let guess: Vec<(String, Vec<&str>)> = source
        .entries()
        .iter()
        .filter_map(|e| {
            if e.path.starts_with("data/") {
                (!manifest_algs.is_empty()).then(|| (e.path.clone(), manifest_algs.clone()))
            } else if e.path.starts_with(layout::SIGNATURES_DIR) {
                None
            } else if let Some(alg) = e
                .path
                .strip_prefix("tagmanifest-")
                .and_then(|r| r.strip_suffix(".txt"))
            {
                ["sha256", "sha512"]
                    .iter()
                    .copied()
                    .find(|a| *a == alg)
                    .map(|a| (e.path.clone(), vec![a]))
            } else {
                (!tag_algs.is_empty()).then(|| (e.path.clone(), tag_algs.clone()))
            }
        })
        .collect();
    let parse = || {
        // expected[path][alg] = hex
        let mut expected: BTreeMap<String, BTreeMap<&str, String>> = BTreeMap::new();
        let mut listed_payload: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
        let mut listed_tags: BTreeSet<String> = BTreeSet::new();
        for (prefix, algs) in [("manifest-", &manifest_algs), ("tagmanifest-", &tag_algs)] {
            for alg in algs.iter() {
                let file = format!("{prefix}{alg}.txt");
                let parsed = source
                    .read_small(&file, TAG_FILE_LIMIT)
                    .map_err(|e| e.to_string())
                    .and_then(|b| String::from_utf8(b).map_err(|e| e.to_string()))
                    .and_then(|t| layout::parse_manifest(&file, &t).map_err(|e| e.to_string()));
                match parsed {
                    Err(e) => ctx.fail("bag.manifests", Some(&file), e),
                    Ok(lines) => {
                        for line in lines {
                            if prefix == "manifest-" {
                                if !line.path.starts_with("data/") {
                                    ctx.fail(
                                        "bag.manifests",
                                        Some(&file),
                                        format!("{} is listed but outside data/", line.path),
                                    );
                                }
                                listed_payload
                                    .entry(alg)
                                    .or_default()
                                    .insert(line.path.clone());
                            } else {
                                listed_tags.insert(line.path.clone());
                            }
                            if let Some(old) = expected
                                .entry(line.path.clone())
                                .or_default()
                                .insert(alg, line.hex)
                                && prefix == "tagmanifest-"
                            {
                                let _ = old;
                            }
                        }
                    }
                }
            }
        }
        // Completeness.
        let payload: BTreeSet<String> = source
            .entries()
            .iter()
            .filter(|e| e.path.starts_with("data/"))
            .map(|e| e.path.clone())
            .collect();
        let mut complete = true;
        for (alg, listed) in &listed_payload {
            for missing in payload.difference(listed) {
                complete = false;
                ctx.fail(
                    "bag.complete",
                    Some(missing),
                    format!("payload file not listed in manifest-{alg}.txt"),
                );
            }
            for absent in listed.difference(&payload) {
                complete = false;
                ctx.fail(
                    "bag.complete",
                    Some(absent),
                    format!("listed in manifest-{alg}.txt but missing from the bag"),
                );
            }
        }
        for tag in &listed_tags {
            if !source.contains(tag) {
                complete = false;
                ctx.fail(
                    "bag.complete",
                    Some(tag),
                    "listed in a tag manifest but missing from the bag",
                );
            }
        }
        if complete && !manifest_algs.is_empty() {
            ctx.pass(
                "bag.complete",
                None,
                format!(
                    "{} payload files, all listed in every manifest",
                    payload.len()
                ),
            );
        }
        // Unlisted tag files (not an error; signatures are expected to be outside).
        if !tag_algs.is_empty() {
            for e in source.entries() {
                let is_manifest = e.path.starts_with("tagmanifest-");
                if !e.path.starts_with("data/")
                    && !is_manifest
                    && !e.path.starts_with(layout::SIGNATURES_DIR)
                    && !listed_tags.contains(&e.path)
                {
                    ctx.warn(
                        "bag.unlisted-tag-file",
                        Some(&e.path),
                        "tag file not listed in any tag manifest",
                    );
                }
            }
        }
        (expected, listed_tags, payload)
    };
    let (mut computed, (expected, listed_tags, payload)) =
        rayon::join(|| hash_all(source, &guess, progress), parse);
    // Digests a manifest asks for that the names did not predict.
    let mut residual: Vec<(String, Vec<&str>)> = Vec::new();
    for (path, algs) in &expected {
        if !source.contains(path) {
            continue;
        }
        // `computed` comes sorted by path from hash_all.
        let have = computed
            .binary_search_by(|(p, _)| p.as_str().cmp(path))
            .ok()
            .and_then(|i| computed[i].1.as_ref().ok());
        let missing: Vec<&str> = algs
            .keys()
            .copied()
            .filter(|a| have.is_none_or(|h| !h.contains_key(a)))
            .collect();
        if !missing.is_empty() {
            residual.push((path.clone(), missing));
        }
    }
    if !residual.is_empty() {
        for (path, result) in hash_all(source, &residual, progress) {
            match computed.binary_search_by(|(p, _)| p.cmp(&path)) {
                Ok(i) => match (&mut computed[i].1, result) {
                    (Ok(found), Ok(more)) => found.extend(more),
                    (slot, other) => *slot = other,
                },
                Err(i) => computed.insert(i, (path, result)),
            }
        }
    }
    let mut bad_payload = 0;
    let mut bad_tags = 0;
    for (path, result) in &computed {
        if let Some(algs) = expected.get(path) {
            let code = if path.starts_with("data/") {
                "bag.payload-digest"
            } else {
                "bag.tag-digest"
            };
            match result {
                Err(e) => {
                    ctx.fail(code, Some(path), format!("cannot read: {e}"));
                }
                Ok(found) => {
                    for (alg, hex_expected) in algs {
                        if found.get(alg) != Some(hex_expected) {
                            if code == "bag.payload-digest" {
                                bad_payload += 1
                            } else {
                                bad_tags += 1
                            }
                            ctx.fail(
                                code,
                                Some(path),
                                format!("{alg} digest differs from the manifest"),
                            );
                        }
                    }
                }
            }
        }
        if let Ok(found) = result {
            if path == "tagmanifest-sha256.txt" {
                out.tagmanifest_sha256 =
                    found.get("sha256").and_then(|h| Sha256Digest::from_hex(h));
            }
            if path == "tagmanifest-sha512.txt" {
                out.tagmanifest_sha512 =
                    found.get("sha512").and_then(|h| Sha512Digest::from_hex(h));
            }
        }
    }
    let payload_checked = computed
        .iter()
        .filter(|(p, _)| p.starts_with("data/"))
        .count();
    if bad_payload == 0 && payload_checked > 0 {
        ctx.pass(
            "bag.payload-digest",
            None,
            format!(
                "{payload_checked} payload files match every manifest ({})",
                manifest_algs.join(", ")
            ),
        );
    }
    if bad_tags == 0 && !tag_algs.is_empty() {
        ctx.pass(
            "bag.tag-digest",
            None,
            format!(
                "{} tag files match every tag manifest ({})",
                listed_tags.len(),
                tag_algs.join(", ")
            ),
        );
    }
    check_oxum(source, &payload, ctx);
    out
}

fn check_oxum(source: &BagSource, payload: &BTreeSet<String>, ctx: &mut Ctx) {
    let Ok(bytes) = source.read_small("bag-info.txt", TAG_FILE_LIMIT) else {
        return;
    };
    let text = String::from_utf8_lossy(&bytes);
    let Ok(tags) = layout::parse_tags("bag-info.txt", &text) else {
        ctx.fail(
            "bag.oxum",
            Some("bag-info.txt"),
            "bag-info.txt is not valid",
        );
        return;
    };
    let Some((_, oxum)) = tags.iter().find(|(l, _)| l == "Payload-Oxum") else {
        return;
    };
    let bytes: u64 = source
        .entries()
        .iter()
        .filter(|e| payload.contains(&e.path))
        .map(|e| e.size)
        .sum();
    let actual = format!("{bytes}.{}", payload.len());
    if *oxum == actual {
        ctx.pass(
            "bag.oxum",
            Some("bag-info.txt"),
            format!("Payload-Oxum {oxum}"),
        );
    } else {
        ctx.fail(
            "bag.oxum",
            Some("bag-info.txt"),
            format!("Payload-Oxum says {oxum}, the payload is {actual}"),
        );
    }
}

type HashResult = Result<BTreeMap<&'static str, String>, String>;

/// Files at least this big are hashed once per algorithm, on separate
/// threads, so that SHA-256 and SHA-512 of one large file run side by side.
const SPLIT_SIZE: u64 = 8 << 20;

fn hash_all(
    source: &BagSource,
    wanted: &[(String, Vec<&str>)],
    progress: Progress<'_>,
) -> Vec<(String, HashResult)> {
    use rayon::prelude::*;
    let sizes: BTreeMap<&str, u64> = source
        .entries()
        .iter()
        .map(|e| (e.path.as_str(), e.size))
        .collect();
    let done = std::sync::atomic::AtomicU64::new(0);
    let mut big: Vec<(&str, Vec<&str>)> = Vec::new();
    let mut small: Vec<(&str, Vec<&str>)> = Vec::new();
    for (path, algs) in wanted {
        if sizes.get(path.as_str()).copied().unwrap_or(0) >= SPLIT_SIZE {
            big.extend(algs.iter().map(|a| (path.as_str(), vec![*a])));
        } else {
            small.push((path.as_str(), algs.clone()));
        }
    }
    let total: u64 = big
        .iter()
        .chain(&small)
        .map(|(p, _)| sizes.get(p).copied().unwrap_or(0))
        .sum();
    let advance = |bytes: u64| {
        let now = done.fetch_add(bytes, std::sync::atomic::Ordering::Relaxed) + bytes;
        progress(now, total);
    };
    let hash = |opener: &mut std::io::Result<super::source::Opener<'_>>,
                path: &str,
                algs: &[&str]| match opener {
        Ok(opener) => hash_entry(opener, path, algs, &advance),
        Err(e) => Err(e.to_string()),
    };
    // Big files: one job per algorithm, each with its own reader. Small
    // files: one reader per worker, reused.
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

fn hash_entry(
    opener: &mut super::source::Opener<'_>,
    path: &str,
    algs: &[&str],
    advance: &dyn Fn(u64),
) -> HashResult {
    let mut md5 = algs.contains(&"md5").then(md5::Md5::new);
    let mut sha1 = algs.contains(&"sha1").then(sha1::Sha1::new);
    let mut sha256 = algs.contains(&"sha256").then(sha2::Sha256::new);
    let mut sha512 = algs.contains(&"sha512").then(sha2::Sha512::new);
    opener
        .with_reader(path, &mut |reader: &mut dyn Read| {
            crate::digest::for_each_chunk(reader, |chunk| {
                if let Some(h) = &mut md5 {
                    h.update(chunk)
                }
                if let Some(h) = &mut sha1 {
                    h.update(chunk)
                }
                if let Some(h) = &mut sha256 {
                    h.update(chunk)
                }
                if let Some(h) = &mut sha512 {
                    h.update(chunk)
                }
                advance(chunk.len() as u64);
            })
            .map(|_| ())
        })
        .map_err(|e| e.to_string())?;
    let mut out = BTreeMap::new();
    if let Some(h) = md5 {
        out.insert("md5", hex(&h.finalize()));
    }
    if let Some(h) = sha1 {
        out.insert("sha1", hex(&h.finalize()));
    }
    if let Some(h) = sha256 {
        out.insert("sha256", hex(&h.finalize()));
    }
    if let Some(h) = sha512 {
        out.insert("sha512", hex(&h.finalize()));
    }
    Ok(out)
}

/// The statement bytes and parsed value.
struct StatementData {
    bytes: Vec<u8>,
    value: serde_json::Value,
    canonical: Option<Sha256Digest>,
    schema: Option<(String, Vec<u8>)>,
}

fn read_statement(source: &BagSource, ctx: &mut Ctx) -> Option<StatementData> {
    let bytes = match source.read_small(layout::STATEMENT_PATH, crate::document::DEFAULT_MAX_SIZE) {
        Ok(b) => b,
        Err(e) => {
            ctx.fail(
                "statement.schema",
                Some(layout::STATEMENT_PATH),
                format!("cannot read the statement: {e}"),
            );
            return None;
        }
    };
    let value = match crate::document::parse_strict(&bytes) {
        Ok(v) => v,
        Err(e) => {
            ctx.fail(
                "statement.schema",
                Some(layout::STATEMENT_PATH),
                e.to_string(),
            );
            return None;
        }
    };
    let canonical = crate::canonical::canonicalize_value(&value)
        .ok()
        .map(|c| Sha256Digest::of_bytes(&c));
    let schemas: Vec<&str> = source
        .entries()
        .iter()
        .map(|e| e.path.as_str())
        .filter(|p| p.starts_with(layout::SCHEMA_DIR))
        .collect();
    let schema = match schemas.as_slice() {
        [one] => source
            .read_small(one, TAG_FILE_LIMIT)
            .ok()
            .map(|b| (one.to_string(), b)),
        _ => {
            ctx.fail(
                "statement.schema",
                Some(layout::SCHEMA_DIR),
                format!(
                    "expected exactly one schema in {}, found {}",
                    layout::SCHEMA_DIR,
                    schemas.len()
                ),
            );
            None
        }
    };
    if let Some((name, schema_bytes)) = &schema {
        // The embedded schema is usually a built-in one, byte for byte: reuse
        // its compiled form instead of compiling it for every bundle.
        let builtin = crate::schema::BUILTINS
            .iter()
            .find(|b| b.text.as_bytes() == schema_bytes.as_slice());
        let owned;
        let compiled = match builtin {
            Some(b) => crate::schema::compiled_builtin(b, SchemaOptions::default()),
            None => {
                owned = CompiledSchema::from_bytes(name, schema_bytes, SchemaOptions::default());
                owned
                    .as_ref()
                    .map_err(|e| crate::schema::SchemaError::Invalid {
                        schema: name.clone(),
                        message: e.to_string(),
                    })
            }
        };
        match compiled {
            Err(e) => ctx.fail(
                "statement.schema",
                Some(name),
                format!("the embedded schema cannot be used: {e}"),
            ),
            Ok(compiled) => {
                let document = crate::document::Document {
                    bytes: bytes.clone(),
                    value: value.clone(),
                };
                let findings = crate::validate::validate(&document, compiled);
                let source_text = source
                    .read_small(layout::SOURCE_PATH, crate::document::DEFAULT_MAX_SIZE)
                    .ok();
                let lints = crate::lint::lint(
                    &document,
                    source_text.as_deref(),
                    &crate::lint::LintConfig::default(),
                );
                if lints.is_empty() {
                    ctx.pass(
                        "statement.lints",
                        Some(layout::STATEMENT_PATH),
                        if source_text.is_some() {
                            "no lint findings; every block matches the source text"
                        } else {
                            "no lint findings"
                        },
                    );
                }
                for f in lints {
                    let at = f
                        .position
                        .map(|p| format!("{}:{}: ", p.line, p.column))
                        .unwrap_or_default();
                    let message = format!("{at}[{}] {} (at {})", f.rule, f.message, f.pointer);
                    match f.level {
                        crate::validate::Level::Error => {
                            ctx.fail("statement.lints", Some(layout::STATEMENT_PATH), message)
                        }
                        crate::validate::Level::Warning => {
                            ctx.warn("statement.lints", Some(layout::STATEMENT_PATH), message)
                        }
                    }
                }
                if findings.is_empty() {
                    ctx.pass(
                        "statement.schema",
                        Some(layout::STATEMENT_PATH),
                        format!("valid against the embedded schema {}", compiled.name),
                    );
                } else {
                    for f in findings {
                        let at = f
                            .position
                            .map(|p| format!("{}:{}: ", p.line, p.column))
                            .unwrap_or_default();
                        ctx.fail(
                            "statement.schema",
                            Some(layout::STATEMENT_PATH),
                            format!("{at}[{}] {} (at {})", f.rule, f.message, f.pointer),
                        );
                    }
                }
            }
        }
    }
    Some(StatementData {
        bytes,
        value,
        canonical,
        schema,
    })
}

fn check_signatures(
    source: &BagSource,
    bag: &str,
    digests: &BagDigests,
    statement: Option<&StatementData>,
    trust: TrustPolicy<'_>,
    ctx: &mut Ctx,
) -> Vec<SignerReport> {
    let mut signers = Vec::new();
    let mut keys: BTreeSet<String> = BTreeSet::new();
    for e in source.entries() {
        let Some(name) = e.path.strip_prefix(layout::SIGNATURES_DIR) else {
            continue;
        };
        let stem = [".json", ".sig", ".pub.pem"]
            .iter()
            .find_map(|s| name.strip_suffix(s));
        match stem {
            Some(stem)
                if stem.len() == 64
                    && stem.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) =>
            {
                keys.insert(stem.to_string());
            }
            _ => ctx.fail(
                "signature.files",
                Some(&e.path),
                "unexpected file in signatures/",
            ),
        }
    }
    if keys.is_empty() {
        ctx.fail("signature.present", None, "the bundle holds no signature");
        return signers;
    }
    for keyhex in keys {
        let subject = format!("sha256:{keyhex}");
        let read = |ext: &str| {
            source
                .read_small(&format!("{}{keyhex}{ext}", layout::SIGNATURES_DIR), 1 << 20)
                .ok()
        };
        let (Some(json), Some(sig_b64), Some(pem)) =
            (read(".json"), read(".sig"), read(".pub.pem"))
        else {
            ctx.fail(
                "signature.files",
                Some(&subject),
                "needs .json, .sig and .pub.pem",
            );
            continue;
        };
        let key =
            match keys::parse_public_key(&String::from_utf8_lossy(&pem), Path::new("signatures")) {
                Ok(k) => k,
                Err(e) => {
                    ctx.fail(
                        "signature.files",
                        Some(&subject),
                        format!("public key: {e}"),
                    );
                    continue;
                }
            };
        let signed = match SignedStatement::parse(&json) {
            Ok(s) => s,
            Err(e) => {
                ctx.fail(
                    "signature.files",
                    Some(&subject),
                    format!("signed statement: {e}"),
                );
                continue;
            }
        };
        use base64::Engine as _;
        let sig = base64::engine::general_purpose::STANDARD
            .decode(String::from_utf8_lossy(&sig_b64).trim())
            .unwrap_or_default();
        let valid_sig = keys::verify(&key, &json, &sig);
        if valid_sig {
            ctx.pass(
                "signature.valid",
                Some(&subject),
                format!(
                    "Ed25519 signature by {} ({}) is valid",
                    signed.party, signed.signer
                ),
            );
        } else {
            ctx.fail(
                "signature.valid",
                Some(&subject),
                "the Ed25519 signature does not verify",
            );
        }
        // Bindings.
        let mut problems = Vec::new();
        if KeyId::of(&key).hex() != keyhex || signed.key.hex() != keyhex {
            problems.push("key id does not match the public key and file name".to_string());
        }
        if signed.bag != bag {
            problems.push(format!(
                "signed for bag {:?}, this bag is {bag:?}",
                signed.bag
            ));
        }
        if digests.tagmanifest_sha256 != Some(signed.tagmanifest.sha256)
            || digests.tagmanifest_sha512 != Some(signed.tagmanifest.sha512)
        {
            problems.push("the tag manifests differ from those signed".into());
        }
        if let Some(st) = statement {
            if st.canonical != Some(signed.statement) {
                problems
                    .push("the statement's canonical digest differs from the one signed".into());
            }
            if st.schema.as_ref().map(|(_, b)| Sha256Digest::of_bytes(b)) != Some(signed.schema) {
                problems.push("the embedded schema differs from the one signed".into());
            }
        }
        let bound = problems.is_empty();
        if bound {
            ctx.pass(
                "signature.binding",
                Some(&subject),
                "binds this bag's tag manifests, statement, schema and key",
            );
        } else {
            ctx.fail("signature.binding", Some(&subject), problems.join("; "));
        }
        let signed_at = crate::keyring::parse_time(&signed.signed_at);
        let trust_result = match signed_at {
            Ok(t) => trust.evaluate(&signed.key, t),
            Err(_) => Trust::Unknown,
        };
        let demo = trust_result.is_demo();
        let who = format!("{} ({})", signed.party, signed.signer);
        match &trust_result {
            Trust::Trusted { entry } if entry.party != signed.party => {
                ctx.fail("signature.trust", Some(&subject), format!("the keyring trusts this key for {}, but it signed for {}", entry.party, signed.party));
            }
            Trust::Trusted { .. } if demo => ctx.warn("signature.trust", Some(&subject), format!("DEMO KEY: {who} signed with a published demo key; this proves nothing about authenticity")),
            Trust::Trusted { .. } => ctx.pass("signature.trust", Some(&subject), format!("{who}: key trusted at {}", signed.signed_at)),
            Trust::Unknown => ctx.fail("signature.trust", Some(&subject), format!("{who}: key not in the keyring")),
            Trust::NotYetValid { .. } => ctx.fail("signature.trust", Some(&subject), format!("{who}: signed at {} before the key's validity", signed.signed_at)),
            Trust::Expired { .. } => ctx.fail("signature.trust", Some(&subject), format!("{who}: signed at {} after the key expired", signed.signed_at)),
            Trust::Revoked { entry } => {
                let why = entry.revoked.as_ref().map(|r| format!("revoked at {}: {}", crate::keyring::format_time(r.at), r.reason)).unwrap_or_default();
                ctx.fail("signature.trust", Some(&subject), format!("{who}: key {why}"));
            }
        }
        let trusted =
            matches!(&trust_result, Trust::Trusted { entry } if entry.party == signed.party);
        signers.push(SignerReport {
            key: subject,
            party: signed.party.clone(),
            signer: signed.signer.clone(),
            role: signed.role.clone(),
            signed_at: signed.signed_at.clone(),
            valid: valid_sig && bound,
            trust: if trusted {
                "trusted".into()
            } else {
                trust_result.code().into()
            },
            demo,
        });
    }
    signers
}

fn check_policy(
    statement: Option<&StatementData>,
    signers: &[SignerReport],
    policy: &Policy,
    ctx: &mut Ctx,
) {
    let mut required: BTreeSet<String> = policy
        .require_parties
        .iter()
        .map(|p| p.to_ascii_uppercase())
        .collect();
    if policy.all_parties {
        match statement
            .and_then(|s| s.value.get("parties"))
            .and_then(|p| p.as_array())
        {
            Some(parties) => {
                for p in parties {
                    if p.get("role").and_then(|r| r.as_str()) == Some("signatory")
                        && let Some(id) = p.get("id").and_then(|i| i.as_str())
                    {
                        required.insert(id.to_string());
                    }
                }
            }
            None => ctx.fail(
                "policy",
                None,
                "--all-parties: the statement names no parties",
            ),
        }
    }
    if required.is_empty() {
        return;
    }
    let good: BTreeSet<&str> = signers
        .iter()
        .filter(|s| s.valid && s.trust == "trusted")
        .map(|s| s.party.as_str())
        .collect();
    let missing: Vec<&String> = required
        .iter()
        .filter(|p| !good.contains(p.as_str()))
        .collect();
    if missing.is_empty() {
        ctx.pass(
            "policy",
            None,
            format!(
                "every required party signed: {}",
                required.iter().cloned().collect::<Vec<_>>().join(", ")
            ),
        );
    } else {
        ctx.fail(
            "policy",
            None,
            format!(
                "no valid trusted signature for: {}",
                missing
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
    let _ = statement.map(|s| s.bytes.len());
}
