//! Hostile archives, each made from a valid bundle (sealed and co-signed
//! with the test keys, authentic under the test keyring) changed in
//! exactly one way: `verify` must fail the `container` check with that
//! rule's code (docs/FORMAT.md §5.3.1), and `extract` must write nothing.
//! The same archive without the change is authentic, so each test fails if
//! its rule is removed.
#![allow(clippy::unwrap_used)]

mod common;
#[path = "attacks/corpus.rs"]
mod corpus;

use std::path::Path;
use std::sync::OnceLock;

use common::{EPOCH, KEYRING, KZ_KEY, RS_KEY, docseal, private_keys, run};
use corpus::{Archive, Layout, Raw, parse, zip64_extra};

/// The reference bundle: statement, source text and a Stored attachment,
/// signed by KZ and RS.
fn reference() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        private_keys();
        let dir = tempfile::tempdir().unwrap();
        let photo = dir.path().join("photo.bin");
        std::fs::write(
            &photo,
            (0..4096u32)
                .map(|i| (i * 7 % 251) as u8)
                .collect::<Vec<_>>(),
        )
        .unwrap();
        let out = dir.path().join("ref.zip");
        let (code, _, err) = run(docseal()
            .args(["seal", "statements/kz-rs-2026-02-27.json"])
            .args(["--text", "statements/kz-rs-2026-02-27.txt", "--attach"])
            .arg(&photo)
            .args(["--key", KZ_KEY, "--keyring", KEYRING, "-o"])
            .arg(&out)
            .env("SOURCE_DATE_EPOCH", EPOCH));
        assert_eq!(code, 0, "{err}");
        let (code, _, err) = run(docseal()
            .args(["cosign", "--key", RS_KEY, "--keyring", KEYRING])
            .arg(&out)
            .env("SOURCE_DATE_EPOCH", EPOCH));
        assert_eq!(code, 0, "{err}");
        std::fs::read(&out).unwrap()
    })
}

fn archive() -> Archive {
    parse(reference())
}

fn verify(bytes: &[u8]) -> (i32, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("attack.zip");
    std::fs::write(&path, bytes).unwrap();
    let (code, out, err) = run(docseal()
        .args(["verify", "--format", "json", "--keyring", KEYRING])
        .arg(&path));
    let report: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    (code, report["reports"][0].clone())
}

fn authentic(what: &str, bytes: &[u8]) {
    let (code, report) = verify(bytes);
    assert_eq!(report["verdict"], "authentic", "{what}: {report:#}");
    assert_eq!(code, 0, "{what}");
}

/// Refused by verify with `code`, and by extract without writing anything.
fn refused(what: &str, bytes: &[u8], code: &str) {
    let (exit, report) = verify(bytes);
    assert_eq!(exit, 1, "{what}: {report:#}");
    assert_eq!(report["verdict"], "not-authentic", "{what}");
    let failed: Vec<String> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "fail" && c["code"] == "container")
        .map(|c| c["message"].as_str().unwrap().to_string())
        .collect();
    let wanted = format!("refused ({code})");
    assert!(
        failed.iter().any(|m| m.starts_with(&wanted)),
        "{what}: expected {wanted}, got {failed:?}"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("attack.zip");
    std::fs::write(&path, bytes).unwrap();
    let target = dir.path().join("out");
    let (exit, _, _) = run(docseal().args(["extract", "-o"]).arg(&target).arg(&path));
    assert_ne!(exit, 0, "{what}: extract must refuse");
    let left: Vec<_> = std::fs::read_dir(&target)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "{what}: extract left {left:?}");
    assert!(!dir.path().join("evil").exists(), "{what}: wrote outside");
}

fn built(a: &Archive) -> Vec<u8> {
    a.build(&Layout::default())
}

/// The archive with one more Stored entry.
fn with_entry(raw: Raw) -> Vec<u8> {
    let mut a = archive();
    a.entries.push(raw);
    built(&a)
}

/// The archive with one change to entry `suffix`.
fn changed(suffix: &str, change: impl FnOnce(&mut Raw)) -> Vec<u8> {
    let mut a = archive();
    let i = a.find(suffix);
    change(&mut a.entries[i]);
    built(&a)
}

fn laid_out(layout: Layout) -> Vec<u8> {
    archive().build(&layout)
}

const ATTACHMENT: &str = "data/attachments/photo.bin";
const TEXT: &str = "data/statement.txt";
const ROOT: &str = "kz-rs-2026-02-27/";

