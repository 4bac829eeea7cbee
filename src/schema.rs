//! Schemas: the built-in ones compiled into the binary, user schemas of any
//! draft (4, 6, 7, 2019-09, 2020-12), and `$ref` resolution that never leaves
//! the machine.
//!
//! A `$ref` resolves against, in order: the built-in schemas (by `$id`), the
//! drafts' meta-schemas (shipped inside `jsonschema`), and files in the
//! referring schema's own folder (by `file:` URI, or an `http(s):` URI whose
//! last segment names a file there with that same `$id`). Anything else is an
//! error: docseal never fetches.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;

use crate::digest::Sha256Digest;
use crate::document::{self, DocumentError};

/// A schema shipped inside docseal.
#[derive(Debug)]
pub struct BuiltinSchema {
    /// Short name usable with `--schema`.
    pub name: &'static str,
    /// The schema's `$id`.
    pub id: &'static str,
    /// The exact bytes of the schema file.
    pub text: &'static str,
}

/// The `$id` of the joint statement schema.
pub const JOINT_STATEMENT_ID: &str = "urn:docseal:schema:joint-statement:1";

/// Every built-in schema.
pub const BUILTINS: &[BuiltinSchema] = &[BuiltinSchema {
    name: "joint-statement",
    id: JOINT_STATEMENT_ID,
    text: include_str!("../schemas/joint-statement.schema.json"),
}];

/// Looks a built-in schema up by short name or `$id`.
pub fn builtin(name_or_id: &str) -> Option<&'static BuiltinSchema> {
    BUILTINS
        .iter()
        .find(|s| s.name == name_or_id || s.id == name_or_id)
}

/// Why a schema could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SchemaError {
    /// The schema file could not be read or is not JSON.
    #[error("cannot load schema {path}: {source}")]
    Load {
        /// The schema file.
        path: PathBuf,
        /// Why.
        #[source]
        source: DocumentError,
    },
    /// `--schema` names neither a file nor a built-in schema.
    #[error("unknown schema {name:?}: not a file and not a built-in schema")]
    Unknown {
        /// What was asked for.
        name: String,
    },
    /// A `$ref` points somewhere docseal cannot (and will not) fetch.
    #[error("schema {schema}: cannot resolve $ref: {message}")]
    UnresolvableRef {
        /// The schema.
        schema: String,
        /// What the resolver said.
        message: String,
    },
    /// The schema itself is invalid for its draft.
    #[error("schema {schema} is not a valid JSON Schema: {message}")]
    Invalid {
        /// The schema.
        schema: String,
        /// What is wrong with it.
        message: String,
    },
}

/// Where a schema comes from.
#[derive(Debug, Clone)]
pub enum SchemaSource {
    /// A built-in schema.
    Builtin(&'static BuiltinSchema),
    /// A schema file.
    File(PathBuf),
}

impl SchemaSource {
    /// `--schema` value: a file when it exists, else a built-in by name or `$id`.
    pub fn from_arg(arg: &str) -> Result<Self, SchemaError> {
        let path = Path::new(arg);
        if path.exists() {
            return Ok(Self::File(path.to_path_buf()));
        }
        builtin(arg).map(Self::Builtin).ok_or(SchemaError::Unknown {
            name: arg.to_string(),
        })
    }
}

/// Validation settings that change how a schema is compiled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SchemaOptions {
    /// Whether `format` is an assertion (date, email, uri, …). On by default.
    pub format_assertions: bool,
}

impl Default for SchemaOptions {
    fn default() -> Self {
        Self {
            format_assertions: true,
        }
    }
}

/// A schema ready to validate documents.
pub struct CompiledSchema {
    /// The `$id` of the schema, or its file path when it has none.
    pub name: String,
    /// SHA-256 of the schema's exact bytes.
    pub digest: Sha256Digest,
    /// The schema's exact bytes (for embedding in bundles).
    pub bytes: Arc<[u8]>,
    validator: jsonschema::Validator,
}

