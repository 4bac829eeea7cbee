//! The one pass over every string of a document that the character lints
//! share: `mixed-script` and `invisible-character` (found together by
//! [`suspicious_characters`]) and `not-nfc`.

use crate::document::{Step, pointer_of};
use serde_json::Value;
use unicode_script::{Script, UnicodeScript};

use super::invisible_character::invisible;
use super::mixed_script::{is_word_char, mixed_script_word};
use super::{LintName, Linter, invisible_character, mixed_script, not_nfc};

/// Runs the character lints on every string of `statement`.
pub(super) fn check(linter: &mut Linter<'_>, statement: &Value) {
    walk_strings(statement, &mut Vec::new(), &mut |path, text| {
        check_text(linter, path, text, statement);
    });
}

fn check_text(linter: &mut Linter<'_>, path: &[Step<'_>], text: &str, statement: &Value) {
    let suspicious = suspicious_characters(text);
    let not_nfc = not_nfc::first_difference(text);
    if suspicious.is_empty() && not_nfc.is_none() {
        return;
    }
    let pointer = &pointer_of(path);
    let span_start = block_span_start(statement, path);
    for s in suspicious {
        let at = in_source(span_start, s.byte_offset);
        let advice = match s.lint {
            LintName::MixedScript => mixed_script::ADVICE,
            _ => invisible_character::ADVICE,
        };
        linter.report(
            s.lint,
            pointer,
            Some(s.char_index),
            format!("{}{at}; {advice}", s.describe()),
        );
    }
    if let Some(first) = not_nfc {
        not_nfc::report(linter, pointer, first);
    }
}

/// Calls `f` with the path and text of every string. The path is a stack of
/// borrowed steps: nothing is allocated or formatted per string, since
/// almost every string has nothing to report.
fn walk_strings<'a>(
    value: &'a Value,
    path: &mut Vec<Step<'a>>,
    f: &mut dyn FnMut(&[Step<'a>], &str),
) {
    match value {
        Value::String(s) => f(path, s),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Step::Index(i));
                walk_strings(item, path, f);
                path.pop();
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                path.push(Step::Key(key));
                walk_strings(item, path, f);
                path.pop();
            }
        }
        _ => {}
    }
}

/// For `/body/N/text`, the start of block N's span in the source.
fn block_span_start(value: &Value, path: &[Step<'_>]) -> Option<u64> {
    match path {
        [Step::Key("body"), Step::Index(index), Step::Key("text")] => {
            value["body"][*index]["span"][0].as_u64()
        }
        _ => None,
    }
}

/// Where a character of a block's text is in the source, when the block has
/// a span: its start plus the character's byte offset in the text.
fn in_source(span_start: Option<u64>, byte_in_text: usize) -> String {
    match span_start {
        Some(start) => format!(" (source byte {})", start + byte_in_text as u64),
        None => String::new(),
    }
}

/// A character a reader cannot trust by looking at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suspicious {
    /// Index of the character in the text (in characters).
    pub char_index: usize,
    /// Byte offset of the character in the text.
    pub byte_offset: usize,
    /// The character.
    pub character: char,
    /// [`LintName::MixedScript`] or [`LintName::InvisibleCharacter`].
    pub lint: LintName,
    /// For mixed scripts: the word, and the script the word is mostly in.
    pub word: Option<(String, Script)>,
    /// What it looks like (its UTS #39 skeleton), when that differs.
    pub looks_like: Option<String>,
    /// For invisible characters: what it is.
    pub name: Option<&'static str>,
}

impl Suspicious {
    fn invisible(
        character: char,
        name: &'static str,
        byte_offset: usize,
        char_index: usize,
    ) -> Self {
        Self {
            char_index,
            byte_offset,
            character,
            lint: LintName::InvisibleCharacter,
            word: None,
            looks_like: None,
            name: Some(name),
        }
    }

    /// What is wrong, in words (without a position).
    pub fn describe(&self) -> String {
        let c = self.character;
        match (&self.word, self.name) {
            (Some((word, majority)), _) => format!(
                "the word {word:?} mixes scripts: U+{:04X} is {:?} in a {majority:?} word{}",
                c as u32,
                c.script(),
                self.looks_like
                    .as_ref()
                    .map(|l| format!(", which looks like {l:?}"))
                    .unwrap_or_default()
            ),
            (None, Some(name)) => format!("invisible character U+{:04X} ({name})", c as u32),
            (None, None) => format!("U+{:04X}", c as u32),
        }
    }
}

