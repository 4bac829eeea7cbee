//! RFC 3161 time-stamp replies (`.tsr`): read without checking
//! (`inspect`), and verified over the seed's stamped bytes against the root
//! of the PKI that made the seeds.
#![no_main]

use docseal::timestamp::{self, TsaAnchor};
use libfuzzer_sys::fuzz_target;

/// What the seed tokens stamp (see fuzz/make-seeds.sh).
const STAMPED: &[u8] = b"docseal fuzz seed\n";

fuzz_target!(|data: &[u8]| {
    let _ = timestamp::inspect(data);
    let _ = timestamp::signing_certificate(data);
    let anchor = TsaAnchor {
        name: "fuzz root".into(),
        certificate_der: include_bytes!("../data/tsa-root.der").to_vec(),
        valid_from: None,
        valid_until: None,
    };
    let _ = timestamp::verify(data, STAMPED, &[anchor], None);
});