impl std::fmt::Debug for CompiledSchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompiledSchema")
            .field("name", &self.name)
            .field("digest", &self.digest)
            .finish_non_exhaustive()
    }
}

impl CompiledSchema {
    /// The compiled `jsonschema` validator.
    pub fn validator(&self) -> &jsonschema::Validator {
        &self.validator
    }

    /// Compiles a schema from wherever it comes from.
    pub fn load(source: &SchemaSource, options: SchemaOptions) -> Result<Self, SchemaError> {
        match source {
            SchemaSource::Builtin(builtin) => Self::builtin(builtin, options),
            SchemaSource::File(path) => {
                let load = |source| SchemaError::Load {
                    path: path.clone(),
                    source,
                };
                let bytes =
                    document::read_limited(path, document::DEFAULT_MAX_SIZE).map_err(load)?;
                let value = document::parse_strict(&bytes).map_err(load)?;
                let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
                let name = value
                    .get("$id")
                    .and_then(Value::as_str)
                    .map_or_else(|| path.display().to_string(), str::to_owned);
                let base = file_uri(path);
                Self::compile(name, bytes.into(), &value, Some(dir), base, options)
            }
        }
    }

    /// Compiles a built-in schema.
    pub fn builtin(builtin: &BuiltinSchema, options: SchemaOptions) -> Result<Self, SchemaError> {
        let value: Value =
            serde_json::from_str(builtin.text).map_err(|e| SchemaError::Invalid {
                schema: builtin.id.to_string(),
                message: e.to_string(),
            })?;
        Self::compile(
            builtin.id.to_string(),
            builtin.text.as_bytes().into(),
            &value,
            None,
            None,
            options,
        )
    }

    /// Compiles a schema given as bytes (e.g. embedded in a bundle), with no
    /// folder to resolve relative references against.
    pub fn from_bytes(
        name: &str,
        bytes: &[u8],
        options: SchemaOptions,
    ) -> Result<Self, SchemaError> {
        let value = document::parse_strict(bytes).map_err(|source| SchemaError::Load {
            path: PathBuf::from(name),
            source,
        })?;
        Self::compile(name.to_string(), bytes.into(), &value, None, None, options)
    }

    fn compile(
        name: String,
        bytes: Arc<[u8]>,
        value: &Value,
        dir: Option<PathBuf>,
        base_uri: Option<String>,
        options: SchemaOptions,
    ) -> Result<Self, SchemaError> {
        let mut opts = jsonschema::options()
            .should_validate_formats(options.format_assertions)
            .with_retriever(OfflineRetriever { dir });
        // Without `$schema`, assume the newest draft, as docseal's own schemas are.
        if value.get("$schema").is_none() {
            opts = opts.with_draft(jsonschema::Draft::Draft202012);
        }
        if let Some(base) = base_uri.filter(|_| value.get("$id").is_none()) {
            opts = opts.with_base_uri(base);
        }
        let validator = opts.build(value).map_err(|e| {
            let message = e.to_string();
            if matches!(
                e.kind(),
                jsonschema::error::ValidationErrorKind::Referencing(_)
            ) {
                SchemaError::UnresolvableRef {
                    schema: name.clone(),
                    message,
                }
            } else {
                SchemaError::Invalid {
                    schema: name.clone(),
                    message: format!("{message} (at {})", e.instance_path()),
                }
            }
        })?;
        Ok(Self {
            name,
            digest: Sha256Digest::of_bytes(&bytes),
            bytes,
            validator,
        })
    }
}

/// A built-in schema, compiled once per process and options.
pub fn compiled_builtin(
    builtin: &'static BuiltinSchema,
    options: SchemaOptions,
) -> Result<&'static CompiledSchema, SchemaError> {
    type Cache = Mutex<HashMap<(&'static str, SchemaOptions), &'static CompiledSchema>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Cache::default);
    // A poisoned lock only means another thread panicked while compiling;
    // the map itself is still consistent.
    let mut map = cache
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(compiled) = map.get(&(builtin.id, options)) {
        return Ok(compiled);
    }
    // Compiled once per (schema, options) and kept for the life of the process.
    let compiled: &'static CompiledSchema =
        Box::leak(Box::new(CompiledSchema::builtin(builtin, options)?));
    map.insert((builtin.id, options), compiled);
    Ok(compiled)
}

