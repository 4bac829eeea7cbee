//! `docseal import`: plain text to a statement with exact byte spans.
#![no_main]

use docseal::import::{self, ImportOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(statement) = import::import(data, &ImportOptions::default()) else {
        return;
    };
    // Every span is the exact text it claims.
    for block in &statement.body {
        let [start, end] = block.span;
        assert_eq!(
            data.get(start..end),
            Some(block.text.as_bytes()),
            "span of {block:?}"
        );
    }
});
