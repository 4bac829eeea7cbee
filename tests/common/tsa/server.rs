//! A real TSA for one test: `openssl ts -reply` behind a minimal HTTP/1.1
//! server on 127.0.0.1 (ephemeral port, one request per connection), started
//! by the test and stopped when dropped.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use super::pki::{Pki, TsaCert};

/// How the TSA is configured (`[tsa]` section of its openssl.cnf).
#[derive(Clone, Debug)]
pub struct TsaOptions {
    /// The signing certificate (and its key).
    pub cert: TsaCert,
    /// `signer_digest`: the SignerInfo's digest algorithm.
    pub signer_digest: &'static str,
    /// `accuracy`, e.g. `secs:1, millisecs:500, microsecs:100`; `None` for none.
    pub accuracy: Option<&'static str>,
    /// `clock_precision_digits`: digits of fraction in genTime.
    pub clock_precision_digits: u8,
    /// Certificates to include besides the signer's (`certs`), by PKI name.
    pub chain: Vec<&'static str>,
    /// `ess_cert_id_alg`: SigningCertificateV2's hash (`sha1` writes a v1 SigningCertificate).
    pub ess_cert_id_alg: &'static str,
}

impl Default for TsaOptions {
    fn default() -> Self {
        Self {
            cert: TsaCert::Rsa,
            signer_digest: "sha256",
            accuracy: Some("secs:1, millisecs:500, microsecs:100"),
            clock_precision_digits: 3,
            chain: vec![],
            ess_cert_id_alg: "sha256",
        }
    }
}

/// What the server does with a request (the fetch tests need misbehaviour).
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum Behaviour {
    /// Answer as a TSA.
    Tsa,
    /// Answer as a TSA, but with `Content-Type: text/html`.
    WrongContentType,
    /// Answer HTTP 500.
    ServerError,
    /// Answer 200 with a 2 MiB body.
    Oversized,
    /// Read the request and never answer (until stopped).
    Silent,
}

/// The running server.
pub struct TsaServer {
    url: String,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    port: u16,
    _dir: tempfile::TempDir,
}

/// The policy OID of the test TSA.
pub const POLICY: &str = "1.2.3.4.1";

impl TsaServer {
    /// A TSA answering with `options`.
    pub fn start(options: TsaOptions) -> Self {
        Self::start_with(options, Behaviour::Tsa)
    }

    /// A server behaving as `behaviour`.
    pub fn start_with(options: TsaOptions, behaviour: Behaviour) -> Self {
        let pki = Pki::get();
        let dir = tempfile::tempdir().unwrap();
        let config = write_config(pki, dir.path(), &options);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let stop = Arc::clone(&stop);
            let work = dir.path().to_path_buf();
            std::thread::spawn(move || {
                for (n, stream) in listener.incoming().enumerate() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    serve(
                        stream,
                        &config,
                        &work.join(format!("q{n}")),
                        behaviour,
                        &stop,
                    );
                }
            })
        };
        Self {
            url: format!("http://127.0.0.1:{port}/tsr"),
            stop,
            thread: Some(thread),
            port,
            _dir: dir,
        }
    }

    /// The TSA's URL.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for TsaServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop, which then sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn write_config(pki: &Pki, dir: &Path, options: &TsaOptions) -> PathBuf {
    let chain = dir.join("chain.pem");
    let mut pem = String::new();
    for name in &options.chain {
        pem.push_str(&std::fs::read_to_string(pki.pem(name)).unwrap());
    }
    std::fs::write(&chain, pem).unwrap();
    std::fs::write(dir.join("tsa.serial"), "01\n").unwrap();
    let mut cnf = format!(
        "[tsa]\ndefault_tsa = tsa_config\n[tsa_config]\n\
         serial = {serial}\ncrypto_device = builtin\n\
         signer_cert = {cert}\nsigner_key = {key}\nsigner_digest = {digest}\n\
         default_policy = {POLICY}\nother_policies = 1.2.3.4.5.6\n\
         digests = sha1, sha256, sha384, sha512\n\
         clock_precision_digits = {digits}\nordering = yes\ntsa_name = yes\n\
         ess_cert_id_chain = no\ness_cert_id_alg = {ess}\n",
        serial = dir.join("tsa.serial").display(),
        cert = pki.pem(options.cert.name()).display(),
        key = pki.key(options.cert.key()).display(),
        digest = options.signer_digest,
        digits = options.clock_precision_digits,
        ess = options.ess_cert_id_alg,
    );
    if !options.chain.is_empty() {
        cnf.push_str(&format!("certs = {}\n", chain.display()));
    }
    if let Some(accuracy) = options.accuracy {
        cnf.push_str(&format!("accuracy = {accuracy}\n"));
    }
    let path = dir.join("openssl.cnf");
    std::fs::write(&path, cnf).unwrap();
    path
}

/// Answers one connection.
fn serve(stream: TcpStream, config: &Path, work: &Path, behaviour: Behaviour, stop: &AtomicBool) {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut reader = BufReader::new(stream);
    let Some((request_line, content_type, body)) = read_request(&mut reader) else {
        return;
    };
    let mut stream = reader.into_inner();
    if behaviour == Behaviour::Silent {
        while !stop.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(20));
        }
        return;
    }
    let (status, kind, reply) = if !request_line.starts_with("POST ") {
        (
            "405 Method Not Allowed",
            "text/plain",
            b"POST only\n".to_vec(),
        )
    } else if content_type != "application/timestamp-query" {
        (
            "415 Unsupported Media Type",
            "text/plain",
            b"timestamp-query only\n".to_vec(),
        )
    } else {
        match behaviour {
            Behaviour::ServerError => ("500 Internal Server Error", "text/plain", b"no\n".to_vec()),
            Behaviour::Oversized => ("200 OK", "application/timestamp-reply", vec![0u8; 2 << 20]),
            Behaviour::WrongContentType => ("200 OK", "text/html", reply(config, work, &body)),
            _ => (
                "200 OK",
                "application/timestamp-reply",
                reply(config, work, &body),
            ),
        }
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        reply.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&reply);
}

/// (request line, Content-Type, body), or `None` for a connection that
/// sent no request (the stop wake-up).
fn read_request(reader: &mut impl BufRead) -> Option<(String, String, Vec<u8>)> {
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).ok()? == 0 {
        return None;
    }
    let (mut length, mut content_type) = (0usize, String::new());
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            match name.trim().to_ascii_lowercase().as_str() {
                "content-length" => length = value.trim().parse().ok()?,
                "content-type" => content_type = value.trim().to_string(),
                _ => {}
            }
        }
    }
    let mut body = vec![0u8; length.min(1 << 20)];
    reader.read_exact(&mut body).ok()?;
    Some((request_line, content_type, body))
}

/// `openssl ts -reply` over the query `body`.
fn reply(config: &Path, work: &Path, body: &[u8]) -> Vec<u8> {
    let query = work.with_extension("tsq");
    let response = work.with_extension("tsr");
    std::fs::write(&query, body).unwrap();
    let out = Command::new("openssl")
        .args(["ts", "-reply", "-config"])
        .arg(config)
        .arg("-queryfile")
        .arg(&query)
        .arg("-out")
        .arg(&response)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "openssl ts -reply: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read(&response).unwrap()
}
