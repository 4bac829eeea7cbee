//! A full disk: a small tmpfs (`.ci/run` runs as root, which may mount one).
//! Nothing half-written may be left, nothing archived may be lost.
#![allow(clippy::unwrap_used, clippy::print_stderr)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{docseal, run};

/// A tmpfs of `size` mounted on a fresh folder, unmounted on drop.
struct SmallDisk(PathBuf, tempfile::TempDir);

impl SmallDisk {
    /// `None` where tmpfs cannot be mounted (not root): the injected-error
    /// tests of `fsutil` then stand in for a full disk.
    fn new(size: &str) -> Option<Self> {
        let dir = tempfile::tempdir().unwrap();
        let mount = dir.path().join("disk");
        std::fs::create_dir(&mount).unwrap();
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&mount)
            .status()
            .ok()?;
        if !status.success() {
            eprintln!(
                "cannot mount a tmpfs here (needs root); the full-disk case is covered by fsutil's injected write errors only"
            );
            return None;
        }
        Some(Self(mount, dir))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

fn files(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    out.sort();
    out
}

#[test]
#[cfg_attr(
    not(docseal_test_root_tmpfs),
    ignore = "needs root, to mount a small tmpfs"
)]
fn sealing_onto_a_full_disk_fails_cleanly() {
    let Some(disk) = SmallDisk::new("200k") else {
        return;
    };
    let big = disk.1.path().join("scan.bin");
    std::fs::write(&big, vec![7u8; 300 * 1024]).unwrap();
    let out = disk.0.join("b.zip");
    let (code, _, err) = run(docseal()
        .args([
            "seal",
            "statements/kz-rs-2026-02-27.json",
            "--key",
            "keys/demo/kz-demo.key.pem",
            "--attach",
        ])
        .arg(&big)
        .arg("-o")
        .arg(&out));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("No space left on device") && err.contains("hint: free some space"),
        "{err}"
    );
    assert!(!err.contains("ZipWriter"), "a library printed: {err}");
    assert!(
        files(&disk.0).is_empty(),
        "left behind: {:?}",
        files(&disk.0)
    );
}

#[test]
#[cfg_attr(
    not(docseal_test_root_tmpfs),
    ignore = "needs root, to mount a small tmpfs"
)]
fn archiving_onto_a_full_disk_loses_nothing() {
    let Some(disk) = SmallDisk::new("400k") else {
        return;
    };
    let archive = disk.0.join("archive");
    let work = disk.1.path();
    let first = common::sealed_reference(work);
    let (code, _, err) = run(docseal()
        .args(["archive", "add", "--keyring", common::KEYRING, "--archive"])
        .arg(&archive)
        .arg(&first));
    assert_eq!(code, 0, "{err}");
    let log_before = std::fs::read(archive.join("log/checkpoint")).unwrap();
    // A statement with a large attachment does not fit any more.
    let scan = work.join("scan.bin");
    std::fs::write(&scan, vec![1u8; 600 * 1024]).unwrap();
    let big = work.join("big.zip");
    common::private_keys();
    let (code, _, err) = run(docseal()
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
        .arg(&big));
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(docseal()
        .args([
            "archive",
            "add",
            "--allow-partial",
            "--keyring",
            common::KEYRING,
            "--archive",
        ])
        .arg(&archive)
        .arg(&big));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("No space left on device"), "{err}");
    assert_eq!(
        std::fs::read(archive.join("log/checkpoint")).unwrap(),
        log_before,
        "the log changed"
    );
    let (code, out, _) = run(docseal()
        .args(["archive", "audit", "--archive"])
        .arg(&archive));
    assert_eq!(code, 0, "{out}");
    // The record already archived is intact and still provable.
    let (code, _, err) = run(docseal()
        .args(["archive", "proof", "kz-rs-2026-02-27", "--archive"])
        .arg(&archive));
    assert_eq!(code, 0, "{err}");
}
