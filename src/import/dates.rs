//! Date expressions in the languages of [`super::lang::Language`],
//! normalized to ISO 8601 with their precision: "February 26-27, 2026",
//! "26 февраля 2026 года", "le 18 septembre 2015", "den 18 september 2015",
//! "18. September 2015", "2026 жылғы 26 ақпан", "2018年5月1日",
//! "二○一八年五月一日", "26.02.2026", "٢٦ فبراير ٢٠٢٦", "the Twelfth day of
//! November in the Year Two Thousand and Twenty-Two"; month names come from
//! CLDR (`data/months.tsv`).

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;
use time::{Date, Month};

const MONTHS: &str = include_str!("data/months.tsv");

/// How much of a date the text gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// A day or a range of days.
    Day,
    /// A month.
    Month,
}

impl Precision {
    /// Name in the statement JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Month => "month",
        }
    }
}

/// A date expression found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateMatch {
    /// Byte offset of the expression in the text searched.
    pub start: usize,
    /// End (exclusive).
    pub end: usize,
    /// First day.
    pub from: Date,
    /// Last day.
    pub to: Date,
    /// Day or month.
    pub precision: Precision,
}

/// Lower-case month name (every language, wide and abbreviated) → month.
static MONTH_NAMES: LazyLock<HashMap<String, u8>> = LazyLock::new(|| {
    let mut map = HashMap::new();
    for line in MONTHS.lines().filter(|l| !l.starts_with('#')) {
        let mut it = line.split('\t');
        let (Some(_lang), Some(number), Some(name)) = (it.next(), it.next(), it.next()) else {
            continue;
        };
        if let Ok(n) = number.parse::<u8>() {
            map.insert(name.to_lowercase(), n);
        }
    }
    // English abbreviations with a full stop, as in "Sept. 21".
    map.insert("sept".into(), 9);
    map
});

/// The month a word names, allowing a case ending ("фебруара", "ақпанда").
fn month_of(word: &str) -> Option<Month> {
    let lower = word.trim_end_matches('.').to_lowercase();
    let chars: Vec<(usize, char)> = lower.char_indices().collect();
    for cut in 0..=3usize.min(chars.len().saturating_sub(3)) {
        let key = if cut == 0 {
            lower.as_str()
        } else {
            &lower[..chars[chars.len() - cut].0]
        };
        // Abbreviations are not inflected: "mar" is March, "mart" is not "mar"+t
        // unless the table says so.
        if cut > 0 && key.chars().count() < 4 {
            break;
        }
        if let Some(&n) = MONTH_NAMES.get(key) {
            return Month::try_from(n).ok();
        }
    }
    None
}

/// Any word; months are checked against the table afterwards, so that the
/// pattern stays small and fast whatever the number of languages.
const WORD: &str = r"\p{L}[\p{L}\p{M}]*\.?";
const DAY: &str = r"[0-9٠-٩]{1,2}";
const YEAR: &str = r"[0-9٠-٩]{4}";
/// What may stand between a day and the day ending a range.
const RANGE: &str = r"\s*(?:[-–—/]|\s(?:and|et|y|e|och|und|bis|и|i|та|і|до|au|al|till))\s*";
/// What may follow a day number: "1er", "21st", "18.", "26-го".
const DAY_END: &str = r"(?:\.|er|st|nd|rd|th|º|-?го|-?е)?";
/// Little words between the parts: "18 de septiembre de 2015", "the 5th of
/// May"; the space after them is part of them (no word boundary: it would
/// keep the pattern off the fast engines).
const FILL: &str = r"(?:\s+(?:de|del|of|den|le|day\s+of|dia)\s)?";

static DAY_MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r#"[«"“]?(?P<d1>{DAY})[»"”]?{DAY_END}(?:{RANGE}(?P<d2>{DAY}){DAY_END})?{FILL}\s*(?P<m>{WORD})(?:\s*/\s*{WORD})?,?{FILL}\s*(?P<y>{YEAR})"#
    ))
    .expect("the date pattern is valid (tested)")
});

static MONTH_DAY_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?P<m>{WORD})\s+(?P<d1>{DAY}){DAY_END}(?:{RANGE}(?P<d2>{DAY}){DAY_END})?,?\s*(?P<y>{YEAR})"
    ))
    .expect("the date pattern is valid (tested)")
});

static MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?P<m>{WORD})(?:\s+(?:de|del|of))?\s+(?P<y>{YEAR})"
    ))
    .expect("the date pattern is valid (tested)")
});

static YEAR_DAY_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    // Kazakh: "2026 жылғы 26 ақпан", "2026 ж. 26 ақпанда".
    Regex::new(&format!(
        r"(?P<y>{YEAR})\s*(?:жылғы|жылы|ж\.)\s*(?P<d1>{DAY})(?:{RANGE}(?P<d2>{DAY}))?\s*(?P<m>{WORD})"
    ))
    .expect("the date pattern is valid (tested)")
});

static NUMERIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?P<a>[0-9٠-٩]{1,4})(?P<s>[./-])(?P<b>[0-9٠-٩]{1,2})[./-](?P<c>[0-9٠-٩]{1,4})")
        .expect("the date pattern is valid (tested)")
});

static HAN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?P<y>[0-9０-９〇○零一二三四五六七八九]{4})\s*年\s*(?P<m>[0-9０-９十一二三四五六七八九]{1,3})\s*月(?:\s*(?P<d>[0-9０-９〇○零十一二三四五六七八九廿卅]{1,3})\s*日)?")
        .expect("the date pattern is valid (tested)")
});

static WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:the\s+)?(?P<d>[a-z]+(?:[- ][a-z]+)?)\s+day\s+of\s+(?P<m>[a-z]+),?\s+(?:in\s+)?the\s+year\s+(?P<y>(?:[a-z]+[\s-]*){1,8})")
        .expect("the date pattern is valid (tested)")
});

fn digits(s: &str) -> Option<i32> {
    let mut n: i32 = 0;
    for c in s.chars() {
        let d = match c {
            '0'..='9' => c as u32 - '0' as u32,
            '٠'..='٩' => c as u32 - '٠' as u32,
            '０'..='９' => c as u32 - '０' as u32,
            _ => return None,
        };
        n = n.checked_mul(10)?.checked_add(i32::try_from(d).ok()?)?;
    }
    Some(n)
}

/// Chinese numerals: digit by digit for years ("二○一八"), positional for
/// months and days ("十二", "二十一", "廿一").
fn han_number(s: &str) -> Option<i32> {
    if let Some(n) = digits(s) {
        return Some(n);
    }
    let digit = |c: char| -> Option<i32> {
        Some(match c {
            '〇' | '○' | '零' => 0,
            '一' => 1,
            '二' => 2,
            '三' => 3,
            '四' => 4,
            '五' => 5,
            '六' => 6,
            '七' => 7,
            '八' => 8,
            '九' => 9,
            _ => return None,
        })
    };
    let chars: Vec<char> = s.chars().collect();
    if chars.iter().all(|&c| digit(c).is_some()) {
        return chars.iter().try_fold(0, |n, &c| Some(n * 10 + digit(c)?));
    }
    let (tens, rest) = match chars.as_slice() {
        ['廿', rest @ ..] => (2, rest),
        ['卅', rest @ ..] => (3, rest),
        ['十', rest @ ..] => (1, rest),
        [t, '十', rest @ ..] => (digit(*t)?, rest),
        _ => return None,
    };
    let ones = match rest {
        [] => 0,
        [o] => digit(*o)?,
        _ => return None,
    };
    Some(tens * 10 + ones)
}

