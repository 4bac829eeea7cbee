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

const REFERENCE: &str = "statements/kz-rs-2026-02-27.json";

/// A misspelt lint name in a flag must not be taken for another lint or
/// silently do nothing: exit 2, with the closest name, for every flag of
/// `validate` and `seal`.
#[test]
fn an_unknown_lint_flag_is_refused_with_the_closest_name() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("b.zip");
    let seal = [
        "--key",
        "keys/demo/kz-demo.key.pem",
        "-o",
        bundle.to_str().unwrap(),
    ];
    for (command, flag) in [
        ("validate", "--deny"),
        ("validate", "--warn"),
        ("validate", "--allow"),
        ("seal", "--allow"),
    ] {
        let mut cmd = docseal();
        cmd.args([command, flag, "mixd-script", REFERENCE]);
        if command == "seal" {
            cmd.args(seal);
        }
        let (code, out, err) = run(&mut cmd);
        assert_eq!(code, 2, "{command} {flag}: {out}{err}");
        assert_eq!(
            err,
            "error: unknown lint \"mixd-script\"\n\
             hint: did you mean \"mixed-script\"? (`docseal validate --help` lists the lints)\n",
            "{command} {flag}"
        );
    }
    assert!(!bundle.exists());
    let (code, _, err) = run(docseal().args(["validate", "--deny", "homoglyphs", REFERENCE]));
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: unknown lint \"homoglyphs\"\n\
         hint: the lints are: mixed-script, invisible-character, not-nfc, numbering, dates, \
         parties, source-span, duplicate-paragraph (`docseal validate --help` says what each finds)\n"
    );
}

/// `[lints]` of docseal.toml sets levels, the flags win over it, and a
/// misspelt name or level there is an error naming the file, the line and
/// the closest name (exit 2).
#[test]
fn docseal_toml_lints_apply_and_an_unknown_name_there_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let reference = std::path::absolute(REFERENCE).unwrap();
    let config = dir.path().join("docseal.toml");
    let validate = || {
        let mut cmd = docseal();
        cmd.current_dir(dir.path()).arg("validate").arg(&reference);
        cmd
    };
    std::fs::write(&config, "[lints]\nmixed-script = \"deny\"\n").unwrap();
    let (code, out, _) = run(&mut validate());
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("error[lint/mixed-script]"), "{out}");
    let (code, out, _) = run(validate().args(["--warn", "mixed-script"]));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("warning[lint/mixed-script]"), "{out}");

    std::fs::write(
        &config,
        "[lints]\nparties = \"allow\"\nmixd-script = \"deny\"\n",
    )
    .unwrap();
    let (code, out, err) = run(&mut validate());
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.starts_with(&format!("error: {}: ", config.display())),
        "{err}"
    );
    assert!(err.contains("line 3"), "{err}");
    assert!(
        err.contains("unknown lint \"mixd-script\"; did you mean \"mixed-script\"?"),
        "{err}"
    );
    std::fs::write(&config, "[lints]\nmixed-script = \"deyn\"\n").unwrap();
    let (code, _, err) = run(&mut validate());
    assert_eq!(code, 2);
    assert!(
        err.contains("\"deyn\" is not a lint level (deny, warn, allow)"),
        "{err}"
    );
}

/// The hint of an unknown lint sends people to `validate --help`: it must
/// name every lint.
#[test]
fn validate_help_names_every_lint() {
    let (code, help, _) = run(docseal().args(["validate", "--help"]));
    assert_eq!(code, 0);
    let words: Vec<&str> = help
        .split(|c: char| c.is_whitespace() || c == ',')
        .collect();
    for name in docseal::lint::LintName::ALL {
        assert!(words.contains(&name.as_str()), "{name} is not in:\n{help}");
    }
}

/// The importer trims Unicode whitespace around each block, but the
/// `source-span` lint allowed only ASCII whitespace after the last block:
/// a real statement whose text ends in a no-break space imported into a
/// statement that `validate` called invalid.
#[test]
fn a_text_ending_in_a_no_break_space_imports_into_a_valid_statement() {
    let dir = tempfile::tempdir().unwrap();
    let mut text =
        std::fs::read(common::corpus().join("00_kazakhstan-serbia-joint-statement-2026.txt"))
            .unwrap();
    text.extend_from_slice("\u{a0}\n".as_bytes());
    let source = dir.path().join("s.txt");
    std::fs::write(&source, &text).unwrap();
    let json = dir.path().join("s.json");
    let (code, _, err) = run(docseal().arg("import").arg(&source).arg("-o").arg(&json));
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = run(docseal()
        .arg("validate")
        .arg(&json)
        .arg("--text")
        .arg(&source));
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("lint/source-span"), "{out}");
}
