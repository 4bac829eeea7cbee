//! Date expressions in English text, normalized to ISO 8601 with their
//! precision: "February 26-27, 2026" → 2026-02-26..2026-02-27 (day),
//! "26 October 2025" (day), "November 2024" (month).

use std::sync::LazyLock;

use regex::Regex;
use time::{Date, Month};

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

const MONTH: &str = "(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan\\.|Feb\\.|Mar\\.|Apr\\.|Jun\\.|Jul\\.|Aug\\.|Sep\\.|Sept\\.|Oct\\.|Nov\\.|Dec\\.)";

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    let m = MONTH;
    let pattern = format!(
        r"\b(?:(?P<m1>{m})\s+(?P<d1a>\d{{1,2}})\s*[-–]\s*(?P<d1b>\d{{1,2}}),?\s+(?P<y1>\d{{4}})|(?P<m2>{m})\s+(?P<d2>\d{{1,2}}),\s*(?P<y2>\d{{4}})|(?P<d3a>\d{{1,2}})\s*[-–]\s*(?P<d3b>\d{{1,2}})\s+(?P<m3>{m}),?\s+(?P<y3>\d{{4}})|(?P<d4>\d{{1,2}})\s+(?P<m4>{m}),?\s+(?P<y4>\d{{4}})|(?P<m5>{m})\s+(?P<y5>\d{{4}}))\b"
    );
    Regex::new(&pattern).expect("the date pattern is valid (tested)")
});

fn month(name: &str) -> Option<Month> {
    let key: String = name
        .trim_end_matches('.')
        .chars()
        .take(3)
        .collect::<String>()
        .to_lowercase();
    Some(match key.as_str() {
        "jan" => Month::January,
        "feb" => Month::February,
        "mar" => Month::March,
        "apr" => Month::April,
        "may" => Month::May,
        "jun" => Month::June,
        "jul" => Month::July,
        "aug" => Month::August,
        "sep" => Month::September,
        "oct" => Month::October,
        "nov" => Month::November,
        "dec" => Month::December,
        _ => return None,
    })
}

fn day(year: &str, month_name: &str, day: &str) -> Option<Date> {
    Date::from_calendar_date(year.parse().ok()?, month(month_name)?, day.parse().ok()?).ok()
}

/// Every date expression in `text`, left to right.
pub fn find_dates(text: &str) -> Vec<DateMatch> {
    let mut out = Vec::new();
    for caps in DATE.captures_iter(text) {
        let Some(whole) = caps.get(0) else { continue };
        let g = |name: &str| caps.name(name).map(|m| m.as_str());
        let found = if let (Some(m), Some(a), Some(b), Some(y)) =
            (g("m1"), g("d1a"), g("d1b"), g("y1"))
        {
            day(y, m, a)
                .zip(day(y, m, b))
                .map(|(f, t)| (f, t, Precision::Day))
        } else if let (Some(m), Some(d), Some(y)) = (g("m2"), g("d2"), g("y2")) {
            day(y, m, d).map(|f| (f, f, Precision::Day))
        } else if let (Some(a), Some(b), Some(m), Some(y)) = (g("d3a"), g("d3b"), g("m3"), g("y3"))
        {
            day(y, m, a)
                .zip(day(y, m, b))
                .map(|(f, t)| (f, t, Precision::Day))
        } else if let (Some(d), Some(m), Some(y)) = (g("d4"), g("m4"), g("y4")) {
            day(y, m, d).map(|f| (f, f, Precision::Day))
        } else if let (Some(m), Some(y)) = (g("m5"), g("y5")) {
            let first = day(y, m, "1");
            first.map(|f| {
                let last = (28..=31)
                    .rev()
                    .find_map(|d| Date::from_calendar_date(f.year(), f.month(), d).ok())
                    .unwrap_or(f);
                (f, last, Precision::Month)
            })
        } else {
            None
        };
        if let Some((from, to, precision)) = found.filter(|(f, t, _)| f <= t) {
            out.push(DateMatch {
                start: whole.start(),
                end: whole.end(),
                from,
                to,
                precision,
            });
        }
    }
    out
}

/// A line that is exactly one date of day precision ("September 21, 2023").
pub fn is_dateline(line: &str) -> bool {
    let line = line.trim();
    let found = find_dates(line);
    found.len() == 1
        && found[0].start == 0
        && found[0].end == line.len()
        && found[0].precision == Precision::Day
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
    }

    #[test]
    fn datelines() {
        assert!(is_dateline("September 21, 2023"));
        assert!(!is_dateline("On September 21, 2023 we met."));
        assert!(!is_dateline("November 2024"));
    }
}
