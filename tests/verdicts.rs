//! "Authentic" must mean it: identity from the keyring, every party's
//! signature, verification with nothing but a public key, and the three
//! verdicts in every output format. Forgeries a careless tool could make are
//! built with the library's writer directly (bypassing the seal workflow's
//! own refusals), as an attacker's tool would.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use common::{EPOCH, KEYRING, KZ_KEY, RS_KEY, docseal, run};
use docseal::bundle::record::ValidationRecord;
use docseal::bundle::writer::{self, Signer};
use docseal::party::Role;
use docseal::utc::UtcTime;

const REFERENCE: &str = "statements/kz-rs-2026-02-27.json";

fn key(path: &str) -> ed25519_dalek::SigningKey {
    docseal::keys::read_private_key(Path::new(path), &mut || None)
        .unwrap()
        .key
}

/// A bundle of `statement` signed by `key` as `party`/`signer`/`role`,
/// written without any of the seal workflow's checks.
fn forge(
    statement: &Path,
    key: &ed25519_dalek::SigningKey,
    party: &str,
    signer: &str,
    role: Role,
    out: &Path,
) {
    let bytes = std::fs::read(statement).unwrap();
    let digest = docseal::canonical::canonical_digest(&bytes).unwrap();
    let schema = docseal::schema::joint_statement(Default::default()).unwrap();
    let time = UtcTime::from_unix(EPOCH.parse().unwrap()).unwrap();
    let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let record = ValidationRecord::new(time, &schema.name, schema.digest, digest, &[]);
    writer::seal(
        &writer::SealInput {
            id: value["id"].as_str().unwrap().into(),
            statement: bytes,
            statement_digest: digest,
            source_text: None,
            attachments: vec![],
            schema: ("joint-statement.schema.json".into(), schema.bytes.to_vec()),
            validation: record.to_bytes(),
            description: "forged".into(),
            organization: "forged".into(),
            signer: Signer {
                key,
                party: party.parse().unwrap(),
                signer: signer.into(),
                role,
                time,
                stamp: None,
            },
            progress: None,
        },
        out,
    )
    .unwrap();
}

fn verify_json(args: &[&str], bundle: &Path) -> (i32, serde_json::Value) {
    let (code, out, err) = run(docseal()
        .args(["verify", "--format", "json"])
        .args(args)
        .arg(bundle));
    let report: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|_| panic!("{out}{err}"));
    (code, report["reports"][0].clone())
}

fn failed(report: &serde_json::Value) -> Vec<String> {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "fail")
        .map(|c| c["code"].as_str().unwrap().to_string())
        .collect()
}

/// The reference statement renamed to another pair of parties.
fn us_india(dir: &Path) -> PathBuf {
    let mut value: serde_json::Value =
        serde_json::from_slice(&std::fs::read(REFERENCE).unwrap()).unwrap();
    value["id"] = "us-in-2023-06-22".into();
    value["parties"] = serde_json::json!([
        {"id": "US", "name": "United States of America", "role": "signatory"},
        {"id": "IN", "name": "Republic of India", "role": "signatory"}
    ]);
    let path = dir.join("us-in.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&value).unwrap()).unwrap();
    path
}

#[test]
fn a_statement_of_other_parties_signed_by_a_kazakh_key_is_not_authentic() {
    let dir = tempfile::tempdir().unwrap();
    common::private_keys();
    let bundle = dir.path().join("us-in.zip");
    forge(
        &us_india(dir.path()),
        &key(KZ_KEY),
        "KZ",
        "Presidential Administration of the Republic of Kazakhstan (test key)",
        Role::Signatory,
        &bundle,
    );
    for policy in [&[][..], &["--allow-partial"], &["--require-party", "US"]] {
        let mut args = vec!["--keyring", KEYRING];
        args.extend_from_slice(policy);
        let (code, r) = verify_json(&args, &bundle);
        assert_eq!(code, 1, "{policy:?}: {r:#}");
        assert_eq!(r["verdict"], "not-authentic", "{policy:?}");
        assert!(
            failed(&r).contains(&"signature.party".to_string()),
            "{policy:?}: {r:#}"
        );
    }
    // The seal workflow refuses to make such a bundle in the first place.
    let (code, _, err) = run(docseal()
        .args(["seal", "--key", KZ_KEY, "--keyring", KEYRING, "-o"])
        .arg(dir.path().join("x.zip"))
        .arg(us_india(dir.path())));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("does not name KZ as a signatory"), "{err}");
}

