//! The verification report as a page people can read: one self-contained HTML page (no
//! scripts, no external assets) with a clear verdict, the statement's text,
//! its signers and every check, printable as a certificate.

// Each HTML element is written on its own line; `write!` with "\n" reads best here.
#![allow(clippy::write_with_newline)]

use std::fmt::Write as _;

use serde_json::Value;

use super::super::check::CheckStatus;
use super::super::policy::PartySigned;
use super::super::signatures::SignerStatus;
use super::super::{Verdict, VerifyReport};

fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The block's text with suspicious characters marked.
fn marked_text(text: &str) -> String {
    let marks = crate::lint::suspicious_characters(text);
    let mut out = String::new();
    let mut at = 0;
    for m in marks {
        out.push_str(&esc(&text[at..m.byte_offset]));
        let width = m.character.len_utf8();
        let shown = if m.lint == crate::lint::LintName::InvisibleCharacter {
            format!("⟨U+{:04X}⟩", m.character as u32)
        } else {
            esc(&text[m.byte_offset..m.byte_offset + width])
        };
        let _ = write!(
            out,
            "<mark class=\"lint\" title=\"{}\">{shown}</mark>",
            esc(&m.describe())
        );
        at = m.byte_offset + width;
    }
    out.push_str(&esc(&text[at..]));
    out
}

