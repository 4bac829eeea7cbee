//! Sealing, co-signing and verifying the reference statement: determinism,
//! interoperability with unzip, bagit.py and openssl, and tamper evidence.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{docseal, run};

use common::EPOCH;

/// `verify --format json` under the test keyring (unless `extra` names other trust).
fn verify(path: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let mut cmd = docseal();
    cmd.args(["verify", "--format", "json"]).args(extra);
    if !extra
        .iter()
        .any(|a| *a == "--keyring" || *a == "--trusted-key")
    {
        cmd.args(["--keyring", common::KEYRING]);
    }
    let (code, out, err) = run(cmd.arg(path));
    let value = serde_json::from_str(&out).unwrap_or_else(|_| panic!("{out}{err}"));
    (code, value)
}

fn failed_codes(report: &serde_json::Value) -> Vec<String> {
    report["reports"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "fail")
        .map(|c| c["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn sealed_and_cosigned_reference_is_authentic_under_the_keyring() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = common::sealed_reference(dir.path());
    let (code, report) = verify(&bundle, &[]);
    assert_eq!(code, 0, "{report:#}");
    let r = &report["reports"][0];
    assert_eq!(report["version"], 2);
    assert_eq!(r["kind"], "docseal-bundle");
    assert_eq!(r["verdict"], "authentic");
    assert_eq!(r["policy"]["kind"], "all-signatories");
    assert_eq!(r["trust"]["kind"], "keyring");
    let parties: Vec<&str> = r["signers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["identity"]["party"].as_str().unwrap())
        .collect();
    assert_eq!(parties, vec!["RS", "KZ"], "signers sorted by key id");
    let (_, human, _) = run(docseal()
        .args(["verify", "--keyring", common::KEYRING])
        .arg(&bundle));
    assert!(human.contains("verdict: AUTHENTIC"), "{human}");
    assert!(
        human.contains("trust: the keyring tests/data/keyring"),
        "{human}"
    );
}

#[test]
fn demo_keys_are_intact_but_never_authentic() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = common::seal_and_cosign_demo(
        Path::new("statements/kz-rs-2026-02-27.json"),
        None,
        &dir.path().join("demo.zip"),
    );
    // Even a keyring that lists them as trusted (keys/ does) cannot make them count.
    let (code, report) = verify(&bundle, &["--keyring", "keys"]);
    assert_eq!(code, 1, "{report:#}");
    let r = &report["reports"][0];
    assert_eq!(r["verdict"], "intact-untrusted");
    assert!(
        r["reasons"][0].as_str().unwrap().contains("demo key"),
        "{r:#}"
    );
    let (_, human, _) = run(docseal().args(["verify", "--keyring", "keys"]).arg(&bundle));
    assert!(
        human.contains("verdict: INTACT, BUT THE SIGNERS ARE NOT VOUCHED FOR"),
        "{human}"
    );
}

#[test]
fn a_partly_signed_record_is_not_authentic_unless_the_policy_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let single = dir.path().join("single.zip");
    common::seal_with(
        Path::new("statements/kz-rs-2026-02-27.json"),
        None,
        common::KZ_KEY,
        common::KEYRING,
        &single,
    );
    let (code, report) = verify(&single, &[]);
    assert_eq!(code, 1);
    let r = &report["reports"][0];
    assert_eq!(r["verdict"], "not-authentic");
    assert_eq!(failed_codes(&report), vec!["policy"]);
    let reasons = r["reasons"].to_string();
    assert!(
        reasons.contains("RS (Republic of Serbia) has not signed"),
        "{reasons}"
    );
    let rs = r["parties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "RS")
        .unwrap();
    assert_eq!(rs["signed"], "missing");
    let (code, report) = verify(&single, &["--require-party", "KZ"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["reports"][0]["policy"]["kind"], "parties");
    let (code, report) = verify(&single, &["--allow-partial"]);
    assert_eq!(code, 0, "{report:#}");
    let reasons = report["reports"][0]["reasons"].to_string();
    assert!(
        reasons.contains("not signed (accepted by the policy) by RS"),
        "{reasons}"
    );
}

#[test]
fn same_inputs_same_time_same_keys_give_identical_bytes() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let one = std::fs::read(common::sealed_reference(a.path())).unwrap();
    let two = std::fs::read(common::sealed_reference(b.path())).unwrap();
    assert_eq!(
        docseal::digest::Sha256Digest::of_bytes(&one),
        docseal::digest::Sha256Digest::of_bytes(&two)
    );
}

#[test]
fn cosigning_keeps_every_earlier_byte_and_refuses_a_second_time() {
    let dir = tempfile::tempdir().unwrap();
    let sealed = dir.path().join("a.zip");
    common::seal_with(
        Path::new("statements/kz-rs-2026-02-27.json"),
        None,
        common::KZ_KEY,
        common::KEYRING,
        &sealed,
    );
    let cosigned = dir.path().join("b.zip");
    let (code, _, err) = run(docseal()
        .args([
            "cosign",
            "--key",
            common::RS_KEY,
            "--keyring",
            common::KEYRING,
            "-o",
        ])
        .arg(&cosigned)
        .arg(&sealed));
    assert_eq!(code, 0, "{err}");
    let before = entries(&sealed);
    let after = entries(&cosigned);
    for (name, bytes) in &before {
        assert_eq!(after.get(name), Some(bytes), "{name} changed");
    }
    assert_eq!(after.len(), before.len() + 3);
    let (code, _, err) = run(docseal()
        .args([
            "cosign",
            "--key",
            common::RS_KEY,
            "--keyring",
            common::KEYRING,
            "-o",
        ])
        .arg(dir.path().join("c.zip"))
        .arg(&cosigned));
    assert_eq!(code, 1);
    assert!(err.contains("has already signed"), "{err}");
}

#[test]
fn invalid_statements_are_not_sealed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.zip");
    let (code, _, err) = run(docseal()
        .args([
            "seal",
            "tests/fixtures/invalid-statement.json",
            "--key",
            "keys/demo/kz-demo.key.pem",
            "-o",
        ])
        .arg(&out));
    assert_eq!(code, 1);
    assert!(err.contains("nothing was sealed"), "{err}");
    assert!(!out.exists());
    let (code, _, err) = run(docseal()
        .args([
            "seal",
            "statements/kz-rs-2026-02-27.json",
            "--key",
            "keys/demo/kz-demo.pub.pem",
            "-o",
        ])
        .arg(&out));
    assert_eq!(code, 2);
    assert!(
        err.contains("is a public key") && err.contains("hint:"),
        "{err}"
    );
}

fn bagit_py() -> PathBuf {
    let local = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/bagit.py");
    if local.exists() {
        return local;
    }
    PathBuf::from("bagit.py")
}

#[test]
#[cfg_attr(
    not(all(docseal_test_unzip, docseal_test_bagit, docseal_test_openssl)),
    ignore = "needs unzip, bagit.py and openssl (scripts/test installs them)"
)]
fn unzip_bagit_py_and_openssl_accept_the_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = common::sealed_reference(dir.path());
    let x = dir.path().join("x");
    std::fs::create_dir(&x).unwrap();
    let status = Command::new("unzip")
        .arg("-q")
        .arg(&bundle)
        .arg("-d")
        .arg(&x)
        .status()
        .expect("unzip is installed");
    assert!(status.success());
    let bag = x.join("kz-rs-2026-02-27");
    let out = Command::new(bagit_py())
        .arg("--validate")
        .arg(&bag)
        .output()
        .expect("bagit.py is installed (.ci/run puts it in .venv)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("is valid"));
    let mut checked = 0;
    for entry in std::fs::read_dir(bag.join("signatures")).unwrap() {
        let path = entry.unwrap().path();
        let Some(stem) = path.to_str().unwrap().strip_suffix(".json") else {
            continue;
        };
        let sig_b64 = std::fs::read_to_string(format!("{stem}.sig")).unwrap();
        use base64::Engine as _;
        let raw = base64::engine::general_purpose::STANDARD
            .decode(sig_b64.trim())
            .unwrap();
        let sig = dir.path().join("sig.bin");
        std::fs::write(&sig, raw).unwrap();
        let out = Command::new("openssl")
            .args(["pkeyutl", "-verify", "-pubin", "-rawin", "-inkey"])
            .arg(format!("{stem}.pub.pem"))
            .arg("-in")
            .arg(&path)
            .arg("-sigfile")
            .arg(&sig)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        checked += 1;
    }
    assert_eq!(checked, 2);
    // The extracted folder verifies too (as a bag folder).
    let (code, report) = verify(&bag, &["--all-parties"]);
    assert_eq!(code, 0, "{report:#}");
}

