//! RFC 8785 conformance: the vectors of cyberphone/json-canonicalization in
//! `tests/data/vectors/jcs/`.
#![allow(clippy::unwrap_used)]

mod common;

use docseal::canonical::{canonicalize, canonicalize_value};

#[test]
fn every_input_canonicalizes_to_its_output() {
    let dir = common::data().join("vectors/jcs");
    let mut names: Vec<_> = std::fs::read_dir(dir.join("input"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert_eq!(names.len(), 6, "expected the six JCS vectors");
    for name in names {
        let input = std::fs::read(dir.join("input").join(&name)).unwrap();
        let expected = std::fs::read(dir.join("output").join(&name)).unwrap();
        let actual = canonicalize(&input).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&actual),
            String::from_utf8_lossy(&expected),
            "{name:?}"
        );
    }
}

#[test]
fn es6_number_serialization() {
    let text =
        std::fs::read_to_string(common::data().join("vectors/jcs/es6-numbers-1k.txt")).unwrap();
    let mut checked = 0;
    for line in text.lines() {
        let (bits, expected) = line.split_once(',').unwrap();
        let number = f64::from_bits(u64::from_str_radix(bits, 16).unwrap());
        assert!(number.is_finite(), "{line}");
        let actual = canonicalize_value(&serde_json::json!(number)).unwrap();
        assert_eq!(std::str::from_utf8(&actual).unwrap(), expected, "{line}");
        checked += 1;
    }
    assert_eq!(checked, 1000);
}

/// Every JSON file of the tests, the sample statements and the `json` fuzz
/// target's seeds: docseal's own
/// canonical writer gives the same bytes as `serde_json_canonicalizer`
/// (which writes the typed records), and cases each rule of RFC 8785 §3.2
/// turns on — controls, escapes, key order by UTF-16 code units (a
/// supplementary character sorts before U+E000–U+FFFF there, after them in
/// code points), and numbers at the edges of ECMAScript's formatting.
#[test]
fn the_canonical_writer_agrees_with_serde_json_canonicalizer() {
    fn json_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                json_files(&path, out);
            } else if path.extension().is_some_and(|x| x == "json") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    json_files(&common::data(), &mut files);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    json_files(&root.join("statements"), &mut files);
    json_files(&root.join("fuzz/corpus/json"), &mut files);
    let mut compared = 0;
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        let Ok(value) = docseal::document::parse_strict(&bytes) else {
            continue;
        };
        let Ok(ours) = canonicalize_value(&value) else {
            continue;
        };
        let theirs = serde_json_canonicalizer::to_vec(&value).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&ours),
            String::from_utf8_lossy(&theirs),
            "{}",
            file.display()
        );
        compared += 1;
    }
    assert!(compared >= 40, "only {compared} JSON files compared");
    let edges = serde_json::json!({
        "\u{10000}": 1, "\u{e000}": 2, "\u{ffff}": 3, "a": 4, "A": 5, "": 6, "\u{7f}": 7,
        "controls": (0u8..0x20).map(char::from).chain(['"', '\\', '/', '\u{7f}', '\u{2028}', '\u{2029}']).collect::<String>(),
        "numbers": [0, -0.0, 1e21, 1e20, 1e-7, 1e-6, 0.1, 5e-324, 1.7976931348623157e308,
                    -1.5, 1152921504606846976u64, -9007199254740991i64, 333333333.3333333, 1e300],
        "nested": [[], {}, [null, true, false], {"z": {"y": []}, "x": "é"}],
    });
    let ours = canonicalize_value(&edges).unwrap();
    let theirs = serde_json_canonicalizer::to_vec(&edges).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&ours),
        String::from_utf8_lossy(&theirs)
    );
    // The UTF-16 order itself, written out.
    let text = String::from_utf8(ours).unwrap();
    let at = |k: &str| text.find(&format!("\"{k}\":")).unwrap();
    assert!(
        at("\u{10000}") < at("\u{e000}") && at("\u{e000}") < at("\u{ffff}"),
        "{text}"
    );
    assert!(
        text.contains(r#""controls":"\u0000\u0001"#) && text.contains(r#"\b\t\n\u000b\f\r"#),
        "{text}"
    );
}
