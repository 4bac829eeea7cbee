//! The audit misses nothing: each kind of damage or forgery, made once on a
//! clean archive, is named by its own code; an entry nobody signed is never
//! signed over by a later `add`; an ingest interrupted after its tiles is
//! completed from its journal, its entries recomputed first.
#![allow(clippy::unwrap_used)]

mod archive_support;
mod common;

use std::path::{Path, PathBuf};

use archive_support::*;
use common::run;
use docseal::archive::Archive;
use docseal::archive::entry::{BundleEntry, Entry, Signer};
use docseal::archive::log::Log;
use docseal::archive::note::{self, Checkpoint};
use docseal::archive::storage::{
    Area, Created, FolderStorage, Item, Listed, LocalFile, Storage, StorageError, WriteLock,
};
use docseal::digest::Sha256Digest;
use docseal::tlog::Tree;
use docseal::utc::UtcTime;

fn codes(report: &serde_json::Value, status: &str) -> Vec<String> {
    report["report"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == status)
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

/// Audits and expects exactly this failing code among the findings (and the
/// audit to fail).
fn expect(d: &Path, code: &str) -> serde_json::Value {
    let (exit, report) = audit(d);
    assert_eq!(exit, 1, "expected {code}: {report:#}");
    assert!(
        failed(&report).contains(&code.to_string()),
        "expected {code}: {report:#}"
    );
    report
}

/// Three statements archived, and a pristine copy to go back to.
struct Fixture {
    _dir: tempfile::TempDir,
    d: PathBuf,
    root: PathBuf,
    pristine: PathBuf,
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().to_path_buf();
        let bundles: Vec<PathBuf> = (0..3)
            .map(|i| bundle(&d, &format!("statement-{i}")))
            .collect();
        for b in &bundles {
            let (code, _, err) = run(archive(&d).arg("add").arg(b));
            assert_eq!(code, 0, "{err}");
        }
        audit_passes(&d);
        let root = d.join("archive");
        let pristine = d.join("pristine");
        copy_dir(&root, &pristine);
        Self {
            _dir: dir,
            d,
            root,
            pristine,
        }
    }

    fn reset(&self) {
        std::fs::remove_dir_all(&self.root).unwrap();
        copy_dir(&self.pristine, &self.root);
        audit_passes(&self.d);
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }
}

