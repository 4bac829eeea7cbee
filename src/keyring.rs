//! The keyring: a folder of public keys and a trust file (`trust.json`) that
//! says, for each key id, which party and signer it belongs to, when it is
//! valid, whether it was revoked, and whether it is a demo key.
//!
//! [`TrustPolicy`] answers, for a key id and a signing time: trusted,
//! unknown, not yet valid, expired or revoked. Revocation is never undone:
//! a revoked key stays listed with its time and reason.

use std::path::{Path, PathBuf};

use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::keys::{self, KeyError, KeyId};

/// Name of the trust file inside the keyring folder.
pub const TRUST_FILE: &str = "trust.json";

/// Layout version of the trust file.
pub const TRUST_FILE_VERSION: u32 = 1;

/// The trust file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TrustFile {
    /// Layout version, [`TRUST_FILE_VERSION`].
    pub version: u32,
    /// Every key ever trusted, in the order added.
    pub keys: Vec<TrustEntry>,
}

/// What the keyring knows of one key.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TrustEntry {
    /// The key id (`sha256:` of the raw public key).
    pub key: KeyId,
    /// The public key file, relative to the keyring folder.
    pub file: String,
    /// Party the key signs for (ISO 3166-1 alpha-2 or organisation code).
    pub party: String,
    /// Who holds the key, e.g. "Presidential Administration of the Republic of Kazakhstan".
    pub signer: String,
    /// First moment a signature by this key counts (RFC 3339, UTC).
    #[serde(with = "time::serde::rfc3339")]
    pub valid_from: OffsetDateTime,
    /// Last moment a signature by this key counts, if limited.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub valid_until: Option<OffsetDateTime>,
    /// Revocation, if any: signatures made at or after this time do not count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked: Option<Revocation>,
    /// A demo key: published with docseal, proves nothing.
    #[serde(default)]
    pub demo: bool,
}

/// When and why a key was revoked.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Revocation {
    /// From when signatures by the key no longer count (RFC 3339, UTC).
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Why.
    pub reason: String,
}

/// How far a key is trusted for a signature made at a given time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trust {
    /// Known, valid at that time, not revoked.
    Trusted {
        /// The entry.
        entry: TrustEntry,
    },
    /// Not in the keyring.
    Unknown,
    /// The signature predates the key's validity.
    NotYetValid {
        /// The entry.
        entry: TrustEntry,
    },
    /// The signature was made after the key's validity ended.
    Expired {
        /// The entry.
        entry: TrustEntry,
    },
    /// The key was revoked at or before the signing time.
    Revoked {
        /// The entry.
        entry: TrustEntry,
    },
}

impl Trust {
    /// Stable name: `trusted`, `unknown`, `not-yet-valid`, `expired`, `revoked`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Trusted { .. } => "trusted",
            Self::Unknown => "unknown",
            Self::NotYetValid { .. } => "not-yet-valid",
            Self::Expired { .. } => "expired",
            Self::Revoked { .. } => "revoked",
        }
    }

    /// The keyring entry, when the key is known.
    pub fn entry(&self) -> Option<&TrustEntry> {
        match self {
            Self::Unknown => None,
            Self::Trusted { entry }
            | Self::NotYetValid { entry }
            | Self::Expired { entry }
            | Self::Revoked { entry } => Some(entry),
        }
    }

    /// Whether the key is a demo key.
    pub fn is_demo(&self) -> bool {
        self.entry().is_some_and(|e| e.demo)
    }
}

/// Errors of the keyring.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyringError {
    /// The trust file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The trust file is not valid.
    #[error("{path} is not a valid trust file: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A key file problem.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// No key matches a (possibly shortened) id.
    #[error("no key in the keyring matches {0:?}")]
    NoSuchKey(String),
    /// More than one key matches a shortened id.
    #[error("{prefix:?} matches {count} keys; give more digits")]
    Ambiguous {
        /// The prefix given.
        prefix: String,
        /// How many keys match.
        count: usize,
    },
    /// The key is already in the keyring.
    #[error("key {0} is already in the keyring")]
    AlreadyTrusted(KeyId),
    /// Revoking twice is refused: the first revocation stands.
    #[error("key {key} was already revoked at {at}: {reason}")]
    AlreadyRevoked {
        /// The key.
        key: KeyId,
        /// When.
        at: String,
        /// Why.
        reason: String,
    },
}

