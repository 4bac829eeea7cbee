//! Each signature of a bundle: its files, the Ed25519 signature, what it
//! binds, its times, and what the trust says of its key — identity from the
//! keyring, the signature's own claims shown as claims.

use std::collections::BTreeSet;
use std::path::Path;

use base64::Engine as _;
use serde::Serialize;

use super::bag::BagDigests;
use super::check::{CheckCode, Checks};
use super::statement::StatementData;
use crate::bundle::layout;
use crate::bundle::signed::{self, SignedStatement};
use crate::bundle::source::BagSource;
use crate::keyring::{KeyStatus, Revoked, SignatureTime, TrustEntry, TrustSet};
use crate::keys::{self, KeyId};
use crate::party::{PartyCode, Role};
use crate::utc::UtcTime;

/// What a signature claims about itself (shown as claims, never as facts).
#[derive(Debug, Clone, Serialize)]
pub struct Claims {
    /// Party signed for.
    pub party: PartyCode,
    /// Who says they signed.
    pub signer: String,
    /// As what.
    pub role: Role,
    /// When they say they signed.
    pub signed_at: UtcTime,
}

/// What the trust says of the key: who signed.
#[derive(Debug, Clone, Serialize)]
pub struct Identity {
    /// The party the key is trusted for.
    pub party: PartyCode,
    /// Who holds the key (empty when a key was given without a name).
    pub signer: String,
    /// The role its signatures have.
    pub role: Role,
}

/// The outcome for one signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignerStatus {
    /// Valid, bound, and by a key trusted at its time, for what it claims.
    Trusted,
    /// Valid and bound, but the key is a published demo key.
    Demo,
    /// Valid and bound, but the trust does not know the key.
    Unknown,
    /// The signature does not verify or does not bind this bag.
    Invalid,
    /// The claims contradict what the trust says of the key.
    IdentityMismatch,
    /// The party signed for is not one the statement names in that role.
    NotAParty,
    /// Signed (as proven or claimed) before the key's validity.
    NotYetValid,
    /// Signed after the key's validity.
    Expired,
    /// The key was revoked and nothing proves the signature older.
    Revoked,
}

impl SignerStatus {
    /// The record cannot be authentic with this signature in it.
    pub fn is_failure(self) -> bool {
        !matches!(self, Self::Trusted | Self::Demo | Self::Unknown)
    }
}

/// One signature, as verified.
#[derive(Debug, Clone, Serialize)]
pub struct SignerReport {
    /// The key id.
    pub key: KeyId,
    /// The outcome.
    pub status: SignerStatus,
    /// Who signed, according to the trust (absent for unknown keys).
    pub identity: Option<Identity>,
    /// What the signature says of itself.
    pub claimed: Claims,
    /// The latest instant third-party evidence allows, if any.
    pub proven_time: Option<UtcTime>,
    /// What proves it (a TSA's name, an archive checkpoint).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proven_by: Option<String>,
}

impl SignerReport {
    /// The party this signature counts for. Only a trusted signature
    /// counts, and only for its own party in the role the statement gives
    /// it (anything else failed `signature.party`): a witness's signature
    /// never stands for a signatory.
    pub fn counts_for(&self) -> Option<&PartyCode> {
        (self.status == SignerStatus::Trusted).then_some(&self.claimed.party)
    }
}

/// Evidence, from outside the bundle, that it existed by some instant
/// (an archive checkpoint that covers it).
#[derive(Debug, Clone)]
pub struct Evidence {
    /// The instant.
    pub time: UtcTime,
    /// What proves it, for the report.
    pub by: String,
}

/// What the signature checks need besides the bundle.
pub struct SignatureContext<'a> {
    /// The bag's name.
    pub bag: &'a str,
    /// The tag manifests' digests.
    pub digests: &'a BagDigests,
    /// The statement, when readable.
    pub statement: Option<&'a StatementData>,
    /// The trust.
    pub trust: &'a TrustSet,
    /// Outside evidence of existence.
    pub evidence: Option<&'a Evidence>,
}

/// The files of one signature.
struct Files {
    json: Vec<u8>,
    sig: Vec<u8>,
    pem: Vec<u8>,
}

/// Checks every signature; returns one report per signature found.
pub fn check_signatures(
    source: &BagSource,
    context: &SignatureContext<'_>,
    checks: &mut Checks,
) -> Vec<SignerReport> {
    let keys = signature_keys(source, checks);
    if keys.is_empty() {
        checks.fail(
            CheckCode::SignaturePresent,
            None,
            "the bundle holds no signature",
        );
        return Vec::new();
    }
    keys.iter()
        .filter_map(|keyhex| check_one(source, keyhex, context, checks))
        .collect()
}

