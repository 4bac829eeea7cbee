//! What one line of the text looks like on its own: the number or label
//! it starts with, a marker, a bullet, a closing formula, a signature, a
//! heading, columns.

/// Number at the start of a paragraph: `1.`, `11,`, `24.We`, `3)`, with an
/// optional footnote marker after it (`3.¹`, `3.[2]`); `1 WE` (a number and
/// a word in capitals, as in ASEAN and UN resolutions); Arabic-Indic digits
/// (`١.`); Chinese `一、`. Not `1.5 °C`.
pub fn paragraph_number(text: &str) -> Option<(String, usize)> {
    if let Some(found) = han_number_mark(text) {
        return Some(found);
    }
    let (value, digit_len) = leading_number(text)?;
    let rest = &text[digit_len..];
    let mark_len = match rest.chars().next()? {
        ' ' => capitals_after_space(rest)?,
        'º' | '°' => ordinal_mark(rest)?,
        '.' | ',' | ')' => punctuation_mark(rest)?,
        _ => return None,
    };
    Some((value.to_string(), digit_len + mark_len))
}

/// One to three ASCII or Arabic-Indic digits at the start of `text`: their
/// value and length in bytes.
fn leading_number(text: &str) -> Option<(u32, usize)> {
    let digit_len: usize = text
        .chars()
        .take_while(|c| c.is_ascii_digit() || ('٠'..='٩').contains(c))
        .map(char::len_utf8)
        .sum();
    let digits = text[..digit_len].chars().count();
    if digits == 0 || digits > 3 {
        return None;
    }
    let value: u32 = text[..digit_len].chars().fold(0, |n, c| {
        n * 10 + c.to_digit(10).unwrap_or_else(|| c as u32 - '٠' as u32)
    });
    Some((value, digit_len))
}

/// "1 WE, the Member States …": after the space, a word of two or more
/// capitals. The mark is the number alone (length 0).
fn capitals_after_space(rest: &str) -> Option<usize> {
    let word: String = rest[1..]
        .chars()
        .take_while(|c| c.is_alphabetic())
        .collect();
    (word.chars().count() >= 2 && word.chars().all(char::is_uppercase)).then_some(0)
}

/// "1º El Gobierno …", "2°) Les Parties …" (Spanish, French, Italian): an
/// ordinal sign, maybe a `.` or `)`, then a space — not a temperature
/// ("20 °C"). The mark's length.
fn ordinal_mark(rest: &str) -> Option<usize> {
    let mark = rest.chars().next()?;
    let after = rest[mark.len_utf8()..].trim_start_matches(['.', ')']);
    let used = rest.len() - after.len();
    (after.starts_with(char::is_whitespace) && !after.trim_start().starts_with(['C', 'F']))
        .then_some(used)
}

/// What may follow a number's `.`, `,` or `)` at once (besides a space, a
/// capital or Arabic script): quotation marks, a footnote's bracket or
/// superscript.
const AFTER_NUMBER_MARK: &[char] = &[
    '“', '"', '‘', '«', '„', '[', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹',
];

/// `1.`, `11,`, `3)` followed by a space, a capital ("24.We"), a quotation
/// mark, a footnote marker or Arabic script — not a decimal ("1.5"). The
/// mark's length.
fn punctuation_mark(rest: &str) -> Option<usize> {
    let next = rest[1..].chars().next()?;
    let starts_text = next.is_whitespace()
        || next.is_uppercase()
        || AFTER_NUMBER_MARK.contains(&next)
        || ('\u{0600}'..='\u{06ff}').contains(&next);
    starts_text.then_some(1)
}

/// Chinese numbering: `一、`, `十二、`.
fn han_number_mark(text: &str) -> Option<(String, usize)> {
    let numeral: String = text
        .chars()
        .take_while(|c| "一二三四五六七八九十".contains(*c))
        .collect();
    if numeral.is_empty() || numeral.chars().count() > 3 {
        return None;
    }
    let rest = &text[numeral.len()..];
    if !rest.starts_with('、') {
        return None;
    }
    let digit = |c: char| "一二三四五六七八九".find(c).map(|i| i as u32 / 3 + 1);
    let chars: Vec<char> = numeral.chars().collect();
    let value = match chars.as_slice() {
        [d] if *d != '十' => digit(*d)?,
        ['十'] => 10,
        ['十', o] => 10 + digit(*o)?,
        [t, '十'] => digit(*t)? * 10,
        [t, '十', o] => digit(*t)? * 10 + digit(*o)?,
        _ => return None,
    };
    Some((value.to_string(), numeral.len() + '、'.len_utf8()))
}