#[test]
fn the_reference_is_authentic_and_rebuilds_byte_for_byte() {
    assert_eq!(built(&archive()), reference());
    authentic("reference", reference());
    let a = archive();
    let attachment = &a.entries[a.find(ATTACHMENT)];
    assert_eq!(attachment.method, 0, "the attachment is Stored");
    assert_eq!(a.entries[a.find(TEXT)].method, 8, "text is Deflated");
}

/// A container the reader accepts, refused only by the docseal profile's
/// zip encoding (FORMAT.md §5.7).
fn sound_but_not_docseal_encoding(what: &str, bytes: &[u8]) {
    let (code, report) = verify(bytes);
    assert_eq!(code, 1, "{what}");
    let failed: Vec<&str> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "fail")
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(failed, ["profile.zip-encoding"], "{what}: {report:#}");
}

#[test]
fn valid_forms_other_writers_use_are_read() {
    // A data descriptor after the data, with zero in the local header.
    sound_but_not_docseal_encoding(
        "data descriptor",
        &changed(TEXT, |e| {
            e.flags |= 0x0008;
            e.local.crc = Some(0);
            e.local.compressed = Some(0);
            e.local.size = Some(0);
            let mut d = 0x0807_4b50u32.to_le_bytes().to_vec();
            d.extend(e.crc.to_le_bytes());
            d.extend(e.compressed.to_le_bytes());
            d.extend(e.size.to_le_bytes());
            e.descriptor = d;
        }),
    );
    // The same without the optional signature.
    sound_but_not_docseal_encoding(
        "data descriptor without signature",
        &changed(TEXT, |e| {
            e.flags |= 0x0008;
            let mut d = e.crc.to_le_bytes().to_vec();
            d.extend(e.compressed.to_le_bytes());
            d.extend(e.size.to_le_bytes());
            e.descriptor = d;
        }),
    );
    // ZIP64 sizes for a small entry (APPNOTE allows it at any size).
    authentic(
        "zip64 entry",
        &changed(ATTACHMENT, |e| {
            let (size, packed) = (u64::from(e.size), u64::from(e.compressed));
            e.needed = 45;
            e.made_by = (3 << 8) | 45;
            e.local_extra = zip64_extra(&[size, packed]);
            e.central_extra = zip64_extra(&[size, packed]);
            e.size = u32::MAX;
            e.compressed = u32::MAX;
        }),
    );
    authentic(
        "zip64 end records",
        &laid_out(Layout {
            zip64_end: true,
            ..Layout::default()
        }),
    );
    let mut a = archive();
    a.comment = b"an archive comment".to_vec();
    sound_but_not_docseal_encoding("comment", &built(&a));
    sound_but_not_docseal_encoding("MS-DOS host", &changed(TEXT, |e| e.made_by = 20));
    sound_but_not_docseal_encoding("internal attributes", &changed(TEXT, |e| e.internal = 1));
    sound_but_not_docseal_encoding(
        "mode 0600",
        &changed(TEXT, |e| e.external = 0o100_600 << 16),
    );
    let mut swapped = archive();
    swapped.entries.swap(0, 1);
    sound_but_not_docseal_encoding("names out of order", &built(&swapped));
}

#[test]
fn bytes_outside_every_structure() {
    refused(
        "prepended",
        &laid_out(Layout {
            prefix: b"#!/bin/sh\nexit 0\n".to_vec(),
            ..Layout::default()
        }),
        "prepended-data",
    );
    let mut trailing = reference().to_vec();
    trailing.extend(b"appended");
    refused("appended", &trailing, "trailing-data");
    refused(
        "between entries",
        &laid_out(Layout {
            after_entry: Some((2, vec![0; 16])),
            ..Layout::default()
        }),
        "gap",
    );
    let last = archive().entries.len() - 1;
    refused(
        "before the central directory",
        &laid_out(Layout {
            after_entry: Some((last, b"PK\x03\x04hidden".to_vec())),
            ..Layout::default()
        }),
        "gap",
    );
    refused(
        "after the central directory",
        &laid_out(Layout {
            after_cd: vec![0; 8],
            ..Layout::default()
        }),
        "gap",
    );
    // A comment that holds an end record makes two readings possible.
    let mut a = archive();
    let mut fake = 0x0605_4b50u32.to_le_bytes().to_vec();
    fake.extend([0; 18]);
    a.comment = fake;
    refused("end record in the comment", &built(&a), "gap");
}

