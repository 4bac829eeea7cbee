//! A signature file's signed statement (`signatures/*.json`): strict,
//! canonical, and of a known type.
#![no_main]

use docseal::bundle::signed::SignedStatement;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(statement) = SignedStatement::parse(data) {
        // Only its own canonical bytes are accepted.
        assert_eq!(statement.signing_bytes(), data);
    }
});
