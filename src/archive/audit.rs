//! `archive audit`: re-verify every stored bundle, recompute the Merkle tree
//! and check every checkpoint; report missing, modified, extra or unlogged
//! objects and any rewritten, truncated or reordered log.
//!
//! Codes: `log.parse`, `log.order`, `log.truncated`, `log.rewritten`,
//! `log.uncheckpointed` (warning), `checkpoint.signature`, `checkpoint.missing`,
//! `object.missing`, `object.modified`, `object.foreign`, `object.unlogged`,
//! `object.temporary` (warning), `bundle.invalid`, `bundle.demo-key` (warning).

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::path::PathBuf;

use serde::Serialize;

use super::log::{self, Entry};
use super::{Archive, ArchiveError, merkle};
use crate::bundle::verify::{self, CheckStatus, Policy};
use crate::digest::Sha256Digest;
use crate::keyring::TrustPolicy;

/// One finding of the audit: the same shape as a verification check
/// (`fail` or `warn`, with the codes listed above).
pub type AuditFinding = crate::bundle::verify::Check;

/// The audit's result.
#[derive(Debug, Clone, Serialize)]
pub struct AuditReport {
    /// Log entries read.
    pub entries: u64,
    /// Objects found in the store.
    pub objects: u64,
    /// Checkpoints checked.
    pub checkpoints: u64,
    /// Bundles re-verified successfully.
    pub verified: u64,
    /// Every finding.
    pub findings: Vec<AuditFinding>,
}

impl AuditReport {
    /// No failing finding.
    pub fn ok(&self) -> bool {
        self.findings.iter().all(|f| f.status != CheckStatus::Fail)
    }
}

fn fail(
    out: &mut Vec<AuditFinding>,
    code: &'static str,
    subject: Option<String>,
    message: impl Into<String>,
) {
    out.push(AuditFinding {
        code,
        status: CheckStatus::Fail,
        subject,
        message: message.into(),
    });
}

fn warn(
    out: &mut Vec<AuditFinding>,
    code: &'static str,
    subject: Option<String>,
    message: impl Into<String>,
) {
    out.push(AuditFinding {
        code,
        status: CheckStatus::Warn,
        subject,
        message: message.into(),
    });
}