#[test]
fn overlapping_and_truncated_structures() {
    let mut a = archive();
    let mut copy = a.entries[a.find(ATTACHMENT)].clone();
    copy.name = format!("{ROOT}data/attachments/copy.bin").into_bytes();
    a.entries.push(copy);
    let (source, copy_index) = (a.find(ATTACHMENT), a.entries.len() - 1);
    refused(
        "two central entries, one local header",
        &a.build(&Layout {
            share_local: Some((source, copy_index)),
            ..Layout::default()
        }),
        "overlapping-entries",
    );
    let good = reference();
    refused("cut", &good[..good.len() - 10], "not-a-zip");
    let mut a = archive();
    a.comment = b"comment".to_vec();
    let with_comment = built(&a);
    refused(
        "comment cut",
        &with_comment[..with_comment.len() - 3],
        "truncated",
    );
    refused("cut in the data", &good[..good.len() / 2], "not-a-zip");
    refused("garbage", b"this is not a zip file at all", "not-a-zip");
    refused("too short", b"PK\x05\x06", "not-a-zip");
    refused(
        "central directory size too large",
        &laid_out(Layout {
            cd_size: Some(100_000),
            ..Layout::default()
        }),
        "overlapping-entries",
    );
    let n = archive().entries.len() as u16;
    refused(
        "one entry fewer counted",
        &laid_out(Layout {
            count: Some(n - 1),
            ..Layout::default()
        }),
        "bad-central-directory",
    );
}

#[test]
fn local_headers_must_match_the_central_directory() {
    let mismatch = "local-header-mismatch";
    refused(
        "local name",
        &changed(TEXT, |e| {
            let mut n = e.name.clone();
            *n.last_mut().unwrap() = b'x';
            e.local.name = Some(n);
        }),
        mismatch,
    );
    refused(
        "local CRC",
        &changed(TEXT, |e| e.local.crc = Some(e.crc ^ 1)),
        mismatch,
    );
    refused(
        "local compressed size",
        &changed(ATTACHMENT, |e| e.local.compressed = Some(e.compressed - 1)),
        mismatch,
    );
    refused(
        "local size",
        &changed(TEXT, |e| e.local.size = Some(e.size + 1)),
        mismatch,
    );
    refused(
        "local method",
        &changed(TEXT, |e| e.local.method = Some(0)),
        mismatch,
    );
    refused(
        "local flags",
        &changed(TEXT, |e| e.local.flags = Some(0x0002)),
        mismatch,
    );
    refused(
        "local time",
        &changed(TEXT, |e| e.local.time = Some(e.time + 1)),
        mismatch,
    );
    refused(
        "local date",
        &changed(TEXT, |e| e.local.date = Some(e.date + 1)),
        mismatch,
    );
    refused(
        "local version",
        &changed(TEXT, |e| e.local.needed = Some(10)),
        mismatch,
    );
}

#[test]
fn data_descriptors_must_match() {
    refused(
        "flag 3 without a descriptor",
        &changed(TEXT, |e| e.flags |= 0x0008),
        "data-descriptor",
    );
    refused(
        "descriptor with another CRC",
        &changed(TEXT, |e| {
            e.flags |= 0x0008;
            let mut d = 0x0807_4b50u32.to_le_bytes().to_vec();
            d.extend((e.crc ^ 1).to_le_bytes());
            d.extend(e.compressed.to_le_bytes());
            d.extend(e.size.to_le_bytes());
            e.descriptor = d;
        }),
        "data-descriptor",
    );
}

#[test]
fn zip64_records_and_fields() {
    refused(
        "0xFFFF count without ZIP64",
        &laid_out(Layout {
            count: Some(0xFFFF),
            ..Layout::default()
        }),
        "zip64",
    );
    refused(
        "ZIP64 end record disagreeing",
        &laid_out(Layout {
            zip64_end: true,
            zip64_count: Some(3),
            ..Layout::default()
        }),
        "bad-central-directory",
    );
    refused(
        "0xFFFFFFFF size without a ZIP64 field",
        &changed(ATTACHMENT, |e| {
            e.size = u32::MAX;
            e.compressed = u32::MAX;
        }),
        "zip64",
    );
    refused(
        "ZIP64 field with more values than marked",
        &changed(ATTACHMENT, |e| {
            e.central_extra = zip64_extra(&[u64::from(e.size), u64::from(e.compressed)]);
        }),
        "bad-extra-field",
    );
}

