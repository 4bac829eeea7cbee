//! `docseal import` on the real statements of the corpus (tests/data/corpus), on the
//! reference statement, and on hostile input.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{corpus, docseal, run};
use docseal::import::{self, ImportOptions};
use proptest::prelude::*;

/// Runs with `input` on standard input.
fn run_stdin(cmd: &mut std::process::Command, input: &str) -> (i32, String, String) {
    use std::io::Write as _;
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

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

/// A party of a corpus note: "Kazakhstan", "United States (witness)",
/// "ASEAN (Member States: Brunei, …)".
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct NotedParty {
    id: String,
    role: &'static str,
    members: Option<BTreeSet<String>>,
}

fn code_of(name: &str) -> String {
    docseal::import::names::lookup(name)
        .map(|e| e.id().to_string())
        .unwrap_or_else(|| panic!("the note names {name:?}, which the tables do not know"))
}

fn noted_party(note: &str) -> NotedParty {
    let (note, role) = match note.strip_suffix("(witness)") {
        Some(rest) => (rest.trim(), "witness"),
        None => (note.trim(), "signatory"),
    };
    let (name, members) = match note.split_once(" (") {
        Some((name, rest)) => {
            let list = rest.trim_end_matches(')');
            let list = list.split_once(':').map_or(list, |(_, l)| l);
            (
                name,
                Some(list.split(',').map(|m| code_of(m.trim())).collect()),
            )
        }
        None => (note, None),
    };
    NotedParty {
        id: code_of(name),
        role,
        members,
    }
}

fn imported_with(path: &Path, args: &[&str]) -> (i32, String, String) {
    run(docseal().arg("import").arg(path).args(args))
}

/// Numbered paragraphs of the statement proper: labelled paragraphs that
/// do not hang under an annex.
fn numbered_paragraphs(statement: &serde_json::Value) -> usize {
    let body = statement["body"].as_array().unwrap();
    body.iter()
        .filter(|b| b["kind"] == "paragraph" && b.get("label").is_some())
        .filter(|b| {
            b["parent"]
                .as_u64()
                .is_none_or(|p| body[p as usize]["kind"] != "annex")
        })
        .count()
}

#[test]
fn every_corpus_statement_imports_validates_and_matches_its_notes() {
    let mut notes: Vec<_> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".meta.json"))
        .collect();
    notes.sort();
    assert!(notes.len() >= 17);
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for note_path in notes {
        let name = note_path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .replace(".meta.json", "");
        let path = corpus().join(format!("{name}.txt"));
        let meta: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&note_path).unwrap()).unwrap();
        let text = std::fs::read(&path).unwrap();
        let noted_date = meta["date"].as_str().unwrap().to_string();
        // A text that prints no date of its own: import must say so, name
        // --date, and then take it. It may not be a date the text gives.
        let (code, out, err) = imported_with(&path, &[]);
        let (out, date_given) = if code == 1 {
            if !(err.contains("the date") && err.contains("--date") && !err.contains("--party")) {
                failures.push(format!("{name}: exit 1 without naming only --date: {err}"));
                continue;
            }
            let printed = docseal::import::dates::find_dates(std::str::from_utf8(&text).unwrap())
                .into_iter()
                .any(|d| {
                    d.from.to_string() == noted_date
                        && d.precision == docseal::import::dates::Precision::Day
                });
            if printed {
                failures.push(format!(
                    "{name}: the text prints {noted_date}, import did not find it"
                ));
                continue;
            }
            let (code, out, err) = imported_with(&path, &["--date", &noted_date]);
            assert_eq!(code, 0, "{name}: {err}");
            (out, true)
        } else {
            assert_eq!(code, 0, "{name}: {err}");
            (out, false)
        };
        let statement: serde_json::Value = serde_json::from_str(&out).unwrap();
        check_span_invariant(&text, &statement);
        assert_eq!(statement["source"]["length"], text.len());
        // It validates, including the source-span lint against the text.
        let json = dir.path().join(format!("{name}.json"));
        std::fs::write(&json, serde_json::to_vec_pretty(&statement).unwrap()).unwrap();
        let (code, report, _) = run(docseal()
            .arg("validate")
            .arg(&json)
            .arg("--text")
            .arg(&path));
        if code != 0 {
            failures.push(format!("{name}: does not validate: {report}"));
        }
        // Parties: exactly those of the notes, with their roles and members.
        let expected: BTreeSet<NotedParty> = meta["parties"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| noted_party(p.as_str().unwrap()))
            .collect();
        let found: BTreeSet<NotedParty> = statement["parties"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| NotedParty {
                id: p["id"].as_str().unwrap().to_string(),
                role: if p["role"] == "witness" {
                    "witness"
                } else {
                    "signatory"
                },
                members: expected
                    .iter()
                    .find(|e| e.id == p["id"] && e.members.is_some())
                    .map(|_| {
                        p["members"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|m| m.as_str().unwrap().to_string())
                            .collect()
                    }),
            })
            .collect();
        if found != expected {
            failures.push(format!(
                "{name}: parties {found:?}, the notes say {expected:?}"
            ));
        }
        // The date the text gives: printed, or inferred from a dated
        // occasion that contains the day of the notes.
        let date = &statement["date"];
        let start = date["start"].as_str().unwrap_or_default();
        let date_ok = if date_given || date.get("inferred").is_none() {
            start == noted_date
        } else {
            let occasion = &statement["occasion"];
            let (from, to) = (
                occasion["start"].as_str().unwrap_or(start),
                occasion["end"].as_str().unwrap_or(start),
            );
            start == noted_date || (from <= noted_date.as_str() && noted_date.as_str() <= to)
        };
        if !date_ok {
            failures.push(format!("{name}: date {date}, the notes say {noted_date}"));
        }
        // Numbered paragraphs: the notes' count (none when the notes say so).
        let numbered = numbered_paragraphs(&statement);
        let expected_count = match (
            meta["paragraph_count"].as_u64(),
            meta["numbered_paragraphs"].as_bool(),
        ) {
            (Some(n), _) => Some(n as usize),
            (None, Some(false)) => Some(0),
            _ => None,
        };
        if let Some(n) = expected_count
            && numbered != n
        {
            failures.push(format!(
                "{name}: {numbered} numbered paragraphs, the notes say {n}"
            ));
        }
        // The language: detected.
        let language = meta["language"].as_str().unwrap_or("en");
        let tag = statement["language"].as_str().unwrap();
        if tag.split('-').next() != Some(language) {
            failures.push(format!("{name}: language {tag}, the notes say {language}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
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
    // The text prints no date: the release date is given.
    let (code, _, err) = run(docseal()
        .arg("import")
        .arg(&source)
        .args(["--date", "2023-08-18", "-o"])
        .arg(&json));
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
    let (code, _, err) = run(docseal()
        .arg("import")
        .arg(&source)
        .args(["--date", "2023-08-18", "-o"])
        .arg(&json));
    assert_eq!(code, 2);
    assert!(err.contains("never overwrites"), "{err}");
}

#[test]
fn missing_parties_and_date_exit_1_naming_the_flags_which_then_supply_them() {
    // Invented: a text that names no party and prints no date.
    let text = "Joint Statement\n\nThe two sides held talks and agreed to meet again.\n";
    let (code, out, err) = run_stdin(docseal().args(["import", "-"]), text);
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty());
    assert!(
        err.contains("the parties") && err.contains("the date"),
        "{err}"
    );
    assert!(
        err.contains("--party CODE[:ROLE]") && err.contains("--date YYYY-MM-DD"),
        "{err}"
    );
    let (code, out, err) = run_stdin(
        docseal().args([
            "import",
            "-",
            "--party",
            "KZ",
            "--party",
            "us:witness",
            "--date",
            "2026-02-27",
        ]),
        text,
    );
    assert_eq!(code, 0, "{err}");
    let s: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(s["id"], "kz-us-2026-02-27");
    assert_eq!(s["parties"][0]["id"], "KZ");
    assert_eq!(s["parties"][0]["kind"], "state");
    assert_eq!(s["parties"][1]["role"], "witness");
    assert_eq!(s["date"]["start"], "2026-02-27");
    assert!(
        s["source"].get("file").is_none(),
        "standard input has no file name"
    );
    for bad in [
        ["--party", "K"],
        ["--party", "KZ:host"],
        ["--date", "2026-02-30"],
        ["--language", "not a tag"],
        ["--id", "Has Spaces"],
    ] {
        let (code, _, err) = run_stdin(docseal().args(["import", "-"]).args(bad), text);
        assert_eq!(code, 2, "{bad:?}: {err}");
        assert!(err.contains("hint:"), "{bad:?}: {err}");
    }
}

#[test]
fn flags_override_what_the_text_says() {
    let path = corpus().join("00_kazakhstan-serbia-joint-statement-2026.txt");
    let (code, out, err) = run(docseal().arg("import").arg(&path).args([
        "--party",
        "RS",
        "--date",
        "2026-02-26",
        "--title",
        "Joint Statement",
        "--language",
        "en-GB",
        "--id",
        "rs-2026",
    ]));
    assert_eq!(code, 0, "{err}");
    let s: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(s["id"], "rs-2026");
    assert_eq!(s["title"], "Joint Statement");
    assert_eq!(s["language"], "en-GB");
    assert_eq!(
        s["date"],
        serde_json::json!({"start": "2026-02-26", "precision": "day"})
    );
    let parties = s["parties"].as_array().unwrap();
    assert_eq!(parties.len(), 1);
    // The party given keeps what the text says of it.
    assert_eq!(parties[0]["name"], "Republic of Serbia");
    assert_eq!(parties[0]["representatives"][0]["name"], "Aleksandar Vučić");
}

#[test]
fn a_group_speaking_as_one_is_a_party_with_its_members() {
    // Invented: a G7 statement that never lists the seven.
    let text = "G7 Leaders’ Statement on Ukraine\n\nWe, the Leaders of the G7, reaffirm our support.\n\nJune 14, 2024\n";
    let (code, out, err) = run_stdin(docseal().args(["import", "-"]), text);
    assert_eq!(code, 0, "{err}");
    let s: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        s["parties"].as_array().unwrap().len(),
        1,
        "{}",
        s["parties"]
    );
    let g7 = &s["parties"][0];
    assert_eq!(
        (g7["id"].as_str(), g7["kind"].as_str()),
        (Some("G7"), Some("group"))
    );
    assert_eq!(
        g7["members"],
        serde_json::json!(["CA", "FR", "DE", "IT", "JP", "GB", "US"])
    );
    assert_eq!(s["date"]["start"], "2024-06-14");
}

