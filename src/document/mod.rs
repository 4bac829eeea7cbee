//! Reading JSON documents strictly: size limits, syntax errors with positions,
//! duplicate keys rejected, and JSON Pointers mapped back to `line:column`.
//!
//! - `read`: bounded reads of files and readers ([`read_limited`]);
//! - `parse`: the strict parser ([`parse_strict`]): no byte order mark,
//!   UTF-8 only, no object naming a key twice;
//! - `locate`: byte offset → line and column, and JSON Pointer → byte
//!   offset, for many places in one pass ([`Document::resolve`]);
//! - `scan`: the cursor `parse` and `locate` walk well-formed JSON with.
//!
//! `serde_json` silently keeps the last of two equal keys; a signed record must
//! not be ambiguous, so the parser refuses any object that names a key twice.

mod locate;
mod parse;
mod read;
mod scan;

use std::path::PathBuf;

use serde_json::Value;

pub use crate::finding::Position;
pub(crate) use locate::place;
pub use locate::{
    Anchor, AnchorAt, Located, Step, line_around, locate, pointer_of, position_at, positions_at,
    push_pointer_token, string_char_offsets,
};
pub use parse::parse_strict;
pub use read::{read_limited, read_reader_limited};

/// Default largest document `validate` loads: 64 MiB.
pub const DEFAULT_MAX_SIZE: u64 = 64 * 1024 * 1024;

/// Why a document could not be read or parsed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DocumentError {
    /// The file could not be opened or read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The file is larger than the configured limit.
    #[error("{path} is {size} bytes, over the limit of {limit} bytes")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size in bytes (at least this much).
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// The bytes are not well-formed JSON.
    #[error("invalid JSON at line {}, column {}: {message}", position.line, position.column)]
    Syntax {
        /// Where the parser stopped.
        position: Position,
        /// What the parser expected.
        message: String,
    },
    /// An object names the same key twice.
    #[error("duplicate key {key:?} in the object at {pointer:?}: first at line {}, column {}, again at line {}, column {}", first.line, first.column, second.line, second.column)]
    DuplicateKey {
        /// JSON Pointer of the object holding the key.
        pointer: String,
        /// The key (unescaped).
        key: String,
        /// Where the key first appears.
        first: Position,
        /// Where it appears again.
        second: Position,
    },
}

/// A parsed JSON document together with its exact bytes, so that errors can be
/// located and the bytes hashed without reading the file again.
#[derive(Debug, Clone)]
pub struct Document {
    /// The exact bytes read.
    pub bytes: Vec<u8>,
    /// The parsed value.
    pub value: Value,
}

impl Document {
    /// Parses `bytes` strictly (see the module docs).
    pub fn parse(bytes: Vec<u8>) -> Result<Self, DocumentError> {
        let value = parse_strict(&bytes)?;
        Ok(Self { bytes, value })
    }

    /// Where the value at `pointer` (RFC 6901) starts, and where its key is
    /// when it is an object member.
    pub fn locate(&self, pointer: &str) -> Option<Located> {
        locate(&self.bytes, pointer)
    }

    /// Line/column of a byte offset.
    pub fn position(&self, offset: usize) -> Position {
        position_at(&self.bytes, offset)
    }
}
