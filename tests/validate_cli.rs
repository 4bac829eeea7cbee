//! `docseal validate` from the command line: outputs pinned byte for byte,
//! exit codes for every kind of failure.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::Write;
use std::process::Stdio;

use common::{assert_snapshot, docseal, run};

const REFERENCE: &str = "statements/kz-rs-2026-02-27.json";
const INVALID: &str = "tests/fixtures/invalid-statement.json";

#[test]
fn reference_text_is_the_corpus_file_byte_for_byte() {
    let ours = std::fs::read("statements/kz-rs-2026-02-27.txt").unwrap();
    let corpus =
        std::fs::read(common::corpus().join("00_kazakhstan-serbia-joint-statement-2026.txt"))
            .unwrap();
    assert_eq!(ours, corpus);
}

#[test]
fn reference_statement_is_valid_with_one_homoglyph_warning() {
    let (code, out, err) = run(docseal().args(["validate", REFERENCE]));
    assert_eq!(code, 0, "{out}{err}");
    assert_snapshot("validate-reference.human", &out);
    assert_eq!(err, "1 file checked: 1 valid, 0 invalid (1 warning)\n");
    // Denying the lint makes the same file invalid.
    let (code, out, _) = run(docseal().args(["validate", "--deny", "mixed-script", REFERENCE]));
    assert_eq!(code, 1);
    assert!(out.contains("error[lint/mixed-script]"), "{out}");
    let (code, _, err) = run(docseal().args(["validate", "--deny", "no-such-lint", REFERENCE]));
    assert_eq!(code, 2);
    assert!(
        err.contains("unknown lint") && err.contains("hint:"),
        "{err}"
    );
}

#[test]
fn valid_document_in_every_format() {
    for format in ["json", "sarif", "junit", "github"] {
        let (code, out, _) = run(docseal().args(["validate", "--format", format, REFERENCE]));
        assert_eq!(code, 0, "{format}");
        assert_snapshot(&format!("validate-valid.{format}"), &out);
    }
}

#[test]
fn invalid_document_in_every_format() {
    for format in ["human", "json", "sarif", "junit", "github"] {
        let (code, out, _) = run(docseal().args(["validate", "--format", format, INVALID]));
        assert_eq!(code, 1, "{format}");
        assert_snapshot(&format!("validate-invalid.{format}"), &out);
    }
}

#[test]
fn invalid_document_positions_are_exact() {
    let (_, out, _) = run(docseal().args(["validate", "--format", "json", INVALID]));
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let findings = report["files"][0]["findings"].as_array().unwrap();
    let at: Vec<(String, String, u64, u64)> = findings
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["pointer"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect();
    let expect = |rule: &str, pointer: &str, line, column| {
        (rule.to_string(), pointer.to_string(), line, column)
    };
    assert_eq!(
        at,
        vec![
            expect("schema/pattern", "/id", 3, 9),
            expect("schema/required", "/parties/1", 8, 5),
            expect("schema/format", "/occasion/start", 10, 51),
            expect("schema/additionalProperties", "/body/0/colour", 12, 92),
            expect("schema/pattern", "/source/sha256", 14, 81),
        ]
    );
    assert_eq!(report["summary"]["invalid"], 1);
}

#[test]
fn duplicate_keys_are_refused_with_both_positions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dup.json");
    std::fs::write(&path, "{\n  \"id\": \"a\",\n  \"id\": \"b\"\n}\n").unwrap();
    let (code, out, _) = run(docseal().arg("validate").arg(&path));
    assert_eq!(code, 1);
    assert!(
        out.contains(
            ":3:3: error[json/duplicate-key]: duplicate key \"id\": first at line 2, column 3"
        ),
        "{out}"
    );
}

#[test]
fn oversize_files_are_refused_not_loaded() {
    let (code, _, err) = run(docseal().args(["validate", "--max-size", "100", REFERENCE]));
    assert_eq!(code, 2);
    assert!(err.contains("over the limit of 100 bytes"), "{err}");
    assert!(
        err.contains("hint: raise the limit with --max-size"),
        "{err}"
    );
}

#[test]
fn unreadable_files_cannot_be_checked() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("dangling.json");
    std::os::unix::fs::symlink(dir.path().join("missing"), &link).unwrap();
    let (code, _, err) = run(docseal().arg("validate").arg(&link));
    assert_eq!(code, 2);
    assert!(
        err.contains("error: ") && err.contains("cannot read"),
        "{err}"
    );
}

