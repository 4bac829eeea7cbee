//! The keyring: a folder of public keys (and TSA certificates under `tsa/`)
//! with a trust file, `trust.json`, that says for each key which party,
//! signer and role it belongs to and when it counts, and which time-stamp
//! authorities are trusted.
//!
//! - [`trust_file`]: the file format (pure).
//! - [`policy`]: what the entries say about a key at a signature's time.
//! - [`TrustSet`]: the trust a verification runs under — a keyring, keys
//!   given one by one, or nothing — and where it came from, for the report.
//!
//! Revocation is never undone; a change of an entry is recorded in its history.

pub mod policy;
pub mod set;
pub mod trust_file;
pub mod tsa;

use std::path::{Path, PathBuf};

use ed25519_dalek::VerifyingKey;

use crate::keys::{self, KeyError, KeyId};
use crate::party::{PartyCode, Role};
use crate::utc::UtcTime;
pub use policy::{Judgement, KeyStatus, Revoked, SignatureTime};
pub use set::{GivenKey, TrustSet, TrustSource};
pub use trust_file::{
    Change, Revocation, TRUST_FILE, TRUST_FILE_VERSION, TrustEntry, TrustFile, TrustFileError,
    TsaEntry,
};

/// Errors of the keyring.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyringError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// There is no folder at the keyring's path.
    #[error("no keyring at {dir}: the folder does not exist")]
    NotFound {
        /// The folder.
        dir: PathBuf,
    },
    /// A file where a keyring folder was expected (a public key, perhaps).
    #[error("{path} is a file, not a keyring folder")]
    IsAFile {
        /// The file.
        path: PathBuf,
    },
    /// The folder exists but holds no trust file.
    #[error("{dir} is not a keyring: it has no {TRUST_FILE}")]
    NotAKeyring {
        /// The folder.
        dir: PathBuf,
    },
    /// The trust file is not valid.
    #[error("{path} is not a valid trust file: {source}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        #[source]
        source: TrustFileError,
    },
    /// A trust entry's key file is missing or holds another key.
    #[error("{path}: the trust entry for {key} {problem}")]
    KeyFile {
        /// The key file.
        path: PathBuf,
        /// The key the entry names.
        key: KeyId,
        /// What is wrong.
        problem: KeyFileProblem,
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
        at: UtcTime,
        /// Why.
        reason: String,
    },
    /// A validity window that ends before it starts.
    #[error("the validity would end at {until}, before it starts at {from}")]
    EmptyWindow {
        /// Start.
        from: UtcTime,
        /// End.
        until: UtcTime,
    },
    /// A TSA name that cannot be a file stem.
    #[error(
        "{0:?} is not a TSA name (letters, digits, `.`, `_` or `-`; at most 64; not starting with `.`)"
    )]
    BadTsaName(String),
    /// A TSA of that name is already trusted.
    #[error("a TSA named {0:?} is already in the keyring")]
    TsaAlreadyTrusted(String),
    /// A TSA certificate file problem.
    #[error("{path}: the TSA certificate {problem}")]
    Certificate {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        problem: tsa::CertificateProblem,
    },
    /// An update that changes nothing.
    #[error("key {0}: the update changes nothing")]
    NothingToUpdate(KeyId),
}

/// What is wrong with a trust entry's key file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyFileProblem {
    /// The file is missing or unreadable.
    #[error("has no readable key file ({0})")]
    Unreadable(String),
    /// The file holds another key.
    #[error("names a file that holds another key, {found}")]
    OtherKey {
        /// The key in the file.
        found: KeyId,
    },
}

/// A keyring folder and its trust file.
#[derive(Debug, Clone)]
pub struct Keyring {
    /// The folder.
    pub dir: PathBuf,
    /// The trust file's contents.
    pub trust: TrustFile,
    /// The TSA certificates the trust file lists, read and checked.
    pub anchors: Vec<crate::timestamp::TsaAnchor>,
}

