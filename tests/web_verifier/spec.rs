//! Rows of the web verifier's corpus for the questions its first author
//! raised about docs/FORMAT.md, each answered there now: plain BagIt bags
//! and their manifests, container details (data descriptors, extra fields,
//! folder entries, comments, file types, ZIP64 records), the exact forms of
//! `.sig` and `.pub.pem`, the statement's `format` assertions, lints, the
//! validation record, the order of the trust rules, and trust that cannot
//! be used. Each row is judged by both verifiers, like every other. Over
//! 600 lines: one group of rows per rule, each row a few lines of bytes.

use std::path::{Path, PathBuf};

use sha2::Digest as _;

use super::{
    Entry, KZ_SIGNER, Key, RS_SIGNER, Row, Sealing, Shape, Trust, attacks, bundle, bundle_with,
    entries, keyring, repo, tampered, write, write_zip,
};

/// What the rows are made from.
pub(super) struct Context<'a> {
    pub dir: &'a Path,
    /// A keyring trusting every key (for sealing).
    pub all: &'a Path,
    /// The keyring the rows are verified with.
    pub ring: &'a Path,
    pub kz: &'a Key,
    pub rs: &'a Key,
    pub us: &'a Key,
    /// The bundle sealed by KZ and co-signed by RS.
    pub co_signed: &'a Path,
}

pub(super) fn rows(c: &Context<'_>) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut add = |name: &str, bundle: PathBuf, trust: Trust, expected: &'static str| {
        rows.push(Row {
            name: name.to_string(),
            bundle,
            trust,
            expected,
            tsa: Vec::new(),
            mode: "",
        });
    };
    for (name, bytes, expected) in plain_bags() {
        let path = write(c.dir, &file_name(name), &bytes);
        add(name, path, Trust::None, expected);
    }
    for (name, bytes, expected) in signature_files(c) {
        let path = write(c.dir, &file_name(name), &bytes);
        add(name, path, Trust::Keyring(c.ring.to_path_buf()), expected);
    }
    for (name, path, expected) in statements(c) {
        add(name, path, Trust::Keyring(c.ring.to_path_buf()), expected);
    }
    for (name, path, trust, expected) in trust_rows(c) {
        add(name, path, trust, expected);
    }
    rows
}

