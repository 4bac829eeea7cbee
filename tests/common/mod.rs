//! Helpers shared by the integration tests.
#![allow(clippy::unwrap_used)]
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub mod tsa;

/// The built `docseal` binary.
pub fn docseal() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_docseal"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("DOCSEAL_KEYRING")
        .env_remove("DOCSEAL_ARCHIVE")
        .env_remove("DOCSEAL_PASSPHRASE")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    cmd
}

/// Runs and returns (exit code, stdout, stderr).
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("docseal runs");
    (
        status.code().expect("exit code"),
        String::from_utf8(stdout).expect("utf-8 stdout"),
        String::from_utf8(stderr).expect("utf-8 stderr"),
    )
}

/// The tests' own data (`tests/data/`, origins in its README).
pub fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

/// Real statements with their notes (`tests/data/corpus/`).
pub fn corpus() -> PathBuf {
    data().join("corpus")
}

/// Compares `actual` with the pinned file `tests/snapshots/NAME`.
/// `DOCSEAL_BLESS=1` rewrites the file instead (then review the diff).
pub fn assert_snapshot(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    if std::env::var_os("DOCSEAL_BLESS").is_some() {
        std::fs::write(&path, actual).expect("write snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "missing snapshot {}: {e} (run with DOCSEAL_BLESS=1)",
            path.display()
        )
    });
    assert_eq!(actual, expected, "output differs from {}", path.display());
}

/// `SOURCE_DATE_EPOCH` of the test bundles: 2026-02-27T10:00:00Z.
pub const EPOCH: &str = "1772186400";

/// The test keyring: the KZ and RS test keys, trusted from 2026-01-01 (not
/// demo keys: bundles they sign verify as authentic under this keyring).
pub const KEYRING: &str = "tests/data/keyring";
/// The KZ test key (unencrypted).
pub const KZ_KEY: &str = "tests/data/keys/kz-test.key.pem";
/// The RS test key (unencrypted).
pub const RS_KEY: &str = "tests/data/keys/rs-test.key.pem";

/// git keeps no file modes: the test keys are made private before use, so
/// that loading them does not warn.
pub fn private_keys() {
    use std::os::unix::fs::PermissionsExt;
    for key in [KZ_KEY, RS_KEY] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(key);
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
    }
}

/// Seals `statement` with `key` (its identity from `keyring`), at [`EPOCH`].
pub fn seal_with(statement: &Path, text: Option<&Path>, key: &str, keyring: &str, out: &Path) {
    private_keys();
    let mut seal = docseal();
    seal.arg("seal").arg(statement);
    if let Some(text) = text {
        seal.arg("--text").arg(text);
    }
    let (code, _, err) = run(seal
        .args(["--key", key, "--keyring", keyring, "-o"])
        .arg(out)
        .env("SOURCE_DATE_EPOCH", EPOCH));
    assert_eq!(code, 0, "{err}");
}

/// Co-signs `bundle` in place with `key`, at [`EPOCH`].
pub fn cosign_with(bundle: &Path, key: &str, keyring: &str) {
    private_keys();
    let (code, _, err) = run(docseal()
        .args(["cosign", "--key", key, "--keyring", keyring])
        .arg(bundle)
        .env("SOURCE_DATE_EPOCH", EPOCH));
    assert_eq!(code, 0, "{err}");
}

/// Seals `statement` with the KZ test key (with `text` as its source when
/// given) and co-signs it with the RS test key, at [`EPOCH`], into `out`.
pub fn seal_and_cosign(statement: &Path, text: Option<&Path>, out: &Path) -> PathBuf {
    seal_with(statement, text, KZ_KEY, KEYRING, out);
    cosign_with(out, RS_KEY, KEYRING);
    out.to_path_buf()
}

/// The same with the published demo keys (which prove nothing).
pub fn seal_and_cosign_demo(statement: &Path, text: Option<&Path>, out: &Path) -> PathBuf {
    seal_with(statement, text, "keys/demo/kz-demo.key.pem", "keys", out);
    cosign_with(out, "keys/demo/rs-demo.key.pem", "keys");
    out.to_path_buf()
}

/// The reference statement, sealed with its text and co-signed by the KZ
/// and RS test keys, in `dir`.
pub fn sealed_reference(dir: &Path) -> PathBuf {
    seal_and_cosign(
        Path::new("statements/kz-rs-2026-02-27.json"),
        Some(Path::new("statements/kz-rs-2026-02-27.txt")),
        &dir.join("kz-rs.zip"),
    )
}