fn overwrite(path: &Path, bytes: &[u8]) {
    make_writable(path);
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn audit_names_every_kind_of_damage() {
    let f = Fixture::new();
    let d = &f.d;
    let objects = walk(&f.path("objects"));

    // An altered object.
    let mut bytes = std::fs::read(&objects[0]).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 1;
    overwrite(&objects[0], &bytes);
    expect(d, "object.modified");
    f.reset();

    // A deleted object.
    std::fs::remove_file(&objects[1]).unwrap();
    expect(d, "object.missing");
    f.reset();

    // A foreign file among the objects.
    std::fs::write(f.path("objects/sha256/notes.txt"), "hello").unwrap();
    expect(d, "object.foreign");
    f.reset();

    // An entry edited in its entry bundle (same length: the ingest time).
    let bundle = f.path("log/tile/entries/000.p/4");
    let raw = std::fs::read(&bundle).unwrap();
    let at = raw
        .windows(16)
        .position(|w| w == b"\"ingested_at\":\"2")
        .unwrap();
    let mut edited = raw.clone();
    edited[at + 15] = b'1';
    overwrite(&bundle, &edited);
    let report = expect(d, "log.rewritten");
    assert!(
        failed(&report).contains(&"log.tile".to_string()),
        "{report:#}"
    );
    f.reset();

    // Two entries swapped (lengths and all).
    let raw = std::fs::read(&bundle).unwrap();
    let entries = docseal::tlog::decode_bundle(&raw, 4).unwrap();
    let swapped =
        docseal::tlog::encode_bundle(&[entries[0], entries[2], entries[1], entries[3]]).unwrap();
    overwrite(&bundle, &swapped);
    expect(d, "log.order");
    f.reset();

    // The entries of the published tree deleted.
    std::fs::remove_file(&bundle).unwrap();
    expect(d, "log.truncated");
    f.reset();

    // A hash tile altered.
    let tile = f.path("log/tile/0/000.p/4");
    let mut bytes = std::fs::read(&tile).unwrap();
    bytes[0] ^= 1;
    overwrite(&tile, &bytes);
    expect(d, "log.tile");
    f.reset();

    // A tile past every checkpoint that no journal explains.
    std::fs::write(f.path("log/tile/0/000.p/5"), [0u8; 160]).unwrap();
    expect(d, "log.foreign");
    f.reset();

    // The published checkpoint replaced by one signed with another key.
    let other = docseal::keys::generate();
    let forged = note::sign_checkpoint(
        &Checkpoint {
            origin: "docseal.archive/forged".into(),
            size: 2,
            root: [0; 32],
            time: None,
        },
        &other,
    );
    overwrite(&f.path("log/checkpoint"), forged.as_bytes());
    expect(d, "checkpoint.signature");
    f.reset();

    // A stale published checkpoint: an older one, validly signed.
    let older = std::fs::read(f.path("log/history/002")).unwrap();
    overwrite(&f.path("log/checkpoint"), &older);
    expect(d, "checkpoint.published");
    f.reset();

    // The published checkpoint removed.
    std::fs::remove_file(f.path("log/checkpoint")).unwrap();
    expect(d, "checkpoint.missing");
    f.reset();

    // A wrong verifier key, then a public key that is not the archive's.
    overwrite(
        &f.path("key/archive.vkey"),
        b"docseal.archive/0000+00000000+AQ==\n",
    );
    expect(d, "key.published");
    f.reset();
    let stranger = docseal::keys::public_key_pem(&docseal::keys::generate().verifying_key());
    overwrite(&f.path("key/archive.pub.pem"), stranger.as_bytes());
    expect(d, "key.published");
    f.reset();

    // A trust snapshot altered.
    let snapshot = walk(&f.path("trust"))[0].clone();
    let text = std::fs::read_to_string(&snapshot).unwrap();
    overwrite(
        &snapshot,
        text.replace("2026-01-01", "2025-01-01").as_bytes(),
    );
    expect(d, "trust.snapshot");
    f.reset();
}

fn catalog_sql(f: &Fixture, sql: &str) {
    let db = rusqlite::Connection::open(f.path("catalog.sqlite")).unwrap();
    db.execute_batch(sql).unwrap();
}

#[test]
fn the_catalog_must_hold_exactly_the_logs_records() {
    let f = Fixture::new();
    let d = &f.d;
    // Deleted: a finding, and `list` catches up from the log.
    std::fs::remove_file(f.path("catalog.sqlite")).unwrap();
    let _ = std::fs::remove_file(f.path("catalog.sqlite-wal"));
    let _ = std::fs::remove_file(f.path("catalog.sqlite-shm"));
    expect(d, "catalog.missing");
    let (code, out, _) = run(archive(d).args(["list", "--format", "json"]));
    assert_eq!(code, 0);
    let listed: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(listed["statements"].as_array().unwrap().len(), 3);
    audit_passes(d);
    f.reset();

    // An old copy put back: a warning, and the next read catches up.
    let before = tempfile::tempdir().unwrap();
    let b4 = bundle(before.path(), "statement-4");
    for name in ["catalog.sqlite", "catalog.sqlite-wal", "catalog.sqlite-shm"] {
        let _ = std::fs::copy(f.path(name), before.path().join(name));
    }
    run(archive(d).arg("add").arg(&b4));
    for name in ["catalog.sqlite", "catalog.sqlite-wal", "catalog.sqlite-shm"] {
        let _ = std::fs::copy(before.path().join(name), f.path(name));
    }
    let (code, report) = audit(d);
    assert_eq!(code, 0, "{report:#}");
    assert!(
        codes(&report, "warn").contains(&"catalog.stale".to_string()),
        "{report:#}"
    );
    let (_, out, _) = run(archive(d).args(["search", "Trans-Caspian", "--format", "json"]));
    let hits: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(hits["hits"].as_array().unwrap().len(), 4, "{hits}");
    f.reset();

    // A row altered, a row removed, a row added: each a finding; reindex repairs.
    catalog_sql(
        &f,
        "UPDATE statements SET title = 'Forged' WHERE log_index = 1;",
    );
    expect(d, "catalog.differs");
    run(archive(d).arg("reindex"));
    audit_passes(d);
    catalog_sql(&f, "DELETE FROM statements WHERE log_index = 2;");
    expect(d, "catalog.missing");
    run(archive(d).arg("reindex"));
    audit_passes(d);
    catalog_sql(
        &f,
        "INSERT INTO statements (bundle, log_index, statement_id, statement, edition, signatures, latest, ingested_at) VALUES ('sha256:00', 99, 'ghost', 'sha256:00', 0, 0, 1, 'x');",
    );
    expect(d, "catalog.extra");
    run(archive(d).arg("reindex"));
    audit_passes(d);
}

/// Rewrites the log with `change` applied to its entries and signs it with
/// the archive's own key: what an operator with the key (or a bug) could do.
fn forge(root: &Path, change: impl Fn(&mut Vec<Entry>)) {
    let archive = Archive::open(root).unwrap();
    let mut entries = archive.entries().unwrap();
    change(&mut entries);
    for sub in ["log/tile", "log/history"] {
        std::fs::remove_dir_all(root.join(sub)).unwrap();
    }
    let storage = FolderStorage::new(root);
    let log = Log::new(&storage);
    let tree = log.append(&Tree::empty(), &entries).unwrap();
    let key = docseal::keys::read_private_key(&root.join("key/archive.key.pem"), &mut || None)
        .unwrap()
        .key;
    let cp = Checkpoint {
        origin: archive.info.origin.clone(),
        size: tree.size,
        root: tree.root,
        time: Some(UtcTime::now()),
    };
    let signed = note::sign_checkpoint(&cp, &key);
    log.publish(&cp, &signed, &key.verifying_key()).unwrap();
    storage.sync().unwrap();
}

fn bundle_entry(entries: &mut [Entry], index: usize) -> &mut BundleEntry {
    match &mut entries[index] {
        Entry::Bundle(b) => b,
        other => panic!("entry {index} is {other:?}"),
    }
}

#[test]
fn every_field_of_every_entry_is_compared_with_its_bundle() {
    let f = Fixture::new();
    let d = &f.d;
    // A signer added: RS "signed" what only KZ... and both did; drop one instead.
    forge(&f.root, |e| {
        bundle_entry(e, 1).signers.pop();
    });
    expect(d, "entry.bundle");
    f.reset();
    forge(&f.root, |e| {
        let b = bundle_entry(e, 1);
        let extra = Signer {
            key: docseal::keys::KeyId(Sha256Digest::of_bytes(b"someone")),
            party: "FR".parse().unwrap(),
            signed_at: b.signers[0].signed_at,
        };
        b.signers.push(extra);
    });
    expect(d, "entry.bundle");
    f.reset();
    forge(&f.root, |e| {
        bundle_entry(e, 2).statement_id = "statement-9".into()
    });
    expect(d, "entry.bundle");
    f.reset();
    forge(&f.root, |e| {
        bundle_entry(e, 2).statement = Sha256Digest::of_bytes(b"other")
    });
    expect(d, "entry.bundle");
    f.reset();
    forge(&f.root, |e| {
        bundle_entry(e, 2).date = Some("1999-01-01".into())
    });
    expect(d, "entry.bundle");
    f.reset();
    forge(&f.root, |e| {
        let first = bundle_entry(e, 1).bundle;
        bundle_entry(e, 2).supersedes = Some(first);
    });
    expect(d, "entry.version");
    f.reset();
    forge(&f.root, |e| {
        bundle_entry(e, 3).ingested_at = UtcTime::parse_strict("2030-01-01T00:00:00Z").unwrap();
    });
    expect(d, "entry.time");
    f.reset();
    forge(&f.root, |e| {
        bundle_entry(e, 3).trust = Sha256Digest::of_bytes(b"no such trust")
    });
    expect(d, "entry.trust");
    f.reset();
    forge(&f.root, |e| {
        let copy = bundle_entry(e, 1).clone();
        let b = bundle_entry(e, 3);
        *b = BundleEntry { index: 3, ..copy };
    });
    expect(d, "entry.duplicate");
    f.reset();
}

/// The facts a correct entry for `bundle` at `index` would record.
fn honest_entry(root: &Path, bundle: &Path, index: u64) -> BundleEntry {
    let archive = Archive::open(root).unwrap();
    let snapshot = archive.current_trust().unwrap().unwrap();
    let trust = snapshot.trust_set(None, "t".into());
    let (_, facts) = docseal::archive::ingest::inspect(
        bundle,
        &trust,
        &docseal::verify::PolicyChoice::default(),
        None,
        None,
    )
    .unwrap();
    let facts = facts.unwrap();
    BundleEntry {
        index,
        bundle: facts.bundle,
        statement_id: facts.id,
        statement: facts.statement,
        date: facts.date,
        signers: facts.signers,
        ingested_at: UtcTime::now(),
        supersedes: None,
        trust: snapshot.digest,
    }
}

#[test]
fn an_entry_appended_by_hand_is_never_signed_over() {
    let f = Fixture::new();
    let d = &f.d;
    // A bundle signed by KZ alone, stored by hand, with an entry claiming
    // that KZ and RS signed it, journaled as if an ingest had been cut short.
    let kz_only = d.join("kz-only.zip");
    common::seal_with(
        &statement(d, "kz-only", None),
        None,
        common::KZ_KEY,
        common::KEYRING,
        &kz_only,
    );
    let storage = FolderStorage::new(&f.root);
    let opened = Archive::open(&f.root).unwrap();
    let (cp, _) = opened.latest_checkpoint().unwrap();
    let mut entry = honest_entry(&f.root, &kz_only, cp.size);
    entry.signers.push(Signer {
        key: "sha256:075e80dbbf6685f19d1cc186bb4354234bb268f7aeebb70fe3a2cdd611280eb9"
            .parse()
            .unwrap(),
        party: "RS".parse().unwrap(),
        signed_at: entry.signers[0].signed_at,
    });
    storage.create_bundle(&entry.bundle, &kz_only).unwrap();
    let log = Log::new(&storage);
    let forged = vec![Entry::Bundle(entry.clone())];
    log.write_journal(&cp.tree(), &forged).unwrap();
    log.append(&cp.tree(), &forged).unwrap();
    // The next ordinary add refuses to sign over it.
    let next = bundle(d, "next");
    let (code, _, err) = run(archive(d).arg("add").arg(&next));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!(
            "entry {} (not yet checkpointed) does not match",
            cp.size
        )) && err.contains("signers")
            && err.contains("nothing was added"),
        "{err}"
    );
    let (after, _) = opened.latest_checkpoint().unwrap();
    assert_eq!(after, cp, "no checkpoint covers the forged entry");
    let (code, _, _) = run(archive(d).args(["proof", "kz-only"]));
    assert_ne!(code, 0);
    let (code, report) = audit(d);
    assert_eq!(code, 0, "{report:#}");
    assert!(
        codes(&report, "warn").contains(&"log.pending".to_string()),
        "{report:#}"
    );
    f.reset();

    // The same tiles without a journal: the next add will not build on
    // them, and the audit names them.
    let storage = FolderStorage::new(&f.root);
    let log = Log::new(&storage);
    log.append(&cp.tree(), &forged).unwrap();
    let (code, _, err) = run(archive(d).arg("add").arg(&next));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("already exists with different content"),
        "{err}"
    );
    let (after, _) = Archive::open(&f.root).unwrap().latest_checkpoint().unwrap();
    assert_eq!(after, cp);
    expect(d, "log.foreign");
}

