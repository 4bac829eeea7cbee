//! A whole bundle through `verify`: container, BagIt, statement, record,
//! signatures and time-stamp tokens, judged against the test keyring.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use docseal::keyring::{Keyring, TrustSet};
use docseal::verify::{self, PolicyChoice, VerifyOptions};
use libfuzzer_sys::fuzz_target;

struct Fixture {
    _dir: tempfile::TempDir,
    path: PathBuf,
    trust: TrustSet,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let ring = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/keyring");
        let keyring = Keyring::open(&ring).expect("the test keyring");
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("bundle.zip");
        Fixture {
            _dir: dir,
            path,
            trust: TrustSet::from_keyring(&keyring),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let fixture = fixture();
    std::fs::write(&fixture.path, data).expect("the input written");
    let policy = PolicyChoice::default();
    let options = VerifyOptions {
        trust: &fixture.trust,
        policy: &policy,
        evidence: None,
        progress: &verify::no_progress,
    };
    if let Ok(report) = verify::verify_path(&fixture.path, &options) {
        // The renderings read every field a report carries.
        let _ = verify::render::human(&report);
        let _ = verify::render::html::render(&report);
    }
});