/// The key hex of every signature; anything else in `signatures/` fails.
fn signature_keys(source: &BagSource, checks: &mut Checks) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for e in source.entries() {
        let Some(name) = e.path.strip_prefix(layout::SIGNATURES_DIR) else {
            continue;
        };
        let stem = [".json", ".sig", ".pub.pem"]
            .iter()
            .find_map(|s| name.strip_suffix(s))
            .or_else(|| crate::bundle::stamp::parse_token_file(name).map(|(hex, _)| hex));
        match stem {
            Some(stem)
                if stem.len() == 64
                    && stem.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) =>
            {
                keys.insert(stem.to_string());
            }
            _ => checks.fail(
                CheckCode::SignatureFiles,
                Some(&e.path),
                "unexpected file in signatures/",
            ),
        }
    }
    keys
}

fn read_files(source: &BagSource, keyhex: &str) -> Option<Files> {
    let read = |ext: &str| {
        source
            .read_small(
                &format!("{}{keyhex}{ext}", layout::SIGNATURES_DIR),
                signed::MAX_SIZE,
            )
            .ok()
    };
    Some(Files {
        json: read(".json")?,
        sig: read(".sig")?,
        pem: read(".pub.pem")?,
    })
}

/// `.sig`: standard padded base64 of exactly 64 bytes, then one `\n`.
fn decode_signature(text: &[u8]) -> Option<Vec<u8>> {
    let body = text.strip_suffix(b"\n")?;
    let raw = base64::engine::general_purpose::STANDARD
        .decode(body)
        .ok()?;
    (raw.len() == 64).then_some(raw)
}

/// A signature's files, parsed.
struct Parsed {
    key: ed25519_dalek::VerifyingKey,
    signed: SignedStatement,
    json: Vec<u8>,
    signature: Vec<u8>,
}

/// Reads and parses one signature's files; a failure is a `signature.files` check.
fn parse_files(
    source: &BagSource,
    keyhex: &str,
    subject: &str,
    checks: &mut Checks,
) -> Option<Parsed> {
    let mut fail = |message: String| {
        checks.fail(CheckCode::SignatureFiles, Some(subject), message);
        None
    };
    let Some(files) = read_files(source, keyhex) else {
        return fail("needs .json, .sig and .pub.pem".into());
    };
    let pem = String::from_utf8_lossy(&files.pem);
    let key = match keys::parse_public_key(&pem, Path::new(layout::SIGNATURES_DIR)) {
        Ok(k) => k,
        Err(e) => return fail(format!("public key: {e}")),
    };
    let signed = match SignedStatement::parse(&files.json) {
        Ok(s) => s,
        Err(e) => return fail(format!("signed statement: {e}")),
    };
    let Some(signature) = decode_signature(&files.sig) else {
        return fail("the .sig file is not base64 of 64 bytes followed by one newline".into());
    };
    Some(Parsed {
        key,
        signed,
        json: files.json,
        signature,
    })
}

fn check_one(
    source: &BagSource,
    keyhex: &str,
    context: &SignatureContext<'_>,
    checks: &mut Checks,
) -> Option<SignerReport> {
    let subject = format!("sha256:{keyhex}");
    let parsed = parse_files(source, keyhex, &subject, checks)?;
    let valid = keys::verify(&parsed.key, &parsed.json, &parsed.signature);
    if valid {
        checks.pass(
            CheckCode::SignatureValid,
            Some(&subject),
            "the Ed25519 signature is valid",
        );
    } else {
        checks.fail(
            CheckCode::SignatureValid,
            Some(&subject),
            "the Ed25519 signature does not verify",
        );
    }
    let signed = parsed.signed;
    let bound = check_binding(&parsed.key, keyhex, &signed, context, &subject, checks);
    let tokens = check_tokens(source, keyhex, &parsed.signature, context, &subject, checks);
    let proven = tokens
        .into_iter()
        .chain(context.evidence.map(|e| (e.time, e.by.clone())))
        .min_by_key(|(time, _)| *time);
    let time = SignatureTime {
        claimed: signed.signed_at,
        proven: proven.as_ref().map(|(t, _)| *t),
    };
    let mut report = SignerReport {
        key: signed.key,
        status: SignerStatus::Invalid,
        identity: None,
        claimed: Claims {
            party: signed.party,
            signer: signed.signer,
            role: signed.role,
            signed_at: signed.signed_at,
        },
        proven_time: time.proven,
        proven_by: proven.map(|(_, by)| by),
    };
    judge(&mut report, time, context, &subject, checks);
    if !(valid && bound) {
        report.status = SignerStatus::Invalid;
    }
    Some(report)
}

