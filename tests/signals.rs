//! No debris: `seal`, `cosign`, `extract` and `archive add` interrupted by
//! a real SIGINT or SIGTERM remove their temporary files before exiting;
//! after a SIGKILL, the leftover is named `.docseal-tmp-*` and the next
//! command writing into that folder removes it.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::docseal;

fn temporaries(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if e.file_name().to_string_lossy().starts_with(".docseal-tmp-") {
            found.push(e.path());
        }
        if e.file_type().unwrap().is_dir() {
            found.extend(temporaries(&e.path()));
        }
    }
    found
}

/// Waits until the process has a temporary file under `dir` (it is then
/// mid-write), or fails after 60 s.
fn wait_for_temporary(child: &mut Child, dir: &Path) {
    let start = Instant::now();
    while temporaries(dir).is_empty() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the process ended before writing"
        );
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no temporary file appeared"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn signal(child: &Child, name: &str) {
    let status = std::process::Command::new("kill")
        .arg(format!("-{name}"))
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(status.success());
}

fn exit_code(child: &mut Child) -> Option<i32> {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        assert!(start.elapsed() < Duration::from_secs(60), "did not exit");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A named pipe nobody writes to: a seal reading it as an attachment has
/// started its bundle and blocks, deterministically, mid-write.
fn stalled_attachment(dir: &Path) -> PathBuf {
    let fifo = dir.join("scan.pdf");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    fifo
}

fn stalled_seal(dir: &Path, out: &Path) -> Child {
    common::private_keys();
    let fifo = stalled_attachment(dir);
    docseal()
        .args([
            "seal",
            "statements/kz-rs-2026-02-27.json",
            "--key",
            common::KZ_KEY,
            "--keyring",
            common::KEYRING,
            "--attach",
        ])
        .arg(&fifo)
        .arg("-o")
        .arg(out)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn an_interrupted_seal_leaves_nothing() {
    for (name, code) in [("INT", 130), ("TERM", 143)] {
        let dir = tempfile::tempdir().unwrap();
        let out_dir = dir.path().join("out");
        std::fs::create_dir(&out_dir).unwrap();
        let out = out_dir.join("b.zip");
        let mut child = stalled_seal(dir.path(), &out);
        wait_for_temporary(&mut child, &out_dir);
        signal(&child, name);
        assert_eq!(exit_code(&mut child), Some(code), "SIG{name}");
        assert!(
            temporaries(&out_dir).is_empty(),
            "SIG{name} left {:?}",
            temporaries(&out_dir)
        );
        assert!(!out.exists());
    }
}

#[test]
fn a_killed_seal_leaves_a_named_leftover_that_the_next_write_removes() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let mut child = stalled_seal(dir.path(), &out_dir.join("b.zip"));
    wait_for_temporary(&mut child, &out_dir);
    signal(&child, "KILL");
    let _ = exit_code(&mut child);
    let left = temporaries(&out_dir);
    assert_eq!(left.len(), 1, "{left:?}");
    // The next command writing there sweeps it up.
    common::seal_with(
        Path::new("statements/kz-rs-2026-02-27.json"),
        None,
        common::KZ_KEY,
        common::KEYRING,
        &out_dir.join("c.zip"),
    );
    assert!(
        temporaries(&out_dir).is_empty(),
        "{:?}",
        temporaries(&out_dir)
    );
    assert!(out_dir.join("c.zip").exists());
}

/// A bundle large enough that writing a copy of it takes a while.
fn large_bundle(dir: &Path) -> PathBuf {
    let scan = dir.join("scan.bin");
    let file = std::fs::File::create(&scan).unwrap();
    file.set_len(256 << 20).unwrap();
    drop(file);
    let out = dir.join("large.zip");
    common::private_keys();
    let (code, _, err) = common::run(
        docseal()
            .args([
                "seal",
                "statements/kz-rs-2026-02-27.json",
                "--key",
                common::KZ_KEY,
                "--keyring",
                common::KEYRING,
                "--attach",
            ])
            .arg(&scan)
            .arg("-o")
            .arg(&out),
    );
    assert_eq!(code, 0, "{err}");
    std::fs::remove_file(&scan).unwrap();
    out
}

#[test]
fn an_interrupted_cosign_extract_or_archive_add_leaves_nothing_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = large_bundle(dir.path());
    let before = std::fs::read(&bundle).unwrap();
    common::private_keys();
    let mut cosign = docseal()
        .args([
            "cosign",
            "--key",
            common::RS_KEY,
            "--keyring",
            common::KEYRING,
        ])
        .arg(&bundle)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_temporary(&mut cosign, dir.path());
    signal(&cosign, "TERM");
    assert_eq!(exit_code(&mut cosign), Some(143));
    assert!(temporaries(dir.path()).is_empty());
    assert!(
        std::fs::read(&bundle).unwrap() == before,
        "the bundle changed"
    );

    let target = dir.path().join("extracted");
    let mut extract = docseal()
        .args(["extract", "-o"])
        .arg(&target)
        .arg(&bundle)
        .spawn()
        .unwrap();
    wait_for_temporary(&mut extract, &target);
    signal(&extract, "INT");
    assert_eq!(exit_code(&mut extract), Some(130));
    assert_eq!(
        std::fs::read_dir(&target).unwrap().count(),
        0,
        "extract left something"
    );

    let archive = dir.path().join("archive");
    let mut add = docseal()
        .args([
            "archive",
            "add",
            "--allow-partial",
            "--keyring",
            common::KEYRING,
            "--archive",
        ])
        .arg(&archive)
        .arg(&bundle)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_temporary(&mut add, &archive);
    signal(&add, "INT");
    assert_eq!(exit_code(&mut add), Some(130));
    assert!(
        temporaries(&archive).is_empty(),
        "{:?}",
        temporaries(&archive)
    );
    // Nothing was archived: the bundle is not found, and a retry completes.
    let (code, out, err) = common::run(
        docseal()
            .args([
                "archive",
                "add",
                "--allow-partial",
                "--keyring",
                common::KEYRING,
                "--archive",
            ])
            .arg(&archive)
            .arg(&bundle),
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        temporaries(dir.path()).is_empty(),
        "{:?}",
        temporaries(dir.path())
    );
}
