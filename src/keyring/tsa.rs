//! The keyring's time-stamp authorities: CA (or TSA) certificates under
//! `tsa/`, listed in the trust file, that tokens must chain to for their
//! time to count (docs/FORMAT.md §4, §6).

use std::path::{Path, PathBuf};

use der::Decode as _;

use super::trust_file::TsaEntry;
use super::{Keyring, KeyringError};
use crate::digest::Sha256Digest;
use crate::timestamp::TsaAnchor;
use crate::utc::UtcTime;

/// What is wrong with a TSA certificate file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertificateProblem {
    /// Not readable.
    #[error("cannot be read: {0}")]
    Unreadable(String),
    /// Not one PEM `CERTIFICATE` (or a DER certificate).
    #[error("is not a certificate: {0}")]
    NotACertificate(String),
    /// The file holds another certificate than the trust file names.
    #[error("holds another certificate ({found}) than the trust file names")]
    OtherCertificate {
        /// SHA-256 of the DER found.
        found: Sha256Digest,
    },
}

/// A TSA name: letters, digits, `.`, `_`, `-`, not starting with `.`, at
/// most 64 characters (it is also the file's stem).
fn valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// Reads a certificate file (PEM `CERTIFICATE`, or DER) as DER, checked to
/// be an X.509 certificate.
pub fn read_certificate(path: &Path) -> Result<Vec<u8>, CertificateProblem> {
    let bytes = std::fs::read(path).map_err(|e| CertificateProblem::Unreadable(e.to_string()))?;
    let der = if bytes.starts_with(b"-----BEGIN") {
        let text = String::from_utf8_lossy(&bytes);
        let (label, der) = der::pem::decode_vec(text.trim().as_bytes())
            .map_err(|e| CertificateProblem::NotACertificate(e.to_string()))?;
        if label != "CERTIFICATE" {
            return Err(CertificateProblem::NotACertificate(format!(
                "the PEM label is {label:?}, not \"CERTIFICATE\""
            )));
        }
        der
    } else {
        bytes
    };
    x509_cert::Certificate::from_der(&der)
        .map_err(|e| CertificateProblem::NotACertificate(e.to_string()))?;
    Ok(der)
}

fn pem(der: &[u8]) -> String {
    der::pem::encode_string("CERTIFICATE", der::pem::LineEnding::LF, der).unwrap_or_default()
}

impl Keyring {
    /// Trusts a TSA: its certificate is stored as `tsa/<name>.pem` and listed
    /// in the trust file, with an optional window for the tokens' genTime.
    pub fn trust_tsa(
        &mut self,
        certificate: &Path,
        name: &str,
        valid_from: Option<UtcTime>,
        valid_until: Option<UtcTime>,
    ) -> Result<TsaEntry, KeyringError> {
        if !valid_name(name) {
            return Err(KeyringError::BadTsaName(name.to_string()));
        }
        if self.trust.tsa.iter().any(|t| t.name == name) {
            return Err(KeyringError::TsaAlreadyTrusted(name.to_string()));
        }
        if let (Some(from), Some(until)) = (valid_from, valid_until)
            && until < from
        {
            return Err(KeyringError::EmptyWindow { from, until });
        }
        let der = read_certificate(certificate).map_err(|problem| KeyringError::Certificate {
            path: certificate.to_path_buf(),
            problem,
        })?;
        let file = format!("tsa/{name}.pem");
        let target = self.dir.join(&file);
        let tsa_dir = self.dir.join("tsa");
        std::fs::create_dir_all(&tsa_dir).map_err(|source| KeyringError::Io {
            path: tsa_dir.clone(),
            source,
        })?;
        crate::fsutil::write_atomic_with(&target, true, |f| {
            use std::io::Write as _;
            f.write_all(pem(&der).as_bytes())
        })
        .map_err(|source| KeyringError::Io {
            path: target.clone(),
            source,
        })?;
        let entry = TsaEntry {
            name: name.to_string(),
            file,
            certificate: Sha256Digest::of_bytes(&der),
            valid_from,
            valid_until,
        };
        self.trust.tsa.push(entry.clone());
        if let Err(e) = self.save() {
            let _ = std::fs::remove_file(&target);
            return Err(e);
        }
        self.anchors.push(anchor(&entry, der));
        Ok(entry)
    }

    /// Reads every TSA certificate the trust file lists, each checked
    /// against its digest.
    pub(super) fn load_anchors(&self) -> Result<Vec<TsaAnchor>, KeyringError> {
        self.trust
            .tsa
            .iter()
            .map(|entry| {
                let path: PathBuf = self.dir.join(&entry.file);
                let der = read_certificate(&path).map_err(|problem| KeyringError::Certificate {
                    path: path.clone(),
                    problem,
                })?;
                let found = Sha256Digest::of_bytes(&der);
                if found != entry.certificate {
                    return Err(KeyringError::Certificate {
                        path,
                        problem: CertificateProblem::OtherCertificate { found },
                    });
                }
                Ok(anchor(entry, der))
            })
            .collect()
    }
}

/// The anchor the timestamp module checks tokens against.
pub fn anchor(entry: &TsaEntry, certificate_der: Vec<u8>) -> TsaAnchor {
    TsaAnchor {
        name: entry.name.clone(),
        certificate_der,
        valid_from: entry.valid_from.map(UtcTime::datetime),
        valid_until: entry.valid_until.map(UtcTime::datetime),
    }
}