/// Regression (issue 12): a key trusted for KZ that signs for RS counted
/// toward a policy requiring RS, because the policy compared the string "trusted".
#[test]
fn a_key_trusted_for_kz_signing_for_rs_never_counts_toward_any_policy_in_any_format() {
    let dir = tempfile::tempdir().unwrap();
    common::private_keys();
    let bundle = dir.path().join("wrong-party.zip");
    forge(
        Path::new(REFERENCE),
        &key(KZ_KEY),
        "RS",
        "Office of the President of the Republic of Serbia (test key)",
        Role::Signatory,
        &bundle,
    );
    for (i, policy) in [
        &[][..],
        &["--allow-partial"],
        &["--require-party", "RS"],
        &["--require-party", "KZ"],
    ]
    .into_iter()
    .enumerate()
    {
        let mut args = vec!["--keyring", KEYRING];
        args.extend_from_slice(policy);
        let (code, r) = verify_json(&args, &bundle);
        assert_eq!(code, 1, "{policy:?}");
        assert_eq!(r["verdict"], "not-authentic", "{policy:?}");
        assert!(
            failed(&r).contains(&"signature.identity".to_string()),
            "{r:#}"
        );
        let rs = r["parties"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == "RS")
            .unwrap();
        assert_ne!(rs["signed"], "trusted", "{policy:?}");
        assert!(
            !r["checks"]
                .to_string()
                .contains("every required party signed"),
            "{policy:?}"
        );
        let (code, human, _) = run(docseal().arg("verify").args(&args).arg(&bundle));
        assert_eq!(code, 1);
        assert!(human.contains("verdict: NOT AUTHENTIC"), "{human}");
        assert!(!human.contains("key trusted"), "{human}");
        let page = dir.path().join(format!("report{i}.html"));
        let (code, _, _) = run(docseal()
            .args(["verify", "--format", "html", "-o"])
            .arg(&page)
            .args(&args)
            .arg(&bundle));
        assert_eq!(code, 1);
        let html = std::fs::read_to_string(&page).unwrap();
        assert!(html.contains("data-verdict=\"not-authentic\""));
        assert!(!html.contains("valid, key trusted"), "{policy:?}");
    }
}

#[test]
fn a_claimed_name_that_contradicts_the_keyring_fails_identity_and_is_shown_only_as_a_claim() {
    let dir = tempfile::tempdir().unwrap();
    common::private_keys();
    // A keyring that knows the KZ key as a junior clerk.
    let ring = dir.path().join("ring");
    let (code, _, err) = run(docseal()
        .args([
            "key",
            "trust",
            "tests/data/keyring/kz-test.pub.pem",
            "--party",
            "KZ",
            "--signer",
            "Junior clerk, KZ embassy",
            "--valid-from",
            "2026-01-01",
            "--keyring",
        ])
        .arg(&ring));
    assert_eq!(code, 0, "{err}");
    let ring_arg = ring.to_str().unwrap();
    let claim = "H.E. Kassym-Jomart Tokayev, President of the Republic of Kazakhstan";
    // seal refuses to sign with a name the keyring contradicts.
    let (code, _, err) = run(docseal()
        .args([
            "seal",
            REFERENCE,
            "--key",
            KZ_KEY,
            "--keyring",
            ring_arg,
            "--signer",
            claim,
            "-o",
        ])
        .arg(dir.path().join("x.zip")));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("Junior clerk") && err.contains("hint:"),
        "{err}"
    );
    // A bundle made elsewhere with that claim.
    let bundle = dir.path().join("claim.zip");
    forge(
        Path::new(REFERENCE),
        &key(KZ_KEY),
        "KZ",
        claim,
        Role::Signatory,
        &bundle,
    );
    let (code, r) = verify_json(&["--keyring", ring_arg, "--require-party", "KZ"], &bundle);
    assert_eq!(code, 1);
    assert_eq!(r["verdict"], "not-authentic");
    assert_eq!(failed(&r), vec!["signature.identity", "policy"]);
    let signer = &r["signers"][0];
    assert_eq!(signer["identity"]["signer"], "Junior clerk, KZ embassy");
    assert_eq!(signer["claimed"]["signer"], claim);
    let (_, human, _) = run(docseal()
        .args(["verify", "--keyring", ring_arg, "--require-party", "KZ"])
        .arg(&bundle));
    assert!(
        human.contains("the keyring says KZ — Junior clerk, KZ embassy"),
        "{human}"
    );
    assert!(
        human.contains(&format!("it claims KZ — {claim:?}")),
        "{human}"
    );
}