/// Every time-stamp token of one signature (`<keyhex>.tsr`, `<keyhex>.2.tsr`,
/// …): the proven time and TSA of each that holds under the trust's TSAs.
/// A token of a TSA the trust does not vouch for proves nothing (a
/// warning); a token that fails any other rule fails with that rule's code.
fn check_tokens(
    source: &BagSource,
    keyhex: &str,
    signature: &[u8],
    context: &SignatureContext<'_>,
    subject: &str,
    checks: &mut Checks,
) -> Vec<(UtcTime, String)> {
    let prefix = format!("{}{keyhex}.", layout::SIGNATURES_DIR);
    let files = source.entries().iter().filter(|e| {
        e.path
            .strip_prefix(layout::SIGNATURES_DIR)
            .and_then(crate::bundle::stamp::parse_token_file)
            .is_some_and(|(hex, _)| hex == keyhex)
            && e.path.starts_with(&prefix)
    });
    let mut proven = Vec::new();
    for file in files {
        let name = file.path.rsplit('/').next().unwrap_or_default();
        let reply = match source.read_small(&file.path, crate::timestamp::MAX_DER_BYTES as u64) {
            Ok(bytes) => bytes,
            Err(e) => {
                checks.fail(
                    CheckCode::Timestamp(crate::timestamp::TokenCheck::Parse),
                    Some(subject),
                    format!("{name}: {e}"),
                );
                continue;
            }
        };
        match crate::bundle::stamp::check_reply(&reply, signature, &context.trust.tsa, None) {
            Ok(checked) if checked.trusted => {
                let latest = UtcTime::from_datetime(checked.token.latest);
                let by = format!("a time-stamp by {} ({})", checked.token.tsa_subject, checked.token.anchor_name);
                checks.pass(
                    CheckCode::SignatureTimestamp,
                    Some(subject),
                    format!("{name}: the signature existed by {latest}, proven by {by}"),
                );
                proven.push((latest, by));
            }
            Ok(checked) => checks.warn(
                CheckCode::SignatureTimestamp,
                Some(subject),
                format!(
                    "{name}: a genuine token from {} at {}, but the trust used does not vouch for its TSA, so it proves nothing here",
                    checked.token.tsa_subject,
                    UtcTime::from_datetime(checked.token.gen_time)
                ),
            ),
            Err(e) => checks.fail(CheckCode::Timestamp(e.check), Some(subject), format!("{name}: {}", e.message)),
        }
    }
    proven
}

fn check_binding(
    key: &ed25519_dalek::VerifyingKey,
    keyhex: &str,
    signed: &SignedStatement,
    context: &SignatureContext<'_>,
    subject: &str,
    checks: &mut Checks,
) -> bool {
    let mut problems = Vec::new();
    if KeyId::of(key).hex() != keyhex || signed.key.hex() != keyhex {
        problems.push("the key id does not match the public key and file name".to_string());
    }
    if signed.bag != context.bag {
        problems.push(format!(
            "signed for bag {:?}, this bag is {:?}",
            signed.bag, context.bag
        ));
    }
    if context.digests.tagmanifest_sha256 != Some(signed.tagmanifest.sha256)
        || context.digests.tagmanifest_sha512 != Some(signed.tagmanifest.sha512)
    {
        problems.push("the tag manifests differ from those signed".into());
    }
    if let Some(st) = context.statement {
        if st.canonical != Some(signed.statement) {
            problems.push("the statement's canonical digest differs from the one signed".into());
        }
        if st.schema != Some(signed.schema) {
            problems.push("the embedded schema differs from the one signed".into());
        }
    }
    if problems.is_empty() {
        checks.pass(
            CheckCode::SignatureBinding,
            Some(subject),
            "binds this bag's tag manifests, statement, schema and key",
        );
        true
    } else {
        checks.fail(
            CheckCode::SignatureBinding,
            Some(subject),
            problems.join("; "),
        );
        false
    }
}

/// Identity, party and trust: what the trust says of the key, against what
/// the signature claims and the statement names.
fn judge(
    report: &mut SignerReport,
    time: SignatureTime,
    context: &SignatureContext<'_>,
    subject: &str,
    checks: &mut Checks,
) {
    let judgement = context.trust.judge(&report.key, time);
    report.identity = judgement.entry.map(|e| Identity {
        party: e.party.clone(),
        signer: e.signer.clone(),
        role: e.role,
    });
    let party_ok = check_party(report, context.statement, subject, checks);
    let identity_ok = judgement
        .entry
        .is_none_or(|entry| check_identity(report, entry, subject, checks));
    // A key trusted for something else must not read as "trusted" here: the
    // trust check is shown only when the claims hold, or when it fails anyway.
    if (identity_ok && party_ok) || judgement.status.is_failure() {
        report.status = trust_check(report, judgement.status, time, subject, checks);
    }
    if !identity_ok {
        report.status = SignerStatus::IdentityMismatch;
    } else if !party_ok {
        report.status = SignerStatus::NotAParty;
    }
}