/// The marker of a sub-item: `(a)`, `a)`, `(iv)`, `iv)`, `а)` (Cyrillic),
/// `1.1`, `1.1.`: its label without outer punctuation (`a`, `iv`, `1.1`).
pub fn item_label(text: &str) -> Option<String> {
    let (inner, rest) = if let Some(after) = text.strip_prefix('(') {
        let close = after.find(')')?;
        (&after[..close], &after[close + 1..])
    } else if let Some(close) = text.find(')') {
        (&text[..close], &text[close + 1..])
    } else {
        // "1.1 The Parties" / "2.3. …"
        let head: &str = text.split(char::is_whitespace).next()?;
        let parts: Vec<&str> = head.trim_end_matches('.').split('.').collect();
        if parts.len() >= 2
            && parts.len() <= 4
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
            && text[head.len()..].starts_with(char::is_whitespace)
        {
            return Some(parts.join("."));
        }
        return None;
    };
    if !rest.starts_with(char::is_whitespace) || inner.is_empty() {
        return None;
    }
    let letters = inner.chars().count();
    let roman = inner
        .chars()
        .all(|c| matches!(c, 'i' | 'v' | 'x' | 'I' | 'V' | 'X'))
        && letters <= 5;
    let letter = letters == 1 && inner.chars().all(char::is_alphabetic);
    let number =
        inner.len() <= 2 && inner.bytes().all(|b| b.is_ascii_digit()) && text.starts_with('(');
    // Cyrillic and other letters are kept as printed only if the schema's
    // label pattern allows them: transliterate to their position instead.
    if letter && !inner.is_ascii() {
        let c = inner.chars().next()?;
        let position = "абвгдежзиклмнопрстуфхцчшщэюя"
            .chars()
            .position(|x| x == c.to_lowercase().next().unwrap_or(c))?;
        return Some(format!("{}", position + 1));
    }
    (roman || letter || number).then(|| inner.to_string())
}

/// The heading of an annex, appendix or plan of action.
pub(super) fn is_annex_heading(text: &str) -> bool {
    let lower = text.to_lowercase();
    text.split_whitespace().count() <= 24
        && !lower.ends_with('.')
        && super::super::lang::ANNEX_WORDS.iter().any(|w| {
            lower.starts_with(w)
                && lower[w.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_alphabetic())
        })
}

/// `A. Heading` or `IV. Heading`: the letter or numeral.
pub(super) fn section_label(text: &str) -> Option<String> {
    let (head, rest) = text.split_once(". ")?;
    if rest.trim().is_empty() {
        return None;
    }
    let is_letter = head.len() == 1 && head.chars().all(|c| c.is_ascii_uppercase());
    let is_roman = !head.is_empty()
        && head.len() <= 6
        && head
            .chars()
            .all(|c| matches!(c, 'I' | 'V' | 'X' | 'L' | 'C'));
    (is_letter || is_roman).then(|| head.to_string())
}

pub(super) fn is_marker(text: &str) -> bool {
    text.len() >= 3
        && text
            .chars()
            .all(|c| matches!(c, '#' | '*' | '-' | '_' | '=' | '—' | '–'))
}

pub(super) fn is_bullet(text: &str) -> bool {
    let mut chars = text.chars();
    matches!(chars.next(), Some('-' | '•' | '–' | '*' | '·' | '—' | '▪'))
        && chars.next().is_some_and(char::is_whitespace)
}

pub(super) fn ends_sentence(text: &str) -> bool {
    let t = text.trim_end_matches(['"', '”', '’', ')', ']', '»']);
    t.ends_with([
        '.', '!', '?', ';', ':', '…', '。', '！', '？', '；', '：', '؟', '؛',
    ])
}

/// How closing formulas begin, in each language ("Done at", "Fait à",
/// "Совершено в", "حرر في").
const CLOSING_STARTS: &[&str] = &[
    "done at",
    "done in",
    "signed at",
    "signed in",
    "adopted at",
    "adopted in",
    "issued at",
    "issued in",
    "fait à",
    "fait a ",
    "fait en",
    "signé à",
    "adopté à",
    "hecho en",
    "firmado en",
    "adoptado en",
    "feito em",
    "assinado em",
    "fatto a",
    "firmato a",
    "geschehen zu",
    "geschehen in",
    "unterzeichnet in",
    "unterzeichnet am",
    "utfärdad i",
    "undertecknad i",
    "upprättad i",
    "совершено в",
    "подписано в",
    "принято в",
    "учинено у",
    "сачињено у",
    "потписано у",
    "učinjeno u",
    "sačinjeno u",
    "potpisano u",
    "вчинено в",
    "підписано в",
    "حرر في",
    "حررت في",
    "وقع في",
    "صدر في",
];

pub(super) fn is_closing(text: &str) -> bool {
    let lower = text.to_lowercase();
    CLOSING_STARTS.iter().any(|s| lower.starts_with(s)) && text.chars().count() <= 600
}

