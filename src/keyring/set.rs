//! The trust a verification runs under — a keyring, keys given one by one
//! for this run, or nothing — and where it came from, for the report.

use std::path::PathBuf;

use super::policy::{self, Judgement, SignatureTime};
use super::trust_file::TrustEntry;
use super::{Keyring, KeyringError};
use crate::keys::{self, KeyId};
use crate::party::{PartyCode, Role};
use crate::utc::UtcTime;

/// Where the trust of a verification came from, as the report says it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum TrustSource {
    /// A keyring folder (and perhaps single keys besides).
    Keyring {
        /// The folder.
        dir: PathBuf,
        /// Public key files given for this run besides the keyring.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        keys: Vec<PathBuf>,
    },
    /// Only public key files given for this run.
    Keys {
        /// The files.
        keys: Vec<PathBuf>,
    },
    /// No keyring was found and no key was given.
    None {
        /// Where a keyring was looked for.
        searched: Vec<String>,
    },
}

/// The trust a verification runs under.
#[derive(Debug, Clone)]
pub struct TrustSet {
    /// Where it came from.
    pub source: TrustSource,
    /// The key entries.
    pub keys: Vec<TrustEntry>,
    /// The time-stamp authorities whose tokens prove a signature's time.
    pub tsa: Vec<crate::timestamp::TsaAnchor>,
}

/// A public key given for one verification, with the party it is trusted for.
#[derive(Debug, Clone)]
pub struct GivenKey {
    /// The SPKI PEM file.
    pub file: PathBuf,
    /// The party it signs for.
    pub party: PartyCode,
    /// Who holds it, when the person verifying knows.
    pub signer: Option<String>,
}

impl TrustSet {
    /// Nothing trusted; `searched` says where a keyring was looked for.
    pub fn none(searched: Vec<String>) -> Self {
        Self {
            source: TrustSource::None { searched },
            keys: Vec::new(),
            tsa: Vec::new(),
        }
    }

    /// Everything a keyring trusts.
    pub fn from_keyring(ring: &Keyring) -> Self {
        Self {
            source: TrustSource::Keyring {
                dir: ring.dir.clone(),
                keys: Vec::new(),
            },
            keys: ring.trust.keys.clone(),
            tsa: ring.anchors.clone(),
        }
    }

    /// Adds a key for this run only: trusted for its party at any time. A
    /// key the set already has is replaced by the one given.
    pub fn add_key(&mut self, given: &GivenKey) -> Result<(), KeyringError> {
        let key = keys::read_public_key(&given.file)?;
        let id = KeyId::of(&key);
        self.keys.retain(|e| e.key != id);
        self.keys.push(TrustEntry {
            key: id,
            file: given.file.display().to_string(),
            party: given.party.clone(),
            signer: given.signer.clone().unwrap_or_default(),
            role: Role::Signatory,
            valid_from: UtcTime::from_unix(0).unwrap_or_else(|_| UtcTime::now()),
            valid_until: None,
            revoked: None,
            demo: false,
            history: Vec::new(),
        });
        self.source = match std::mem::replace(&mut self.source, TrustSource::Keys { keys: vec![] })
        {
            TrustSource::Keyring { dir, mut keys } => {
                keys.push(given.file.clone());
                TrustSource::Keyring { dir, keys }
            }
            TrustSource::Keys { mut keys } => {
                keys.push(given.file.clone());
                TrustSource::Keys { keys }
            }
            TrustSource::None { .. } => TrustSource::Keys {
                keys: vec![given.file.clone()],
            },
        };
        Ok(())
    }

    /// Trusts a TSA's certificate (PEM or DER) for this run.
    pub fn add_tsa(&mut self, certificate: &std::path::Path) -> Result<(), KeyringError> {
        let der = super::tsa::read_certificate(certificate).map_err(|problem| {
            KeyringError::Certificate {
                path: certificate.to_path_buf(),
                problem,
            }
        })?;
        self.tsa.push(crate::timestamp::TsaAnchor {
            name: certificate.display().to_string(),
            certificate_der: der,
            valid_from: None,
            valid_until: None,
        });
        Ok(())
    }

    /// What the set says about `key` for a signature at `time`.
    pub fn judge(&self, key: &KeyId, time: SignatureTime) -> Judgement<'_> {
        policy::judge(&self.keys, key, time)
    }
}
