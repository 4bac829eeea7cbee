//! The sealed statement: readable, valid against the schema sealed with it,
//! its lints, the validation record, and the parties it names (which the
//! signatures and the policy are judged against).

use super::bag::TAG_FILE_LIMIT;
use super::check::{CheckCode, Checks};
use crate::bundle::layout;
use crate::bundle::record::{self, ValidationRecord};
use crate::bundle::source::BagSource;
use crate::digest::Sha256Digest;
use crate::finding::Finding;
use crate::party::{PartyCode, Role};
use crate::schema::{CompiledSchema, SchemaOptions};

/// A party the statement names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementParty {
    /// Its code.
    pub id: PartyCode,
    /// Its name.
    pub name: String,
    /// Its role.
    pub role: Role,
}

/// What the signatures and the policy need from the statement.
pub struct StatementData {
    /// The parsed statement.
    pub value: serde_json::Value,
    /// Its canonical digest (absent if it cannot be canonicalized).
    pub canonical: Option<Sha256Digest>,
    /// SHA-256 of the embedded schema's bytes.
    pub schema: Option<Sha256Digest>,
    /// The parties it names (those with a readable code and role).
    pub parties: Vec<StatementParty>,
}

/// Reads and checks the statement; `None` if it cannot be read at all.
pub fn check_statement(source: &BagSource, checks: &mut Checks) -> Option<StatementData> {
    let subject = Some(layout::STATEMENT_PATH);
    let bytes = match source.read_small(layout::STATEMENT_PATH, crate::document::DEFAULT_MAX_SIZE) {
        Ok(b) => b,
        Err(e) => {
            checks.fail(
                CheckCode::StatementSchema,
                subject,
                format!("cannot read the statement: {e}"),
            );
            return None;
        }
    };
    let document = match crate::document::Document::parse(bytes) {
        Ok(d) => d,
        Err(e) => {
            checks.fail(CheckCode::StatementSchema, subject, e.to_string());
            return None;
        }
    };
    let canonical = crate::canonical::canonicalize_value(&document.value)
        .ok()
        .map(|c| Sha256Digest::of_bytes(&c));
    let schema = embedded_schema(source, checks);
    if let Some((name, schema_bytes)) = &schema {
        check_against_schema(source, &document, name, schema_bytes, checks);
    }
    let schema_digest = schema.as_ref().map(|(_, b)| Sha256Digest::of_bytes(b));
    check_record(source, canonical, schema_digest, checks);
    let parties = parties(&document.value);
    Some(StatementData {
        value: document.value,
        canonical,
        schema: schema_digest,
        parties,
    })
}

fn embedded_schema(source: &BagSource, checks: &mut Checks) -> Option<(String, Vec<u8>)> {
    let schemas: Vec<&str> = source
        .entries()
        .iter()
        .map(|e| e.path.as_str())
        .filter(|p| p.starts_with(layout::SCHEMA_DIR))
        .collect();
    match schemas.as_slice() {
        [one] => match source.read_small(one, TAG_FILE_LIMIT) {
            Ok(bytes) => Some((one.to_string(), bytes)),
            Err(e) => {
                checks.fail(
                    CheckCode::StatementSchema,
                    Some(one),
                    format!("cannot read the schema: {e}"),
                );
                None
            }
        },
        _ => {
            checks.fail(
                CheckCode::StatementSchema,
                Some(layout::SCHEMA_DIR),
                format!(
                    "expected exactly one schema in {}, found {}",
                    layout::SCHEMA_DIR,
                    schemas.len()
                ),
            );
            None
        }
    }
}

