//! Schema errors as findings that point where a person would look:
//! `required` at the object missing the key, `additionalProperties` at the
//! extra key, and for `oneOf`/`anyOf` the errors of the closest branch
//! instead of a dump of the value.

use jsonschema::error::{ValidationError, ValidationErrorKind};

use crate::document::{AnchorAt, Document, push_pointer_token};
use crate::finding::{Finding, RuleId, sort_findings};
use crate::schema::CompiledSchema;

/// Validates a parsed document against a compiled schema.
pub fn validate(document: &Document, schema: &CompiledSchema) -> Vec<Finding> {
    // Most documents are valid: the yes/no check stops early and builds no
    // errors, so it is much cheaper than collecting them (a quarter of the
    // CPU time of validating the benchmark's thousand files).
    if schema.validator().is_valid(&document.value) {
        return Vec::new();
    }
    let mut pending = Vec::new();
    for error in schema.validator().iter_errors(&document.value) {
        collect(&error, &mut pending, None);
    }
    let mut findings = crate::document::place(document, pending);
    sort_findings(&mut findings);
    findings
}

/// Turns a validation error into findings (positions come later, for all
/// findings at once).
fn collect(error: &ValidationError<'_>, out: &mut Vec<(Finding, AnchorAt)>, note: Option<&str>) {
    let pointer = error.instance_path().as_str().to_string();
    match error.kind() {
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            let keyword = error.kind().keyword();
            if let Some((index, branch)) = closest_branch(context) {
                let note = format!(
                    "no branch of {keyword} matched; closest is branch {index} of {}",
                    context.len()
                );
                for inner in branch {
                    collect(inner, out, Some(&note));
                }
                return;
            }
            out.push((finding(error, pointer, note), AnchorAt::Value));
        }
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
            // One finding per extra key, each at the key itself.
            for key in unexpected {
                let mut at = pointer.clone();
                push_pointer_token(&mut at, key);
                let message = with_note(format!("property {key:?} is not allowed here"), note);
                out.push((Finding::error(rule(error), at, message), AnchorAt::Key));
            }
        }
        // The value itself is what is wrong; for `required` that value is the
        // object missing the key, so this points at its opening brace.
        _ => out.push((finding(error, pointer, note), AnchorAt::Value)),
    }
}

fn finding(error: &ValidationError<'_>, pointer: String, note: Option<&str>) -> Finding {
    Finding::error(rule(error), pointer, with_note(message(error), note))
}

/// `schema/<keyword>` of the keyword that failed.
fn rule(error: &ValidationError<'_>) -> RuleId {
    RuleId::Schema(error.kind().keyword().to_string())
}

fn with_note(message: String, note: Option<&str>) -> String {
    match note {
        Some(note) => format!("{message} ({note})"),
        None => message,
    }
}

/// Picks the branch that got furthest: deepest error location first, then the
/// fewest errors, then the lowest index.
fn closest_branch<'a>(
    context: &'a [Vec<ValidationError<'static>>],
) -> Option<(usize, &'a Vec<ValidationError<'static>>)> {
    context
        .iter()
        .enumerate()
        .filter(|(_, errors)| !errors.is_empty())
        .min_by_key(|(index, errors)| {
            let depth = errors
                .iter()
                .map(|e| e.instance_path().as_str().matches('/').count())
                .max()
                .unwrap_or(0);
            (std::cmp::Reverse(depth), errors.len(), *index)
        })
}

const MAX_VALUE_CHARS: usize = 60;

