//! Where things are in a document: byte offset → line and column, JSON
//! Pointer → byte offset, and both for many places in one pass over the
//! bytes (a document with a hundred thousand errors must not take a hundred
//! thousand passes).

use std::collections::HashSet;
use std::ops::ControlFlow;

use super::scan::Scanner;
use super::{Document, Position};
use crate::finding::Finding;

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
    let mut scanner = Scanner::new(bytes);
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
        here = enter(&mut scanner, &token)?;
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
        pointers,
        ways: &ways,
        found: vec![None; pointers.len()],
        path: String::new(),
    };
    walk.value(&mut Scanner::new(bytes), None);
    walk.found
}

/// The state of [`locate_all`]'s walk.
struct Walk<'p> {
    pointers: &'p [&'p str],
    ways: &'p HashSet<&'p str>,
    found: Vec<Option<Located>>,
    path: String,
}

impl Walk<'_> {
    /// At the value whose pointer is `self.path` (its key at `key`).
    fn value(&mut self, scanner: &mut Scanner<'_>, key: Option<usize>) {
        scanner.skip_ws();
        let value = scanner.pos;
        if let Ok(i) = self.pointers.binary_search(&self.path.as_str()) {
            self.found[i] = Some(Located { key, value });
        }
        if !self.ways.contains(self.path.as_str()) {
            scanner.skip_value();
            return;
        }
        let _: ControlFlow<()> = match scanner.peek() {
            Some(b'{') => scanner.members(|scanner, key_at, name| {
                self.member(scanner, Some(key_at), &name);
                ControlFlow::Continue(())
            }),
            Some(b'[') => scanner.items(|scanner, index| {
                self.member(scanner, None, &index.to_string());
                ControlFlow::Continue(())
            }),
            _ => {
                scanner.skip_value();
                ControlFlow::Continue(())
            }
        };
    }

    /// At the member `token` of the container at `self.path`.
    fn member(&mut self, scanner: &mut Scanner<'_>, key: Option<usize>, token: &str) {
        let len = self.path.len();
        push_pointer_token(&mut self.path, token);
        self.value(scanner, key);
        self.path.truncate(len);
    }
}

/// From the start of a container, moves to the member `token` and returns
/// where it is.
fn enter(scanner: &mut Scanner<'_>, token: &str) -> Option<Located> {
    scanner.skip_ws();
    let found = match scanner.peek()? {
        b'{' => scanner.members(|scanner, key_at, key| {
            scanner.skip_ws();
            if key == token {
                return ControlFlow::Break(Located {
                    key: Some(key_at),
                    value: scanner.pos,
                });
            }
            scanner.skip_value();
            ControlFlow::Continue(())
        }),
        b'[' => {
            let wanted: usize = token.parse().ok()?;
            scanner.items(|scanner, index| {
                if index == wanted {
                    return ControlFlow::Break(Located {
                        key: None,
                        value: scanner.pos,
                    });
                }
                scanner.skip_value();
                ControlFlow::Continue(())
            })
        }
        _ => return None,
    };
    match found {
        ControlFlow::Break(at) => Some(at),
        ControlFlow::Continue(()) => None,
    }
}

/// One step of the path to a value: an object key or an array index.
#[derive(Debug, Clone, Copy)]
pub enum Step<'a> {
    /// An object member's name.
    Key(&'a str),
    /// An array element's index.
    Index(usize),
}

/// The JSON Pointer (RFC 6901) of a path.
pub fn pointer_of(path: &[Step<'_>]) -> String {
    let mut pointer = String::new();
    for step in path {
        match step {
            Step::Key(key) => push_pointer_token(&mut pointer, key),
            Step::Index(i) => push_pointer_token(&mut pointer, &i.to_string()),
        }
    }
    pointer
}

/// Appends `/token` to a JSON Pointer, with `~` and `/` escaped (RFC 6901).
pub fn push_pointer_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    if token.contains(['~', '/']) {
        pointer.push_str(&token.replace('~', "~0").replace('/', "~1"));
    } else {
        pointer.push_str(token);
    }
}

/// Gives findings their positions, all in one pass over the document (each
/// comes with the byte of its value it points at).
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

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

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

    #[test]
    fn char_offsets_follow_escapes() {
        // a, é (escaped), newline (escaped), 😀 (a surrogate pair), b, end.
        let json = br#""a\u00e9\n\ud83d\ude00b""#;
        let offsets = string_char_offsets(json, 0, &[0, 1, 2, 3, 4, 5, 9]);
        assert_eq!(offsets, [1, 2, 8, 10, 22, 23, 23]);
        assert_eq!(json[offsets[4]], b'b');
        assert_eq!(json[offsets[5]], b'"');
    }
}
