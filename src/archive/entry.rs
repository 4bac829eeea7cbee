//! The log's entries, pure: what each records and its bytes (RFC 8785 JSON,
//! the leaf of the Merkle tree), docs/FORMAT.md §7.2. Two kinds: a
//! **bundle** ingested, and a **trust** change (the archive's keyring state
//! replaced, or a key revoked). Entries of a version-1 archive, upgraded,
//! keep their bytes (so that their old checkpoints and proofs still hold) and
//! are read as [`Entry::Legacy`].

use serde::{Deserialize, Serialize};

use crate::digest::Sha256Digest;
use crate::keys::KeyId;
use crate::party::PartyCode;
use crate::utc::UtcTime;

/// The longest statement id an entry records.
pub const MAX_ID_LEN: usize = 1024;

/// One signature of a logged bundle, as the bundle holds it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signer {
    /// Key id.
    pub key: KeyId,
    /// The party it signs for.
    pub party: PartyCode,
    /// The time it claims (`signed_at`).
    pub signed_at: UtcTime,
}

/// A bundle ingested.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleEntry {
    /// Position in the log, from 0.
    pub index: u64,
    /// SHA-256 of the bundle file.
    pub bundle: Sha256Digest,
    /// The statement id.
    pub statement_id: String,
    /// Canonical digest of the statement.
    pub statement: Sha256Digest,
    /// The statement's date (`date.start`, else `occasion.start`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Every signature, ordered by key.
    pub signers: Vec<Signer>,
    /// When the archive ingested it.
    pub ingested_at: UtcTime,
    /// The bundle that was the latest version of this statement id until
    /// this one (absent when this one did not become the latest).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supersedes: Option<Sha256Digest>,
    /// The trust snapshot it was judged under.
    pub trust: Sha256Digest,
}

/// What a trust entry changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TrustChange {
    /// The archive's trust is a keyring's (its revocations merged in).
    Keyring,
    /// One key revoked.
    Revoke,
}

/// The archive's trust changed: from this entry on, ingests are judged
/// under the snapshot it names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustEntry {
    /// Position in the log.
    pub index: u64,
    /// When.
    pub at: UtcTime,
    /// What changed.
    pub change: TrustChange,
    /// The key revoked (for [`TrustChange::Revoke`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<KeyId>,
    /// SHA-256 of the new trust snapshot.
    pub trust: Sha256Digest,
}

/// One signer of a version-1 entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegacySigner {
    /// Key id.
    pub key: KeyId,
    /// Party.
    pub party: String,
}

/// An entry of a version-1 archive (docs/FORMAT.md §7.10).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegacyEntry {
    /// Position.
    pub index: u64,
    /// Bundle digest.
    pub bundle: Sha256Digest,
    /// Statement id.
    pub statement_id: String,
    /// Canonical digest of the statement.
    pub statement: Sha256Digest,
    /// Key and party of each signature.
    pub signers: Vec<LegacySigner>,
    /// Ingest time, RFC 3339.
    pub ingested_at: String,
    /// The previous version's bundle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supersedes: Option<Sha256Digest>,
}

/// A log entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// A bundle ingested.
    Bundle(BundleEntry),
    /// A trust change.
    Trust(TrustEntry),
    /// A bundle ingested by a version-1 archive.
    Legacy(LegacyEntry),
}

/// Why bytes are not a log entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EntryError {
    /// Not strict JSON.
    #[error("not strict JSON: {0}")]
    Json(String),
    /// A `type` docseal does not know.
    #[error("unknown entry type {0:?}")]
    UnknownType(String),
    /// Missing, unknown or mistyped fields.
    #[error("{0}")]
    Shape(String),
    /// Valid, but not in canonical form.
    #[error("not in canonical (RFC 8785) form")]
    NotCanonical,
    /// A statement id longer than [`MAX_ID_LEN`] or empty.
    #[error("the statement id is empty or longer than {MAX_ID_LEN} bytes")]
    Id,
}