#[test]
fn an_ingest_cut_short_after_its_tiles_is_completed_from_its_journal() {
    let f = Fixture::new();
    let d = &f.d;
    let late = bundle(d, "late");
    let storage = FolderStorage::new(&f.root);
    let opened = Archive::open(&f.root).unwrap();
    let (cp, _) = opened.latest_checkpoint().unwrap();
    let entry = honest_entry(&f.root, &late, cp.size);
    storage.create_bundle(&entry.bundle, &late).unwrap();
    storage.sync().unwrap();
    let log = Log::new(&storage);
    let entries = vec![Entry::Bundle(entry)];
    log.write_journal(&cp.tree(), &entries).unwrap();
    log.append(&cp.tree(), &entries).unwrap();
    // Crashed here: the audit says so, without failing.
    let (code, report) = audit(d);
    assert_eq!(code, 0, "{report:#}");
    assert!(
        codes(&report, "warn").contains(&"log.pending".to_string()),
        "{report:#}"
    );
    let next = bundle(d, "next");
    let (code, out, err) = run(archive(d).arg("add").arg(&next));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("completed an interrupted ingest first: 1 entries"),
        "{err}"
    );
    assert!(
        out.contains(&format!("added as log entry {}", cp.size + 1)),
        "{out}"
    );
    assert!(!f.path("log/pending").exists());
    let (code, report) = audit(d);
    assert_eq!(code, 0, "{report:#}");
    assert!(codes(&report, "warn").is_empty(), "{report:#}");
    let (code, _, _) = run(archive(d).args(["proof", "late"]));
    assert_eq!(code, 0);
}

