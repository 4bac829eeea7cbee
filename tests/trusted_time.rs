//! Trusted time end to end, with a real TSA (`openssl ts -reply` on
//! 127.0.0.1): `seal --tsa`, `cosign --tsa`, `timestamp` online and offline,
//! TSA anchors in the keyring, and the stolen key — revoked, then used with
//! a backdated claim — which only a token made before the revocation saves.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use common::tsa::{Pki, TsaCert, TsaOptions, TsaServer};
use common::{EPOCH, KZ_KEY, RS_KEY, docseal, run};

const REFERENCE: &str = "statements/kz-rs-2026-02-27.json";
const KZ_HEX: &str = "7ae7e296ba0cc7a7489e1ceaf111660b4f92d732358b8a764a0a0761d7053103";
const RS_HEX: &str = "075e80dbbf6685f19d1cc186bb4354234bb268f7aeebb70fe3a2cdd611280eb9";

/// A copy of the test keyring in `dir`, trusting the test PKI's root as a TSA.
fn keyring_with_tsa(dir: &Path) -> PathBuf {
    let ring = dir.join("ring");
    copy_dir(Path::new(common::KEYRING), &ring);
    let (code, _, err) = run(docseal()
        .args(["key", "trust-tsa", "--name", "test-root", "--keyring"])
        .arg(&ring)
        .arg(Pki::get().pem("root")));
    assert_eq!(code, 0, "{err}");
    ring
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

fn entry(bundle: &Path, name: &str) -> Option<Vec<u8>> {
    use std::io::Read as _;
    let mut archive = zip::ZipArchive::new(std::fs::File::open(bundle).unwrap()).unwrap();
    let mut file = archive.by_name(&format!("kz-rs-2026-02-27/{name}")).ok()?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).unwrap();
    Some(bytes)
}

fn signature_bytes(bundle: &Path, keyhex: &str) -> Vec<u8> {
    use base64::Engine as _;
    let text = entry(bundle, &format!("signatures/{keyhex}.sig")).unwrap();
    base64::engine::general_purpose::STANDARD
        .decode(text.trim_ascii_end())
        .unwrap()
}

fn verify(ring: &Path, bundle: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let (code, out, err) = run(docseal()
        .args(["verify", "--format", "json", "--keyring"])
        .arg(ring)
        .args(extra)
        .arg(bundle));
    let value: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|_| panic!("{out}{err}"));
    (code, value["reports"][0].clone())
}

fn seal(ring: &Path, out: &Path, key: &str, tsa: Option<&str>) {
    common::private_keys();
    let mut cmd = docseal();
    cmd.args(["seal", REFERENCE, "--key", key, "--keyring"])
        .arg(ring)
        .arg("-o")
        .arg(out);
    if let Some(url) = tsa {
        cmd.args(["--tsa", url]);
    }
    let (code, _, err) = run(cmd.env("SOURCE_DATE_EPOCH", EPOCH));
    assert_eq!(code, 0, "{err}");
}

fn cosign(ring: &Path, bundle: &Path, key: &str, tsa: Option<&str>) {
    let mut cmd = docseal();
    cmd.args(["cosign", "--key", key, "--keyring"])
        .arg(ring)
        .arg(bundle);
    if let Some(url) = tsa {
        cmd.args(["--tsa", url]);
    }
    let (code, _, err) = run(cmd.env("SOURCE_DATE_EPOCH", EPOCH));
    assert_eq!(code, 0, "{err}");
}

