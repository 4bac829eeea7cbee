//! The archive end to end: ingest, versions, catalog, proofs, audit of every
//! kind of tampering, crash safety under SIGKILL, concurrent writers.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{docseal, run};

/// Seals the reference statement under another id (so that each is a
/// distinct statement), signed by both demo keys.
fn bundle(dir: &Path, id: &str) -> PathBuf {
    let mut value: serde_json::Value =
        serde_json::from_slice(&std::fs::read("statements/kz-rs-2026-02-27.json").unwrap())
            .unwrap();
    value["id"] = id.into();
    let json = dir.join(format!("{id}.json"));
    std::fs::write(&json, serde_json::to_vec_pretty(&value).unwrap()).unwrap();
    let out = dir.join(format!("{id}.zip"));
    let (code, _, err) = run(docseal()
        .arg("seal")
        .arg(&json)
        .args(["--key", "keys/demo/kz-demo.key.pem", "-o"])
        .arg(&out)
        .env("SOURCE_DATE_EPOCH", "1772186400"));
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(docseal()
        .args(["cosign", "--key", "keys/demo/rs-demo.key.pem"])
        .arg(&out)
        .env("SOURCE_DATE_EPOCH", "1772186400"));
    assert_eq!(code, 0, "{err}");
    out
}

fn archive(dir: &Path) -> Command {
    let mut cmd = docseal();
    cmd.env("DOCSEAL_ARCHIVE", dir.join("archive"))
        .arg("archive");
    cmd
}

fn audit(dir: &Path) -> (i32, serde_json::Value) {
    let (code, out, err) = run(archive(dir).args(["audit", "--format", "json"]));
    (
        code,
        serde_json::from_str(&out).unwrap_or_else(|_| panic!("{out}{err}")),
    )
}

fn failed(report: &serde_json::Value) -> Vec<String> {
    report["report"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "fail")
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn ingest_versions_catalog_and_proofs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let first = bundle(d, "kz-rs-2026-02-27");
    let (code, out, err) = run(archive(d).arg("add").arg(&first));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("added as log entry 0"), "{out}");
    assert!(err.contains("creating a new archive"), "{err}");
    // Again: nothing changes.
    let entries_before = std::fs::read(d.join("archive/log/entries.jsonl")).unwrap();
    let (code, out, _) = run(archive(d).arg("add").arg(&first));
    assert_eq!(code, 0);
    assert!(
        out.contains("already in the archive as log entry 0; nothing changed")
            || out.contains("nothing changed"),
        "{out}"
    );
    assert_eq!(
        std::fs::read(d.join("archive/log/entries.jsonl")).unwrap(),
        entries_before
    );
    // A new version of the same statement: a new entry linked to the first.
    let second = d.join("v2.zip");
    run(docseal()
        .args([
            "seal",
            "statements/kz-rs-2026-02-27.json",
            "--key",
            "keys/demo/rs-demo.key.pem",
            "-o",
        ])
        .arg(&second));
    let cp1 = std::fs::read_to_string(d.join("archive/log/checkpoint")).unwrap();
    let (code, out, _) = run(archive(d).arg("add").arg(&second));
    assert_eq!(code, 0);
    assert!(
        out.contains("added as log entry 1") && out.contains("a new version of"),
        "{out}"
    );
    let (_, out, _) = run(archive(d).args(["show", "kz-rs-2026-02-27", "--format", "json"]));
    let shown: serde_json::Value = serde_json::from_str(&out).unwrap();
    let versions = shown["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[1]["supersedes"], versions[0]["bundle"]);
    // list and search.
    let (_, out, _) = run(archive(d).args([
        "list",
        "--party",
        "KZ",
        "--from",
        "2026-01-01",
        "--to",
        "2026-12-31",
        "--format",
        "json",
    ]));
    let listed: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(listed["statements"].as_array().unwrap().len(), 1);
    let (_, out, _) = run(archive(d).args(["list", "--party", "FR", "--format", "json"]));
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out).unwrap()["statements"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let (code, out, _) = run(archive(d).args(["search", "Trans-Caspian", "--format", "json"]));
    assert_eq!(code, 0);
    let hits: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(
        hits["hits"][0]["snippet"]
            .as_str()
            .unwrap()
            .contains("[Trans-Caspian]"),
        "{hits}"
    );
    // get.
    let copy = d.join("copy.zip");
    let (code, _, _) = run(archive(d)
        .arg("get")
        .arg(versions[0]["bundle"].as_str().unwrap())
        .arg("-o")
        .arg(&copy));
    assert_eq!(code, 0);
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        std::fs::read(&first).unwrap()
    );
    // proof, checked without the archive.
    let proof = d.join("proof.json");
    let (code, _, err) = run(archive(d)
        .args(["proof", versions[0]["bundle"].as_str().unwrap(), "-o"])
        .arg(&proof));
    assert_eq!(code, 0, "{err}");
    let key = d.join("archive/key/archive.pub.pem");
    let (code, out, err) = run(docseal()
        .args(["archive", "check-proof"])
        .arg(&proof)
        .arg("--archive-key")
        .arg(&key)
        .arg(&first));
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("ok: kz-rs-2026-02-27"), "{out}");
    // The wrong bundle, a forged entry or another key: the proof fails.
    let (code, _, _) = run(docseal()
        .args(["archive", "check-proof"])
        .arg(&proof)
        .arg("--archive-key")
        .arg(&key)
        .arg(&second));
    assert_eq!(code, 1);
    let forged = std::fs::read_to_string(&proof)
        .unwrap()
        .replace("\"ingested_at\": \"20", "\"ingested_at\": \"19");
    std::fs::write(d.join("forged.json"), forged).unwrap();
    let (code, _, err) = run(docseal()
        .args(["archive", "check-proof"])
        .arg(d.join("forged.json"))
        .arg("--archive-key")
        .arg(&key));
    assert_eq!(code, 1, "{err}");
    let (code, _, _) = run(docseal()
        .args(["archive", "check-proof"])
        .arg(&proof)
        .arg("--archive-key")
        .arg("keys/demo/kz-demo.pub.pem"));
    assert_eq!(code, 1);
    // consistency with the first checkpoint.
    let old = d.join("old-checkpoint");
    std::fs::write(&old, cp1).unwrap();
    let (code, out, _) = run(archive(d).arg("consistency").arg(&old));
    assert_eq!(code, 0);
    assert!(
        out.starts_with("ok: the log of size 2 extends the log of size 1"),
        "{out}"
    );
    // reindex rebuilds the same catalog.
    std::fs::remove_file(d.join("archive/catalog.sqlite")).unwrap();
    let (code, _, _) = run(archive(d).arg("reindex"));
    assert_eq!(code, 0);
    let (code, _, _) = run(archive(d).args(["search", "Trans-Caspian"]));
    assert_eq!(code, 0);
    assert_eq!(audit(d).0, 0);
}