#[test]
fn auto_numbered_lists_annexes_and_sub_items_validate() {
    // Invented: every item printed "1.", an annex numbered on its own,
    // lettered sub-items under their paragraph, a two-column signature.
    let text = "Joint Declaration of the Republic of Chile and the Republic of Peru\n\n\
1. The Parties agree on the following:\n\n(a) first;\n\n(b) second.\n\n1. The Parties meet yearly.\n\n1. The Parties review progress.\n\n\
Annex: Plan of Action\n\n1. Ministers meet.\n\n2. Officials report.\n\n\
Done at Lima on 3 March 2025.\n\n\
For the Republic of Chile      For the Republic of Peru\n\nAna Pérez                      Juan Gómez\n";
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("cl-pe.txt");
    std::fs::write(&src, text).unwrap();
    let s = imported(&src);
    let body = s["body"].as_array().unwrap();
    let numbered: Vec<(&str, Option<u64>)> = body
        .iter()
        .filter(|b| b["kind"] == "paragraph" && b.get("label").is_some())
        .map(|b| (b["label"].as_str().unwrap(), b["number"].as_u64()))
        .collect();
    assert_eq!(
        numbered,
        [
            ("1", Some(1)),
            ("1", Some(2)),
            ("1", Some(3)),
            ("1", None),
            ("2", None)
        ]
    );
    assert_eq!(numbered_paragraphs(&s), 3);
    let items: Vec<(&str, u64)> = body
        .iter()
        .filter(|b| b["kind"] == "list-item")
        .map(|b| (b["label"].as_str().unwrap(), b["parent"].as_u64().unwrap()))
        .collect();
    assert_eq!(items, [("a", 1), ("b", 1)]);
    assert_eq!(s["date"]["start"], "2025-03-03");
    assert_eq!(s["place"]["name"], "Lima");
    let reps: Vec<(&str, &str)> = s["parties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["id"].as_str().unwrap(),
                p["representatives"][0]["name"].as_str().unwrap_or("-"),
            )
        })
        .collect();
    assert_eq!(reps, [("CL", "Ana Pérez"), ("PE", "Juan Gómez")]);
    let json = dir.path().join("cl-pe.json");
    std::fs::write(&json, serde_json::to_vec(&s).unwrap()).unwrap();
    let (code, out, _) = run(docseal().arg("validate").arg(&json).arg("--text").arg(&src));
    assert_eq!(code, 0, "{out}");
}