#[test]
#[cfg_attr(
    not(docseal_test_openssl),
    ignore = "needs openssl (the test TSA is `openssl ts -reply`)"
)]
fn seal_and_cosign_store_tokens_that_openssl_accepts_and_verify_proves_the_time() {
    let dir = tempfile::tempdir().unwrap();
    let ring = keyring_with_tsa(dir.path());
    let rsa = TsaServer::start(TsaOptions::default());
    let p256 = TsaServer::start(TsaOptions {
        cert: TsaCert::P256,
        ..TsaOptions::default()
    });
    let bundle = dir.path().join("b.zip");
    seal(&ring, &bundle, KZ_KEY, Some(rsa.url()));
    cosign(&ring, &bundle, RS_KEY, Some(p256.url()));
    for (keyhex, tsa) in [(KZ_HEX, "tsa-rsa"), (RS_HEX, "tsa-p256")] {
        let tsr = entry(&bundle, &format!("signatures/{keyhex}.tsr")).expect("token stored");
        let signature = signature_bytes(&bundle, keyhex);
        common::tsa::openssl_verify(&tsr, &signature, "root", &[tsa]).unwrap();
        if cfg!(docseal_test_rfc3161_client) {
            common::tsa::python_verify(&tsr, &signature, "root", &[], None).unwrap();
        }
    }
    let (code, r) = verify(&ring, &bundle, &[]);
    assert_eq!(code, 0, "{r:#}");
    for s in r["signers"].as_array().unwrap() {
        assert!(s["proven_time"].is_string(), "{s:#}");
        assert_eq!(s["claimed"]["signed_at"], "2026-02-27T10:00:00Z");
    }
    let (_, human, _) = run(docseal()
        .args(["verify", "--keyring"])
        .arg(&ring)
        .arg(&bundle));
    assert!(
        human.contains("claimed 2026-02-27T10:00:00Z, proven by"),
        "{human}"
    );
    // Without the TSA in the trust, the tokens are genuine but prove nothing.
    let (code, r) = verify(Path::new(common::KEYRING), &bundle, &[]);
    assert_eq!(
        code, 0,
        "still authentic: the keys are valid at the claimed time"
    );
    assert!(r["signers"][0]["proven_time"].is_null());
    let warned = r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["code"] == "signature.timestamp" && c["status"] == "warn");
    assert!(warned, "{r:#}");
}

/// The stolen key: KZ's key is revoked; a copy of it signs with the clock set
/// back before the revocation. Only a token made before the revocation saves
/// a signature; a claimed time never does.
#[test]
#[cfg_attr(
    not(docseal_test_openssl),
    ignore = "needs openssl (the test TSA is `openssl ts -reply`)"
)]
fn a_revoked_key_counts_only_with_a_token_made_before_the_revocation() {
    let dir = tempfile::tempdir().unwrap();
    let tsa = TsaServer::start(TsaOptions::default());
    let day = 24 * 3600;
    let now = docseal::utc::UtcTime::now().unix();
    for (case, revoked_at, stamped, authentic) in [
        // Revoked yesterday, no token: the backdated claim proves nothing.
        ("no token", now - day, false, false),
        // Revoked yesterday, a token made today (after the revocation).
        ("token after", now - day, true, false),
        // Revoked tomorrow (already announced): a token made today proves
        // the signature older than the revocation.
        ("token before", now + day, true, true),
        // Revoked tomorrow, no token: nothing proves it older.
        ("no token, revocation ahead", now + day, false, false),
    ] {
        let case_dir = dir.path().join(case.replace(' ', "-"));
        std::fs::create_dir(&case_dir).unwrap();
        let ring = keyring_with_tsa(&case_dir);
        let at = docseal::utc::UtcTime::from_unix(revoked_at)
            .unwrap()
            .to_string();
        let (code, _, err) = run(docseal()
            .args([
                "key",
                "revoke",
                &KZ_HEX[..12],
                "--reason",
                "stolen",
                "--at",
                &at,
                "--keyring",
            ])
            .arg(&ring));
        assert_eq!(code, 0, "{err}");
        let bundle = case_dir.join("forged.zip");
        seal(&ring, &bundle, KZ_KEY, stamped.then(|| tsa.url()));
        let (code, r) = verify(&ring, &bundle, &["--require-party", "KZ"]);
        assert_eq!(code == 0, authentic, "{case}: {r:#}");
        let kz = &r["signers"][0];
        if authentic {
            assert_eq!(r["verdict"], "authentic", "{case}");
        } else {
            assert_eq!(r["verdict"], "not-authentic", "{case}");
            assert_eq!(kz["status"], "revoked", "{case}");
            let trust = r["checks"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["code"] == "signature.trust")
                .unwrap();
            let expected = if stamped {
                "revoked before this signature was made"
            } else {
                "nothing proves this signature was made before the revocation"
            };
            assert!(
                trust["message"].as_str().unwrap().contains(expected),
                "{case}: {trust:#}"
            );
        }
    }
}