fn entries(path: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = std::collections::BTreeMap::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        out.insert(f.name().unwrap().to_string(), bytes);
    }
    out
}

fn write_entries(path: &Path, entries: &std::collections::BTreeMap<String, Vec<u8>>) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, bytes) in entries {
        zip.start_file(name.clone(), zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

#[test]
fn every_mutation_of_every_entry_fails_verification() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = common::sealed_reference(dir.path());
    let original = entries(&bundle);
    // Rewritten unchanged, it still verifies: the checks below are about content.
    let same = dir.path().join("same.zip");
    write_entries(&same, &original);
    assert_eq!(verify(&same, &["--all-parties"]).0, 0);
    let tampered = dir.path().join("t.zip");
    for name in original.keys() {
        let mut changed = original.clone();
        let bytes = changed.get_mut(name).unwrap();
        let at = bytes.len() / 2;
        bytes[at] ^= 0x01;
        std::fs::remove_file(&tampered).ok();
        write_entries(&tampered, &changed);
        let (code, report) = verify(&tampered, &["--all-parties"]);
        assert_eq!(code, 1, "flipping a byte of {name} went unnoticed");
        assert!(!failed_codes(&report).is_empty());

        // Removing the entry fails too.
        let mut removed = original.clone();
        removed.remove(name);
        std::fs::remove_file(&tampered).ok();
        write_entries(&tampered, &removed);
        assert_eq!(
            verify(&tampered, &["--all-parties"]).0,
            1,
            "removing {name} went unnoticed"
        );

        // So does renaming it.
        let mut renamed = original.clone();
        let bytes = renamed.remove(name).unwrap();
        renamed.insert(format!("{name}.renamed"), bytes);
        std::fs::remove_file(&tampered).ok();
        write_entries(&tampered, &renamed);
        assert_eq!(
            verify(&tampered, &["--all-parties"]).0,
            1,
            "renaming {name} went unnoticed"
        );
    }
    // Adding a payload file.
    let mut added = original.clone();
    added.insert("kz-rs-2026-02-27/data/extra.txt".into(), b"x".to_vec());
    std::fs::remove_file(&tampered).ok();
    write_entries(&tampered, &added);
    let (code, report) = verify(&tampered, &[]);
    assert_eq!(code, 1);
    assert!(failed_codes(&report).contains(&"bag.complete".to_string()));
}

#[test]
fn a_signature_from_another_bundle_does_not_fit() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = common::sealed_reference(dir.path());
    // Another statement: same text, different id.
    let mut value: serde_json::Value =
        serde_json::from_slice(&std::fs::read("statements/kz-rs-2026-02-27.json").unwrap())
            .unwrap();
    value["id"] = "kz-rs-2026-02-27".into();
    value["language"] = "en-GB".into();
    let other_json = dir.path().join("other.json");
    std::fs::write(&other_json, serde_json::to_vec_pretty(&value).unwrap()).unwrap();
    let other = dir.path().join("other.zip");
    let (code, _, err) = run(docseal()
        .args(["seal", "--key", "keys/demo/rs-demo.key.pem", "-o"])
        .arg(&other)
        .arg(&other_json)
        .env("SOURCE_DATE_EPOCH", EPOCH));
    assert_eq!(code, 0, "{err}");
    let mut mixed = entries(&bundle);
    for (name, bytes) in entries(&other) {
        if name.contains("/signatures/") {
            mixed.insert(name, bytes);
        }
    }
    let swapped = dir.path().join("swapped.zip");
    write_entries(&swapped, &mixed);
    let (code, report) = verify(&swapped, &["--all-parties"]);
    assert_eq!(code, 1);
    assert!(
        failed_codes(&report).contains(&"signature.binding".to_string()),
        "{report:#}"
    );
}

