//! Lints on real statements.
#![allow(clippy::unwrap_used)]

mod common;

use common::{docseal, run};

#[test]
fn reference_statement_has_exactly_one_homoglyph_at_paragraph_12() {
    let (code, out, _) = run(docseal().args([
        "validate",
        "--format",
        "json",
        "statements/kz-rs-2026-02-27.json",
    ]));
    assert_eq!(code, 0);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let findings = report["files"][0]["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let f = &findings[0];
    assert_eq!(f["rule"], "lint/mixed-script");
    assert_eq!(f["level"], "warning");
    assert_eq!(f["pointer"], "/body/14/text");
    // Line and column in the JSON point at the Cyrillic letter itself.
    let json = std::fs::read_to_string("statements/kz-rs-2026-02-27.json").unwrap();
    let line = json
        .lines()
        .nth(f["line"].as_u64().unwrap() as usize - 1)
        .unwrap();
    let at: char = line
        .chars()
        .nth(f["column"].as_u64().unwrap() as usize - 1)
        .unwrap();
    assert_eq!(at, '\u{430}');
    assert!(line.contains("\"12. The Presidents highlighted"));
    // The byte offset in the source text is given too, and is right.
    let message = f["message"].as_str().unwrap();
    let offset: usize = message
        .split("source byte ")
        .nth(1)
        .unwrap()
        .split(')')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let text = std::fs::read("statements/kz-rs-2026-02-27.txt").unwrap();
    assert_eq!(&text[offset..offset + 2], "\u{430}".as_bytes());
}

#[test]
fn sealing_refuses_denied_lints_and_records_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("b.zip");
    let (code, _, err) = run(docseal()
        .args([
            "seal",
            "statements/kz-rs-2026-02-27.json",
            "--deny",
            "mixed-script",
            "--key",
            "keys/demo/kz-demo.key.pem",
            "-o",
        ])
        .arg(&out));
    assert_eq!(code, 1, "{err}");
    assert!(!out.exists());
    let (code, _, err) = run(docseal()
        .args([
            "seal",
            "statements/kz-rs-2026-02-27.json",
            "--text",
            "statements/kz-rs-2026-02-27.txt",
            "--key",
            "keys/demo/kz-demo.key.pem",
            "-o",
        ])
        .arg(&out));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("warning: statements/kz-rs-2026-02-27.json:178:249: [lint/mixed-script]"),
        "{err}"
    );
    let (_, report, _) = run(docseal().args(["verify", "--format", "json"]).arg(&out));
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    let lints: Vec<&serde_json::Value> = report["reports"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["code"] == "statement.lints")
        .collect();
    assert_eq!(lints.len(), 1);
    assert_eq!(lints[0]["status"], "warn");
}

#[test]
fn a_text_that_does_not_match_its_spans_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string("statements/kz-rs-2026-02-27.txt")
        .unwrap()
        .replace("EXPO 2027", "EXPO 2028");
    let path = dir.path().join("altered.txt");
    std::fs::write(&path, text).unwrap();
    let (code, out, _) = run(docseal()
        .args(["validate", "statements/kz-rs-2026-02-27.json", "--text"])
        .arg(&path));
    assert_eq!(code, 1);
    assert!(
        out.contains("error[lint/source-span]: the source text's digest is"),
        "{out}"
    );
    assert!(
        out.contains("error[lint/source-span]: the text differs from the source bytes"),
        "{out}"
    );
}
