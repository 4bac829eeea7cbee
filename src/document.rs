//! Reading JSON documents strictly: size limits, syntax errors with positions,
//! duplicate keys rejected, and JSON Pointers mapped back to `line:column`.
//!
//! `serde_json` silently keeps the last of two equal keys; a signed record must
//! not be ambiguous, so after parsing we walk the (now known to be well-formed)
//! bytes once more and refuse any object that names a key twice.

use std::collections::HashSet;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// Default largest document `validate` loads: 64 MiB.
pub const DEFAULT_MAX_SIZE: u64 = 64 * 1024 * 1024;

/// A position in a text: byte offset, 1-based line, and 1-based column counted
/// in Unicode scalar values (characters) from the start of the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// Byte offset from the start of the document.
    pub offset: usize,
    /// Line number, starting at 1.
    pub line: usize,
    /// Column number in characters, starting at 1.
    pub column: usize,
}

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

/// Reads a file of at most `max_size` bytes without loading more than that.
pub fn read_limited(path: &Path, max_size: u64) -> Result<Vec<u8>, DocumentError> {
    let io = |source| DocumentError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = File::open(path).map_err(io)?;
    let declared = file.metadata().map_err(io)?.len();
    if declared > max_size {
        return Err(DocumentError::TooLarge {
            path: path.to_path_buf(),
            size: declared,
            limit: max_size,
        });
    }
    // Sized from the metadata: one allocation and one read for a regular file.
    let capacity = usize::try_from(declared).map_or(0, |n| n.saturating_add(1));
    read_to_limit(file, max_size, capacity).map_err(|e| match e {
        LimitError::Io(source) => io(source),
        LimitError::TooLarge(size) => DocumentError::TooLarge {
            path: path.to_path_buf(),
            size,
            limit: max_size,
        },
    })
}

/// Reads any reader (such as stdin) up to `max_size` bytes.
pub fn read_reader_limited(
    reader: impl Read,
    name: &Path,
    max_size: u64,
) -> Result<Vec<u8>, DocumentError> {
    read_to_limit(reader, max_size, 0).map_err(|e| match e {
        LimitError::Io(source) => DocumentError::Io {
            path: name.to_path_buf(),
            source,
        },
        LimitError::TooLarge(size) => DocumentError::TooLarge {
            path: name.to_path_buf(),
            size,
            limit: max_size,
        },
    })
}

enum LimitError {
    Io(std::io::Error),
    TooLarge(u64),
}

fn read_to_limit(
    mut reader: impl Read,
    max_size: u64,
    capacity: usize,
) -> Result<Vec<u8>, LimitError> {
    // One byte more than the limit tells "exactly at the limit" from "over it"
    // (files whose size the metadata does not tell, such as pipes).
    let limit = usize::try_from(max_size.saturating_add(1)).unwrap_or(usize::MAX);
    // Reads go straight into a buffer of the expected size: a file the size
    // the metadata says is read in one call, plus one that finds its end
    // (`read_to_end` reads in 8 KiB steps when it has no size hint).
    let mut bytes = vec![0; capacity.max(8 * 1024).min(limit)];
    let mut len = 0;
    loop {
        if len == bytes.len() {
            if len == limit {
                break;
            }
            bytes.resize(len.saturating_mul(2).min(limit), 0);
        }
        match reader.read(&mut bytes[len..]) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(LimitError::Io(e)),
        }
    }
    bytes.truncate(len);
    if len as u64 > max_size {
        return Err(LimitError::TooLarge(len as u64));
    }
    Ok(bytes)
}

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
        Ok(value) => Ok(value),
        Err(e) if e.to_string().starts_with(DUPLICATE_MARKER) => {
            // Rare path: walk the bytes again to say where both keys are.
            let mut scanner = Scanner { bytes, pos: 0 };
            scanner.check_duplicates(&mut String::new())?;
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
                "arrays and objects are nested more than 128 levels deep here; \
                 no statement needs that, and docseal refuses it"
                    .to_string()
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

/// Line and character column of `offset` (clamped to the text).
pub fn position_at(bytes: &[u8], offset: usize) -> Position {
    positions_at(bytes, &[offset])[0]
}

/// The line holding byte `offset`: the offset where it starts and its text,
/// without `\n` or `\r\n`.
pub fn line_around(bytes: &[u8], offset: usize) -> Option<(usize, &str)> {
    let offset = offset.min(bytes.len());
    let start = memchr::memrchr(b'\n', &bytes[..offset]).map_or(0, |i| i + 1);
    let end = memchr::memchr(b'\n', &bytes[offset..]).map_or(bytes.len(), |i| offset + i);
    let text = std::str::from_utf8(&bytes[start..end]).ok()?;
    Some((start, text.strip_suffix('\r').unwrap_or(text)))
}

/// Where a value is in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Located {
    /// Offset of the member's key (its opening quote), for object members.
    pub key: Option<usize>,
    /// Offset of the value's first byte.
    pub value: usize,
}