/// English number words up to the thousands, for years and days written out.
fn number_words(s: &str) -> Option<i32> {
    let mut total = 0;
    let mut current = 0;
    let mut any = false;
    for w in s
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
    {
        let unit = match w {
            "and" => continue,
            "one" | "first" => 1,
            "two" | "second" => 2,
            "three" | "third" => 3,
            "four" | "fourth" => 4,
            "five" | "fifth" => 5,
            "six" | "sixth" => 6,
            "seven" | "seventh" => 7,
            "eight" | "eighth" => 8,
            "nine" | "ninth" => 9,
            "ten" | "tenth" => 10,
            "eleven" | "eleventh" => 11,
            "twelve" | "twelfth" => 12,
            "thirteen" | "thirteenth" => 13,
            "fourteen" | "fourteenth" => 14,
            "fifteen" | "fifteenth" => 15,
            "sixteen" | "sixteenth" => 16,
            "seventeen" | "seventeenth" => 17,
            "eighteen" | "eighteenth" => 18,
            "nineteen" | "nineteenth" => 19,
            "twenty" | "twentieth" => 20,
            "thirty" | "thirtieth" => 30,
            "forty" => 40,
            "fifty" => 50,
            "sixty" => 60,
            "seventy" => 70,
            "eighty" => 80,
            "ninety" => 90,
            "hundred" => {
                current *= 100;
                any = true;
                continue;
            }
            "thousand" => {
                total += current.max(1) * 1000;
                current = 0;
                any = true;
                continue;
            }
            _ => break,
        };
        current += unit;
        any = true;
    }
    any.then_some(total + current)
}

fn last_day(year: i32, month: Month) -> Option<Date> {
    (28..=31)
        .rev()
        .find_map(|d| Date::from_calendar_date(year, month, d).ok())
}

fn day(year: i32, month: Month, day: i32) -> Option<Date> {
    Date::from_calendar_date(year, month, u8::try_from(day).ok()?).ok()
}

/// Is the match standing alone (not inside a longer word or number)?
fn bounded(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    // A year may carry its era or "year" glued on: "2026م", "2026г.", "2026年".
    let era = |c: char| matches!(c, 'م' | 'г' | 'ж' | '年');
    !before.is_some_and(|c| c.is_alphanumeric())
        && !after.is_some_and(|c| c.is_alphanumeric() && !era(c))
}

fn push(
    out: &mut Vec<DateMatch>,
    start: usize,
    end: usize,
    from: Option<Date>,
    to: Option<Date>,
    precision: Precision,
) {
    if let (Some(from), Some(to)) = (from, to)
        && from <= to
        && (1000..=2999).contains(&from.year())
    {
        out.push(DateMatch {
            start,
            end,
            from,
            to,
            precision,
        });
    }
}

/// Every date expression in `text`, left to right; where two overlap the
/// longer is kept.
pub fn find_dates(text: &str) -> Vec<DateMatch> {
    let mut out = Vec::new();
    // Cheap exits: every form has a digit, a Han "年", or "day of".
    let has_digit = text.bytes().any(|b| b.is_ascii_digit())
        || text.contains(|c: char| ('٠'..='٩').contains(&c));
    if has_digit {
        spelled_months(text, &mut out);
        numeric(text, &mut out);
    }
    if text.contains('年') {
        han(text, &mut out);
    }
    if memchr::memmem::find(text.as_bytes(), b"day of").is_some()
        || memchr::memmem::find(text.as_bytes(), b"Day of").is_some()
    {
        in_words(text, &mut out);
    }
    out.sort_by_key(|m| (m.start, usize::MAX - m.end));
    let mut kept: Vec<DateMatch> = Vec::with_capacity(out.len());
    for m in out {
        if kept.last().is_some_and(|k| m.start < k.end) {
            continue;
        }
        kept.push(m);
    }
    kept
}

fn spelled_months(text: &str, out: &mut Vec<DateMatch>) {
    let g =
        |caps: &regex::Captures<'_>, name: &str| caps.name(name).and_then(|m| digits(m.as_str()));
    for (regex, _) in [
        (&*DAY_MONTH_YEAR, 0),
        (&*MONTH_DAY_YEAR, 1),
        (&*YEAR_DAY_MONTH, 2),
    ] {
        for caps in regex.captures_iter(text) {
            let Some(whole) = caps.get(0) else { continue };
            let mut end = whole.end();
            let Some(month) = caps.name("m").and_then(|m| month_of(m.as_str())) else {
                continue;
            };
            if let Some(m) = caps.name("m")
                && end == m.end()
                && m.as_str().ends_with('.')
                && !bounded(text, whole.start(), end)
            {
                end -= 1;
            }
            if !bounded(text, whole.start(), end) {
                continue;
            }
            let (Some(y), Some(d1)) = (g(&caps, "y"), g(&caps, "d1")) else {
                continue;
            };
            let d2 = g(&caps, "d2").unwrap_or(d1);
            push(
                out,
                whole.start(),
                end,
                day(y, month, d1),
                day(y, month, d2),
                Precision::Day,
            );
        }
    }
    for caps in MONTH_YEAR.captures_iter(text) {
        let (Some(whole), Some(m), Some(y)) = (caps.get(0), caps.name("m"), caps.name("y")) else {
            continue;
        };
        if !bounded(text, whole.start(), whole.end()) {
            continue;
        }
        let (Some(month), Some(year)) = (month_of(m.as_str()), digits(y.as_str())) else {
            continue;
        };
        push(
            out,
            whole.start(),
            whole.end(),
            day(year, month, 1),
            last_day(year, month),
            Precision::Month,
        );
    }
}

