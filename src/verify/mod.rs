//! Verifying a docseal bundle or any BagIt bag: every check with a stable
//! code, never stopping at the first failure, then one verdict with its
//! reasons.
//!
//! - [`check`]: the check model and codes.
//! - [`bag`] (with [`hashing`]): RFC 8493 and the BagIt versions before it.
//! - [`profile`]: the docseal BagIt profile, for docseal bundles.
//! - [`statement`]: the sealed statement, its schema, lints and record.
//! - [`signatures`]: each signature's files, validity, binding, identity, party and trust.
//! - [`policy`]: which parties must have signed.
//! - [`verdict`]: authentic, intact but not vouched for, or not authentic.
//! - [`render`]: the report as text for a terminal and as an HTML page.

pub mod bag;
pub mod check;
pub mod hashing;
pub mod policy;
pub mod profile;
pub mod render;
pub mod signatures;
pub mod statement;
pub mod verdict;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::bundle::layout;
use crate::bundle::source::{BagSource, Limits, SourceError};
use crate::keyring::{TrustSet, TrustSource};
pub use check::{Check, CheckCode, CheckStatus};
pub use hashing::Progress;
pub use policy::{PartyReport, PartySigned, Policy, PolicyChoice, PolicyOrigin, PolicyReport};
pub use signatures::{Claims, Evidence, Identity, SignerReport, SignerStatus};
pub use verdict::Verdict;

/// The version of the JSON report (`verify --format json`).
pub const REPORT_VERSION: u32 = 2;

/// What kind of bag was verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BagKind {
    /// A docseal bundle (it has `metadata/validation.json` or `signatures/`).
    DocsealBundle,
    /// Any other BagIt bag.
    Bagit,
}

/// What `verify` found.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    /// What was verified (path).
    pub target: String,
    /// Bundle or plain bag.
    pub kind: BagKind,
    /// The bag's name.
    pub bag: String,
    /// The verdict.
    pub verdict: Verdict,
    /// Why, in words.
    pub reasons: Vec<String>,
    /// The policy applied (bundles only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<PolicyReport>,
    /// The trust used.
    pub trust: TrustSource,
    /// The statement's parties and whether each signed.
    pub parties: Vec<PartyReport>,
    /// Every signature.
    pub signers: Vec<SignerReport>,
    /// Every check.
    pub checks: Vec<Check>,
    /// The statement, when the bundle has a readable one (for reports).
    #[serde(skip)]
    pub statement: Option<serde_json::Value>,
    /// Its canonical digest (RFC 8785), when it has one: what the archive
    /// records, computed once here.
    #[serde(skip)]
    pub statement_canonical: Option<crate::digest::Sha256Digest>,
}

impl VerifyReport {
    /// Authentic (or, for a plain bag, valid): exit status 0.
    pub fn passes(&self) -> bool {
        self.verdict.passes()
    }

    /// No integrity check failed: nothing was altered, every signature
    /// verifies and binds (whatever the trust says).
    pub fn is_intact(&self) -> bool {
        self.checks
            .iter()
            .all(|c| c.status != CheckStatus::Fail || !c.code.is_integrity())
    }
}

/// What a verification runs under.
#[derive(Clone, Copy)]
pub struct VerifyOptions<'a> {
    /// The trust: a keyring, keys given, or nothing.
    pub trust: &'a TrustSet,
    /// Which parties must sign.
    pub policy: &'a PolicyChoice,
    /// Outside evidence that the bundle existed by some instant.
    pub evidence: Option<&'a Evidence>,
    /// Called as the payload is hashed.
    pub progress: Progress<'a>,
}

/// Verification could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The file or folder could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// No progress reporting.
pub fn no_progress(_: u64, _: u64) {}

