//! Hostile archives: each is refused by `verify` (exit 1, `container` check
//! failed with its code) and by `extract` (nothing written).
#![allow(clippy::unwrap_used)]

#[path = "attacks/corpus.rs"]
mod attacks;
mod common;

use std::io::Write;

use attacks::{Raw, build, minimal_bag};
use common::{docseal, run};

fn refused(bytes: &[u8], expected_code: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("attack.zip");
    std::fs::write(&path, bytes).unwrap();
    let (code, out, err) = run(docseal().args(["verify", "--format", "json"]).arg(&path));
    assert_eq!(code, 1, "{expected_code}: {out}{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let failed: Vec<String> = report["reports"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "fail")
        .map(|c| {
            format!(
                "{} {}",
                c["code"].as_str().unwrap(),
                c["message"].as_str().unwrap()
            )
        })
        .collect();
    assert!(
        failed.iter().any(|f| f.contains(expected_code)),
        "{expected_code}: {failed:?}"
    );
    let target = dir.path().join("out");
    let (code, _, _) = run(docseal().args(["extract", "-o"]).arg(&target).arg(&path));
    assert_ne!(code, 0, "{expected_code}: extract must refuse");
    assert!(
        !target.join("bag").exists() && !dir.path().join("evil").exists(),
        "{expected_code}: wrote files"
    );
}

fn with_extra(extra: Raw) -> Vec<u8> {
    let mut entries = minimal_bag();
    entries.push(extra);
    build(&entries, false)
}

#[test]
fn the_minimal_bag_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ok.zip");
    std::fs::write(&path, build(&minimal_bag(), false)).unwrap();
    let (code, out, err) = run(docseal().arg("verify").arg(&path));
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn absolute_paths() {
    refused(&with_extra(Raw::file("/bag/data/x", b"x")), "absolute-path");
    refused(
        &with_extra(Raw::file("C:bag/data/x", b"x")),
        "absolute-path",
    );
}

#[test]
fn path_traversal() {
    refused(
        &with_extra(Raw::file("bag/../evil", b"x")),
        "path-traversal",
    );
    refused(
        &with_extra(Raw::file("bag/data/../../evil", b"x")),
        "path-traversal",
    );
}

#[test]
fn backslashes_and_nul() {
    refused(&with_extra(Raw::file("bag\\..\\evil", b"x")), "bad-name");
    refused(&with_extra(Raw::file("bag/data/a\0.txt", b"x")), "bad-name");
}

#[test]
fn duplicate_names_also_after_nfc() {
    refused(
        &with_extra(Raw::file("bag/data/a.txt", b"other")),
        "duplicate-name",
    );
    let mut entries = minimal_bag();
    entries.push(Raw::file("bag/data/caf\u{e9}", b"1"));
    entries.push(Raw::file("bag/data/cafe\u{301}", b"2"));
    refused(&build(&entries, false), "duplicate-name");
}

#[test]
fn entries_outside_the_root_folder() {
    refused(&with_extra(Raw::file("other/data/x", b"x")), "outside-root");
    refused(&with_extra(Raw::file("bag", b"x")), "outside-root");
}

#[test]
fn symlinks() {
    let mut link = Raw::file("bag/data/link", b"/etc/passwd");
    link.mode = 0o120777;
    refused(&with_extra(link), "symlink");
}

#[test]
fn encrypted_entries() {
    let mut e = Raw::file("bag/data/secret", b"xxxxxxxxxxxxxxxx");
    e.flags |= 1;
    refused(&with_extra(e), "encrypted");
}

#[test]
fn unsupported_compression() {
    let mut e = Raw::file("bag/data/bz", b"BZh9");
    e.method = 12;
    refused(&with_extra(e), "unsupported-compression");
}

#[test]
fn inconsistent_headers() {
    let mut e = Raw::file("bag/data/x", b"abc");
    e.declared_size = Some(100);
    refused(&with_extra(e), "inconsistent-header");
    let mut e = Raw::file("bag/data/y", b"abc");
    e.local_name = Some(b"bag/data/z".to_vec());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.zip");
    std::fs::write(&path, with_extra(e)).unwrap();
    let (code, _, _) = run(docseal().arg("verify").arg(&path));
    assert_eq!(
        code, 1,
        "a local name that differs from the central one must not verify"
    );
}

#[test]
fn overlapping_entries() {
    let entries = vec![
        Raw::file("bag/data/a", b"same"),
        Raw::file("bag/data/b", b"same"),
    ];
    refused(&build(&entries, true), "overlapping-entries");
}

#[test]
fn zip_bombs() {
    // 64 MiB of zeros deflate to about 64 KiB: a ratio over 1000.
    let mut buf = Vec::new();
    {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(&mut buf));
        for e in minimal_bag() {
            zip.start_file(
                String::from_utf8(e.name).unwrap(),
                zip::write::SimpleFileOptions::default(),
            )
            .unwrap();
            zip.write_all(&e.data).unwrap();
        }
        zip.start_file(
            "bag/data/zeros",
            zip::write::SimpleFileOptions::default().compression_level(Some(9)),
        )
        .unwrap();
        let chunk = vec![0u8; 1 << 20];
        for _ in 0..64 {
            zip.write_all(&chunk).unwrap();
        }
        zip.finish().unwrap();
    }
    refused(&buf, "zip-bomb");
}

#[test]
fn truncated_and_garbage_files() {
    let good = build(&minimal_bag(), false);
    refused(&good[..good.len() - 10], "not a readable zip");
    refused(b"this is not a zip file at all", "not a readable zip");
}
