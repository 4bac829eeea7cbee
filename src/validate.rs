//! Validating documents against a schema: every error of every document,
//! located at `line:column` and sorted by position.
//!
//! Errors from `jsonschema` are turned into [`Finding`]s that point where a
//! person would look: `required` at the object missing the key,
//! `additionalProperties` at the extra key, and for `oneOf`/`anyOf` the errors
//! of the closest branch instead of a dump of the value.

use jsonschema::error::{ValidationError, ValidationErrorKind};
use serde::Serialize;

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::document::{self, Anchor, AnchorAt, Document, DocumentError, Position};
use crate::lint::LintConfig;
use crate::schema::{CompiledSchema, SchemaError, SchemaOptions, SchemaSource};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Makes the document invalid.
    Error,
    /// Reported, but the document stays valid.
    Warning,
}

impl Level {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
        }
    }
}

/// One problem found in a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable rule id: `schema/<keyword>`, `json/syntax`, `json/duplicate-key`, `lint/<name>`.
    pub rule: String,
    /// Error or warning.
    pub level: Level,
    /// What is wrong, in words.
    pub message: String,
    /// JSON Pointer of the value concerned (empty string for the whole document).
    pub pointer: String,
    /// Where in the file, when known.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
    /// Other places that matter (the first occurrence of a duplicate key, …).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Position>,
}

impl Serialize for Position {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Position", 3)?;
        s.serialize_field("line", &self.line)?;
        s.serialize_field("column", &self.column)?;
        s.serialize_field("offset", &self.offset)?;
        s.end()
    }
}

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
    let mut findings = place(document, pending);
    sort_findings(&mut findings);
    findings
}

/// Gives findings their positions, all in one pass over the document.
pub(crate) fn place(document: &Document, pending: Vec<(Finding, AnchorAt)>) -> Vec<Finding> {
    let anchors: Vec<Anchor<'_>> = pending
        .iter()
        .map(|(finding, at)| Anchor {
            pointer: &finding.pointer,
            at: *at,
        })
        .collect();
    let positions = document.resolve(&anchors);
    pending
        .into_iter()
        .zip(positions)
        .map(|((finding, _), position)| Finding {
            position,
            ..finding
        })
        .collect()
}

/// Sorts by position (unlocated last), then rule, then message, and drops
/// exact repeats (two branches can report the same thing).
pub fn sort_findings(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| {
        let key = |f: &Finding| (f.position.map_or(usize::MAX, |p| p.offset), f.level);
        key(a)
            .cmp(&key(b))
            .then_with(|| a.rule.cmp(&b.rule))
            .then_with(|| a.message.cmp(&b.message))
    });
    findings.dedup();
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
                let escaped = key.replace('~', "~0").replace('/', "~1");
                let finding = Finding {
                    rule: format!("schema/{}", error.kind().keyword()),
                    level: Level::Error,
                    message: with_note(format!("property {key:?} is not allowed here"), note),
                    pointer: format!("{pointer}/{escaped}"),
                    position: None,
                    related: Vec::new(),
                };
                out.push((finding, AnchorAt::Key));
            }
        }
        // The value itself is what is wrong; for `required` that value is the
        // object missing the key, so this points at its opening brace.
        _ => out.push((finding(error, pointer, note), AnchorAt::Value)),
    }
}

fn finding(error: &ValidationError<'_>, pointer: String, note: Option<&str>) -> Finding {
    Finding {
        rule: format!("schema/{}", error.kind().keyword()),
        level: Level::Error,
        message: with_note(message(error), note),
        pointer,
        position: None,
        related: Vec::new(),
    }
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
        assert_eq!(f[0].rule, "schema/required");
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
        assert_eq!(f[0].rule, "schema/type");
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
        assert_eq!(f[0].rule, "schema/format");
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

/// What happened to one input.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The input as given (a path, or `-` for stdin).
    pub path: String,
    /// The schema used, when one was chosen.
    pub schema: Option<String>,
    /// Checked (with findings), or could not be checked.
    pub outcome: Outcome,
    /// The lines findings point at, by line number (sorted), to show them in
    /// context without keeping the whole document.
    pub lines: Vec<SourceLine>,
}