/// The built-in joint statement schema, compiled once per process.
pub fn joint_statement(options: SchemaOptions) -> Result<&'static CompiledSchema, SchemaError> {
    compiled_builtin(&BUILTINS[0], options)
}

fn file_uri(path: &Path) -> Option<String> {
    let absolute = std::path::absolute(path).ok()?;
    let mut uri = String::from("file://");
    for byte in absolute.to_str()?.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                uri.push(byte as char);
            }
            _ => uri.push_str(&format!("%{byte:02X}")),
        }
    }
    Some(uri)
}

/// Resolves references offline (see the module docs).
struct OfflineRetriever {
    dir: Option<PathBuf>,
}

type RetrieveError = Box<dyn std::error::Error + Send + Sync>;

impl jsonschema::Retrieve for OfflineRetriever {
    fn retrieve(&self, uri: &jsonschema::Uri<String>) -> Result<Value, RetrieveError> {
        let text = uri.as_str();
        let without_fragment = text.split('#').next().unwrap_or(text);
        if let Some(builtin) = builtin(without_fragment) {
            return Ok(serde_json::from_str(builtin.text)?);
        }
        let Some(dir) = &self.dir else {
            return Err(not_offline(text));
        };
        let scheme = uri.scheme().as_str();
        if scheme == "file" {
            let path = PathBuf::from(percent_decode(uri.path().as_str())?);
            let inside = std::path::absolute(dir)
                .ok()
                .zip(std::path::absolute(&path).ok())
                .is_some_and(|(d, p)| p.starts_with(d));
            if !inside {
                return Err(
                    format!("{text} is outside the schema's folder {}", dir.display()).into(),
                );
            }
            return read_schema(&path);
        }
        if scheme == "http" || scheme == "https" {
            let last = uri.path().as_str().rsplit('/').next().unwrap_or_default();
            let candidate = dir.join(percent_decode(last)?);
            if !last.is_empty() && candidate.is_file() {
                let value = read_schema(&candidate)?;
                if value.get("$id").and_then(Value::as_str) == Some(without_fragment) {
                    return Ok(value);
                }
            }
        }
        Err(not_offline(text))
    }
}

fn not_offline(uri: &str) -> RetrieveError {
    format!("{uri} is not a built-in schema nor a file in the schema's folder, and docseal never fetches over the network").into()
}

fn read_schema(path: &Path) -> Result<Value, RetrieveError> {
    let bytes = document::read_limited(path, document::DEFAULT_MAX_SIZE)?;
    Ok(document::parse_strict(&bytes)?)
}

fn percent_decode(text: &str) -> Result<String, RetrieveError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3).ok_or("bad percent-encoding")?;
            out.push(u8::from_str_radix(hex, 16)?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Ok(String::from_utf8(out)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_schema_compiles_and_has_its_id() {
        let schema = joint_statement(SchemaOptions::default()).unwrap();
        assert_eq!(schema.name, JOINT_STATEMENT_ID);
        let value: Value = serde_json::from_str(BUILTINS[0].text).unwrap();
        assert_eq!(value["$id"], JOINT_STATEMENT_ID);
    }

    #[test]
    fn remote_refs_are_never_fetched() {
        let err = CompiledSchema::from_bytes(
            "t",
            br#"{"$ref": "https://example.com/never.json"}"#,
            SchemaOptions::default(),
        )
        .unwrap_err();
        assert!(matches!(err, SchemaError::UnresolvableRef { .. }), "{err}");
    }

    #[test]
    fn file_uri_is_percent_encoded() {
        let uri = file_uri(Path::new("/a b/c.json")).unwrap();
        assert_eq!(uri, "file:///a%20b/c.json");
        assert_eq!(percent_decode("/a%20b/c.json").unwrap(), "/a b/c.json");
    }
}