fn file_name(row: &str) -> String {
    row.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

const PAYLOAD: [(&str, &[u8]); 2] = [
    ("data/hello.txt", b"hello, bag\n"),
    ("data/100%.txt", b"a percent\n"),
];

/// A plain BagIt 1.0 bag (no docseal file): `bagit.txt`, `bag-info.txt`
/// with its Payload-Oxum, the payload and `manifest` as given, all Stored.
fn plain(manifest: (&str, String), payload: &[(&str, &[u8])]) -> Vec<attacks::Raw> {
    let bytes: usize = payload.iter().map(|(_, d)| d.len()).sum();
    let info = format!("Payload-Oxum: {bytes}.{}\n", payload.len());
    let mut files: Vec<(String, Vec<u8>)> = vec![
        (
            "bagit.txt".into(),
            b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".to_vec(),
        ),
        ("bag-info.txt".into(), info.into_bytes()),
        (manifest.0.into(), manifest.1.into_bytes()),
    ];
    files.extend(payload.iter().map(|(p, d)| ((*p).to_string(), d.to_vec())));
    files.sort();
    files
        .iter()
        .map(|(p, d)| attacks::Raw::stored(&format!("plain/{p}"), d))
        .collect()
}

/// `manifest-<alg>.txt` lines of §5.1 (path `%`-encoded) for the payload.
fn manifest_lines(digest: impl Fn(&[u8]) -> String) -> String {
    let mut lines: Vec<String> = PAYLOAD
        .iter()
        .map(|(p, d)| format!("{}  {}\n", digest(d), p.replace('%', "%25")))
        .collect();
    lines.sort();
    lines.concat()
}

fn sha256_hex(d: &[u8]) -> String {
    hex(&sha2::Sha256::digest(d))
}

fn archive(entries: Vec<attacks::Raw>) -> attacks::Archive {
    attacks::Archive {
        entries,
        comment: Vec::new(),
    }
}

/// FORMAT.md §5.3 (a bag that is no bundle: `valid-bag` or `invalid-bag`),
/// §5.3.2 (manifest lines, md5, a path twice) and §5.3.1 (what the container
/// accepts in any bag and refuses in any zip).
fn plain_bags() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let sha256 = || ("manifest-sha256.txt", manifest_lines(sha256_hex));
    let good = archive(plain(sha256(), &PAYLOAD));
    let build = |a: &attacks::Archive| a.build(&attacks::Layout::default());
    let mut out = vec![("plain bag", build(&good), "valid-bag")];

    let changed = archive(plain(
        sha256(),
        &[PAYLOAD[0], ("data/100%.txt", b"a percent!\n")],
    ));
    out.push((
        "plain bag, a payload file changed",
        build(&changed),
        "invalid-bag",
    ));
    let md5 = |d: &[u8]| hex(&md5::Md5::digest(d));
    let md5_only = archive(plain(("manifest-md5.txt", manifest_lines(md5)), &PAYLOAD));
    out.push((
        "plain bag, an md5 manifest only",
        build(&md5_only),
        "valid-bag",
    ));
    let md5_wrong = archive(plain(
        (
            "manifest-md5.txt",
            manifest_lines(|d| md5(&[d, b"x"].concat())),
        ),
        &PAYLOAD,
    ));
    out.push((
        "plain bag, an md5 digest that differs",
        build(&md5_wrong),
        "invalid-bag",
    ));
    let other_forms: String = PAYLOAD
        .iter()
        .map(|(p, d)| {
            format!(
                "{}\t*{}\n",
                sha256_hex(d).to_uppercase(),
                p.replace('%', "%25")
            )
        })
        .collect();
    let forms = archive(plain(("manifest-sha256.txt", other_forms), &PAYLOAD));
    out.push((
        "plain bag, manifest lines with upper-case hex, a tab, md5sum's *",
        build(&forms),
        "valid-bag",
    ));
    let twice = archive(plain(
        (
            "manifest-sha256.txt",
            format!(
                "{}{}",
                manifest_lines(sha256_hex),
                manifest_lines(sha256_hex)
            ),
        ),
        &PAYLOAD,
    ));
    out.push((
        "plain bag, a path listed twice",
        build(&twice),
        "invalid-bag",
    ));

    // The container: a data descriptor (flag bit 3) equal to the central entry, or not.
    let hello = good.find("data/hello.txt");
    let described = |crc_delta: u32| {
        let mut a = good.clone();
        let e = &mut a.entries[hello];
        e.flags |= 0x0008;
        e.local.crc = Some(0);
        e.local.compressed = Some(0);
        e.local.size = Some(0);
        e.descriptor = 0x0807_4b50u32.to_le_bytes().to_vec();
        e.descriptor.extend((e.crc ^ crc_delta).to_le_bytes());
        e.descriptor.extend(e.compressed.to_le_bytes());
        e.descriptor.extend(e.size.to_le_bytes());
        build(&a)
    };
    out.push(("plain bag, a data descriptor", described(0), "valid-bag"));
    out.push((
        "plain bag, a data descriptor that differs",
        described(1),
        "not-authentic",
    ));
    // Extra fields other than ZIP64: well-formed ones are read past.
    let timestamp = {
        let mut x = 0x5455u16.to_le_bytes().to_vec();
        x.extend(5u16.to_le_bytes());
        x.push(1);
        x.extend(1_772_186_400u32.to_le_bytes());
        x
    };
    let with_extra = |extra: Vec<u8>| {
        let mut a = good.clone();
        for e in &mut a.entries {
            e.central_extra.clone_from(&extra);
            e.local_extra.clone_from(&extra);
        }
        build(&a)
    };
    out.push((
        "plain bag, extended-timestamp extra fields",
        with_extra(timestamp.clone()),
        "valid-bag",
    ));
    out.push((
        "plain bag, an extra field id twice",
        with_extra([timestamp.clone(), timestamp].concat()),
        "not-authentic",
    ));
    // Folder entries: empty ones are read past; one with data is refused.
    let folders = |data: &[u8]| {
        let mut a = good.clone();
        for name in ["plain/", "plain/data/"] {
            let mut f = attacks::Raw::stored(name, data);
            f.external = (0o040_755 << 16) | 0x10;
            a.entries.push(f);
        }
        a.entries.sort_by(|x, y| x.name.cmp(&y.name));
        build(&a)
    };
    out.push(("plain bag, folder entries", folders(b""), "valid-bag"));
    // A bag with no payload: data/ exists only as a folder entry, or not at all.
    let empty = |with_folder: bool| {
        let mut a = archive(plain(("manifest-sha256.txt", String::new()), &[]));
        if with_folder {
            let mut f = attacks::Raw::stored("plain/data/", b"");
            f.external = (0o040_755 << 16) | 0x10;
            a.entries.push(f);
            a.entries.sort_by(|x, y| x.name.cmp(&y.name));
        }
        build(&a)
    };
    out.push((
        "plain bag with no payload, data/ a folder entry",
        empty(true),
        "valid-bag",
    ));
    out.push((
        "plain bag with no payload and no data/",
        empty(false),
        "invalid-bag",
    ));
    out.push((
        "plain bag, a folder entry with data",
        folders(b"x"),
        "not-authentic",
    ));
    let mut commented = good.clone();
    commented.comment = b"an archive comment".to_vec();
    out.push((
        "plain bag, an archive comment",
        build(&commented),
        "valid-bag",
    ));
    let mut fifo = good.clone();
    let mut f = attacks::Raw::stored("plain/data/fifo", b"");
    f.external = 0o010_644 << 16;
    fifo.entries.push(f);
    fifo.entries.sort_by(|x, y| x.name.cmp(&y.name));
    out.push(("plain bag, a FIFO", build(&fifo), "not-authentic"));
    // A name is its bytes: a byte order mark before the root folder's name makes another root.
    let mut bom = good.clone();
    bom.entries.push(attacks::Raw::stored(
        "\u{feff}plain/data/more.txt",
        b"more\n",
    ));
    out.push((
        "plain bag, a name starting with a byte order mark",
        build(&bom),
        "not-authentic",
    ));
    // ZIP64 end records: equal to the end record (whose fields are the sentinels), or not.
    let zip64 = |count: Option<u16>| {
        good.build(&attacks::Layout {
            zip64_end: true,
            count,
            ..attacks::Layout::default()
        })
    };
    out.push(("plain bag, ZIP64 end records", zip64(None), "valid-bag"));
    let n = u16::try_from(good.entries.len()).unwrap();
    out.push((
        "plain bag, ZIP64 end record and end record disagree",
        zip64(Some(n - 1)),
        "not-authentic",
    ));
    out
}