/// A keyring folder and its trust file.
#[derive(Debug, Clone)]
pub struct Keyring {
    /// The folder.
    pub dir: PathBuf,
    /// The trust file's contents (empty when the file does not exist yet).
    pub trust: TrustFile,
}

impl Keyring {
    /// Opens a keyring folder; a missing trust file is an empty keyring.
    pub fn open(dir: &Path) -> Result<Self, KeyringError> {
        let path = dir.join(TRUST_FILE);
        let trust = match std::fs::read(&path) {
            Ok(bytes) => parse_trust_file(&bytes, &path)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => TrustFile {
                version: TRUST_FILE_VERSION,
                keys: Vec::new(),
            },
            Err(source) => return Err(KeyringError::Io { path, source }),
        };
        Ok(Self {
            dir: dir.to_path_buf(),
            trust,
        })
    }

    /// The trust policy of this keyring.
    pub fn policy(&self) -> TrustPolicy<'_> {
        TrustPolicy {
            entries: &self.trust.keys,
        }
    }

    /// Finds a key by full id, `sha256:` prefix, or a unique hex prefix.
    pub fn find(&self, id: &str) -> Result<&TrustEntry, KeyringError> {
        let hex = id
            .strip_prefix("sha256:")
            .unwrap_or(id)
            .to_ascii_lowercase();
        let matches: Vec<&TrustEntry> = self
            .trust
            .keys
            .iter()
            .filter(|e| !hex.is_empty() && e.key.hex().starts_with(&hex))
            .collect();
        match matches.len() {
            0 => Err(KeyringError::NoSuchKey(id.to_string())),
            1 => Ok(matches[0]),
            count => Err(KeyringError::Ambiguous {
                prefix: id.to_string(),
                count,
            }),
        }
    }

    /// Adds a public key file to the keyring (copied in as `<keyhex>.pub.pem`
    /// unless it already lies inside the folder) and saves the trust file.
    pub fn trust_key(
        &mut self,
        public_key_file: &Path,
        party: &str,
        signer: &str,
        valid_from: OffsetDateTime,
        valid_until: Option<OffsetDateTime>,
        demo: bool,
    ) -> Result<TrustEntry, KeyringError> {
        let key = keys::read_public_key(public_key_file)?;
        let id = KeyId::of(&key);
        if self.trust.keys.iter().any(|e| e.key == id) {
            return Err(KeyringError::AlreadyTrusted(id));
        }
        let file = self.store_public_key(public_key_file, &key, &id)?;
        let entry = TrustEntry {
            key: id,
            file,
            party: party.to_string(),
            signer: signer.to_string(),
            valid_from,
            valid_until,
            revoked: None,
            demo,
        };
        self.trust.keys.push(entry.clone());
        self.save()?;
        Ok(entry)
    }

    fn store_public_key(
        &self,
        source: &Path,
        key: &VerifyingKey,
        id: &KeyId,
    ) -> Result<String, KeyringError> {
        let dir = std::path::absolute(&self.dir).unwrap_or_else(|_| self.dir.clone());
        if let Ok(abs) = std::path::absolute(source)
            && let Ok(relative) = abs.strip_prefix(&dir)
        {
            return Ok(relative.to_string_lossy().into_owned());
        }
        let name = format!("{}.pub.pem", id.hex());
        let target = self.dir.join(&name);
        std::fs::create_dir_all(&self.dir).map_err(|source| KeyringError::Io {
            path: self.dir.clone(),
            source,
        })?;
        crate::fsutil::write_atomic(&target, keys::public_key_pem(key).as_bytes()).map_err(
            |source| KeyringError::Io {
                path: target.clone(),
                source,
            },
        )?;
        Ok(name)
    }

    /// Revokes a key from `at` on. Refused if it is already revoked.
    pub fn revoke(
        &mut self,
        id: &str,
        at: OffsetDateTime,
        reason: &str,
    ) -> Result<TrustEntry, KeyringError> {
        let key = self.find(id)?.key;
        let entry = self
            .trust
            .keys
            .iter_mut()
            .find(|e| e.key == key)
            .ok_or_else(|| KeyringError::NoSuchKey(id.to_string()))?;
        if let Some(old) = &entry.revoked {
            return Err(KeyringError::AlreadyRevoked {
                key,
                at: format_time(old.at),
                reason: old.reason.clone(),
            });
        }
        entry.revoked = Some(Revocation {
            at,
            reason: reason.to_string(),
        });
        let entry = entry.clone();
        self.save()?;
        Ok(entry)
    }

    /// The public key of an entry.
    pub fn public_key(&self, entry: &TrustEntry) -> Result<VerifyingKey, KeyringError> {
        Ok(keys::read_public_key(&self.dir.join(&entry.file))?)
    }

    /// Writes the trust file atomically.
    pub fn save(&self) -> Result<(), KeyringError> {
        let path = self.dir.join(TRUST_FILE);
        let mut text =
            serde_json::to_string_pretty(&self.trust).map_err(|e| KeyringError::Invalid {
                path: path.clone(),
                message: e.to_string(),
            })?;
        text.push('\n');
        std::fs::create_dir_all(&self.dir).map_err(|source| KeyringError::Io {
            path: self.dir.clone(),
            source,
        })?;
        crate::fsutil::write_atomic(&path, text.as_bytes())
            .map_err(|source| KeyringError::Io { path, source })
    }
}

