//! `mixed-script`: a word mixing scripts, such as a Cyrillic `а` in a Latin
//! word — a homoglyph changes the signed bytes while looking the same. The
//! words are found by the shared scan of `text`; this decides which letter
//! of a word is the odd one.

use unicode_script::{Script, UnicodeScript};
use unicode_security::MixedScript;

use super::LintName;
use super::text::Suspicious;

/// What to do about it, after the finding's message.
pub(super) const ADVICE: &str =
    "if the signed original has it, keep it and record it — otherwise fix the text";

/// The character that breaks the script of the word `text[start..end]`, if
/// any (its `char_index` is left for the caller to fill in).
pub(super) fn mixed_script_word(text: &str, start: usize, end: usize) -> Option<Suspicious> {
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
        lint: LintName::MixedScript,
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

/// Whether `c` is part of a word: a letter, digit or combining mark.
pub(super) fn is_word_char(c: char) -> bool {
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
pub(super) fn odd_one_out(word: &[char], text: &str) -> (usize, Script) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::{findings, rules, suspicious_characters};

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

    #[test]
    fn mixed_script_fires_on_a_cyrillic_a_and_not_on_diacritics() {
        let f = findings(
            r#"{"body": [{"kind": "preamble", "text": "Europe, аs well", "span": [10, 26]}]}"#,
            None,
        );
        assert_eq!(rules(&f), ["lint/mixed-script"]);
        assert!(
            f[0].message.contains("U+0430") && f[0].message.contains("source byte 18"),
            "{}",
            f[0].message
        );
        assert_eq!(f[0].position.unwrap().column, 49);
        assert!(findings(r#"{"name": "Aleksandar Vučić, Ελλάδα, Сербия"}"#, None).is_empty());
    }
}