#[test]
#[cfg_attr(
    not(docseal_test_openssl),
    ignore = "needs openssl (the test TSA is `openssl ts -reply`)"
)]
fn timestamp_adds_tokens_online_a_second_from_another_tsa_and_offline_by_files() {
    let dir = tempfile::tempdir().unwrap();
    let ring = keyring_with_tsa(dir.path());
    let bundle = dir.path().join("b.zip");
    seal(&ring, &bundle, KZ_KEY, None);
    cosign(&ring, &bundle, RS_KEY, None);
    let before = std::fs::read(&bundle).unwrap();
    let signed_before = entry(&bundle, &format!("signatures/{KZ_HEX}.json")).unwrap();
    // Offline: requests out, replies in.
    let requests = dir.path().join("requests");
    let (code, out, err) = run(docseal()
        .args(["timestamp", "--request-out"])
        .arg(&requests)
        .arg(&bundle));
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 2, "{out}");
    assert_eq!(
        std::fs::read(&bundle).unwrap(),
        before,
        "requests change nothing"
    );
    let rsa = TsaServer::start(TsaOptions::default());
    let query = std::fs::read(requests.join(format!("{KZ_HEX}.tsq"))).unwrap();
    let reply =
        docseal::timestamp::fetch(rsa.url(), &query, std::time::Duration::from_secs(30)).unwrap();
    let reply_file = dir.path().join("kz.tsr");
    std::fs::write(&reply_file, &reply).unwrap();
    let (code, _, err) = run(docseal()
        .args(["timestamp", "--keyring"])
        .arg(&ring)
        .arg("--reply")
        .arg(&reply_file)
        .arg(&bundle));
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        entry(&bundle, &format!("signatures/{KZ_HEX}.tsr")).unwrap(),
        reply
    );
    // A reply for another bundle's signature is refused.
    let other = dir.path().join("other.zip");
    seal(&ring, &other, RS_KEY, None);
    let (code, _, err) = run(docseal()
        .args(["timestamp", "--reply"])
        .arg(&reply_file)
        .arg(&other));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("a token for none of the signatures"), "{err}");
    // Online: the signature without a token gets one; the stamped one is left.
    let (code, _, err) = run(docseal()
        .args(["timestamp", "--keyring"])
        .arg(&ring)
        .args(["--tsa", rsa.url()])
        .arg(&bundle));
    assert_eq!(code, 0, "{err}");
    assert!(entry(&bundle, &format!("signatures/{RS_HEX}.tsr")).is_some());
    assert!(entry(&bundle, &format!("signatures/{KZ_HEX}.2.tsr")).is_none());
    // --also: a second token, from another TSA; the same TSA again adds nothing.
    let p256 = TsaServer::start(TsaOptions {
        cert: TsaCert::P256,
        ..TsaOptions::default()
    });
    let (code, _, err) = run(docseal()
        .args(["timestamp", "--also", "--keyring"])
        .arg(&ring)
        .args(["--tsa", p256.url()])
        .arg(&bundle));
    assert_eq!(code, 0, "{err}");
    assert!(entry(&bundle, &format!("signatures/{KZ_HEX}.2.tsr")).is_some());
    let after_second = std::fs::read(&bundle).unwrap();
    let (code, _, err) = run(docseal()
        .args(["timestamp", "--also", "--keyring"])
        .arg(&ring)
        .args(["--tsa", p256.url()])
        .arg(&bundle));
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read(&bundle).unwrap(),
        after_second,
        "no third token from the same TSA"
    );
    // Nothing signed changed, and the bundle verifies with every token.
    assert_eq!(
        entry(&bundle, &format!("signatures/{KZ_HEX}.json")).unwrap(),
        signed_before
    );
    let (code, r) = verify(&ring, &bundle, &[]);
    assert_eq!(code, 0, "{r:#}");
    let passed = r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["code"] == "signature.timestamp" && c["status"] == "pass")
        .count();
    assert_eq!(passed, 4, "{r:#}");
}

