//! Trust kept in the archive: the keyring each ingest was judged under is
//! stored and logged, the audit uses it from anywhere, revocations are
//! logged and never lost, a checkpoint made before a revocation keeps what it
//! covers valid, and every record a key signed can be listed.
#![allow(clippy::unwrap_used)]

mod archive_support;
mod common;

use archive_support::*;
use common::{docseal, run};

const KZ: &str = "7ae7e296ba0cc7a7489e1ceaf111660b4f92d732358b8a764a0a0761d7053103";
const RS: &str = "075e80dbbf6685f19d1cc186bb4354234bb268f7aeebb70fe3a2cdd611280eb9";

#[test]
fn the_audit_judges_under_the_recorded_trust_from_any_folder() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let b = bundle(d, "kept");
    run(archive(d).arg("add").arg(&b));
    // Another folder, no keyring anywhere: the archive's own trust decides.
    let elsewhere = tempfile::tempdir().unwrap();
    let (code, out, err) = run(docseal()
        .current_dir(elsewhere.path())
        .args(["archive", "audit", "--archive"])
        .arg(d.join("archive")));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("1 bundles re-verified"), "{out}");
    // A later keyring that no longer knows the keys does not change how the
    // earlier ingest is judged.
    let empty = d.join("empty-ring");
    std::fs::create_dir(&empty).unwrap();
    std::fs::write(
        empty.join("trust.json"),
        "{\n  \"version\": 2,\n  \"keys\": [],\n  \"tsa\": []\n}\n",
    )
    .unwrap();
    let (code, _, err) = run(archive(d).args(["trust", "--keyring"]).arg(&empty));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("recorded the keyring as the archive's trust: log entry 2"),
        "{err}"
    );
    audit_passes(d);
    // ...but new ingests are judged under it: nothing is trusted now.
    let other = bundle(d, "later");
    let (code, _, err) = run(archive(d)
        .arg("add")
        .arg(&other)
        .env_remove("DOCSEAL_KEYRING"));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("nothing was added"), "{err}");
}

#[test]
fn a_checkpoint_made_before_a_revocation_keeps_the_signatures_it_covers() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let b = bundle(d, "before-revocation");
    run(archive(d).arg("add").arg(&b));
    // Revoked from tomorrow: the checkpoint of today proves the signature older.
    let tomorrow = docseal::utc::UtcTime::from_unix(docseal::utc::UtcTime::now().unix() + 86_400)
        .unwrap()
        .to_string();
    let (code, _, err) = run(archive(d).args([
        "revoke",
        &KZ[..12],
        "--reason",
        "key lost",
        "--at",
        &tomorrow,
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("revoked 7ae7e296ba0cc7a7"), "{err}");
    audit_passes(d);
    let (_, out, _) = run(archive(d).args(["trust", "--show"]));
    assert!(
        out.contains("REVOKED at") && out.contains("key lost"),
        "{out}"
    );
    // A bundle it signs now has no such proof: refused, even under a keyring
    // that never heard of the revocation (the archive keeps it).
    let after = bundle(d, "after-revocation");
    let (code, _, err) = run(archive(d).arg("add").arg(&after));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("revoked"), "{err}");
    let (code, _, _) = run(archive(d).args(["revoke", KZ, "--reason", "again"]));
    assert_eq!(code, 2, "revoked twice");
}

#[test]
fn a_revocation_dated_before_the_checkpoint_fails_what_it_covers() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let b = bundle(d, "compromised");
    run(archive(d).arg("add").arg(&b));
    // The key was stolen in June: the archive saw the bundle only later.
    let (code, _, err) = run(archive(d).args([
        "revoke",
        KZ,
        "--reason",
        "stolen",
        "--at",
        "2026-06-01T00:00:00Z",
    ]));
    assert_eq!(code, 0, "{err}");
    let (code, report) = audit(d);
    assert_eq!(code, 1, "{report:#}");
    let finding = report["report"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "bundle.invalid")
        .unwrap_or_else(|| panic!("{report:#}"));
    assert!(
        finding["message"].as_str().unwrap().contains("revoked"),
        "{finding}"
    );
}

#[test]
fn every_record_a_key_signed_is_listed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let both = bundle(d, "both");
    let kz_only = d.join("kz-only.zip");
    common::seal_with(
        &statement(d, "kz-only", None),
        None,
        common::KZ_KEY,
        common::KEYRING,
        &kz_only,
    );
    let rs_only = d.join("rs-only.zip");
    common::seal_with(
        &statement(d, "rs-only", None),
        None,
        common::RS_KEY,
        common::KEYRING,
        &rs_only,
    );
    let (code, _, err) = run(archive(d)
        .args(["add", "--allow-partial"])
        .arg(&both)
        .arg(&kz_only)
        .arg(&rs_only));
    assert_eq!(code, 0, "{err}");
    let ids = |key: &str| -> Vec<String> {
        let (code, out, err) =
            run(archive(d).args(["list", "--signed-by", key, "--format", "json"]));
        assert_eq!(code, 0, "{err}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        v["statements"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["statement_id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids(&KZ[..10]), ["both", "kz-only"]);
    assert_eq!(ids(&format!("sha256:{RS}")), ["both", "rs-only"]);
    let (code, _, err) = run(archive(d).args(["list", "--signed-by", "deadbeef"]));
    assert_eq!(code, 2);
    assert!(err.contains("nothing in the archive matches"), "{err}");
}
