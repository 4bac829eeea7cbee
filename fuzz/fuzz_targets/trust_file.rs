//! A keyring's `trust.json` (versions 1 and 2).
#![no_main]

use docseal::keyring::TrustFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(file) = TrustFile::parse(data) {
        let again = TrustFile::parse(&file.to_bytes());
        assert!(
            again.is_ok(),
            "a parsed trust file does not read back: {again:?}"
        );
    }
});
