//! The strict parser: JSON as RFC 8259 has it (UTF-8, no byte order mark)
//! into a `serde_json` value, refusing objects that name a key twice.

use std::collections::HashMap;
use std::ops::ControlFlow;

use serde_json::Value;

use super::DocumentError;
use super::locate::{position_at, push_pointer_token};
use super::scan::Scanner;

/// Parses JSON, refusing a byte order mark and duplicate keys.
pub fn parse_strict(bytes: &[u8]) -> Result<Value, DocumentError> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        return Err(DocumentError::Syntax {
            position: position_at(bytes, 0),
            message:
                "the file starts with a UTF-8 byte order mark, which JSON (RFC 8259) does not allow"
                    .into(),
        });
    }
    // One UTF-8 check for the whole text is faster than serde_json's per string.
    let text = std::str::from_utf8(bytes).map_err(|e| DocumentError::Syntax {
        position: position_at(bytes, e.valid_up_to()),
        message: "invalid UTF-8: JSON text must be UTF-8".into(),
    })?;
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let parsed = serde::de::DeserializeSeed::deserialize(StrictValue, &mut deserializer)
        .and_then(|value| deserializer.end().map(|()| value));
    match parsed {
        Ok(value) => {
            check_long_integers(text)?;
            Ok(value)
        }
        Err(e) if e.to_string().starts_with(DUPLICATE_MARKER) => {
            // Rare path: walk the bytes again to say where both keys are.
            check_duplicates(&mut Scanner::new(bytes), &mut String::new())?;
            Err(DocumentError::Syntax {
                position: position_at(bytes, 0),
                message: "duplicate key".into(),
            })
        }
        Err(e) => {
            let offset = offset_of(bytes, e.line(), e.column());
            let message = strip_serde_position(&e.to_string());
            // serde_json stops at 128 levels; say so in the reader's terms.
            let message = if message == "recursion limit exceeded" {
                "arrays and objects are nested 128 levels deep here (at most 127 are read); \
                 no statement needs that, and docseal refuses it"
                    .to_string()
            } else if e.is_eof() && text.trim_ascii().is_empty() {
                // serde_json says "EOF while parsing a value".
                if text.is_empty() {
                    "the file is empty: a statement is one JSON object".to_string()
                } else {
                    "the file holds only whitespace: a statement is one JSON object".to_string()
                }
            } else if e.is_eof() {
                format!("the JSON text ends too early ({message}): is the file cut short?")
            } else {
                message
            };
            Err(DocumentError::Syntax {
                position: position_at(bytes, offset),
                message,
            })
        }
    }
}

const DUPLICATE_MARKER: &str = "docseal: duplicate key";

/// Integer literals of more than 19 digits, which `serde_json` reads as a
/// rounded double (so later checks cannot see how they were written), are
/// refused unless a double holds them exactly (docs/FORMAT.md §2). One
/// pass over the text, outside strings.
fn check_long_integers(text: &str) -> Result<(), DocumentError> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < bytes.len()
                    && matches!(bytes[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    i += 1;
                }
                let token = &text[start..i];
                let digits = token.trim_start_matches('-');
                if digits.len() > 19 && digits.bytes().all(|b| b.is_ascii_digit()) {
                    let exact = digits
                        .parse::<f64>()
                        .is_ok_and(|x| x.is_finite() && format!("{x:.0}") == digits);
                    if !exact {
                        return Err(DocumentError::Syntax {
                            position: position_at(bytes, start),
                            message: format!(
                                "the integer {token} is not exactly representable as an IEEE 754 double (I-JSON, RFC 7493): it would silently change value"
                            ),
                        });
                    }
                }
            }
            _ => i += 1,
        }
    }
    Ok(())
}

/// Builds a `Value` like serde_json does, but fails on the first object
/// that names a key twice (serde_json would keep the last silently).
struct StrictValue;

impl<'de> serde::de::DeserializeSeed<'de> for StrictValue {
    type Value = Value;
    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(StrictVisitor)
    }
}

struct StrictVisitor;