#[test]
fn a_bundle_that_fails_verification_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let good = bundle(d, "good-one");
    run(archive(d).arg("add").arg(&good));
    let entries = std::fs::read(d.join("archive/log/entries.jsonl")).unwrap();
    // Only one signature: --all-parties refuses it.
    let single = d.join("single.zip");
    run(docseal()
        .args([
            "seal",
            "statements/kz-rs-2026-02-27.json",
            "--key",
            "keys/demo/kz-demo.key.pem",
            "-o",
        ])
        .arg(&single));
    let (code, _, err) = run(archive(d).args(["add", "--all-parties"]).arg(&single));
    assert_eq!(code, 1);
    assert!(
        err.contains("FAIL  policy") && err.contains("was not added"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(d.join("archive/log/entries.jsonl")).unwrap(),
        entries
    );
    let objects: usize = walk(&d.join("archive/objects")).len();
    assert_eq!(objects, 1);
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.path().is_dir() {
            out.extend(walk(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}

fn make_writable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644)).unwrap();
}

#[test]
fn audit_names_every_kind_of_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let bundles: Vec<PathBuf> = (0..3)
        .map(|i| bundle(d, &format!("statement-{i}")))
        .collect();
    let (code, _, err) = run(archive(d).arg("add").args(&bundles));
    assert_eq!(code, 0, "{err}");
    assert_eq!(audit(d).0, 0);
    let root = d.join("archive");
    let pristine = d.join("pristine");
    copy_dir(&root, &pristine);
    let reset = || {
        std::fs::remove_dir_all(&root).unwrap();
        copy_dir(&pristine, &root);
    };
    let objects = walk(&root.join("objects"));

    // An altered object.
    make_writable(&objects[0]);
    let mut bytes = std::fs::read(&objects[0]).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 1;
    std::fs::write(&objects[0], bytes).unwrap();
    let (code, report) = audit(d);
    assert_eq!(code, 1);
    assert!(
        failed(&report).contains(&"object.modified".to_string()),
        "{report:#}"
    );
    reset();

    // A deleted object.
    std::fs::remove_file(&objects[1]).unwrap();
    let (code, report) = audit(d);
    assert_eq!(code, 1);
    assert!(
        failed(&report).contains(&"object.missing".to_string()),
        "{report:#}"
    );
    reset();

    // An edited log line (the ingest time of entry 1).
    let log = root.join("log/entries.jsonl");
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let edited = lines[1].replace("\"ingested_at\":\"20", "\"ingested_at\":\"19");
    std::fs::write(&log, format!("{}\n{edited}\n{}\n", lines[0], lines[2])).unwrap();
    let (code, report) = audit(d);
    assert_eq!(code, 1);
    assert!(
        failed(&report).contains(&"log.rewritten".to_string()),
        "{report:#}"
    );
    reset();

    // Reordered lines.
    std::fs::write(&log, format!("{}\n{}\n{}\n", lines[1], lines[0], lines[2])).unwrap();
    let (code, report) = audit(d);
    assert_eq!(code, 1);
    assert!(
        failed(&report).contains(&"log.order".to_string()),
        "{report:#}"
    );
    reset();

    // A truncated log (the last entry removed).
    std::fs::write(&log, format!("{}\n{}\n", lines[0], lines[1])).unwrap();
    let (code, report) = audit(d);
    assert_eq!(code, 1);
    let codes = failed(&report);
    assert!(codes.contains(&"log.truncated".to_string()), "{report:#}");
    reset();

    // A replaced checkpoint (signed by another key).
    let other = docseal::keys::generate();
    let forged = docseal::archive::log::sign_checkpoint(
        &docseal::archive::log::Checkpoint {
            origin: "docseal.archive/forged".into(),
            size: 2,
            root: [0; 32],
        },
        &other,
    );
    std::fs::write(root.join("log/checkpoint"), forged).unwrap();
    let (code, report) = audit(d);
    assert_eq!(code, 1);
    assert!(
        failed(&report).contains(&"checkpoint.signature".to_string()),
        "{report:#}"
    );
    reset();

    // A foreign file among the objects.
    std::fs::write(root.join("objects/sha256/notes.txt"), "hello").unwrap();
    let (code, report) = audit(d);
    assert_eq!(code, 1);
    assert!(
        failed(&report).contains(&"object.foreign".to_string()),
        "{report:#}"
    );
    reset();
    assert_eq!(audit(d).0, 0);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

