//! The verify report rendered for people: text for a terminal, and a
//! self-contained HTML page ([`html`]). JSON is the report's serde form.

pub mod html;

use std::fmt::Write as _;

use super::check::{Check, CheckStatus};
use super::policy::PartySigned;
use super::signatures::SignerReport;
use super::{BagKind, VerifyReport};
use crate::keyring::TrustSource;

/// One check as a line: `  FAIL  code                   subject: message`.
pub fn check_line<C: std::fmt::Display>(check: &Check<C>) -> String {
    let status = match check.status {
        CheckStatus::Pass => "ok  ",
        CheckStatus::Fail => "FAIL",
        CheckStatus::Warn => "warn",
    };
    // A key id in full is for scripts; people read its first 16 digits.
    let subject = check
        .subject
        .as_deref()
        .map(|s| match s.strip_prefix("sha256:") {
            Some(hex) if hex.len() == 64 => format!("key {}: ", &hex[..16]),
            _ => format!("{s}: "),
        })
        .unwrap_or_default();
    format!(
        "  {status}  {:<27} {subject}{}",
        check.code.to_string(),
        check.message
    )
}

/// Where the trust came from, in words.
pub fn describe_trust(trust: &TrustSource) -> String {
    let files = |keys: &[std::path::PathBuf]| {
        keys.iter()
            .map(|k| k.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match trust {
        TrustSource::Keyring { dir, keys } if keys.is_empty() => {
            format!("the keyring {}", dir.display())
        }
        TrustSource::Keyring { dir, keys } => {
            format!("the keyring {} and the keys {}", dir.display(), files(keys))
        }
        TrustSource::Keys { keys } => format!("only the keys given: {}", files(keys)),
        TrustSource::None { searched } => format!(
            "nothing: no keyring was found (looked in {}) and no key was given",
            searched.join(", ")
        ),
    }
}

fn signer_line(s: &SignerReport) -> String {
    let who = match &s.identity {
        Some(id) if !id.signer.is_empty() => {
            format!(
                "the keyring says {} — {} ({})",
                id.party, id.signer, id.role
            )
        }
        Some(id) => format!("the key given for {} ({})", id.party, id.role),
        None => "a key the trust does not know".to_string(),
    };
    let time = match s.proven_time {
        Some(p) => format!(
            "claimed {}, proven by {}{}",
            s.claimed.signed_at,
            p,
            s.proven_by
                .as_deref()
                .map(|b| format!(" ({b})"))
                .unwrap_or_default()
        ),
        None => format!("claimed {} (not proven)", s.claimed.signed_at),
    };
    format!(
        "  signature {}: {who}; it claims {} — {:?} ({}); {time}: {}\n",
        s.key.short(),
        s.claimed.party,
        s.claimed.signer,
        s.claimed.role,
        serde_json::to_value(s.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    )
}

/// The report as text for a terminal.
pub fn human(r: &VerifyReport) -> String {
    let kind = match r.kind {
        BagKind::Bagit => "BagIt bag",
        BagKind::DocsealBundle => "docseal bundle",
    };
    let mut text = format!("{}: {kind} {}\n", r.target, r.bag);
    for c in &r.checks {
        text.push_str(&check_line(c));
        text.push('\n');
    }
    if r.kind == BagKind::DocsealBundle {
        let _ = writeln!(text, "  trust: {}", describe_trust(&r.trust));
        if let Some(policy) = &r.policy {
            let _ = writeln!(text, "  policy: {}", policy.description);
        }
        for s in &r.signers {
            text.push_str(&signer_line(s));
        }
        for p in &r.parties {
            let signed = match p.signed {
                PartySigned::Trusted => "signed, key trusted",
                PartySigned::Unvouched => "signed, key NOT VOUCHED FOR",
                PartySigned::Failed => "its signature FAILS",
                PartySigned::Missing => "HAS NOT SIGNED",
            };
            let required = if p.required { ", required" } else { "" };
            let _ = writeln!(
                text,
                "  party {} {} ({}{required}): {signed}",
                p.id, p.name, p.role
            );
        }
    }
    let _ = writeln!(text, "verdict: {}", r.verdict.headline());
    for reason in &r.reasons {
        let _ = writeln!(text, "  - {reason}");
    }
    text
}
