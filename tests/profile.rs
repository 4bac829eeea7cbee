//! The docseal BagIt profile (docs/FORMAT.md §5.3.3): each rule broken by
//! one change to the signed reference bundle — after which the manifests,
//! the tag manifests and both signatures are made again with the test
//! keys, so that the bundle is a valid BagIt bag, validly signed, whose one
//! defect is the profile's rule. Each test asserts that this rule's code is
//! the only failure, so it fails if the rule is removed.
#![allow(clippy::unwrap_used)]

mod common;
#[path = "attacks/corpus.rs"]
mod corpus;

use std::io::Read;
use std::sync::OnceLock;

use base64::Engine as _;
use common::{EPOCH, KEYRING, KZ_KEY, RS_KEY, docseal, private_keys, run};
use corpus::{Archive, Layout, Raw, parse};
use docseal::bundle::layout;
use docseal::bundle::signed::SignedStatement;
use docseal::digest::{Sha256Digest, Sha512Digest};

const ROOT: &str = "kz-rs-2026-02-27/";

fn reference() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        private_keys();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("ref.zip");
        let (code, _, err) = run(docseal()
            .args(["seal", "statements/kz-rs-2026-02-27.json"])
            .args(["--text", "statements/kz-rs-2026-02-27.txt"])
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

/// A file's bytes (inflated).
fn file(a: &Archive, rel: &str) -> Vec<u8> {
    let e = &a.entries[a.find(&format!("{ROOT}{rel}"))];
    if e.method == 8 {
        let mut out = Vec::new();
        flate2::read::DeflateDecoder::new(&e.data[..])
            .read_to_end(&mut out)
            .unwrap();
        out
    } else {
        e.data.clone()
    }
}

fn has(a: &Archive, rel: &str) -> bool {
    a.entries
        .iter()
        .any(|e| e.name == format!("{ROOT}{rel}").as_bytes())
}

/// Sets (or adds) a file, Deflated as docseal writes text.
fn put(a: &mut Archive, rel: &str, data: &[u8]) {
    let name = format!("{ROOT}{rel}");
    let mut raw = Raw::deflated(&name, data, 6);
    raw.time = a.entries[0].time;
    raw.date = a.entries[0].date;
    a.entries.retain(|e| e.name != name.as_bytes());
    a.entries.push(raw);
    a.entries.sort_by(|x, y| x.name.cmp(&y.name));
}

fn remove(a: &mut Archive, rel: &str) {
    let name = format!("{ROOT}{rel}");
    a.entries.retain(|e| e.name != name.as_bytes());
}

fn relative(e: &Raw) -> String {
    String::from_utf8(e.name.clone()).unwrap()[ROOT.len()..].to_string()
}

/// Makes the manifests, `Payload-Oxum`, the tag manifests and both
/// signatures again for what the archive now holds.
fn reseal(a: &mut Archive) {
    reseal_payload(a);
    reseal_tags(a);
}

/// The payload manifests and `Payload-Oxum`.
fn reseal_payload(a: &mut Archive) {
    let payload: Vec<(String, Vec<u8>)> = a
        .entries
        .iter()
        .map(relative)
        .filter(|p| p.starts_with("data/"))
        .map(|p| {
            let bytes = file(a, &p);
            (p, bytes)
        })
        .collect();
    for alg in ["sha256", "sha512"] {
        let name = format!("manifest-{alg}.txt");
        if has(a, &name) {
            let text =
                layout::manifest_text(payload.iter().map(|(p, b)| (p.as_str(), hex(alg, b))));
            put(a, &name, text.as_bytes());
        }
    }
    if has(a, "bag-info.txt") {
        let info = String::from_utf8(file(a, "bag-info.txt")).unwrap();
        let bytes: usize = payload.iter().map(|(_, b)| b.len()).sum();
        let oxum = format!("Payload-Oxum: {bytes}.{}", payload.len());
        let fixed: Vec<String> = info
            .split_inclusive('\n')
            .map(|l| {
                if l.starts_with("Payload-Oxum:") {
                    format!("{oxum}\n")
                } else {
                    l.to_string()
                }
            })
            .collect();
        put(a, "bag-info.txt", fixed.concat().as_bytes());
    }
}

/// The tag manifests (listing what FORMAT.md §5.1 says they list) and the
/// signatures.
fn reseal_tags(a: &mut Archive) {
    let tags: Vec<(String, Vec<u8>)> = a
        .entries
        .iter()
        .map(relative)
        .filter(|p| {
            p == "bag-info.txt"
                || p == "bagit.txt"
                || (p.starts_with("manifest-") && p.ends_with(".txt"))
                || p.starts_with("metadata/")
        })
        .map(|p| {
            let bytes = file(a, &p);
            (p, bytes)
        })
        .collect();
    for alg in ["sha256", "sha512"] {
        let name = format!("tagmanifest-{alg}.txt");
        if has(a, &name) {
            let text = layout::manifest_text(tags.iter().map(|(p, b)| (p.as_str(), hex(alg, b))));
            put(a, &name, text.as_bytes());
        }
    }
    let digests = docseal::bundle::signed::TagManifestDigests {
        sha256: Sha256Digest::of_bytes(&file(a, "tagmanifest-sha256.txt")),
        sha512: Sha512Digest::of_bytes(&file(a, "tagmanifest-sha512.txt")),
    };
    for key_path in [KZ_KEY, RS_KEY] {
        let key = docseal::keys::read_private_key(std::path::Path::new(key_path), &mut || None)
            .unwrap()
            .key;
        let id = docseal::keys::KeyId::of(&key.verifying_key()).hex();
        let json = format!("signatures/{id}.json");
        let mut signed = SignedStatement::parse(&file(a, &json)).unwrap();
        signed.tagmanifest = digests;
        let bytes = signed.signing_bytes();
        let mut sig =
            base64::engine::general_purpose::STANDARD.encode(docseal::keys::sign(&key, &bytes));
        sig.push('\n');
        put(a, &json, &bytes);
        put(a, &format!("signatures/{id}.sig"), sig.as_bytes());
    }
}

fn hex(alg: &str, bytes: &[u8]) -> String {
    if alg == "sha256" {
        Sha256Digest::of_bytes(bytes).hex()
    } else {
        Sha512Digest::of_bytes(bytes).hex()
    }
}

/// The failed checks' codes, and the verdict.
fn failures(bytes: &[u8]) -> (String, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b.zip");
    std::fs::write(&path, bytes).unwrap();
    let (_, out, err) = run(docseal()
        .args(["verify", "--format", "json", "--keyring", KEYRING])
        .arg(&path));
    let report: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
    let r = &report["reports"][0];
    let failed: Vec<String> = r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "fail")
        .map(|c| c["code"].as_str().unwrap().to_string())
        .collect();
    let mut failed: Vec<String> = failed;
    failed.dedup();
    (r["verdict"].as_str().unwrap().to_string(), failed)
}