fn tagged<T: Serialize>(kind: &str, body: &T) -> Vec<u8> {
    // Digests, ids, times and strings: serializing cannot fail.
    let mut value = serde_json::to_value(body).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        object.insert("type".into(), kind.into());
    }
    serde_json_canonicalizer::to_vec(&value).unwrap_or_default()
}

impl Entry {
    /// The entry's bytes in the log: RFC 8785 JSON with its `type`.
    pub fn bytes(&self) -> Vec<u8> {
        match self {
            Self::Bundle(b) => tagged("bundle", b),
            Self::Trust(t) => tagged("trust", t),
            Self::Legacy(l) => serde_json_canonicalizer::to_vec(l).unwrap_or_default(),
        }
    }

    /// Parses an entry; it must be exactly its canonical bytes.
    pub fn parse(bytes: &[u8]) -> Result<Self, EntryError> {
        let mut value =
            crate::document::parse_strict(bytes).map_err(|e| EntryError::Json(e.to_string()))?;
        let shape = |e: serde_json::Error| EntryError::Shape(e.to_string());
        let kind = value
            .as_object_mut()
            .ok_or_else(|| EntryError::Shape("not a JSON object".into()))?
            .remove("type");
        let entry = match kind {
            None => Self::Legacy(serde_json::from_value(value).map_err(shape)?),
            Some(serde_json::Value::String(k)) if k == "bundle" => {
                Self::Bundle(serde_json::from_value(value).map_err(shape)?)
            }
            Some(serde_json::Value::String(k)) if k == "trust" => {
                Self::Trust(serde_json::from_value(value).map_err(shape)?)
            }
            Some(other) => return Err(EntryError::UnknownType(other.to_string())),
        };
        if let Some(id) = entry.statement_id()
            && (id.is_empty() || id.len() > MAX_ID_LEN)
        {
            return Err(EntryError::Id);
        }
        if entry.bytes() != bytes {
            return Err(EntryError::NotCanonical);
        }
        Ok(entry)
    }

    /// Its position in the log.
    pub fn index(&self) -> u64 {
        match self {
            Self::Bundle(b) => b.index,
            Self::Trust(t) => t.index,
            Self::Legacy(l) => l.index,
        }
    }

    /// The bundle it logs, if it logs one.
    pub fn bundle(&self) -> Option<Sha256Digest> {
        match self {
            Self::Bundle(b) => Some(b.bundle),
            Self::Legacy(l) => Some(l.bundle),
            Self::Trust(_) => None,
        }
    }

    /// The statement id of the bundle it logs.
    pub fn statement_id(&self) -> Option<&str> {
        match self {
            Self::Bundle(b) => Some(&b.statement_id),
            Self::Legacy(l) => Some(&l.statement_id),
            Self::Trust(_) => None,
        }
    }

    /// The `type` shown in reports: `bundle`, `trust` or `bundle-v1`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Bundle(_) => "bundle",
            Self::Trust(_) => "trust",
            Self::Legacy(_) => "bundle-v1",
        }
    }
}

impl Serialize for Entry {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let value: serde_json::Value =
            serde_json::from_slice(&self.bytes()).map_err(serde::ser::Error::custom)?;
        value.serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn t(s: &str) -> UtcTime {
        UtcTime::parse_strict(s).unwrap()
    }

    pub(crate) fn sample() -> Entry {
        Entry::Bundle(BundleEntry {
            index: 3,
            bundle: Sha256Digest::of_bytes(b"bundle"),
            statement_id: "kz-rs-2026-02-27".into(),
            statement: Sha256Digest::of_bytes(b"statement"),
            date: Some("2026-02-27".into()),
            signers: vec![Signer {
                key: KeyId(Sha256Digest::of_bytes(b"key")),
                party: "KZ".parse().unwrap(),
                signed_at: t("2026-02-27T10:00:00Z"),
            }],
            ingested_at: t("2026-12-01T09:00:00Z"),
            supersedes: None,
            trust: Sha256Digest::of_bytes(b"trust"),
        })
    }