/// Finds the value at `pointer` in well-formed JSON `bytes`.
pub fn locate(bytes: &[u8], pointer: &str) -> Option<Located> {
    let mut scanner = Scanner { bytes, pos: 0 };
    scanner.skip_ws();
    let mut here = Located {
        key: None,
        value: scanner.pos,
    };
    if pointer.is_empty() {
        return Some(here);
    }
    for token in pointer.strip_prefix('/')?.split('/') {
        let token = token.replace("~1", "/").replace("~0", "~");
        here = scanner.enter(&token)?;
    }
    Some(here)
}

/// A place in a document that a finding points at, resolved to a
/// [`Position`] by [`Document::resolve`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor<'a> {
    /// JSON Pointer (RFC 6901) of the value.
    pub pointer: &'a str,
    /// Which byte of the value.
    pub at: AnchorAt,
}

/// Which byte of a located value an [`Anchor`] means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnchorAt {
    /// The value's first byte (an object's brace, a string's quote).
    Value,
    /// The member's key (its opening quote); the value when there is no key.
    Key,
    /// The character at this index (counted in characters of the decoded
    /// string) inside a string value.
    Char(usize),
}

impl<'a> Anchor<'a> {
    /// The value at `pointer`.
    pub fn value(pointer: &'a str) -> Self {
        Self {
            pointer,
            at: AnchorAt::Value,
        }
    }
}

/// Fewer pointers than this are looked up one by one; more, in one pass.
const LOCATE_ONE_BY_ONE: usize = 8;

