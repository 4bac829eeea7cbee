//! Formats are forever: these tests fail if a single byte of what docseal
//! writes changes. Pinned files live in tests/snapshots/pins/.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Read;

use common::assert_snapshot;

/// The reference, sealed and co-signed with the published demo keys (fixed
/// keys, fixed time: the same bytes on every machine).
fn demo_bundle(dir: &std::path::Path) -> std::path::PathBuf {
    common::seal_and_cosign_demo(
        std::path::Path::new("statements/kz-rs-2026-02-27.json"),
        Some(std::path::Path::new("statements/kz-rs-2026-02-27.txt")),
        &dir.join("kz-rs.zip"),
    )
}

fn entry(path: &std::path::Path, name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    archive
        .by_name(&format!("kz-rs-2026-02-27/{name}"))
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[test]
fn tag_files_and_signed_statements_are_pinned() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = demo_bundle(dir.path());
    for (name, pin) in [
        ("bagit.txt", "bagit.txt"),
        ("bag-info.txt", "bag-info.txt"),
        ("manifest-sha256.txt", "manifest-sha256.txt"),
        ("manifest-sha512.txt", "manifest-sha512.txt"),
        ("tagmanifest-sha256.txt", "tagmanifest-sha256.txt"),
        ("metadata/validation.json", "validation.json"),
        (
            "signatures/079c558af2309d3cf3636ed5d38e9f0ae870278a0eaf5774b9d71509a3eb3e7f.json",
            "signed-kz.json",
        ),
        (
            "signatures/079c558af2309d3cf3636ed5d38e9f0ae870278a0eaf5774b9d71509a3eb3e7f.sig",
            "signed-kz.sig",
        ),
        (
            "signatures/a40897a5bea2868dc61d605811fbcb9218e5030696e339d8adb4da340a319925.json",
            "signed-rs.json",
        ),
    ] {
        let text = entry(&bundle, name).replace(env!("CARGO_PKG_VERSION"), "VERSION");
        assert_snapshot(&format!("pins/{pin}"), &text);
    }
}

#[test]
fn whole_bundle_bytes_are_pinned() {
    // Zip framing, entry order, timestamps, modes, Deflate output: all of it.
    // (A docseal version bump changes bag-info.txt, and so this digest.)
    let dir = tempfile::tempdir().unwrap();
    let bundle = demo_bundle(dir.path());
    let digest = docseal::digest::Sha256Digest::of_bytes(&std::fs::read(&bundle).unwrap());
    assert_snapshot(
        "pins/bundle.sha256",
        &format!("{digest}  docseal {}\n", env!("CARGO_PKG_VERSION")),
    );
}

#[test]
fn trust_file_is_pinned() {
    assert_snapshot(
        "pins/trust.json",
        &std::fs::read_to_string("keys/trust.json").unwrap(),
    );
}