#[test]
fn could_not_check_wins_over_invalid() {
    let (code, out, err) = run(docseal().args(["validate", REFERENCE, INVALID, "missing.json"]));
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("3 files checked: 1 valid, 1 invalid, 1 could not be checked"));
}

#[test]
fn no_paths_is_a_usage_error_with_a_hint() {
    let (code, _, err) = run(docseal().arg("validate"));
    assert_eq!(code, 2);
    assert!(
        err.starts_with("error: no files to validate\nhint: "),
        "{err}"
    );
}

#[test]
fn bad_schema_and_unresolvable_ref_cannot_check() {
    for (schema, expected) in [
        (
            "tests/fixtures/refs/bad.schema.json",
            "is not a valid JSON Schema",
        ),
        (
            "tests/fixtures/refs/unresolvable.schema.json",
            "cannot resolve $ref",
        ),
        ("no-such-schema", "unknown schema"),
    ] {
        let (code, _, err) = run(docseal().args(["validate", "--schema", schema, REFERENCE]));
        assert_eq!(code, 2, "{schema}");
        assert!(err.contains(expected), "{schema}: {err}");
        assert!(err.starts_with("error: "), "{err}");
    }
}

#[test]
fn refs_resolve_offline_in_the_schema_folder() {
    for schema in ["main.schema.json", "relative.schema.json"] {
        let schema = format!("tests/fixtures/refs/{schema}");
        let (code, out, _) = stdin_validate(&schema, r#"{"when": "2026-02-30"}"#, &[]);
        assert_eq!(code, 1, "{schema}: {out}");
        assert!(out.contains("error[schema/format]"), "{out}");
        let (code, _, _) = stdin_validate(&schema, r#"{"when": "2026-02-27"}"#, &[]);
        assert_eq!(code, 0, "{schema}");
    }
}

#[test]
fn format_assertions_can_be_turned_off() {
    let schema = "tests/fixtures/refs/main.schema.json";
    let (code, _, _) = stdin_validate(
        schema,
        r#"{"when": "not a date"}"#,
        &["--no-format-assertions"],
    );
    assert_eq!(code, 0);
}

#[test]
fn every_draft_is_supported() {
    let cases = [
        (
            "http://json-schema.org/draft-04/schema#",
            r#"{"maximum": 10, "exclusiveMaximum": true}"#,
        ),
        (
            "http://json-schema.org/draft-06/schema#",
            r#"{"exclusiveMaximum": 10}"#,
        ),
        (
            "http://json-schema.org/draft-07/schema#",
            r#"{"exclusiveMaximum": 10}"#,
        ),
        (
            "https://json-schema.org/draft/2019-09/schema",
            r#"{"exclusiveMaximum": 10}"#,
        ),
        (
            "https://json-schema.org/draft/2020-12/schema",
            r#"{"exclusiveMaximum": 10}"#,
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (i, (draft, rule)) in cases.iter().enumerate() {
        let schema = dir.path().join(format!("s{i}.json"));
        let text = format!(
            r#"{{"$schema": "{draft}", "type": "object", "properties": {{"n": {rule}}}, "required": ["n"]}}"#
        );
        std::fs::write(&schema, text).unwrap();
        let schema = schema.to_str().unwrap();
        assert_eq!(stdin_validate(schema, r#"{"n": 9}"#, &[]).0, 0, "{draft}");
        let (code, out, _) = stdin_validate(schema, r#"{"n": 10}"#, &[]);
        assert_eq!(code, 1, "{draft}: {out}");
        assert!(out.contains("-:1:7: error[schema/"), "{draft}: {out}");
    }
}

#[test]
fn folders_are_searched_recursively_in_a_stable_order() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("b/nested")).unwrap();
    std::fs::copy(REFERENCE, dir.path().join("b/nested/z.json")).unwrap();
    std::fs::copy(INVALID, dir.path().join("a.json")).unwrap();
    std::fs::copy(REFERENCE, dir.path().join("b.json")).unwrap();
    std::fs::copy(REFERENCE, dir.path().join("b-c.json")).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not json").unwrap();
    let (code, out, _) = run(docseal()
        .args(["validate", "--format", "json"])
        .arg(dir.path()));
    assert_eq!(code, 1);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let paths: Vec<&str> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    // Path order compares names component by component: the folder `b`
    // comes before `b-c.json` and `b.json` (sorting the full paths as bytes
    // would put it last, '/' being greater than '-' and '.').
    let names: Vec<String> = paths
        .iter()
        .map(|p| {
            p.strip_prefix(dir.path().to_str().unwrap())
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        names,
        ["/a.json", "/b/nested/z.json", "/b-c.json", "/b.json"]
    );
}

/// `NAME.txt` beside `NAME.json` is the source text for the `source-span`
/// lint, whether the folder holds many documents (listed once) or few
/// (looked up one by one).
#[test]
fn source_texts_beside_documents_are_found_in_large_and_small_folders() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string("statements/kz-rs-2026-02-27.txt").unwrap();
    let altered = text.replacen("Belgrade", "Belgrado", 1);
    for i in 0..20 {
        std::fs::copy(REFERENCE, dir.path().join(format!("s{i:02}.json"))).unwrap();
    }
    std::fs::write(dir.path().join("s07.txt"), &text).unwrap();
    std::fs::write(dir.path().join("s13.txt"), &altered).unwrap();
    std::fs::create_dir(dir.path().join("few")).unwrap();
    std::fs::copy(REFERENCE, dir.path().join("few/one.json")).unwrap();
    std::fs::write(dir.path().join("few/one.txt"), &altered).unwrap();
    let (code, out, _) = run(docseal()
        .args(["validate", "--format", "json"])
        .arg(dir.path()));
    assert_eq!(code, 1, "{out}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let invalid: Vec<String> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "invalid")
        .map(|f| {
            let rules: Vec<&str> = f["findings"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|x| x["level"] == "error")
                .map(|x| x["rule"].as_str().unwrap())
                .collect();
            let path = f["path"].as_str().unwrap();
            let name = &path[dir.path().to_str().unwrap().len()..];
            format!("{name} {rules:?}")
        })
        .collect();
    assert_eq!(
        invalid,
        // Each altered text fails twice: its digest, and the paragraph's bytes.
        [
            r#"/few/one.json ["lint/source-span", "lint/source-span"]"#,
            r#"/s13.json ["lint/source-span", "lint/source-span"]"#
        ]
    );
}

fn stdin_validate(schema: &str, doc: &str, extra: &[&str]) -> (i32, String, String) {
    let mut child = docseal()
        .args(["validate", "--schema", schema])
        .args(extra)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(doc.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// A minified document (one line) with thousands of errors: every error at
/// its exact column, and the human report shows each in a short excerpt of
/// the line rather than the whole line under every error.
#[test]
fn thousands_of_errors_on_one_line_are_each_located_and_excerpted() {
    let dir = tempfile::tempdir().unwrap();
    let schema = dir.path().join("strings.schema.json");
    std::fs::write(&schema, r#"{"type": "array", "items": {"type": "string"}}"#).unwrap();
    let numbers: Vec<String> = (0..3000).map(|i| format!("{}", i * 7)).collect();
    let doc = format!("[{}]", numbers.join(","));
    // Where each number starts (all ASCII: byte offset = column - 1).
    let mut expected = Vec::new();
    let mut at = 1;
    for n in &numbers {
        expected.push(at + 1);
        at += n.len() + 1;
    }

    let schema = schema.to_str().unwrap();
    let (code, out, _) = stdin_validate(schema, &doc, &["--format", "json"]);
    assert_eq!(code, 1);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let findings = report["files"][0]["findings"].as_array().unwrap();
    let columns: Vec<u64> = findings
        .iter()
        .map(|f| f["column"].as_u64().unwrap())
        .collect();
    assert_eq!(
        columns,
        expected.iter().map(|&c| c as u64).collect::<Vec<_>>()
    );
    assert!(findings.iter().all(|f| f["line"] == 1));
    assert_eq!(findings[2999]["pointer"], "/2999");

    let (code, out, _) = stdin_validate(schema, &doc, &[]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    // Per error: the message, the excerpt, the caret; then the file's status.
    assert_eq!(lines.len(), 3 * 3000 + 1);
    let (message, excerpt, caret) = (lines[3 * 1500], lines[3 * 1500 + 1], lines[3 * 1500 + 2]);
    assert!(message.starts_with(&format!(
        "-:1:{}: error[schema/type]: 10500 ",
        expected[1500]
    )));
    assert!(
        excerpt.starts_with(" 1 | …") && excerpt.ends_with('…'),
        "{excerpt}"
    );
    assert!(excerpt.chars().count() < 400, "{excerpt}");
    // The caret is under the first digit of the number in error.
    let caret_at = caret.chars().position(|c| c == '^').unwrap();
    let under: String = excerpt.chars().skip(caret_at).take(6).collect();
    assert_eq!(under, "10500,");
}
