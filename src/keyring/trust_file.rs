//! The trust file `trust.json`: what a keyring says about each key and each
//! time-stamp authority. Pure: bytes in, types out, and back.
//!
//! Version 2 is written; version 1 (no roles, no history, no TSAs, times
//! with fractions of a second) is still read. The format is in
//! docs/FORMAT.md §4.

use serde::{Deserialize, Serialize};

use crate::digest::Sha256Digest;
use crate::keys::KeyId;
use crate::party::{PartyCode, Role};
use crate::utc::UtcTime;

/// Name of the trust file inside the keyring folder.
pub const TRUST_FILE: &str = "trust.json";

/// The version written.
pub const TRUST_FILE_VERSION: u32 = 2;

/// The trust file.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TrustFile {
    /// Layout version ([`TRUST_FILE_VERSION`] once written).
    pub version: u32,
    /// Every key ever trusted, in the order added.
    pub keys: Vec<TrustEntry>,
    /// Time-stamp authorities whose tokens prove when a signature existed.
    pub tsa: Vec<TsaEntry>,
}

impl Default for TrustFile {
    fn default() -> Self {
        Self {
            version: TRUST_FILE_VERSION,
            keys: Vec::new(),
            tsa: Vec::new(),
        }
    }
}

/// What the keyring knows of one key: whose it is, as what, and when it counts.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TrustEntry {
    /// The key id (`sha256:` of the raw public key).
    pub key: KeyId,
    /// The public key file, relative to the keyring folder.
    pub file: String,
    /// Party the key signs for.
    pub party: PartyCode,
    /// Who holds the key, e.g. "Presidential Administration of the Republic of Kazakhstan".
    pub signer: String,
    /// The role its signatures have.
    #[serde(default)]
    pub role: Role,
    /// First instant a signature by this key counts.
    pub valid_from: UtcTime,
    /// Last instant a signature by this key counts, if limited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<UtcTime>,
    /// Revocation, if any: signatures not proven to be older do not count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked: Option<Revocation>,
    /// A demo key: published with docseal, proves nothing.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub demo: bool,
    /// Changes made with `key trust --update`, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<Change>,
}

/// When and why a key was revoked.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Revocation {
    /// From when signatures by the key no longer count.
    pub at: UtcTime,
    /// Why.
    pub reason: String,
}

/// One recorded change of a trust entry.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Change {
    /// When the change was made.
    pub at: UtcTime,
    /// The field changed: `signer`, `role`, `valid_from` or `valid_until`.
    pub field: String,
    /// Its value before (absent when it had none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Its value after (absent when removed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

/// A time-stamp authority the keyring trusts: a CA (or TSA) certificate that
/// tokens must chain to.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TsaEntry {
    /// A name for people, unique in the keyring (also the file's stem).
    pub name: String,
    /// The certificate (PEM), relative to the keyring folder: `tsa/<name>.pem`.
    pub file: String,
    /// SHA-256 of the certificate's DER.
    pub certificate: Sha256Digest,
    /// Tokens made before this instant do not count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<UtcTime>,
    /// Tokens made after this instant do not count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<UtcTime>,
}

/// Why a trust file cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TrustFileError {
    /// Not strict JSON.
    #[error("{0}")]
    Json(String),
    /// The JSON does not have the trust file's shape.
    #[error("{0}")]
    Shape(String),
    /// A version this docseal does not read.
    #[error(
        "version {found} is not supported (this docseal reads versions 1 and {TRUST_FILE_VERSION})"
    )]
    Version {
        /// The version found.
        found: u64,
    },
    /// A key listed twice.
    #[error("key {0} is listed twice")]
    DuplicateKey(KeyId),
    /// A TSA name listed twice.
    #[error("TSA {0:?} is listed twice")]
    DuplicateTsa(String),
    /// A validity window that ends before it starts.
    #[error("key {key}: valid_until {until} is before valid_from {from}")]
    EmptyWindow {
        /// The key.
        key: KeyId,
        /// Start.
        from: UtcTime,
        /// End.
        until: UtcTime,
    },
}