#[test]
fn zip64_end_records() {
    let zip64 = |change: fn(&mut Layout)| {
        let mut layout = Layout {
            zip64_end: true,
            ..Layout::default()
        };
        change(&mut layout);
        laid_out(layout)
    };
    refused(
        "two disks in the locator",
        &zip64(|l| l.zip64_disks = Some(2)),
        "multi-disk",
    );
    refused(
        "record on disk 1",
        &zip64(|l| l.zip64_record_disk = Some(1)),
        "multi-disk",
    );
    refused(
        "no record where the locator points",
        &zip64(|l| l.zip64_offset_delta = -4),
        "zip64",
    );
    refused(
        "an extensible data sector",
        &zip64(|l| l.zip64_record_size = Some(52)),
        "zip64",
    );
    refused(
        "bytes between record and locator",
        &zip64(|l| l.zip64_gap = vec![0; 4]),
        "gap",
    );
    let n = archive().entries.len() as u16;
    refused(
        "the end record disagreeing with the ZIP64 record",
        &zip64(|l| l.count = Some(3)),
        "zip64",
    );
    let _ = n;
}

#[test]
fn split_archives() {
    refused(
        "disk 1",
        &laid_out(Layout {
            disk: Some(1),
            ..Layout::default()
        }),
        "multi-disk",
    );
    refused(
        "entry on disk 2",
        &changed(TEXT, |e| e.disk = 2),
        "multi-disk",
    );
}

#[test]
fn extra_fields() {
    refused(
        "stray bytes",
        &changed(TEXT, |e| e.central_extra = vec![1, 2, 3]),
        "bad-extra-field",
    );
    refused(
        "the same field twice",
        &changed(TEXT, |e| {
            e.local_extra = [0x55, 0x54, 1, 0, 1, 0x55, 0x54, 1, 0, 1].to_vec()
        }),
        "bad-extra-field",
    );
    refused(
        "Unicode Path naming another file",
        &changed(TEXT, |e| {
            let other = format!("{ROOT}data/other.txt");
            let mut d = vec![0x75, 0x70];
            d.extend(((5 + other.len()) as u16).to_le_bytes());
            d.push(1);
            d.extend(crc32fast::hash(&e.name).to_le_bytes());
            d.extend(other.as_bytes());
            e.central_extra = d;
        }),
        "bad-extra-field",
    );
}

#[test]
fn entry_kinds_and_methods() {
    refused(
        "reserved flag bit",
        &changed(TEXT, |e| e.flags |= 0x0010),
        "bad-flags",
    );
    refused(
        "encrypted",
        &changed(ATTACHMENT, |e| e.flags |= 0x0001),
        "encrypted",
    );
    refused(
        "version 7.0 needed",
        &changed(TEXT, |e| e.needed = 70),
        "unsupported-version",
    );
    refused(
        "bzip2",
        &changed(ATTACHMENT, |e| e.method = 12),
        "unsupported-compression",
    );
    refused(
        "symlink",
        &changed(ATTACHMENT, |e| e.external = 0o120_777 << 16),
        "symlink",
    );
    refused(
        "fifo",
        &changed(ATTACHMENT, |e| e.external = 0o010_644 << 16),
        "special-file",
    );
    refused(
        "stored sizes differ",
        &changed(ATTACHMENT, |e| e.size += 1),
        "inconsistent-header",
    );
    refused(
        "a folder's mode on a file",
        &changed(ATTACHMENT, |e| e.external = 0o040_755 << 16),
        "inconsistent-header",
    );
    refused(
        "a folder with data",
        &with_entry(Raw::stored("kz-rs-2026-02-27/data/folder/", b"x")),
        "inconsistent-header",
    );
    refused(
        "strong encryption header",
        &changed(ATTACHMENT, |e| e.central_extra = vec![0x17, 0, 0, 0]),
        "encrypted",
    );
    refused(
        "no local header where the central entry points",
        &changed(TEXT, |e| e.local.signature = Some(0x0403_4b51)),
        "local-header-mismatch",
    );
}

#[test]
fn entry_data_is_checked_as_it_is_read() {
    refused("CRC", &changed(TEXT, |e| e.crc ^= 0x8000), "crc-mismatch");
    refused(
        "stored CRC",
        &changed(ATTACHMENT, |e| e.crc ^= 1),
        "crc-mismatch",
    );
    refused("size", &changed(TEXT, |e| e.size += 1), "size-mismatch");
    refused(
        "bytes after the Deflate stream",
        &changed(TEXT, |e| {
            e.data.extend([0xAA; 7]);
            e.compressed += 7;
        }),
        "bad-deflate",
    );
    refused(
        "Deflate stream cut",
        &changed(TEXT, |e| {
            e.data.truncate(e.data.len() - 10);
            e.compressed -= 10;
        }),
        "bad-deflate",
    );
}

