//! The archive end to end: ingest, versions, catalog, proofs, audit of every
//! kind of tampering, crash safety under SIGKILL, concurrent writers.
#![allow(clippy::unwrap_used)]

mod archive_support;
mod common;

use std::path::{Path, PathBuf};
use std::process::Stdio;

use archive_support::*;
use common::{docseal, run};
use docseal::archive::Archive;

fn bundles_of(archive: &Archive) -> Vec<docseal::digest::Sha256Digest> {
    archive
        .entries()
        .unwrap()
        .iter()
        .filter_map(|e| e.bundle())
        .collect()
}

#[test]
fn ingest_versions_catalog_and_proofs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let first = bundle(d, "kz-rs-2026-02-27");
    let (code, out, err) = run(archive(d).arg("add").arg(&first));
    assert_eq!(code, 0, "{err}");
    // Entry 0 records the trust it was judged under.
    assert!(out.contains("added as log entry 1"), "{out}");
    assert!(
        err.contains("creating a new archive") && err.contains("log entry 0 records the keyring"),
        "{err}"
    );
    // Again: nothing changes.
    let cp_before = std::fs::read(d.join("archive/log/checkpoint")).unwrap();
    let (code, out, _) = run(archive(d).arg("add").arg(&first));
    assert_eq!(code, 0);
    assert!(
        out.contains("already in the archive as log entry 1 ("),
        "{out}"
    );
    assert_eq!(
        std::fs::read(d.join("archive/log/checkpoint")).unwrap(),
        cp_before
    );
    // Another bundle of the same statement, signed the other way round: a
    // new version, the latest (same times, same signatures, logged later).
    let second = d.join("v2.zip");
    common::seal_with(
        Path::new("statements/kz-rs-2026-02-27.json"),
        None,
        common::RS_KEY,
        common::KEYRING,
        &second,
    );
    common::cosign_with(&second, common::KZ_KEY, common::KEYRING);
    let cp1 = std::fs::read_to_string(d.join("archive/log/checkpoint")).unwrap();
    let (code, out, _) = run(archive(d).arg("add").arg(&second));
    assert_eq!(code, 0);
    assert!(
        out.contains("added as log entry 2") && out.contains("the new latest version, after"),
        "{out}"
    );
    let (_, out, _) = run(archive(d).args(["show", "kz-rs-2026-02-27", "--format", "json"]));
    let shown: serde_json::Value = serde_json::from_str(&out).unwrap();
    let versions = shown["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[1]["supersedes"], versions[0]["bundle"]);
    assert_eq!(versions[1]["latest"], true);
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
    // Each record once, at its latest version.
    assert_eq!(hits["hits"].as_array().unwrap().len(), 1, "{hits}");
    assert_eq!(
        hits["hits"][0]["statement"]["bundle"],
        versions[1]["bundle"]
    );
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
    assert_ne!(forged, std::fs::read_to_string(&proof).unwrap());
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
    // consistency with the earlier checkpoint.
    let old = d.join("old-checkpoint");
    std::fs::write(&old, cp1).unwrap();
    let (code, out, _) = run(archive(d).arg("consistency").arg(&old));
    assert_eq!(code, 0);
    assert!(
        out.starts_with("ok: the log of size 3 extends the log of size 2"),
        "{out}"
    );
    // reindex rebuilds the same catalog.
    std::fs::remove_file(d.join("archive/catalog.sqlite")).unwrap();
    let (code, out, err) = run(archive(d).arg("reindex"));
    assert_eq!(code, 0, "{out}{err}");
    audit_passes(d);
    let (code, _, _) = run(archive(d).args(["search", "Trans-Caspian"]));
    assert_eq!(code, 0);
}

#[test]
fn an_older_seal_added_later_is_kept_but_does_not_become_the_latest() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let json = statement(d, "kz-rs-2026-02-27", None);
    let cosigned = common::seal_and_cosign(&json, None, &d.join("both.zip"));
    let kz_only = d.join("kz.zip");
    common::seal_with(&json, None, common::KZ_KEY, common::KEYRING, &kz_only);
    let (code, _, err) = run(archive(d).arg("add").arg(&cosigned));
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(archive(d).args(["add", "--allow-partial"]).arg(&kz_only));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("an earlier version: the latest stays"),
        "{out}"
    );
    let (_, out, _) = run(archive(d).args(["list", "--format", "json"]));
    let listed: serde_json::Value = serde_json::from_str(&out).unwrap();
    let statements = listed["statements"].as_array().unwrap();
    assert_eq!(statements.len(), 1, "{listed}");
    assert_eq!(statements[0]["signatures"], 2, "{listed}");
    let (_, out, _) = run(archive(d).args(["show", "kz-rs-2026-02-27", "--format", "json"]));
    let shown: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(shown["versions"].as_array().unwrap().len(), 2);
    // `get` and `proof` of the id give the latest version.
    let out_file = d.join("got.zip");
    run(archive(d)
        .args(["get", "kz-rs-2026-02-27", "-o"])
        .arg(&out_file));
    assert_eq!(
        std::fs::read(&out_file).unwrap(),
        std::fs::read(&cosigned).unwrap()
    );
    audit_passes(d);
}