/// A new key for the keyring: who it belongs to and when it counts.
#[derive(Debug, Clone)]
pub struct NewTrust {
    /// Party the key signs for.
    pub party: PartyCode,
    /// Who holds the key.
    pub signer: String,
    /// As what its signatures count.
    pub role: Role,
    /// First instant its signatures count.
    pub valid_from: UtcTime,
    /// Last instant, if limited.
    pub valid_until: Option<UtcTime>,
    /// A published demo key.
    pub demo: bool,
}

/// A change to an entry (`key trust --update`): each `Some` replaces a value.
#[derive(Debug, Clone, Default)]
pub struct TrustUpdate {
    /// New signer name.
    pub signer: Option<String>,
    /// New role.
    pub role: Option<Role>,
    /// New start of validity.
    pub valid_from: Option<UtcTime>,
    /// New end of validity (`Some(None)` removes the end).
    pub valid_until: Option<Option<UtcTime>>,
}

impl Keyring {
    /// Opens an existing keyring: the folder must exist and hold a valid
    /// trust file whose entries name the keys their files hold.
    pub fn open(dir: &Path) -> Result<Self, KeyringError> {
        if dir.is_file() {
            return Err(KeyringError::IsAFile {
                path: dir.to_path_buf(),
            });
        }
        if !dir.is_dir() {
            return Err(KeyringError::NotFound {
                dir: dir.to_path_buf(),
            });
        }
        let mut ring = Self::read(dir)?.ok_or_else(|| KeyringError::NotAKeyring {
            dir: dir.to_path_buf(),
        })?;
        ring.check_key_files()?;
        ring.anchors = ring.load_anchors()?;
        Ok(ring)
    }

    /// Opens a keyring to add to it: a missing folder or trust file is an
    /// empty keyring, created on the first save.
    pub fn open_or_create(dir: &Path) -> Result<Self, KeyringError> {
        if dir.is_file() {
            return Err(KeyringError::IsAFile {
                path: dir.to_path_buf(),
            });
        }
        match Self::read(dir)? {
            Some(mut ring) => {
                ring.check_key_files()?;
                ring.anchors = ring.load_anchors()?;
                Ok(ring)
            }
            None => Ok(Self {
                dir: dir.to_path_buf(),
                trust: TrustFile::default(),
                anchors: Vec::new(),
            }),
        }
    }