impl Document {
    /// Positions of many anchors, in time linear in the size of the document
    /// plus the number of anchors (a document with a hundred thousand errors
    /// must not take a hundred thousand passes over its bytes).
    pub fn resolve(&self, anchors: &[Anchor<'_>]) -> Vec<Option<Position>> {
        let bytes = &self.bytes[..];
        let mut pointers: Vec<&str> = anchors.iter().map(|a| a.pointer).collect();
        pointers.sort_unstable();
        pointers.dedup();
        let located = locate_all(bytes, &pointers);
        let find = |pointer: &str| {
            pointers
                .binary_search(&pointer)
                .ok()
                .and_then(|i| located[i])
        };
        // Byte offsets: characters inside strings are counted once per
        // string, for all the anchors in it, in order.
        let mut offsets: Vec<Option<usize>> = vec![None; anchors.len()];
        let mut in_strings: Vec<(usize, usize, usize)> = Vec::new(); // (quote, char, anchor)
        for (i, anchor) in anchors.iter().enumerate() {
            let Some(at) = find(anchor.pointer) else {
                continue;
            };
            match anchor.at {
                AnchorAt::Value => offsets[i] = Some(at.value),
                AnchorAt::Key => offsets[i] = Some(at.key.unwrap_or(at.value)),
                AnchorAt::Char(c) => in_strings.push((at.value, c, i)),
            }
        }
        in_strings.sort_unstable();
        for run in in_strings.chunk_by(|a, b| a.0 == b.0) {
            let chars: Vec<usize> = run.iter().map(|&(_, c, _)| c).collect();
            for (&(_, _, i), offset) in run.iter().zip(string_char_offsets(bytes, run[0].0, &chars))
            {
                offsets[i] = Some(offset);
            }
        }
        let wanted: Vec<usize> = offsets.iter().flatten().copied().collect();
        let mut positions = positions_at(bytes, &wanted).into_iter();
        offsets
            .iter()
            .map(|o| o.and_then(|_| positions.next()))
            .collect()
    }
}

/// Line and column of many offsets in one sweep over the text (the offsets
/// in any order; the positions come back in the same order).
pub fn positions_at(bytes: &[u8], offsets: &[usize]) -> Vec<Position> {
    let mut order: Vec<usize> = (0..offsets.len()).collect();
    order.sort_unstable_by_key(|&i| offsets[i]);
    let mut out = vec![
        Position {
            offset: 0,
            line: 1,
            column: 1
        };
        offsets.len()
    ];
    // The cursor: a byte offset, its line, and the characters from the
    // start of that line to it.
    let (mut at, mut line, mut column_chars) = (0usize, 1usize, 0usize);
    for i in order {
        let offset = offsets[i].min(bytes.len());
        let span = &bytes[at..offset];
        match memchr::memrchr(b'\n', span) {
            Some(last) => {
                line += memchr::memchr_iter(b'\n', span).count();
                column_chars = count_chars(&span[last + 1..]);
            }
            None => column_chars += count_chars(span),
        }
        at = offset;
        out[i] = Position {
            offset,
            line,
            column: column_chars + 1,
        };
    }
    out
}

/// Characters in UTF-8 bytes: every byte that is not a continuation byte.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

/// Byte offsets of characters `chars` (ascending indices, in characters of
/// the decoded string) of the JSON string whose opening quote is at `quote`,
/// in one pass over the string. An escape (`\n`, `\u00e9`, a surrogate pair)
/// is one character; an index past the end gives the closing quote.
pub fn string_char_offsets(bytes: &[u8], quote: usize, chars: &[usize]) -> Vec<usize> {
    let mut out = Vec::with_capacity(chars.len());
    let mut pos = quote + 1;
    let mut seen = 0;
    for &wanted in chars {
        while seen < wanted && pos < bytes.len() && bytes[pos] != b'"' {
            pos = next_string_char(bytes, pos);
            seen += 1;
        }
        out.push(pos.min(bytes.len()));
    }
    out
}

/// The offset of the character after the one at `pos` in a JSON string.
fn next_string_char(bytes: &[u8], pos: usize) -> usize {
    if bytes[pos] != b'\\' {
        let mut next = pos + 1;
        while next < bytes.len() && (bytes[next] & 0xC0) == 0x80 {
            next += 1;
        }
        return next;
    }
    if bytes.get(pos + 1) != Some(&b'u') {
        return pos + 2;
    }
    // \uXXXX, possibly the first half of a surrogate pair (one character).
    let high = std::str::from_utf8(&bytes[(pos + 2).min(bytes.len())..(pos + 6).min(bytes.len())])
        .ok()
        .and_then(|h| u16::from_str_radix(h, 16).ok());
    let next = pos + 6;
    if high.is_some_and(|h| (0xD800..0xDC00).contains(&h)) && bytes.get(next) == Some(&b'\\') {
        next + 6
    } else {
        next
    }
}

/// Finds the values at many pointers: one by one when they are few, else in
/// one walk over the document that descends only into containers on the
/// way to a wanted value. `pointers` must be sorted; the results follow
/// their order.
fn locate_all(bytes: &[u8], pointers: &[&str]) -> Vec<Option<Located>> {
    if pointers.len() < LOCATE_ONE_BY_ONE {
        return pointers.iter().map(|p| locate(bytes, p)).collect();
    }
    let mut ways: HashSet<&str> = HashSet::new();
    for pointer in pointers {
        let mut prefix = *pointer;
        while let Some(cut) = prefix.rfind('/') {
            prefix = &prefix[..cut];
            if !ways.insert(prefix) {
                break; // its own prefixes are in already
            }
        }
    }
    let mut walk = Walk {
        scanner: Scanner { bytes, pos: 0 },
        pointers,
        ways: &ways,
        found: vec![None; pointers.len()],
        path: String::new(),
    };
    walk.value(None);
    walk.found
}

/// The state of [`locate_all`]'s walk.
struct Walk<'a, 'p> {
    scanner: Scanner<'a>,
    pointers: &'p [&'p str],
    ways: &'p HashSet<&'p str>,
    found: Vec<Option<Located>>,
    path: String,
}

