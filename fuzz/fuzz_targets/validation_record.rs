//! `metadata/validation.json`, the record of what was checked at sealing.
#![no_main]

use docseal::bundle::record::ValidationRecord;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(record) = ValidationRecord::parse(data) {
        // What is written back is read back the same.
        let again = ValidationRecord::parse(&record.to_bytes());
        assert!(
            again.is_ok(),
            "a parsed record does not read back: {again:?}"
        );
    }
});