fn numeric(text: &str, out: &mut Vec<DateMatch>) {
    for caps in NUMERIC.captures_iter(text) {
        let (Some(whole), Some(a), Some(b), Some(c), Some(sep)) = (
            caps.get(0),
            caps.name("a"),
            caps.name("b"),
            caps.name("c"),
            caps.name("s"),
        ) else {
            continue;
        };
        if !bounded(text, whole.start(), whole.end()) {
            continue;
        }
        let (Some(x), Some(y), Some(z)) =
            (digits(a.as_str()), digits(b.as_str()), digits(c.as_str()))
        else {
            continue;
        };
        // 2026-02-26 (ISO), 26.02.2026 (day first), 2/26/2026 only when the
        // first number cannot be a month.
        let (year, month, d) = if a.as_str().chars().count() == 4 && sep.as_str() == "-" {
            (x, y, z)
        } else if c.as_str().chars().count() == 4 && a.as_str().chars().count() <= 2 {
            if sep.as_str() == "/" && x <= 12 && y > 12 {
                (z, x, y)
            } else {
                (z, y, x)
            }
        } else {
            continue;
        };
        let Some(month) = u8::try_from(month)
            .ok()
            .and_then(|m| Month::try_from(m).ok())
        else {
            continue;
        };
        let date = day(year, month, d);
        push(out, whole.start(), whole.end(), date, date, Precision::Day);
    }
}

fn han(text: &str, out: &mut Vec<DateMatch>) {
    for caps in HAN.captures_iter(text) {
        let (Some(whole), Some(y), Some(m)) = (caps.get(0), caps.name("y"), caps.name("m")) else {
            continue;
        };
        let (Some(year), Some(month)) = (han_number(y.as_str()), han_number(m.as_str())) else {
            continue;
        };
        let Some(month) = u8::try_from(month)
            .ok()
            .and_then(|m| Month::try_from(m).ok())
        else {
            continue;
        };
        match caps.name("d").and_then(|d| han_number(d.as_str())) {
            Some(d) => {
                let date = day(year, month, d);
                push(out, whole.start(), whole.end(), date, date, Precision::Day);
            }
            None => push(
                out,
                whole.start(),
                whole.end(),
                day(year, month, 1),
                last_day(year, month),
                Precision::Month,
            ),
        }
    }
}

fn in_words(text: &str, out: &mut Vec<DateMatch>) {
    for caps in WORDS.captures_iter(text) {
        let (Some(whole), Some(d), Some(m), Some(y)) =
            (caps.get(0), caps.name("d"), caps.name("m"), caps.name("y"))
        else {
            continue;
        };
        let (Some(d), Some(month), Some(year)) = (
            number_words(d.as_str()),
            month_of(m.as_str()),
            number_words(y.as_str()),
        ) else {
            continue;
        };
        // The year's words end where the number does ("… Twenty-Two in a single copy").
        let words_end = {
            let ys = y.as_str();
            let mut end = 0;
            let mut at = 0;
            for w in ys.split_inclusive(|c: char| !c.is_ascii_alphabetic()) {
                let word = w.trim_end_matches(|c: char| !c.is_ascii_alphabetic());
                at += w.len();
                if number_words(word).is_some() || word.eq_ignore_ascii_case("and") {
                    if !word.eq_ignore_ascii_case("and") {
                        end = at - (w.len() - word.len());
                    }
                } else {
                    break;
                }
            }
            y.start() + end
        };
        let date = day(year, month, d);
        push(out, whole.start(), words_end, date, date, Precision::Day);
    }
}

