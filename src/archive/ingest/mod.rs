//! Writing to the archive: `add` (bundles checked, then stored, journaled,
//! appended as tiles, checkpointed, catalogued — in that order, each step
//! durable before the next names it), trust changes (`trust`, `revoke`),
//! the recovery of an interrupted ingest (its entries recomputed from their
//! stored bundles before any checkpoint covers them), and the catalog kept
//! current with the log. The catalog's rows, the
//! write path and the recovery are submodules.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;

use super::catalog::{Catalog, Indexed, Record, SignerRow, TrustRow};
use super::entry::{BundleEntry, Entry, LegacyEntry, Signer, TrustChange, TrustEntry};
use super::note::{self, Checkpoint};
use super::trust::{KeyringTrust, Snapshot};
use super::versions::{self, Placement, Version};
use super::{Archive, ArchiveError, damaged};
use crate::archive::storage::Item;
use crate::bundle::source::{BagSource, Limits};
use crate::digest::Sha256Digest;
use crate::keyring::TrustSet;
use crate::keys::KeyId;
use crate::tlog::Tree;
use crate::utc::UtcTime;
use crate::verify::{self, PolicyChoice, SignerStatus, Verdict, VerifyReport};

mod recover;
mod rows;
mod write;

pub use rows::catch_up;
use rows::*;
pub(crate) use rows::{legacy_record_of, record_of};
use write::*;

/// What a bundle's own bytes say, as the log records it.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    /// SHA-256 of the file.
    pub bundle: Sha256Digest,
    /// Statement id.
    pub id: String,
    /// Canonical digest of the statement.
    pub statement: Sha256Digest,
    /// `date.start`, else `occasion.start`.
    pub date: Option<String>,
    /// Every signature, by key.
    pub signers: Vec<Signer>,
    /// The statement (for the catalog).
    pub value: serde_json::Value,
}

impl Facts {
    /// The latest signature time.
    pub fn signed(&self) -> Option<UtcTime> {
        self.signers.iter().map(|s| s.signed_at).max()
    }
}

/// A bundle verified for ingest.
#[derive(Debug, Clone)]
pub struct Checked {
    /// Where it was read from.
    pub path: PathBuf,
    /// What it records.
    pub facts: Facts,
    /// Its verification.
    pub report: VerifyReport,
    /// Accepted only because `--allow-demo` lets demo keys through.
    pub demo: bool,
    /// The trust snapshot it was judged under.
    pub trust: Sha256Digest,
}

/// The trust an ingest is judged under, besides the archive's own.
#[derive(Debug, Clone)]
pub enum TrustGiven {
    /// The archive's trust (none yet: nothing is trusted).
    Archive,
    /// A keyring's trust: it becomes the archive's (a trust entry is logged
    /// when it changes anything), every revocation the archive holds kept.
    Keyring(KeyringTrust),
}

/// How `add` ingests.
#[derive(Debug, Clone)]
pub struct AddOptions<'a> {
    /// Which parties must have signed.
    pub policy: &'a PolicyChoice,
    /// Accept bundles whose signatures are by published demo keys.
    pub allow_demo: bool,
    /// Statement ids whose archived statement a new one may supersede.
    pub supersede: &'a [String],
    /// The trust.
    pub trust: &'a TrustGiven,
    /// A TSA to time-stamp the new checkpoint with (docs/FORMAT.md §7.12).
    pub tsa: Option<crate::bundle::stamp::Tsa<'a>>,
}

/// What happened to one bundle given to `add`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    /// Newly logged at this index.
    Logged {
        /// Log index.
        index: u64,
        /// Bundle digest.
        bundle: Sha256Digest,
        /// Whether it is now the latest version of its statement id.
        latest: bool,
        /// The version it replaced as the latest.
        supersedes: Option<Sha256Digest>,
        /// Its signatures rely on demo keys.
        demo_keys: bool,
    },
    /// Already in the archive: nothing changed.
    AlreadyPresent {
        /// Its log index.
        index: u64,
        /// Bundle digest.
        bundle: Sha256Digest,
    },
}

/// What `add` did.
#[derive(Debug)]
pub struct AddReport {
    /// One result per bundle, in the order given.
    pub bundles: Vec<Added>,
    /// The trust entry logged first, when the trust changed.
    pub trust_entry: Option<u64>,
    /// Entries of an interrupted ingest completed first.
    pub recovered: u64,
    /// With a TSA, and something logged: the token over the new checkpoint,
    /// or why there is none (the records are logged either way).
    pub stamp: Option<Result<super::stamps::CheckpointStamp, ArchiveError>>,
}

/// Intact, and not vouched for only because of demo keys.
pub fn demo_only(report: &VerifyReport) -> bool {
    report.verdict == Verdict::IntactUntrusted
        && report
            .signers
            .iter()
            .all(|s| matches!(s.status, SignerStatus::Trusted | SignerStatus::Demo))
        && report
            .signers
            .iter()
            .any(|s| s.status == SignerStatus::Demo)
}

/// Verifies a bundle (once, from one opening) and reads its facts. `digest`
/// is the file's SHA-256 when the caller has just computed it (the audit,
/// which hashes every object anyway); otherwise the file is hashed here.
pub fn inspect(
    path: &Path,
    trust: &TrustSet,
    policy: &PolicyChoice,
    evidence: Option<&verify::Evidence>,
    digest: Option<Sha256Digest>,
) -> Result<(VerifyReport, Option<Facts>), ArchiveError> {
    let unreadable = |reason: String| ArchiveError::Unreadable {
        path: path.to_path_buf(),
        reason,
    };
    let options = verify::VerifyOptions {
        trust,
        policy,
        evidence,
        progress: &verify::no_progress,
    };
    let source = match BagSource::open(path, Limits::default()) {
        Ok(s) => s,
        Err(_) => {
            // Not even a safe zip: verify says why, in its report.
            let report =
                verify::verify_path(path, &options).map_err(|e| unreadable(e.to_string()))?;
            return Ok((report, None));
        }
    };
    let report = verify::verify_source(&source, path.display().to_string(), &options);
    let facts = facts_of(path, &report, digest).ok();
    Ok((report, facts))
}

