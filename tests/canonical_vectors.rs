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