/// Words a dateline may carry besides the place and the date.
const DATELINE_WORDS: &[&str] = &[
    "den",
    "le",
    "el",
    "the",
    "on",
    "am",
    "года",
    "г",
    "године",
    "godine",
    "год",
    "ж",
    "жылы",
    "dated",
    "d",
    "c",
    "қ",
    "гр",
    "grad",
    "م",
    "в",
    "у",
    "u",
];

/// A line that is a place and one date of day precision ("September 21,
/// 2023", "Stockholm, 20 October 2015.", "Stockholm den 18 september 2015.",
/// "Москва, 26 февраля 2026 года"): the date, and the span of the place.
pub fn dateline(line: &str) -> Option<(DateMatch, Option<(usize, usize)>)> {
    let trimmed = line.trim();
    if trimmed.chars().count() > 100 {
        return None;
    }
    let found = find_dates(trimmed);
    let [date] = found.as_slice() else {
        return None;
    };
    if date.precision != Precision::Day {
        return None;
    }
    let before = &trimmed[..date.start];
    let after = &trimmed[date.end..];
    // "二〇二四年五月十六日于北京": a Han place after 于 or 在.
    let han_place = |s: &str| {
        let s = s.trim();
        (s.starts_with('于') || s.starts_with('在') || s.is_empty()) && s.chars().count() <= 10
    };
    let after_ok = after
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .all(|w| DATELINE_WORDS.contains(&w.to_lowercase().as_str()))
        || (date.end > date.start && trimmed[date.start..].contains('年') && han_place(after));
    let words: Vec<&str> = before
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let place_words: Vec<&&str> = words
        .iter()
        .filter(|w| !DATELINE_WORDS.contains(&w.to_lowercase().as_str()))
        .collect();
    let before_ok = place_words.len() <= 4
        && place_words
            .iter()
            .all(|w| w.starts_with(|c: char| c.is_uppercase()));
    if !(after_ok && before_ok) {
        return None;
    }
    let place = place_words.first().map(|first| {
        let start = before.find(**first).unwrap_or(0);
        let last = place_words.last().map_or(first, |l| l);
        let end = before.rfind(**last).map_or(start, |i| i + last.len());
        (start, end)
    });
    Some((date.clone(), place))
}

