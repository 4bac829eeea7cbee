//! Lints: what a schema cannot see, found before a record is sealed.
//!
//! Each lint has a stable name, a default level (`deny`, `warn`, `allow`),
//! and reports findings at the `line:column` of the JSON value and, for body
//! text, at the byte offset in the source text.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde_json::Value;
use unicode_normalization::UnicodeNormalization;
use unicode_script::{Script, UnicodeScript};
use unicode_security::MixedScript;

use crate::document::{AnchorAt, Document, Position};
use crate::validate::{Finding, Level};

/// How seriously a lint is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LintLevel {
    /// Not checked.
    Allow,
    /// Reported; does not fail.
    Warn,
    /// Reported as an error: `validate` fails, `seal` refuses.
    Deny,
}

impl FromStr for LintLevel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "allow" => Ok(Self::Allow),
            "warn" => Ok(Self::Warn),
            "deny" => Ok(Self::Deny),
            other => Err(format!("{other:?} is not a lint level (deny, warn, allow)")),
        }
    }
}

impl fmt::Display for LintLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Allow => "allow",
            Self::Warn => "warn",
            Self::Deny => "deny",
        })
    }
}

/// Every lint: name, default level, what it finds.
pub const LINTS: &[(&str, LintLevel, &str)] = &[
    (
        "mixed-script",
        LintLevel::Warn,
        "a word mixing scripts (Latin with Cyrillic, Greek, …): a homoglyph changes the signed bytes while looking the same",
    ),
    (
        "invisible-character",
        LintLevel::Warn,
        "soft hyphens, zero-width characters, bidi controls and other invisible format or control characters",
    ),
    (
        "not-nfc",
        LintLevel::Warn,
        "text not in Unicode Normalization Form C",
    ),
    (
        "numbering",
        LintLevel::Deny,
        "numbered paragraphs that skip, repeat or go backwards",
    ),
    (
        "dates",
        LintLevel::Deny,
        "start after end, an occasion after the statement's date, dates far outside a plausible range",
    ),
    (
        "parties",
        LintLevel::Warn,
        "an occasion host or guest that is not a party; a party without a representative",
    ),
    (
        "source-span",
        LintLevel::Deny,
        "a block whose text is not the source text at its span, spans out of order, or non-whitespace between blocks",
    ),
    (
        "duplicate-paragraph",
        LintLevel::Warn,
        "two blocks with identical text",
    ),
];

/// Lint levels in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintConfig {
    levels: BTreeMap<&'static str, LintLevel>,
}

impl Default for LintConfig {
    fn default() -> Self {
        Self {
            levels: LINTS
                .iter()
                .map(|(name, level, _)| (*name, *level))
                .collect(),
        }
    }
}

