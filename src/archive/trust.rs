//! Trust kept in the archive: each keyring state an ingest was judged under
//! is stored as a snapshot (a trust file, content-addressed) named by the
//! log's entries, so that an audit judges every bundle as it was judged,
//! from anywhere, plus every revocation recorded since (docs/FORMAT.md §7.5).

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::digest::Sha256Digest;
use crate::keyring::{Revocation, TrustFile, TrustFileError, TrustSet, TrustSource, TsaEntry};
use crate::keys::KeyId;
use crate::timestamp::TsaAnchor;
use crate::utc::UtcTime;

/// A keyring's trust as an ingest is given it: its trust file and the DER
/// of each TSA certificate it lists.
#[derive(Debug, Clone, Default)]
pub struct KeyringTrust {
    /// The trust file.
    pub file: TrustFile,
    /// Its TSA anchors, with their certificates.
    pub tsa: Vec<TsaAnchor>,
}

/// A trust snapshot: a trust file as docseal writes it (version 2), with
/// the certificates of its TSA entries, which are stored as objects of
/// their own (docs/FORMAT.md §7.5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// SHA-256 of [`bytes`](Self::bytes): its name in the archive.
    pub digest: Sha256Digest,
    /// Its content.
    pub file: TrustFile,
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// The DER of each TSA certificate `file.tsa` names, by its SHA-256.
    pub certificates: BTreeMap<Sha256Digest, Vec<u8>>,
}

impl KeyringTrust {
    /// Everything a keyring trusts.
    pub fn of(ring: &crate::keyring::Keyring) -> Self {
        Self {
            file: ring.trust.clone(),
            tsa: ring.anchors.clone(),
        }
    }
}

impl Snapshot {
    /// The snapshot of a trust file's keys, and of each of its TSA entries
    /// whose certificate is among `certificates` (by SHA-256 of the DER).
    pub fn of(file: &TrustFile, certificates: &[Vec<u8>]) -> Self {
        let mut keys = file.keys.clone();
        keys.sort_by_key(|e| e.key);
        let by_digest: BTreeMap<Sha256Digest, Vec<u8>> = certificates
            .iter()
            .map(|der| (Sha256Digest::of_bytes(der), der.clone()))
            .collect();
        let mut tsa: Vec<TsaEntry> = file
            .tsa
            .iter()
            .filter(|e| by_digest.contains_key(&e.certificate))
            .map(|e| TsaEntry {
                file: format!("tsa/{}.pem", e.name),
                ..e.clone()
            })
            .collect();
        tsa.sort_by(|a, b| a.name.cmp(&b.name));
        let certificates = tsa
            .iter()
            .filter_map(|e| Some((e.certificate, by_digest.get(&e.certificate)?.clone())))
            .collect();
        let file = TrustFile {
            version: 2,
            keys,
            tsa,
        };
        let bytes = file.to_bytes();
        Self {
            digest: Sha256Digest::of_bytes(&bytes),
            file,
            bytes,
            certificates,
        }
    }

    /// The snapshot of a keyring's trust.
    pub fn of_keyring(keyring: &KeyringTrust) -> Self {
        let ders: Vec<Vec<u8>> = keyring
            .tsa
            .iter()
            .map(|a| a.certificate_der.clone())
            .collect();
        Self::of(&keyring.file, &ders)
    }

    /// The snapshot that trusts nothing.
    pub fn empty() -> Self {
        Self::of(&TrustFile::default(), &[])
    }

    /// Reads stored bytes: a version-2 trust file exactly as docseal writes
    /// it, keys in key order, TSA entries in name order; `certificate`
    /// gives the stored DER of a TSA certificate by its digest (checked).
    pub fn parse(
        bytes: &[u8],
        certificate: impl Fn(&Sha256Digest) -> Option<Vec<u8>>,
    ) -> Result<Self, SnapshotError> {
        let file = TrustFile::parse(bytes)?;
        let mut ders = Vec::new();
        for entry in &file.tsa {
            let der = certificate(&entry.certificate)
                .filter(|der| Sha256Digest::of_bytes(der) == entry.certificate)
                .ok_or_else(|| SnapshotError::MissingCertificate {
                    tsa: entry.name.clone(),
                    certificate: entry.certificate,
                })?;
            ders.push(der);
        }
        let snapshot = Self::of(&file, &ders);
        if snapshot.bytes != bytes {
            return Err(SnapshotError::NotCanonical);
        }
        Ok(snapshot)
    }

