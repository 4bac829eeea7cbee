//! `docseal import` on the real statements of the shared corpus, on the
//! reference statement, and on hostile input.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{corpus, docseal, run};
use docseal::import::{self, ImportOptions};
use proptest::prelude::*;

fn imported(path: &Path) -> serde_json::Value {
    let (code, out, err) = run(docseal().arg("import").arg(path));
    assert_eq!(code, 0, "{}: {err}", path.display());
    serde_json::from_str(&out).unwrap()
}

fn check_span_invariant(text: &[u8], statement: &serde_json::Value) {
    let mut previous = 0usize;
    for block in statement["body"].as_array().unwrap() {
        let (start, end) = (
            block["span"][0].as_u64().unwrap() as usize,
            block["span"][1].as_u64().unwrap() as usize,
        );
        assert!(
            previous <= start && start < end,
            "spans out of order at {block}"
        );
        assert_eq!(
            &text[start..end],
            block["text"].as_str().unwrap().as_bytes()
        );
        let gap = std::str::from_utf8(&text[previous..start]).unwrap();
        assert!(
            gap.trim_start_matches('\u{feff}')
                .chars()
                .all(char::is_whitespace),
            "non-whitespace between blocks: {gap:?}"
        );
        previous = end;
    }
    assert!(
        std::str::from_utf8(&text[previous..])
            .unwrap()
            .chars()
            .all(char::is_whitespace)
    );
}

#[test]
fn every_corpus_statement_imports_validates_and_matches_its_notes() {
    let mut files: Vec<_> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    assert!(files.len() >= 6);
    let dir = tempfile::tempdir().unwrap();
    for path in files {
        let statement = imported(&path);
        let text = std::fs::read(&path).unwrap();
        check_span_invariant(&text, &statement);
        assert_eq!(statement["source"]["length"], text.len());
        // It validates, including the source-span lint against the text.
        let json = dir.path().join("s.json");
        std::fs::write(&json, serde_json::to_vec_pretty(&statement).unwrap()).unwrap();
        let (code, out, _) = run(docseal()
            .arg("validate")
            .arg(&json)
            .arg("--text")
            .arg(&path));
        assert_eq!(code, 0, "{}: {out}", path.display());
        let meta: serde_json::Value =
            serde_json::from_slice(&std::fs::read(path.with_extension("meta.json")).unwrap())
                .unwrap();
        if let Some(count) = meta["paragraph_count"].as_u64() {
            let numbered = statement["body"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|b| b["kind"] == "paragraph" && b.get("label").is_some())
                .count();
            assert_eq!(numbered as u64, count, "{}", path.display());
        }
        let expected: BTreeSet<String> = meta["parties"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                let name = p.as_str().unwrap();
                docseal::import::parties::country_code(name)
                    .map(str::to_owned)
                    .unwrap_or_else(|| match name {
                        "European Union" => "EU".into(),
                        other => panic!("no code for {other}"),
                    })
            })
            .collect();
        let found: BTreeSet<String> = statement["parties"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(found, expected, "{}", path.display());
    }
}