/// Audits the archive. `progress` is called with the number of bundles
/// checked so far (for a progress bar).
pub fn audit(
    archive: &Archive,
    trust: TrustPolicy<'_>,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<AuditReport, ArchiveError> {
    let mut findings = Vec::new();
    let entries = read_log(archive, &mut findings)?;
    let leaves: Vec<merkle::Hash> = entries
        .iter()
        .map(|e| merkle::leaf_hash(&e.bytes()))
        .collect();
    let checkpoints = check_checkpoints(archive, &leaves, &mut findings)?;
    let objects = list_objects(archive, &mut findings)?;
    let logged: BTreeSet<Sha256Digest> = entries.iter().map(|e| e.bundle).collect();

    // Every object: its name is its digest. Every entry: its object verifies.
    use rayon::prelude::*;
    let done = std::sync::atomic::AtomicU64::new(0);
    let total = (objects.len() + entries.len()) as u64;
    let object_results: Vec<(PathBuf, Sha256Digest, Result<Sha256Digest, String>)> = objects
        .par_iter()
        .map(|(path, named)| {
            let found = File::open(path)
                .and_then(Sha256Digest::of_reader)
                .map_err(|e| e.to_string());
            progress(
                done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1,
                total,
            );
            (path.clone(), *named, found)
        })
        .collect();
    let mut intact: BTreeMap<Sha256Digest, PathBuf> = BTreeMap::new();
    for (path, named, found) in object_results {
        let subject = Some(path.display().to_string());
        match found {
            Err(e) => fail(
                &mut findings,
                "object.modified",
                subject,
                format!("cannot read: {e}"),
            ),
            Ok(d) if d != named => fail(
                &mut findings,
                "object.modified",
                subject,
                format!("its content is {d}, not the digest it is stored under"),
            ),
            Ok(d) => {
                if !logged.contains(&d) {
                    warn(
                        &mut findings,
                        "object.unlogged",
                        subject,
                        "an intact bundle no log entry refers to (an ingest interrupted before logging); `archive add` of the same bundle completes it",
                    );
                }
                intact.insert(d, path);
            }
        }
    }
    let policy = Policy::default();
    let verified: Vec<(u64, Result<bool, String>)> = entries
        .par_iter()
        .map(|entry| {
            let result = match intact.get(&entry.bundle) {
                None => Err(String::new()),
                Some(path) => match verify::verify_path(path, trust, &policy) {
                    Ok(report) if report.ok() => Ok(report.demo_keys_used),
                    Ok(report) => Err(report
                        .checks
                        .iter()
                        .filter(|c| c.status == CheckStatus::Fail)
                        .map(|c| format!("{}: {}", c.code, c.message))
                        .collect::<Vec<_>>()
                        .join("; ")),
                    Err(e) => Err(e.to_string()),
                },
            };
            progress(
                done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1,
                total,
            );
            (entry.index, result)
        })
        .collect();
    let mut ok = 0;
    for (index, result) in verified {
        let entry = &entries[index as usize];
        let subject = Some(format!(
            "entry {index} ({}, {})",
            entry.statement_id, entry.bundle
        ));
        match result {
            Ok(demo) => {
                ok += 1;
                if demo {
                    warn(
                        &mut findings,
                        "bundle.demo-key",
                        subject,
                        "verified, but signed with published DEMO keys: this proves nothing about who signed",
                    );
                }
            }
            Err(e) if e.is_empty() && !objects.iter().any(|(_, d)| *d == entry.bundle) => fail(
                &mut findings,
                "object.missing",
                subject,
                "the logged bundle is not in the store",
            ),
            Err(e) if e.is_empty() => {}
            Err(e) => fail(&mut findings, "bundle.invalid", subject, e),
        }
    }
    let last = checkpoints.iter().map(|c| c.size).max().unwrap_or(0);
    if (entries.len() as u64) > last {
        warn(
            &mut findings,
            "log.uncheckpointed",
            None,
            format!(
                "{} entries after the latest checkpoint (size {last}); the next `archive add` signs them",
                entries.len() as u64 - last
            ),
        );
    }
    Ok(AuditReport {
        entries: entries.len() as u64,
        objects: objects.len() as u64,
        checkpoints: checkpoints.len() as u64,
        verified: ok,
        findings,
    })
}

fn read_log(
    archive: &Archive,
    findings: &mut Vec<AuditFinding>,
) -> Result<Vec<Entry>, ArchiveError> {
    let path = archive.path("log/entries.jsonl");
    let bytes = std::fs::read(&path).map_err(|source| ArchiveError::Io {
        path: path.clone(),
        source,
    })?;
    let complete = if bytes.is_empty() || bytes.ends_with(b"\n") {
        &bytes[..]
    } else {
        fail(
            findings,
            "log.truncated",
            Some("log/entries.jsonl".into()),
            "the last line is incomplete",
        );
        let cut = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        &bytes[..cut]
    };
    let mut entries = Vec::new();
    for (n, line) in complete
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        match Entry::parse(line) {
            Ok(entry) => {
                if entry.index != n as u64 {
                    fail(
                        findings,
                        "log.order",
                        Some(format!("line {}", n + 1)),
                        format!(
                            "entry index {} at position {n}: the log was reordered or rewritten",
                            entry.index
                        ),
                    );
                }
                entries.push(entry);
            }
            Err(e) => {
                fail(findings, "log.parse", Some(format!("line {}", n + 1)), e);
                // Keep positions: a placeholder entry that cannot match anything.
                entries.push(Entry {
                    index: n as u64,
                    bundle: Sha256Digest([0; 32]),
                    statement_id: String::new(),
                    statement: Sha256Digest([0; 32]),
                    signers: vec![],
                    ingested_at: String::new(),
                    supersedes: None,
                });
            }
        }
    }
    Ok(entries)
}