fn parse_trust_file(bytes: &[u8], path: &Path) -> Result<TrustFile, KeyringError> {
    let invalid = |message: String| KeyringError::Invalid {
        path: path.to_path_buf(),
        message,
    };
    let value = crate::document::parse_strict(bytes).map_err(|e| invalid(e.to_string()))?;
    let trust: TrustFile = serde_json::from_value(value).map_err(|e| invalid(e.to_string()))?;
    if trust.version != TRUST_FILE_VERSION {
        return Err(invalid(format!(
            "version {} is not supported (this docseal reads version {TRUST_FILE_VERSION})",
            trust.version
        )));
    }
    let mut seen = std::collections::HashSet::new();
    for entry in &trust.keys {
        if !seen.insert(entry.key) {
            return Err(invalid(format!("key {} is listed twice", entry.key)));
        }
    }
    Ok(trust)
}

/// Decides whether a key counts for a signature made at a given time.
#[derive(Debug, Clone, Copy)]
pub struct TrustPolicy<'a> {
    entries: &'a [TrustEntry],
}

impl<'a> TrustPolicy<'a> {
    /// A policy over the given entries.
    pub fn new(entries: &'a [TrustEntry]) -> Self {
        Self { entries }
    }

    /// The trust of `key` for a signature made at `signed_at`.
    pub fn evaluate(&self, key: &KeyId, signed_at: OffsetDateTime) -> Trust {
        let Some(entry) = self.entries.iter().find(|e| e.key == *key) else {
            return Trust::Unknown;
        };
        let entry = entry.clone();
        if let Some(revoked) = &entry.revoked
            && signed_at >= revoked.at
        {
            return Trust::Revoked { entry };
        }
        if signed_at < entry.valid_from {
            return Trust::NotYetValid { entry };
        }
        if entry.valid_until.is_some_and(|until| signed_at > until) {
            return Trust::Expired { entry };
        }
        Trust::Trusted { entry }
    }
}

/// RFC 3339 in UTC with seconds, e.g. `2026-02-27T10:00:00Z`.
pub fn format_time(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(t)
        .format(&Rfc3339)
        .unwrap_or_default()
}

