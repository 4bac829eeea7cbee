//! Trusted time in the archive, with a real TSA (`openssl ts -reply` on
//! 127.0.0.1): `archive add --tsa` stamps the new checkpoint, `archive
//! timestamp` stamps it again (renewal) online or by files, `audit` and
//! `check-proof` verify the tokens, and the stolen key — revoked, then used
//! with a backdated claim — is refused or kept by `archive add` and `audit`
//! exactly as `verify` judges it.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use common::tsa::{Pki, TsaCert, TsaOptions, TsaServer};
use common::{EPOCH, KZ_KEY, RS_KEY, docseal, run};

const REFERENCE: &str = "statements/kz-rs-2026-02-27.json";
const KZ_HEX: &str = "7ae7e296ba0cc7a7489e1ceaf111660b4f92d732358b8a764a0a0761d7053103";

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        if e.path().is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

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

fn cosign(ring: &Path, bundle: &Path, key: &str) {
    let (code, _, err) = run(docseal()
        .args(["cosign", "--key", key, "--keyring"])
        .arg(ring)
        .arg(bundle)
        .env("SOURCE_DATE_EPOCH", EPOCH));
    assert_eq!(code, 0, "{err}");
}

fn archive_cmd(archive: &Path, args: &[&str]) -> std::process::Command {
    let mut cmd = docseal();
    cmd.arg("archive")
        .arg(args[0])
        .arg("--archive")
        .arg(archive)
        .args(&args[1..]);
    cmd
}

fn audit(archive: &Path) -> (i32, Vec<serde_json::Value>) {
    let (code, out, err) = run(&mut archive_cmd(archive, &["audit", "--format", "json"]));
    let value: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|_| panic!("{out}{err}"));
    let findings = value["report"]["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    (code, findings)
}

/// The history file of the checkpoint of `size` (below 1,000), and its token `n`.
fn history(archive: &Path, size: u64, n: usize) -> (PathBuf, PathBuf) {
    let dir = archive.join("log/history");
    let token = match n {
        1 => format!("{size:03}.tsr"),
        n => format!("{size:03}.{n}.tsr"),
    };
    (dir.join(format!("{size:03}")), dir.join(token))
}

fn co_signed(dir: &Path, ring: &Path) -> PathBuf {
    let bundle = dir.join("both.zip");
    seal(ring, &bundle, KZ_KEY, None);
    cosign(ring, &bundle, RS_KEY);
    bundle
}

