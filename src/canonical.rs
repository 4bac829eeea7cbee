//! RFC 8785 (JSON Canonicalization Scheme) canonical bytes, and the
//! statement's identity: the SHA-256 of those bytes.
//!
//! The canonical bytes of a parsed document are written here, straight from
//! the value (`write_value`); typed records elsewhere use
//! `serde_json_canonicalizer`. Both are checked against the RFC's vectors,
//! and against each other on every JSON file of the tests
//! (`tests/canonical_vectors.rs`) and in the `json` fuzz target. The
//! crate's serializer re-parses every key and buffers every object, which
//! made it a tenth of an archive audit's CPU (bench/archive.sh). Before that,
//! docseal refuses what would make a record ambiguous or that I-JSON
//! (RFC 7493) forbids: duplicate keys and lone surrogates (refused by the
//! strict parser in [`crate::document`]), and integers that an IEEE 754
//! double cannot hold exactly (they would silently change value).

use serde_json::Value;

use crate::digest::Sha256Digest;
use crate::document::{self, DocumentError, Step};

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
    check_numbers(value, &mut Vec::new())?;
    let mut out = Vec::with_capacity(1024);
    write_value(value, &mut out)?;
    Ok(out)
}

/// RFC 8785 §3.2: no whitespace; object members sorted by their names'
/// UTF-16 code units (§3.2.3); strings and numbers as ECMAScript's
/// `JSON.stringify` writes them (§3.2.2).
fn write_value(value: &Value, out: &mut Vec<u8>) -> Result<(), CanonicalError> {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => write_number(n, out)?,
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(item, out)?;
            }
            out.push(b']');
        }
        Value::Object(map) => {
            let mut members: Vec<(&String, &Value)> = map.iter().collect();
            members.sort_by(|(a, _), (b, _)| a.encode_utf16().cmp(b.encode_utf16()));
            out.push(b'{');
            for (i, (key, item)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_string(key, out);
                out.push(b':');
                write_value(item, out)?;
            }
            out.push(b'}');
        }
    }
    Ok(())
}

/// §3.2.2.3: every number as the IEEE 754 double it denotes, written by
/// ECMAScript's Number-to-String (`ryu-js` implements it).
fn write_number(n: &serde_json::Number, out: &mut Vec<u8>) -> Result<(), CanonicalError> {
    match n.as_f64().filter(|f| f.is_finite()) {
        Some(f) => {
            out.extend_from_slice(ryu_js::Buffer::new().format_finite(f).as_bytes());
            Ok(())
        }
        None => Err(CanonicalError::InexactNumber {
            pointer: String::new(),
            number: n.to_string(),
        }),
    }
}

/// §3.2.2.2: `"` and `\` escaped, the five controls with short escapes as
/// such, the other controls as `\u00xx` (lower-case hex), every other
/// character as itself.
fn write_string(s: &str, out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let short = match b {
            b'"' => b'"',
            b'\\' => b'\\',
            0x08 => b'b',
            0x09 => b't',
            0x0a => b'n',
            0x0c => b'f',
            0x0d => b'r',
            0x00..=0x1f => 0,
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        start = i + 1;
        if short == 0 {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 0xf)]);
        } else {
            out.push(b'\\');
            out.push(short);
        }
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// The identity of a JSON document: SHA-256 of its canonical bytes.
pub fn canonical_digest(json: &[u8]) -> Result<Sha256Digest, CanonicalError> {
    Ok(Sha256Digest::of_bytes(&canonicalize(json)?))
}

/// The path to each value is kept as steps and rendered as a JSON Pointer
/// only for an error, so that checking a valid document allocates nothing
/// per key.
fn check_numbers<'a>(value: &'a Value, path: &mut Vec<Step<'a>>) -> Result<(), CanonicalError> {
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
                    pointer: document::pointer_of(path),
                    number: n.to_string(),
                });
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Step::Index(i));
                check_numbers(item, path)?;
                path.pop();
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                path.push(Step::Key(key));
                check_numbers(item, path)?;
                path.pop();
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