#[test]
fn another_statement_under_an_archived_id_needs_supersede() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let first = bundle(d, "shared-id");
    let other_json = statement(d, "shared-id", Some("A different statement"));
    let other = common::seal_and_cosign(&other_json, None, &d.join("other.zip"));
    run(archive(d).arg("add").arg(&first));
    let cp = std::fs::read(d.join("archive/log/checkpoint")).unwrap();
    let (code, _, err) = run(archive(d).arg("add").arg(&other));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("holds another statement under the id \"shared-id\"")
            && err.contains("nothing was added")
            && err.contains("--supersede shared-id"),
        "{err}"
    );
    assert_eq!(std::fs::read(d.join("archive/log/checkpoint")).unwrap(), cp);
    // With leave, it is the new latest version.
    let (code, out, err) = run(archive(d)
        .args(["add", "--supersede", "shared-id"])
        .arg(&other));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("the new latest version"), "{out}");
    let (_, out, _) = run(archive(d).args(["list", "--format", "json"]));
    let listed: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(listed["statements"][0]["title"], "A different statement");
    assert_eq!(listed["statements"].as_array().unwrap().len(), 1);
    audit_passes(d);
}

#[test]
fn a_bundle_that_fails_verification_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let single = d.join("single.zip");
    common::seal_with(
        Path::new("statements/kz-rs-2026-02-27.json"),
        None,
        common::KZ_KEY,
        common::KEYRING,
        &single,
    );
    // Into a missing archive: not even the folder is made.
    let (code, _, err) = run(archive(d).arg("add").arg(&single));
    assert_eq!(code, 1);
    assert!(
        err.contains("FAIL  policy") && err.contains("nothing was added"),
        "{err}"
    );
    assert!(!d.join("archive").exists());
    assert_eq!(std::fs::read_dir(d).unwrap().count(), 1, "only the bundle");
    // Into an existing one: nothing changes.
    let good = bundle(d, "good-one");
    run(archive(d).arg("add").arg(&good));
    let checkpoint = std::fs::read(d.join("archive/log/checkpoint")).unwrap();
    let (code, _, err) = run(archive(d).args(["add", "--all-parties"]).arg(&single));
    assert_eq!(code, 1);
    assert!(err.contains("nothing was added"), "{err}");
    assert_eq!(
        std::fs::read(d.join("archive/log/checkpoint")).unwrap(),
        checkpoint
    );
    assert_eq!(walk(&d.join("archive/objects")).len(), 1);
    // A missing file: exit 2, and it says nothing was added.
    let (code, _, err) = run(archive(d).arg("add").arg(d.join("missing.zip")));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("nothing was added"), "{err}");
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
        let archive = Archive::open(&d.join("archive")).unwrap();
        for bundle in bundles_of(&archive) {
            let bytes = std::fs::read(archive.object_path(&bundle)).unwrap();
            assert_eq!(docseal::digest::Sha256Digest::of_bytes(&bytes), bundle);
        }
    }
    // Finishing the job records each bundle exactly once.
    let (code, _, err) = run(archive(d).arg("add").args(&bundles));
    assert_eq!(code, 0, "{err}");
    let archive = Archive::open(&d.join("archive")).unwrap();
    let mut seen = bundles_of(&archive);
    assert_eq!(seen.len(), 4);
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 4);
    audit_passes(d);
}

#[test]
fn eight_concurrent_writers_record_every_bundle_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let bundles: Vec<PathBuf> = (0..8)
        .map(|i| bundle(d, &format!("concurrent-{i}")))
        .collect();
    // No `init`: the first adds create the archive, all at once.
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
    let archive = Archive::open(&d.join("archive")).unwrap();
    let entries = archive.entries().unwrap();
    // One trust entry, eight bundles.
    assert_eq!(entries.len(), 9);
    let mut ids: Vec<&str> = entries.iter().filter_map(|e| e.statement_id()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 8);
    audit_passes(d);
}

