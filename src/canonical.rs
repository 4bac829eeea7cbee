//! RFC 8785 (JSON Canonicalization Scheme) canonical bytes, and the
//! statement's identity: the SHA-256 of those bytes.
//!
//! Canonicalization itself is done by `serde_json_canonicalizer` (checked
//! against the RFC's vectors in `tests/canonical_vectors.rs`). Before that,
//! docseal refuses what would make a record ambiguous or that I-JSON
//! (RFC 7493) forbids: duplicate keys and lone surrogates (refused by the
//! strict parser in [`crate::document`]), and integers that an IEEE 754
//! double cannot hold exactly (they would silently change value).

use serde_json::Value;

use crate::digest::Sha256Digest;
use crate::document::{self, DocumentError};

/// Largest integer every double-based JSON implementation reads exactly.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// Why a document has no canonical form.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CanonicalError {
    /// The bytes are not strict JSON (syntax, duplicate key, lone surrogate, …).
    #[error(transparent)]
    Document(#[from] DocumentError),
    /// A number outside what I-JSON allows.
    #[error(
        "the number {number} at {pointer:?} is not exactly representable as an IEEE 754 double (I-JSON, RFC 7493)"
    )]
    InexactNumber {
        /// JSON Pointer of the number.
        pointer: String,
        /// The number as parsed.
        number: String,
    },
    /// The canonicalizer failed.
    #[error("cannot canonicalize: {0}")]
    Serialize(#[from] serde_json::Error),
}

/// Canonical bytes of a JSON text, after the strict checks of this module.
pub fn canonicalize(json: &[u8]) -> Result<Vec<u8>, CanonicalError> {
    let value = document::parse_strict(json)?;
    canonicalize_value(&value)
}

/// Canonical bytes of an already-parsed value.
pub fn canonicalize_value(value: &Value) -> Result<Vec<u8>, CanonicalError> {
    check_numbers(value, &mut String::new())?;
    Ok(serde_json_canonicalizer::to_vec(value)?)
}

/// The identity of a JSON document: SHA-256 of its canonical bytes.
pub fn canonical_digest(json: &[u8]) -> Result<Sha256Digest, CanonicalError> {
    Ok(Sha256Digest::of_bytes(&canonicalize(json)?))
}

fn check_numbers(value: &Value, pointer: &mut String) -> Result<(), CanonicalError> {
    match value {
        Value::Number(n) => {
            let exact = if let Some(u) = n.as_u64() {
                u <= MAX_SAFE_INTEGER || (u as f64) as u64 == u && u != u64::MAX
            } else if let Some(i) = n.as_i64() {
                i.unsigned_abs() <= MAX_SAFE_INTEGER || (i as f64) as i64 == i
            } else {
                n.as_f64().is_some_and(f64::is_finite)
            };
            if !exact {
                return Err(CanonicalError::InexactNumber {
                    pointer: pointer.clone(),
                    number: n.to_string(),
                });
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = pointer.len();
                pointer.push_str(&format!("/{i}"));
                check_numbers(item, pointer)?;
                pointer.truncate(len);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                check_numbers(item, pointer)?;
                pointer.truncate(len);
            }
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_does_not_change_identity() {
        let a = canonical_digest(br#"{"b": [1, 2.0, "x"], "a": true}"#).unwrap();
        let b = canonical_digest(b"{\n  \"a\" : true,\n  \"b\" : [1, 2, \"x\"]\n}").unwrap();
        assert_eq!(a, b);
        assert_eq!(
            canonicalize(br#"{"b": [1, 2.0, "x"], "a": true}"#).unwrap(),
            br#"{"a":true,"b":[1,2,"x"]}"#
        );
    }

    #[test]
    fn ambiguous_documents_are_refused() {
        assert!(matches!(
            canonicalize(br#"{"a": 1, "a": 2}"#),
            Err(CanonicalError::Document(DocumentError::DuplicateKey { .. }))
        ));
        assert!(matches!(
            canonicalize(br#"{"s": "\ud800"}"#),
            Err(CanonicalError::Document(DocumentError::Syntax { .. }))
        ));
        assert!(matches!(
            canonicalize(br#"{"n": [9007199254740993]}"#),
            Err(CanonicalError::InexactNumber { pointer, .. }) if pointer == "/n/0"
        ));
        assert!(canonicalize(br#"{"n": 9007199254740991}"#).is_ok());
        assert!(canonicalize(br#"{"n": 9007199254740992}"#).is_ok());
    }
}
