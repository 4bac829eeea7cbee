//! Errors say what and where: every failure names the file, says what is
//! wrong in plain words, and gives a `hint:` when there is a fix.
#![allow(clippy::unwrap_used)]

mod common;

use common::{docseal, run};

fn seal_with_key(key: &std::path::Path) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(docseal()
        .args(["seal", "statements/kz-rs-2026-02-27.json", "--key"])
        .arg(key)
        .arg("-o")
        .arg(dir.path().join("x.zip")));
    (code, err)
}

#[test]
fn key_files_that_are_not_keys_say_what_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &[u8], &str); 4] = [
        (
            "text.pem",
            b"hello\n",
            "it is not PEM: there is no -----BEGIN line",
        ),
        ("empty.pem", b"", "the file is empty"),
        (
            "der.key",
            &[0x30, 0x82, 0x01, 0xff, 0xfe, 0x00, 0x80],
            "it is binary, not PEM",
        ),
        ("nowhere.pem", b"", ""),
    ];
    for (name, bytes, expected) in cases {
        let path = dir.path().join(name);
        if name != "nowhere.pem" {
            std::fs::write(&path, bytes).unwrap();
        }
        let (code, err) = seal_with_key(&path);
        assert_eq!(code, 2, "{name}: {err}");
        assert!(
            err.contains(&path.display().to_string()),
            "{name}: names the file: {err}"
        );
        assert!(err.contains("hint:"), "{name}: {err}");
        assert!(
            !err.contains("preamble") && !err.contains("NUL byte"),
            "{name}: {err}"
        );
        assert!(err.contains(expected), "{name}: {err}");
    }
    let (code, err) = seal_with_key(std::path::Path::new("tests/data/keys/rsa-1024.key.pem"));
    assert_eq!(code, 2);
    assert!(err.contains("holds an RSA key"), "{err}");
    let (_, err) = seal_with_key(std::path::Path::new("tests/data/keys/ec-p256.key.pem"));
    assert!(err.contains("holds an EC key"), "{err}");
}

#[test]
fn a_missing_bundle_is_named_with_a_hint_and_exit_2() {
    let (code, _, err) = run(docseal().args(["verify", "no/such/bundle.zip"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("no/such/bundle.zip") && err.contains("hint:"),
        "{err}"
    );
}

#[test]
fn verify_quiet_prints_only_the_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = common::sealed_reference(dir.path());
    let (code, out, err) = run(docseal()
        .args(["--quiet", "verify", "--keyring", common::KEYRING])
        .arg(&bundle));
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.contains(": AUTHENTIC"), "{out}");
    assert!(err.is_empty(), "{err}");
}

#[test]
fn an_empty_or_cut_short_statement_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let statement = std::fs::read("statements/kz-rs-2026-02-27.json").unwrap();
    for (name, bytes, expected) in [
        ("empty.json", &b""[..], "the file is empty"),
        ("blank.json", &b" \n\n"[..], "only whitespace"),
        ("cut.json", &statement[..statement.len() / 2], "cut short"),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let (code, out, err) = run(docseal().arg("validate").arg(&path));
        assert_eq!(code, 1, "{name}: {out}{err}");
        assert!(
            out.contains(expected) || err.contains(expected),
            "{name}: {out}{err}"
        );
        assert!(
            !(out.clone() + &err).contains("EOF while parsing a value\n"),
            "{name}"
        );
    }
}

#[test]
fn archive_filters_refuse_values_that_mean_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("archive");
    let (code, _, err) = run(docseal()
        .args(["archive", "init", "--archive"])
        .arg(&archive));
    assert_eq!(code, 0, "{err}");
    for (args, expected) in [
        (
            &["list", "--from", "2023-13-45"][..],
            "not a date of the calendar",
        ),
        (
            &["list", "--to", "2023-02-30"][..],
            "not a date of the calendar",
        ),
        (
            &["list", "--from", "27.02.2026"][..],
            "not a date of the calendar",
        ),
        (&["list", "--party", "k z"][..], "party"),
        (&["search", ""][..], "at least one word"),
        (&["search", "  "][..], "at least one word"),
        (&["search", "Caspian", "--limit", "0"][..], "--limit"),
    ] {
        let (code, _, err) = run(docseal()
            .arg("archive")
            .args(args)
            .arg("--archive")
            .arg(&archive));
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(expected), "{args:?}: {err}");
    }
    // Valid values pass the same filters.
    let (code, _, err) = run(docseal()
        .args([
            "archive",
            "list",
            "--from",
            "2024-02-29",
            "--party",
            "kz",
            "--archive",
        ])
        .arg(&archive));
    assert_eq!(code, 0, "{err}");
}

#[test]
fn an_integer_literal_no_double_holds_is_refused_wherever_it_is() {
    // Beyond 64 bits serde_json reads integers as rounded doubles: the
    // strict reader sees how they were written (docs/FORMAT.md §2).
    for (doc, refused) in [
        (&br#"{"n": 123456789012345678901234567890}"#[..], true),
        (br#"[333333333333333300000]"#, true),
        (br#"[-18446744073709551617]"#, true),
        // 2^70, written out: a double holds it exactly.
        (br#"[1180591620717411303424]"#, false),
        // The same digits in a string, and as a double: not integer literals.
        (br#"["123456789012345678901234567890"]"#, false),
        (br#"[1.23456789012345678901234567890e29]"#, false),
    ] {
        let result = docseal::canonical::canonicalize(doc);
        assert_eq!(
            result.is_err(),
            refused,
            "{}: {result:?}",
            String::from_utf8_lossy(doc)
        );
    }
}
