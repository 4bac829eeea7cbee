//! The strict JSON reader (duplicate keys, lone surrogates, I-JSON numbers),
//! the document with its positions, and RFC 8785 canonicalization: every
//! statement, signature file, record and trust file goes through these.
#![no_main]

use docseal::document::{self, Document};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let strict = document::parse_strict(data);
    if let Ok(doc) = Document::parse(data.to_vec()) {
        // Positions of every offset a report may point at.
        let _ = doc.position(data.len());
        let _ = doc.locate("/body/0/text");
        let _ = doc.locate("");
    }
    let _ = document::line_around(data, data.len() / 2);
    if let Ok(canonical) = docseal::canonical::canonicalize(data) {
        let Ok(value) = &strict else {
            panic!("canonicalize accepted what the strict reader refuses");
        };
        // docseal's own writer and the crate that writes its typed records
        // agree on every document.
        assert_eq!(
            serde_json_canonicalizer::to_vec(value).ok().as_ref(),
            Some(&canonical),
            "docseal's canonical bytes differ from serde_json_canonicalizer's"
        );
        // Canonical bytes are a fixed point — except where RFC 8785 writes a
        // double as an integer literal that the double does not equal
        // exactly (77777777777777776 → `77777777777777780`), which
        // docs/FORMAT.md §1 refuses as input: canonical bytes are for
        // hashing, not always valid input.
        match docseal::canonical::canonicalize(&canonical) {
            Ok(again) => assert_eq!(again, canonical, "canonical form is not stable"),
            Err(docseal::canonical::CanonicalError::InexactNumber { .. }) => {}
            // The same rule, applied by the strict reader to literals of
            // more than 19 digits (which serde_json would round).
            Err(docseal::canonical::CanonicalError::Document(
                docseal::document::DocumentError::Syntax { message, .. },
            )) if message.contains("not exactly representable as an IEEE 754 double") => {}
            Err(e) => panic!("canonical bytes refused for another reason: {e}"),
        }
    }
});