impl Walk<'_, '_> {
    /// At the value whose pointer is `self.path` (its key at `key`).
    fn value(&mut self, key: Option<usize>) {
        self.scanner.skip_ws();
        let value = self.scanner.pos;
        if let Ok(i) = self.pointers.binary_search(&self.path.as_str()) {
            self.found[i] = Some(Located { key, value });
        }
        if !self.ways.contains(self.path.as_str()) {
            self.scanner.skip_value();
            return;
        }
        match self.scanner.peek() {
            Some(b'{') => {
                self.scanner.pos += 1;
                loop {
                    self.scanner.skip_ws();
                    match self.scanner.peek() {
                        Some(b'"') => {}
                        Some(b',') => {
                            self.scanner.pos += 1;
                            continue;
                        }
                        _ => {
                            self.scanner.pos += 1; // '}'
                            return;
                        }
                    }
                    let key_at = self.scanner.pos;
                    let name = unescape_key(self.scanner.skip_string()).unwrap_or_default();
                    self.scanner.skip_ws();
                    self.scanner.pos += 1; // ':'
                    let len = self.path.len();
                    self.path.push('/');
                    if name.contains(['~', '/']) {
                        self.path
                            .push_str(&name.replace('~', "~0").replace('/', "~1"));
                    } else {
                        self.path.push_str(&name);
                    }
                    self.value(Some(key_at));
                    self.path.truncate(len);
                }
            }
            Some(b'[') => {
                self.scanner.pos += 1;
                let mut index = 0usize;
                loop {
                    self.scanner.skip_ws();
                    match self.scanner.peek() {
                        Some(b',') => {
                            self.scanner.pos += 1;
                            continue;
                        }
                        Some(b']') | None => {
                            self.scanner.pos += 1;
                            return;
                        }
                        _ => {}
                    }
                    let len = self.path.len();
                    self.path.push('/');
                    self.path.push_str(&index.to_string());
                    self.value(None);
                    self.path.truncate(len);
                    index += 1;
                }
            }
            _ => self.scanner.skip_value(),
        }
    }
}

/// A cursor over JSON that `serde_json` has already accepted, so that it only
/// has to find boundaries, never to diagnose syntax.
struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// Skips a string starting at its opening quote; returns its raw bytes
    /// including the quotes.
    fn skip_string(&mut self) -> &[u8] {
        let start = self.pos;
        self.pos += 1;
        // Statement texts are long: jump from one quote or backslash to the next.
        while let Some(i) = self
            .bytes
            .get(self.pos..)
            .and_then(|rest| memchr::memchr2(b'"', b'\\', rest))
        {
            self.pos += i + 1;
            if self.bytes[self.pos - 1] == b'"' {
                return &self.bytes[start..self.pos];
            }
            self.pos += 1; // the escaped character
        }
        self.pos = self.bytes.len();
        &self.bytes[start..]
    }

    fn skip_value(&mut self) {
        self.skip_ws();
        match self.peek() {
            Some(b'"') => {
                self.skip_string();
            }
            Some(open @ (b'{' | b'[')) => {
                let close = if open == b'{' { b'}' } else { b']' };
                self.pos += 1;
                loop {
                    self.skip_ws();
                    match self.peek() {
                        Some(b) if b == close => {
                            self.pos += 1;
                            return;
                        }
                        Some(b',' | b':') => self.pos += 1,
                        Some(_) => self.skip_value(),
                        None => return,
                    }
                }
            }
            Some(_) => {
                while let Some(b) = self.peek() {
                    if matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                        break;
                    }
                    self.pos += 1;
                }
            }
            None => {}
        }
    }

    /// From the start of a container, moves to the member `token` and returns
    /// where it is.
    fn enter(&mut self, token: &str) -> Option<Located> {
        self.skip_ws();
        match self.peek()? {
            b'{' => {
                self.pos += 1;
                loop {
                    self.skip_ws();
                    if self.peek()? != b'"' {
                        return None;
                    }
                    let key_at = self.pos;
                    let raw = self.skip_string();
                    let key = unescape_key(raw);
                    self.skip_ws();
                    self.pos += 1; // ':'
                    self.skip_ws();
                    if key.as_deref() == Some(token) {
                        return Some(Located {
                            key: Some(key_at),
                            value: self.pos,
                        });
                    }
                    self.skip_value();
                    self.skip_ws();
                    if self.peek()? == b',' {
                        self.pos += 1;
                    } else {
                        return None;
                    }
                }
            }
            b'[' => {
                let index: usize = token.parse().ok()?;
                self.pos += 1;
                for _ in 0..index {
                    self.skip_ws();
                    if self.peek()? == b']' {
                        return None;
                    }
                    self.skip_value();
                    self.skip_ws();
                    if self.peek()? != b',' {
                        return None;
                    }
                    self.pos += 1;
                }
                self.skip_ws();
                if self.peek()? == b']' {
                    return None;
                }
                Some(Located {
                    key: None,
                    value: self.pos,
                })
            }
            _ => None,
        }
    }

    /// Walks one value, refusing objects that name a key twice.
    fn check_duplicates(&mut self, pointer: &mut String) -> Result<(), DocumentError> {
        self.skip_ws();
        match self.peek() {
            Some(b'{') => {
                self.pos += 1;
                let mut seen: HashSet<String> = HashSet::new();
                let mut first_at: Vec<(String, usize)> = Vec::new();
                loop {
                    self.skip_ws();
                    match self.peek() {
                        Some(b'}') | None => {
                            self.pos += 1;
                            return Ok(());
                        }
                        Some(b',') => {
                            self.pos += 1;
                            continue;
                        }
                        _ => {}
                    }
                    let key_at = self.pos;
                    let key = unescape_key(self.skip_string()).unwrap_or_default();
                    if !seen.insert(key.clone()) {
                        let first = first_at
                            .iter()
                            .find(|(k, _)| *k == key)
                            .map_or(key_at, |(_, at)| *at);
                        return Err(DocumentError::DuplicateKey {
                            pointer: pointer.clone(),
                            key,
                            first: position_at(self.bytes, first),
                            second: position_at(self.bytes, key_at),
                        });
                    }
                    first_at.push((key.clone(), key_at));
                    self.skip_ws();
                    self.pos += 1; // ':'
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                    self.check_duplicates(pointer)?;
                    pointer.truncate(len);
                }
            }
            Some(b'[') => {
                self.pos += 1;
                let mut index = 0usize;
                loop {
                    self.skip_ws();
                    match self.peek() {
                        Some(b']') | None => {
                            self.pos += 1;
                            return Ok(());
                        }
                        Some(b',') => {
                            self.pos += 1;
                            continue;
                        }
                        _ => {}
                    }
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&index.to_string());
                    self.check_duplicates(pointer)?;
                    pointer.truncate(len);
                    index += 1;
                }
            }
            _ => {
                self.skip_value();
                Ok(())
            }
        }
    }
}