#[test]
fn killed_ingests_never_leave_the_archive_inconsistent() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let bundles: Vec<PathBuf> = (0..4).map(|i| bundle(d, &format!("crash-{i}"))).collect();
    run(archive(d).arg("init"));
    for (round, delay_ms) in [0u64, 2, 5, 8, 12, 16, 20, 30, 45, 60, 80, 120]
        .iter()
        .enumerate()
    {
        let mut child = archive(d)
            .arg("add")
            .args(&bundles)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(*delay_ms));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let (code, report) = audit(d);
        assert_eq!(
            code, 0,
            "round {round} (killed after {delay_ms} ms): {report:#}"
        );
        // Every logged entry has its complete object.
        let archive = docseal::archive::Archive::open(&d.join("archive")).unwrap();
        for entry in archive.entries().unwrap() {
            let bytes = std::fs::read(archive.object_path(&entry.bundle)).unwrap();
            assert_eq!(
                docseal::digest::Sha256Digest::of_bytes(&bytes),
                entry.bundle
            );
        }
    }
    // Finishing the job records each bundle exactly once.
    let (code, _, err) = run(archive(d).arg("add").args(&bundles));
    assert_eq!(code, 0, "{err}");
    let archive = docseal::archive::Archive::open(&d.join("archive")).unwrap();
    let mut seen: Vec<_> = archive
        .entries()
        .unwrap()
        .iter()
        .map(|e| e.bundle)
        .collect();
    assert_eq!(seen.len(), 4);
    seen.dedup();
    assert_eq!(seen.len(), 4);
    assert_eq!(audit(d).0, 0);
}

#[test]
fn eight_concurrent_writers_record_every_bundle_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let bundles: Vec<PathBuf> = (0..8)
        .map(|i| bundle(d, &format!("concurrent-{i}")))
        .collect();
    run(archive(d).arg("init"));
    let children: Vec<_> = (0..8)
        .map(|i| {
            // Each process adds its own bundle and its neighbour's: overlaps on purpose.
            archive(d)
                .arg("add")
                .arg(&bundles[i])
                .arg(&bundles[(i + 1) % 8])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let archive = docseal::archive::Archive::open(&d.join("archive")).unwrap();
    let entries = archive.entries().unwrap();
    assert_eq!(entries.len(), 8);
    let mut ids: Vec<&str> = entries.iter().map(|e| e.statement_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 8);
    assert_eq!(audit(d).0, 0);
}

#[test]
fn errors_are_clear() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (code, _, err) = run(archive(d).args(["list"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("no archive at")
            && err.contains("hint: create it with `docseal archive init`"),
        "{err}"
    );
    run(archive(d).arg("init"));
    let (code, _, err) = run(archive(d).args(["show", "nothing-here"]));
    assert_eq!(code, 2);
    assert!(err.contains("nothing in the archive matches"), "{err}");
    let (code, _, err) = run(archive(d).arg("add").arg(d.join("missing.zip")));
    assert_eq!(code, 2, "{err}");
}
