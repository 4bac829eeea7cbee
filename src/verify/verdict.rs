//! The verdict: three answers for people who are not engineers, each with
//! the reasons that decide it (docs/FORMAT.md §5.4).
//!
//! - *authentic*: intact, and every required party signed with a key the
//!   chosen trust vouches for at the signature's time;
//! - *intact, but the signers are not vouched for*: every digest and
//!   signature holds, but a key is unknown to the trust or is a demo key;
//! - *not authentic*: something was altered, a signature is invalid, a key
//!   was revoked or outside its validity, a claim contradicts the keyring,
//!   or a required party is missing.
//!
//! Plain BagIt bags (no signatures) are only valid or not.

use serde::Serialize;

use super::check::{Check, CheckStatus};
use super::policy::{PartyReport, PartySigned, PolicyReport};
use super::signatures::{SignerReport, SignerStatus};
use crate::keyring::TrustSource;

/// The verdict of a verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Intact, and every required party signed with a trusted key.
    Authentic,
    /// Intact, but not every signer is vouched for.
    IntactUntrusted,
    /// Altered, invalid, revoked, expired, contradicted or incomplete.
    NotAuthentic,
    /// A plain BagIt bag, complete and with every digest matching.
    ValidBag,
    /// A plain BagIt bag that fails a check.
    InvalidBag,
}

impl Verdict {
    /// The stable name: `authentic`, `intact-untrusted`, `not-authentic`,
    /// `valid-bag`, `invalid-bag`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Authentic => "authentic",
            Self::IntactUntrusted => "intact-untrusted",
            Self::NotAuthentic => "not-authentic",
            Self::ValidBag => "valid-bag",
            Self::InvalidBag => "invalid-bag",
        }
    }

    /// The verdict in words, for the top of a report.
    pub fn headline(self) -> &'static str {
        match self {
            Self::Authentic => {
                "AUTHENTIC: intact, and signed by every required party with keys the trust vouches for"
            }
            Self::IntactUntrusted => {
                "INTACT, BUT THE SIGNERS ARE NOT VOUCHED FOR: nothing was altered and every signature holds, but not every key is known to be the party's"
            }
            Self::NotAuthentic => "NOT AUTHENTIC: do not rely on this record",
            Self::ValidBag => {
                "VALID BAG: complete, every digest matches (no signatures: nothing says who made it)"
            }
            Self::InvalidBag => "INVALID BAG: see the failed checks",
        }
    }

    /// What the exit status is built on: only authentic records (and valid
    /// plain bags) pass.
    pub fn passes(self) -> bool {
        matches!(self, Self::Authentic | Self::ValidBag)
    }
}

/// Everything the verdict is decided from.
pub struct Evidence<'a> {
    /// Every check.
    pub checks: &'a [Check],
    /// Every signature.
    pub signers: &'a [SignerReport],
    /// Every party of the statement.
    pub parties: &'a [PartyReport],
    /// The trust used.
    pub trust: &'a TrustSource,
    /// The policy applied.
    pub policy: &'a PolicyReport,
}

/// Decides a docseal bundle's verdict and says why.
pub fn decide(e: &Evidence<'_>) -> (Verdict, Vec<String>) {
    let against = reasons_against(e);
    if !against.is_empty() {
        return (Verdict::NotAuthentic, against);
    }
    let unvouched = reasons_unvouched(e);
    if !unvouched.is_empty() {
        return (Verdict::IntactUntrusted, unvouched);
    }
    let signed: Vec<String> = e
        .signers
        .iter()
        .filter(|s| s.counts_for().is_some())
        .map(who)
        .collect();
    let mut reasons = vec![format!("intact; signed by {}", signed.join(" and "))];
    let not_signed: Vec<&str> = e
        .parties
        .iter()
        .filter(|p| {
            !p.required
                && p.signed != PartySigned::Trusted
                && p.role == crate::party::Role::Signatory
        })
        .map(|p| p.id.as_str())
        .collect();
    if !not_signed.is_empty() {
        reasons.push(format!(
            "not signed (accepted by the policy) by {}",
            not_signed.join(", ")
        ));
    }
    (Verdict::Authentic, reasons)
}

/// A plain bag's verdict.
pub fn decide_bag(checks: &[Check]) -> (Verdict, Vec<String>) {
    let failed: Vec<String> = checks
        .iter()
        .filter(|c| c.status == CheckStatus::Fail)
        .map(describe_check)
        .collect();
    if failed.is_empty() {
        (
            Verdict::ValidBag,
            vec!["complete, and every digest matches its manifest".into()],
        )
    } else {
        (Verdict::InvalidBag, failed)
    }
}

fn describe_check(c: &Check) -> String {
    match &c.subject {
        Some(s) => format!("{}: {s}: {}", c.code, c.message),
        None => format!("{}: {}", c.code, c.message),
    }
}

fn who(s: &SignerReport) -> String {
    match &s.identity {
        Some(id) if !id.signer.is_empty() => format!("{} ({})", id.party, id.signer),
        Some(id) => id.party.to_string(),
        None => s.claimed.party.to_string(),
    }
}

fn reasons_against(e: &Evidence<'_>) -> Vec<String> {
    let mut reasons: Vec<String> = e
        .checks
        .iter()
        .filter(|c| c.status == CheckStatus::Fail && c.code.is_integrity())
        .map(|c| format!("altered or broken — {}", describe_check(c)))
        .collect();
    for s in e
        .signers
        .iter()
        .filter(|s| s.status.is_failure() && s.status != SignerStatus::Invalid)
    {
        let why = match s.status {
            SignerStatus::IdentityMismatch => "claims an identity the keyring contradicts",
            SignerStatus::NotAParty => {
                "signed for a party the statement does not name in that role"
            }
            SignerStatus::NotYetValid => "was made before its key's validity",
            SignerStatus::Expired => "was made after its key's validity ended",
            SignerStatus::Revoked => {
                "is by a revoked key, and nothing proves it older than the revocation"
            }
            _ => "does not count",
        };
        reasons.push(format!(
            "the signature for {} by key {} {why}",
            s.claimed.party,
            s.key.short()
        ));
    }
    for p in e.parties.iter().filter(|p| p.required) {
        match p.signed {
            PartySigned::Missing => reasons.push(format!("{} ({}) has not signed", p.id, p.name)),
            PartySigned::Failed => reasons.push(format!(
                "{} ({}) has no valid, trusted signature",
                p.id, p.name
            )),
            _ => {}
        }
    }
    for p in &e.policy.not_named {
        reasons.push(format!(
            "the policy requires {p}, which the statement does not name"
        ));
    }
    reasons
}

fn reasons_unvouched(e: &Evidence<'_>) -> Vec<String> {
    let mut reasons = Vec::new();
    if let TrustSource::None { searched } = e.trust {
        reasons.push(format!(
            "no keyring was found (looked in {}) and no key was given: nothing vouches for any signer",
            searched.join(", ")
        ));
    }
    for s in e.signers {
        match s.status {
            SignerStatus::Demo => reasons.push(format!(
                "the signature for {} is by a published demo key, which proves nothing",
                s.claimed.party
            )),
            SignerStatus::Unknown if !matches!(e.trust, TrustSource::None { .. }) => {
                reasons.push(format!(
                    "the key {} that signed for {} is not known to the trust used",
                    s.key.short(),
                    s.claimed.party
                ))
            }
            _ => {}
        }
    }
    let any_trusted = e.signers.iter().any(|s| s.counts_for().is_some());
    if !any_trusted && reasons.is_empty() {
        reasons.push("no signatory signed with a trusted key".into());
    }
    reasons
}
