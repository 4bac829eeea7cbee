//! Helpers shared by the archive tests.
#![allow(clippy::unwrap_used, dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use super::common::{self, docseal, run};

/// Seals the reference statement under another id (so that each is a
/// distinct statement), signed by both test keys.
pub fn bundle(dir: &Path, id: &str) -> PathBuf {
    let json = statement(dir, id, None);
    let out = dir.join(format!("{id}.zip"));
    common::seal_and_cosign(&json, None, &out)
}

/// The reference statement under `id`, with another title when given.
pub fn statement(dir: &Path, id: &str, title: Option<&str>) -> PathBuf {
    let mut value: serde_json::Value =
        serde_json::from_slice(&std::fs::read("statements/kz-rs-2026-02-27.json").unwrap())
            .unwrap();
    value["id"] = id.into();
    if let Some(title) = title {
        value["title"] = title.into();
    }
    let json = dir.join(format!("{id}-{}.json", title.map_or(0, str::len)));
    std::fs::write(&json, serde_json::to_vec_pretty(&value).unwrap()).unwrap();
    json
}

pub fn archive(dir: &Path) -> Command {
    let mut cmd = docseal();
    cmd.env("DOCSEAL_ARCHIVE", dir.join("archive"))
        .env("DOCSEAL_KEYRING", common::KEYRING)
        .arg("archive");
    cmd
}

pub fn audit(dir: &Path) -> (i32, serde_json::Value) {
    let (code, out, err) = run(archive(dir).args(["audit", "--format", "json"]));
    (
        code,
        serde_json::from_str(&out).unwrap_or_else(|_| panic!("{out}{err}")),
    )
}

pub fn audit_passes(dir: &Path) {
    let (code, report) = audit(dir);
    assert_eq!(code, 0, "{report:#}");
}

pub fn failed(report: &serde_json::Value) -> Vec<String> {
    report["report"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "fail")
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.path().is_dir() {
            out.extend(walk(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out.sort();
    out
}

pub fn make_writable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644)).unwrap();
}

pub fn copy_dir(from: &Path, to: &Path) {
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