/// The party signed for must be one the statement names, in the role the
/// statement gives it.
fn check_party(
    report: &SignerReport,
    statement: Option<&StatementData>,
    subject: &str,
    checks: &mut Checks,
) -> bool {
    let Some(statement) = statement else {
        return true; // the statement check has failed already
    };
    let claimed = &report.claimed;
    match statement.parties.iter().find(|p| p.id == claimed.party) {
        None => {
            checks.fail(
                CheckCode::SignatureParty,
                Some(subject),
                format!(
                    "signed for {}, which the statement does not name as a party",
                    claimed.party
                ),
            );
            false
        }
        Some(p) if p.role != claimed.role => {
            checks.fail(
                CheckCode::SignatureParty,
                Some(subject),
                format!(
                    "signed as {} for {}, which the statement names as a {}",
                    claimed.role, p.id, p.role
                ),
            );
            false
        }
        Some(p) => {
            checks.pass(
                CheckCode::SignatureParty,
                Some(subject),
                format!("{} ({}) is a {} of the statement", p.id, p.name, p.role),
            );
            true
        }
    }
}

/// The signature's claims must agree with the keyring's entry for its key.
fn check_identity(
    report: &SignerReport,
    entry: &TrustEntry,
    subject: &str,
    checks: &mut Checks,
) -> bool {
    let claimed = &report.claimed;
    let mut problems = Vec::new();
    if entry.party != claimed.party {
        problems.push(format!(
            "the keyring trusts this key for {}, but it signed for {}",
            entry.party, claimed.party
        ));
    }
    if !entry.signer.is_empty() && !crate::party::same_name(&entry.signer, &claimed.signer) {
        problems.push(format!(
            "the keyring says the key is {:?}'s, but the signature claims to be {:?}'s",
            entry.signer, claimed.signer
        ));
    }
    if entry.role != claimed.role {
        problems.push(format!(
            "the keyring trusts this key as a {}, but it signed as a {}",
            entry.role, claimed.role
        ));
    }
    if problems.is_empty() {
        let who = if entry.signer.is_empty() {
            entry.party.to_string()
        } else {
            format!("{} ({})", entry.party, entry.signer)
        };
        checks.pass(
            CheckCode::SignatureIdentity,
            Some(subject),
            format!("the keyring's identity of the key: {who}, {}", entry.role),
        );
        true
    } else {
        checks.fail(
            CheckCode::SignatureIdentity,
            Some(subject),
            problems.join("; "),
        );
        false
    }
}

fn trust_check(
    report: &SignerReport,
    status: KeyStatus,
    time: SignatureTime,
    subject: &str,
    checks: &mut Checks,
) -> SignerStatus {
    const CODE: CheckCode = CheckCode::SignatureTrust;
    let s = Some(subject);
    let at = match time.proven {
        Some(proven) => format!("at {proven} (proven)"),
        None => format!("at {} (claimed, not proven)", time.claimed),
    };
    match status {
        KeyStatus::Trusted => {
            checks.pass(CODE, s, format!("key trusted {at}"));
            SignerStatus::Trusted
        }
        KeyStatus::Demo => {
            checks.warn(
                CODE,
                s,
                "DEMO KEY: signed with a published demo key; this proves nothing about who signed",
            );
            SignerStatus::Demo
        }
        KeyStatus::Unknown => {
            checks.warn(
                CODE,
                s,
                format!(
                    "the key is not vouched for: the trust used does not know it (it claims to be {}'s, for {})",
                    report.claimed.signer, report.claimed.party
                ),
            );
            SignerStatus::Unknown
        }
        KeyStatus::NotYetValid => {
            checks.fail(CODE, s, format!("signed {at}, before the key's validity"));
            SignerStatus::NotYetValid
        }
        KeyStatus::Expired => {
            checks.fail(
                CODE,
                s,
                format!("signed {at}, after the key's validity ended"),
            );
            SignerStatus::Expired
        }
        KeyStatus::Revoked(why) => {
            checks.fail(CODE, s, revoked_message(why, time, &at));
            SignerStatus::Revoked
        }
    }
}

fn revoked_message(why: Revoked, time: SignatureTime, at: &str) -> String {
    match why {
        Revoked::NoProvenTime => format!(
            "the key has been revoked, and nothing proves this signature was made before the revocation (its time, {}, is only claimed); a time-stamp token or an archive record made before the revocation would",
            time.claimed
        ),
        Revoked::ProvenAfter => {
            format!("the key was revoked before this signature was made ({at})")
        }
    }
}