#[test]
fn plain_bagit_097_folder_with_md5_is_checked_and_warned() {
    let dir = tempfile::tempdir().unwrap();
    let bag = dir.path().join("old-bag");
    std::fs::create_dir_all(bag.join("data/sub")).unwrap();
    std::fs::write(
        bag.join("bagit.txt"),
        "BagIt-Version: 0.97\r\nTag-File-Character-Encoding: UTF-8\r\n",
    )
    .unwrap();
    std::fs::write(bag.join("data/sub/a file.txt"), "hello").unwrap();
    std::fs::write(
        bag.join("manifest-md5.txt"),
        "5d41402abc4b2a76b9719d911017c592  data/sub/a file.txt\r\n",
    )
    .unwrap();
    std::fs::write(bag.join("bag-info.txt"), "Payload-Oxum: 5.1\r\n").unwrap();
    let (code, report) = verify(&bag, &[]);
    assert_eq!(code, 0, "{report:#}");
    let r = &report["reports"][0];
    assert_eq!(r["kind"], "bagit");
    assert!(
        r["checks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["code"] == "bag.manifests" && c["status"] == "warn")
    );
    std::fs::write(bag.join("data/sub/a file.txt"), "hellO").unwrap();
    let (code, report) = verify(&bag, &[]);
    assert_eq!(code, 1);
    assert!(failed_codes(&report).contains(&"bag.payload-digest".to_string()));
}

#[test]
fn inspect_and_extract() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = common::sealed_reference(dir.path());
    let (code, out, _) = run(docseal().args(["inspect", "--format", "json"]).arg(&bundle));
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["id"], "kz-rs-2026-02-27");
    assert_eq!(v["signatures"].as_array().unwrap().len(), 2);
    assert_eq!(v["verified"], false);
    let target = dir.path().join("out");
    let (code, _, err) = run(docseal().args(["extract", "-o"]).arg(&target).arg(&bundle));
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read(target.join("kz-rs-2026-02-27/data/statement.txt")).unwrap(),
        std::fs::read("statements/kz-rs-2026-02-27.txt").unwrap()
    );
    let (code, _, err) = run(docseal().args(["extract", "-o"]).arg(&target).arg(&bundle));
    assert_eq!(code, 2);
    assert!(err.contains("never overwrites"), "{err}");
}