/// An ingest killed after keeping its checkpoint in the history and before
/// publishing it: the audit says an ingest is pending (the kept checkpoint
/// checked against the journal's entries), the next `add` publishes it; a
/// kept checkpoint the journal's entries do not make is damage.
#[test]
fn a_checkpoint_kept_but_not_published_is_pending_when_the_journal_makes_it() {
    let f = Fixture::new();
    let d = &f.d;
    let late = bundle(d, "late");
    let storage = FolderStorage::new(&f.root);
    let opened = Archive::open(&f.root).unwrap();
    let (cp, _) = opened.latest_checkpoint().unwrap();
    let entry = honest_entry(&f.root, &late, cp.size);
    storage.create_bundle(&entry.bundle, &late).unwrap();
    storage.sync().unwrap();
    let log = Log::new(&storage);
    let entries = vec![Entry::Bundle(entry)];
    log.write_journal(&cp.tree(), &entries).unwrap();
    let tree = log.append(&cp.tree(), &entries).unwrap();
    let pem = std::fs::read_to_string(f.path("key/archive.key.pem")).unwrap();
    let key = docseal::keys::parse_private_key(&pem, Path::new("k"), &mut || None).unwrap();
    let keep = |root: [u8; 32]| {
        let note = note::sign_checkpoint(
            &Checkpoint {
                origin: cp.origin.clone(),
                size: tree.size,
                root,
                time: Some(UtcTime::now()),
            },
            &key,
        );
        let path = f.path(&format!("log/history/{:03}", tree.size));
        make_writable_if_exists(&path);
        let _ = std::fs::remove_file(&path);
        std::fs::write(&path, note).unwrap();
    };
    // A forged root: the journal's entries do not make it.
    keep([7; 32]);
    expect(d, "log.rewritten");
    // The root the entries make: an interrupted ingest, not damage.
    keep(tree.root);
    let (code, report) = audit(d);
    assert_eq!(code, 0, "{report:#}");
    assert!(
        codes(&report, "warn").contains(&"log.pending".to_string()),
        "{report:#}"
    );
    let next = bundle(d, "next");
    let (code, _, err) = run(archive(d).arg("add").arg(&next));
    assert_eq!(code, 0, "{err}");
    let (code, report) = audit(d);
    assert_eq!(code, 0, "{report:#}");
    assert!(codes(&report, "warn").is_empty(), "{report:#}");
}