#[test]
fn any_prefix_or_suffix_of_a_real_statement_imports_or_is_refused_cleanly() {
    for entry in std::fs::read_dir(corpus()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "txt") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let cuts: Vec<usize> = (0..text.len())
            .step_by(text.len() / 60 + 1)
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        for &cut in &cuts {
            for part in [&text[..cut], &text[cut..]] {
                match import::import(part.as_bytes(), &ImportOptions::default()) {
                    Ok(statement) => check_span_invariant(
                        part.as_bytes(),
                        &serde_json::to_value(&statement).unwrap(),
                    ),
                    Err(e) => assert!(
                        matches!(
                            e,
                            import::ImportError::Empty | import::ImportError::Missing { .. }
                        ),
                        "{}: {e}",
                        path.display()
                    ),
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn import_never_panics_and_spans_always_hold(lines in proptest::collection::vec("[ \\t]{0,2}(([0-9]{1,3}[.,)] ?)|\\([a-z]\\) |- |###|[A-Z]|Annex |一、)?[A-Za-z0-9 .,;:’“”()\\-–аé\u{ad}ҚқРеспубликаКазахстан中华人民共和国二○一八年五月日جمهوريةكازاخستان]{0,80}", 0..30), crlf in any::<bool>(), bom in any::<bool>()) {
        let mut text = lines.join(if crlf { "\r\n" } else { "\n" });
        if bom {
            text.insert(0, '\u{feff}');
        }
        match import::import(text.as_bytes(), &ImportOptions::default()) {
            Ok(statement) => {
                let value = serde_json::to_value(&statement).unwrap();
                check_span_invariant(text.as_bytes(), &value);
            }
            Err(e) => prop_assert!(matches!(e, import::ImportError::Empty | import::ImportError::Missing { .. }), "{e}"),
        }
    }
}