    fn read(dir: &Path) -> Result<Option<Self>, KeyringError> {
        let path = dir.join(TRUST_FILE);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(KeyringError::Io { path, source }),
        };
        let trust =
            TrustFile::parse(&bytes).map_err(|source| KeyringError::Invalid { path, source })?;
        Ok(Some(Self {
            dir: dir.to_path_buf(),
            trust,
            anchors: Vec::new(),
        }))
    }

    /// Every entry's file must hold the key the entry names: otherwise the
    /// keyring would vouch for a key nobody can see.
    fn check_key_files(&self) -> Result<(), KeyringError> {
        for entry in &self.trust.keys {
            let path = self.dir.join(&entry.file);
            let found = keys::read_public_key(&path).map_err(|e| KeyringError::KeyFile {
                path: path.clone(),
                key: entry.key,
                problem: KeyFileProblem::Unreadable(e.to_string()),
            })?;
            let found = KeyId::of(&found);
            if found != entry.key {
                return Err(KeyringError::KeyFile {
                    path,
                    key: entry.key,
                    problem: KeyFileProblem::OtherKey { found },
                });
            }
        }
        Ok(())
    }

    /// The entry of a key, if the keyring knows it.
    pub fn entry(&self, key: &KeyId) -> Option<&TrustEntry> {
        self.trust.keys.iter().find(|e| e.key == *key)
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
        match matches.as_slice() {
            [] => Err(KeyringError::NoSuchKey(id.to_string())),
            [one] => Ok(one),
            many => Err(KeyringError::Ambiguous {
                prefix: id.to_string(),
                count: many.len(),
            }),
        }
    }

    /// Adds a public key file to the keyring (copied in as `<keyhex>.pub.pem`
    /// unless it already lies inside the folder) and saves the trust file.
    pub fn trust_key(
        &mut self,
        public_key_file: &Path,
        new: NewTrust,
    ) -> Result<TrustEntry, KeyringError> {
        check_window(new.valid_from, new.valid_until)?;
        let key = keys::read_public_key(public_key_file)?;
        let id = KeyId::of(&key);
        if self.entry(&id).is_some() {
            return Err(KeyringError::AlreadyTrusted(id));
        }
        let file = self.store_public_key(public_key_file, &key, &id)?;
        let entry = TrustEntry {
            key: id,
            file,
            party: new.party,
            signer: new.signer,
            role: new.role,
            valid_from: new.valid_from,
            valid_until: new.valid_until,
            revoked: None,
            demo: new.demo,
            history: Vec::new(),
        };
        self.trust.keys.push(entry.clone());
        self.save()?;
        Ok(entry)
    }

    /// Changes a trusted key's signer, role or validity, recording each
    /// change (with `now`) in the entry's history. A revocation is never
    /// changed here.
    pub fn update(
        &mut self,
        id: &str,
        update: TrustUpdate,
        now: UtcTime,
    ) -> Result<TrustEntry, KeyringError> {
        let key = self.find(id)?.key;
        let entry = self
            .trust
            .keys
            .iter_mut()
            .find(|e| e.key == key)
            .ok_or_else(|| KeyringError::NoSuchKey(id.to_string()))?;
        let from = update.valid_from.unwrap_or(entry.valid_from);
        let until = update.valid_until.unwrap_or(entry.valid_until);
        check_window(from, until)?;
        let mut changes = Vec::new();
        let mut record = |field: &str, old: Option<String>, new: Option<String>| {
            if old != new {
                changes.push(Change {
                    at: now,
                    field: field.into(),
                    from: old,
                    to: new,
                });
            }
        };
        if let Some(signer) = &update.signer {
            record("signer", Some(entry.signer.clone()), Some(signer.clone()));
        }
        if let Some(role) = update.role {
            record("role", Some(entry.role.to_string()), Some(role.to_string()));
        }
        record(
            "valid_from",
            Some(entry.valid_from.to_string()),
            Some(from.to_string()),
        );
        record(
            "valid_until",
            entry.valid_until.map(|t| t.to_string()),
            until.map(|t| t.to_string()),
        );
        if changes.is_empty() {
            return Err(KeyringError::NothingToUpdate(key));
        }
        if let Some(signer) = update.signer {
            entry.signer = signer;
        }
        if let Some(role) = update.role {
            entry.role = role;
        }
        entry.valid_from = from;
        entry.valid_until = until;
        entry.history.extend(changes);
        let entry = entry.clone();
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
        self.create_dir()?;
        crate::fsutil::write_atomic(&target, keys::public_key_pem(key).as_bytes()).map_err(
            |source| KeyringError::Io {
                path: target.clone(),
                source,
            },
        )?;
        Ok(name)
    }

    fn create_dir(&self) -> Result<(), KeyringError> {
        std::fs::create_dir_all(&self.dir).map_err(|source| KeyringError::Io {
            path: self.dir.clone(),
            source,
        })
    }

    /// Revokes a key from `at` on. Refused if it is already revoked.
    pub fn revoke(
        &mut self,
        id: &str,
        at: UtcTime,
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
                at: old.at,
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

    /// Writes the trust file atomically (always the current version).
    pub fn save(&self) -> Result<(), KeyringError> {
        let path = self.dir.join(TRUST_FILE);
        self.create_dir()?;
        crate::fsutil::write_atomic(&path, &self.trust.to_bytes())
            .map_err(|source| KeyringError::Io { path, source })
    }
}

