//! The browser verifier, web/verify.html: `docseal web-verifier` writes its
//! bytes, the README publishes its SHA-256, and — in Chromium, through
//! Playwright (tests/web/) — it reaches the verdict of `docseal verify` on
//! every bundle of a corpus built here with the real binary, and gives the
//! expected result on the JCS and Wycheproof Ed25519 vectors.
//!
//! Long, because the corpus is one table judged by both verifiers in one
//! browser session: the zip writer, the bundle makers and every row live
//! beside the one test that reads them (the rows for FORMAT.md's finer
//! rules are in web_verifier/spec.rs).
#![allow(clippy::unwrap_used, clippy::print_stdout)]

#[path = "attacks/corpus.rs"]
mod attacks;
mod common;
#[path = "web_verifier/spec.rs"]
mod spec;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{EPOCH, docseal, run};
use sha2::Digest as _;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn page() -> Vec<u8> {
    std::fs::read(repo().join("web/verify.html")).unwrap()
}

#[test]
fn the_readme_publishes_the_pages_sha256_and_version() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let digest = hex(&sha2::Sha256::digest(page()));
    let published: Vec<&str> = readme
        .lines()
        .filter_map(|l| l.split("verify.html SHA-256: `").nth(1))
        .filter_map(|rest| rest.split('`').next())
        .collect();
    assert_eq!(
        published,
        [digest.as_str()],
        "README.md must publish web/verify.html's SHA-256 once, as `verify.html SHA-256: `<hex>``"
    );
    let version = format!("verify.html version: `{}`", env!("CARGO_PKG_VERSION"));
    assert!(readme.contains(&version), "README.md must say {version}");
    let text = String::from_utf8(page()).unwrap();
    assert!(text.contains(&format!("docseal verifier {}", env!("CARGO_PKG_VERSION"))));
}

#[test]
fn web_verifier_writes_the_page_and_never_overwrites_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("verify.html");
    let (code, _, err) = run(docseal().args(["web-verifier", "-o"]).arg(&out));
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read(&out).unwrap(), page());
    std::fs::write(&out, b"mine").unwrap();
    let (code, _, err) = run(docseal().args(["web-verifier", "-o"]).arg(&out));
    assert_eq!(code, 2, "an existing file is refused");
    assert!(
        err.contains("already exists") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(std::fs::read(&out).unwrap(), b"mine");
    let (code, _, err) = run(docseal().args(["web-verifier", "--force", "-o"]).arg(&out));
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read(&out).unwrap(), page());
    let output = docseal().arg("web-verifier").output().unwrap();
    assert!(output.status.success());
    assert_eq!(output.stdout, page(), "stdout holds the same bytes");
}

/// `verify --format html` tells whoever reads the report how to check the
/// file again without docseal: with this page, whose digest the README
/// publishes.
#[test]
fn the_html_report_says_how_to_check_the_file_again_with_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = common::sealed_reference(dir.path());
    let (_, html, err) = run(docseal()
        .args(["verify", "--format", "html", "--keyring", "keys"])
        .arg(&bundle));
    assert!(html.contains("<html"), "{err}");
    for needed in [
        "verify.html",
        "docseal web-verifier -o verify.html",
        "SHA-256",
        "README",
    ] {
        assert!(
            html.contains(needed),
            "the HTML report does not say {needed:?}"
        );
    }
}

/// The page is one file that loads nothing: its policy forbids every
/// source but its own inline script and style, named by their digests,
/// WebAssembly compiled from that script's bytes, and workers started from
/// `blob:` URLs (which only the page itself can make: its hashing workers
/// run its own script). No directive names a host or a scheme that reaches
/// the network.
#[test]
fn the_page_is_self_contained_and_says_so_in_its_policy() {
    let text = String::from_utf8(page()).unwrap();
    let csp = text
        .split("http-equiv=\"Content-Security-Policy\" content=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("a Content-Security-Policy meta tag");
    let directives: Vec<&str> = csp.split("; ").collect();
    assert_eq!(directives[0], "default-src 'none'");
    let script = between(&text, "<script>", "</script>");
    let style = between(&text, "<style>", "</style>");
    let b64 = |s: &str| {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(s.as_bytes()))
    };
    assert_eq!(
        directives,
        [
            "default-src 'none'".to_string(),
            format!("script-src 'sha256-{}' 'wasm-unsafe-eval'", b64(script)),
            "worker-src blob:".to_string(),
            format!("style-src 'sha256-{}'", b64(style)),
            "base-uri 'none'".to_string(),
            "form-action 'none'".to_string(),
        ],
        "{csp}"
    );
    assert_eq!(
        text.matches("<script").count(),
        1,
        "one inline script, no other"
    );
    for banned in [
        "<link", "<iframe", "<img", "<object", " src=", "@import", "url(",
    ] {
        assert!(!text.contains(banned), "the page must not contain {banned}");
    }
}

fn between<'a>(text: &'a str, open: &str, close: &str) -> &'a str {
    text.split(open)
        .nth(1)
        .unwrap()
        .split(close)
        .next()
        .unwrap()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `web/build.mjs` gives exactly the committed page from web/src and the locked dependencies.