/// A line of a checked document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLine {
    /// Its number, from 1.
    pub number: usize,
    /// Byte offset of its first byte in the document.
    pub offset: usize,
    /// Its text, without the line ending.
    pub text: String,
}

/// The result of checking one input.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The document was checked; it is valid when no finding is an error.
    Checked {
        /// Every finding, sorted by position.
        findings: Vec<Finding>,
    },
    /// The document could not be checked (unreadable, too large, bad schema).
    NotChecked {
        /// Why.
        message: String,
        /// How to fix it, when there is a way.
        hint: Option<String>,
    },
}

impl FileReport {
    /// Valid: checked, and no finding is an error.
    pub fn is_valid(&self) -> bool {
        matches!(&self.outcome, Outcome::Checked { findings } if findings.iter().all(|f| f.level != Level::Error))
    }

    /// The findings (empty when not checked).
    pub fn findings(&self) -> &[Finding] {
        match &self.outcome {
            Outcome::Checked { findings } => findings,
            Outcome::NotChecked { .. } => &[],
        }
    }

    /// Line `number` of the document, when a finding points there.
    pub fn line(&self, number: usize) -> Option<&SourceLine> {
        let i = self
            .lines
            .binary_search_by_key(&number, |l| l.number)
            .ok()?;
        Some(&self.lines[i])
    }

    /// `valid`, `invalid` or `error` (could not check).
    pub fn status(&self) -> &'static str {
        match &self.outcome {
            Outcome::NotChecked { .. } => "error",
            Outcome::Checked { .. } if self.is_valid() => "valid",
            Outcome::Checked { .. } => "invalid",
        }
    }
}

/// Settings for [`Checker`].
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// Schema forced by `--schema`; otherwise chosen per document.
    pub schema: Option<SchemaSource>,
    /// Format assertions and the like.
    pub schema_options: SchemaOptions,
    /// Largest document loaded, in bytes.
    pub max_size: u64,
    /// Lint levels; lints run on documents checked against a built-in
    /// statement schema.
    pub lints: LintConfig,
    /// The source text for `source-span`. When `None`, a file beside the
    /// document with the same name and `.txt` is used if there is one.
    pub source_text: Option<PathBuf>,
}

impl Default for CheckOptions {
    fn default() -> Self {
        Self {
            schema: None,
            schema_options: SchemaOptions::default(),
            max_size: crate::document::DEFAULT_MAX_SIZE,
            lints: LintConfig::default(),
            source_text: None,
        }
    }
}

/// Checks documents against a schema compiled once and shared by all.
#[derive(Debug)]
pub struct Checker {
    forced: Option<CompiledSchema>,
    options: CheckOptions,
}

impl Checker {
    /// Compiles the forced schema, if any. Fails when it cannot be used.
    pub fn new(options: CheckOptions) -> Result<Self, SchemaError> {
        let forced = options
            .schema
            .as_ref()
            .map(|source| CompiledSchema::load(source, options.schema_options))
            .transpose()?;
        Ok(Self { forced, options })
    }

    /// Checks a file, or stdin when `path` is `-`.
    pub fn check_path(&self, path: &Path) -> FileReport {
        self.check_path_among(path, &TextSiblings::default())
    }

    fn check_path_among(&self, path: &Path, siblings: &TextSiblings) -> FileReport {
        let name = path.display().to_string();
        let bytes = if path == Path::new("-") {
            document::read_reader_limited(std::io::stdin().lock(), path, self.options.max_size)
        } else {
            document::read_limited(path, self.options.max_size)
        };
        let source = match self.source_for(path, siblings) {
            Ok(source) => source,
            Err(error) => return not_checked(name, None, &error),
        };
        match bytes {
            Ok(bytes) => self.check_with_source(&name, bytes, source.as_deref()),
            Err(error) => not_checked(name, None, &error),
        }
    }

    /// The source text of a document: `--text`, else `NAME.txt` beside it.
    fn source_for(
        &self,
        path: &Path,
        siblings: &TextSiblings,
    ) -> Result<Option<Vec<u8>>, DocumentError> {
        let candidate = match &self.options.source_text {
            Some(text) => text.clone(),
            None => {
                let sibling = path.with_extension("txt");
                if path == Path::new("-") || !siblings.exists(&sibling) {
                    return Ok(None);
                }
                sibling
            }
        };
        document::read_limited(&candidate, self.options.max_size).map(Some)
    }