fn check_window(from: UtcTime, until: Option<UtcTime>) -> Result<(), KeyringError> {
    match until {
        Some(until) if until < from => Err(KeyringError::EmptyWindow { from, until }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str) -> UtcTime {
        UtcTime::parse_input(text).unwrap()
    }

    fn new(party: &str) -> NewTrust {
        NewTrust {
            party: party.parse().unwrap(),
            signer: "Office of the President".into(),
            role: Role::Signatory,
            valid_from: t("2026-01-01"),
            valid_until: None,
            demo: false,
        }
    }

    #[test]
    fn trusts_finds_updates_and_revokes_once() {
        let dir = tempfile::tempdir().unwrap();
        let key = keys::generate();
        let pub_path = dir.path().join("outside.pub.pem");
        std::fs::write(&pub_path, keys::public_key_pem(&key.verifying_key())).unwrap();
        let ring_dir = dir.path().join("ring");
        assert!(matches!(
            Keyring::open(&ring_dir),
            Err(KeyringError::NotFound { .. })
        ));
        let mut ring = Keyring::open_or_create(&ring_dir).unwrap();
        let e = ring.trust_key(&pub_path, new("rs")).unwrap();
        assert_eq!(e.party.as_str(), "RS");
        assert!(ring_dir.join(&e.file).exists());
        assert!(matches!(
            ring.trust_key(&pub_path, new("RS")),
            Err(KeyringError::AlreadyTrusted(_))
        ));
        let mut ring = Keyring::open(&ring_dir).unwrap();
        assert_eq!(ring.find(&e.key.hex()[..8]).unwrap().key, e.key);
        let updated = ring
            .update(
                &e.key.hex(),
                TrustUpdate {
                    signer: Some("President".into()),
                    ..Default::default()
                },
                t("2026-03-01"),
            )
            .unwrap();
        assert_eq!(updated.signer, "President");
        assert_eq!(
            updated.history[0].from.as_deref(),
            Some("Office of the President")
        );
        assert!(matches!(
            ring.update(&e.key.hex(), TrustUpdate::default(), t("2026-03-01")),
            Err(KeyringError::NothingToUpdate(_))
        ));
        assert!(matches!(
            ring.update(
                &e.key.hex(),
                TrustUpdate {
                    valid_until: Some(Some(t("2025-01-01"))),
                    ..Default::default()
                },
                t("2026-03-01")
            ),
            Err(KeyringError::EmptyWindow { .. })
        ));
        ring.revoke(&e.key.hex()[..8], t("2026-03-01"), "lost")
            .unwrap();
        assert!(matches!(
            ring.revoke(&e.key.hex(), t("2026-04-01"), "again"),
            Err(KeyringError::AlreadyRevoked { .. })
        ));
        let ring = Keyring::open(&ring_dir).unwrap();
        assert_eq!(
            ring.find(&e.key.hex())
                .unwrap()
                .revoked
                .as_ref()
                .unwrap()
                .reason,
            "lost"
        );
    }

    #[test]
    fn a_window_that_ends_before_it_starts_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let pub_path = dir.path().join("k.pub.pem");
        std::fs::write(
            &pub_path,
            keys::public_key_pem(&keys::generate().verifying_key()),
        )
        .unwrap();
        let mut ring = Keyring::open_or_create(&dir.path().join("ring")).unwrap();
        let mut backwards = new("KZ");
        backwards.valid_until = Some(t("2025-12-31"));
        assert!(matches!(
            ring.trust_key(&pub_path, backwards),
            Err(KeyringError::EmptyWindow { .. })
        ));
        assert!(!dir.path().join("ring").exists(), "nothing written");
    }

    #[test]
    fn an_entry_whose_file_holds_another_key_or_nothing_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let pub_path = dir.path().join("k.pub.pem");
        std::fs::write(
            &pub_path,
            keys::public_key_pem(&keys::generate().verifying_key()),
        )
        .unwrap();
        let ring_dir = dir.path().join("ring");
        let mut ring = Keyring::open_or_create(&ring_dir).unwrap();
        let e = ring.trust_key(&pub_path, new("KZ")).unwrap();
        let file = ring_dir.join(&e.file);
        std::fs::write(
            &file,
            keys::public_key_pem(&keys::generate().verifying_key()),
        )
        .unwrap();
        assert!(matches!(
            Keyring::open(&ring_dir),
            Err(KeyringError::KeyFile {
                problem: KeyFileProblem::OtherKey { .. },
                ..
            })
        ));
        std::fs::remove_file(&file).unwrap();
        assert!(matches!(
            Keyring::open(&ring_dir),
            Err(KeyringError::KeyFile {
                problem: KeyFileProblem::Unreadable(_),
                ..
            })
        ));
    }

    #[test]
    fn a_folder_without_a_trust_file_is_not_a_keyring() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            Keyring::open(dir.path()),
            Err(KeyringError::NotAKeyring { .. })
        ));
    }
}