impl<'de> serde::de::Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element_seed(StrictValue)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        // Members are gathered first so that the map is built once at its final
        // size: growing it rehashes every key, and this is the hot path of
        // validating many documents.
        let mut members = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(StrictValue)?;
            members.push((key, value));
        }
        let mut object = serde_json::Map::with_capacity(members.len());
        for (key, value) in members {
            if object.insert(key, value).is_some() {
                return Err(serde::de::Error::custom(DUPLICATE_MARKER));
            }
        }
        Ok(Value::Object(object))
    }
}

/// serde_json's messages end in " at line L column C", which we report ourselves.
fn strip_serde_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// Byte offset of serde_json's (1-based line, 1-based byte column).
fn offset_of(bytes: &[u8], line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match bytes[start..].iter().position(|&b| b == b'\n') {
            Some(i) => start += i + 1,
            None => break,
        }
    }
    (start + column.saturating_sub(1)).min(bytes.len())
}

/// Walks one value, refusing objects that name a key twice. Only called
/// once the parser has seen a duplicate, to say where both keys are.
fn check_duplicates(scanner: &mut Scanner<'_>, pointer: &mut String) -> Result<(), DocumentError> {
    scanner.skip_ws();
    let flow = match scanner.peek() {
        Some(b'{') => {
            let mut first_at: HashMap<String, usize> = HashMap::new();
            scanner.members(|scanner, key_at, key| {
                if let Some(&first) = first_at.get(&key) {
                    return ControlFlow::Break(DocumentError::DuplicateKey {
                        pointer: pointer.clone(),
                        key,
                        first: position_at(scanner.bytes, first),
                        second: position_at(scanner.bytes, key_at),
                    });
                }
                let len = pointer.len();
                push_pointer_token(pointer, &key);
                first_at.insert(key, key_at);
                let inner = check_duplicates(scanner, pointer);
                pointer.truncate(len);
                inner.map_or_else(ControlFlow::Break, ControlFlow::Continue)
            })
        }
        Some(b'[') => scanner.items(|scanner, index| {
            let len = pointer.len();
            push_pointer_token(pointer, &index.to_string());
            let inner = check_duplicates(scanner, pointer);
            pointer.truncate(len);
            inner.map_or_else(ControlFlow::Break, ControlFlow::Continue)
        }),
        _ => {
            scanner.skip_value();
            ControlFlow::Continue(())
        }
    };
    match flow {
        ControlFlow::Break(error) => Err(error),
        ControlFlow::Continue(()) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_key_reports_both_positions() {
        let text = b"{\n  \"a\": 1,\n  \"b\": {\"x\": 1, \"x\": 2}\n}";
        let err = parse_strict(text).unwrap_err();
        match err {
            DocumentError::DuplicateKey {
                pointer,
                key,
                first,
                second,
            } => {
                assert_eq!(pointer, "/b");
                assert_eq!(key, "x");
                assert_eq!((first.line, first.column), (3, 9));
                assert_eq!((second.line, second.column), (3, 17));
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn escaped_keys_are_duplicates_of_their_plain_form() {
        let err = parse_strict(br#"{"a": 1, "\u0061": 2}"#).unwrap_err();
        assert!(matches!(err, DocumentError::DuplicateKey { key, .. } if key == "a"));
    }

    #[test]
    fn equal_keys_in_different_objects_are_fine() {
        assert!(parse_strict(br#"[{"a": 1}, {"a": 2}, {"b": {"a": 3}}]"#).is_ok());
    }

    #[test]
    fn syntax_error_has_line_and_column() {
        let err = parse_strict(b"{\n  \"a\": 1,,\n}").unwrap_err();
        match err {
            DocumentError::Syntax { position, .. } => assert_eq!(position.line, 2),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn bom_is_refused() {
        assert!(matches!(
            parse_strict(b"\xEF\xBB\xBF{}"),
            Err(DocumentError::Syntax { .. })
        ));
    }

    #[test]
    fn deep_nesting_is_refused_in_plain_words() {
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        match parse_strict(deep.as_bytes()) {
            Err(DocumentError::Syntax { position, message }) => {
                assert_eq!((position.line, position.column), (1, 128));
                assert!(message.contains("128 levels deep"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        let fine = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert!(parse_strict(fine.as_bytes()).is_ok());
    }
}