/// Version 1 as it was written (times with fractions, no roles).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct V1File {
    #[allow(dead_code)]
    version: u32,
    keys: Vec<V1Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct V1Entry {
    key: KeyId,
    file: String,
    party: PartyCode,
    signer: String,
    #[serde(with = "crate::utc::lenient")]
    valid_from: UtcTime,
    #[serde(default, with = "crate::utc::lenient::option")]
    valid_until: Option<UtcTime>,
    #[serde(default)]
    revoked: Option<V1Revocation>,
    #[serde(default)]
    demo: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct V1Revocation {
    #[serde(with = "crate::utc::lenient")]
    at: UtcTime,
    reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct V2File {
    #[allow(dead_code)]
    version: u32,
    keys: Vec<TrustEntry>,
    #[serde(default)]
    tsa: Vec<TsaEntry>,
}

impl TrustFile {
    /// Parses a trust file of version 1 or 2 (strict JSON: duplicate keys refused).
    pub fn parse(bytes: &[u8]) -> Result<Self, TrustFileError> {
        let value = crate::document::parse_strict(bytes)
            .map_err(|e| TrustFileError::Json(e.to_string()))?;
        let version = value.get("version").and_then(serde_json::Value::as_u64);
        let shape = |e: serde_json::Error| TrustFileError::Shape(e.to_string());
        let file = match version {
            Some(1) => {
                let v1: V1File = serde_json::from_value(value).map_err(shape)?;
                Self {
                    version: 1,
                    keys: v1.keys.into_iter().map(V1Entry::upgrade).collect(),
                    tsa: Vec::new(),
                }
            }
            Some(2) => {
                let v2: V2File = serde_json::from_value(value).map_err(shape)?;
                Self {
                    version: 2,
                    keys: v2.keys,
                    tsa: v2.tsa,
                }
            }
            Some(found) => return Err(TrustFileError::Version { found }),
            None => return Err(TrustFileError::Shape("no \"version\" number".into())),
        };
        file.check()?;
        Ok(file)
    }

    fn check(&self) -> Result<(), TrustFileError> {
        let mut keys = std::collections::HashSet::new();
        for entry in &self.keys {
            if !keys.insert(entry.key) {
                return Err(TrustFileError::DuplicateKey(entry.key));
            }
            if let Some(until) = entry.valid_until
                && until < entry.valid_from
            {
                return Err(TrustFileError::EmptyWindow {
                    key: entry.key,
                    from: entry.valid_from,
                    until,
                });
            }
        }
        let mut names = std::collections::HashSet::new();
        for tsa in &self.tsa {
            if !names.insert(tsa.name.as_str()) {
                return Err(TrustFileError::DuplicateTsa(tsa.name.clone()));
            }
        }
        Ok(())
    }

    /// The bytes written: version 2, pretty JSON with a final newline.
    pub fn to_bytes(&self) -> Vec<u8> {
        let written = Self {
            version: TRUST_FILE_VERSION,
            keys: self.keys.clone(),
            tsa: self.tsa.clone(),
        };
        // Plain strings, ids and times: serializing cannot fail.
        let mut bytes = serde_json::to_vec_pretty(&written).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }
}

impl V1Entry {
    fn upgrade(self) -> TrustEntry {
        TrustEntry {
            key: self.key,
            file: self.file,
            party: self.party,
            signer: self.signer,
            role: Role::Signatory,
            valid_from: self.valid_from,
            valid_until: self.valid_until,
            revoked: self.revoked.map(|r| Revocation {
                at: r.at,
                reason: r.reason,
            }),
            demo: self.demo,
            history: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const V1: &str = r#"{"version": 1, "keys": [{"key": "sha256:079c558af2309d3cf3636ed5d38e9f0ae870278a0eaf5774b9d71509a3eb3e7f",
        "file": "k.pub.pem", "party": "KZ", "signer": "S", "valid_from": "2026-11-25T16:21:05.123456789Z",
        "revoked": {"at": "2026-12-01T00:00:00Z", "reason": "lost"}, "demo": false}]}"#;

    #[test]
    fn version_1_is_read_and_written_as_version_2() {
        let file = TrustFile::parse(V1.as_bytes()).unwrap();
        assert_eq!(file.version, 1);
        let entry = &file.keys[0];
        // Fractions of a second are dropped: the trust window starts at the
        // second, as every signing time is written.
        assert_eq!(entry.valid_from.to_string(), "2026-11-25T16:21:05Z");
        assert_eq!(entry.role, Role::Signatory);
        let written = String::from_utf8(file.to_bytes()).unwrap();
        assert!(written.starts_with("{\n  \"version\": 2,\n"), "{written}");
        let again = TrustFile::parse(written.as_bytes()).unwrap();
        assert_eq!(again.keys, file.keys);
    }

    #[test]
    fn unknown_versions_duplicates_lower_case_parties_and_empty_windows_are_refused() {
        let v9 = V1.replace("\"version\": 1", "\"version\": 9");
        assert_eq!(
            TrustFile::parse(v9.as_bytes()),
            Err(TrustFileError::Version { found: 9 })
        );
        let lower = V1.replace("\"KZ\"", "\"kz\"");
        assert!(matches!(
            TrustFile::parse(lower.as_bytes()),
            Err(TrustFileError::Shape(_))
        ));
        let entry = r#"{"key": "sha256:079c558af2309d3cf3636ed5d38e9f0ae870278a0eaf5774b9d71509a3eb3e7f", "file": "k", "party": "KZ", "signer": "S", "valid_from": "2026-02-01T00:00:00Z"}"#;
        let twice = format!(r#"{{"version": 2, "keys": [{entry}, {entry}]}}"#);
        assert!(matches!(
            TrustFile::parse(twice.as_bytes()),
            Err(TrustFileError::DuplicateKey(_))
        ));
        let backwards = entry.replace(
            "\"valid_from\"",
            "\"valid_until\": \"2026-01-01T00:00:00Z\", \"valid_from\"",
        );
        let backwards = format!(r#"{{"version": 2, "keys": [{backwards}]}}"#);
        assert!(matches!(
            TrustFile::parse(backwards.as_bytes()),
            Err(TrustFileError::EmptyWindow { .. })
        ));
        // Version 2 times are strict.
        let loose = entry.replace("2026-02-01T00:00:00Z", "2026-02-01T00:00:00.5Z");
        let loose = format!(r#"{{"version": 2, "keys": [{loose}]}}"#);
        assert!(TrustFile::parse(loose.as_bytes()).is_err());
    }
}
