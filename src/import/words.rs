//! Words of a text: tokens (a word, one Han character, or one other
//! character) and the normalized form names are matched in.

use unicode_normalization::UnicodeNormalization;

/// A token of a text: a word (letters and digits; one Han character) or one
/// other non-space character.
#[derive(Debug, Clone)]
pub struct Token {
    /// Normalized form (lower case, no diacritics, Arabic clitics removed).
    pub norm: String,
    /// Byte offset in the text tokenized.
    pub start: usize,
    /// End (exclusive).
    pub end: usize,
    /// A word, not punctuation.
    pub word: bool,
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' | '\u{f900}'..='\u{faff}' | '○' | '〇')
}

/// Is the token one Han character?
pub fn is_han_token(t: &Token) -> bool {
    t.norm.chars().next().is_some_and(is_han)
}

fn is_word_char(c: char) -> bool {
    (c.is_alphanumeric()
        || matches!(c, '\u{0300}'..='\u{036f}' | '\u{064b}'..='\u{065f}' | '\u{0670}' | '+'))
        && !is_han(c)
}

/// Splits `text` into tokens.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_whitespace() {
            continue;
        }
        if is_han(c) {
            out.push(Token {
                norm: c.to_string(),
                start: i,
                end: i + c.len_utf8(),
                word: true,
            });
            continue;
        }
        if !is_word_char(c) || c == '+' {
            out.push(Token {
                norm: c.to_string(),
                start: i,
                end: i + c.len_utf8(),
                word: false,
            });
            continue;
        }
        let mut end = i + c.len_utf8();
        while let Some(&(j, d)) = chars.peek() {
            if !is_word_char(d) {
                break;
            }
            // "C5+1": a plus inside a word, not "+" alone.
            if d == '+' && !text[j + 1..].starts_with(|x: char| x.is_ascii_digit()) {
                break;
            }
            end = j + d.len_utf8();
            chars.next();
        }
        out.push(Token {
            norm: normalize_word(&text[i..end]),
            start: i,
            end,
            word: true,
        });
    }
    out
}

/// Lower case, without diacritics; Arabic without its article and the
/// conjunction or prepositions written onto a word.
pub fn normalize_word(word: &str) -> String {
    let mut s: String = word
        .nfd()
        .filter(|c| !matches!(c, '\u{0300}'..='\u{036f}' | '\u{064b}'..='\u{065f}' | '\u{0670}'))
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'أ' | 'إ' | 'آ' => 'ا',
            'ة' => 'ه',
            'ى' => 'ي',
            c => c,
        })
        .collect::<String>()
        .replace('ß', "ss");
    if s.starts_with(|c: char| ('\u{0600}'..='\u{06ff}').contains(&c)) {
        for prefix in ["وال", "بال", "لل", "فال", "كال", "ال"] {
            if s.len() > prefix.len() + 4 && s.starts_with(prefix) {
                s = s[prefix.len()..].to_string();
                break;
            }
        }
        if s.starts_with('و') && s.chars().count() > 4 {
            s = s['و'.len_utf8()..].to_string();
        }
    }
    s
}