/// Homoglyphs in mixed-script words and invisible characters of a text.
///
/// Called on every string of every document validated, so it is built around
/// the common case: text that is mostly ASCII. It skips ASCII a chunk at a
/// time, looks only at the non-ASCII characters and the words around them,
/// and allocates nothing unless it finds something.
pub fn suspicious_characters(text: &str) -> Vec<Suspicious> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut chars = CharCounter {
        text,
        byte: 0,
        chars: 0,
    };
    let mut char_index = |byte: usize| chars.at(byte);
    let mut checked_until = 0; // end of the last word checked
    let mut at = 0;
    while let Some(i) = next_notable(bytes, at) {
        let b = bytes[i];
        if b.is_ascii() {
            // Control characters are the only thing that can hide in ASCII.
            if let Some(name) = invisible(char::from(b)) {
                out.push(Suspicious::invisible(char::from(b), name, i, char_index(i)));
            }
            at = i + 1;
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        if let Some(name) = invisible(c) {
            out.push(Suspicious::invisible(c, name, i, char_index(i)));
        }
        if i >= checked_until && is_word_char(c) {
            let start = text[..i]
                .char_indices()
                .rev()
                .take_while(|&(_, c)| is_word_char(c))
                .last()
                .map_or(i, |(j, _)| j);
            let end = text[i..]
                .char_indices()
                .find(|&(_, c)| !is_word_char(c))
                .map_or(text.len(), |(j, _)| i + j);
            if let Some(found) = mixed_script_word(text, start, end) {
                out.push(Suspicious {
                    char_index: char_index(found.byte_offset),
                    ..found
                });
            }
            checked_until = end;
        }
        at = i + c.len_utf8();
    }
    out.sort_by_key(|s| s.char_index);
    out
}

/// Character indices of byte offsets met in (mostly) increasing order,
/// counted from the previous one: linear in the text however many hits it
/// has (counting from the start each time would be quadratic).
struct CharCounter<'a> {
    text: &'a str,
    byte: usize,
    chars: usize,
}

impl CharCounter<'_> {
    fn at(&mut self, byte: usize) -> usize {
        if byte >= self.byte {
            self.chars += self.text[self.byte..byte].chars().count();
        } else {
            self.chars -= self.text[byte..self.byte].chars().count();
        }
        self.byte = byte;
        self.chars
    }
}

/// Offset of the first byte at or after `from` that is an ASCII control
/// character or starts a non-ASCII one: everything else is plain ASCII text,
/// which can hide nothing.
fn next_notable(bytes: &[u8], from: usize) -> Option<usize> {
    let notable = |b: u8| !(0x20..0x7f).contains(&b);
    let rest = bytes.get(from..)?;
    // Chunks without a notable byte are skipped whole; the test has no early
    // exit, so the compiler can check a chunk in a few vector instructions.
    let skipped: usize = rest
        .chunks(32)
        .take_while(|chunk| !chunk.iter().fold(false, |any, &b| any | notable(b)))
        .map(<[u8]>::len)
        .sum();
    rest[skipped..]
        .iter()
        .position(|&b| notable(b))
        .map(|p| from + skipped + p)
}

#[cfg(test)]
mod tests {
    use unicode_security::MixedScript;

    use super::*;
    use crate::finding::RuleId;
    use crate::lint::findings;
    use crate::lint::mixed_script::odd_one_out;

    /// The straightforward definition: split into words, test each word's
    /// scripts, test each character for invisibility.
    fn suspicious_reference(text: &str) -> Vec<(usize, char, LintName)> {
        let mut out = Vec::new();
        let chars: Vec<(usize, char)> = text.chars().enumerate().collect();
        for (i, c) in &chars {
            if invisible(*c).is_some() {
                out.push((*i, *c, LintName::InvisibleCharacter));
            }
        }
        let word_char = |c: char| c.is_alphanumeric() || matches!(c.script(), Script::Inherited);
        for word in chars
            .split(|(_, c)| !word_char(*c))
            .filter(|w| !w.is_empty())
        {
            let w: String = word.iter().map(|(_, c)| c).collect();
            if !w.is_single_script() {
                let letters: Vec<char> = word.iter().map(|(_, c)| *c).collect();
                let (odd, _) = odd_one_out(&letters, text);
                out.push((word[odd].0, word[odd].1, LintName::MixedScript));
            }
        }
        out.sort();
        out
    }

    proptest::proptest! {
        #[test]
        fn suspicious_characters_match_the_reference(
            text in "([a-z0-9 .,’“”–\\-]|а|с|ο|Α|é|ž|ß|ǅ|²|\u{0301}|\u{00AD}|\u{200B}|\u{200D}|\u{202E}|\u{0001}|\u{007F}|\t|日|ع|١){0,40}"
        ) {
            let mut fast: Vec<(usize, char, LintName)> = suspicious_characters(&text)
                .into_iter()
                .map(|s| (s.char_index, s.character, s.lint))
                .collect();
            fast.sort();
            proptest::prop_assert_eq!(fast, suspicious_reference(&text));
        }
    }

    /// Many hits in one string: each at its own column (characters are
    /// counted once along the string, not from its start for every hit),
    /// escapes in the JSON counting as one character each.
    #[test]
    fn many_hits_in_one_string_are_each_located() {
        // "a", a soft hyphen, an escaped quote: 3 characters of text, 4 of
        // JSON, repeated; the first soft hyphen is 2 columns after the
        // string's opening quote.
        let text = "a\u{00AD}\\\"".repeat(200);
        let json = format!(r#"{{"body": [{{"text": "{text}"}}]}}"#);
        let found = findings(&json, None);
        let columns: Vec<usize> = found.iter().map(|f| f.position.unwrap().column).collect();
        let prefix = r#"{"body": [{"text": ""#.len();
        let expected: Vec<usize> = (0..200).map(|i| prefix + 2 + 4 * i).collect();
        assert_eq!(columns, expected);
        assert!(
            found
                .iter()
                .all(|f| f.rule == RuleId::Lint(LintName::InvisibleCharacter))
        );
    }
}