/// A line that is exactly one date of day precision, or a place and one.
pub fn is_dateline(line: &str) -> bool {
    dateline(line).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(text: &str) -> Vec<(String, String, &'static str, String)> {
        find_dates(text)
            .into_iter()
            .map(|m| {
                (
                    m.from.to_string(),
                    m.to.to_string(),
                    m.precision.as_str(),
                    text[m.start..m.end].to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn the_forms_of_the_corpus() {
        let t = |a: &str, b: &str, p: &'static str, s: &str| {
            (a.to_string(), b.to_string(), p, s.to_string())
        };
        assert_eq!(
            iso("an official visit to Kazakhstan on February 26-27, 2026."),
            vec![t("2026-02-26", "2026-02-27", "day", "February 26-27, 2026")]
        );
        assert_eq!(
            iso("held in Astana on September 17-18, 2025, and"),
            vec![t(
                "2025-09-17",
                "2025-09-18",
                "day",
                "September 17-18, 2025"
            )]
        );
        assert_eq!(
            iso("to Belgrade in November 2024 and"),
            vec![t("2024-11-01", "2024-11-30", "month", "November 2024")]
        );
        assert_eq!(
            iso("on 26 October 2025 in"),
            vec![t("2025-10-26", "2025-10-26", "day", "26 October 2025")]
        );
        assert_eq!(
            iso("signed in October 2019, recognizing"),
            vec![t("2019-10-01", "2019-10-31", "month", "October 2019")]
        );
        assert_eq!(
            iso("February 2024"),
            vec![t("2024-02-01", "2024-02-29", "month", "February 2024")]
        );
        assert_eq!(
            iso("on April 22–24, 2026"),
            vec![t("2026-04-22", "2026-04-24", "day", "April 22–24, 2026")]
        );
        assert!(iso("on February 30, 2026").is_empty());
        assert!(iso("in 2027 and May we").is_empty());
        assert!(iso("a 1.5 °C limit and 2002-2014 and SEK 8,5 billion").is_empty());
    }

    // Invented snippets, one per form and language; each checks one rule.
    #[test]
    fn the_forms_of_each_language() {
        fn day(text: &str) -> (String, String, &str) {
            let found = find_dates(text);
            assert_eq!(found.len(), 1, "{text}: {found:?}");
            (
                found[0].from.to_string(),
                found[0].to.to_string(),
                &text[found[0].start..found[0].end],
            )
        }
        fn one<'a>(s: &'a str, d: &str) -> (String, String, &'a str) {
            (d.to_string(), d.to_string(), s)
        }
        assert_eq!(
            day("26 февраля 2026 года"),
            one("26 февраля 2026", "2026-02-26")
        );
        assert_eq!(day("Москва, 26.02.2026"), one("26.02.2026", "2026-02-26"));
        assert_eq!(
            day("Fait à Paris, le 18 septembre 2015"),
            one("18 septembre 2015", "2015-09-18")
        );
        assert_eq!(day("le 1er mai 2018"), one("1er mai 2018", "2018-05-01"));
        assert_eq!(
            day("Hecho en Madrid, el 18 de septiembre de 2015"),
            one("18 de septiembre de 2015", "2015-09-18")
        );
        assert_eq!(
            day("Berlin, den 18. September 2015"),
            one("18. September 2015", "2015-09-18")
        );
        assert_eq!(
            day("Stockholm den 18 september 2015."),
            one("18 september 2015", "2015-09-18")
        );
        assert_eq!(
            day("Београд, 26. фебруара 2026. године"),
            one("26. фебруара 2026", "2026-02-26")
        );
        assert_eq!(
            day("Beograd, 26. februara 2026. godine"),
            one("26. februara 2026", "2026-02-26")
        );
        assert_eq!(
            day("Астана, 2026 жылғы 26 ақпан"),
            one("2026 жылғы 26 ақпан", "2026-02-26")
        );
        assert_eq!(
            day("于2018年5月1日在北京"),
            one("2018年5月1日", "2018-05-01")
        );
        assert_eq!(
            day("于二○一八年五月一日在北京签署"),
            one("二○一八年五月一日", "2018-05-01")
        );
        assert_eq!(
            day("二〇二五年十二月二十一日"),
            one("二〇二五年十二月二十一日", "2025-12-21")
        );
        assert_eq!(
            day("حرر في الرياض في ٢٦ فبراير ٢٠٢٦"),
            one("٢٦ فبراير ٢٠٢٦", "2026-02-26")
        );
        assert_eq!(day("دمشق، 26 شباط 2026"), one("26 شباط 2026", "2026-02-26"));
        assert_eq!(
            day("Signed at Kuala Lumpur on October 26, 2025"),
            one("October 26, 2025", "2025-10-26")
        );
        assert_eq!(
            day("Done at Washington this 21st day of September, 2023"),
            one("21st day of September, 2023", "2023-09-21")
        );
        assert_eq!(
            day("г. Москва, «26» февраля 2026 г."),
            one("«26» февраля 2026", "2026-02-26")
        );
        assert_eq!(
            day(
                "ADOPTED in Phnom Penh on the Twelfth day of November in the Year Two Thousand and Twenty-Two in a single copy"
            ),
            one(
                "the Twelfth day of November in the Year Two Thousand and Twenty-Two",
                "2022-11-12"
            )
        );
        assert_eq!(
            day("from 19 – 20 October 2015 in"),
            (
                "2015-10-19".into(),
                "2015-10-20".into(),
                "19 – 20 October 2015"
            )
        );
    }

    #[test]
    fn datelines() {
        assert!(is_dateline("September 21, 2023"));
        assert!(!is_dateline("On September 21, 2023 we met."));
        assert!(!is_dateline("November 2024"));
        assert!(is_dateline("Stockholm den 18 september 2015."));
        assert!(is_dateline("Stockholm, 20 October 2015."));
        assert!(is_dateline("Wellington, 21 March 1980"));
        assert!(is_dateline("Москва, 26 февраля 2026 года"));
        assert!(!is_dateline(
            "The leaders met on 26 February 2026 in Astana."
        ));
    }
}