/// The reference changed by `change`, resealed: refused by `code` alone.
fn only(code: &str, change: impl FnOnce(&mut Archive)) {
    let mut a = parse(reference());
    change(&mut a);
    reseal(&mut a);
    let (verdict, failed) = failures(&a.build(&Layout::default()));
    assert_eq!(verdict, "not-authentic", "{code}: {failed:?}");
    assert_eq!(failed, [code], "{code}");
}

/// The same for a change to the payload manifests themselves: made after
/// them, before the tag manifests and signatures.
fn only_in_manifests(code: &str, change: impl FnOnce(&mut Archive)) {
    let mut a = parse(reference());
    reseal_payload(&mut a);
    change(&mut a);
    reseal_tags(&mut a);
    let (verdict, failed) = failures(&a.build(&Layout::default()));
    assert_eq!(verdict, "not-authentic", "{code}: {failed:?}");
    assert_eq!(failed, [code], "{code}");
}

#[test]
fn resealing_the_unchanged_reference_keeps_it_authentic() {
    let mut a = parse(reference());
    reseal(&mut a);
    assert_eq!(
        failures(&a.build(&Layout::default())),
        ("authentic".into(), vec![])
    );
}

#[test]
fn bagit_txt_is_exactly_formats() {
    only("profile.declaration", |a| {
        put(
            a,
            "bagit.txt",
            b"BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n",
        )
    });
    only("profile.declaration", |a| {
        put(
            a,
            "bagit.txt",
            b"BagIt-Version: 1.0\nTag-File-Character-Encoding: ISO-8859-1\n",
        )
    });
    only("profile.declaration", |a| {
        put(
            a,
            "bagit.txt",
            b"BagIt-Version: 1.0\r\nTag-File-Character-Encoding: UTF-8\r\n",
        )
    });
}

