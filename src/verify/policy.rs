//! Which parties must have signed. By default every party the statement
//! names as a signatory; other policies are chosen explicitly, and every
//! report names the policy it applied and where the choice came from.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde::Serialize;

use super::check::{CheckCode, Checks};
use super::signatures::{SignerReport, SignerStatus};
use super::statement::StatementData;
use crate::party::{PartyCode, Role};

/// What verification requires of the signatures.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Policy {
    /// Every party the statement names with role signatory (the default).
    #[default]
    AllSignatories,
    /// Exactly these parties (each must be a party the statement names).
    Parties(Vec<PartyCode>),
    /// Whoever signed must be trusted, and at least one signatory party must
    /// have signed; the parties that have not are listed.
    AllowPartial,
}

/// Where the policy came from.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(tag = "from", rename_all = "kebab-case")]
pub enum PolicyOrigin {
    /// Nothing chose one.
    #[default]
    Default,
    /// The command line.
    CommandLine,
    /// A project file.
    ConfigFile {
        /// The file.
        path: PathBuf,
    },
}

/// A policy and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PolicyChoice {
    /// The policy.
    pub policy: Policy,
    /// Its origin.
    pub origin: PolicyOrigin,
}

/// The policy as a report states it.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyReport {
    /// `all-signatories`, `parties` or `allow-partial`.
    pub kind: &'static str,
    /// The parties required.
    pub required: Vec<PartyCode>,
    /// Where the choice came from.
    #[serde(flatten)]
    pub origin: PolicyOrigin,
    /// In words.
    pub description: String,
    /// Required parties the statement does not name (the record cannot
    /// satisfy the policy).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_named: Vec<PartyCode>,
}

/// How a party of the statement stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PartySigned {
    /// A valid signature by a key trusted for it.
    Trusted,
    /// Signed only with keys the trust does not vouch for (unknown, demo).
    Unvouched,
    /// Its only signatures fail.
    Failed,
    /// No signature claims it.
    Missing,
}

/// A party of the statement, and whether it signed.
#[derive(Debug, Clone, Serialize)]
pub struct PartyReport {
    /// Its code.
    pub id: PartyCode,
    /// Its name.
    pub name: String,
    /// Its role in the statement.
    pub role: Role,
    /// Whether the policy requires its signature.
    pub required: bool,
    /// How it signed.
    pub signed: PartySigned,
}

fn standing(party: &PartyCode, signers: &[SignerReport]) -> PartySigned {
    let claims: Vec<&SignerReport> = signers
        .iter()
        .filter(|s| s.claimed.party == *party)
        .collect();
    if claims.iter().any(|s| s.counts_for() == Some(party)) {
        PartySigned::Trusted
    } else if claims
        .iter()
        .any(|s| matches!(s.status, SignerStatus::Unknown | SignerStatus::Demo))
    {
        PartySigned::Unvouched
    } else if claims.is_empty() {
        PartySigned::Missing
    } else {
        PartySigned::Failed
    }
}

/// Applies the policy: one report per party of the statement, and the
/// `policy` check.
pub fn check_policy(
    statement: Option<&StatementData>,
    signers: &[SignerReport],
    choice: &PolicyChoice,
    checks: &mut Checks,
) -> (PolicyReport, Vec<PartyReport>) {
    let named: Vec<_> = statement.map(|s| s.parties.clone()).unwrap_or_default();
    let required: BTreeSet<PartyCode> = match &choice.policy {
        Policy::AllSignatories => named
            .iter()
            .filter(|p| p.role == Role::Signatory)
            .map(|p| p.id.clone())
            .collect(),
        Policy::Parties(list) => list.iter().cloned().collect(),
        Policy::AllowPartial => BTreeSet::new(),
    };
    let parties: Vec<PartyReport> = named
        .iter()
        .map(|p| PartyReport {
            id: p.id.clone(),
            name: p.name.clone(),
            role: p.role,
            required: required.contains(&p.id),
            signed: standing(&p.id, signers),
        })
        .collect();
    let report = PolicyReport {
        kind: match choice.policy {
            Policy::AllSignatories => "all-signatories",
            Policy::Parties(_) => "parties",
            Policy::AllowPartial => "allow-partial",
        },
        required: required.iter().cloned().collect(),
        origin: choice.origin.clone(),
        description: describe(&choice.policy, &required),
        not_named: required
            .iter()
            .filter(|r| !named.iter().any(|p| p.id == **r))
            .cloned()
            .collect(),
    };
    judge(
        statement.is_some(),
        &report,
        &parties,
        &choice.policy,
        checks,
    );
    (report, parties)
}