    /// Checks a document given as bytes (no source text).
    pub fn check_bytes(&self, name: &str, bytes: Vec<u8>) -> FileReport {
        self.check_with_source(
            name,
            bytes,
            self.options
                .source_text
                .as_ref()
                .and_then(|p| std::fs::read(p).ok())
                .as_deref(),
        )
    }

    /// Checks a document given as bytes, with its source text when known.
    pub fn check_with_source(
        &self,
        name: &str,
        bytes: Vec<u8>,
        source: Option<&[u8]>,
    ) -> FileReport {
        let value = match document::parse_strict(&bytes) {
            Ok(value) => value,
            Err(error) => {
                let findings = vec![document_finding(&error)];
                return FileReport {
                    path: name.to_string(),
                    schema: None,
                    lines: lines_of(&bytes, &findings),
                    outcome: Outcome::Checked { findings },
                };
            }
        };
        let document = Document { bytes, value };
        let schema = match self.schema_for(&document) {
            Ok(schema) => schema,
            Err(error) => return not_checked(name.to_string(), None, &error),
        };
        let mut findings = validate(&document, schema);
        if crate::schema::builtin(&schema.name).is_some() {
            findings.extend(crate::lint::lint(&document, source, &self.options.lints));
            sort_findings(&mut findings);
        }
        FileReport {
            path: name.to_string(),
            schema: Some(schema.name.clone()),
            lines: lines_of(&document.bytes, &findings),
            outcome: Outcome::Checked { findings },
        }
    }

    /// `--schema`, else the document's `$schema` when it names a built-in,
    /// else the joint statement schema.
    fn schema_for(&self, document: &Document) -> Result<&CompiledSchema, SchemaError> {
        if let Some(forced) = &self.forced {
            return Ok(forced);
        }
        let named = document
            .value
            .get("$schema")
            .and_then(serde_json::Value::as_str)
            .and_then(crate::schema::builtin);
        match named {
            Some(builtin) => crate::schema::compiled_builtin(builtin, self.options.schema_options),
            None => crate::schema::joint_statement(self.options.schema_options),
        }
    }

    /// Checks many inputs in parallel; reports come back in input order.
    pub fn check_all(&self, paths: &[PathBuf]) -> Vec<FileReport> {
        use rayon::prelude::*;
        let siblings = match self.options.source_text {
            Some(_) => TextSiblings::default(),
            None => TextSiblings::list(paths),
        };
        paths
            .par_iter()
            .map(|p| self.check_path_among(p, &siblings))
            .collect()
    }
}

/// The `*.txt` files of folders holding many of the inputs, listed once: one
/// directory read instead of one failed lookup per document. Folders with
/// few inputs are not listed (looking up their few files is cheaper).
#[derive(Debug, Default)]
struct TextSiblings {
    listed: HashMap<PathBuf, HashSet<OsString>>,
}

impl TextSiblings {
    const LIST_FROM: usize = 16;

    fn list(paths: &[PathBuf]) -> Self {
        let mut per_folder: HashMap<&Path, usize> = HashMap::new();
        for path in paths {
            if let Some(folder) = path.parent() {
                *per_folder.entry(folder).or_default() += 1;
            }
        }
        let listed = per_folder
            .into_iter()
            .filter(|&(_, n)| n >= Self::LIST_FROM)
            .filter_map(|(folder, _)| {
                let names = std::fs::read_dir(if folder.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    folder
                })
                .ok()?
                .flatten()
                .filter(|e| e.file_name().as_encoded_bytes().ends_with(b".txt"))
                // A link is followed, as `is_file` does.
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()) || e.path().is_file())
                .map(|e| e.file_name())
                .collect();
                Some((folder.to_path_buf(), names))
            })
            .collect();
        Self { listed }
    }

    fn exists(&self, text: &Path) -> bool {
        let listed = text
            .parent()
            .zip(text.file_name())
            .and_then(|(folder, name)| Some(self.listed.get(folder)?.contains(name)));
        listed.unwrap_or_else(|| text.is_file())
    }
}