impl LintConfig {
    /// Sets a lint's level; an unknown name is an error listing the known ones.
    pub fn set(&mut self, name: &str, level: LintLevel) -> Result<(), String> {
        let Some((known, _, _)) = LINTS.iter().find(|(n, _, _)| *n == name) else {
            return Err(format!(
                "unknown lint {name:?}; the lints are: {}",
                LINTS
                    .iter()
                    .map(|(n, _, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        };
        self.levels.insert(known, level);
        Ok(())
    }

    /// The level of a lint.
    pub fn level(&self, name: &str) -> LintLevel {
        self.levels.get(name).copied().unwrap_or(LintLevel::Allow)
    }
}

struct Linter<'a> {
    config: &'a LintConfig,
    /// Findings without their positions yet (see [`crate::validate::place`]).
    pending: Vec<(Finding, AnchorAt)>,
}

impl Linter<'_> {
    fn report(
        &mut self,
        lint: &'static str,
        pointer: &str,
        char_in_string: Option<usize>,
        message: String,
    ) {
        let level = match self.config.level(lint) {
            LintLevel::Allow => return,
            LintLevel::Warn => Level::Warning,
            LintLevel::Deny => Level::Error,
        };
        let finding = Finding {
            rule: format!("lint/{lint}"),
            level,
            message,
            pointer: pointer.to_string(),
            position: None,
            related: Vec::new(),
        };
        let at = char_in_string.map_or(AnchorAt::Value, AnchorAt::Char);
        self.pending.push((finding, at));
    }
}

/// Lints a statement. `source` is the source text, when at hand, for
/// `source-span` and for byte offsets in messages.
pub fn lint(document: &Document, source: Option<&[u8]>, config: &LintConfig) -> Vec<Finding> {
    let mut linter = Linter {
        config,
        pending: Vec::new(),
    };
    let value = &document.value;
    walk_strings(value, &mut Vec::new(), &mut |path, text| {
        text_lints(&mut linter, path, text, value);
    });
    numbering(&mut linter, value);
    dates(&mut linter, value);
    parties(&mut linter, value);
    duplicates(&mut linter, value);
    if let Some(source) = source {
        source_span(&mut linter, value, source);
    }
    let mut findings = crate::validate::place(document, linter.pending);
    crate::validate::sort_findings(&mut findings);
    findings
}

/// One step of the path to a value: an object key or an array index.
#[derive(Debug, Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// The JSON Pointer (RFC 6901) of a path.
fn pointer_of(path: &[Step<'_>]) -> String {
    let mut pointer = String::new();
    for step in path {
        pointer.push('/');
        match step {
            Step::Key(key) if key.contains(['~', '/']) => {
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            Step::Key(key) => pointer.push_str(key),
            Step::Index(i) => pointer.push_str(&i.to_string()),
        }
    }
    pointer
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
    /// `mixed-script` or `invisible-character`.
    pub lint: &'static str,
    /// For mixed scripts: the word, and the script the word is mostly in.
    pub word: Option<(String, Script)>,
    /// What it looks like (its UTS #39 skeleton), when that differs.
    pub looks_like: Option<String>,
    /// For invisible characters: what it is.
    pub name: Option<&'static str>,
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

/// The character that breaks the script of the word `text[start..end]`, if
/// any (its `char_index` is left for the caller to fill in).
fn mixed_script_word(text: &str, start: usize, end: usize) -> Option<Suspicious> {
    let w = &text[start..end];
    // Latin letters and digits need no script lookup (names like "Vučić").
    if w.chars().all(is_plain_latin) || w.is_single_script() {
        return None;
    }
    let chars: Vec<char> = w.chars().collect();
    let (odd, majority) = odd_one_out(&chars, text);
    let c = chars[odd];
    let byte = start + chars[..odd].iter().map(|c| c.len_utf8()).sum::<usize>();
    let skeleton: String =
        unicode_security::confusable_detection::skeleton(&c.to_string()).collect();
    Some(Suspicious {
        char_index: 0,
        byte_offset: byte,
        character: c,
        lint: "mixed-script",
        word: Some((w.to_string(), majority)),
        looks_like: (skeleton != c.to_string()).then_some(skeleton),
        name: None,
    })
}

/// The script of a character, without a table lookup for ASCII and the
/// common Latin letters.
fn script_of(c: char) -> Script {
    if c.is_ascii_alphabetic() || (!c.is_ascii() && is_plain_latin(c)) {
        Script::Latin
    } else if c.is_ascii() {
        Script::Common
    } else {
        c.script()
    }
}

/// ASCII letters and digits, and the letters of Latin-1 Supplement, Latin
/// Extended-A/B and Latin Extended Additional: all of script Latin (or
/// Common, for digits).
fn is_plain_latin(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || (matches!(c, '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}')
            && c != '\u{00D7}'
            && c != '\u{00F7}')
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
            lint: "invisible-character",
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

fn text_lints(linter: &mut Linter<'_>, path: &[Step<'_>], text: &str, statement: &Value) {
    let suspicious = suspicious_characters(text);
    let not_nfc = !text.is_ascii() && !unicode_normalization::is_nfc(text);
    if suspicious.is_empty() && !not_nfc {
        return;
    }
    let pointer = &pointer_of(path);
    let span_start = block_span_start(statement, path);
    for s in suspicious {
        let at = in_source(span_start, s.byte_offset);
        let advice = if s.lint == "mixed-script" {
            "if the signed original has it, keep it and record it — otherwise fix the text"
        } else {
            "it is part of the signed bytes but cannot be seen"
        };
        linter.report(
            s.lint,
            pointer,
            Some(s.char_index),
            format!("{}{at}; {advice}", s.describe()),
        );
    }
    // not-nfc
    // ASCII is always NFC; the check itself is costly on long texts.
    if not_nfc {
        let nfc: String = text.nfc().collect();
        let first = text
            .chars()
            .zip(nfc.chars())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        linter.report(
            "not-nfc",
            pointer,
            Some(first),
            format!("text is not in Unicode NFC (first difference at character {first}); normalize it, or keep it if the source is so"),
        );
    }
}

fn is_word_char(c: char) -> bool {
    // No script lookup for ASCII, Latin letters or general punctuation (dashes,
    // quotes): the lookup dominates lint time otherwise.
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    if is_plain_latin(c) {
        return true;
    }
    if matches!(c, '\u{2010}'..='\u{205E}') {
        return false; // punctuation; ZWNJ/ZWJ (U+200C/D, Inherited) lie below
    }
    c.is_alphanumeric() || matches!(c.script(), Script::Inherited)
}

/// Index of the first character whose script is not the word's most common
/// one, and that script.
/// Ties within the word go to the script most used in the whole text, then
/// to the script whose name sorts first.
fn odd_one_out(word: &[char], text: &str) -> (usize, Script) {
    let scripted = |c: &char| {
        let s = script_of(*c);
        (!matches!(s, Script::Common | Script::Inherited)).then_some(s)
    };
    // A word has few scripts: a small list beats a hash map.
    let mut in_word: Vec<(Script, usize)> = Vec::new();
    for s in word.iter().filter_map(scripted) {
        match in_word.iter_mut().find(|(t, _)| *t == s) {
            Some((_, n)) => *n += 1,
            None => in_word.push((s, 1)),
        }
    }
    let most = in_word.iter().map(|(_, n)| *n).max().unwrap_or(0);
    in_word.retain(|(_, n)| *n == most);
    let majority = if in_word.len() > 1 {
        // A tie ("аs" with a Cyrillic а): only now is the whole text worth
        // counting, in one pass, for the tied scripts only.
        let mut tied: Vec<(Script, usize)> = in_word.iter().map(|(s, _)| (*s, 0)).collect();
        for s in text.chars().filter_map(|c| scripted(&c)) {
            if let Some((_, n)) = tied.iter_mut().find(|(t, _)| *t == s) {
                *n += 1;
            }
        }
        tied.into_iter()
            .max_by_key(|(s, n)| (*n, std::cmp::Reverse(format!("{s:?}"))))
            .map(|(s, _)| s)
    } else {
        in_word.first().map(|(s, _)| *s)
    }
    .unwrap_or(Script::Latin);
    let odd = word
        .iter()
        .position(|c| scripted(c).is_some_and(|s| s != majority))
        .unwrap_or(0);
    (odd, majority)
}

/// Name of an invisible format or control character, if `c` is one.
fn invisible(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{00AD}' => "soft hyphen",
        '\u{200B}' => "zero width space",
        '\u{200C}' => "zero width non-joiner",
        '\u{200D}' => "zero width joiner",
        '\u{200E}' | '\u{200F}' | '\u{061C}' => "bidirectional mark",
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => "bidirectional control",
        '\u{2060}'..='\u{2064}' => "invisible operator or word joiner",
        '\u{FEFF}' => "zero width no-break space (byte order mark)",
        '\u{180E}' => "Mongolian vowel separator",
        '\u{FFF9}'..='\u{FFFB}' => "interlinear annotation",
        '\u{E0000}'..='\u{E007F}' => "tag character",
        '\n' | '\t' | '\r' => return None,
        c if c.is_control() => "control character",
        _ => return None,
    })
}

fn numbering(linter: &mut Linter<'_>, value: &Value) {
    let Some(body) = value["body"].as_array() else {
        return;
    };
    let mut previous: Option<(u64, usize)> = None;
    for (index, block) in body.iter().enumerate() {
        if block["kind"] != "paragraph" {
            continue;
        }
        let Some(n) = block["label"].as_str().and_then(|l| l.parse::<u64>().ok()) else {
            continue;
        };
        let problem = match previous {
            None if n != 1 => Some(format!("numbering starts at {n}, not 1")),
            Some((p, _)) if n == p => Some(format!("paragraph {n} is numbered twice")),
            Some((p, _)) if n < p => Some(format!(
                "paragraph {n} comes after paragraph {p}: numbering goes backwards"
            )),
            Some((p, _)) if n > p + 1 => Some(format!("numbering skips from {p} to {n}")),
            _ => None,
        };
        if let Some(message) = problem {
            let pointer = format!("/body/{index}/label");
            linter.report("numbering", &pointer, None, message);
        }
        previous = Some((n, index));
    }
}

fn date_of(value: &Value) -> Option<time::Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(value.as_str()?, &format).ok()
}

fn dates(linter: &mut Linter<'_>, value: &Value) {
    let mut ranges: Vec<(String, &Value)> = Vec::new();
    if value.get("date").is_some() {
        ranges.push(("/date".into(), &value["date"]));
    }
    if value.get("occasion").is_some() {
        ranges.push(("/occasion".into(), &value["occasion"]));
    }
    for (i, r) in value["references"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        if r.get("date").is_some() {
            ranges.push((format!("/references/{i}/date"), &r["date"]));
        }
    }
    let this_year = time::OffsetDateTime::now_utc().year();
    for (pointer, range) in &ranges {
        let (start, end) = (date_of(&range["start"]), date_of(&range["end"]));
        if let (Some(s), Some(e)) = (start, end)
            && s > e
        {
            linter.report(
                "dates",
                &format!("{pointer}/end"),
                None,
                format!("ends ({e}) before it starts ({s})"),
            );
        }
        for (field, d) in [("start", start), ("end", end)] {
            if let Some(d) = d
                && (d.year() < 1800 || d.year() > this_year + 50)
            {
                linter.report(
                    "dates",
                    &format!("{pointer}/{field}"),
                    None,
                    format!("{d} is far outside a plausible range for a statement"),
                );
            }
        }
    }
    if let (Some(adopted), Some(began)) = (
        date_of(&value["date"]["start"]),
        date_of(&value["occasion"]["start"]),
    ) && adopted < began
    {
        linter.report(
            "dates",
            "/date/start",
            None,
            format!("the statement is dated {adopted}, before its occasion began ({began})"),
        );
    }
}

fn parties(linter: &mut Linter<'_>, value: &Value) {
    let ids: Vec<&str> = value["parties"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["id"].as_str())
        .collect();
    if let Some(host) = value["occasion"]["host"].as_str()
        && !ids.contains(&host)
    {
        linter.report(
            "parties",
            "/occasion/host",
            None,
            format!(
                "the host {host:?} is not among the parties ({})",
                ids.join(", ")
            ),
        );
    }
    for (i, guest) in value["occasion"]["guests"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        if let Some(g) = guest.as_str()
            && !ids.contains(&g)
        {
            linter.report(
                "parties",
                &format!("/occasion/guests/{i}"),
                None,
                format!(
                    "the guest {g:?} is not among the parties ({})",
                    ids.join(", ")
                ),
            );
        }
    }
    for (i, party) in value["parties"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        if party["representatives"]
            .as_array()
            .is_none_or(Vec::is_empty)
        {
            linter.report(
                "parties",
                &format!("/parties/{i}"),
                None,
                format!(
                    "party {} has no representative",
                    party["id"].as_str().unwrap_or("?")
                ),
            );
        }
    }
}

fn duplicates(linter: &mut Linter<'_>, value: &Value) {
    // Sorting the texts finds repeats without hashing every paragraph.
    let mut texts: Vec<(&str, usize)> = value["body"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, block)| Some((block["text"].as_str()?, i)))
        // Short lines ("###", a heading) legitimately repeat.
        .filter(|(text, _)| {
            // Counting characters only when the byte length cannot tell: 80
            // bytes hold at least 20 characters, 19 bytes at most 19.
            let text = text.trim();
            text.len() >= 80 || (text.len() >= 20 && text.chars().count() >= 20)
        })
        .collect();
    texts.sort_unstable();
    for run in texts.chunk_by(|a, b| a.0 == b.0) {
        let first = run[0].1;
        for &(_, i) in &run[1..] {
            linter.report(
                "duplicate-paragraph",
                &format!("/body/{i}/text"),
                None,
                format!("same text as block {first}"),
            );
        }
    }
}

fn source_span(linter: &mut Linter<'_>, value: &Value, source: &[u8]) {
    if let Some(length) = value["source"]["length"].as_u64()
        && length != source.len() as u64
    {
        linter.report(
            "source-span",
            "/source/length",
            None,
            format!(
                "the source text is {} bytes, the statement says {length}",
                source.len()
            ),
        );
    }
    if let Some(digest) = value["source"]["sha256"].as_str() {
        let actual = crate::digest::Sha256Digest::of_bytes(source).to_string();
        if digest != actual {
            linter.report(
                "source-span",
                "/source/sha256",
                None,
                format!("the source text's digest is {actual}"),
            );
        }
    }
    let mut previous_end: usize = 0;
    for (i, block) in value["body"].as_array().into_iter().flatten().enumerate() {
        let pointer = format!("/body/{i}/span");
        let (Some(start), Some(end)) = (block["span"][0].as_u64(), block["span"][1].as_u64())
        else {
            continue;
        };
        let (start, end) = (start as usize, end as usize);
        if start < previous_end || end < start {
            linter.report("source-span", &pointer, None, format!("span [{start}, {end}) overlaps or precedes the previous block (ends at {previous_end})"));
            previous_end = previous_end.max(end);
            continue;
        }
        let Some(slice) = source.get(start..end) else {
            linter.report(
                "source-span",
                &pointer,
                None,
                format!(
                    "span [{start}, {end}) is outside the source ({} bytes)",
                    source.len()
                ),
            );
            continue;
        };
        if Some(slice) != block["text"].as_str().map(str::as_bytes) {
            linter.report(
                "source-span",
                &pointer,
                None,
                format!("the text differs from the source bytes [{start}, {end})"),
            );
        }
        if let Some(at) = non_whitespace(&source[previous_end..start]) {
            linter.report(
                "source-span",
                &pointer,
                None,
                format!(
                    "source byte {} before this block is not whitespace and belongs to no block",
                    previous_end + at
                ),
            );
        }
        previous_end = end;
    }
    if let Some(at) = source
        .get(previous_end..)
        .and_then(|rest| rest.iter().position(|b| !b.is_ascii_whitespace()))
    {
        linter.report(
            "source-span",
            "/body",
            None,
            format!(
                "source byte {} after the last block belongs to no block",
                previous_end + at
            ),
        );
    }
}

/// Offset of the first byte that is not Unicode whitespace (a byte order
/// mark counts as whitespace here: it is no word of the text).
fn non_whitespace(gap: &[u8]) -> Option<usize> {
    let text = String::from_utf8_lossy(gap);
    let mut offset = 0;
    for c in text.chars() {
        if !c.is_whitespace() && c != '\u{feff}' {
            return Some(offset);
        }
        offset += c.len_utf8();
    }
    None
}

/// Where a finding is, for messages: `line:column`.
pub fn describe(position: Option<Position>) -> String {
    position
        .map(|p| format!("{}:{}", p.line, p.column))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn findings(json: &str, source: Option<&str>) -> Vec<Finding> {
        let document = Document::parse(json.as_bytes().to_vec()).unwrap();
        lint(&document, source.map(str::as_bytes), &LintConfig::default())
    }

    /// The fast paths (no script lookup for ASCII, Latin letters and general
    /// punctuation) agree with the Unicode tables for every code point.
    #[test]
    fn fast_script_paths_agree_with_the_tables_everywhere() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(script_of(c), c.script(), "script of U+{:04X}", c as u32);
            let slow = c.is_alphanumeric() || matches!(c.script(), Script::Inherited);
            assert_eq!(is_word_char(c), slow, "word char U+{:04X}", c as u32);
            if is_plain_latin(c) {
                assert!(c.is_ascii_digit() || c.script() == Script::Latin);
            }
        }
    }

    /// The straightforward definition: split into words, test each word's
    /// scripts, test each character for invisibility.
    fn suspicious_reference(text: &str) -> Vec<(usize, char, &'static str)> {
        let mut out = Vec::new();
        let chars: Vec<(usize, char)> = text.chars().enumerate().collect();
        for (i, c) in &chars {
            if invisible(*c).is_some() {
                out.push((*i, *c, "invisible-character"));
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
                out.push((word[odd].0, word[odd].1, "mixed-script"));
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
            let mut fast: Vec<(usize, char, &'static str)> = suspicious_characters(&text)
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
        assert!(found.iter().all(|f| f.rule == "lint/invisible-character"));
    }

    #[test]
    fn a_tied_word_takes_the_script_of_the_text() {
        // "аs": one Cyrillic, one Latin letter; the text is Latin, so the
        // Cyrillic а is the odd one (the reference statement's case).
        let found = suspicious_characters("connecting Asia and Europe, аs well as Serbia");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].character, '\u{0430}');
        assert_eq!(found[0].char_index, 28);
        assert_eq!(found[0].word, Some(("аs".to_string(), Script::Latin)));
        // In a Cyrillic text the same word's odd one is the Latin s.
        let found = suspicious_characters("Казахстан и Сербия аs");
        assert_eq!(found[0].character, 's');
        assert_eq!(found[0].word, Some(("аs".to_string(), Script::Cyrillic)));
    }

    fn rules(f: &[Finding]) -> Vec<&str> {
        f.iter().map(|f| f.rule.as_str()).collect()
    }

    #[test]
    fn mixed_script_fires_on_a_cyrillic_a_and_not_on_diacritics() {
        let f = findings(
            r#"{"body": [{"kind": "preamble", "text": "Europe, аs well", "span": [10, 26]}]}"#,
            None,
        );
        assert_eq!(rules(&f), vec!["lint/mixed-script"]);
        assert!(
            f[0].message.contains("U+0430") && f[0].message.contains("source byte 18"),
            "{}",
            f[0].message
        );
        assert_eq!(f[0].position.unwrap().column, 49);
        assert!(findings(r#"{"name": "Aleksandar Vučić, Ελλάδα, Сербия"}"#, None).is_empty());
    }

    #[test]
    fn invisible_characters() {
        let f = findings("{\"t\": \"Pre\u{ad}sident\"}", None);
        assert_eq!(rules(&f), vec!["lint/invisible-character"]);
        assert!(f[0].message.contains("U+00AD"));
        assert!(findings(r#"{"t": "President"}"#, None).is_empty());
    }

    #[test]
    fn not_nfc() {
        assert_eq!(
            rules(&findings("{\"t\": \"Vuc\u{30c}ic\u{301}\"}", None)),
            vec!["lint/not-nfc"]
        );
        assert!(findings("{\"t\": \"Vu\u{10d}i\u{107}\"}", None).is_empty());
    }

    #[test]
    fn numbering() {
        let body = |labels: &[&str]| {
            let blocks: Vec<String> = labels.iter().enumerate().map(|(i, l)| format!(r#"{{"kind": "paragraph", "label": "{l}", "text": "{l}. paragraph number {i} of the test", "span": [0, 1]}}"#)).collect();
            format!(r#"{{"body": [{}]}}"#, blocks.join(","))
        };
        assert!(findings(&body(&["1", "2", "3"]), None).is_empty());
        let f = findings(&body(&["1", "3", "3", "2"]), None);
        let messages: Vec<&str> = f.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            messages,
            vec![
                "numbering skips from 1 to 3",
                "paragraph 3 is numbered twice",
                "paragraph 2 comes after paragraph 3: numbering goes backwards"
            ]
        );
        assert_eq!(f[0].level, Level::Error);
    }

    #[test]
    fn dates() {
        let f = findings(
            r#"{"occasion": {"start": "2026-02-27", "end": "2026-02-26"}, "date": {"start": "2026-02-20"}}"#,
            None,
        );
        assert_eq!(rules(&f), vec!["lint/dates", "lint/dates"]);
        assert!(
            findings(
                r#"{"references": [{"date": {"start": "1066-10-14"}}]}"#,
                None
            )
            .len()
                == 1
        );
        assert!(findings(r#"{"occasion": {"start": "2026-02-26", "end": "2026-02-27"}, "date": {"start": "2026-02-27"}}"#, None).is_empty());
    }

    #[test]
    fn parties() {
        let f = findings(
            r#"{"parties": [{"id": "KZ", "representatives": [{"name": "A"}]}, {"id": "RS"}], "occasion": {"host": "KZ", "guests": ["RS", "FR"]}}"#,
            None,
        );
        let messages: Vec<&str> = f.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(
            messages
                .iter()
                .any(|m| m.contains("\"FR\" is not among the parties"))
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("RS has no representative"))
        );
        let fine = r#"{"parties": [{"id": "KZ", "representatives": [{"name": "A"}]}, {"id": "RS", "representatives": [{"name": "B"}]}], "occasion": {"host": "KZ", "guests": ["RS"]}}"#;
        assert!(findings(fine, None).is_empty());
    }

    #[test]
    fn source_spans() {
        let json = r#"{"body": [{"kind": "preamble", "text": "Hello there.", "span": [0, 12]}, {"kind": "preamble", "text": "Second line!", "span": [13, 25]}]}"#;
        assert!(findings(json, Some("Hello there.\nSecond line!")).is_empty());
        let f = findings(json, Some("Hello there.\nSecond lime!"));
        assert_eq!(rules(&f), vec!["lint/source-span"]);
        let f = findings(json, Some("Hello there.X\nSecond line!"));
        assert!(!f.is_empty());
    }

    #[test]
    fn duplicate_paragraphs() {
        // Short lines repeat legitimately, counted in characters after
        // trimming: 15 two-byte letters, or "###" padded to 90 bytes, are short.
        let padded = format!("{:>90}", "###");
        let json = format!(
            r####"{{"body": [{{"text": "The Parties agreed to meet again soon."}}, {{"text": "The Parties agreed to meet again soon."}}, {{"text": "###"}}, {{"text": "###"}}, {{"text": "ЂЂЂЂЂЂЂЂЂЂЂЂЂЂЂ"}}, {{"text": "ЂЂЂЂЂЂЂЂЂЂЂЂЂЂЂ"}}, {{"text": "{padded}"}}, {{"text": "{padded}"}}]}}"####
        );
        let json = json.as_str();
        assert_eq!(
            rules(&findings(json, None)),
            vec!["lint/duplicate-paragraph"]
        );
    }

    #[test]
    fn levels_are_configurable_and_names_checked() {
        let mut config = LintConfig::default();
        config.set("mixed-script", LintLevel::Deny).unwrap();
        assert!(config.set("mixed-scripts", LintLevel::Deny).is_err());
        let document = Document::parse("{\"t\": \"аs\"}".as_bytes().to_vec()).unwrap();
        assert_eq!(lint(&document, None, &config)[0].level, Level::Error);
        config.set("mixed-script", LintLevel::Allow).unwrap();
        assert!(lint(&document, None, &config).is_empty());
    }

    #[test]
    fn char_offsets_follow_escapes() {
        // a, é (escaped), newline (escaped), 😀 (a surrogate pair), b, end.
        let json = br#""a\u00e9\n\ud83d\ude00b""#;
        let offsets = crate::document::string_char_offsets(json, 0, &[0, 1, 2, 3, 4, 5, 9]);
        assert_eq!(offsets, [1, 2, 8, 10, 22, 23, 23]);
        assert_eq!(json[offsets[4]], b'b');
        assert_eq!(json[offsets[5]], b'"');
    }
}
