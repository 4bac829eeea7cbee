//! A verification report people can read: one self-contained HTML page (no
//! scripts, no external assets) with a clear verdict, the statement's text,
//! its signers and every check, printable as a certificate.

// Each HTML element is written on its own line; `write!` with "\n" reads best here.
#![allow(clippy::write_with_newline)]

use std::fmt::Write as _;

use serde_json::Value;

use crate::bundle::verify::{CheckStatus, VerifyReport};

/// The verdict shown in the banner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Every check holds, with trusted non-demo keys.
    Authentic,
    /// Every check holds, but trust rests on demo keys.
    DemoKeys,
    /// Some check failed.
    NotAuthentic,
}

impl Verdict {
    /// The verdict of a report.
    pub fn of(report: &VerifyReport) -> Self {
        if !report.ok() {
            Self::NotAuthentic
        } else if report.demo_keys_used {
            Self::DemoKeys
        } else {
            Self::Authentic
        }
    }
}

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
        let shown = if m.lint == "invisible-character" {
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
.demo{border-color:#b7791f;background:#fff6e0;color:#7a4f0d}
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
    let verdict = Verdict::of(report);
    let statement = report.statement.clone().unwrap_or(Value::Null);
    let title = statement["title"]
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
        });
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{} — docseal verification</title><style>{STYLE}</style></head><body>\n",
        esc(&title)
    );
    let (class, headline, detail) = match verdict {
        Verdict::Authentic => (
            "authentic",
            "AUTHENTIC",
            "Every check holds: the record is complete, unaltered, and signed by trusted keys of the parties.",
        ),
        Verdict::DemoKeys => (
            "demo",
            "VALID — SIGNED WITH DEMO KEYS",
            "The record is complete and unaltered, but it was signed with published demo keys: the signatures prove nothing about who signed. Not proof of authenticity.",
        ),
        Verdict::NotAuthentic => (
            "not-authentic",
            "NOT AUTHENTIC",
            "At least one check failed (see below): do not rely on this record.",
        ),
    };
    let _ = write!(
        html,
        "<div class=\"banner {class}\" id=\"verdict\">{headline}<small>{}</small></div>\n",
        esc(detail)
    );
    let _ = write!(html, "<h1>{}</h1>\n<p class=\"meta\">", esc(&title));
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
        let _ = write!(
            html,
            "<li><b>{}</b> ({}){}</li>\n",
            esc(p["name"].as_str().unwrap_or("?")),
            esc(p["id"].as_str().unwrap_or("?")),
            if reps.is_empty() {
                String::new()
            } else {
                format!(" — {}", esc(&reps.join("; ")))
            }
        );
    }
    html.push_str("</ul>\n<h2>Signatures</h2>\n<table id=\"signers\"><tr><th>Party</th><th>Signer</th><th>Role</th><th>Key</th><th>Signed at</th><th>Signature</th><th>Trust</th></tr>\n");
    for s in &report.signers {
        let trust = if s.demo {
            format!("{} — DEMO KEY", s.trust)
        } else {
            s.trust.clone()
        };
        let _ = write!(
            html,
            "<tr class=\"signer\"><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td><td class=\"{}\">{}</td><td class=\"{}\">{}</td></tr>\n",
            esc(&s.party),
            esc(&s.signer),
            esc(&s.role),
            esc(&s.key.chars().take(23).collect::<String>()),
            esc(&s.signed_at),
            if s.valid { "pass" } else { "fail" },
            if s.valid { "valid" } else { "INVALID" },
            if s.trust == "trusted" && !s.demo {
                "pass"
            } else if s.trust == "trusted" {
                "warn"
            } else {
                "fail"
            },
            esc(&trust)
        );
    }
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
            esc(c.code),
            esc(&c.message)
        );
    }
    let _ = write!(
        html,
        "</table>\n<p class=\"meta\">Checked offline by docseal {} — {}. The format is specified in docs/FORMAT.md; each signature can also be checked with <code>openssl pkeyutl -verify -rawin</code>.</p>\n</body></html>\n",
        env!("CARGO_PKG_VERSION"),
        esc(&report.bag)
    );
    html
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}
