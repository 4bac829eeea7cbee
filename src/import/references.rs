//! What the text refers to: dates, agreements, events, organisations and
//! documents, each with its exact words, its span and its block; and the
//! occasion (a visit, a summit, a meeting) when the text names one.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Value, json};

use super::dates::{self, DateMatch};
use super::parties;
use super::segment::{Block, Kind};

const CAP: &str = r"[A-Z][\p{L}’'-]*";
const TAIL: &str = r"(?:\s+(?:between|of|on|for|in)(?:\s+(?:(?:the|of|and|its|for|on|in|member|states)(?-u:\b)|[A-Z][\p{L}’'-]*(?:\s+\([A-Za-z]+\))?))+)?";

static EVENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?-u:\b)(?:(?:[IVX]+|\d+(?:st|nd|rd|th))\s+)?(?:{CAP}\s+)*(?:Summit|Congress|Conference|Forum|Dialogue|Games|Olympics|EXPO|Expo|Assembly)(?:\s+\d{{4}})?(?:\s+of\s+(?:{CAP})(?:\s+(?:and|of|the|for)\s+{CAP}|\s+{CAP})*)?"
    ))
    .expect("the event pattern is valid (tested)")
});

static AGREEMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?-u:\b)(?:{CAP}\s+)*(?:Agreement|Treaty|Memorandum of Understanding|Convention|Accord|Protocol|Charter|Declaration|Plan|Strategy|Framework)(?-u:\b){TAIL}"
    ))
    .expect("the agreement pattern is valid (tested)")
});

static ORGANISATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?-u:\b)(?:{CAP}\s+)*(?:Union|Nations|Organization|Organisation|Agency|Council|Commission|Centre|Center|Bank|Fund|Association|Alliance|Committee|Club)(?-u:\b){TAIL}"
    ))
    .expect("the organisation pattern is valid (tested)")
});

static VISIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:paid|pays|made|makes|is paying) an? (?P<kind>official|state|working) visit to (?P<place>[A-Z][\p{L}-]*(?:\s+[A-Z][\p{L}-]*)*)")
        .expect("the visit pattern is valid (tested)")
});

/// Trims what a greedy phrase match drags along: trailing connectors,
/// a leading "The", spaces.
fn trim_phrase(text: &str, start: usize, end: usize) -> (usize, usize) {
    let mut s = start;
    let mut e = end;
    loop {
        let phrase = &text[s..e];
        let trimmed = phrase.trim_end();
        let last = trimmed.rsplit(' ').next().unwrap_or_default();
        if matches!(
            last,
            "the" | "of" | "and" | "its" | "for" | "on" | "in" | "between" | "member"
        ) && trimmed.len() > last.len()
        {
            e = s + trimmed.len() - last.len();
            continue;
        }
        e = s + trimmed.len();
        break;
    }
    for lead in ["The ", "the "] {
        if text[s..e].starts_with(lead) {
            s += lead.len();
        }
    }
    (s, e)
}

/// A date as printed and normalized.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DateRef {
    /// The words, when they differ from the reference's own text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// First day (ISO 8601).
    pub start: String,
    /// Last day (ISO 8601).
    pub end: String,
    /// `day` or `month`.
    pub precision: &'static str,
}

/// Something the text refers to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Reference {
    /// date, agreement, event, organisation, document.
    pub kind: &'static str,
    /// The exact words.
    pub text: String,
    /// When, for dates and for events and agreements followed by a date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<DateRef>,
    /// Index of the block.
    pub block: usize,
    /// Byte span in the source.
    pub span: [usize; 2],
}

fn date_value(m: &DateMatch, text: Option<&str>) -> DateRef {
    DateRef {
        text: text.map(str::to_owned),
        start: m.from.to_string(),
        end: m.to.to_string(),
        precision: m.precision.as_str(),
    }
}

/// The first date after `at` in the same sentence of `block_text`.
fn date_after(block_text: &str, at: usize) -> Option<(DateMatch, &str)> {
    let rest = &block_text[at..];
    let sentence_end = rest.find(". ").map_or(rest.len(), |i| i + 1);
    dates::find_dates(&rest[..sentence_end])
        .into_iter()
        .next()
        .map(|m| {
            let words = &rest[m.start..m.end];
            (
                DateMatch {
                    start: m.start + at,
                    end: m.end + at,
                    ..m
                },
                words,
            )
        })
}

/// References of every block, in order.
pub fn find_references(text: &str, blocks: &[Block]) -> Vec<Reference> {
    let mut out = Vec::new();
    for (index, block) in blocks.iter().enumerate() {
        if matches!(
            block.kind,
            Kind::Dateline | Kind::EndMarker | Kind::Separator
        ) {
            continue;
        }
        let bt = &text[block.start..block.end];
        let mut found = phrase_references(bt, index, block.start);
        found.extend(date_references(bt, index, block.start));
        // Stable: a phrase and a date starting together keep that order.
        found.sort_by_key(|(at, _)| *at);
        out.extend(found.into_iter().map(|(_, v)| v));
    }
    out
}

