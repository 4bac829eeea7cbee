//! The archive log's texts: signed checkpoints (C2SP signed notes), their
//! bodies, and log entry lines.
#![no_main]

use std::sync::OnceLock;

use docseal::archive::Entry;
use docseal::archive::note::{self, Checkpoint};
use ed25519_dalek::VerifyingKey;
use libfuzzer_sys::fuzz_target;

/// The key of the archive the seed checkpoints come from.
fn archive_key() -> &'static VerifyingKey {
    static KEY: OnceLock<VerifyingKey> = OnceLock::new();
    KEY.get_or_init(|| {
        let text = include_str!("../data/archive.pub.pem");
        docseal::keys::parse_public_key(text, "archive.pub.pem".as_ref()).expect("the archive key")
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(entry) = Entry::parse(data) {
        assert_eq!(
            entry.bytes(),
            data,
            "a parsed entry is its own canonical bytes"
        );
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(checkpoint) = Checkpoint::parse_body(text) {
        assert_eq!(Checkpoint::parse_body(&checkpoint.body()), Ok(checkpoint));
    }
    let _ = note::verify_checkpoint(text, archive_key());
});
