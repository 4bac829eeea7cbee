//! `metadata/validation.json`: what was checked when a statement was sealed,
//! by which docseal, against which schema. Pure. The format is in
//! docs/FORMAT.md §5.1.

use serde::{Deserialize, Serialize};

use crate::digest::Sha256Digest;
use crate::utc::UtcTime;

/// The record's version.
pub const VALIDATION_RECORD_VERSION: u32 = 1;

/// Largest record read.
pub const MAX_SIZE: u64 = 16 << 20;

/// The validation record. Fields are written in this order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValidationRecord {
    /// [`VALIDATION_RECORD_VERSION`].
    pub version: u32,
    /// `docseal <version>`.
    pub checked_by: String,
    /// When (the seal time).
    pub checked_at: UtcTime,
    /// The schema's name (file name under `metadata/schema/`).
    pub schema: String,
    /// SHA-256 of the schema's bytes.
    pub schema_sha256: Sha256Digest,
    /// Canonical digest of the statement checked.
    pub statement_canonical_sha256: Sha256Digest,
    /// Always `valid`: docseal seals nothing else.
    pub result: String,
    /// The warnings found (as in `validate --format json`).
    pub findings: Vec<serde_json::Value>,
}

/// Why a validation record is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RecordError {
    /// Not strict JSON.
    #[error("not strict JSON: {0}")]
    Json(String),
    /// Another version.
    #[error(
        "version {found} is not supported (this docseal reads version {VALIDATION_RECORD_VERSION})"
    )]
    Version {
        /// The version found.
        found: serde_json::Value,
    },
    /// Missing, unknown or malformed fields.
    #[error("not a validation record: {0}")]
    Shape(String),
    /// A result other than `valid`.
    #[error("result is {found:?}, not \"valid\"")]
    Result {
        /// The result found.
        found: String,
    },
}

impl ValidationRecord {
    /// The record for a statement found valid at `checked_at`.
    pub fn new(
        checked_at: UtcTime,
        schema: &str,
        schema_sha256: Sha256Digest,
        statement: Sha256Digest,
        findings: &[crate::finding::Finding],
    ) -> Self {
        Self {
            version: VALIDATION_RECORD_VERSION,
            checked_by: format!("docseal {}", env!("CARGO_PKG_VERSION")),
            checked_at,
            schema: schema.to_string(),
            schema_sha256,
            statement_canonical_sha256: statement,
            result: "valid".into(),
            findings: findings
                .iter()
                .map(|f| serde_json::to_value(f).unwrap_or_default())
                .collect(),
        }
    }

    /// The file's bytes: pretty JSON (two-space indent) and a final newline.
    pub fn to_bytes(&self) -> Vec<u8> {
        // Strings, digests and JSON values: serializing cannot fail.
        let mut bytes = serde_json::to_vec_pretty(self).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }

    /// Reads a record: strict JSON, version 1, every field, result `valid`.
    pub fn parse(bytes: &[u8]) -> Result<Self, RecordError> {
        let value =
            crate::document::parse_strict(bytes).map_err(|e| RecordError::Json(e.to_string()))?;
        match value.get("version") {
            Some(v) if v.as_u64() == Some(u64::from(VALIDATION_RECORD_VERSION)) => {}
            Some(v) => return Err(RecordError::Version { found: v.clone() }),
            None => return Err(RecordError::Shape("no \"version\"".into())),
        }
        let record: Self =
            serde_json::from_value(value).map_err(|e| RecordError::Shape(e.to_string()))?;
        if record.result != "valid" {
            return Err(RecordError::Result {
                found: record.result,
            });
        }
        Ok(record)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_and_read_back() {
        let record = ValidationRecord::new(
            UtcTime::parse_strict("2026-02-27T10:00:00Z").unwrap(),
            "joint-statement.schema.json",
            Sha256Digest::of_bytes(b"schema"),
            Sha256Digest::of_bytes(b"statement"),
            &[],
        );
        let bytes = record.to_bytes();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(
            text.starts_with("{\n  \"version\": 1,\n  \"checked_by\": \"docseal "),
            "{text}"
        );
        assert!(text.ends_with("\"findings\": []\n}\n"), "{text}");
        assert_eq!(ValidationRecord::parse(&bytes).unwrap(), record);
    }

    #[test]
    fn other_versions_results_and_non_json_are_refused() {
        let record = ValidationRecord::new(
            UtcTime::parse_strict("2026-02-27T10:00:00Z").unwrap(),
            "s.json",
            Sha256Digest::of_bytes(b"s"),
            Sha256Digest::of_bytes(b"t"),
            &[],
        );
        let text = String::from_utf8(record.to_bytes()).unwrap();
        let v2 = text.replace("\"version\": 1", "\"version\": 2");
        assert!(matches!(
            ValidationRecord::parse(v2.as_bytes()),
            Err(RecordError::Version { .. })
        ));
        let invalid = text.replace("\"valid\"", "\"invalid\"");
        assert!(matches!(
            ValidationRecord::parse(invalid.as_bytes()),
            Err(RecordError::Result { .. })
        ));
        assert!(matches!(
            ValidationRecord::parse(b"not json"),
            Err(RecordError::Json(_))
        ));
        let extra = text.replace("\"result\"", "\"extra\": 1, \"result\"");
        assert!(matches!(
            ValidationRecord::parse(extra.as_bytes()),
            Err(RecordError::Shape(_))
        ));
    }
}