/// The lines the findings point at, each once.
fn lines_of(bytes: &[u8], findings: &[Finding]) -> Vec<SourceLine> {
    let mut places: Vec<(usize, usize)> = findings
        .iter()
        .filter_map(|f| f.position)
        .map(|p| (p.line, p.offset))
        .collect();
    places.sort_unstable();
    places.dedup_by_key(|(line, _)| *line);
    places
        .into_iter()
        .filter_map(|(number, offset)| {
            let (offset, text) = document::line_around(bytes, offset)?;
            Some(SourceLine {
                number,
                offset,
                text: text.to_string(),
            })
        })
        .collect()
}

fn not_checked(path: String, schema: Option<String>, error: &dyn Hinted) -> FileReport {
    FileReport {
        lines: Vec::new(),
        path,
        schema,
        outcome: Outcome::NotChecked {
            message: error.to_string(),
            hint: error.hint(),
        },
    }
}

/// Errors that know how a user can fix them.
pub trait Hinted: std::fmt::Display {
    /// A one-line suggestion, when there is one.
    fn hint(&self) -> Option<String>;
}

impl Hinted for DocumentError {
    fn hint(&self) -> Option<String> {
        match self {
            DocumentError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
                Some("check the path; directories are searched for *.json files".into())
            }
            DocumentError::Io { source, .. }
                if source.kind() == std::io::ErrorKind::PermissionDenied =>
            {
                Some("check the file's permissions".into())
            }
            DocumentError::TooLarge { .. } => Some(
                "raise the limit with --max-size BYTES if the file is really a statement".into(),
            ),
            DocumentError::DuplicateKey { .. } => {
                Some("remove one of the two keys: a record must not be ambiguous".into())
            }
            _ => None,
        }
    }
}

impl Hinted for SchemaError {
    fn hint(&self) -> Option<String> {
        match self {
            SchemaError::Unknown { .. } => Some(format!(
                "give a schema file, or one of the built-in schemas: {}",
                crate::schema::BUILTINS
                    .iter()
                    .map(|s| s.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            SchemaError::UnresolvableRef { .. } => Some(
                "put the referenced schema in the same folder as the schema that refers to it"
                    .into(),
            ),
            _ => None,
        }
    }
}

fn document_finding(error: &DocumentError) -> Finding {
    match error {
        DocumentError::Syntax { position, message } => Finding {
            rule: "json/syntax".into(),
            level: Level::Error,
            message: message.clone(),
            pointer: String::new(),
            position: Some(*position),
            related: Vec::new(),
        },
        DocumentError::DuplicateKey {
            pointer,
            key,
            first,
            second,
        } => Finding {
            rule: "json/duplicate-key".into(),
            level: Level::Error,
            message: format!(
                "duplicate key {key:?}: first at line {}, column {}; a record must not be ambiguous",
                first.line, first.column
            ),
            pointer: pointer.clone(),
            position: Some(*second),
            related: vec![*first],
        },
        other => Finding {
            rule: "json/unreadable".into(),
            level: Level::Error,
            message: other.to_string(),
            pointer: String::new(),
            position: None,
            related: Vec::new(),
        },
    }
}

/// Expands inputs: files as given, directories to every `*.json` below them
/// (sorted, hidden entries skipped), `-` for stdin.
pub fn expand_inputs(inputs: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for input in inputs {
        if input.is_dir() {
            walk_json(input, &mut out);
        } else {
            out.push(input.clone());
        }
    }
    out
}

/// Every `*.json` below `dir`, in path order: sorting each folder's entries
/// by name and descending into folders in that order gives the order of
/// sorting the paths (component by component), without comparing paths.
fn walk_json(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        // Unreadable folders are reported when read as files.
        out.push(dir.to_path_buf());
        return;
    };
    let mut entries: Vec<_> = entries
        .flatten()
        .filter(|e| !e.file_name().as_encoded_bytes().starts_with(b"."))
        .map(|e| (e.file_name(), e))
        .collect();
    entries.sort_unstable_by(|(a, _), (b, _)| a.as_encoded_bytes().cmp(b.as_encoded_bytes()));
    for (_, entry) in entries {
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => walk_json(&path, out),
            Ok(_) if path.extension().is_some_and(|e| e == "json") => out.push(path),
            _ => {}
        }
    }
}