/// Parses RFC 3339, or a plain date `YYYY-MM-DD` (midnight UTC).
pub fn parse_time(text: &str) -> Result<OffsetDateTime, String> {
    if let Ok(t) = OffsetDateTime::parse(text, &Rfc3339) {
        return Ok(t);
    }
    let date_format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(text, &date_format)
        .map(|d| d.midnight().assume_utc())
        .map_err(|_| {
            format!(
                "{text:?} is not an RFC 3339 time (2026-02-27T10:00:00Z) or a date (2026-02-27)"
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str) -> OffsetDateTime {
        parse_time(text).unwrap()
    }

    fn entry() -> TrustEntry {
        TrustEntry {
            key: KeyId::of(&keys::generate().verifying_key()),
            file: "k.pub.pem".into(),
            party: "KZ".into(),
            signer: "Presidential Administration".into(),
            valid_from: t("2026-01-01"),
            valid_until: Some(t("2026-12-31")),
            revoked: None,
            demo: false,
        }
    }

    #[test]
    fn policy_answers_each_case() {
        let mut e = entry();
        let id = e.key;
        let entries = vec![e.clone()];
        let policy = TrustPolicy::new(&entries);
        assert_eq!(policy.evaluate(&id, t("2026-02-27")).code(), "trusted");
        assert_eq!(
            policy.evaluate(&id, t("2025-12-31")).code(),
            "not-yet-valid"
        );
        assert_eq!(policy.evaluate(&id, t("2027-01-01")).code(), "expired");
        let other = KeyId::of(&keys::generate().verifying_key());
        assert_eq!(policy.evaluate(&other, t("2026-02-27")).code(), "unknown");

        e.revoked = Some(Revocation {
            at: t("2026-06-01"),
            reason: "compromised".into(),
        });
        let entries = vec![e];
        let policy = TrustPolicy::new(&entries);
        // Signatures made before the revocation still count.
        assert_eq!(policy.evaluate(&id, t("2026-05-31")).code(), "trusted");
        assert_eq!(policy.evaluate(&id, t("2026-06-01")).code(), "revoked");
    }

    #[test]
    fn keyring_trusts_finds_and_revokes_once() {
        let dir = tempfile::tempdir().unwrap();
        let key = keys::generate();
        let pub_path = dir.path().join("outside.pub.pem");
        std::fs::write(&pub_path, keys::public_key_pem(&key.verifying_key())).unwrap();
        let ring_dir = dir.path().join("ring");
        let mut ring = Keyring::open(&ring_dir).unwrap();
        let e = ring
            .trust_key(
                &pub_path,
                "RS",
                "Office of the President",
                t("2026-01-01"),
                None,
                false,
            )
            .unwrap();
        assert!(ring_dir.join(&e.file).exists());
        assert!(matches!(
            ring.trust_key(&pub_path, "RS", "x", t("2026-01-01"), None, false),
            Err(KeyringError::AlreadyTrusted(_))
        ));
        let ring = Keyring::open(&ring_dir).unwrap();
        assert_eq!(ring.find(&e.key.hex()[..8]).unwrap().key, e.key);
        assert_eq!(ring.find(&e.key.to_string()).unwrap().key, e.key);
        assert!(matches!(
            ring.find("ffffffffffff"),
            Err(KeyringError::NoSuchKey(_)) | Ok(_)
        ));
        let mut ring = ring;
        ring.revoke(&e.key.hex()[..8], t("2026-03-01"), "lost")
            .unwrap();
        assert!(matches!(
            ring.revoke(&e.key.hex(), t("2026-04-01"), "again"),
            Err(KeyringError::AlreadyRevoked { .. })
        ));
        let ring = Keyring::open(&ring_dir).unwrap();
        let revoked = ring.find(&e.key.hex()).unwrap().revoked.clone().unwrap();
        assert_eq!(revoked.reason, "lost");
    }

    #[test]
    fn trust_file_with_unknown_version_or_duplicates_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(TRUST_FILE), r#"{"version": 9, "keys": []}"#).unwrap();
        assert!(matches!(
            Keyring::open(dir.path()),
            Err(KeyringError::Invalid { .. })
        ));
    }
}