fn make_writable_if_exists(path: &Path) {
    if path.exists() {
        make_writable(path);
    }
}

/// How many times each bundle's bytes were fetched.
type Fetches = std::sync::Arc<std::sync::Mutex<std::collections::HashMap<Sha256Digest, usize>>>;

/// Counts every fetch of a bundle's bytes (on object storage, each is a
/// download): `local` and `read` of a bundle item.
#[derive(Debug)]
struct CountingStorage {
    inner: Box<dyn Storage>,
    fetches: Fetches,
}

impl CountingStorage {
    fn count(&self, item: &Item) {
        if let Item::Bundle(d) = item {
            *self.fetches.lock().unwrap().entry(*d).or_default() += 1;
        }
    }
}

impl Storage for CountingStorage {
    fn location(&self) -> String {
        self.inner.location()
    }
    fn locate(&self, item: &Item) -> String {
        self.inner.locate(item)
    }
    fn read(&self, item: &Item) -> Result<Option<Vec<u8>>, StorageError> {
        self.count(item);
        self.inner.read(item)
    }
    fn create(&self, item: &Item, bytes: &[u8]) -> Result<Created, StorageError> {
        self.inner.create(item, bytes)
    }
    fn create_bundle(&self, digest: &Sha256Digest, source: &Path) -> Result<Created, StorageError> {
        self.inner.create_bundle(digest, source)
    }
    fn replace(&self, item: &Item, bytes: &[u8]) -> Result<(), StorageError> {
        self.inner.replace(item, bytes)
    }
    fn remove(&self, item: &Item) -> Result<(), StorageError> {
        self.inner.remove(item)
    }
    fn sync(&self) -> Result<(), StorageError> {
        self.inner.sync()
    }
    fn local(&self, digest: &Sha256Digest) -> Result<Option<LocalFile>, StorageError> {
        self.count(&Item::Bundle(*digest));
        self.inner.local(digest)
    }
    fn list(&self, area: Area) -> Result<Vec<Listed>, StorageError> {
        self.inner.list(area)
    }
    fn lock(&self) -> Result<WriteLock, StorageError> {
        self.inner.lock()
    }
}

