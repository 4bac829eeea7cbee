//! Inclusion proof files (`archive proof` → `archive check-proof`), read as
//! the CLI reads them and checked against the archive's key.
#![no_main]

use std::sync::OnceLock;

use docseal::archive::InclusionProof;
use ed25519_dalek::VerifyingKey;
use libfuzzer_sys::fuzz_target;

/// The key of the archive the seed proofs come from.
fn archive_key() -> &'static VerifyingKey {
    static KEY: OnceLock<VerifyingKey> = OnceLock::new();
    KEY.get_or_init(|| {
        let text = include_str!("../data/archive.pub.pem");
        docseal::keys::parse_public_key(text, "archive.pub.pem".as_ref()).expect("the archive key")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(value) = docseal::document::parse_strict(data) else {
        return;
    };
    let Ok(proof) = serde_json::from_value::<InclusionProof>(value) else {
        return;
    };
    let _ = proof.check(archive_key(), None);
});