const STYLE: &str = "
body{font-family:Georgia,'Times New Roman',serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a;line-height:1.5}
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.1rem;border-bottom:1px solid #999;margin-top:2rem}
.banner{padding:1rem 1.2rem;border:3px solid;border-radius:6px;font-family:Helvetica,Arial,sans-serif;font-size:1.3rem;font-weight:bold}
.authentic{border-color:#1b7a2f;background:#e8f6ea;color:#125a22}
.not-authentic{border-color:#a51d1d;background:#fbeaea;color:#7d1212}
.intact-untrusted{border-color:#b7791f;background:#fff6e0;color:#7a4f0d}
.banner small{display:block;font-weight:normal;font-size:.9rem;margin-top:.3rem}
table{border-collapse:collapse;width:100%;font-family:Helvetica,Arial,sans-serif;font-size:.85rem}
th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}
td.pass{color:#1b7a2f}td.fail{color:#a51d1d;font-weight:bold}td.warn{color:#b7791f}
.para{margin:.6rem 0}.label{font-weight:bold;margin-right:.4rem}
mark.lint{background:#ffd54f;outline:2px solid #e65100;padding:0 1px}
.meta{font-family:Helvetica,Arial,sans-serif;font-size:.9rem;color:#444}
code{font-size:.8rem;word-break:break-all}
@media print{body{margin:0;max-width:none}.banner{-webkit-print-color-adjust:exact;print-color-adjust:exact}h2{page-break-after:avoid}tr,.para{page-break-inside:avoid}}
";

/// Renders the report of one bundle as a self-contained HTML page.
pub fn render(report: &VerifyReport) -> String {
    let statement = report.statement.clone().unwrap_or(Value::Null);
    let title = title_of(report, &statement);
    let mut html = String::new();
    head(&mut html, report, &statement, &title);
    parties(&mut html, report, &statement);
    signers(&mut html, report);
    text(&mut html, &statement);
    checks(&mut html, report);
    footer(&mut html, report);
    html
}

/// The statement's title, else `<Type> of the <parties>`, else the bag's name.
fn title_of(report: &VerifyReport, statement: &Value) -> String {
    statement["title"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| {
            let parties: Vec<&str> = statement["parties"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|p| p["name"].as_str())
                .collect();
            let kind = statement["type"]
                .as_str()
                .unwrap_or("statement")
                .replace('-', " ");
            if parties.is_empty() {
                report.bag.clone()
            } else {
                format!("{} of the {}", capitalize(&kind), parties.join(" and the "))
            }
        })
}

/// The banner, reasons, trust and policy, and the statement's heading.
fn head(html: &mut String, report: &VerifyReport, statement: &Value, title: &str) {
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{} — docseal verification</title><style>{STYLE}</style></head><body>\n",
        esc(title)
    );
    let (class, headline, detail) = banner(report.verdict);
    let _ = write!(
        html,
        "<div class=\"banner {class}\" id=\"verdict\" data-verdict=\"{}\">{headline}<small>{}</small></div>\n<ul id=\"reasons\">\n",
        report.verdict.as_str(),
        esc(detail)
    );
    for reason in &report.reasons {
        let _ = write!(html, "<li>{}</li>\n", esc(reason));
    }
    let _ = write!(
        html,
        "</ul>\n<p class=\"meta\" id=\"trust\">Trust used: {}.{}</p>\n",
        esc(&super::describe_trust(&report.trust)),
        report
            .policy
            .as_ref()
            .map(|p| format!(" Policy: {}.", esc(&p.description)))
            .unwrap_or_default()
    );
    let _ = write!(html, "<h1>{}</h1>\n<p class=\"meta\">", esc(title));
    if let Some(id) = statement["id"].as_str() {
        let _ = write!(html, "Statement <code>{}</code>", esc(id));
    }
    if let Some(date) = statement["date"]["start"].as_str() {
        let inferred = if statement["date"]["inferred"] == true {
            " (inferred)"
        } else {
            ""
        };
        let _ = write!(html, " · dated {}{inferred}", esc(date));
    }
    let _ = write!(html, " · bundle <code>{}</code></p>\n", esc(&report.target));
}

/// The parties, with whether each signed.
fn parties(html: &mut String, report: &VerifyReport, statement: &Value) {
    html.push_str("<h2>Parties</h2>\n<ul>\n");
    for p in statement["parties"].as_array().into_iter().flatten() {
        let reps: Vec<String> = p["representatives"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| {
                format!(
                    "{} {}{}",
                    r["honorific"].as_str().unwrap_or(""),
                    r["name"].as_str().unwrap_or(""),
                    r["title"]
                        .as_str()
                        .map(|t| format!(", {t}"))
                        .unwrap_or_default()
                )
                .trim()
                .to_string()
            })
            .collect();
        let id = p["id"].as_str().unwrap_or("?");
        let signed = report
            .parties
            .iter()
            .find(|r| r.id.as_str() == id)
            .map(|r| match r.signed {
                PartySigned::Trusted => " — signed, key trusted",
                PartySigned::Unvouched => " — signed with a key nobody vouched for",
                PartySigned::Failed => " — its signature fails",
                PartySigned::Missing => " — has not signed",
            })
            .unwrap_or("");
        let _ = write!(
            html,
            "<li><b>{}</b> ({}){}{}</li>\n",
            esc(p["name"].as_str().unwrap_or("?")),
            esc(id),
            if reps.is_empty() {
                String::new()
            } else {
                format!(" — {}", esc(&reps.join("; ")))
            },
            esc(signed)
        );
    }
}

/// One row per signature: who the trust says signed, and what it claims.
fn signers(html: &mut String, report: &VerifyReport) {
    html.push_str("</ul>\n<h2>Signatures</h2>\n<table id=\"signers\"><tr><th>Who signed (keyring)</th><th>What the signature claims</th><th>Key</th><th>Time</th><th>Result</th></tr>\n");
    for s in &report.signers {
        let who = match &s.identity {
            Some(id) if !id.signer.is_empty() => {
                format!("{} — {} ({})", id.party, id.signer, id.role)
            }
            Some(id) => format!("{} ({})", id.party, id.role),
            None => "unknown key".to_string(),
        };
        let time = match s.proven_time {
            Some(p) => format!("claimed {}; proven by {p}", s.claimed.signed_at),
            None => format!("claimed {} (not proven)", s.claimed.signed_at),
        };
        let (class, result) = match s.status {
            SignerStatus::Trusted => ("pass", "valid, key trusted"),
            SignerStatus::Demo => ("warn", "valid — DEMO KEY, proves nothing"),
            SignerStatus::Unknown => ("warn", "valid — key not vouched for"),
            SignerStatus::Invalid => ("fail", "INVALID"),
            SignerStatus::IdentityMismatch => ("fail", "CLAIMS CONTRADICT THE KEYRING"),
            SignerStatus::NotAParty => ("fail", "NOT A PARTY OF THE STATEMENT"),
            SignerStatus::NotYetValid => ("fail", "BEFORE THE KEY'S VALIDITY"),
            SignerStatus::Expired => ("fail", "AFTER THE KEY EXPIRED"),
            SignerStatus::Revoked => ("fail", "KEY REVOKED"),
        };
        let _ = write!(
            html,
            "<tr class=\"signer\"><td>{}</td><td>{} — {} ({})</td><td><code>{}</code></td><td>{}</td><td class=\"{class}\">{result}</td></tr>\n",
            esc(&who),
            esc(s.claimed.party.as_str()),
            esc(&s.claimed.signer),
            s.claimed.role,
            esc(&s.key.short()),
            esc(&time),
        );
    }
}

/// The statement's text, suspicious characters marked.
fn text(html: &mut String, statement: &Value) {
    html.push_str("</table>\n<h2>Text</h2>\n<div id=\"text\">\n");
    for block in statement["body"].as_array().into_iter().flatten() {
        let kind = block["kind"].as_str().unwrap_or("paragraph");
        let text = block["text"].as_str().unwrap_or("");
        let label = block["label"]
            .as_str()
            .map(|l| format!(" data-label=\"{}\"", esc(l)))
            .unwrap_or_default();
        let tag = if kind == "heading" || kind == "title" {
            "h3"
        } else {
            "p"
        };
        let _ = write!(
            html,
            "<{tag} class=\"para {kind}\"{label}>{}</{tag}>\n",
            marked_text(text)
        );
    }
}

/// Every check.
fn checks(html: &mut String, report: &VerifyReport) {
    html.push_str("</div>\n<h2>Checks</h2>\n<table id=\"checks\"><tr><th>Check</th><th>Result</th><th>Details</th></tr>\n");
    for c in &report.checks {
        let (class, word) = match c.status {
            CheckStatus::Pass => ("pass", "ok"),
            CheckStatus::Fail => ("fail", "FAILED"),
            CheckStatus::Warn => ("warn", "warning"),
        };
        let subject = c
            .subject
            .as_deref()
            .map(|s| format!("<code>{}</code>: ", esc(s)))
            .unwrap_or_default();
        let _ = write!(
            html,
            "<tr><td><code>{}</code></td><td class=\"{class}\">{word}</td><td>{subject}{}</td></tr>\n",
            esc(c.code.as_str()),
            esc(&c.message)
        );
    }
}

fn footer(html: &mut String, report: &VerifyReport) {
    let _ = write!(
        html,
        "</table>\n<p class=\"meta\">Checked offline by docseal {} — {}. The format is specified in docs/FORMAT.md. To check the file again without docseal, open docseal's verifier page <code>verify.html</code> (<code>docseal web-verifier -o verify.html</code>; its SHA-256 is published in docseal's README) in a browser, offline, and drop the bundle on it.</p>\n</body></html>\n",
        env!("CARGO_PKG_VERSION"),
        esc(&report.bag)
    );
}

fn banner(verdict: Verdict) -> (&'static str, &'static str, &'static str) {
    match verdict {
        Verdict::Authentic => (
            "authentic",
            "AUTHENTIC",
            "The record is complete and unaltered, and every party required signed it with a key the trust used vouches for.",
        ),
        Verdict::IntactUntrusted => (
            "intact-untrusted",
            "INTACT, BUT THE SIGNERS ARE NOT VOUCHED FOR",
            "Nothing was altered and every signature holds, but not every key is known to belong to the party it signed for (see the reasons). Supply the parties' keys or keyring to decide.",
        ),
        Verdict::NotAuthentic => (
            "not-authentic",
            "NOT AUTHENTIC",
            "Something was altered, a signature is invalid or does not count, or a required party has not signed (see the reasons): do not rely on this record.",
        ),
        Verdict::ValidBag => (
            "intact-untrusted",
            "VALID BAG",
            "The bag is complete and every digest matches; it carries no signatures, so nothing says who made it.",
        ),
        Verdict::InvalidBag => (
            "not-authentic",
            "INVALID BAG",
            "At least one check failed (see below).",
        ),
    }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}
