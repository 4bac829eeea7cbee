//! The signed statement: what one signer signs, as RFC 8785 canonical JSON
//! (`signatures/<keyhex>.json`). Pure: bytes in, types out, and back.
//! The format is in docs/FORMAT.md §5.2.

use serde::{Deserialize, Serialize};

use crate::digest::{Sha256Digest, Sha512Digest};
use crate::keys::KeyId;
use crate::party::{PartyCode, Role};
use crate::utc::UtcTime;

/// The signed statement's `type`.
pub const SIGNATURE_TYPE: &str = "docseal-signature/1";

/// Largest signed statement read (they are a few hundred bytes).
pub const MAX_SIZE: u64 = 64 * 1024;

/// The tag manifests' digests, as bound by a signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TagManifestDigests {
    /// SHA-256 of `tagmanifest-sha256.txt`.
    pub sha256: Sha256Digest,
    /// SHA-512 of `tagmanifest-sha512.txt`.
    pub sha512: Sha512Digest,
}

/// What one signer signs: the JCS bytes of this object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedStatement {
    /// Always [`SIGNATURE_TYPE`].
    #[serde(rename = "type")]
    pub kind: String,
    /// The bag (statement) id: the bundle's root folder name.
    pub bag: String,
    /// Digests of the tag manifests, which cover every file outside `signatures/`.
    pub tagmanifest: TagManifestDigests,
    /// Canonical (RFC 8785) SHA-256 of `data/statement.json`.
    pub statement: Sha256Digest,
    /// SHA-256 of the embedded schema file's bytes.
    pub schema: Sha256Digest,
    /// The signer's key id.
    pub key: KeyId,
    /// Party the signer claims to sign for.
    pub party: PartyCode,
    /// Who the signer claims to be.
    pub signer: String,
    /// The role claimed.
    pub role: Role,
    /// When the signer says it signed (a claim; proof comes from a token).
    pub signed_at: UtcTime,
}

/// Why a signed statement file is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignedStatementError {
    /// Not strict JSON.
    #[error("not strict JSON: {0}")]
    Json(String),
    /// Missing, unknown or malformed fields (a role outside the spec, a time
    /// not in the `…Z` form, a lower-case party code, …).
    #[error("not a signed statement: {0}")]
    Shape(String),
    /// Another `type` (an unknown version).
    #[error("unknown signature type {found:?} (this docseal reads {SIGNATURE_TYPE:?})")]
    Type {
        /// The type found.
        found: String,
    },
    /// The bytes are not exactly the canonical form of their content, so
    /// what a reader sees might not be what was signed.
    #[error("not in canonical (RFC 8785) form")]
    NotCanonical,
}

impl SignedStatement {
    /// The exact bytes that are signed: RFC 8785 canonical JSON.
    pub fn signing_bytes(&self) -> Vec<u8> {
        // Plain strings, digests, codes and times: serializing cannot fail.
        // Through a value and docseal's own writer, which gives the bytes
        // `serde_json_canonicalizer` gives (tests/canonical_vectors.rs) in a
        // fraction of its time: every verification parses every signature.
        serde_json::to_value(self)
            .ok()
            .and_then(|v| crate::canonical::canonicalize_value(&v).ok())
            .unwrap_or_default()
    }

    /// Parses a signed statement file, which must be exactly its own
    /// canonical bytes (so what is read is what was signed).
    pub fn parse(bytes: &[u8]) -> Result<Self, SignedStatementError> {
        let value = crate::document::parse_strict(bytes)
            .map_err(|e| SignedStatementError::Json(e.to_string()))?;
        if let Some(kind) = value.get("type").and_then(serde_json::Value::as_str)
            && kind != SIGNATURE_TYPE
        {
            return Err(SignedStatementError::Type {
                found: kind.to_string(),
            });
        }
        let statement: Self = serde_json::from_value(value)
            .map_err(|e| SignedStatementError::Shape(e.to_string()))?;
        if statement.kind != SIGNATURE_TYPE {
            return Err(SignedStatementError::Type {
                found: statement.kind,
            });
        }
        if statement.signing_bytes() != bytes {
            return Err(SignedStatementError::NotCanonical);
        }
        Ok(statement)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> SignedStatement {
        SignedStatement {
            kind: SIGNATURE_TYPE.into(),
            bag: "kz-rs-2026-02-27".into(),
            tagmanifest: TagManifestDigests {
                sha256: Sha256Digest::of_bytes(b"a"),
                sha512: Sha512Digest::of_bytes(b"b"),
            },
            statement: Sha256Digest::of_bytes(b"c"),
            schema: Sha256Digest::of_bytes(b"d"),
            key: KeyId(Sha256Digest::of_bytes(b"e")),
            party: "KZ".parse().unwrap(),
            signer: "S".into(),
            role: Role::Signatory,
            signed_at: UtcTime::parse_strict("2026-02-27T10:00:00Z").unwrap(),
        }
    }

    #[test]
    fn round_trips_exactly() {
        let bytes = example().signing_bytes();
        assert_eq!(SignedStatement::parse(&bytes).unwrap(), example());
    }

    fn with(from: &str, to: &str) -> Result<SignedStatement, SignedStatementError> {
        let text = String::from_utf8(example().signing_bytes()).unwrap();
        assert!(text.contains(from), "{text}");
        SignedStatement::parse(text.replace(from, to).as_bytes())
    }

    #[test]
    fn a_role_outside_the_spec_is_refused() {
        assert!(matches!(
            with("\"signatory\"", "\"observer\""),
            Err(SignedStatementError::Shape(_))
        ));
    }

    #[test]
    fn a_time_not_in_utc_z_form_is_refused() {
        assert!(matches!(
            with("2026-02-27T10:00:00Z", "2026-02-27T12:00:00+02:00"),
            Err(SignedStatementError::Shape(_))
        ));
    }

    #[test]
    fn other_types_lower_case_parties_and_non_canonical_bytes_are_refused() {
        assert!(matches!(
            with("docseal-signature/1", "docseal-signature/2"),
            Err(SignedStatementError::Type { .. })
        ));
        assert!(matches!(
            with("\"KZ\"", "\"kz\""),
            Err(SignedStatementError::Shape(_))
        ));
        let mut spaced = example().signing_bytes();
        spaced.insert(1, b' ');
        assert_eq!(
            SignedStatement::parse(&spaced),
            Err(SignedStatementError::NotCanonical)
        );
    }
}