/// FORMAT.md §5.2 (`.sig`: padded base64, then exactly one `\n`) and §3
/// (`.pub.pem`): RS's files rewritten in other forms of the same bytes.
/// Files under `signatures/` are outside the tag manifests, so the form is
/// the only thing that changes.
fn signature_files(c: &Context<'_>) -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let good = entries(&std::fs::read(c.co_signed).unwrap());
    let at = |suffix: String| {
        good.iter()
            .position(|e| e.name.ends_with(suffix.as_bytes()))
            .unwrap()
    };
    let sig = at(format!("{}.sig", c.rs.id));
    let pem = at(format!("{}.pub.pem", c.rs.id));
    let with = |i: usize, bytes: Vec<u8>| {
        let mut changed: Vec<Entry> = good.clone();
        changed[i] = tampered(&good[i], |d| *d = bytes);
        write_zip(&changed, Shape::default())
    };
    let sig_text = String::from_utf8(good[sig].plain.clone()).unwrap();
    let b64 = sig_text.trim_end_matches('\n');
    let pem_text = String::from_utf8(good[pem].plain.clone()).unwrap();
    let body = pem_text
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<String>();
    let pem_of = |lines: &[&str], end: &str| {
        let mut t = String::from("-----BEGIN PUBLIC KEY-----");
        for l in lines {
            t.push_str(end);
            t.push_str(l);
        }
        t.push_str(end);
        t.push_str("-----END PUBLIC KEY-----");
        t.push_str(end);
        t.into_bytes()
    };
    // The same bytes in base64 whose unused bits (after the last byte) are not zero.
    let loose_bits = |b64: &str| {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut bytes = b64.as_bytes().to_vec();
        let last = bytes.iter().rposition(|&b| b != b'=').unwrap();
        let index = ALPHABET.iter().position(|&a| a == bytes[last]).unwrap();
        bytes[last] = ALPHABET[index ^ 1];
        String::from_utf8(bytes).unwrap()
    };
    let spki_null = {
        use base64::Engine as _;
        let der = base64::engine::general_purpose::STANDARD
            .decode(&body)
            .unwrap();
        let mut with_null = vec![
            0x30, 0x2c, 0x30, 0x07, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x05, 0x00,
        ];
        with_null.extend(&der[9..]);
        base64::engine::general_purpose::STANDARD.encode(with_null)
    };
    vec![
        (
            ".sig with set bits after its last byte",
            with(sig, format!("{}\n", loose_bits(b64)).into_bytes()),
            "not-authentic",
        ),
        (
            ".pub.pem with set bits after its last byte",
            with(pem, pem_of(&[&loose_bits(&body)], "\n")),
            "not-authentic",
        ),
        (
            ".pub.pem whose algorithm has NULL parameters",
            with(pem, pem_of(&[&spki_null], "\n")),
            "not-authentic",
        ),
        (
            ".pub.pem with a blank line before its END line",
            with(pem, pem_of(&[&body, ""], "\n")),
            "authentic",
        ),
        (
            ".pub.pem after a byte order mark",
            with(pem, format!("\u{feff}{pem_text}").into_bytes()),
            "not-authentic",
        ),
        (
            ".sig after a byte order mark",
            with(sig, format!("\u{feff}{sig_text}").into_bytes()),
            "not-authentic",
        ),
        (
            "RS .sig as written (re-zipped Stored)",
            with(sig, sig_text.clone().into_bytes()),
            "authentic",
        ),
        (
            ".sig without its newline",
            with(sig, b64.as_bytes().to_vec()),
            "not-authentic",
        ),
        (
            ".sig ending in CR LF",
            with(sig, format!("{b64}\r\n").into_bytes()),
            "not-authentic",
        ),
        (
            ".sig with a space before the newline",
            with(sig, format!("{b64} \n").into_bytes()),
            "not-authentic",
        ),
        (
            ".sig in base64 without padding",
            with(sig, format!("{}\n", b64.trim_end_matches('=')).into_bytes()),
            "not-authentic",
        ),
        (
            ".pub.pem with CR LF line ends",
            with(pem, pem_of(&[&body], "\r\n")),
            "authentic",
        ),
        (
            ".pub.pem without its final newline",
            with(pem, pem_text.trim_end().as_bytes().to_vec()),
            "authentic",
        ),
        (
            ".pub.pem with a blank line after it",
            with(pem, format!("{pem_text}\n").into_bytes()),
            "authentic",
        ),
        (
            ".pub.pem with text before it",
            with(pem, format!("RS key\n{pem_text}").into_bytes()),
            "authentic",
        ),
        (
            ".pub.pem with its base64 in two lines",
            with(pem, pem_of(&[&body[..32], &body[32..]], "\n")),
            "not-authentic",
        ),
        (
            ".pub.pem labelled ED25519 PUBLIC KEY",
            with(
                pem,
                pem_text
                    .replace("PUBLIC KEY", "ED25519 PUBLIC KEY")
                    .into_bytes(),
            ),
            "not-authentic",
        ),
    ]
}