#[test]
fn a_journalist_with_only_the_file_or_one_public_key_learns_what_is_and_is_not_known() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = common::sealed_reference(dir.path());
    // No keyring anywhere: run where there is no keys/ and no docseal.toml.
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let at = |cmd: &mut std::process::Command| {
        cmd.current_dir(&elsewhere);
    };
    let mut cmd = docseal();
    at(&mut cmd);
    let (code, out, _) = run(cmd.args(["verify", "--format", "json"]).arg(&bundle));
    assert_eq!(code, 1);
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    let r = &r["reports"][0];
    assert_eq!(r["verdict"], "intact-untrusted", "{r:#}");
    assert_eq!(r["trust"]["kind"], "none");
    assert!(
        r["reasons"][0]
            .as_str()
            .unwrap()
            .contains("no keyring was found (looked in"),
        "{r:#}"
    );
    assert!(failed(r).is_empty(), "nothing failed: {r:#}");
    // With the Kazakh public key only: KZ is vouched for, RS is not.
    let kz_pub = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/keyring/kz-test.pub.pem");
    let rs_pub = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/keyring/rs-test.pub.pem");
    let mut cmd = docseal();
    at(&mut cmd);
    let (code, out, _) = run(cmd
        .args(["verify", "--format", "json", "--trusted-key"])
        .arg(&kz_pub)
        .args(["--party", "kz"])
        .arg(&bundle));
    assert_eq!(code, 1);
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    let r = &r["reports"][0];
    assert_eq!(r["verdict"], "intact-untrusted");
    assert_eq!(r["trust"]["kind"], "keys");
    let by_party = |p: &str| {
        r["parties"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == p)
            .unwrap()["signed"]
            .clone()
    };
    assert_eq!(by_party("KZ"), "trusted");
    assert_eq!(by_party("RS"), "unvouched");
    // With both keys: authentic.
    let mut cmd = docseal();
    at(&mut cmd);
    let (code, out, err) = run(cmd
        .args(["verify", "--trusted-key"])
        .arg(&kz_pub)
        .args(["--party", "KZ", "--trusted-key"])
        .arg(&rs_pub)
        .args([
            "--party",
            "RS",
            "--signer",
            "Office of the President of the Republic of Serbia (test key)",
        ])
        .arg(&bundle));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("trust: only the keys given"), "{out}");
    // A key given for the wrong party is a contradiction, not a vouch.
    let mut cmd = docseal();
    at(&mut cmd);
    let (code, out, _) = run(cmd
        .args(["verify", "--trusted-key"])
        .arg(&kz_pub)
        .args(["--party", "RS"])
        .arg(&bundle));
    assert_eq!(code, 1);
    assert!(out.contains("verdict: NOT AUTHENTIC"), "{out}");
}

#[test]
fn a_keyring_that_is_a_file_or_a_misspelled_folder_is_an_error_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = common::sealed_reference(dir.path());
    for (keyring, expect) in [
        (
            "tests/data/keyring/kz-test.pub.pem",
            "is a file, not a keyring folder",
        ),
        ("tests/data/keyrnig", "the folder does not exist"),
        ("tests/data", "not a keyring"),
    ] {
        let (code, _, err) = run(docseal()
            .args(["verify", "--keyring", keyring])
            .arg(&bundle));
        assert_eq!(code, 2, "{keyring}: {err}");
        assert!(
            err.contains(expect) && err.contains("hint:"),
            "{keyring}: {err}"
        );
    }
    let (code, _, err) = run(docseal()
        .args([
            "verify",
            "--trusted-key",
            "tests/data/keyring/kz-test.pub.pem",
        ])
        .arg(&bundle));
    assert_eq!(code, 2);
    assert!(err.contains("needs a --party"), "{err}");
    let (code, _, err) = run(docseal()
        .env("DOCSEAL_KEYRING", "no/such/keyring")
        .arg("verify")
        .arg(&bundle));
    assert_eq!(
        code, 2,
        "an explicit keyring that is missing is an error: {err}"
    );
}

