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