fn check_checkpoints(
    archive: &Archive,
    leaves: &[merkle::Hash],
    findings: &mut Vec<AuditFinding>,
) -> Result<Vec<log::Checkpoint>, ArchiveError> {
    let key = archive.public_key()?;
    let dir = archive.path("log/checkpoints");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|source| ArchiveError::Io {
            path: dir.clone(),
            source,
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    files.sort();
    let latest = archive.path("log/checkpoint");
    if latest.exists() {
        files.push(latest);
    } else {
        fail(
            findings,
            "checkpoint.missing",
            Some("log/checkpoint".into()),
            "the latest checkpoint is missing",
        );
    }
    let mut out = Vec::new();
    for path in files {
        let subject = Some(
            path.strip_prefix(&archive.root)
                .unwrap_or(&path)
                .display()
                .to_string(),
        );
        let note = match std::fs::read_to_string(&path) {
            Ok(n) => n,
            Err(e) => {
                fail(
                    findings,
                    "checkpoint.signature",
                    subject,
                    format!("cannot read: {e}"),
                );
                continue;
            }
        };
        let cp = match log::verify_checkpoint(&note, &key) {
            Ok(cp) => cp,
            Err(e) => {
                fail(findings, "checkpoint.signature", subject, e);
                continue;
            }
        };
        if cp.origin != archive.info.origin {
            fail(
                findings,
                "checkpoint.signature",
                subject.clone(),
                format!("origin {:?} is not this archive's", cp.origin),
            );
        }
        if cp.size as usize > leaves.len() {
            fail(
                findings,
                "log.truncated",
                subject,
                format!(
                    "the checkpoint covers {} entries but the log holds {}",
                    cp.size,
                    leaves.len()
                ),
            );
        } else if merkle::root(&leaves[..cp.size as usize]) != cp.root {
            fail(
                findings,
                "log.rewritten",
                subject,
                format!(
                    "the first {} entries no longer hash to the signed root",
                    cp.size
                ),
            );
        }
        out.push(cp);
    }
    Ok(out)
}

fn list_objects(
    archive: &Archive,
    findings: &mut Vec<AuditFinding>,
) -> Result<Vec<(PathBuf, Sha256Digest)>, ArchiveError> {
    let root = archive.path("objects/sha256");
    let mut out = Vec::new();
    let dirs = std::fs::read_dir(&root).map_err(|source| ArchiveError::Io {
        path: root.clone(),
        source,
    })?;
    for dir in dirs.flatten() {
        let dir_path = dir.path();
        let prefix = dir.file_name().to_string_lossy().into_owned();
        if !dir_path.is_dir()
            || prefix.len() != 2
            || !prefix
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        {
            fail(
                findings,
                "object.foreign",
                Some(dir_path.display().to_string()),
                "not part of the store",
            );
            continue;
        }
        let files = std::fs::read_dir(&dir_path).map_err(|source| ArchiveError::Io {
            path: dir_path.clone(),
            source,
        })?;
        for file in files.flatten() {
            let path = file.path();
            let name = file.file_name().to_string_lossy().into_owned();
            if name.starts_with(".docseal-tmp-") {
                warn(
                    findings,
                    "object.temporary",
                    Some(path.display().to_string()),
                    "a temporary file left by an interrupted ingest; it is not part of the archive",
                );
                continue;
            }
            let digest = name
                .strip_suffix(".zip")
                .filter(|h| h.len() == 62)
                .and_then(|h| Sha256Digest::from_hex(&format!("{prefix}{h}")));
            match digest {
                Some(d) => out.push((path, d)),
                None => fail(
                    findings,
                    "object.foreign",
                    Some(path.display().to_string()),
                    "not named by a SHA-256 digest",
                ),
            }
        }
    }
    out.sort();
    Ok(out)
}