#[test]
fn docseal_toml_sets_the_default_policy_and_quiet_silences_notes() {
    let dir = tempfile::tempdir().unwrap();
    let single = dir.path().join("single.zip");
    common::seal_with(
        Path::new("statements/kz-rs-2026-02-27.json"),
        None,
        common::KZ_KEY,
        common::KEYRING,
        &single,
    );
    let keys = Path::new(env!("CARGO_MANIFEST_DIR")).join(common::KEYRING);
    std::fs::write(
        dir.path().join("docseal.toml"),
        format!(
            "keyring = {:?}\n[verify]\nrequire_parties = [\"kz\", \"RS\"]\n",
            keys.display().to_string()
        ),
    )
    .unwrap();
    let nested = dir.path().join("a/b");
    std::fs::create_dir_all(&nested).unwrap();
    let (code, out, _) = run(docseal()
        .current_dir(&nested)
        .args(["verify", "--format", "json"])
        .arg(&single));
    assert_eq!(code, 1, "{out}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let policy = &report["reports"][0]["policy"];
    assert_eq!(policy["from"], "config-file", "{policy:#}");
    assert_eq!(policy["required"], serde_json::json!(["KZ", "RS"]));
    // A flag wins over the file.
    let (code, out, _) = run(docseal()
        .current_dir(&nested)
        .args(["verify", "--require-party", "KZ"])
        .arg(&single));
    assert_eq!(code, 0, "{out}");
    // --quiet: no notes on stderr, data still on stdout.
    let (code, out, err) =
        run(docseal().args(["--quiet", "validate", "statements/kz-rs-2026-02-27.json"]));
    assert_eq!(code, 0);
    assert!(out.contains("valid"));
    assert!(!err.contains("file checked"), "{err}");
}

/// The crate's doctest seals through the library: it must be the very
/// workflow `docseal seal` runs, down to the last byte.
#[test]
fn the_library_seals_exactly_as_the_cli_does() {
    use docseal::bundle::seal::{self, AskedIdentity, SealRequest};
    let dir = tempfile::tempdir().unwrap();
    let by_cli = dir.path().join("cli.zip");
    common::seal_with(
        Path::new("statements/kz-rs-2026-02-27.json"),
        Some(Path::new("statements/kz-rs-2026-02-27.txt")),
        common::KZ_KEY,
        common::KEYRING,
        &by_cli,
    );
    let keyring = docseal::keyring::Keyring::open(Path::new(common::KEYRING)).unwrap();
    let key = docseal::keys::read_private_key(Path::new(common::KZ_KEY), &mut || None)
        .unwrap()
        .key;
    let by_library = dir.path().join("lib.zip");
    seal::seal(SealRequest {
        statement: Path::new("statements/kz-rs-2026-02-27.json"),
        source_text: Some(Path::new("statements/kz-rs-2026-02-27.txt")),
        attachments: &[],
        lints: Default::default(),
        signer: seal::signer_identity(&key, &keyring, AskedIdentity::default()).unwrap(),
        time: docseal::utc::UtcTime::from_unix(EPOCH.parse().unwrap()).unwrap(),
        output: Some(by_library.clone()),
        progress: None,
        tsa: None,
    })
    .unwrap();
    assert_eq!(
        std::fs::read(by_cli).unwrap(),
        std::fs::read(by_library).unwrap()
    );
}