fn describe(policy: &Policy, required: &BTreeSet<PartyCode>) -> String {
    let list = required
        .iter()
        .map(PartyCode::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    match policy {
        Policy::AllSignatories => format!("every signatory party of the statement must sign: {list}"),
        Policy::Parties(_) => format!("these parties must sign: {list}"),
        Policy::AllowPartial => {
            "a partial record is accepted: whoever signed must be trusted, and the parties that have not signed are listed".into()
        }
    }
}

fn judge(
    have_statement: bool,
    report: &PolicyReport,
    parties: &[PartyReport],
    policy: &Policy,
    checks: &mut Checks,
) {
    if !have_statement {
        return checks.fail(
            CheckCode::Policy,
            None,
            "the statement cannot be read, so neither can its parties",
        );
    }
    if failures(report, parties, checks) {
        return;
    }
    let trusted = parties
        .iter()
        .any(|p| p.signed == PartySigned::Trusted && p.role == Role::Signatory);
    let not_signed: Vec<&str> = parties
        .iter()
        .filter(|p| p.role == Role::Signatory && p.signed != PartySigned::Trusted)
        .map(|p| p.id.as_str())
        .collect();
    let message = match policy {
        Policy::AllowPartial if !trusted => {
            return checks.warn(
                CheckCode::Policy,
                None,
                "no signatory party signed with a trusted key",
            );
        }
        Policy::AllowPartial if not_signed.is_empty() => {
            "every signatory party signed with a trusted key".to_string()
        }
        Policy::AllowPartial => format!(
            "a partial record, accepted by the policy; not signed by {}",
            not_signed.join(", ")
        ),
        _ => format!(
            "every required party signed with a trusted key: {}",
            list(&report.required)
        ),
    };
    checks.pass(CheckCode::Policy, None, message);
}

fn list(parties: &[PartyCode]) -> String {
    parties
        .iter()
        .map(PartyCode::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The policy's failures and warnings; true if there was any.
fn failures(report: &PolicyReport, parties: &[PartyReport], checks: &mut Checks) -> bool {
    const CODE: CheckCode = CheckCode::Policy;
    let before = checks.0.len();
    if !report.not_named.is_empty() {
        checks.fail(
            CODE,
            None,
            format!(
                "the policy requires {}, which the statement does not name",
                list(&report.not_named)
            ),
        );
    }
    let with = |state: PartySigned| -> Vec<PartyCode> {
        parties
            .iter()
            .filter(|p| p.required && p.signed == state)
            .map(|p| p.id.clone())
            .collect()
    };
    let missing = with(PartySigned::Missing);
    if !missing.is_empty() {
        checks.fail(CODE, None, format!("not signed by {}", list(&missing)));
    }
    let failed = with(PartySigned::Failed);
    if !failed.is_empty() {
        checks.fail(
            CODE,
            None,
            format!("no valid, trusted signature for {}", list(&failed)),
        );
    }
    let unvouched = with(PartySigned::Unvouched);
    if !unvouched.is_empty() {
        checks.warn(
            CODE,
            None,
            format!(
                "signed for {}, but with keys nobody vouched for",
                list(&unvouched)
            ),
        );
    }
    checks.0.len() > before
}
