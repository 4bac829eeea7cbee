//! A real, offline RFC 3161 TSA for the tests, and the two independent
//! verifiers every accepted token is checked with: `openssl ts -verify` and
//! Python's `rfc3161-client` (tests/rfc3161_client_check.py).

pub mod pki;
pub mod resign;
pub mod server;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

// Used by tests/timestamp.rs; the other test binaries share `common` without them.
#[allow(unused_imports)]
pub use pki::{Pki, TsaCert};
#[allow(unused_imports)]
pub use server::{Behaviour, TsaOptions, TsaServer};

use docseal::timestamp::{self, Nonce};

/// Stamps `data` at `server` through docseal's own query and fetch:
/// returns the reply's bytes and the request's nonce.
pub fn stamp(server: &TsaServer, data: &[u8]) -> (Vec<u8>, Nonce) {
    let query = timestamp::query(data).unwrap();
    let reply = timestamp::fetch(server.url(), &query.der, Duration::from_secs(30)).unwrap();
    (reply, query.nonce)
}

/// Stamps `data` with a query made by `openssl ts -query` with `extra`
/// arguments (e.g. `-sha1`, `-tspolicy OID`).
pub fn stamp_with_openssl_query(server: &TsaServer, data: &[u8], extra: &[&str]) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("data.bin"), data).unwrap();
    let mut args = vec![
        "ts", "-query", "-data", "data.bin", "-cert", "-out", "q.tsq",
    ];
    args.extend_from_slice(extra);
    pki::openssl(dir.path(), &args);
    let query = std::fs::read(dir.path().join("q.tsq")).unwrap();
    timestamp::fetch(server.url(), &query, Duration::from_secs(30)).unwrap()
}

/// Files for the outside verifiers, in a temporary folder.
struct Files {
    dir: tempfile::TempDir,
}

impl Files {
    fn new(tsr: &[u8], data: &[u8]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("x.tsr"), tsr).unwrap();
        std::fs::write(dir.path().join("data.bin"), data).unwrap();
        Self { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// `openssl ts -verify -data DATA -in X.tsr -CAfile ROOT -untrusted CERTS`:
/// `Ok` when OpenSSL accepts the token, else its message.
pub fn openssl_verify(
    tsr: &[u8],
    data: &[u8],
    root: &str,
    untrusted: &[&str],
) -> Result<(), String> {
    let pki = Pki::get();
    let files = Files::new(tsr, data);
    let bundle = files.path("untrusted.pem");
    let mut pem = String::new();
    for name in untrusted {
        pem.push_str(&std::fs::read_to_string(pki.pem(name)).unwrap());
    }
    std::fs::write(&bundle, pem).unwrap();
    let mut cmd = Command::new("openssl");
    cmd.args(["ts", "-verify", "-data"])
        .arg(files.path("data.bin"))
        .arg("-in")
        .arg(files.path("x.tsr"))
        .arg("-CAfile")
        .arg(pki.pem(root));
    if !untrusted.is_empty() {
        cmd.arg("-untrusted").arg(&bundle);
    }
    outcome(cmd, "Verification: OK")
}

/// `openssl cms -verify` of the token's SignedData (for RSA-PSS, which
/// OpenSSL 3.0's `ts -verify`, built on PKCS #7, does not support).
pub fn openssl_cms_verify(tsr: &[u8], root: &str) -> Result<(), String> {
    let pki = Pki::get();
    let files = Files::new(tsr, b"");
    let token = files.path("token.der");
    pki::openssl(
        files.dir.path(),
        &[
            "ts",
            "-reply",
            "-in",
            "x.tsr",
            "-token_out",
            "-out",
            token.to_str().unwrap(),
        ],
    );
    let mut cmd = Command::new("openssl");
    cmd.args([
        "cms",
        "-verify",
        "-binary",
        "-inform",
        "DER",
        "-purpose",
        "timestampsign",
        "-in",
    ])
    .arg(&token)
    .arg("-CAfile")
    .arg(pki.pem(root))
    .arg("-out")
    .arg(files.path("content.der"));
    outcome(cmd, "Verification successful")
}

/// Python `rfc3161-client` (from the project's `.venv`) on the same files.
pub fn python_verify(
    tsr: &[u8],
    data: &[u8],
    root: &str,
    intermediates: &[&str],
    nonce: Option<&Nonce>,
) -> Result<(), String> {
    let pki = Pki::get();
    let files = Files::new(tsr, data);
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cmd = Command::new(manifest.join(".venv/bin/python"));
    cmd.arg(manifest.join("tests/rfc3161_client_check.py"))
        .arg(files.path("x.tsr"))
        .arg(files.path("data.bin"))
        .arg(pki.pem(root));
    for name in intermediates {
        cmd.arg("--intermediate").arg(pki.pem(name));
    }
    if let Some(nonce) = nonce {
        cmd.arg("--nonce").arg(nonce.to_hex());
    }
    outcome(cmd, "OK")
}

fn outcome(mut cmd: Command, success: &str) -> Result<(), String> {
    let out = cmd.output().expect("the verifier runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if out.status.success() && text.contains(success) {
        Ok(())
    } else {
        Err(text)
    }
}