/// FORMAT.md §5.3 (`statement.schema` with `format` asserted: `date` is an
/// RFC 3339 full-date, `uri` an RFC 3986 URI; `statement.lints` never
/// changes a verdict) and §5.1 (the validation record names the sealed
/// statement): statements sealed as another tool would, without docseal's
/// own checks, then co-signed.
fn statements(c: &Context<'_>) -> Vec<(&'static str, PathBuf, &'static str)> {
    let reference: serde_json::Value =
        serde_json::from_slice(&std::fs::read("statements/kz-rs-2026-02-27.json").unwrap())
            .unwrap();
    let signers = [
        (c.kz, "KZ", KZ_SIGNER, "signatory"),
        (c.rs, "RS", RS_SIGNER, "signatory"),
    ];
    let seal = |name: &str, edit: &dyn Fn(&mut serde_json::Value), record_of: Option<Vec<u8>>| {
        let mut v = reference.clone();
        edit(&mut v);
        let sealing = Sealing {
            statement: Some(serde_json::to_vec_pretty(&v).unwrap()),
            record_of,
            ..Sealing::default()
        };
        bundle_with(c.dir, &file_name(name), c.all, &signers, sealing)
    };
    type Edit = Box<dyn Fn(&mut serde_json::Value)>;
    let occasion = |start: &'static str, end: &'static str| -> Edit {
        Box::new(move |v| {
            v["occasion"]["start"] = start.into();
            v["occasion"]["end"] = end.into();
        })
    };
    let url = |u: &'static str| -> Edit { Box::new(move |v| v["source"]["url"] = u.into()) };
    let mut other = reference.clone();
    other["occasion"]["text"] = "another occasion".into();
    let other = serde_json::to_vec(&other).unwrap();
    let rows: Vec<(&'static str, Edit, Option<Vec<u8>>, &'static str)> = vec![
        (
            "a statement the dates lint denies (an occasion ending before it starts)",
            occasion("2026-02-28", "2026-02-27"),
            None,
            "authentic",
        ),
        (
            "a date that is no day (2026-02-30)",
            occasion("2026-02-26", "2026-02-30"),
            None,
            "not-authentic",
        ),
        (
            "a date not in full-date form (2026-2-27)",
            occasion("2026-02-26", "2026-2-27"),
            None,
            "not-authentic",
        ),
        (
            "a source url",
            url("https://www.akorda.kz/en/statement"),
            None,
            "authentic",
        ),
        (
            "a source url with a space in it",
            url("https://www.akorda.kz/en/joint statement"),
            None,
            "not-authentic",
        ),
        (
            "a relative reference as the source url",
            url("/en/statement"),
            None,
            "not-authentic",
        ),
        (
            "the validation record of another statement",
            Box::new(|_| {}),
            Some(other),
            "not-authentic",
        ),
    ];
    rows.into_iter()
        .map(|(name, edit, record_of, expected)| (name, seal(name, &*edit, record_of), expected))
        .collect()
}