/// A line of a signature block laid out in columns (names side by side,
/// offices side by side): three or more spaces between two texts.
pub fn columns(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut last_end = 0;
    let mut spaces = 0;
    for (i, c) in text.char_indices() {
        if c == ' ' || c == '\u{3000}' || c == '\t' {
            spaces += if c == '\t' { 4 } else { 1 };
            continue;
        }
        if let Some(s0) = start
            && spaces >= 3
        {
            out.push((s0, last_end));
            start = None;
        }
        if start.is_none() {
            start = Some(i);
        }
        spaces = 0;
        last_end = i + c.len_utf8();
    }
    if let Some(s0) = start {
        out.push((s0, last_end));
    }
    out
}

pub(super) fn is_footnote(text: &str) -> bool {
    let t = text.trim_start();
    (t.starts_with('[')
        && t[1..].chars().take_while(char::is_ascii_digit).count() > 0
        && t.contains("] "))
        || t.starts_with(['¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'])
}

/// A short line that reads like a heading: no closing punctuation, few words.
pub(super) fn heading_like(text: &str) -> bool {
    let words = text.split_whitespace().count();
    !ends_sentence(text) && words <= 16 && text.chars().count() <= 140 && !is_bullet(text)
}

/// How signature lines begin: an office ("President ", "Министр"), "For
/// the …" and its translations ("Pour ", "За "), a witness's words.
const SIGNATURE_STARTS: &[&str] = &[
    "President ",
    "Prime Minister ",
    "Chancellor ",
    "King ",
    "Queen ",
    "Emir ",
    "Sultan ",
    "Minister ",
    "Secretary ",
    "His ",
    "Her ",
    "Vice President ",
    "Deputy ",
    "Ambassador ",
    "Charge d",
    "Chargé d",
    "Foreign Minister ",
    "Crown Prince ",
    "Premier ",
    "Chair",
    "For the ",
    "On behalf of ",
    "Witness",
    "In the presence",
    "Pour ",
    "Au nom ",
    "Por ",
    "En nombre ",
    "Für ",
    "För ",
    "За ",
    "От имени ",
    "Від імені ",
    "Za ",
    "U ime ",
    "У име ",
    "Президент",
    "Председник",
    "Predsednik",
    "Премьер",
    "Président",
    "Presidente",
    "Präsident",
    "Bundeskanzler",
    "Statsminister",
    "Премијер",
    "Premijer",
    "Министр",
    "Министар",
    "Ministar",
    "Ministre ",
    "Ministro ",
    "Außenminister",
    "Utrikesminister",
];

/// A signature line: "President X of Y", an office and a name, no verb;
/// "For the Government of X", "За Республику Казахстан", "Witnessed by:".
pub(super) fn signature_like(text: &str) -> bool {
    (SIGNATURE_STARTS.iter().any(|o| text.starts_with(o))
        || text.trim_end().ends_with(" үшін")
        || text.trim_end().ends_with("代表"))
        && !ends_sentence(text)
        && text.split_whitespace().count() <= 16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraph_numbers() {
        assert_eq!(paragraph_number("1. In the year"), Some(("1".into(), 2)));
        assert_eq!(paragraph_number("11, The"), Some(("11".into(), 3)));
        assert_eq!(paragraph_number("24.We"), Some(("24".into(), 3)));
        assert_eq!(paragraph_number("3.¹ The"), Some(("3".into(), 2)));
        assert_eq!(paragraph_number("1.5 °C is the limit"), None);
        assert_eq!(paragraph_number("2023.The leaders"), None);
        assert_eq!(paragraph_number("The 1. thing"), None);
        assert_eq!(
            paragraph_number("1 WE, the Member States"),
            Some(("1".into(), 1))
        );
        assert_eq!(paragraph_number("2 million people"), None);
        assert_eq!(paragraph_number("١. يؤكد الجانبان"), Some(("1".into(), 3)));
        assert_eq!(paragraph_number("十二、双方同意"), Some(("12".into(), 9)));
        assert_eq!(paragraph_number("3º Las Partes"), Some(("3".into(), 3)));
        assert_eq!(paragraph_number("20 °C of warming"), None);
    }

    #[test]
    fn item_labels() {
        assert_eq!(item_label("(a) first"), Some("a".into()));
        assert_eq!(item_label("f) Att fortsätta"), Some("f".into()));
        assert_eq!(item_label("(iv) fourth"), Some("iv".into()));
        assert_eq!(item_label("б) второе"), Some("2".into()));
        assert_eq!(item_label("1.1 The Parties"), Some("1.1".into()));
        assert_eq!(item_label("(本报北京5月1日电)"), None);
        assert_eq!(item_label("Kazakhstan) and"), None);
    }

    #[test]
    fn section_labels() {
        assert_eq!(
            section_label("A. TOWARD A MORE SECURE WORLD"),
            Some("A".into())
        );
        assert_eq!(
            section_label("IV. Economic Growth and Prosperity"),
            Some("IV".into())
        );
        assert_eq!(section_label("U.S. and EU"), None);
    }
}