#[test]
#[cfg_attr(
    not(docseal_test_openssl),
    ignore = "needs openssl (the test TSA is `openssl ts -reply`)"
)]
fn add_with_a_tsa_stamps_the_checkpoint_and_audit_and_check_proof_verify_the_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let ring = keyring_with_tsa(dir.path());
    let bundle = co_signed(dir.path(), &ring);
    let archive = dir.path().join("archive");
    let rsa = TsaServer::start(TsaOptions::default());
    let p256 = TsaServer::start(TsaOptions {
        cert: TsaCert::P256,
        ..TsaOptions::default()
    });

    // add: a trust entry and the bundle, then a token over checkpoint 2.
    let (code, _, err) = run(
        archive_cmd(&archive, &["add", "--tsa", rsa.url(), "--keyring"])
            .arg(&ring)
            .arg(&bundle),
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("time-stamped the checkpoint of size 2"),
        "{err}"
    );
    let (note, token) = history(&archive, 2, 1);
    let note = std::fs::read(note).unwrap();
    assert_eq!(note, std::fs::read(archive.join("log/checkpoint")).unwrap());
    let tsr = std::fs::read(&token).unwrap();
    // The token is over the checkpoint's exact bytes, as OpenSSL sees it.
    common::tsa::openssl_verify(&tsr, &note, "root", &["tsa-rsa"]).unwrap();
    if cfg!(docseal_test_rfc3161_client) {
        common::tsa::python_verify(&tsr, &note, "root", &[], None).unwrap();
    }
    let (code, findings) = audit(&archive);
    assert_eq!(code, 0, "{findings:#?}");

    // Renewal: a second token, from another TSA, over the same checkpoint.
    let (code, _, err) = run(&mut archive_cmd(
        &archive,
        &["timestamp", "--tsa", p256.url()],
    ));
    assert_eq!(code, 0, "{err}");
    let (_, second) = history(&archive, 2, 2);
    common::tsa::openssl_verify(
        &std::fs::read(&second).unwrap(),
        &note,
        "root",
        &["tsa-p256"],
    )
    .unwrap();

    // The proof carries both tokens; check-proof verifies them.
    let proof = dir.path().join("proof.json");
    let (code, _, err) =
        run(archive_cmd(&archive, &["proof", "kz-rs-2026-02-27", "-o"]).arg(&proof));
    assert_eq!(code, 0, "{err}");
    let value: serde_json::Value = serde_json::from_slice(&std::fs::read(&proof).unwrap()).unwrap();
    assert_eq!(value["version"], 3);
    assert_eq!(value["timestamps"].as_array().unwrap().len(), 2);
    let check = |extra: &[&Path], proof: &Path| {
        let mut cmd = docseal();
        cmd.args(["archive", "check-proof"])
            .arg(proof)
            .arg("--archive-key")
            .arg(archive.join("key/archive.pub.pem"));
        for cert in extra {
            cmd.arg("--trusted-tsa").arg(cert);
        }
        run(&mut cmd)
    };
    let root = Pki::get().pem("root");
    let (code, out, err) = check(&[&root], &proof);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("ok: time-stamp token 1:"), "{out}");
    assert!(out.contains("ok: time-stamp token 2:"), "{out}");
    // Without a TSA to trust, the time is said to be unchecked (the
    // inclusion still holds).
    let (code, out, _) = check(&[], &proof);
    assert_eq!(code, 0);
    assert!(out.contains("unchecked: time-stamp token 1"), "{out}");

    // A proof whose token is altered: check-proof fails it.
    let mut altered = value.clone();
    {
        use base64::Engine as _;
        let b64 = &altered["timestamps"][0];
        let mut der = base64::engine::general_purpose::STANDARD
            .decode(b64.as_str().unwrap())
            .unwrap();
        let i = der.len() - 40;
        der[i] ^= 0x01;
        altered["timestamps"][0] =
            serde_json::json!(base64::engine::general_purpose::STANDARD.encode(der));
    }
    let bad = dir.path().join("bad-proof.json");
    std::fs::write(&bad, serde_json::to_vec_pretty(&altered).unwrap()).unwrap();
    let (code, out, err) = check(&[&root], &bad);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("FAIL: time-stamp token 1"), "{out}");

    // A token in the archive altered: the audit names it.
    let mut bytes = std::fs::read(&second).unwrap();
    let i = bytes.len() - 40;
    bytes[i] ^= 0x01;
    let mut perms = std::fs::metadata(&second).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&second, perms).unwrap();
    std::fs::write(&second, bytes).unwrap();
    let (code, findings) = audit(&archive);
    assert_eq!(code, 1, "{findings:#?}");
    assert!(
        findings.iter().any(|f| f["code"] == "checkpoint.timestamp"
            && f["status"] == "fail"
            && f["subject"].as_str().unwrap().ends_with("002.2.tsr")),
        "{findings:#?}"
    );
}

