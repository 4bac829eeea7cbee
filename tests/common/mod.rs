//! Helpers shared by the integration tests.
#![allow(clippy::unwrap_used)]
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

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

/// `../shared` beside the project.
pub fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared")
}

/// The shared corpus of real statements.
pub fn corpus() -> PathBuf {
    shared().join("corpus/statements")
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

/// Seals `statement` with the KZ demo key (with `text` as its source when
/// given) and co-signs it with the RS demo key, at [`EPOCH`], into `out`.
pub fn seal_and_cosign(statement: &Path, text: Option<&Path>, out: &Path) -> PathBuf {
    let mut seal = docseal();
    seal.arg("seal").arg(statement);
    if let Some(text) = text {
        seal.arg("--text").arg(text);
    }
    let (code, _, err) = run(seal
        .args(["--key", "keys/demo/kz-demo.key.pem", "-o"])
        .arg(out)
        .env("SOURCE_DATE_EPOCH", EPOCH));
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(docseal()
        .args(["cosign", "--key", "keys/demo/rs-demo.key.pem"])
        .arg(out)
        .env("SOURCE_DATE_EPOCH", EPOCH));
    assert_eq!(code, 0, "{err}");
    out.to_path_buf()
}

/// The reference statement, sealed with its text and co-signed, in `dir`.
pub fn sealed_reference(dir: &Path) -> PathBuf {
    seal_and_cosign(
        Path::new("statements/kz-rs-2026-02-27.json"),
        Some(Path::new("statements/kz-rs-2026-02-27.txt")),
        &dir.join("kz-rs.zip"),
    )
}