#[test]
fn bag_info_holds_formats_fields() {
    let edit = |f: fn(String) -> String| {
        move |a: &mut Archive| {
            let info = String::from_utf8(file(a, "bag-info.txt")).unwrap();
            put(a, "bag-info.txt", f(info).as_bytes());
        }
    };
    only(
        "profile.bag-info",
        edit(|s| {
            s.lines()
                .filter(|l| !l.starts_with("Payload-Oxum"))
                .map(|l| format!("{l}\n"))
                .collect()
        }),
    );
    only("profile.bag-info", edit(|s| s + "Contact-Name: someone\n"));
    only(
        "profile.bag-info",
        edit(|s| {
            s.replace(
                "External-Identifier: kz-rs-2026-02-27",
                "External-Identifier: other",
            )
        }),
    );
    only(
        "profile.bag-info",
        edit(|s| s.replace("Bagging-Date: 2026-02-27", "Bagging-Date: 27.02.2026")),
    );
    only("profile.bag-info", edit(|s| s.replace('\n', "\r\n")));
    let mut a = parse(reference());
    remove(&mut a, "bag-info.txt");
    reseal(&mut a);
    let (_, failed) = failures(&a.build(&Layout::default()));
    assert!(
        failed.contains(&"profile.bag-info".to_string()),
        "{failed:?}"
    );
}

#[test]
fn exactly_the_sha256_and_sha512_manifests_in_formats_form() {
    only("profile.manifests", |a| remove(a, "manifest-sha512.txt"));
    only_in_manifests("profile.manifests", |a| {
        use sha2::Digest as _;
        let lines: Vec<(String, String)> = ["data/statement.json", "data/statement.txt"]
            .iter()
            .map(|p| {
                (
                    p.to_string(),
                    docseal::digest::hex(&md5::Md5::digest(file(a, p))),
                )
            })
            .collect();
        let text = layout::manifest_text(lines.iter().map(|(p, h)| (p.as_str(), h.clone())));
        put(a, "manifest-md5.txt", text.as_bytes());
    });
    only_in_manifests("profile.manifests", |a| {
        let text = String::from_utf8(file(a, "manifest-sha256.txt")).unwrap();
        let upper: String = text
            .lines()
            .map(|l| {
                let (h, p) = l.split_once("  ").unwrap();
                format!("{}  {p}\n", h.to_uppercase())
            })
            .collect();
        put(a, "manifest-sha256.txt", upper.as_bytes());
    });
    only_in_manifests("profile.manifests", |a| {
        let text = String::from_utf8(file(a, "manifest-sha256.txt")).unwrap();
        put(
            a,
            "manifest-sha256.txt",
            text.replace("  data/", "  ./data/").as_bytes(),
        );
    });
}

#[test]
fn no_fetch_txt() {
    only("profile.fetch", |a| {
        put(
            a,
            "fetch.txt",
            b"https://example.org/statement.txt 10 data/statement.txt\n",
        )
    });
}

#[test]
fn nothing_outside_the_layout() {
    only("profile.layout", |a| put(a, "data/other.json", b"{}"));
    only("profile.layout", |a| {
        put(a, "data/attachments/sub/a.txt", b"a")
    });
    only("profile.layout", |a| put(a, "notes/readme.txt", b"hello"));
}