/// The key a raw JSON string (with quotes) stands for.
fn unescape_key(raw: &[u8]) -> Option<String> {
    if raw.contains(&b'\\') {
        serde_json::from_slice(raw).ok()
    } else {
        let inner = raw.get(1..raw.len().checked_sub(1)?)?;
        std::str::from_utf8(inner).ok().map(str::to_owned)
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
    fn locate_finds_keys_and_array_items() {
        let text = b"{\"a\": [10, {\"b~/c\": \"v\"}], \"d\": null}";
        let at = locate(text, "/a/1/b~0~1c").unwrap();
        assert_eq!(&text[at.key.unwrap()..at.key.unwrap() + 6], b"\"b~/c\"");
        assert_eq!(text[at.value], b'"');
        assert_eq!(locate(text, "/a/0").unwrap().value, 7);
        assert_eq!(locate(text, "/d").unwrap().value, 32);
        assert!(locate(text, "/a/2").is_none());
        assert!(locate(text, "/zz").is_none());
    }

    #[test]
    fn columns_count_characters() {
        let text = "{\"č\": 1}".as_bytes();
        let at = locate(text, "/č").unwrap();
        assert_eq!(position_at(text, at.value).column, 7);
    }

    /// Every JSON Pointer of a value, in document order.
    fn all_pointers(value: &Value, pointer: String, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, item) in map {
                    let key = key.replace('~', "~0").replace('/', "~1");
                    all_pointers(item, format!("{pointer}/{key}"), out);
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    all_pointers(item, format!("{pointer}/{i}"), out);
                }
            }
            _ => {}
        }
        out.push(pointer);
    }

    /// One pass for many anchors finds exactly what one lookup per anchor
    /// finds: for every value and key of the reference statement and of a
    /// document with escapes, odd keys, nesting and no line breaks.
    #[test]
    fn resolving_many_anchors_at_once_matches_one_at_a_time() {
        let odd = r#"{"a/b": {"~x": [1, "t\u00e9\"st", {"k": null}]}, "": [[], {}, [[2]]], "é": "\ud83d\ude00z", "n": -1.5e3}"#;
        let minified = serde_json::to_string(
            &serde_json::from_str::<Value>(
                &std::fs::read_to_string("statements/kz-rs-2026-02-27.json").unwrap(),
            )
            .unwrap(),
        )
        .unwrap();
        for text in [
            std::fs::read_to_string("statements/kz-rs-2026-02-27.json").unwrap(),
            minified,
            odd.to_string(),
        ] {
            let document = Document::parse(text.into_bytes()).unwrap();
            let mut pointers = Vec::new();
            all_pointers(&document.value, String::new(), &mut pointers);
            pointers.push("/no/such/value".into());
            let mut anchors = Vec::new();
            for p in &pointers {
                anchors.push(Anchor::value(p));
                anchors.push(Anchor {
                    pointer: p,
                    at: AnchorAt::Key,
                });
                if document.value.pointer(p).is_some_and(Value::is_string) {
                    for c in [0, 1, 3, 1000] {
                        anchors.push(Anchor {
                            pointer: p,
                            at: AnchorAt::Char(c),
                        });
                    }
                }
            }
            assert!(anchors.len() > LOCATE_ONE_BY_ONE);
            let at_once = document.resolve(&anchors);
            for (anchor, got) in anchors.iter().zip(&at_once) {
                let one = document.locate(anchor.pointer).map(|at| {
                    let offset = match anchor.at {
                        AnchorAt::Value => at.value,
                        AnchorAt::Key => at.key.unwrap_or(at.value),
                        AnchorAt::Char(c) => {
                            string_char_offsets(&document.bytes, at.value, &[c])[0]
                        }
                    };
                    document.position(offset)
                });
                assert_eq!(*got, one, "{anchor:?}");
            }
            // Few anchors take the one-by-one path, with the same answers.
            assert_eq!(document.resolve(&anchors[..3]), at_once[..3]);
        }
    }

    proptest::proptest! {
        /// Positions of many offsets in one sweep, in any order, equal the
        /// positions counted from the start for each offset.
        #[test]
        fn positions_in_one_sweep_match_one_by_one(
            text in "([a-z]|é|😀|\n|\r\n|\t){0,200}",
            offsets in proptest::collection::vec(0usize..260, 0..40),
        ) {
            let bytes = text.as_bytes();
            let swept = positions_at(bytes, &offsets);
            for (&offset, position) in offsets.iter().zip(swept) {
                let offset = offset.min(bytes.len());
                let before = &bytes[..offset];
                let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
                let expected = Position {
                    offset,
                    line: before.iter().filter(|&&b| b == b'\n').count() + 1,
                    column: before[line_start..].iter().filter(|&&b| (b & 0xC0) != 0x80).count() + 1,
                };
                proptest::prop_assert_eq!(position, expected);
            }
        }
    }

    /// Gives its data a few bytes at a time, interrupted now and then, and
    /// counts what was taken from it.
    struct Trickle {
        data: Vec<u8>,
        at: usize,
        calls: usize,
    }

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.calls += 1;
            if self.calls.is_multiple_of(5) {
                return Err(std::io::ErrorKind::Interrupted.into());
            }
            let n = buf.len().min(7).min(self.data.len() - self.at);
            buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    proptest::proptest! {
        /// Whatever the sizes: exactly the data when it fits, "too large"
        /// when it does not, and never more than one byte past the limit read.
        #[test]
        fn reads_are_exact_and_bounded(len in 0usize..40_000, max in 0u64..40_000, hint in 0usize..50_000) {
            let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let mut reader = Trickle { data: data.clone(), at: 0, calls: 0 };
            let result = read_to_limit(&mut reader, max, hint);
            proptest::prop_assert!(reader.at as u64 <= max + 1);
            match result {
                Ok(bytes) => proptest::prop_assert!(len as u64 <= max && bytes == data),
                Err(LimitError::TooLarge(_)) => proptest::prop_assert!(len as u64 > max),
                Err(LimitError::Io(e)) => proptest::prop_assert!(false, "{e}"),
            }
        }
    }

    #[test]
    fn deep_nesting_is_refused_in_plain_words() {
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        match parse_strict(deep.as_bytes()) {
            Err(DocumentError::Syntax { position, message }) => {
                assert_eq!((position.line, position.column), (1, 128));
                assert!(message.contains("more than 128 levels deep"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        let fine = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert!(parse_strict(fine.as_bytes()).is_ok());
    }

    #[test]
    fn size_limit_is_enforced_on_readers() {
        let data = [b' '; 11];
        assert!(matches!(
            read_reader_limited(&data[..], Path::new("-"), 10),
            Err(DocumentError::TooLarge { .. })
        ));
        assert_eq!(
            read_reader_limited(&data[..10], Path::new("-"), 10)
                .unwrap()
                .len(),
            10
        );
    }
}
