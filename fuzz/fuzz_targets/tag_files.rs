//! BagIt tag files as verify reads them: `bagit.txt` (the declaration),
//! tag-file decoding in every declared encoding, metadata elements
//! (`bag-info.txt`), manifests of every algorithm, `fetch.txt` and their
//! paths; and the plain readers `inspect` uses for docseal's own bags.
//!
//! The first byte picks the BagIt version (`% 6`, 0.93 to 1.0) and the
//! tag-file encoding (`/ 6`, in `ENCODINGS`); the rest is the file.
#![no_main]

use docseal::bundle::layout;
use docseal::digest::HashAlgorithm;
use docseal::verify::bag::lists;
use docseal::verify::bag::text::{self, TagEncoding, Version};
use libfuzzer_sys::fuzz_target;

const VERSIONS: [&str; 6] = ["0.93", "0.94", "0.95", "0.96", "0.97", "1.0"];
const ENCODINGS: [&str; 9] = [
    "UTF-8",
    "UTF-16",
    "UTF-16BE",
    "UTF-16LE",
    "UTF-32",
    "ISO-8859-1",
    "US-ASCII",
    "Shift_JIS",
    "windows-1252",
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let version =
        Version::parse(VERSIONS[usize::from(selector) % VERSIONS.len()]).expect("a known version");
    let encoding = ENCODINGS[usize::from(selector) / VERSIONS.len() % ENCODINGS.len()];
    let encoding = TagEncoding::parse(encoding).expect("a known encoding");

    let _ = text::declaration(bytes);
    let Ok(decoded) = text::decode(bytes, encoding) else {
        return;
    };
    let tags = &decoded.text;
    let _ = text::elements(tags, version);
    for algorithm in HashAlgorithm::ALL {
        let _ = lists::manifest(tags, version, algorithm);
    }
    let _ = lists::fetch(tags, version);
    for line in text::lines(tags) {
        let _ = lists::resolve(line, version);
    }
    let _ = layout::parse_tags("bag-info.txt", tags);
    let _ = layout::parse_manifest("manifest-sha512.txt", tags);
});