    /// The bytes, pinned: a change here breaks every archive's tree.
    #[test]
    fn bytes_are_pinned() {
        let bytes = String::from_utf8(sample().bytes()).unwrap();
        assert_eq!(
            bytes,
            concat!(
                r#"{"bundle":"sha256:1e6ed65d77d6364eeaed5a745ba5c4985ae2b700dd85d7cf7f027bdf294a33fc","#,
                r#""date":"2026-02-27","index":3,"ingested_at":"2026-12-01T09:00:00Z","#,
                r#""signers":[{"key":"sha256:2c70e12b7a0646f92279f427c7b38e7334d8e5389cff167a1dc30e73f826b683","party":"KZ","signed_at":"2026-02-27T10:00:00Z"}],"#,
                r#""statement":"sha256:b111c6e1d318f203063e5c16bab43c108326af0aa2f7b65760c95547a43dbe52","#,
                r#""statement_id":"kz-rs-2026-02-27","#,
                r#""trust":"sha256:f796e2f28ae5811737ccb8233f34e09f8bb75d2511a135543d1ca37be0199a1d","type":"bundle"}"#
            )
        );
        let trust = Entry::Trust(TrustEntry {
            index: 0,
            at: t("2026-12-01T09:00:00Z"),
            change: TrustChange::Revoke,
            key: Some(KeyId(Sha256Digest::of_bytes(b"key"))),
            trust: Sha256Digest::of_bytes(b"trust"),
        });
        assert_eq!(
            String::from_utf8(trust.bytes()).unwrap(),
            concat!(
                r#"{"at":"2026-12-01T09:00:00Z","change":"revoke","index":0,"#,
                r#""key":"sha256:2c70e12b7a0646f92279f427c7b38e7334d8e5389cff167a1dc30e73f826b683","#,
                r#""trust":"sha256:f796e2f28ae5811737ccb8233f34e09f8bb75d2511a135543d1ca37be0199a1d","type":"trust"}"#
            )
        );
        for entry in [sample(), trust] {
            assert_eq!(Entry::parse(&entry.bytes()).unwrap(), entry);
        }
    }

    #[test]
    fn version_1_entries_are_read_with_their_bytes() {
        let v1 = br#"{"bundle":"sha256:1e6ed65d77d6364eeaed5a745ba5c4985ae2b700dd85d7cf7f027bdf294a33fc","index":0,"ingested_at":"2026-11-25T16:21:05Z","signers":[{"key":"sha256:2c70e12b7a0646f92279f427c7b38e7334d8e5389cff167a1dc30e73f826b683","party":"KZ"}],"statement":"sha256:b111c6e1d318f203063e5c16bab43c108326af0aa2f7b65760c95547a43dbe52","statement_id":"kz-rs"}"#;
        let entry = Entry::parse(v1).unwrap();
        assert!(matches!(entry, Entry::Legacy(_)));
        assert_eq!(entry.bytes(), v1);
    }

    #[test]
    fn refusals() {
        let bytes = sample().bytes();
        let text = String::from_utf8(bytes.clone()).unwrap();
        let pretty = serde_json::to_vec_pretty(&sample()).unwrap();
        assert_eq!(Entry::parse(&pretty), Err(EntryError::NotCanonical));
        let other = text.replace(r#""type":"bundle""#, r#""type":"bundles""#);
        assert!(matches!(
            Entry::parse(other.as_bytes()),
            Err(EntryError::UnknownType(_))
        ));
        let extra = text.replace(r#""type":"bundle""#, r#""type":"bundle","x":1"#);
        assert!(matches!(
            Entry::parse(extra.as_bytes()),
            Err(EntryError::Shape(_))
        ));
        let empty_id = text.replace(r#""kz-rs-2026-02-27""#, r#""""#);
        assert_eq!(Entry::parse(empty_id.as_bytes()), Err(EntryError::Id));
        let twice = text.replace(r#"{"bundle""#, r#"{"index":3,"bundle""#);
        assert!(matches!(
            Entry::parse(twice.as_bytes()),
            Err(EntryError::Json(_))
        ));
    }
}
