//! Key files and the keyring: OpenSSL interoperability both ways (with the
//! real `openssl` binary), error cases, and the `key` commands.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::Command;

use common::{docseal, run};
use docseal::keys::{self, KeyError};
use zeroize::Zeroizing;

fn openssl(args: &[&str]) -> (bool, String) {
    let out = Command::new("openssl")
        .args(args)
        .output()
        .expect("openssl is installed");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
#[cfg_attr(not(docseal_test_openssl), ignore = "needs openssl")]
fn openssl_reads_docseal_keys_and_verifies_docseal_signatures() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("kz");
    let (code, out, err) = run(docseal()
        .args([
            "key",
            "generate",
            "--party",
            "KZ",
            "--signer",
            "Test signer",
            "-o",
        ])
        .arg(&base)
        .env("DOCSEAL_PASSPHRASE", "correct horse battery"));
    assert_eq!(code, 0, "{err}");
    let private = dir.path().join("kz.key.pem");
    let public = dir.path().join("kz.pub.pem");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&private).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert!(
        std::fs::read_to_string(&private)
            .unwrap()
            .starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    );

    // openssl reads the encrypted private key with the passphrase (scrypt), and the public key.
    let (ok, text) = openssl(&[
        "pkey",
        "-in",
        s(&private),
        "-passin",
        "pass:correct horse battery",
        "-noout",
        "-text",
    ]);
    assert!(ok && text.contains("ED25519 Private-Key"), "{text}");
    let (ok, _) = openssl(&[
        "pkey",
        "-in",
        s(&private),
        "-passin",
        "pass:wrong",
        "-noout",
    ]);
    assert!(!ok, "openssl must refuse a wrong passphrase");
    let (ok, text) = openssl(&["pkey", "-pubin", "-in", s(&public), "-noout", "-text"]);
    assert!(ok && text.contains("ED25519 Public-Key"), "{text}");

    // The key id printed is sha256 of the raw public key.
    let key = keys::read_public_key(&public).unwrap();
    assert_eq!(out.trim(), keys::KeyId::of(&key).to_string());

    // A docseal signature verifies with openssl pkeyutl -rawin.
    let signing = keys::read_private_key(&private, &mut || {
        Some(Zeroizing::new("correct horse battery".into()))
    })
    .unwrap()
    .key;
    let msg = dir.path().join("msg");
    std::fs::write(&msg, b"{\"type\":\"docseal-signature/1\"}").unwrap();
    let sig = dir.path().join("sig");
    std::fs::write(&sig, keys::sign(&signing, &std::fs::read(&msg).unwrap())).unwrap();
    let (ok, text) = openssl(&[
        "pkeyutl",
        "-verify",
        "-pubin",
        "-inkey",
        s(&public),
        "-rawin",
        "-in",
        s(&msg),
        "-sigfile",
        s(&sig),
    ]);
    assert!(
        ok && text.contains("Signature Verified Successfully"),
        "{text}"
    );
    std::fs::write(&msg, b"{\"type\":\"docseal-signature/2\"}").unwrap();
    let (ok, _) = openssl(&[
        "pkeyutl",
        "-verify",
        "-pubin",
        "-inkey",
        s(&public),
        "-rawin",
        "-in",
        s(&msg),
        "-sigfile",
        s(&sig),
    ]);
    assert!(!ok);

    // Never overwrites.
    let (code, _, err) = run(docseal()
        .args([
            "key",
            "generate",
            "--party",
            "KZ",
            "--signer",
            "x",
            "--no-passphrase",
            "-o",
        ])
        .arg(&base));
    assert_eq!(code, 2);
    assert!(
        err.contains("already exists") && err.contains("hint: "),
        "{err}"
    );
}

