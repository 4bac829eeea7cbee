//! Validating documents: every error of every document against its schema,
//! and the lints, located at `line:column` and sorted by position.
//!
//! [`Checker`] compiles the schema once and checks many documents in
//! parallel, each into a [`FileReport`]; `schema_errors` turns the schema's
//! errors into findings, `inputs` finds the documents and their source texts.

mod inputs;
mod schema_errors;

use std::path::{Path, PathBuf};

use crate::document::{self, DEFAULT_MAX_SIZE, Document, DocumentError};
use crate::finding::RuleId;
use crate::lint::LintConfig;
use crate::schema::{CompiledSchema, SchemaError, SchemaOptions, SchemaSource};
use inputs::TextSiblings;

/// The finding model, where it was before it had a module of its own.
pub use crate::finding::{Finding, Level, sort_findings};
pub use inputs::expand_inputs;
pub use schema_errors::validate;

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

    /// Valid, invalid, or not checked.
    pub fn status(&self) -> FileStatus {
        match &self.outcome {
            Outcome::NotChecked { .. } => FileStatus::NotChecked,
            Outcome::Checked { .. } if self.is_valid() => FileStatus::Valid,
            Outcome::Checked { .. } => FileStatus::Invalid,
        }
    }
}

/// What became of one input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileStatus {
    /// Checked; no finding is an error.
    Valid,
    /// Checked; some finding is an error.
    Invalid,
    /// Could not be checked (unreadable, too large, no usable schema).
    NotChecked,
}

impl FileStatus {
    /// `valid`, `invalid` or `error`, as the reports write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Valid => "valid",
            Self::Invalid => "invalid",
            Self::NotChecked => "error",
        }
    }
}

impl std::fmt::Display for FileStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
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
            max_size: DEFAULT_MAX_SIZE,
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

    /// Checks a document given as bytes, with the source text of
    /// [`CheckOptions::source_text`] when one is set (read within
    /// [`CheckOptions::max_size`], as for files).
    pub fn check_bytes(&self, name: &str, bytes: Vec<u8>) -> FileReport {
        let source = match &self.options.source_text {
            Some(path) => match document::read_limited(path, self.options.max_size) {
                Ok(source) => Some(source),
                Err(error) => return not_checked(name.to_string(), None, &error),
            },
            None => None,
        };
        self.check_with_source(name, bytes, source.as_deref())
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
            position: Some(*position),
            ..Finding::error(RuleId::JsonSyntax, String::new(), message.clone())
        },
        DocumentError::DuplicateKey {
            pointer,
            key,
            first,
            second,
        } => {
            let message = format!(
                "duplicate key {key:?}: first at line {}, column {}; a record must not be ambiguous",
                first.line, first.column
            );
            Finding {
                position: Some(*second),
                related: vec![*first],
                ..Finding::error(RuleId::JsonDuplicateKey, pointer.clone(), message)
            }
        }
        other => Finding::error(RuleId::JsonUnreadable, String::new(), other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checker(source_text: &Path, max_size: u64) -> Checker {
        Checker::new(CheckOptions {
            source_text: Some(source_text.to_path_buf()),
            max_size,
            ..CheckOptions::default()
        })
        .unwrap()
    }

    /// `check_bytes` read the source text with no size limit and, when it
    /// could not read it, checked the document without it: `source-span`
    /// silently off, the document reported valid.
    #[test]
    fn check_bytes_reports_a_source_text_it_cannot_read() {
        let statement = std::fs::read("statements/kz-rs-2026-02-27.json").unwrap();
        let text = Path::new("statements/kz-rs-2026-02-27.txt");
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.txt");
        let report = checker(&missing, DEFAULT_MAX_SIZE).check_bytes("s.json", statement.clone());
        assert_eq!(report.status(), FileStatus::NotChecked);
        match &report.outcome {
            Outcome::NotChecked { message, hint } => {
                assert!(message.contains("missing.txt"), "{message}");
                assert!(hint.is_some());
            }
            other => panic!("{other:?}"),
        }
        // Over the size limit, as for a file given on the command line.
        let report = checker(text, 100).check_bytes("s.json", statement.clone());
        assert_eq!(report.status(), FileStatus::NotChecked);
        // Readable: checked against it, and an altered text is caught.
        let report = checker(text, DEFAULT_MAX_SIZE).check_bytes("s.json", statement.clone());
        assert_eq!(
            report.status(),
            FileStatus::Valid,
            "{:?}",
            report.findings()
        );
        let altered = dir.path().join("altered.txt");
        let original = std::fs::read_to_string(text).unwrap();
        std::fs::write(&altered, original.replace("EXPO 2027", "EXPO 2028")).unwrap();
        let report = checker(&altered, DEFAULT_MAX_SIZE).check_bytes("s.json", statement);
        assert_eq!(report.status(), FileStatus::Invalid);
    }

    #[test]
    fn statuses_are_written_as_before() {
        let written = [
            FileStatus::Valid,
            FileStatus::Invalid,
            FileStatus::NotChecked,
        ]
        .map(FileStatus::as_str);
        assert_eq!(written, ["valid", "invalid", "error"]);
    }
}