#[test]
#[cfg_attr(
    not(docseal_test_web_build),
    ignore = "needs node and web/node_modules (scripts/test runs npm ci in web/)"
)]
fn the_committed_page_is_what_the_build_gives() {
    let output = Command::new("node")
        .arg(repo().join("web/build.mjs"))
        .arg("--check")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
#[cfg_attr(
    not(docseal_test_playwright),
    ignore = "needs node, chromium and playwright-core in tests/web/node_modules (scripts/test)"
)]
fn vectors_give_their_expected_results_in_the_browser() {
    let output = Command::new("node")
        .arg(repo().join("tests/web/vectors.mjs"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let r: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    println!("{r}");
    assert_eq!(r["jcs"]["checked"], 6);
    assert_eq!(r["jcs"]["wrong"], serde_json::json!([]));
    assert_eq!(r["numbers"]["checked"], 1000);
    assert_eq!(r["numbers"]["wrong"], serde_json::json!([]));
    assert_eq!(r["ed25519"]["checked"], r["ed25519"]["expected"]);
    assert_eq!(r["ed25519"]["wrong"], serde_json::json!([]));
    // The page's own checks are what refuse these: WebCrypto alone accepts them.
    assert_eq!(r["ed25519"]["webcrypto_alone_wrong"], r["ed25519"]["extra"]);
    // The page's own SHA-512: 4 FIPS 180-4 examples, 301 short lengths, 9 around its 1 MiB chunks.
    assert_eq!(r["sha512"]["checked"], 4 + 301 + 9);
    assert_eq!(r["sha512"]["wrong"], serde_json::json!([]));
    assert_eq!(r["requests"], serde_json::json!([]));
    assert_eq!(r["errors"], serde_json::json!([]));
}

/// FORMAT.md §2 in both implementations: documents that have a canonical
/// form (and the same digest in both) and documents refused before
/// canonicalization — a byte order mark, an equal key written two ways, a
/// lone surrogate, integer literals that no double holds exactly (as
/// written: an exponent form of the same value is a double), nesting beyond
/// 128 levels, bytes that are not UTF-8 — each as `docseal hash` and the
/// page's own reader judge it.
#[test]
#[cfg_attr(
    not(docseal_test_playwright),
    ignore = "needs node, chromium and playwright-core in tests/web/node_modules (scripts/test)"
)]
fn the_page_and_docseal_hash_agree_on_the_canonical_form() {
    let nested = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth)).into_bytes();
    let cases: Vec<(Vec<u8>, bool)> = vec![
        (
            br#"{"b":1,"a":"x","c":{"z":[1.0,-0,1E2,0.1]}}"#.to_vec(),
            true,
        ),
        (b"\xef\xbb\xbf{}".to_vec(), false),
        (br#"{"a":1,"\u0061":2}"#.to_vec(), false),
        (br#"{"a":1,"a":1}"#.to_vec(), false),
        (br#"["\ud800"]"#.to_vec(), false),
        (
            r#"["\ud83d\ude00", "\u00e9", "é"]"#.as_bytes().to_vec(),
            true,
        ),
        (b"[9007199254740992, -9007199254740992]".to_vec(), true),
        (b"[9007199254740993]".to_vec(), false),
        (b"[-9007199254740993]".to_vec(), false),
        (
            b"[100000000000000000000, 18446744073709551616]".to_vec(),
            true,
        ),
        (b"[3.333333333333333e20]".to_vec(), true),
        (b"[1e400]".to_vec(), false),
        (b"[1e-400]".to_vec(), true),
        (b"[01]".to_vec(), false),
        (b"[1.]".to_vec(), false),
        (b"[+1]".to_vec(), false),
        (b"[1,]".to_vec(), false),
        (b"{} x".to_vec(), false),
        (b"[\"a\x01\"]".to_vec(), false),
        (b"[\"\xff\"]".to_vec(), false),
        (b" \t\r\n{} \n".to_vec(), true),
        (nested(127), true),
        (nested(128), false),
        // Integer literals beyond the 64-bit range that no double holds
        // exactly: §2 refuses them as written (serde_json would read them
        // as rounded doubles; docseal's strict reader sees the literal).
        (b"[333333333333333300000]".to_vec(), false),
        (b"[123456789012345678901234567890]".to_vec(), false),
    ];
    let page_only: Vec<Vec<u8>> = Vec::new();
    let dir = tempfile::tempdir().unwrap();
    let beyond: Vec<PathBuf> = page_only
        .iter()
        .enumerate()
        .map(|(i, bytes)| {
            let path = dir.path().join(format!("beyond-{i}.json"));
            std::fs::write(&path, bytes).unwrap();
            path
        })
        .collect();
    let files: Vec<PathBuf> = cases
        .iter()
        .enumerate()
        .map(|(i, (bytes, _))| {
            let path = dir.path().join(format!("case-{i:02}.json"));
            std::fs::write(&path, bytes).unwrap();
            path
        })
        .collect();
    let (_, out, _) = run(docseal().args(["hash", "--format", "json"]).args(&files));
    let cli: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    let output = Command::new("node")
        .arg(repo().join("tests/web/canonical.mjs"))
        .args(&files)
        .args(&beyond)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let page: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        (cli.len(), page.len()),
        (cases.len(), cases.len() + page_only.len())
    );
    for (bytes, result) in page_only.iter().zip(&page[cases.len()..]) {
        let shown = String::from_utf8_lossy(bytes);
        assert!(result["error"].is_string(), "{shown}: {result}");
    }
    let mut wrong = Vec::new();
    for (i, (bytes, has_form)) in cases.iter().enumerate() {
        let shown = String::from_utf8_lossy(&bytes[..bytes.len().min(60)]);
        if cli[i]["canonical"] != page[i]["canonical"]
            || page[i]["canonical"].is_string() != *has_form
        {
            wrong.push(format!(
                "{shown}: docseal hash {}, the page {}",
                cli[i]["canonical"], page[i]
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

// ---- the corpus ----

/// The trust given to both verifiers.
#[derive(Clone)]
enum Trust {
    /// Nothing: the page gets no keys; the CLI an empty keyring.
    None,
    /// A keyring folder (trust.json and its key files).
    Keyring(PathBuf),
    /// Single public keys, each with the party it signs for: in the page
    /// beside `#party`, for the CLI `--trusted-key FILE --party CODE`.
    Single(Vec<(PathBuf, &'static str)>),
}

struct Row {
    name: String,
    bundle: PathBuf,
    trust: Trust,
    /// The verdict the rules give (FORMAT.md §5, verdicts), or `error` for
    /// a trust that cannot be used (the CLI exits 2, the page says "Could not check").
    expected: &'static str,
    /// TSA certificates given as single anchors (`--trusted-tsa`; in the page, beside the keys).
    tsa: Vec<PathBuf>,
    /// The page's hashing path, as its address asks (web/src/main.js): ""
    /// (large entries on workers beside WebCrypto), "#stream-all" (every
    /// entry streamed through the workers), "#no-workers" (the same hashes
    /// in the page); with "no-hold" (large entries read from the File, not
    /// from the file held whole) and "no-byob" (the File read in slices).
    mode: &'static str,
}

const KZ_SIGNER: &str = "Presidential Administration of the Republic of Kazakhstan";
const RS_SIGNER: &str = "Office of the President of the Republic of Serbia";

struct Key {
    name: &'static str,
    party: &'static str,
    signer: &'static str,
    key: PathBuf,
    public: PathBuf,
    id: String,
}

fn generate(dir: &Path, name: &'static str, party: &'static str, signer: &'static str) -> Key {
    let base = dir.join("keys").join(name);
    std::fs::create_dir_all(dir.join("keys")).unwrap();
    let (code, out, err) = run(docseal()
        .args([
            "key",
            "generate",
            "--no-passphrase",
            "--party",
            party,
            "--signer",
            signer,
            "-o",
        ])
        .arg(&base)
        .arg("--keyring")
        .arg(dir.join("keys")));
    assert_eq!(code, 0, "{err}");
    Key {
        name,
        party,
        signer,
        key: base.with_extension("key.pem"),
        public: base.with_extension("pub.pem"),
        id: out.trim().trim_start_matches("sha256:").to_string(),
    }
}

/// Writes a keyring: each key with its trust entry (the fields of FORMAT.md §4).
fn keyring(dir: &Path, name: &str, entries: &[(&Key, serde_json::Value)]) -> PathBuf {
    let ring = dir.join(name);
    std::fs::create_dir_all(&ring).unwrap();
    let mut keys = Vec::new();
    for (key, extra) in entries {
        let file = format!("{}.pub.pem", key.name);
        std::fs::copy(&key.public, ring.join(&file)).unwrap();
        let mut entry = serde_json::json!({
            "key": format!("sha256:{}", key.id),
            "file": file,
            "party": key.party,
            "signer": key.signer,
            "valid_from": "2026-01-01T00:00:00Z",
        });
        for (k, v) in extra.as_object().unwrap() {
            entry[k] = v.clone();
        }
        keys.push(entry);
    }
    let text =
        serde_json::to_string_pretty(&serde_json::json!({"version": 1, "keys": keys})).unwrap();
    std::fs::write(ring.join("trust.json"), text).unwrap();
    ring
}

/// Seals the reference statement with the first signer (as its
/// `party`/`signer`/`role`), then co-signs with each of the others. The
/// library's writer is used directly, as another tool would write: the seal
/// and cosign workflows refuse to make the contradictory bundles this corpus
/// needs (a wrong signer, a party the statement does not name, …).
fn bundle(dir: &Path, name: &str, ring: &Path, signers: &[(&Key, &str, &str, &str)]) -> PathBuf {
    bundle_with(dir, name, ring, signers, Sealing::default())
}

/// What `bundle_with` seals besides the reference statement and text.
#[derive(Default)]
struct Sealing {
    attachments: Vec<PathBuf>,
    /// Another statement's exact bytes (with the reference text beside it).
    statement: Option<Vec<u8>>,
    /// A validation record made for these statement bytes rather than the sealed ones.
    record_of: Option<Vec<u8>>,
}

/// `bundle`, with attachments, another statement or a mismatched validation record.
fn bundle_with(
    dir: &Path,
    name: &str,
    _ring: &Path,
    signers: &[(&Key, &str, &str, &str)],
    sealing: Sealing,
) -> PathBuf {
    use docseal::bundle::record::ValidationRecord;
    use docseal::bundle::writer::{self, CosignOutput, Signer};
    let out = dir.join(format!("{name}.zip"));
    let time = docseal::utc::UtcTime::from_unix(EPOCH.parse().unwrap()).unwrap();
    let signer = |(key, party, signer, role): &(&Key, &str, &str, &str)| {
        let signing = docseal::keys::read_private_key(&key.key, &mut || None)
            .unwrap()
            .key;
        (
            signing,
            party.parse().unwrap(),
            signer.to_string(),
            role.parse().unwrap(),
        )
    };
    let statement = sealing
        .statement
        .unwrap_or_else(|| std::fs::read("statements/kz-rs-2026-02-27.json").unwrap());
    let digest = docseal::canonical::canonical_digest(&statement).unwrap();
    let schema = docseal::schema::joint_statement(Default::default()).unwrap();
    let recorded = sealing.record_of.map_or(digest, |other| {
        docseal::canonical::canonical_digest(&other).unwrap()
    });
    let record = ValidationRecord::new(time, &schema.name, schema.digest, recorded, &[]);
    let (key, party, name_, role) = signer(&signers[0]);
    writer::seal(
        &writer::SealInput {
            id: "kz-rs-2026-02-27".into(),
            statement,
            statement_digest: digest,
            source_text: Some("statements/kz-rs-2026-02-27.txt".into()),
            attachments: sealing.attachments,
            schema: ("joint-statement.schema.json".into(), schema.bytes.to_vec()),
            validation: record.to_bytes(),
            description: "Joint statement of the Republic of Kazakhstan and the Republic of Serbia"
                .into(),
            organization: "Republic of Kazakhstan; Republic of Serbia".into(),
            signer: Signer {
                key: &key,
                party,
                signer: name_,
                role,
                time,
                stamp: None,
            },
            progress: None,
        },
        &out,
    )
    .unwrap();
    for more in &signers[1..] {
        let (key, party, name_, role) = signer(more);
        writer::cosign(
            &out,
            &Signer {
                key: &key,
                party,
                signer: name_,
                role,
                time,
                stamp: None,
            },
            CosignOutput::InPlace,
        )
        .unwrap();
    }
    out
}

/// One entry of a zip, as the central directory and local header give it.
#[derive(Clone)]
struct Entry {
    name: Vec<u8>,
    method: u16,
    flags: u16,
    crc: u32,
    compressed: Vec<u8>,
    size: u64,
    external: u32,
    /// The uncompressed bytes.
    plain: Vec<u8>,
}

fn u16_at(b: &[u8], i: usize) -> u16 {
    u16::from_le_bytes([b[i], b[i + 1]])
}
fn u32_at(b: &[u8], i: usize) -> u32 {
    u32::from_le_bytes(b[i..i + 4].try_into().unwrap())
}

/// Reads a zip docseal wrote (no ZIP64, no comment) into its entries, in order.
fn entries(zip: &[u8]) -> Vec<Entry> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let eocd = zip.len() - 22;
    assert_eq!(u32_at(zip, eocd), 0x0605_4b50);
    let count = usize::from(u16_at(zip, eocd + 10));
    let mut at = u32_at(zip, eocd + 16) as usize;
    (0..count)
        .map(|_| {
            let n = usize::from(u16_at(zip, at + 28));
            let skip = n + usize::from(u16_at(zip, at + 30)) + usize::from(u16_at(zip, at + 32));
            let local = u32_at(zip, at + 42) as usize;
            let csize = u32_at(zip, at + 20) as usize;
            let data = local
                + 30
                + usize::from(u16_at(zip, local + 26))
                + usize::from(u16_at(zip, local + 28));
            let e = Entry {
                name: zip[at + 46..at + 46 + n].to_vec(),
                method: u16_at(zip, at + 10),
                flags: u16_at(zip, at + 8),
                crc: u32_at(zip, at + 16),
                compressed: zip[data..data + csize].to_vec(),
                size: u64::from(u32_at(zip, at + 24)),
                external: u32_at(zip, at + 38),
                plain: Vec::new(),
            };
            let mut plain = Vec::new();
            archive
                .by_name(std::str::from_utf8(&e.name).unwrap())
                .unwrap()
                .read_to_end(&mut plain)
                .unwrap();
            let e = Entry { plain, ..e };
            at += 46 + skip;
            e
        })
        .collect()
}

/// How to write a zip: faithfully, or with one defect.
#[derive(Default, Clone, Copy)]
struct Shape {
    zip64: bool,
    /// Index of an entry whose local header says something else.
    local_name_differs: Option<usize>,
    local_crc_differs: Option<usize>,
    local_flags_differ: Option<usize>,
    /// Index of an entry after whose data come bytes of no structure (offsets kept right).
    gap_after: Option<usize>,
    /// Version 2.0 (made by 4.5) for every entry, Stored ones included: a
    /// re-encoding that FORMAT.md §5.7 refuses (1.0 for Stored).
    loose_versions: bool,
}

impl Shape {
    /// "Version made by" and "version needed" of an entry: §5.7's (1.0
    /// Stored, 2.0 Deflate, 4.5 with a ZIP64 field), or the loose re-encoding.
    fn versions(self, e: &Entry) -> (u16, u16) {
        let needed = if self.zip64 {
            45
        } else if self.loose_versions {
            20
        } else if e.method == 0 {
            10
        } else {
            20
        };
        let made = if self.loose_versions { 45 } else { needed };
        ((3 << 8) | made, needed)
    }
}

/// Writes entries as a zip, as FORMAT.md §5.7 encodes them unless `shape`
/// says otherwise (ZIP64 records and fields throughout when asked).
fn write_zip(entries: &[Entry], shape: Shape) -> Vec<u8> {
    let mut out = Vec::new();
    let mut offsets = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        offsets.push(out.len() as u64);
        let mut name = e.name.clone();
        if shape.local_name_differs == Some(i) {
            *name.last_mut().unwrap() ^= 1;
        }
        let crc = if shape.local_crc_differs == Some(i) {
            e.crc ^ 1
        } else {
            e.crc
        };
        let flags = if shape.local_flags_differ == Some(i) {
            e.flags ^ 0x0002
        } else {
            e.flags
        };
        let extra: Vec<u8> = if shape.zip64 {
            let mut x = vec![1, 0, 16, 0];
            x.extend(e.size.to_le_bytes());
            x.extend((e.compressed.len() as u64).to_le_bytes());
            x
        } else {
            Vec::new()
        };
        out.extend(0x0403_4b50u32.to_le_bytes());
        out.extend(shape.versions(e).1.to_le_bytes());
        out.extend(flags.to_le_bytes());
        out.extend(e.method.to_le_bytes());
        out.extend([0, 0, 0x21, 0]);
        out.extend(crc.to_le_bytes());
        let (c32, u32_) = if shape.zip64 {
            (u32::MAX, u32::MAX)
        } else {
            (e.compressed.len() as u32, e.size as u32)
        };
        out.extend(c32.to_le_bytes());
        out.extend(u32_.to_le_bytes());
        out.extend((name.len() as u16).to_le_bytes());
        out.extend((extra.len() as u16).to_le_bytes());
        out.extend(&name);
        out.extend(&extra);
        out.extend(&e.compressed);
        if shape.gap_after == Some(i) {
            out.extend(b"bytes that belong to no structure");
        }
    }
    let cd_start = out.len() as u64;
    for (e, offset) in entries.iter().zip(&offsets) {
        let extra: Vec<u8> = if shape.zip64 {
            let mut x = vec![1, 0, 24, 0];
            x.extend(e.size.to_le_bytes());
            x.extend((e.compressed.len() as u64).to_le_bytes());
            x.extend(offset.to_le_bytes());
            x
        } else {
            Vec::new()
        };
        out.extend(0x0201_4b50u32.to_le_bytes());
        let (made, needed) = shape.versions(e);
        out.extend(made.to_le_bytes());
        out.extend(needed.to_le_bytes());
        out.extend(e.flags.to_le_bytes());
        out.extend(e.method.to_le_bytes());
        out.extend([0, 0, 0x21, 0]);
        out.extend(e.crc.to_le_bytes());
        let (c, u, o) = if shape.zip64 {
            (u32::MAX, u32::MAX, u32::MAX)
        } else {
            (e.compressed.len() as u32, e.size as u32, *offset as u32)
        };
        out.extend(c.to_le_bytes());
        out.extend(u.to_le_bytes());
        out.extend((e.name.len() as u16).to_le_bytes());
        out.extend((extra.len() as u16).to_le_bytes());
        out.extend([0, 0, 0, 0, 0, 0]); // comment, disk, internal attributes
        out.extend(e.external.to_le_bytes());
        out.extend(o.to_le_bytes());
        out.extend(&e.name);
        out.extend(&extra);
    }
    let cd_size = out.len() as u64 - cd_start;
    let count = entries.len() as u64;
    if shape.zip64 {
        let record = out.len() as u64;
        out.extend(0x0606_4b50u32.to_le_bytes());
        out.extend(44u64.to_le_bytes());
        out.extend(((3u16 << 8) | 45).to_le_bytes());
        out.extend(45u16.to_le_bytes());
        out.extend([0; 8]); // this disk, disk of the central directory
        out.extend(count.to_le_bytes());
        out.extend(count.to_le_bytes());
        out.extend(cd_size.to_le_bytes());
        out.extend(cd_start.to_le_bytes());
        out.extend(0x0706_4b50u32.to_le_bytes());
        out.extend(0u32.to_le_bytes());
        out.extend(record.to_le_bytes());
        out.extend(1u32.to_le_bytes());
    }
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend([0, 0, 0, 0]);
    let (n, s, o) = if shape.zip64 {
        (u16::MAX, u32::MAX, u32::MAX)
    } else {
        (count as u16, cd_size as u32, cd_start as u32)
    };
    out.extend(n.to_le_bytes());
    out.extend(n.to_le_bytes());
    out.extend(s.to_le_bytes());
    out.extend(o.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

/// The entry with its uncompressed bytes changed by `edit`, recompressed
/// and with a correct CRC: only the content is wrong.
fn tampered(e: &Entry, edit: impl FnOnce(&mut Vec<u8>)) -> Entry {
    let mut data = e.plain.clone();
    edit(&mut data);
    let mut out = e.clone();
    out.crc = attacks::crc32(&data);
    out.size = data.len() as u64;
    out.method = 0;
    out.compressed = data.clone();
    out.plain = data;
    out
}

fn flip_middle(data: &mut [u8]) {
    let i = data.len() / 2;
    data[i] ^= 0x01;
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(format!("{name}.zip"));
    std::fs::File::create(&path)
        .unwrap()
        .write_all(bytes)
        .unwrap();
    path
}

fn corpus(dir: &Path) -> Vec<Row> {
    let kz = generate(dir, "kz", "KZ", KZ_SIGNER);
    let rs = generate(dir, "rs", "RS", RS_SIGNER);
    let kz_revoked = generate(dir, "kz-revoked", "KZ", KZ_SIGNER);
    let kz_expired = generate(dir, "kz-expired", "KZ", KZ_SIGNER);
    let kz_future = generate(dir, "kz-future", "KZ", KZ_SIGNER);
    let kz_as_rs = generate(dir, "kz-as-rs", "RS", RS_SIGNER);
    let us = generate(dir, "us", "US", "The White House");
    let rs_unknown = generate(dir, "rs-unknown", "RS", RS_SIGNER);
    let none = serde_json::json!({});
    // Trusts every key, so that seal and cosign accept what they are given.
    let all = keyring(
        dir,
        "ring-all",
        &[
            (&kz, none.clone()),
            (&rs, none.clone()),
            (&kz_revoked, none.clone()),
            (&kz_expired, none.clone()),
            (&kz_future, none.clone()),
            (
                &kz_as_rs,
                serde_json::json!({"party": "KZ", "signer": KZ_SIGNER}),
            ),
            (&us, none.clone()),
            (&rs_unknown, none.clone()),
        ],
    );
    let ring = keyring(
        dir,
        "ring",
        &[
            (
                &kz,
                serde_json::json!({"valid_until": "2030-12-31T23:59:59Z"}),
            ),
            (&rs, none.clone()),
            (
                &kz_revoked,
                serde_json::json!({"revoked": {"at": "2026-03-01T00:00:00Z", "reason": "key lost"}}),
            ),
            (
                &kz_expired,
                serde_json::json!({"valid_from": "2025-01-01T00:00:00Z", "valid_until": "2026-01-31T00:00:00Z"}),
            ),
            (
                &kz_future,
                serde_json::json!({"valid_from": "2027-01-01T00:00:00Z"}),
            ),
            (&kz_as_rs, none.clone()),
            (&us, none.clone()),
        ],
    );
    let demo_ring = repo().join("keys");

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
    let both = bundle(
        dir,
        "co-signed",
        &all,
        &[
            (&kz, "KZ", KZ_SIGNER, "signatory"),
            (&rs, "RS", RS_SIGNER, "signatory"),
        ],
    );
    add(
        "co-signed, keyring",
        both.clone(),
        Trust::Keyring(ring.clone()),
        "authentic",
    );
    add(
        "co-signed, no trust",
        both.clone(),
        Trust::None,
        "intact-untrusted",
    );
    add(
        "co-signed, single keys",
        both.clone(),
        Trust::Single(vec![(kz.public.clone(), "KZ"), (rs.public.clone(), "RS")]),
        "authentic",
    );
    add(
        "co-signed, single keys, parties swapped",
        both.clone(),
        Trust::Single(vec![(kz.public.clone(), "RS"), (rs.public.clone(), "KZ")]),
        "not-authentic",
    );
    add(
        "co-signed, single key for KZ only",
        both.clone(),
        Trust::Single(vec![(kz.public.clone(), "KZ")]),
        "intact-untrusted",
    );
    let partly = bundle(
        dir,
        "partly-signed",
        &all,
        &[(&kz, "KZ", KZ_SIGNER, "signatory")],
    );
    add(
        "partly signed (KZ only), keyring",
        partly.clone(),
        Trust::Keyring(ring.clone()),
        "not-authentic",
    );
    add(
        "partly signed (KZ only), no trust",
        partly,
        Trust::None,
        "not-authentic",
    );
    let demo = common::sealed_reference(dir);
    add(
        "demo keys, demo keyring",
        demo.clone(),
        Trust::Keyring(demo_ring.clone()),
        "intact-untrusted",
    );
    add(
        "demo keys, keyring without them",
        demo,
        Trust::Keyring(ring.clone()),
        "intact-untrusted",
    );
    let unknown = bundle(
        dir,
        "unknown-rs-key",
        &all,
        &[
            (&kz, "KZ", KZ_SIGNER, "signatory"),
            (&rs_unknown, "RS", RS_SIGNER, "signatory"),
        ],
    );
    add(
        "RS key not in the keyring",
        unknown,
        Trust::Keyring(ring.clone()),
        "intact-untrusted",
    );
    for (name, key) in [
        ("revoked (after the claimed time)", &kz_revoked),
        ("expired", &kz_expired),
        ("not yet valid", &kz_future),
    ] {
        let b = bundle(
            dir,
            &name.replace([' ', '(', ')'], "-"),
            &all,
            &[
                (&rs, "RS", RS_SIGNER, "signatory"),
                (key, "KZ", KZ_SIGNER, "signatory"),
            ],
        );
        add(
            &format!("KZ key {name}"),
            b,
            Trust::Keyring(ring.clone()),
            "not-authentic",
        );
    }
    let wrong_party = bundle(
        dir,
        "wrong-party",
        &all,
        &[
            (&rs, "RS", RS_SIGNER, "signatory"),
            (&kz_as_rs, "KZ", KZ_SIGNER, "signatory"),
        ],
    );
    add(
        "key trusted for RS signs as KZ",
        wrong_party,
        Trust::Keyring(ring.clone()),
        "not-authentic",
    );
    let wrong_signer = bundle(
        dir,
        "wrong-signer",
        &all,
        &[
            (&kz, "KZ", "Someone else", "signatory"),
            (&rs, "RS", RS_SIGNER, "signatory"),
        ],
    );
    add(
        "signer differs from the keyring's",
        wrong_signer,
        Trust::Keyring(ring.clone()),
        "not-authentic",
    );
    let witness = bundle(
        dir,
        "witness",
        &all,
        &[
            (&kz, "KZ", KZ_SIGNER, "witness"),
            (&rs, "RS", RS_SIGNER, "signatory"),
        ],
    );
    add(
        "KZ signs as a witness",
        witness,
        Trust::Keyring(ring.clone()),
        "not-authentic",
    );
    let stranger = bundle(
        dir,
        "party-not-named",
        &all,
        &[
            (&kz, "KZ", KZ_SIGNER, "signatory"),
            (&rs, "RS", RS_SIGNER, "signatory"),
            (&us, "US", "The White House", "signatory"),
        ],
    );
    add(
        "a party the statement does not name",
        stranger,
        Trust::Keyring(ring.clone()),
        "not-authentic",
    );

    // Each entry of the co-signed bundle tampered in turn (content changed, headers consistent).
    let original = std::fs::read(&both).unwrap();
    let good = entries(&original);
    for (i, e) in good.iter().enumerate() {
        let mut changed = good.clone();
        changed[i] = tampered(e, |d| flip_middle(d));
        let name = String::from_utf8_lossy(&e.name).into_owned();
        let short = name.split('/').skip(1).collect::<Vec<_>>().join("/");
        // Signature files by their key's first 8 hex digits, so that the table stays readable.
        let short = match short.strip_prefix("signatures/") {
            Some(file) => format!(
                "signatures/{}….{}",
                &file[..8],
                file.split_once('.').unwrap().1
            ),
            None => short,
        };
        let path = write(
            dir,
            &format!("tampered-{i}"),
            &write_zip(&changed, Shape::default()),
        );
        add(
            &format!("tampered: {short}"),
            path,
            Trust::Keyring(ring.clone()),
            "not-authentic",
        );
    }
    // RS's public key file replaced by one whose 32 bytes are no curve point
    // (a signature.files failure: no signer to report), or by another key
    // (a signer, invalid): what a flipped byte in the tampered row above gives,
    // depending on the key drawn, pinned here either way.
    let rs_pem = good
        .iter()
        .position(|e| e.name.ends_with(format!("{}.pub.pem", rs.id).as_bytes()))
        .unwrap();
    let not_a_point = (2u8..)
        .map(|y| {
            let mut raw = [0u8; 32];
            raw[0] = y;
            raw
        })
        .find(|raw| ed25519_dalek::VerifyingKey::from_bytes(raw).is_err())
        .unwrap();
    let mut spki = vec![
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
    ];
    spki.extend(not_a_point);
    let pem = {
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::STANDARD.encode(&spki);
        format!("-----BEGIN PUBLIC KEY-----\n{b64}\n-----END PUBLIC KEY-----\n")
    };
    for (name, bytes) in [
        (
            "RS public key: 32 bytes that are no point",
            pem.into_bytes(),
        ),
        (
            "RS public key: another key",
            std::fs::read(&us.public).unwrap(),
        ),
    ] {
        let mut changed = good.clone();
        changed[rs_pem] = tampered(&good[rs_pem], |d| *d = bytes);
        add(
            name,
            write(
                dir,
                &name.replace([' ', ':'], "-"),
                &write_zip(&changed, Shape::default()),
            ),
            Trust::Keyring(ring.clone()),
            "not-authentic",
        );
    }
    // The same entries rewritten exactly as §5.7 encodes them, and as ZIP64:
    // still authentic; re-encoded with other versions: not (§5.3.3, profile.zip-encoding).
    add(
        "rewritten exactly as §5.7 says",
        write(dir, "rewritten", &write_zip(&good, Shape::default())),
        Trust::Keyring(ring.clone()),
        "authentic",
    );
    add(
        "re-encoded: version 2.0 for Stored entries",
        write(
            dir,
            "re-encoded",
            &write_zip(
                &good,
                Shape {
                    loose_versions: true,
                    ..Shape::default()
                },
            ),
        ),
        Trust::Keyring(ring.clone()),
        "not-authentic",
    );
    add(
        "ZIP64 records and fields",
        write(
            dir,
            "zip64",
            &write_zip(
                &good,
                Shape {
                    zip64: true,
                    ..Shape::default()
                },
            ),
        ),
        Trust::Keyring(ring.clone()),
        "authentic",
    );
    // Hostile containers around the same bag.
    let statement = good
        .iter()
        .position(|e| e.name.ends_with(b"data/statement.json"))
        .unwrap();
    for (name, shape) in [
        (
            "local header names another file",
            Shape {
                local_name_differs: Some(statement),
                ..Shape::default()
            },
        ),
        (
            "local header CRC differs",
            Shape {
                local_crc_differs: Some(statement),
                ..Shape::default()
            },
        ),
        (
            "local header flags differ",
            Shape {
                local_flags_differ: Some(statement),
                ..Shape::default()
            },
        ),
        (
            "bytes between two entries",
            Shape {
                gap_after: Some(statement),
                ..Shape::default()
            },
        ),
    ] {
        add(
            name,
            write(dir, &name.replace(' ', "-"), &write_zip(&good, shape)),
            Trust::Keyring(ring.clone()),
            "not-authentic",
        );
    }
    let mut prepended = b"MZ this is not part of any zip structure".to_vec();
    prepended.extend(&original);
    add(
        "bytes prepended",
        write(dir, "prepended", &prepended),
        Trust::Keyring(ring.clone()),
        "not-authentic",
    );
    let mut appended = original.clone();
    appended.extend(b"trailing bytes after the end record");
    add(
        "bytes appended",
        write(dir, "appended", &appended),
        Trust::Keyring(ring.clone()),
        "not-authentic",
    );
    let mut dup = good.clone();
    dup.push(tampered(&good[statement], |d| d.extend(b" ")));
    add(
        "a name twice",
        write(dir, "duplicate", &write_zip(&dup, Shape::default())),
        Trust::Keyring(ring.clone()),
        "not-authentic",
    );
    let mut traversal = good.clone();
    let mut evil = good[statement].clone();
    evil.name = b"kz-rs-2026-02-27/../evil.json".to_vec();
    traversal.push(evil);
    add(
        "path traversal",
        write(dir, "traversal", &write_zip(&traversal, Shape::default())),
        Trust::Keyring(ring.clone()),
        "not-authentic",
    );
    let mut link = good.clone();
    let mut l = tampered(&good[statement], |d| *d = b"/etc/passwd".to_vec());
    l.name = b"kz-rs-2026-02-27/data/attachments/link".to_vec();
    l.external = 0o120777 << 16;
    link.push(l);
    add(
        "a symbolic link",
        write(dir, "symlink", &write_zip(&link, Shape::default())),
        Trust::Keyring(ring.clone()),
        "not-authentic",
    );
    let mut outside = good.clone();
    let mut o = good[statement].clone();
    o.name = b"other-root/statement.json".to_vec();
    outside.push(o);
    add(
        "an entry outside the root folder",
        write(dir, "outside", &write_zip(&outside, Shape::default())),
        Trust::Keyring(ring.clone()),
        "not-authentic",
    );
    let overlap: Vec<attacks::Raw> = vec![
        attacks::Raw::file("bag/data/a", b"same"),
        attacks::Raw::file("bag/data/b", b"same"),
    ];
    add(
        "overlapping entries",
        write(dir, "overlap", &attacks::build(&overlap, true)),
        Trust::Keyring(ring.clone()),
        "not-authentic",
    );
    add(
        "truncated",
        write(dir, "truncated", &original[..original.len() - 10]),
        Trust::Keyring(ring.clone()),
        "not-authentic",
    );
    rows.extend(token_rows(dir, &all, &kz, &rs, &kz_revoked));
    rows.extend(large_rows(dir, &all, &ring, &kz, &rs));
    rows.extend(spec::rows(&spec::Context {
        dir,
        all: &all,
        ring: &ring,
        kz: &kz,
        rs: &rs,
        us: &us,
        co_signed: &both,
    }));
    rows
}

/// Bundles with entries large enough for the page's streamed hashing (8 MiB
/// and more: web/src/hashing.js), one Stored and one Deflated, intact or
/// with one of them altered, each verified along every hashing path of the
/// page. A digest, a CRC-32 or a chunk handled wrong on one path shows as a
/// verdict other than the CLI's.
fn large_rows(dir: &Path, all: &Path, ring: &Path, kz: &Key, rs: &Key) -> Vec<Row> {
    const SIZE: usize = 9 << 20;
    // Pseudo-random bytes (incompressible: Stored) and pseudo-random words (Deflated in many blocks).
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let binary: Vec<u8> = (0..SIZE).map(|_| next().to_le_bytes()[3]).collect();
    let words = [
        "accord", "treaty", "border", "trade", "water", "energy", "Astana", "Belgrade", "1997", "§",
    ];
    let mut text = String::new();
    while text.len() < SIZE {
        text.push_str(words[(next() % words.len() as u64) as usize]);
        text.push(if next() % 12 == 0 { '\n' } else { ' ' });
    }
    let attachments = dir.join("large-attachments");
    std::fs::create_dir_all(&attachments).unwrap();
    std::fs::write(attachments.join("survey.bin"), &binary).unwrap();
    std::fs::write(attachments.join("annex.txt"), &text).unwrap();
    let large = bundle_with(
        dir,
        "large",
        all,
        &[
            (kz, "KZ", KZ_SIGNER, "signatory"),
            (rs, "RS", RS_SIGNER, "signatory"),
        ],
        Sealing {
            attachments: vec![
                attachments.join("survey.bin"),
                attachments.join("annex.txt"),
            ],
            ..Sealing::default()
        },
    );
    let good = entries(&std::fs::read(&large).unwrap());
    let at = |suffix: &str| {
        good.iter()
            .position(|e| e.name.ends_with(suffix.as_bytes()))
            .unwrap()
    };
    let (stored, deflated) = (at("survey.bin"), at("annex.txt"));
    assert_eq!((good[stored].method, good[deflated].method), (0, 8));
    assert!(
        good[deflated].compressed.len() > 1 << 20,
        "several Deflate blocks"
    );
    let variant = |name: &str, edit: &dyn Fn(&mut Vec<Entry>)| {
        let mut changed = good.clone();
        edit(&mut changed);
        write(dir, name, &write_zip(&changed, Shape::default()))
    };
    let cases = [
        ("large entries", large.clone(), "authentic"),
        (
            "large Stored entry altered",
            variant("large-stored-altered", &|v| {
                v[stored] = tampered(&v[stored], |d| flip_middle(d));
            }),
            "not-authentic",
        ),
        (
            "large Stored entry, CRC-32 of other bytes",
            variant("large-stored-crc", &|v| v[stored].crc ^= 0x8000_0000),
            "not-authentic",
        ),
        (
            "large Deflated entry, CRC-32 of other bytes",
            variant("large-deflated-crc", &|v| v[deflated].crc ^= 1),
            "not-authentic",
        ),
        (
            "large Deflated entry altered (its last byte)",
            variant("large-deflated-altered", &|v| {
                let mut e = v[deflated].clone();
                let text = {
                    let mut t = e.plain.clone();
                    *t.last_mut().unwrap() ^= 0x20;
                    t
                };
                let mut z =
                    flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
                z.write_all(&text).unwrap();
                e.compressed = z.finish().unwrap();
                e.crc = attacks::crc32(&text);
                e.plain = text;
                v[deflated] = e;
            }),
            "not-authentic",
        ),
    ];
    let mut rows = Vec::new();
    // The bundle (under 32 MiB) is small enough to be held in memory whole: `no-hold` reads its large entries from the File, as
    // the page reads those of any bundle over 32 MiB (into its own buffers, or in slices where the browser cannot: `no-byob`).
    for mode in [
        "",
        "#stream-all",
        "#no-workers",
        "#no-hold",
        "#stream-all,no-hold",
        "#no-hold,no-byob",
        "#stream-all,no-workers,no-hold,no-byob",
    ] {
        for (name, bundle, expected) in &cases {
            rows.push(Row {
                name: format!(
                    "{name} {}",
                    if mode.is_empty() { "(default)" } else { mode }
                ),
                bundle: bundle.clone(),
                trust: Trust::Keyring(ring.to_path_buf()),
                expected,
                tsa: Vec::new(),
                mode,
            });
        }
    }
    rows
}

/// A keyring of version 2 (FORMAT.md §4): keys as `keyring` writes them, and
/// TSA anchors under `tsa/` (name, certificate PEM, optional window).
fn keyring_v2(
    dir: &Path,
    name: &str,
    entries: &[(&Key, serde_json::Value)],
    tsa: &[(&str, PathBuf)],
) -> PathBuf {
    let ring = keyring(dir, name, entries);
    let mut trust: serde_json::Value =
        serde_json::from_slice(&std::fs::read(ring.join("trust.json")).unwrap()).unwrap();
    trust["version"] = serde_json::json!(2);
    std::fs::create_dir_all(ring.join("tsa")).unwrap();
    let mut list = Vec::new();
    for (tsa_name, pem) in tsa {
        let file = format!("tsa/{tsa_name}.pem");
        std::fs::copy(pem, ring.join(&file)).unwrap();
        let text = std::fs::read_to_string(pem).unwrap();
        let der = pem_body(&text);
        list.push(serde_json::json!({
            "name": tsa_name, "file": file, "certificate": format!("sha256:{}", hex(&sha2::Sha256::digest(&der))),
        }));
    }
    trust["tsa"] = serde_json::Value::Array(list);
    let text = serde_json::to_string_pretty(&trust).unwrap() + "\n";
    std::fs::write(ring.join("trust.json"), text).unwrap();
    ring
}

fn pem_body(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap()
}

/// The 64 signature bytes of the signer `key` in `bundle`.
fn signature_of(bundle: &Path, key: &Key) -> Vec<u8> {
    use base64::Engine as _;
    let mut archive = zip::ZipArchive::new(std::fs::File::open(bundle).unwrap()).unwrap();
    let mut text = String::new();
    archive
        .by_name(&format!("kz-rs-2026-02-27/signatures/{}.sig", key.id))
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    base64::engine::general_purpose::STANDARD
        .decode(text.trim_end())
        .unwrap()
}

/// Adds token files (`<keyhex>.tsr`, `<keyhex>.2.tsr`, …) to `bundle`, as `docseal timestamp` does.
fn add_tokens(bundle: &Path, tokens: Vec<(&Key, &str, Vec<u8>)>) {
    use docseal::bundle::writer::{self, CosignOutput};
    let files = tokens
        .into_iter()
        .map(|(key, suffix, bytes)| (format!("signatures/{}.{suffix}", key.id), bytes))
        .collect();
    let time = docseal::utc::UtcTime::from_unix(EPOCH.parse().unwrap()).unwrap();
    writer::add_signature_files(bundle, files, time, CosignOutput::InPlace).unwrap();
}

/// Bundles with time-stamp tokens from the test TSA (`openssl ts -reply` on
/// 127.0.0.1, tests/common/tsa): RSA, P-256 and P-384 TSAs, a TSA under an
/// intermediate, a revoked key saved by a token made before its revocation and
/// one not saved by a token after it, a TSA the trust does not vouch for, a
/// token over another signature, a corrupted token, a TSA certificate without
/// the timeStamping purpose, and single CA certificates as trust.
fn token_rows(dir: &Path, all: &Path, kz: &Key, rs: &Key, kz_revoked: &Key) -> Vec<Row> {
    use common::tsa::{Pki, TsaCert, TsaOptions, TsaServer};
    let pki = Pki::get();
    let start = |cert, chain: Vec<&'static str>| {
        TsaServer::start(TsaOptions {
            cert,
            chain,
            ..TsaOptions::default()
        })
    };
    let rsa = start(TsaCert::Rsa, vec![]);
    let p256 = start(TsaCert::P256, vec![]);
    let p384 = start(TsaCert::P384, vec![]);
    let via = start(TsaCert::ViaIntermediate, vec!["intermediate"]);
    let stamp = |server: &TsaServer, bytes: &[u8]| common::tsa::stamp(server, bytes).0;
    let now = docseal::utc::UtcTime::now().unix();
    let tomorrow = docseal::utc::UtcTime::from_unix(now + 24 * 3600)
        .unwrap()
        .to_string();
    let kz_saved = generate(dir, "kz-saved", "KZ", KZ_SIGNER);
    let none = serde_json::json!({});
    let entries = |revoked_at: &str| {
        vec![
            (kz, none.clone()),
            (rs, none.clone()),
            (
                kz_revoked,
                serde_json::json!({"revoked": {"at": "2026-03-01T00:00:00Z", "reason": "key lost"}}),
            ),
            (
                &kz_saved,
                serde_json::json!({"revoked": {"at": revoked_at, "reason": "key stolen"}}),
            ),
        ]
    };
    let root = pki.pem("root");
    let with_tsa = keyring_v2(
        dir,
        "ring-tsa",
        &entries(&tomorrow),
        &[("test-root", root.clone())],
    );
    let without_tsa = keyring_v2(dir, "ring-no-tsa", &entries(&tomorrow), &[]);
    let mut rows = Vec::new();
    let mut add =
        |name: &str, bundle: PathBuf, trust: Trust, expected: &'static str, tsa: Vec<PathBuf>| {
            rows.push(Row {
                name: name.to_string(),
                bundle,
                trust,
                expected,
                tsa,
                mode: "",
            });
        };
    let sign = |name: &str, first: &Key, second: &Key| {
        bundle(
            dir,
            name,
            all,
            &[
                (first, "KZ", KZ_SIGNER, "signatory"),
                (second, "RS", RS_SIGNER, "signatory"),
            ],
        )
    };
    // KZ by the RSA TSA, RS by the P-256 one.
    let stamped = sign("stamped", kz, rs);
    add_tokens(
        &stamped,
        vec![
            (kz, "tsr", stamp(&rsa, &signature_of(&stamped, kz))),
            (rs, "tsr", stamp(&p256, &signature_of(&stamped, rs))),
        ],
    );
    add(
        "tokens (RSA, P-256 TSAs), keyring trusts their root",
        stamped.clone(),
        Trust::Keyring(with_tsa.clone()),
        "authentic",
        vec![],
    );
    add(
        "tokens from a TSA the keyring does not trust",
        stamped.clone(),
        Trust::Keyring(without_tsa.clone()),
        "authentic",
        vec![],
    );
    add(
        "tokens, no trust",
        stamped.clone(),
        Trust::None,
        "intact-untrusted",
        vec![],
    );
    add(
        "tokens, single keys and the TSA root as a certificate",
        stamped.clone(),
        Trust::Single(vec![(kz.public.clone(), "KZ"), (rs.public.clone(), "RS")]),
        "authentic",
        vec![root.clone()],
    );
    // A certificate file is PEM when it starts with -----BEGIN, else DER (FORMAT.md §4).
    let root_der = dir.join("test-root.der");
    std::fs::write(&root_der, pki.der("root")).unwrap();
    add(
        "tokens, the TSA root as a DER file",
        stamped.clone(),
        Trust::Single(vec![(kz.public.clone(), "KZ"), (rs.public.clone(), "RS")]),
        "authentic",
        vec![root_der],
    );
    let root_after_text = dir.join("test-root-with-text.pem");
    let text = format!(
        "the test TSA's root\n{}",
        std::fs::read_to_string(&root).unwrap()
    );
    std::fs::write(&root_after_text, text).unwrap();
    add(
        "tokens, the TSA root after explanatory text",
        stamped,
        Trust::Single(vec![(kz.public.clone(), "KZ"), (rs.public.clone(), "RS")]),
        "error",
        vec![root_after_text],
    );
    // KZ by the P-384 TSA, RS by a TSA under an intermediate (sent in the token), and a second KZ token.
    let more = sign("stamped-p384", kz, rs);
    let kz_sig = signature_of(&more, kz);
    add_tokens(
        &more,
        vec![
            (kz, "tsr", stamp(&p384, &kz_sig)),
            (kz, "2.tsr", stamp(&rsa, &kz_sig)),
            (rs, "tsr", stamp(&via, &signature_of(&more, rs))),
        ],
    );
    add(
        "tokens (P-384, RSA via an intermediate, two for KZ)",
        more,
        Trust::Keyring(with_tsa.clone()),
        "authentic",
        vec![],
    );
    // RSA-PSS (SHA-256, MGF1-SHA-256, salt 32), which openssl ts -reply does not write: re-signed.
    let pss = sign("stamped-pss", kz, rs);
    let token = common::tsa::resign::resign(&stamp(&rsa, &signature_of(&pss, kz)), |edit| {
        edit.padding = common::tsa::resign::Padding::Pss {
            salt: 32,
            declared: 32,
        };
    });
    add_tokens(&pss, vec![(kz, "tsr", token)]);
    add(
        "an RSA-PSS token",
        pss,
        Trust::Keyring(with_tsa.clone()),
        "authentic",
        vec![],
    );
    // The stolen key: revoked tomorrow; a token made today proves the signature older.
    let saved = sign("revoked-saved", &kz_saved, rs);
    add_tokens(
        &saved,
        vec![(
            &kz_saved,
            "tsr",
            stamp(&rsa, &signature_of(&saved, &kz_saved)),
        )],
    );
    add(
        "revoked key, token from a trusted TSA before the revocation",
        saved.clone(),
        Trust::Keyring(with_tsa.clone()),
        "authentic",
        vec![],
    );
    add(
        "revoked key, the same token from a TSA not trusted",
        saved,
        Trust::Keyring(without_tsa.clone()),
        "not-authentic",
        vec![],
    );
    let saved_no_token = sign("revoked-no-token", &kz_saved, rs);
    add(
        "revoked key, no token",
        saved_no_token,
        Trust::Keyring(with_tsa.clone()),
        "not-authentic",
        vec![],
    );
    // Revoked on 2026-03-01: a token made today is after the revocation.
    let after = sign("revoked-token-after", kz_revoked, rs);
    add_tokens(
        &after,
        vec![(
            kz_revoked,
            "tsr",
            stamp(&rsa, &signature_of(&after, kz_revoked)),
        )],
    );
    add(
        "revoked key, token after the revocation",
        after,
        Trust::Keyring(with_tsa.clone()),
        "not-authentic",
        vec![],
    );
    let other = sign("token-other-signature", kz, rs);
    add_tokens(
        &other,
        vec![(kz, "tsr", stamp(&rsa, &signature_of(&other, rs)))],
    );
    add(
        "a token over another signature",
        other,
        Trust::Keyring(with_tsa.clone()),
        "not-authentic",
        vec![],
    );
    let corrupted = sign("token-corrupted", kz, rs);
    let mut token = stamp(&rsa, &signature_of(&corrupted, kz));
    let middle = token.len() / 2;
    token[middle] ^= 0x01;
    add_tokens(&corrupted, vec![(kz, "tsr", token)]);
    add(
        "a corrupted token",
        corrupted,
        Trust::Keyring(with_tsa.clone()),
        "not-authentic",
        vec![],
    );
    // openssl ts -reply will not sign with this certificate: the RSA TSA's
    // token is re-signed with its key under a certificate without EKU.
    let eku = sign("token-no-eku", kz, rs);
    let token = common::tsa::resign::resign(&stamp(&rsa, &signature_of(&eku, kz)), |edit| {
        edit.signer = TsaCert::NoEku;
        edit.certificates = vec![pki.der(TsaCert::NoEku.name())];
        edit.tst = common::tsa::resign::drop_tsa_name(&edit.tst);
    });
    add_tokens(&eku, vec![(kz, "tsr", token)]);
    add(
        "a token whose TSA certificate lacks timeStamping",
        eku,
        Trust::Keyring(without_tsa),
        "not-authentic",
        vec![],
    );
    rows
}

/// How the CLI is given `trust` (the page gets the files themselves): a
/// keyring folder (an empty one for no trust), or single keys as
/// `--trusted-key FILE --party CODE`, the CLI's own flags for them.
fn cli_trust(dir: &Path, trust: &Trust) -> Vec<std::ffi::OsString> {
    let mut args = Vec::new();
    match trust {
        Trust::Keyring(ring) => args.extend(["--keyring".into(), ring.clone().into_os_string()]),
        Trust::None => {
            let ring = dir.join("ring-empty");
            std::fs::create_dir_all(&ring).unwrap();
            std::fs::write(ring.join("trust.json"), r#"{"version": 1, "keys": []}"#).unwrap();
            args.extend(["--keyring".into(), ring.into_os_string()]);
        }
        Trust::Single(keys) => {
            for (file, party) in keys {
                args.extend(["--trusted-key".into(), file.clone().into_os_string()]);
                args.extend(["--party".into(), (*party).into()]);
            }
        }
    }
    args
}

/// What the CLI says of a bundle: its verdict (None while `verify --format
/// json` had no `verdict`), its exit status, and what the page must say alike.
struct CliResult {
    verdict: Option<String>,
    code: i32,
    report: serde_json::Value,
}

/// Each signer's key, status and proven time.
fn signers(list: &serde_json::Value) -> Vec<(String, String, String)> {
    let mut out: Vec<_> = list
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| {
            (
                s["key"].as_str().unwrap_or_default().to_string(),
                s["status"].as_str().unwrap_or_default().to_string(),
                s["proven_time"].to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

/// The statuses of the token checks (`signature.timestamp`, `timestamp.*`), by signer.
fn token_checks(checks: &serde_json::Value) -> Vec<(String, String, String)> {
    let mut out: Vec<_> = checks
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| {
            let code = c["code"].as_str().unwrap_or_default();
            code == "signature.timestamp" || code.starts_with("timestamp.")
        })
        .map(|c| {
            (
                c["subject"].as_str().unwrap_or_default().to_string(),
                c["code"].as_str().unwrap_or_default().to_string(),
                c["status"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

fn cli_verdict(bundle: &Path, trust: &[std::ffi::OsString], tsa: &[PathBuf]) -> CliResult {
    let mut cmd = docseal();
    cmd.args(["verify", "--format", "json"]).args(trust);
    for cert in tsa {
        cmd.arg("--trusted-tsa").arg(cert);
    }
    let (code, out, err) = run(cmd.arg(bundle));
    if code == 2 {
        // Could not check (a trust that cannot be used): the page says `error`.
        assert!(err.contains("error:"), "{err}");
        return CliResult {
            verdict: Some("error".into()),
            code,
            report: serde_json::Value::Null,
        };
    }
    let report: serde_json::Value = serde_json::from_str(&out)
        .unwrap_or_else(|e| panic!("{}: {e}: {out}{err}", bundle.display()));
    let report = report["reports"][0].clone();
    let verdict = report["verdict"].as_str().map(str::to_owned);
    CliResult {
        verdict,
        code,
        report,
    }
}

/// trust.json and every public key file under the keyring folder, as a person would pick them.
fn keyring_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap();
        if path.is_dir() {
            out.extend(keyring_files(&path));
        } else if name == "trust.json" || name.ends_with(".pem") {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn page_job(trust: &Trust, bundle: &Path, tsa: &[PathBuf], mode: &str) -> serde_json::Value {
    let (mut keys, parties): (Vec<PathBuf>, serde_json::Map<String, serde_json::Value>) =
        match trust {
            Trust::None => (Vec::new(), serde_json::Map::new()),
            Trust::Keyring(ring) => (keyring_files(ring), serde_json::Map::new()),
            Trust::Single(keys) => (
                keys.iter().map(|(p, _)| p.clone()).collect(),
                keys.iter()
                    .map(|(p, party)| {
                        (
                            p.file_name().unwrap().to_str().unwrap().to_string(),
                            serde_json::json!(party),
                        )
                    })
                    .collect(),
            ),
        };
    keys.extend(tsa.iter().cloned());
    serde_json::json!({"bundle": bundle, "keys": keys, "parties": parties, "hash": mode})
}

#[test]
#[cfg_attr(
    not(all(docseal_test_playwright, docseal_test_openssl)),
    ignore = "needs node, chromium, playwright-core in tests/web/node_modules (scripts/test) and openssl (the test TSA)"
)]
fn the_page_reaches_the_clis_verdict_on_every_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let rows = corpus(dir.path());
    let jobs: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| page_job(&r.trust, &r.bundle, &r.tsa, r.mode))
        .collect();
    let jobs_file = dir.path().join("jobs.json");
    std::fs::write(&jobs_file, serde_json::to_string(&jobs).unwrap()).unwrap();
    let output = Command::new("node")
        .arg(repo().join("tests/web/verify.mjs"))
        .arg(&jobs_file)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let results: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(results.len(), rows.len());
    let mut table = String::new();
    let mut wrong = Vec::new();
    let mut cli_has_verdicts = true;
    table.push_str(&format!(
        "{:<48} {:<17} {:<17} {:<17}\n",
        "bundle, trust", "expected", "docseal verify", "page"
    ));
    for (row, result) in rows.iter().zip(&results) {
        let CliResult {
            verdict: cli,
            code,
            report,
        } = cli_verdict(&row.bundle, &cli_trust(dir.path(), &row.trust), &row.tsa);
        cli_has_verdicts &= cli.is_some();
        // Beyond the verdict: each signer's status and proven time, and each token check's status.
        let same_signers = signers(&report["signers"]) == signers(&result["signers"]);
        let same_tokens = token_checks(&report["checks"]) == token_checks(&result["checks"]);
        let page = result["verdict"].as_str().unwrap_or("(none)");
        let reference = cli.as_deref().unwrap_or(row.expected);
        // Exit 0 only for authentic and valid-bag (FORMAT.md §5.5), 2 when the trust cannot be used.
        let exit_agrees = cli.is_none()
            || code
                == if reference == "error" {
                    2
                } else {
                    i32::from(!matches!(reference, "authentic" | "valid-bag"))
                };
        let agree =
            page == reference && page == row.expected && exit_agrees && same_signers && same_tokens;
        table.push_str(&format!(
            "{:<48} {:<17} {:<17} {:<17}{}\n",
            row.name,
            row.expected,
            cli.as_deref()
                .map_or(format!("(exit {code})"), |v| format!("{v} ({code})")),
            page,
            if agree { "" } else { "  <-- differs" }
        ));
        if !agree {
            let failed: Vec<String> = result["checks"]
                .as_array()
                .map(|c| {
                    c.iter()
                        .filter(|c| c["status"] != "pass")
                        .map(|c| format!("{} {}", c["code"], c["message"]))
                        .collect()
                })
                .unwrap_or_default();
            wrong.push(format!(
                "{}: {failed:?} {:?}\n  signers: CLI {:?}, page {:?}\n  token checks: CLI {:?}, page {:?}",
                row.name,
                result["errors"],
                signers(&report["signers"]),
                signers(&result["signers"]),
                token_checks(&report["checks"]),
                token_checks(&result["checks"]),
            ));
        }
        assert_eq!(
            result["errors"],
            serde_json::json!([]),
            "{}: the page reported errors",
            row.name
        );
    }
    println!("{table}");
    if !cli_has_verdicts {
        println!(
            "(docseal verify --format json has no `verdict` yet: the page is checked against the expected verdicts)"
        );
    }
    assert!(
        wrong.is_empty(),
        "rows that differ:\n{}\n{table}",
        wrong.join("\n")
    );
}