/// CI failed once with "the catalog: database is locked": catch-ups run
/// outside the writers' lock, and two of them writing one SQLite catalog at
/// once collided. A catch-up now waits for `catalog.sqlite.lock`.
#[test]
fn a_catalog_catch_up_waits_for_the_catalogs_writer() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let b = bundle(d, "waits");
    let (code, _, err) = run(archive(d).arg("add").arg(&b));
    assert_eq!(code, 0, "{err}");
    // The catalog says it indexes nothing: the next reader must catch up.
    let catalog = d.join("archive/catalog.sqlite");
    rusqlite::Connection::open(&catalog)
        .unwrap()
        .execute("UPDATE meta SET value = '0' WHERE key = 'size'", [])
        .unwrap();
    let lock = std::fs::File::create(d.join("archive/catalog.sqlite.lock")).unwrap();
    lock.lock().unwrap();
    let mut reader = archive(d)
        .arg("list")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(
        reader.try_wait().unwrap().is_none(),
        "the catch-up did not wait for the catalog's lock"
    );
    drop(lock);
    let out = reader.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("waits"));
}

#[test]
fn no_command_overwrites_a_file_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let b = bundle(d, "kept");
    run(archive(d).arg("add").arg(&b));
    for command in ["proof", "get"] {
        let out = d.join(format!("{command}.out"));
        std::fs::write(&out, "precious").unwrap();
        let (code, _, err) = run(archive(d).args([command, "kept", "-o"]).arg(&out));
        assert_eq!(code, 2, "{command}: {err}");
        assert!(
            err.contains("already exists; nothing was overwritten"),
            "{err}"
        );
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "precious");
        let (code, _, err) = run(archive(d)
            .args([command, "kept", "--force", "-o"])
            .arg(&out));
        assert_eq!(code, 0, "{command}: {err}");
        assert_ne!(
            std::fs::read_to_string(&out).unwrap_or_default(),
            "precious"
        );
    }
}

#[test]
fn consistency_blames_the_file_given_and_check_proof_refuses_unknown_versions() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let b = bundle(d, "one");
    run(archive(d).arg("add").arg(&b));
    // Another archive's checkpoint, and garbage.
    let other = tempfile::tempdir().unwrap();
    run(docseal()
        .args(["archive", "init", "--archive"])
        .arg(other.path().join("a")));
    for file in [other.path().join("a/log/checkpoint"), b.clone()] {
        let (code, _, err) = run(archive(d).arg("consistency").arg(&file));
        assert_eq!(code, 1, "{err}");
        assert!(
            err.contains(&format!(
                "{} is not a checkpoint of this archive",
                file.display()
            )) && err.contains("the archive is not at fault")
                && !err.contains("damaged"),
            "{err}"
        );
    }
    let proof = d.join("p.json");
    run(archive(d).args(["proof", "one", "-o"]).arg(&proof));
    let text = std::fs::read_to_string(&proof).unwrap();
    assert!(text.contains("\"version\": 2"), "{text}");
    std::fs::write(&proof, text.replace("\"version\": 2", "\"version\": 4")).unwrap();
    let (code, _, err) = run(docseal()
        .args(["archive", "check-proof"])
        .arg(&proof)
        .arg("--archive-key")
        .arg(d.join("archive/key/archive.pub.pem")));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("proof version 4 is not known"), "{err}");
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
}

#[test]
fn a_version_1_archive_is_upgraded_in_place_with_its_roots_and_proofs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = common::data().join("archive-v1");
    copy_dir(&data.join("archive"), &d.join("archive"));
    let (code, _, err) = run(archive(d).arg("list"));
    assert_eq!(code, 2);
    assert!(
        err.contains("layout version 1") && err.contains("archive upgrade"),
        "{err}"
    );
    let (code, _, err) = run(archive(d).arg("upgrade"));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("2 entries replayed into tiles with the same roots, 3 checkpoints kept"),
        "{err}"
    );
    assert!(!d.join("archive/log/entries.jsonl").exists());
    // The old proof and checkpoint still hold against the upgraded archive.
    let key = d.join("archive/key/archive.pub.pem");
    let (code, out, err) = run(docseal()
        .args(["archive", "check-proof"])
        .arg(data.join("proof-v1-first.json"))
        .arg("--archive-key")
        .arg(&key)
        .arg(data.join("v1-first.zip")));
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("ok: v1-first"), "{out}");
    let (code, out, err) = run(archive(d).arg("consistency").arg(data.join("checkpoint-1")));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("ok: the log of size 3 extends the log of size 1"),
        "{out}"
    );
    let (_, out, _) = run(archive(d).args(["list", "--format", "json"]));
    let listed: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        listed["statements"].as_array().unwrap().len(),
        2,
        "{listed}"
    );
    let (code, report) = audit(d);
    assert_eq!(code, 0, "{report:#}");
    // New ingests go on top.
    let b = bundle(d, "after-upgrade");
    let (code, out, err) = run(archive(d).arg("add").arg(&b));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("added as log entry 3"), "{out}");
    audit_passes(d);
}