#[test]
#[cfg_attr(not(docseal_test_openssl), ignore = "needs openssl")]
fn openssl_keys_work_as_docseal_signing_keys() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain.pem");
    let encrypted = dir.path().join("enc.pem");
    assert!(openssl(&["genpkey", "-algorithm", "ed25519", "-out", s(&plain)]).0);
    assert!(
        openssl(&[
            "genpkey",
            "-algorithm",
            "ed25519",
            "-aes-256-cbc",
            "-pass",
            "pass:s3cret",
            "-out",
            s(&encrypted)
        ])
        .0
    );
    for (path, pass) in [(&plain, None), (&encrypted, Some("s3cret"))] {
        let key = keys::read_private_key(path, &mut || pass.map(|p| Zeroizing::new(p.to_string())))
            .unwrap()
            .key;
        // Check against openssl's own view of the public key.
        let pub_path = dir.path().join("pub.pem");
        let mut args = vec!["pkey", "-in", s(path), "-pubout", "-out", s(&pub_path)];
        if let Some(p) = pass {
            args.extend(["-passin", Box::leak(format!("pass:{p}").into_boxed_str())]);
        }
        assert!(openssl(&args).0);
        assert_eq!(
            keys::read_public_key(&pub_path).unwrap(),
            key.verifying_key()
        );
        let msg = b"statement bytes";
        assert!(keys::verify(
            &key.verifying_key(),
            msg,
            &keys::sign(&key, msg)
        ));
    }
    let wrong = keys::read_private_key(&encrypted, &mut || Some(Zeroizing::new("nope".into())));
    assert!(
        matches!(wrong, Err(KeyError::WrongPassphrase { .. })),
        "{:?}",
        wrong.err()
    );
}

#[test]
fn wrong_kinds_of_keys_are_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    // Made once with `openssl genpkey` (see tests/data/README.md).
    let rsa = Path::new("tests/data/keys/rsa-1024.key.pem");
    let ec = Path::new("tests/data/keys/ec-p256.key.pem");
    for (path, name) in [(rsa, "RSA"), (ec, "EC")] {
        match keys::read_private_key(path, &mut || None) {
            Err(e @ KeyError::NotEd25519 { .. }) => {
                assert!(e.to_string().contains(name), "{e}");
            }
            other => panic!("{name}: {:?}", other.err()),
        }
    }
    let pubkey = dir.path().join("p.pub.pem");
    std::fs::write(
        &pubkey,
        keys::public_key_pem(&keys::generate().verifying_key()),
    )
    .unwrap();
    assert!(matches!(
        keys::read_private_key(&pubkey, &mut || None),
        Err(KeyError::PublicNotPrivate { .. })
    ));

    let corrupted = dir.path().join("bad.pem");
    let mut text = keys::private_key_pem(&keys::generate(), None)
        .unwrap()
        .to_string();
    text.replace_range(30..34, "!!!!");
    std::fs::write(&corrupted, text).unwrap();
    assert!(matches!(
        keys::read_private_key(&corrupted, &mut || None),
        Err(KeyError::Malformed { .. })
    ));

    let missing = keys::read_private_key(&dir.path().join("none.pem"), &mut || None);
    assert!(matches!(missing, Err(KeyError::Io { .. })));

    // World-readable private keys load with a warning.
    let loose = dir.path().join("loose.key.pem");
    std::fs::write(
        &loose,
        keys::private_key_pem(&keys::generate(), None)
            .unwrap()
            .as_bytes(),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&loose, std::fs::Permissions::from_mode(0o644)).unwrap();
    let loaded = keys::read_private_key(&loose, &mut || None).unwrap();
    assert!(
        loaded.warnings[0].contains("chmod 600"),
        "{:?}",
        loaded.warnings
    );
}