    /// The TSA anchors this snapshot trusts.
    pub fn anchors(&self) -> Vec<TsaAnchor> {
        self.file
            .tsa
            .iter()
            .filter_map(|e| {
                let der = self.certificates.get(&e.certificate)?;
                Some(crate::keyring::tsa::anchor(e, der.clone()))
            })
            .collect()
    }

    /// A keyring's trust with every revocation this snapshot holds kept: a
    /// revocation recorded in the archive is never undone by a keyring that
    /// lacks it (the earlier of two revocation times wins). The TSAs are
    /// the keyring's.
    pub fn merged_into(&self, keyring: &KeyringTrust) -> Self {
        let mut file = keyring.file.clone();
        for old in &self.file.keys {
            let Some(revoked) = &old.revoked else {
                continue;
            };
            match file.keys.iter_mut().find(|e| e.key == old.key) {
                Some(entry) => {
                    if entry.revoked.as_ref().is_none_or(|r| r.at > revoked.at) {
                        entry.revoked = Some(revoked.clone());
                    }
                }
                None => file.keys.push(old.clone()),
            }
        }
        let ders: Vec<Vec<u8>> = keyring
            .tsa
            .iter()
            .map(|a| a.certificate_der.clone())
            .collect();
        Self::of(&file, &ders)
    }

    /// This trust with `key` revoked at `at`.
    pub fn revoked(&self, key: &KeyId, at: UtcTime, reason: &str) -> Result<Self, SnapshotError> {
        let mut file = self.file.clone();
        let entry = file
            .keys
            .iter_mut()
            .find(|e| e.key == *key)
            .ok_or(SnapshotError::UnknownKey(*key))?;
        if let Some(r) = &entry.revoked {
            return Err(SnapshotError::AlreadyRevoked {
                key: *key,
                at: r.at,
            });
        }
        entry.revoked = Some(Revocation {
            at,
            reason: reason.to_string(),
        });
        let ders: Vec<Vec<u8>> = self.certificates.values().cloned().collect();
        Ok(Self::of(&file, &ders))
    }

    /// The key a prefix of its hex (or its full id) names.
    pub fn find(&self, id: &str) -> Result<KeyId, SnapshotError> {
        let hex = id
            .strip_prefix("sha256:")
            .unwrap_or(id)
            .to_ascii_lowercase();
        let matches: Vec<KeyId> = self
            .file
            .keys
            .iter()
            .filter(|e| hex.len() >= 4 && e.key.hex().starts_with(&hex))
            .map(|e| e.key)
            .collect();
        match matches.as_slice() {
            [one] => Ok(*one),
            [] => Err(SnapshotError::NoSuchKey(id.to_string())),
            _ => Err(SnapshotError::AmbiguousKey(id.to_string())),
        }
    }

    /// The trust to verify under: this snapshot's keys, with each
    /// revocation of `later` (the archive's current trust) applied when it is
    /// earlier than this snapshot's own.
    pub fn trust_set(&self, later: Option<&Snapshot>, label: PathBuf) -> TrustSet {
        let mut keys = self.file.keys.clone();
        if let Some(later) = later {
            for entry in &mut keys {
                let revocation = later
                    .file
                    .keys
                    .iter()
                    .find(|e| e.key == entry.key)
                    .and_then(|e| e.revoked.as_ref());
                if let Some(r) = revocation
                    && entry.revoked.as_ref().is_none_or(|own| own.at > r.at)
                {
                    entry.revoked = Some(r.clone());
                }
            }
        }
        TrustSet {
            source: TrustSource::Keyring {
                dir: label,
                keys: Vec::new(),
            },
            keys,
            tsa: self.anchors(),
        }
    }
}