/// Verifies a bag folder or a zip. Only what prevents checking at all is an
/// `Err`; an unsafe or unreadable archive is a failed `container` check.
pub fn verify_path(path: &Path, options: &VerifyOptions<'_>) -> Result<VerifyReport, VerifyError> {
    let target = path.display().to_string();
    // An archive refused as unsafe or unreadable: nothing inside can be
    // trusted, whatever kind of bag it holds.
    let failed_container = |message: String, subject: Option<String>| {
        let check = Check {
            code: CheckCode::Container,
            status: CheckStatus::Fail,
            subject,
            message,
        };
        VerifyReport {
            target: target.clone(),
            kind: BagKind::Bagit,
            bag: String::new(),
            verdict: Verdict::NotAuthentic,
            reasons: vec![format!("the zip archive is refused: {}", check.message)],
            policy: None,
            trust: options.trust.source.clone(),
            parties: Vec::new(),
            signers: Vec::new(),
            checks: vec![check],
            statement: None,
            statement_canonical: None,
        }
    };
    match BagSource::open(path, Limits::default()) {
        Ok(source) => Ok(verify_source(&source, target, options)),
        Err(SourceError::Unsafe(reason)) => Ok(failed_container(
            format!("refused ({}): {}", reason.code, reason.describe()),
            Some(reason.entry),
        )),
        Err(SourceError::NotZip { message, .. }) if path.is_file() => Ok(failed_container(
            format!("refused (not-a-zip): not a readable zip archive: {message}"),
            None,
        )),
        Err(SourceError::NotZip { path, message }) => Err(VerifyError::Io {
            path,
            source: std::io::Error::other(message),
        }),
        Err(SourceError::Io { path, source }) => Err(VerifyError::Io { path, source }),
    }
}

/// Whether a bag is a docseal bundle: it has a validation record or signatures.
pub fn is_docseal_bundle(source: &BagSource) -> bool {
    source.contains(layout::VALIDATION_PATH)
        || source
            .entries()
            .iter()
            .any(|e| e.path.starts_with(layout::SIGNATURES_DIR))
}

/// A plain BagIt bag's report: valid or not, nothing about who made it.
fn plain_bag_report(
    target: String,
    bag: String,
    checks: check::Checks,
    options: &VerifyOptions<'_>,
) -> VerifyReport {
    let (verdict, reasons) = verdict::decide_bag(&checks.0);
    VerifyReport {
        target,
        kind: BagKind::Bagit,
        bag,
        verdict,
        reasons,
        policy: None,
        trust: options.trust.source.clone(),
        parties: Vec::new(),
        signers: Vec::new(),
        checks: checks.0,
        statement: None,
        statement_canonical: None,
    }
}

/// Verifies an opened bag.
pub fn verify_source(
    source: &BagSource,
    target: String,
    options: &VerifyOptions<'_>,
) -> VerifyReport {
    let mut checks = check::Checks::default();
    let bag = source.name();
    let digests = bag::check_bag(source, &mut checks, options.progress);
    if matches!(source, BagSource::Zip { .. }) && !bag::container_failed(&checks) {
        checks.0.insert(
            0,
            Check {
                code: CheckCode::Container,
                status: CheckStatus::Pass,
                subject: None,
                message: "zip archive is sound: every byte in one structure, every local header as its central entry, every entry's CRC-32 and length as declared, one root folder, no unsafe names, links, encryption or bombs".into(),
            },
        );
    }
    if !is_docseal_bundle(source) {
        return plain_bag_report(target, bag, checks, options);
    }
    profile::check_profile(source, &mut checks);
    let statement = statement::check_statement(source, &mut checks);
    let context = signatures::SignatureContext {
        bag: &bag,
        digests: &digests,
        statement: statement.as_ref(),
        trust: options.trust,
        evidence: options.evidence,
    };
    let signers = signatures::check_signatures(source, &context, &mut checks);
    let (policy, parties) =
        policy::check_policy(statement.as_ref(), &signers, options.policy, &mut checks);
    let (verdict, reasons) = verdict::decide(&verdict::Evidence {
        checks: &checks.0,
        signers: &signers,
        parties: &parties,
        trust: &options.trust.source,
        policy: &policy,
    });
    VerifyReport {
        target,
        kind: BagKind::DocsealBundle,
        bag,
        verdict,
        reasons,
        policy: Some(policy),
        trust: options.trust.source.clone(),
        parties,
        signers,
        checks: checks.0,
        statement_canonical: statement.as_ref().and_then(|s| s.canonical),
        statement: statement.map(|s| s.value),
    }
}