#[test]
fn key_commands_trust_list_show_and_revoke() {
    let dir = tempfile::tempdir().unwrap();
    let ring = dir.path().join("ring");
    let base = dir.path().join("rs");
    let (code, id, _) = run(docseal()
        .args([
            "key",
            "generate",
            "--party",
            "RS",
            "--signer",
            "Office of the President",
            "--no-passphrase",
            "-o",
        ])
        .arg(&base));
    assert_eq!(code, 0);
    let id = id.trim().to_string();
    let (code, _, err) = run(docseal()
        .args([
            "key",
            "trust",
            "--party",
            "RS",
            "--signer",
            "Office of the President",
            "--valid-from",
            "2026-01-01",
            "--keyring",
        ])
        .arg(&ring)
        .arg(dir.path().join("rs.pub.pem")));
    assert_eq!(code, 0, "{err}");
    let short = &id["sha256:".len().."sha256:".len() + 8];
    let (code, out, _) = run(docseal()
        .args(["key", "show", short, "--format", "json"])
        .env("DOCSEAL_KEYRING", &ring));
    assert_eq!(code, 0);
    let shown: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(shown["key"], id.as_str());
    assert_eq!(shown["party"], "RS");
    assert_eq!(shown["valid_from"], "2026-01-01T00:00:00Z");

    let (code, _, err) = run(docseal()
        .args([
            "key",
            "revoke",
            short,
            "--reason",
            "key lost",
            "--at",
            "2026-06-01T00:00:00Z",
            "--keyring",
        ])
        .arg(&ring));
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(docseal()
        .args(["key", "revoke", short, "--reason", "again", "--keyring"])
        .arg(&ring));
    assert_eq!(code, 2);
    assert!(
        err.contains("already revoked") && err.contains("key lost"),
        "{err}"
    );
    let (_, out, _) = run(docseal().args(["key", "list", "--keyring"]).arg(&ring));
    assert!(
        out.contains("REVOKED at 2026-06-01T00:00:00Z: key lost"),
        "{out}"
    );
    let (code, _, err) = run(docseal()
        .args(["key", "show", "ffff", "--keyring"])
        .arg(&ring));
    assert_eq!(code, 2);
    assert!(
        err.contains("no key in the keyring matches") && err.contains("hint: "),
        "{err}"
    );
}

#[test]
fn demo_keyring_marks_both_demo_keys() {
    let ring = docseal::keyring::Keyring::open(Path::new("keys")).unwrap();
    let parties: Vec<(&str, bool)> = ring
        .trust
        .keys
        .iter()
        .map(|e| (e.party.as_str(), e.demo))
        .collect();
    assert_eq!(parties, vec![("KZ", true), ("RS", true)]);
    for entry in &ring.trust.keys {
        let public = ring.public_key(entry).unwrap();
        assert_eq!(docseal::keys::KeyId::of(&public), entry.key);
    }
}

#[test]
fn hash_gives_canonical_and_file_digests() {
    let (code, out, _) = run(docseal().args([
        "hash",
        "--format",
        "json",
        "statements/kz-rs-2026-02-27.json",
        "statements/kz-rs-2026-02-27.txt",
    ]));
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let bytes = std::fs::read("statements/kz-rs-2026-02-27.json").unwrap();
    let canonical = docseal::canonical::canonical_digest(&bytes).unwrap();
    assert_eq!(v[0]["canonical"], canonical.to_string());
    assert_eq!(
        v[0]["sha256"],
        docseal::digest::Sha256Digest::of_bytes(&bytes).to_string()
    );
    assert!(v[1].get("canonical").is_none());
    let text = std::fs::read("statements/kz-rs-2026-02-27.txt").unwrap();
    assert_eq!(
        v[1]["sha256"],
        docseal::digest::Sha256Digest::of_bytes(&text).to_string()
    );
}

#[test]
fn hash_prints_lines_sha256sum_and_sha512sum_accept() {
    let dir = tempfile::tempdir().unwrap();
    let odd = dir.path().join("a\\b.txt");
    std::fs::write(&odd, b"odd name").unwrap();
    let plain = dir.path().join("plain.txt");
    std::fs::write(&plain, b"plain").unwrap();
    for (algorithm, tool) in [("sha256", "sha256sum"), ("sha512", "sha512sum")] {
        let (code, out, _) = run(docseal()
            .args([
                "hash",
                "--algorithm",
                algorithm,
                "statements/kz-rs-2026-02-27.json",
            ])
            .arg(&odd)
            .arg(&plain));
        assert_eq!(code, 0);
        assert!(
            out.starts_with("# statements/kz-rs-2026-02-27.json: canonical sha256:"),
            "{out}"
        );
        let sums = dir.path().join(format!("{algorithm}.sums"));
        std::fs::write(&sums, &out).unwrap();
        let check = std::process::Command::new(tool)
            .args(["-c", "--strict"])
            .arg(&sums)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "{out}\n{}",
            String::from_utf8_lossy(&check.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&check.stdout)
                .matches(": OK")
                .count(),
            3
        );
    }
}