/// Why a snapshot cannot be read or changed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SnapshotError {
    /// Not a trust file.
    #[error(transparent)]
    File(#[from] TrustFileError),
    /// A trust file, but not in the form docseal stores snapshots.
    #[error(
        "not a trust file as docseal stores it (version 2, keys in key order, TSAs in name order as tsa/<name>.pem)"
    )]
    NotCanonical,
    /// A TSA entry whose certificate is not stored (or not the one named).
    #[error("the certificate of TSA {tsa:?} ({certificate}) is not stored in the archive")]
    MissingCertificate {
        /// The TSA's name.
        tsa: String,
        /// The certificate's SHA-256.
        certificate: Sha256Digest,
    },
    /// The archive's trust has no such key.
    #[error("the archive's trust has no key {0}")]
    UnknownKey(KeyId),
    /// No key matches a prefix.
    #[error("no key of the archive's trust matches {0:?}")]
    NoSuchKey(String),
    /// Several keys match a prefix.
    #[error("several keys of the archive's trust match {0:?}; give more of the id")]
    AmbiguousKey(String),
    /// Revoked already.
    #[error("{key} was already revoked at {at}")]
    AlreadyRevoked {
        /// The key.
        key: KeyId,
        /// When.
        at: UtcTime,
    },
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::keyring::TrustEntry;
    use crate::party::Role;

    fn entry(seed: &[u8]) -> TrustEntry {
        TrustEntry {
            key: KeyId(Sha256Digest::of_bytes(seed)),
            file: "k.pub.pem".into(),
            party: "KZ".parse().unwrap(),
            signer: "Office".into(),
            role: Role::Signatory,
            valid_from: UtcTime::parse_strict("2026-01-01T00:00:00Z").unwrap(),
            valid_until: None,
            revoked: None,
            demo: false,
            history: Vec::new(),
        }
    }

    fn t(s: &str) -> UtcTime {
        UtcTime::parse_strict(s).unwrap()
    }

    #[test]
    fn revocations_survive_a_keyring_without_them_and_apply_to_older_snapshots() {
        let file = TrustFile {
            version: 2,
            keys: vec![entry(b"b"), entry(b"a")],
            tsa: Vec::new(),
        };
        let first = Snapshot::of(&file, &[]);
        assert_eq!(Snapshot::parse(&first.bytes, |_| None).unwrap(), first);
        let key = first.file.keys[0].key;
        let revoked = first
            .revoked(&key, t("2026-06-01T00:00:00Z"), "lost")
            .unwrap();
        assert!(matches!(
            revoked.revoked(&key, t("2026-07-01T00:00:00Z"), "again"),
            Err(SnapshotError::AlreadyRevoked { .. })
        ));
        // A keyring that never heard of the revocation keeps it.
        let merged = revoked.merged_into(&KeyringTrust {
            file: file.clone(),
            tsa: Vec::new(),
        });
        assert_eq!(merged, revoked);
        // The first snapshot judged under the later revocation.
        let set = first.trust_set(Some(&revoked), "archive".into());
        let judged = set.keys.iter().find(|e| e.key == key).unwrap();
        assert_eq!(
            judged.revoked.as_ref().unwrap().at,
            t("2026-06-01T00:00:00Z")
        );
        // Stored bytes in another form are refused.
        let mut pretty = first.bytes.clone();
        pretty.insert(1, b' ');
        assert!(Snapshot::parse(&pretty, |_| None).is_err());
    }

    #[test]
    fn tsa_entries_are_kept_with_their_certificates_in_name_order() {
        let tsa = |name: &str, der: &[u8]| TsaEntry {
            name: name.into(),
            file: format!("elsewhere/{name}.crt"),
            certificate: Sha256Digest::of_bytes(der),
            valid_from: None,
            valid_until: None,
        };
        let file = TrustFile {
            version: 2,
            keys: vec![entry(b"a")],
            tsa: vec![tsa("zeta", b"z"), tsa("alpha", b"a"), tsa("unheld", b"u")],
        };
        let snapshot = Snapshot::of(&file, &[b"z".to_vec(), b"a".to_vec()]);
        // The entry whose certificate is not given is left out; the others
        // in name order, under the keyring's file name form.
        let names: Vec<(&str, &str)> = snapshot
            .file
            .tsa
            .iter()
            .map(|e| (e.name.as_str(), e.file.as_str()))
            .collect();
        assert_eq!(
            names,
            [("alpha", "tsa/alpha.pem"), ("zeta", "tsa/zeta.pem")]
        );
        assert_eq!(snapshot.anchors().len(), 2);
        let stored = |d: &Sha256Digest| {
            [b"a".to_vec(), b"z".to_vec()]
                .into_iter()
                .find(|der| Sha256Digest::of_bytes(der) == *d)
        };
        assert_eq!(Snapshot::parse(&snapshot.bytes, stored).unwrap(), snapshot);
        // A certificate missing, or another one stored under its name.
        assert!(matches!(
            Snapshot::parse(&snapshot.bytes, |_| None),
            Err(SnapshotError::MissingCertificate { .. })
        ));
        assert!(matches!(
            Snapshot::parse(&snapshot.bytes, |_| Some(b"other".to_vec())),
            Err(SnapshotError::MissingCertificate { .. })
        ));
        // Without TSAs, the bytes are those of a snapshot of keys alone.
        let keys_only = TrustFile {
            tsa: Vec::new(),
            ..file.clone()
        };
        assert_eq!(
            Snapshot::of(&file, &[]).bytes,
            Snapshot::of(&keys_only, &[]).bytes
        );
    }
}