#[test]
#[cfg_attr(
    not(docseal_test_openssl),
    ignore = "needs openssl (the test TSA is `openssl ts -reply`)"
)]
fn a_broken_token_makes_the_record_not_authentic_with_its_rule_code() {
    let dir = tempfile::tempdir().unwrap();
    let ring = keyring_with_tsa(dir.path());
    let tsa = TsaServer::start(TsaOptions::default());
    let bundle = dir.path().join("b.zip");
    seal(&ring, &bundle, KZ_KEY, Some(tsa.url()));
    // Replace the KZ token by one over another signature's bytes.
    let (foreign, _) = common::tsa::stamp(&tsa, &[7u8; 64]);
    let tampered = dir.path().join("t.zip");
    rewrite(
        &bundle,
        &tampered,
        &format!("signatures/{KZ_HEX}.tsr"),
        &foreign,
    );
    let (code, r) = verify(&ring, &tampered, &["--require-party", "KZ"]);
    assert_eq!(code, 1);
    assert_eq!(r["verdict"], "not-authentic");
    let codes: Vec<&str> = r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "fail")
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["timestamp.imprint"], "{r:#}");
}

fn rewrite(from: &Path, to: &Path, name: &str, bytes: &[u8]) {
    use std::io::{Read as _, Write as _};
    let mut archive = zip::ZipArchive::new(std::fs::File::open(from).unwrap()).unwrap();
    let mut writer = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let entry_name = f.name().unwrap().to_string();
        let mut content = Vec::new();
        f.read_to_end(&mut content).unwrap();
        if entry_name.ends_with(name) {
            content = bytes.to_vec();
        }
        writer
            .start_file(entry_name, zip::write::SimpleFileOptions::default())
            .unwrap();
        writer.write_all(&content).unwrap();
    }
    writer.finish().unwrap();
}

#[test]
fn an_unreachable_tsa_is_exit_2_with_the_url_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("b.zip");
    common::private_keys();
    let (code, _, err) = run(docseal()
        .args([
            "seal",
            REFERENCE,
            "--key",
            KZ_KEY,
            "--keyring",
            common::KEYRING,
            "--tsa",
            "http://127.0.0.1:9/tsa",
            "-o",
        ])
        .arg(&out));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("http://127.0.0.1:9/tsa")
            && err.contains("hint:")
            && err.contains("--request-out"),
        "{err}"
    );
    assert!(!out.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no debris"
    );
}

#[test]
#[cfg_attr(not(docseal_test_openssl), ignore = "needs openssl (the test PKI)")]
fn key_trust_tsa_keeps_the_certificate_in_the_keyring_and_lists_it() {
    let dir = tempfile::tempdir().unwrap();
    let ring = keyring_with_tsa(dir.path());
    assert!(ring.join("tsa/test-root.pem").exists());
    let trust = std::fs::read_to_string(ring.join("trust.json")).unwrap();
    assert!(
        trust.contains("\"name\": \"test-root\"")
            && trust.contains("\"file\": \"tsa/test-root.pem\""),
        "{trust}"
    );
    let (code, out, _) = run(docseal().args(["key", "list", "--keyring"]).arg(&ring));
    assert_eq!(code, 0);
    assert!(out.contains("TSA test-root"), "{out}");
    // Again under the same name, or something that is not a certificate: refused.
    let (code, _, err) = run(docseal()
        .args(["key", "trust-tsa", "--name", "test-root", "--keyring"])
        .arg(&ring)
        .arg(Pki::get().pem("root")));
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = run(docseal()
        .args(["key", "trust-tsa", "--name", "other", "--keyring"])
        .arg(&ring)
        .arg("tests/data/keyring/kz-test.pub.pem"));
    assert_eq!(code, 2);
    assert!(
        err.contains("is not a certificate") && err.contains("hint:"),
        "{err}"
    );
    // A certificate file replaced behind the keyring's back makes it unreadable.
    std::fs::copy(Pki::get().pem("other-root"), ring.join("tsa/test-root.pem")).unwrap();
    let (code, _, err) = run(docseal().args(["key", "list", "--keyring"]).arg(&ring));
    assert_eq!(code, 2);
    assert!(err.contains("holds another certificate"), "{err}");
}