/// The events, agreements, documents and organisations a block names
/// (patterns tried in that order; a phrase overlapping one taken is not
/// taken again), each with where it starts in the block. `start` is the
/// block's offset in the source.
fn phrase_references(block_text: &str, block: usize, start: usize) -> Vec<(usize, Reference)> {
    let mut taken: Vec<(usize, usize)> = Vec::new();
    let mut found = Vec::new();
    for (regex, kind) in [
        (&*EVENT, "event"),
        (&*AGREEMENT, "agreement"),
        (&*ORGANISATION, "organisation"),
    ] {
        for m in regex.find_iter(block_text) {
            let (s, e) = trim_phrase(block_text, m.start(), m.end());
            if e <= s || taken.iter().any(|&(a, b)| s < b && a < e) {
                continue;
            }
            let words = &block_text[s..e];
            if !names_something(words) {
                continue;
            }
            let kind = phrase_kind(kind, words);
            taken.push((s, e));
            let date = if kind == "organisation" {
                None
            } else {
                date_after(block_text, e).map(|(d, dtext)| date_value(&d, Some(dtext)))
            };
            found.push((
                s,
                Reference {
                    kind,
                    text: words.to_string(),
                    date,
                    block,
                    span: [start + s, start + e],
                },
            ));
        }
    }
    found
}

/// A lone generic word ("Agreement", "Council") says nothing, and names of
/// states are parties, not organisations.
fn names_something(words: &str) -> bool {
    (words.contains(' ') || words.chars().any(|c| c.is_ascii_digit()))
        && parties::country_code(words).is_none()
}

/// Charters, plans, strategies and declarations are documents, not
/// agreements.
fn phrase_kind(kind: &'static str, words: &str) -> &'static str {
    if kind == "agreement"
        && (words.starts_with("Charter")
            || words.contains("Plan")
            || words.contains("Strategy")
            || words.contains("Declaration"))
    {
        "document"
    } else {
        kind
    }
}

/// Every date of a block, with where it starts in the block.
fn date_references(block_text: &str, block: usize, start: usize) -> Vec<(usize, Reference)> {
    dates::find_dates(block_text)
        .into_iter()
        .map(|d| {
            (
                d.start,
                Reference {
                    kind: "date",
                    text: block_text[d.start..d.end].to_string(),
                    date: Some(date_value(&d, None)),
                    block,
                    span: [start + d.start, start + d.end],
                },
            )
        })
        .collect()
}

/// The occasion: "paid an official visit to Kazakhstan on February 26-27,
/// 2026" (host: the place's country; guests: the other parties), or a summit
/// named in the title.
pub fn find_occasion(text: &str, blocks: &[Block], party_ids: &[&str]) -> Option<Value> {
    for (index, block) in blocks.iter().enumerate() {
        let bt = &text[block.start..block.end];
        let Some(caps) = VISIT.captures(bt) else {
            continue;
        };
        let (Some(whole), Some(kind), Some(place)) =
            (caps.get(0), caps.name("kind"), caps.name("place"))
        else {
            continue;
        };
        let mut v = json!({"kind": format!("{}-visit", kind.as_str())});
        let mut end = whole.end();
        let date = date_after(bt, whole.end());
        if let Some((d, _)) = &date {
            end = d.end;
        }
        v["text"] = bt[whole.start()..end].into();
        if let Some((d, _)) = &date {
            v["start"] = d.from.to_string().into();
            v["end"] = d.to.to_string().into();
        }
        if let Some(host) = parties::country_code(place.as_str()) {
            v["host"] = host.into();
            let guests: Vec<&str> = party_ids.iter().copied().filter(|p| *p != host).collect();
            if !guests.is_empty() {
                v["guests"] = json!(guests);
            }
        }
        v["block"] = index.into();
        return Some(v);
    }
    let title = blocks.iter().position(|b| b.kind == Kind::Title)?;
    let tt = &text[blocks[title].start..blocks[title].end];
    let at = tt.find("Summit")?;
    let start = tt[..at].trim_end().rfind(' ').map_or(0, |i| i + 1);
    let mut v = json!({"kind": "summit", "text": &tt[start..at + "Summit".len()]});
    v["block"] = title.into();
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_compile_and_find_the_reference_phrases() {
        let text = "16. The Presidents welcomed the outcomes of the VIII Congress of Leaders of World and Traditional Religions, held in Astana on September 17-18, 2025, and reaffirmed";
        let blocks = vec![Block {
            kind: Kind::Paragraph,
            label: Some("16".into()),
            start: 0,
            end: text.len(),
            parent: None,
            number: None,
        }];
        let refs = find_references(text, &blocks);
        let event = refs.iter().find(|r| r.kind == "event").unwrap();
        assert_eq!(
            event.text,
            "VIII Congress of Leaders of World and Traditional Religions"
        );
        let date = event.date.as_ref().unwrap();
        assert_eq!(
            (date.start.as_str(), date.end.as_str()),
            ("2025-09-17", "2025-09-18")
        );
        let text = "8. The Parties reaffirmed their commitment to the effective implementation of the Free Trade Agreement between the Republic of Serbia and the Eurasian Economic Union and its member states, signed in October 2019, recognizing";
        let blocks = vec![Block {
            kind: Kind::Paragraph,
            label: Some("8".into()),
            start: 0,
            end: text.len(),
            parent: None,
            number: None,
        }];
        let refs = find_references(text, &blocks);
        let fta = refs.iter().find(|r| r.kind == "agreement").unwrap();
        assert_eq!(
            fta.text,
            "Free Trade Agreement between the Republic of Serbia and the Eurasian Economic Union and its member states"
        );
        let date = fta.date.as_ref().unwrap();
        assert_eq!(
            (date.precision, date.start.as_str()),
            ("month", "2019-10-01")
        );
    }
}