fn check_against_schema(
    source: &BagSource,
    document: &crate::document::Document,
    name: &str,
    schema_bytes: &[u8],
    checks: &mut Checks,
) {
    let subject = Some(layout::STATEMENT_PATH);
    // The embedded schema is usually a built-in one, byte for byte: reuse
    // its compiled form instead of compiling it for every bundle.
    let builtin = crate::schema::BUILTINS
        .iter()
        .find(|b| b.text.as_bytes() == schema_bytes);
    let owned;
    let compiled = match builtin {
        Some(b) => crate::schema::compiled_builtin(b, SchemaOptions::default()),
        None => {
            owned = CompiledSchema::from_bytes(name, schema_bytes, SchemaOptions::default());
            owned
                .as_ref()
                .map_err(|e| crate::schema::SchemaError::Invalid {
                    schema: name.to_string(),
                    message: e.to_string(),
                })
        }
    };
    let compiled = match compiled {
        Err(e) => {
            return checks.fail(
                CheckCode::StatementSchema,
                Some(name),
                format!("the embedded schema cannot be used: {e}"),
            );
        }
        Ok(compiled) => compiled,
    };
    check_lints(source, document, checks);
    let findings = crate::validate::validate(document, compiled);
    if findings.is_empty() {
        checks.pass(
            CheckCode::StatementSchema,
            subject,
            format!("valid against the embedded schema {}", compiled.name),
        );
    }
    for f in &findings {
        checks.fail(CheckCode::StatementSchema, subject, describe(f));
    }
}

/// The lints, against the sealed source text when there is one.
fn check_lints(source: &BagSource, document: &crate::document::Document, checks: &mut Checks) {
    let subject = Some(layout::STATEMENT_PATH);
    let source_text = source
        .read_small(layout::SOURCE_PATH, crate::document::DEFAULT_MAX_SIZE)
        .ok();
    let lints = crate::lint::lint(
        document,
        source_text.as_deref(),
        &crate::lint::LintConfig::default(),
    );
    if lints.is_empty() {
        checks.pass(
            CheckCode::StatementLints,
            subject,
            if source_text.is_some() {
                "no lint findings; every block matches the source text"
            } else {
                "no lint findings"
            },
        );
    }
    // Lints are reported, never held against a sealed record: it was judged
    // under its sealer's lint levels, and what was signed is what it is.
    for f in &lints {
        checks.warn(CheckCode::StatementLints, subject, describe(f));
    }
}

/// `line:column: [rule] message (at /pointer)`.
fn describe(f: &Finding) -> String {
    let at = f
        .position
        .map(|p| format!("{}:{}: ", p.line, p.column))
        .unwrap_or_default();
    format!("{at}[{}] {} (at {})", f.rule, f.message, f.pointer)
}

/// The validation record must be readable, of a known version, and about
/// this statement and this schema.
fn check_record(
    source: &BagSource,
    canonical: Option<Sha256Digest>,
    schema: Option<Sha256Digest>,
    checks: &mut Checks,
) {
    const CODE: CheckCode = CheckCode::ValidationRecord;
    let subject = Some(layout::VALIDATION_PATH);
    let bytes = match source.read_small(layout::VALIDATION_PATH, record::MAX_SIZE) {
        Ok(bytes) => bytes,
        Err(e) => return checks.fail(CODE, subject, format!("cannot read it: {e}")),
    };
    let record = match ValidationRecord::parse(&bytes) {
        Ok(record) => record,
        Err(e) => return checks.fail(CODE, subject, e.to_string()),
    };
    let mut problems = Vec::new();
    if canonical != Some(record.statement_canonical_sha256) {
        problems.push("it records another statement");
    }
    if schema != Some(record.schema_sha256) {
        problems.push("it records another schema");
    }
    if problems.is_empty() {
        checks.pass(
            CODE,
            subject,
            format!(
                "checked valid by {} at {}",
                record.checked_by, record.checked_at
            ),
        );
    } else {
        checks.fail(CODE, subject, problems.join("; "));
    }
}

fn parties(statement: &serde_json::Value) -> Vec<StatementParty> {
    statement
        .get("parties")
        .and_then(|p| p.as_array())
        .into_iter()
        .flatten()
        .filter_map(|p| {
            Some(StatementParty {
                id: PartyCode::parse_exact(p.get("id")?.as_str()?).ok()?,
                name: p
                    .get("name")
                    .and_then(|n| n.as_str())
                    .unwrap_or_default()
                    .to_string(),
                role: p.get("role")?.as_str()?.parse().ok()?,
            })
        })
        .collect()
}