#[test]
fn demo_keys_give_intact_untrusted_and_the_archive_refuses_them_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let bundle =
        common::seal_and_cosign_demo(Path::new(REFERENCE), None, &dir.path().join("demo.zip"));
    let (code, r) = verify_json(&["--keyring", "keys"], &bundle);
    assert_eq!(code, 1);
    assert_eq!(r["verdict"], "intact-untrusted");
    let archive = dir.path().join("archive");
    let (code, _, err) = run(docseal()
        .args(["archive", "add", "--keyring", "keys", "--archive"])
        .arg(&archive)
        .arg(&bundle));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("nothing was added") && err.contains("--allow-demo"),
        "{err}"
    );
    let (code, out, err) = run(docseal()
        .args([
            "archive",
            "add",
            "--allow-demo",
            "--keyring",
            "keys",
            "--archive",
        ])
        .arg(&archive)
        .arg(&bundle));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("DEMO keys"), "{out}");
}

#[test]
fn each_verdict_in_each_output_format() {
    let dir = tempfile::tempdir().unwrap();
    let authentic = common::sealed_reference(dir.path());
    let untrusted =
        common::seal_and_cosign_demo(Path::new(REFERENCE), None, &dir.path().join("demo.zip"));
    let broken = dir.path().join("broken.zip");
    {
        // Flip one byte of the statement's compressed data: the zip is still
        // readable (CRC aside), the bag is not intact.
        let mut bytes = std::fs::read(&authentic).unwrap();
        let at = bytes
            .windows(19)
            .position(|w| w == b"data/statement.json")
            .unwrap()
            + 60;
        bytes[at] ^= 0x20;
        std::fs::write(&broken, bytes).unwrap();
    }
    for (bundle, verdict, headline, banner) in [
        (&authentic, "authentic", "verdict: AUTHENTIC", ">AUTHENTIC<"),
        (
            &untrusted,
            "intact-untrusted",
            "verdict: INTACT, BUT THE SIGNERS ARE NOT VOUCHED FOR",
            ">INTACT, BUT THE SIGNERS ARE NOT VOUCHED FOR<",
        ),
        (
            &broken,
            "not-authentic",
            "verdict: NOT AUTHENTIC",
            ">NOT AUTHENTIC<",
        ),
    ] {
        let keyring = if verdict == "intact-untrusted" {
            "keys"
        } else {
            KEYRING
        };
        let expected_code = if verdict == "authentic" { 0 } else { 1 };
        let (code, r) = verify_json(&["--keyring", keyring], bundle);
        assert_eq!(
            (code, r["verdict"].as_str().unwrap()),
            (expected_code, verdict),
            "{r:#}"
        );
        assert!(!r["reasons"].as_array().unwrap().is_empty());
        let (code, human, _) = run(docseal().args(["verify", "--keyring", keyring]).arg(bundle));
        assert_eq!(code, expected_code);
        assert!(human.contains(headline), "{human}");
        let page = dir.path().join(format!("{verdict}.html"));
        let (code, _, _) = run(docseal()
            .args(["verify", "--keyring", keyring, "--format", "html", "-o"])
            .arg(&page)
            .arg(bundle));
        assert_eq!(code, expected_code);
        let html = std::fs::read_to_string(&page).unwrap();
        assert!(
            html.contains(&format!("data-verdict=\"{verdict}\"")) && html.contains(banner),
            "{verdict}"
        );
    }
}

#[test]
fn party_codes_are_upper_cased_on_input() {
    let dir = tempfile::tempdir().unwrap();
    let ring = dir.path().join("ring");
    let (code, _, err) = run(docseal()
        .args([
            "key",
            "trust",
            "tests/data/keyring/kz-test.pub.pem",
            "--party",
            "kz",
            "--signer",
            "Presidential Administration of the Republic of Kazakhstan (test key)",
            "--valid-from",
            "2026-01-01",
            "--keyring",
        ])
        .arg(&ring));
    assert_eq!(code, 0, "{err}");
    let trust = std::fs::read_to_string(ring.join("trust.json")).unwrap();
    assert!(trust.contains("\"party\": \"KZ\""), "{trust}");
    let bundle = dir.path().join("kz.zip");
    common::seal_with(
        Path::new(REFERENCE),
        None,
        KZ_KEY,
        ring.to_str().unwrap(),
        &bundle,
    );
    let (code, r) = verify_json(
        &["--keyring", ring.to_str().unwrap(), "--require-party", "kz"],
        &bundle,
    );
    assert_eq!(code, 0, "{r:#}");
    assert!(failed(&r).is_empty());
}