/// The entry of `a` whose Deflate stream ends before the last bit of its
/// last byte, and that bit's mask.
fn padded(a: &Archive) -> (usize, u8) {
    let inflate = |data: &[u8]| {
        let mut out = Vec::new();
        let mut d = flate2::read::DeflateDecoder::new(data);
        std::io::Read::read_to_end(&mut d, &mut out)
            .ok()
            .map(|_| out)
    };
    for (i, e) in a.entries.iter().enumerate().filter(|(_, e)| e.method == 8) {
        let original = inflate(&e.data);
        let last = *e.data.last().unwrap();
        let mask = 0x80u8;
        if last & mask == 0 {
            let mut data = e.data.clone();
            *data.last_mut().unwrap() |= mask;
            if inflate(&data) == original {
                return (i, mask);
            }
        }
    }
    panic!("no entry with padding bits");
}

#[test]
fn deflate_padding_bits_must_be_zero() {
    let mut a = archive();
    let (i, mask) = padded(&a);
    *a.entries[i].data.last_mut().unwrap() |= mask;
    refused("a padding bit set", &built(&a), "bad-deflate");
}

#[test]
fn names() {
    let extra = |name: &str| with_entry(Raw::stored(name, b"x"));
    refused(
        "absolute",
        &extra("/kz-rs-2026-02-27/data/x"),
        "absolute-path",
    );
    refused(
        "drive letter",
        &extra("C:kz-rs-2026-02-27/data/x"),
        "absolute-path",
    );
    refused(
        "dot dot",
        &extra("kz-rs-2026-02-27/../evil"),
        "path-traversal",
    );
    refused(
        "dot dot inside",
        &extra("kz-rs-2026-02-27/data/../../evil"),
        "path-traversal",
    );
    refused(
        "backslash",
        &extra("kz-rs-2026-02-27\\..\\evil"),
        "bad-name",
    );
    refused("NUL", &extra("kz-rs-2026-02-27/data/a\0.txt"), "bad-name");
    refused("empty component", &extra("kz-rs-2026-02-27//x"), "bad-name");
    let mut not_utf8 = Raw::stored("kz-rs-2026-02-27/data/x", b"x");
    not_utf8.name.push(0xFF);
    refused("not UTF-8", &with_entry(not_utf8), "bad-name");
    let mut cp437 = Raw::stored("kz-rs-2026-02-27/data/caf\u{e9}", b"x");
    cp437.flags = 0;
    refused(
        "non-ASCII without the UTF-8 flag",
        &with_entry(cp437),
        "bad-name",
    );
    refused(
        "the same name twice",
        &extra("kz-rs-2026-02-27/data/statement.txt"),
        "duplicate-name",
    );
    let mut a = archive();
    a.entries
        .push(Raw::stored("kz-rs-2026-02-27/data/caf\u{e9}", b"1"));
    a.entries
        .push(Raw::stored("kz-rs-2026-02-27/data/cafe\u{301}", b"2"));
    refused("the same name after NFC", &built(&a), "duplicate-name");
    refused(
        "a file that is also a folder",
        &extra("kz-rs-2026-02-27/data/statement.txt/x"),
        "name-conflict",
    );
    refused("another root", &extra("other/data/x"), "outside-root");
    refused(
        "a file at the top",
        &extra("kz-rs-2026-02-27.txt"),
        "outside-root",
    );
}

#[test]
fn bombs_and_counts() {
    let zeros = vec![0u8; 4 << 20];
    refused(
        "ratio",
        &with_entry(Raw::deflated("kz-rs-2026-02-27/data/zeros", &zeros, 9)),
        "zip-bomb",
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.zip");
    std::fs::write(&path, reference()).unwrap();
    let limits = docseal::bundle::source::Limits {
        max_entries: 5,
        ..Default::default()
    };
    let e = docseal::bundle::source::BagSource::open(Path::new(&path), limits).unwrap_err();
    match e {
        docseal::bundle::source::SourceError::Unsafe(u) => {
            assert_eq!(
                u.code,
                docseal::bundle::source::ContainerCode::TooManyEntries
            )
        }
        other => panic!("{other}"),
    }
}