/// FORMAT.md §4 (a keyring entry's file must exist and hold its key, else
/// the keyring is unreadable; version 1 has no `role`; other versions are
/// refused) and §5.3 (`signature.identity` is judged for demo keys too).
fn trust_rows(c: &Context<'_>) -> Vec<(&'static str, PathBuf, Trust, &'static str)> {
    let none = serde_json::json!({});
    let ring = |name: &str, extra: serde_json::Value| {
        keyring(c.dir, name, &[(c.kz, extra), (c.rs, none.clone())])
    };
    let missing = ring("ring-missing-file", none.clone());
    std::fs::remove_file(missing.join("kz.pub.pem")).unwrap();
    let other = ring("ring-other-key", none.clone());
    std::fs::copy(&c.us.public, other.join("kz.pub.pem")).unwrap();
    let role_v1 = ring("ring-v1-role", serde_json::json!({"role": "signatory"}));
    let v3 = ring("ring-v3", none.clone());
    let text = std::fs::read_to_string(v3.join("trust.json")).unwrap();
    std::fs::write(
        v3.join("trust.json"),
        text.replace("\"version\": 1", "\"version\": 3"),
    )
    .unwrap();
    let demo = |name: &'static str, party: &'static str, signer: &'static str| Key {
        name,
        party,
        signer,
        key: repo().join(format!("keys/demo/{name}.key.pem")),
        public: repo().join(format!("keys/demo/{name}.pub.pem")),
        id: String::new(),
    };
    let kz_demo = demo("kz-demo", "KZ", "");
    let rs_demo = demo("rs-demo", "RS", "");
    let demo_ring = repo().join("keys");
    let trust = std::fs::read_to_string(demo_ring.join("trust.json")).unwrap();
    let signer_of = |party: &str| -> String {
        let t: serde_json::Value = serde_json::from_str(&trust).unwrap();
        t["keys"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["party"] == party)
            .unwrap()["signer"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let rs_name = signer_of("RS");
    let kz_name = signer_of("KZ");
    let demo_bundle = |name: &str, kz_signer: &str| {
        bundle(
            c.dir,
            name,
            c.all,
            &[
                (&kz_demo, "KZ", kz_signer, "signatory"),
                (&rs_demo, "RS", &rs_name, "signatory"),
            ],
        )
    };
    vec![
        (
            "demo keys as the demo keyring names them",
            demo_bundle("demo-named", &kz_name),
            Trust::Keyring(demo_ring.clone()),
            "intact-untrusted",
        ),
        (
            "a demo key claiming another signer",
            demo_bundle("demo-other-signer", "Someone else"),
            Trust::Keyring(demo_ring),
            "not-authentic",
        ),
        (
            "a keyring entry whose key file is missing",
            c.co_signed.to_path_buf(),
            Trust::Keyring(missing),
            "error",
        ),
        (
            "a keyring entry whose file holds another key",
            c.co_signed.to_path_buf(),
            Trust::Keyring(other),
            "error",
        ),
        (
            "a version-1 trust.json with role",
            c.co_signed.to_path_buf(),
            Trust::Keyring(role_v1),
            "error",
        ),
        (
            "a version-3 trust.json",
            c.co_signed.to_path_buf(),
            Trust::Keyring(v3),
            "error",
        ),
    ]
}