/// A message that names what was expected without dumping large values.
fn message(error: &ValidationError<'_>) -> String {
    let value = short_value(error.instance());
    match error.kind() {
        ValidationErrorKind::Required { property } => {
            format!("missing required property {property}")
        }
        ValidationErrorKind::Type { kind } => {
            let expected = match kind {
                jsonschema::error::TypeKind::Single(t) => t.to_string(),
                jsonschema::error::TypeKind::Multiple(set) => format!("{set:?}"),
            };
            format!("{value} is not of type {expected}")
        }
        ValidationErrorKind::Enum { options } => {
            format!("{value} is not one of {}", list_options(options))
        }
        ValidationErrorKind::Constant { expected_value } => {
            format!(
                "{value} is not the expected value {}",
                short_value(expected_value)
            )
        }
        ValidationErrorKind::Format { format } => format!("{value} is not a valid {format:?}"),
        ValidationErrorKind::Pattern { pattern } => {
            format!("{value} does not match the pattern {pattern:?}")
        }
        ValidationErrorKind::OneOfMultipleValid { .. } => {
            "the value matches more than one branch of oneOf".to_string()
        }
        ValidationErrorKind::FalseSchema => "no value is allowed here".to_string(),
        _ => {
            let text = error.to_string();
            if text.chars().count() > 300 {
                let cut: String = text.chars().take(300).collect();
                format!("{cut}…")
            } else {
                text
            }
        }
    }
}

/// Enum options as `a, b or c`, cut when very long.
fn list_options(options: &serde_json::Value) -> String {
    let Some(items) = options.as_array() else {
        return short_value(options);
    };
    let mut text = String::new();
    for (i, item) in items.iter().enumerate() {
        if text.len() > 300 {
            text.push_str(&format!(" … ({} in all)", items.len()));
            break;
        }
        if i > 0 {
            text.push_str(if i + 1 == items.len() { " or " } else { ", " });
        }
        text.push_str(&item.to_string());
    }
    text
}

fn short_value(value: &serde_json::Value) -> String {
    let text = value.to_string();
    if text.chars().count() <= MAX_VALUE_CHARS {
        return text;
    }
    match value {
        serde_json::Value::Object(map) => format!("an object with {} properties", map.len()),
        serde_json::Value::Array(items) => format!("an array of {} items", items.len()),
        _ => {
            let cut: String = text.chars().take(MAX_VALUE_CHARS).collect();
            format!("{cut}…")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::SchemaOptions;

    fn check(schema: &str, doc: &str) -> Vec<Finding> {
        let schema =
            CompiledSchema::from_bytes("t", schema.as_bytes(), SchemaOptions::default()).unwrap();
        let document = Document::parse(doc.as_bytes().to_vec()).unwrap();
        validate(&document, &schema)
    }

    #[test]
    fn required_points_at_the_object() {
        let f = check(
            r#"{"properties": {"a": {"required": ["x"]}}}"#,
            "{\n  \"a\": {\"y\": 1}\n}",
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule, RuleId::Schema("required".into()));
        assert_eq!(f[0].pointer, "/a");
        let p = f[0].position.unwrap();
        assert_eq!((p.line, p.column), (2, 8));
    }

    #[test]
    fn additional_properties_point_at_each_extra_key() {
        let f = check(
            r#"{"additionalProperties": false, "properties": {"a": {}}}"#,
            "{\"a\": 1,\n \"b\": 2,\n \"c\": 3}",
        );
        let at: Vec<_> = f
            .iter()
            .map(|f| {
                (
                    f.pointer.as_str(),
                    f.position.unwrap().line,
                    f.position.unwrap().column,
                )
            })
            .collect();
        assert_eq!(at, vec![("/b", 2, 2), ("/c", 3, 2)]);
    }

    #[test]
    fn one_of_reports_the_closest_branch() {
        let schema = r#"{"oneOf": [
            {"type": "string"},
            {"type": "object", "required": ["kind", "n"], "properties": {"n": {"type": "integer"}}}
        ]}"#;
        let f = check(schema, r#"{"kind": "x", "n": "seven"}"#);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].rule, RuleId::Schema("type".into()));
        assert_eq!(f[0].pointer, "/n");
        assert!(
            f[0].message.contains("closest is branch 1"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn formats_are_asserted_by_default() {
        let f = check(r#"{"format": "date"}"#, r#""2026-02-30""#);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule, RuleId::Schema("format".into()));
    }

    #[test]
    fn findings_are_sorted_by_position() {
        let f = check(
            r#"{"properties": {"a": {"type": "string"}, "b": {"type": "string"}}}"#,
            r#"{"b": 1, "a": 2}"#,
        );
        assert_eq!(f[0].pointer, "/b");
        assert_eq!(f[1].pointer, "/a");
    }
}