#[test]
fn the_reference_statement_in_full() {
    let s = imported(Path::new("statements/kz-rs-2026-02-27.txt"));
    let body = s["body"].as_array().unwrap();
    let numbered: Vec<&str> = body
        .iter()
        .filter(|b| b["kind"] == "paragraph")
        .map(|b| b["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        numbered,
        (1..=19).map(|n| n.to_string()).collect::<Vec<_>>()
    );
    let preambles: Vec<&serde_json::Value> =
        body.iter().filter(|b| b["kind"] == "preamble").collect();
    assert_eq!(preambles.len(), 2);
    assert_eq!(preambles[0]["span"], serde_json::json!([0, 231]));
    assert!(
        preambles[1]["text"]
            .as_str()
            .unwrap()
            .ends_with("stated the following:")
    );
    let continuation: Vec<&serde_json::Value> = body
        .iter()
        .filter(|b| b["kind"] == "continuation")
        .collect();
    assert_eq!(continuation.len(), 1);
    assert_eq!(
        body[continuation[0]["parent"].as_u64().unwrap() as usize]["label"],
        "5"
    );
    assert!(
        continuation[0]["text"]
            .as_str()
            .unwrap()
            .starts_with("In turn, the Kazakh side")
    );
    let parties: Vec<(&str, &str, &str, &str)> = s["parties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let r = &p["representatives"][0];
            (
                p["id"].as_str().unwrap(),
                r["name"].as_str().unwrap(),
                r["title"].as_str().unwrap(),
                r["honorific"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        parties,
        vec![
            (
                "KZ",
                "Kassym-Jomart Tokayev",
                "President of the Republic of Kazakhstan",
                "H.E. Mr."
            ),
            (
                "RS",
                "Aleksandar Vučić",
                "President of the Republic of Serbia",
                "H.E. Mr."
            ),
        ]
    );
    let o = &s["occasion"];
    assert_eq!(
        (
            o["kind"].as_str(),
            o["host"].as_str(),
            o["start"].as_str(),
            o["end"].as_str()
        ),
        (
            Some("official-visit"),
            Some("KZ"),
            Some("2026-02-26"),
            Some("2026-02-27")
        )
    );
    assert_eq!(o["guests"], serde_json::json!(["RS"]));
    assert!(
        s.get("title").is_none(),
        "the text has no title line: none may be invented"
    );
    assert_eq!(s["date"]["inferred"], true);
    let refs = s["references"].as_array().unwrap();
    let find = |kind: &str, text: &str| {
        refs.iter()
            .find(|r| r["kind"] == kind && r["text"].as_str().unwrap().starts_with(text))
            .unwrap_or_else(|| panic!("{kind} {text}"))
    };
    let fta = find(
        "agreement",
        "Free Trade Agreement between the Republic of Serbia and the Eurasian Economic Union",
    );
    assert_eq!(
        (
            fta["date"]["start"].as_str(),
            fta["date"]["precision"].as_str()
        ),
        (Some("2019-10-01"), Some("month"))
    );
    assert_eq!(find("event", "EXPO 2027")["block"], 15);
    let summit = find("event", "Regional Ecological Summit");
    assert_eq!(
        (
            summit["date"]["start"].as_str(),
            summit["date"]["end"].as_str()
        ),
        (Some("2026-04-22"), Some("2026-04-24"))
    );
    let congress = find(
        "event",
        "VIII Congress of Leaders of World and Traditional Religions",
    );
    assert_eq!(
        (
            congress["date"]["start"].as_str(),
            congress["date"]["end"].as_str()
        ),
        (Some("2025-09-17"), Some("2025-09-18"))
    );
    let visit = find("date", "November 2024");
    assert_eq!(
        (
            visit["date"]["start"].as_str(),
            visit["date"]["end"].as_str(),
            visit["date"]["precision"].as_str()
        ),
        (Some("2024-11-01"), Some("2024-11-30"), Some("month"))
    );
}

#[test]
fn the_committed_reference_json_is_exactly_what_import_produces() {
    let (code, out, _) = run(docseal().args(["import", "statements/kz-rs-2026-02-27.txt"]));
    assert_eq!(code, 0);
    assert_eq!(
        out,
        std::fs::read_to_string("statements/kz-rs-2026-02-27.json").unwrap(),
        "regenerate with: docseal import statements/kz-rs-2026-02-27.txt"
    );
}

#[test]
fn hostile_input_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes, expected) in [
        ("empty.txt", &b""[..], "the text is empty"),
        ("blank.txt", &b"  \n\n\t\n"[..], "the text is empty"),
        (
            "binary.txt",
            &b"\x89PNG\r\n\x1a\n\0\0\0"[..],
            "looks binary",
        ),
        (
            "latin1.txt",
            &b"Joint Statement of Espa\xf1a"[..],
            "not valid UTF-8",
        ),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let (code, out, err) = run(docseal().arg("import").arg(&path));
        assert_eq!(code, 2, "{name}");
        assert!(out.is_empty());
        assert!(
            err.contains(expected) && err.contains("hint:"),
            "{name}: {err}"
        );
    }
}

#[test]
fn bom_and_crlf_keep_spans_exact() {
    let text = std::fs::read_to_string("statements/kz-rs-2026-02-27.txt").unwrap();
    let crlf = format!("\u{feff}{}\r\n", text.replace('\n', "\r\n"));
    let statement =
        serde_json::to_value(import::import(crlf.as_bytes(), &ImportOptions::default()).unwrap())
            .unwrap();
    check_span_invariant(crlf.as_bytes(), &statement);
    assert_eq!(statement["body"][0]["span"][0], 3);
    assert!(
        !statement["body"][2]["text"]
            .as_str()
            .unwrap()
            .ends_with('\r')
    );
    assert_eq!(
        statement["body"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|b| b["kind"] == "paragraph")
            .count(),
        19
    );
}

#[test]
fn the_soft_hyphen_of_camp_david_is_reported_once_imported() {
    let source = corpus().join("11_camp-david-japan-korea-us-2023.txt");
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("camp-david.json");
    let (code, _, err) = run(docseal().arg("import").arg(&source).arg("-o").arg(&json));
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = run(docseal()
        .args(["validate", "--format", "json"])
        .arg(&json)
        .arg("--text")
        .arg(&source));
    assert_eq!(code, 0);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let soft: Vec<&serde_json::Value> = report["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "lint/invisible-character")
        .collect();
    assert_eq!(soft.len(), 1, "{soft:?}");
    assert!(
        soft[0]["message"]
            .as_str()
            .unwrap()
            .contains("U+00AD (soft hyphen)")
    );
    // Importing never overwrites.
    let (code, _, err) = run(docseal().arg("import").arg(&source).arg("-o").arg(&json));
    assert_eq!(code, 2);
    assert!(err.contains("never overwrites"), "{err}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn import_never_panics_and_spans_always_hold(lines in proptest::collection::vec("[ \\t]{0,2}(([0-9]{1,3}[.,)] ?)|- |###|[A-Z])?[A-Za-z0-9 .,;:’“”()\\-–аé\u{ad}]{0,80}", 0..30), crlf in any::<bool>(), bom in any::<bool>()) {
        let mut text = lines.join(if crlf { "\r\n" } else { "\n" });
        if bom {
            text.insert(0, '\u{feff}');
        }
        match import::import(text.as_bytes(), &ImportOptions::default()) {
            Ok(statement) => {
                let value = serde_json::to_value(&statement).unwrap();
                check_span_invariant(text.as_bytes(), &value);
            }
            Err(e) => prop_assert!(matches!(e, import::ImportError::Empty), "{e}"),
        }
    }
}