#[test]
#[cfg_attr(
    not(docseal_test_openssl),
    ignore = "needs openssl (the test TSA is `openssl ts -reply`)"
)]
fn timestamp_offline_by_request_and_reply_files_and_a_token_for_no_checkpoint_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let ring = keyring_with_tsa(dir.path());
    let bundle = co_signed(dir.path(), &ring);
    let archive = dir.path().join("archive");
    let (code, _, err) = run(archive_cmd(&archive, &["add", "--keyring"])
        .arg(&ring)
        .arg(&bundle));
    assert_eq!(code, 0, "{err}");
    assert!(!history(&archive, 2, 1).1.exists(), "no TSA, no token");

    let request = dir.path().join("cp.tsq");
    let (code, _, err) = run(archive_cmd(&archive, &["timestamp", "--request-out"]).arg(&request));
    assert_eq!(code, 0, "{err}");
    // Carried to the TSA by hand (here: posted to it).
    let tsa = TsaServer::start(TsaOptions::default());
    let reply = docseal::timestamp::fetch(
        tsa.url(),
        &std::fs::read(&request).unwrap(),
        std::time::Duration::from_secs(30),
    )
    .unwrap();
    let reply_file = dir.path().join("cp.tsr");
    std::fs::write(&reply_file, &reply).unwrap();
    let (code, _, err) = run(archive_cmd(&archive, &["timestamp", "--reply"]).arg(&reply_file));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("time-stamped the checkpoint of size 2"),
        "{err}"
    );
    let (note, token) = history(&archive, 2, 1);
    assert_eq!(std::fs::read(&token).unwrap(), reply);
    let note = std::fs::read(note).unwrap();
    common::tsa::openssl_verify(&reply, &note, "root", &["tsa-rsa"]).unwrap();

    // The same reply again is for the same checkpoint: a second token is
    // refused by nothing, but a reply over other bytes is.
    let other = docseal::timestamp::fetch(
        tsa.url(),
        &docseal::timestamp::query(b"other bytes").unwrap().der,
        std::time::Duration::from_secs(30),
    )
    .unwrap();
    std::fs::write(&reply_file, &other).unwrap();
    let (code, _, err) = run(archive_cmd(&archive, &["timestamp", "--reply"]).arg(&reply_file));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("timestamp.imprint"), "{err}");
    assert!(!history(&archive, 2, 2).1.exists(), "nothing kept");

    // A token beside no checkpoint: the audit names it.
    let (_, stray) = history(&archive, 7, 1);
    std::fs::write(&stray, &reply).unwrap();
    let (code, findings) = audit(&archive);
    assert_eq!(code, 1);
    assert!(
        findings.iter().any(|f| f["code"] == "checkpoint.timestamp"
            && f["subject"].as_str().unwrap().ends_with("007.tsr")),
        "{findings:#?}"
    );
}

#[test]
#[cfg_attr(
    not(docseal_test_openssl),
    ignore = "needs openssl (the test TSA is `openssl ts -reply`)"
)]
fn a_revoked_key_is_archived_and_audited_only_with_a_token_made_before_the_revocation() {
    let dir = tempfile::tempdir().unwrap();
    let tsa = TsaServer::start(TsaOptions::default());
    let day = 24 * 3600;
    let now = docseal::utc::UtcTime::now().unix();
    for (case, revoked_at, stamped, kept) in [
        ("no token", now - day, false, false),
        ("token after", now - day, true, false),
        ("token before", now + day, true, true),
        ("no token, revocation ahead", now + day, false, false),
    ] {
        let case_dir = dir.path().join(case.replace([' ', ','], "-"));
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
            ])
            .arg("--keyring")
            .arg(&ring));
        assert_eq!(code, 0, "{err}");
        let bundle = case_dir.join("forged.zip");
        seal(&ring, &bundle, KZ_KEY, stamped.then(|| tsa.url()));
        let archive = case_dir.join("archive");
        let (code, out, err) = run(archive_cmd(
            &archive,
            &["add", "--require-party", "KZ", "--keyring"],
        )
        .arg(&ring)
        .arg(&bundle));
        assert_eq!(code == 0, kept, "{case}: {out}{err}");
        if kept {
            // Audited from the archive alone, the TSA's root kept in its trust.
            let (code, findings) = audit(&archive);
            assert_eq!(code, 0, "{case}: {findings:#?}");
            let certificates = walk(&archive.join("trust"))
                .into_iter()
                .filter(|p| p.extension().is_some_and(|e| e == "der"))
                .count();
            assert_eq!(certificates, 1, "{case}: the TSA root kept in the archive");
        } else {
            assert!(err.contains("revoked"), "{case}: {err}");
            assert!(!archive.exists(), "{case}: nothing written");
        }
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