/// Regression (issue 14): the trust window started at the nanosecond, the
/// signature at the second, so a key trusted and used within one second
/// failed "signed before the key's validity" four runs in five.
#[test]
fn generate_trust_seal_verify_passes_a_hundred_times_in_a_row() {
    let dir = tempfile::tempdir().unwrap();
    let ring = dir.path().join("ring");
    let ring = ring.to_str().unwrap();
    for i in 0..100 {
        let base = dir.path().join(format!("k{i}"));
        let (code, _, err) = run(docseal()
            .args([
                "key",
                "generate",
                "--party",
                "KZ",
                "--signer",
                "Test signer",
                "--no-passphrase",
                "--trust",
                "--keyring",
                ring,
                "-o",
            ])
            .arg(&base));
        assert_eq!(code, 0, "{err}");
        let key = format!("{}.key.pem", base.display());
        let bundle = dir.path().join(format!("b{i}.zip"));
        let (code, _, err) = run(docseal()
            .args(["seal", REFERENCE, "--key", &key, "--keyring", ring, "-o"])
            .arg(&bundle));
        assert_eq!(code, 0, "run {i}: {err}");
        let (code, out, _) = run(docseal()
            .args(["verify", "--keyring", ring, "--require-party", "KZ"])
            .arg(&bundle));
        assert_eq!(code, 0, "run {i}: {out}");
    }
}

