//! The hardened zip reader: opening an archive (every check that refuses an
//! unsafe one) and reading each entry in full (sizes and CRC-32 checked).
#![no_main]

use std::io;
use std::path::PathBuf;
use std::sync::OnceLock;

use docseal::bundle::source::{BagSource, Limits};
use libfuzzer_sys::fuzz_target;

/// The reader opens files: each input is written to one file per process.
fn input_path() -> &'static PathBuf {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("bundle.zip");
        (dir, path)
    })
    .1
}

fuzz_target!(|data: &[u8]| {
    let path = input_path();
    std::fs::write(path, data).expect("the input written");
    let Ok(source) = BagSource::open(path, Limits::default()) else {
        return;
    };
    let _ = source.name();
    let Ok(mut opener) = source.opener() else {
        return;
    };
    for entry in source.entries() {
        let _ = opener.with_reader(&entry.path, &mut |r| io::copy(r, &mut io::sink()).map(drop));
    }
    let _ = source.read_small("bagit.txt", 1024);
});