/// The facts from the statement the verification parsed and canonicalized
/// (the one it judged: no second read, parse or canonicalization).
fn facts_of(
    path: &Path,
    report: &VerifyReport,
    digest: Option<Sha256Digest>,
) -> Result<Facts, String> {
    let value = report
        .statement
        .clone()
        .ok_or("the statement cannot be read")?;
    let statement = report
        .statement_canonical
        .ok_or("the statement has no canonical form")?;
    let id = value["id"]
        .as_str()
        .filter(|id| !id.is_empty() && id.len() <= super::entry::MAX_ID_LEN)
        .ok_or("the statement has no usable id")?
        .to_string();
    let date = ["date", "occasion"]
        .iter()
        .find_map(|k| value[*k]["start"].as_str())
        .map(str::to_owned);
    let mut signers: Vec<Signer> = report
        .signers
        .iter()
        .map(|s| Signer {
            key: s.key,
            party: s.claimed.party.clone(),
            signed_at: s.claimed.signed_at,
        })
        .collect();
    signers.sort();
    signers.dedup();
    let bundle = match digest {
        Some(d) => d,
        None => std::fs::File::open(path)
            .and_then(Sha256Digest::of_reader)
            .map_err(|e| e.to_string())?,
    };
    Ok(Facts {
        bundle,
        id,
        statement,
        date,
        signers,
        value,
    })
}

/// Verifies a bundle for ingest: refused unless authentic (or, with
/// `allow_demo`, intact with demo keys only).
pub fn check(
    path: &Path,
    snapshot: &Snapshot,
    trust: &TrustSet,
    policy: &PolicyChoice,
    allow_demo: bool,
) -> Result<Checked, ArchiveError> {
    if !path.is_file() {
        return Err(ArchiveError::Io {
            path: path.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such bundle file"),
        });
    }
    let (report, facts) = inspect(path, trust, policy, None, None)?;
    let demo = allow_demo && demo_only(&report);
    let facts = match facts {
        Some(f) if report.passes() || demo => f,
        _ => {
            return Err(ArchiveError::Refused {
                path: path.to_path_buf(),
                report: Box::new(report),
            });
        }
    };
    Ok(Checked {
        path: path.to_path_buf(),
        facts,
        report,
        demo,
        trust: snapshot.digest,
    })
}

/// Checks every bundle in parallel; the first refusal (in the order given)
/// is the error.
pub fn check_all(
    paths: &[PathBuf],
    snapshot: &Snapshot,
    policy: &PolicyChoice,
    allow_demo: bool,
) -> Result<Vec<Checked>, ArchiveError> {
    use rayon::prelude::*;
    let trust = snapshot.trust_set(None, PathBuf::from("archive trust"));
    paths
        .par_iter()
        .map(|p| check(p, snapshot, &trust, policy, allow_demo))
        .collect::<Vec<_>>()
        .into_iter()
        .collect()
}

/// The trust to judge under: a keyring's, with the current revocations, or
/// the current one, or nothing.
pub fn resolve_trust(current: Option<&Snapshot>, given: &TrustGiven) -> Snapshot {
    match (given, current) {
        (TrustGiven::Keyring(k), Some(c)) => c.merged_into(k),
        (TrustGiven::Keyring(k), None) => Snapshot::of_keyring(k),
        (TrustGiven::Archive, Some(c)) => c.clone(),
        (TrustGiven::Archive, None) => Snapshot::empty(),
    }
}

/// Which fields of an entry differ from what its bundle says. (Long: one
/// comparison per field.)
pub(crate) fn describe_difference(found: &BundleEntry, expected: &BundleEntry) -> String {
    let mut fields = Vec::new();
    if found.bundle != expected.bundle {
        fields.push(format!(
            "bundle {} (the file is {})",
            found.bundle, expected.bundle
        ));
    }
    if found.statement_id != expected.statement_id {
        fields.push(format!(
            "statement_id {:?} (the bundle's is {:?})",
            found.statement_id, expected.statement_id
        ));
    }
    if found.statement != expected.statement {
        fields.push(format!(
            "statement {} (the bundle's is {})",
            found.statement, expected.statement
        ));
    }
    if found.date != expected.date {
        fields.push(format!(
            "date {:?} (the bundle's is {:?})",
            found.date, expected.date
        ));
    }
    if found.signers != expected.signers {
        let keys = |s: &[Signer]| {
            s.iter()
                .map(|s| format!("{} {} {}", s.party, s.key.short(), s.signed_at))
                .collect::<Vec<_>>()
                .join(", ")
        };
        fields.push(format!(
            "signers [{}] (the bundle's signatures are [{}])",
            keys(&found.signers),
            keys(&expected.signers)
        ));
    }
    if found.supersedes != expected.supersedes {
        fields.push(format!(
            "supersedes {:?} (the versions before it say {:?})",
            found.supersedes.map(|d| d.to_string()),
            expected.supersedes.map(|d| d.to_string())
        ));
    }
    if found.trust != expected.trust {
        fields.push(format!(
            "trust {} (the archive's trust then was {})",
            found.trust, expected.trust
        ));
    }
    if found.ingested_at != expected.ingested_at {
        fields.push(format!("ingested_at {}", found.ingested_at));
    }
    if fields.is_empty() {
        "no field differs".into()
    } else {
        fields.join("; ")
    }
}