#[test]
fn key_lifecycle_refusals_and_updates() {
    let dir = tempfile::tempdir().unwrap();
    let ring = dir.path().join("ring");
    let ring_s = ring.to_str().unwrap();
    let pub_key = "tests/data/keyring/kz-test.pub.pem";
    let trust = |extra: &[&str]| {
        run(docseal()
            .args(["key", "trust", pub_key, "--keyring", ring_s])
            .args(extra))
    };
    // A window that ends before it starts.
    let (code, _, err) = trust(&[
        "--party",
        "KZ",
        "--signer",
        "S",
        "--valid-from",
        "2026-06-01",
        "--valid-until",
        "2026-01-01",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("before it starts") && err.contains("hint:"),
        "{err}"
    );
    assert!(!ring.join("trust.json").exists(), "nothing written");
    let (code, _, err) = trust(&[
        "--party",
        "KZ",
        "--signer",
        "S",
        "--valid-from",
        "2026-01-01",
    ]);
    assert_eq!(code, 0, "{err}");
    // Trusting again is refused, with the way out.
    let (code, _, err) = trust(&["--party", "KZ", "--signer", "S2"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("already in the keyring") && err.contains("--update"),
        "{err}"
    );
    let (code, _, err) = trust(&["--update", "--signer", "Presidential Administration"]);
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = run(docseal().args(["key", "show", "7ae7e296", "--keyring", ring_s]));
    assert_eq!(code, 0);
    assert!(
        out.contains("changed signer at") && out.contains("S → Presidential Administration"),
        "{out}"
    );
    // A revocation is never undone, updates or not.
    let (code, _, _) = run(docseal().args([
        "key",
        "revoke",
        "7ae7e296",
        "--reason",
        "stolen",
        "--at",
        "2026-03-01",
        "--keyring",
        ring_s,
    ]));
    assert_eq!(code, 0);
    let (code, _, _) = trust(&["--update", "--valid-until", "2030-01-01"]);
    assert_eq!(code, 0);
    let (_, out, _) = run(docseal().args(["key", "show", "7ae7e296", "--keyring", ring_s]));
    assert!(
        out.contains("REVOKED at 2026-03-01T00:00:00Z: stolen"),
        "{out}"
    );
    let (code, _, err) = trust(&["--update", "--party", "RS"]);
    assert_eq!(code, 2, "a key's party is not changed: {err}");
}

#[test]
fn an_empty_passphrase_is_refused_and_private_keys_stay_out_of_the_keyring() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    let ring = dir.path().join("ring");
    let (code, _, err) = run(docseal()
        .env("DOCSEAL_PASSPHRASE", "")
        .env("XDG_CONFIG_HOME", &config)
        .args([
            "key",
            "generate",
            "--party",
            "KZ",
            "--signer",
            "S",
            "--keyring",
        ])
        .arg(&ring));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("empty passphrase") && err.contains("--no-passphrase"),
        "{err}"
    );
    let leftovers: Vec<_> = walk(dir.path());
    assert!(
        leftovers
            .iter()
            .all(|p| !p.to_string_lossy().ends_with(".pem")),
        "{leftovers:?}"
    );
    // By default the private key goes to the user's config folder, the
    // public key (with --trust) into the keyring.
    let (code, _, err) = run(docseal()
        .env("DOCSEAL_PASSPHRASE", "correct horse battery staple")
        .env("XDG_CONFIG_HOME", &config)
        .args([
            "key",
            "generate",
            "--party",
            "KZ",
            "--signer",
            "S",
            "--trust",
            "--keyring",
        ])
        .arg(&ring));
    assert_eq!(code, 0, "{err}");
    let in_ring: Vec<_> = walk(&ring);
    assert!(
        in_ring
            .iter()
            .all(|p| !p.to_string_lossy().ends_with(".key.pem")),
        "{in_ring:?}"
    );
    let private: Vec<_> = walk(&config.join("docseal/keys"))
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".key.pem"))
        .collect();
    assert_eq!(private.len(), 1);
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&private[0]).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(
        std::fs::metadata(config.join("docseal/keys"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777,
        0o700
    );
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if e.path().is_dir() {
            out.extend(walk(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}

#[test]
fn a_witness_signature_is_shown_as_a_witness_and_never_stands_for_a_signatory() {
    let dir = tempfile::tempdir().unwrap();
    common::private_keys();
    // Kazakhstan and Serbia sign; the United States witnesses (its "key" is
    // the RS test key, trusted as a witness for US in a keyring of its own).
    let mut value: serde_json::Value =
        serde_json::from_slice(&std::fs::read(REFERENCE).unwrap()).unwrap();
    value["parties"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!(
        {"id": "US", "name": "United States of America", "role": "witness"}));
    let statement = dir.path().join("witnessed.json");
    std::fs::write(&statement, serde_json::to_vec_pretty(&value).unwrap()).unwrap();
    let ring = dir.path().join("ring");
    let ring_s = ring.to_str().unwrap();
    for (pub_key, party, signer, role) in [
        (
            "tests/data/keyring/kz-test.pub.pem",
            "KZ",
            "Presidential Administration of the Republic of Kazakhstan (test key)",
            "signatory",
        ),
        (
            "tests/data/keyring/rs-test.pub.pem",
            "US",
            "Witness (test key)",
            "witness",
        ),
    ] {
        let (code, _, err) = run(docseal().args([
            "key",
            "trust",
            pub_key,
            "--party",
            party,
            "--signer",
            signer,
            "--role",
            role,
            "--valid-from",
            "2026-01-01",
            "--keyring",
            ring_s,
        ]));
        assert_eq!(code, 0, "{err}");
    }
    let bundle = dir.path().join("w.zip");
    common::seal_with(&statement, None, KZ_KEY, ring_s, &bundle);
    common::cosign_with(&bundle, RS_KEY, ring_s);
    let (code, r) = verify_json(&["--keyring", ring_s], &bundle);
    assert_eq!(code, 1, "RS has not signed: {r:#}");
    assert_eq!(r["verdict"], "not-authentic");
    let witness = r["signers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["claimed"]["party"] == "US")
        .unwrap();
    assert_eq!(witness["identity"]["role"], "witness");
    assert_eq!(witness["status"], "trusted");
    let rs = r["parties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "RS")
        .unwrap();
    assert_eq!(rs["signed"], "missing");
    // A witness key claiming to sign as a signatory for the witness party fails.
    let forged = dir.path().join("f.zip");
    forge(
        &statement,
        &key(RS_KEY),
        "US",
        "Witness (test key)",
        Role::Signatory,
        &forged,
    );
    let (code, r) = verify_json(&["--keyring", ring_s, "--allow-partial"], &forged);
    assert_eq!(code, 1);
    assert!(failed(&r).contains(&"signature.party".to_string()), "{r:#}");
}
