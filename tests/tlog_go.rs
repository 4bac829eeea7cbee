//! The tiled log checked by Go's `golang.org/x/mod/sumdb/tlog`, which shares
//! no code with docseal: a log grown through many sizes (tile boundaries,
//! levels 0 to 2) is written to a folder at its C2SP paths, and
//! `tests/go/tlogcheck` rebuilds the tree from the entry bundles and compares
//! roots, every tile's bytes and every proof (see its doc comment). Then a
//! changed tile and a changed proof must make it fail.
#![allow(clippy::unwrap_used)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use docseal::tlog::{self, Resource, StoreError, TileReader, Tree};

/// Tiles and bundles as files at their paths under `root`.
struct DirTiles {
    root: PathBuf,
}

impl TileReader for DirTiles {
    fn read(&self, resource: Resource) -> Result<Option<Vec<u8>>, StoreError> {
        match std::fs::read(self.root.join(resource.path())) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}

impl DirTiles {
    /// Writes a new resource; tiles are immutable, so none is overwritten.
    fn write(&self, resource: Resource, bytes: &[u8]) {
        let path = self.root.join(resource.path());
        assert!(!path.exists(), "{} written twice", resource.path());
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

/// Entries of varied lengths: empty, short, and some long ones.
fn entry(i: u64) -> Vec<u8> {
    match i % 1000 {
        5 => Vec::new(),
        999 => vec![(i % 251) as u8; 3000],
        _ => format!("{{\"index\":{i},\"bundle\":\"docseal\"}}").into_bytes(),
    }
}

fn hex_list(hashes: &[tlog::Hash]) -> String {
    if hashes.is_empty() {
        return "-".into();
    }
    let hex: Vec<String> = hashes.iter().map(|h| docseal::digest::hex(h)).collect();
    hex.join(",")
}

const SIZES: &[u64] = &[
    1, 2, 3, 7, 255, 256, 257, 511, 512, 513, 1_000, 65_535, 65_536, 65_537, 65_792, 65_793,
    100_000, 131_072, 131_073,
];

/// Grows the log through SIZES into `store`; returns what it claims and how
/// many hash tiles it wrote.
fn write_log(store: &DirTiles) -> (String, usize) {
    let mut tree = Tree::empty();
    let mut manifest = String::new();
    let mut tiles = 0;
    for &size in SIZES {
        let entries: Vec<Vec<u8>> = (tree.size..size).map(entry).collect();
        let appended = tlog::append_entries(store, &tree, &entries).unwrap();
        for (tile, bytes) in &appended.tiles {
            store.write((*tile).into(), bytes);
            tiles += 1;
        }
        for (bundle, bytes) in &appended.bundles {
            store.write((*bundle).into(), bytes);
        }
        tree = appended.tree;
        assert_eq!(tlog::root(store, size).unwrap(), tree.root);
        writeln!(manifest, "size {size} {}", docseal::digest::hex(&tree.root)).unwrap();
        for index in [0, 1, 254, 255, 256, 65_535, 65_536, size / 2, size - 1] {
            if index < size {
                let proof = tlog::inclusion_proof(store, index, size).unwrap();
                writeln!(manifest, "inclusion {size} {index} {}", hex_list(&proof)).unwrap();
            }
        }
        for &old in SIZES.iter().filter(|&&old| old < size) {
            let proof = tlog::consistency_proof(store, old, size).unwrap();
            writeln!(manifest, "consistency {old} {size} {}", hex_list(&proof)).unwrap();
        }
    }
    (manifest, tiles)
}

/// Builds tlogcheck offline: GOPATH mode over Debian's packaged x/mod, every
/// cache under the target folder, nothing read from the user's Go settings.
fn build_tlogcheck(out: &Path) -> PathBuf {
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("go-tlog");
    std::fs::create_dir_all(work.join("tmp")).unwrap();
    let bin = out.join("tlogcheck");
    let status = Command::new("go")
        .args(["build", "-o"])
        .arg(&bin)
        .arg(".")
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/go/tlogcheck"))
        .env("GO111MODULE", "off")
        .env("GOPATH", "/usr/share/gocode")
        .env("GOCACHE", work.join("cache"))
        .env("GOTMPDIR", work.join("tmp"))
        .env("GOENV", "off")
        .env("GOFLAGS", "")
        .env("GOTOOLCHAIN", "local")
        .env("GOPROXY", "off")
        .env("CGO_ENABLED", "0")
        .status()
        .unwrap();
    assert!(status.success(), "go build failed");
    bin
}

fn run(bin: &Path, dir: &Path, manifest: &Path) -> (bool, String) {
    let out = Command::new(bin).arg(dir).arg(manifest).output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
#[cfg_attr(
    not(docseal_test_go_tlog),
    ignore = "needs go and golang.org/x/mod (Debian golang-go golang-golang-x-mod-dev)"
)]
fn go_sumdb_tlog_agrees_with_our_tiles_and_proofs() {
    let temp = tempfile::tempdir().unwrap();
    let store = DirTiles {
        root: temp.path().join("log"),
    };
    let (manifest, tiles) = write_log(&store);
    let manifest_path = temp.path().join("manifest");
    std::fs::write(&manifest_path, &manifest).unwrap();
    let bin = build_tlogcheck(temp.path());

    let (ok, text) = run(&bin, &store.root, &manifest_path);
    assert!(ok, "{text}");
    eprintln!("{text}");
    let inclusions = manifest
        .lines()
        .filter(|l| l.starts_with("inclusion"))
        .count();
    let consistencies = manifest
        .lines()
        .filter(|l| l.starts_with("consistency"))
        .count();
    assert!(
        text.contains(&format!(
            "{} sizes up to 131073, {tiles} tiles, {inclusions} inclusion and {consistencies} consistency proofs agree",
            SIZES.len()
        )),
        "{text}"
    );

    // One changed hash in a tile: Go sees it.
    let tile = store.root.join("tile/1/000");
    let good = std::fs::read(&tile).unwrap();
    let mut bad = good.clone();
    bad[100] ^= 1;
    std::fs::write(&tile, &bad).unwrap();
    let (ok, text) = run(&bin, &store.root, &manifest_path);
    assert!(!ok && text.contains("tile/1/000 differs"), "{text}");
    std::fs::write(&tile, &good).unwrap();

    // One changed hash in a proof: Go sees it.
    let line = manifest
        .lines()
        .find(|l| l.starts_with("inclusion 1000 0 "))
        .unwrap();
    let (head, proof) = line.rsplit_once(' ').unwrap();
    let flipped = if proof.starts_with('0') { '1' } else { '0' };
    let forged = format!("{head} {flipped}{}", &proof[1..]);
    std::fs::write(&manifest_path, manifest.replace(line, &forged)).unwrap();
    let (ok, text) = run(&bin, &store.root, &manifest_path);
    assert!(!ok && text.contains("differs from Go's"), "{text}");
}