/// Audits the archive at `root` through a [`CountingStorage`]: the report's
/// codes and the fetches of each bundle.
fn audit_counting(root: &Path) -> (Vec<String>, std::collections::HashMap<Sha256Digest, usize>) {
    let fetches = Fetches::default();
    let counted = fetches.clone();
    let archive = Archive::open(root).unwrap().wrap_storage(|inner| {
        Box::new(CountingStorage {
            inner,
            fetches: counted,
        })
    });
    let report = docseal::archive::audit::audit(&archive, &|_, _| {}).unwrap();
    let codes = report.findings.iter().map(|x| x.code.to_string()).collect();
    drop(archive);
    let fetches = fetches.lock().unwrap().clone();
    (codes, fetches)
}

/// The issue of object storage: an audit downloaded each bundle twice (once
/// to hash it, once to verify it). Each stored object is now fetched once,
/// logged or not, and a changed one is still named.
#[test]
fn the_audit_fetches_each_stored_object_once() {
    let f = Fixture::new();
    let logged: Vec<Sha256Digest> = Archive::open(&f.root)
        .unwrap()
        .entries()
        .unwrap()
        .iter()
        .filter_map(|e| e.bundle())
        .collect();
    assert_eq!(logged.len(), 3);
    // An object no entry names: the bundle of a statement never added.
    let stray = bundle(&f.d, "never-added");
    let stray_digest = Sha256Digest::of_bytes(&std::fs::read(&stray).unwrap());
    let stray_path = f.root.join(Item::Bundle(stray_digest).path());
    std::fs::create_dir_all(stray_path.parent().unwrap()).unwrap();
    std::fs::copy(&stray, &stray_path).unwrap();
    let (codes, fetches) = audit_counting(&f.root);
    assert_eq!(codes, ["object.unlogged"]);
    for d in logged.iter().chain([&stray_digest]) {
        assert_eq!(fetches.get(d), Some(&1), "{d}: {fetches:?}");
    }
    assert_eq!(fetches.len(), 4, "{fetches:?}");
    // A logged object changed: still named, from that one fetch.
    let changed = f.root.join(Item::Bundle(logged[1]).path());
    let other = std::fs::read(&stray).unwrap();
    overwrite(&changed, &other);
    let (codes, fetches) = audit_counting(&f.root);
    assert!(codes.contains(&"object.modified".to_string()), "{codes:?}");
    assert_eq!(fetches.get(&logged[1]), Some(&1), "{fetches:?}");
}
