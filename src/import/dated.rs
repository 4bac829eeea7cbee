//! The date and place of a statement: where diplomatic texts print them —
//! the closing formula ("Done at … on …", "ADOPTED in … on the Twelfth day
//! of …"), a sentence that says the text was signed, adopted or released
//! on a day, a dateline ("Stockholm, 20 October 2015"), a date beside the
//! parties in the lead — else the last day of a dated occasion (a visit,
//! a summit), or of the dates of the title, marked inferred.

use serde_json::{Value, json};

use super::dates::{self, DateMatch, Precision};
use super::segment::{Block, Kind};

/// The date found, with its place and the occasion it was taken from.
#[derive(Debug, Clone)]
pub struct Dated {
    /// The `date` of the statement.
    pub value: Value,
    /// The `place` of adoption, when the same words give it.
    pub place: Option<Value>,
    /// The occasion the date was inferred from.
    pub occasion: Option<Value>,
}

/// Words saying that a text was signed, adopted or released, in each
/// language: a date in the same sentence is the statement's date.
const ADOPTED: &[&str] = &[
    "signed",
    "adopted",
    "done at",
    "done in",
    "released",
    "issued",
    "signé",
    "adopté",
    "fait à",
    "publié",
    "firmad",
    "adoptad",
    "hecho en",
    "emitid",
    "assinad",
    "adotad",
    "firmat",
    "adottat",
    "unterzeichnet",
    "angenommen",
    "verabschiedet",
    "geschehen",
    "undertecknad",
    "antagen",
    "utfärdad",
    "подписан",
    "принят",
    "совершено",
    "потписан",
    "усвојен",
    "сачињен",
    "potpisan",
    "usvojen",
    "sačinjen",
    "підписан",
    "ухвален",
    "қол қой",
    "қабылдан",
    "签署",
    "签订",
    "簽署",
    "通过",
    "發表",
    "发表",
    "وقع",
    "اعتمد",
    "حرر",
    "صدر",
];

/// Words naming an occasion, and the occasion's kind.
const OCCASIONS: &[(&str, &str)] = &[
    ("summit", "summit"),
    ("sommet", "summit"),
    ("cumbre", "summit"),
    ("gipfel", "summit"),
    ("toppmöte", "summit"),
    ("саммит", "summit"),
    ("самит", "summit"),
    ("峰会", "summit"),
    ("قمة", "summit"),
    ("conference", "conference"),
    ("conférence", "conference"),
    ("konferenz", "conference"),
    ("конференц", "conference"),
    ("meeting", "meeting"),
    ("session", "meeting"),
    ("ministerial", "meeting"),
    ("réunion", "meeting"),
    ("reunión", "meeting"),
    ("treffen", "meeting"),
    ("möte", "meeting"),
    ("встреч", "meeting"),
    ("заседани", "meeting"),
    ("会晤", "meeting"),
    ("会谈", "meeting"),
    ("اجتماع", "meeting"),
    ("visit", "other"),
    ("visite", "other"),
    ("visita", "other"),
    ("besuch", "other"),
    ("besök", "other"),
    ("визит", "other"),
    ("посет", "other"),
    ("poset", "other"),
    ("сапар", "other"),
    ("访问", "other"),
    ("زيارة", "other"),
];

/// The sentence of `text` around byte `at`: from after the previous full
/// stop (or line break) to the next.
fn sentence(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at];
    // After the whole mark: `。` is three bytes.
    let start = before
        .rmatch_indices([';', '\n', '。'])
        .next()
        .map_or(0, |(i, mark)| i + mark.len())
        .max(before.rfind(". ").map_or(0, |i| i + 2));
    let after = &text[at..];
    let end = after
        .find(". ")
        .or_else(|| after.find(['\n', '。', ';']))
        .map_or(text.len(), |i| at + i);
    (start, end)
}

fn value(m: &DateMatch, words: &str, inferred: bool) -> Value {
    let mut v = json!({"text": words, "start": m.from.to_string()});
    if m.to != m.from {
        v["end"] = m.to.to_string().into();
    }
    v["precision"] = m.precision.as_str().into();
    if inferred {
        v["inferred"] = true.into();
    }
    v
}

/// A place named in a closing formula or dateline: capitalized words after
/// the formula's preposition, up to a comma, " on " or the date.
fn place_of(words: &str) -> Option<Value> {
    let lower = words.to_lowercase();
    let after = [
        " at ", " in ", " à ", " en ", " em ", " a ", " zu ", " i ", " в ", " у ", " u ", " في ",
    ]
    .iter()
    .filter_map(|p| lower.find(p).map(|i| i + p.len()))
    .min()?;
    let rest = words.get(after..)?;
    let place: String = rest
        .split([',', '\n', '('])
        .next()?
        .split(' ')
        .take_while(|w| {
            w.starts_with(|c: char| c.is_uppercase()) || matches!(*w, "de" | "al" | "el")
        })
        .collect::<Vec<_>>()
        .join(" ");
    let place = place.trim_end_matches([',', '.']).trim();
    (!place.is_empty() && place.chars().count() <= 60).then(|| json!({"name": place}))
}

/// The date of the statement, where the text gives one: the first that
/// steps 1 to 5 below find, in order, the surest first.
pub fn statement_date(text: &str, blocks: &[Block]) -> Option<Dated> {
    let leads: Vec<usize> = (0..blocks.len())
        .filter(|&i| is_prose(&blocks[i]))
        .take(3)
        .collect();
    adoption_date(text, blocks, &leads)
        .or_else(|| dateline_date(text, blocks))
        .or_else(|| date_beside_parties(text, blocks, &leads))
        .or_else(|| occasion_end(text, blocks))
        .or_else(|| dated_occasion_in_lead(text, blocks, &leads))
        .or_else(|| title_date(text, blocks))
}

/// Blocks of running text (closing formulas included), where sentences
/// can say when the text was adopted.
fn is_prose(b: &Block) -> bool {
    matches!(
        b.kind,
        Kind::Preamble
            | Kind::Paragraph
            | Kind::ListLead
            | Kind::Continuation
            | Kind::ListItem
            | Kind::Closing
    )
}

/// The dates of `block_text` that name a day (not a month or a year).
fn days(block_text: &str) -> impl Iterator<Item = DateMatch> {
    dates::find_dates(block_text)
        .into_iter()
        .filter(|m| m.precision == Precision::Day)
}

/// A date printed in the text, with the place the same words give.
fn printed(m: &DateMatch, words: &str, place: Option<Value>) -> Dated {
    Dated {
        value: value(m, words, false),
        place,
        occasion: None,
    }
}

/// A day the text does not print as the statement's date, taken from what
/// it does print (an occasion, the title).
fn inferred_day(start: Value, occasion: Option<Value>) -> Dated {
    Dated {
        value: json!({"start": start, "precision": "day", "inferred": true}),
        place: None,
        occasion,
    }
}

/// Step 1: a closing formula, or a sentence saying the text was signed,
/// adopted or released on a day — in the last blocks (read from the end,
/// where formulas stand), then in the lead paragraphs.
fn adoption_date(text: &str, blocks: &[Block], leads: &[usize]) -> Option<Dated> {
    let n = blocks.len();
    for i in (n.saturating_sub(8)..n).rev().chain(leads.iter().copied()) {
        let b = &blocks[i];
        if !(is_prose(b) || b.kind == Kind::SignatureBlock) {
            continue;
        }
        let bt = &text[b.start..b.end];
        for m in days(bt) {
            let (s, e) = sentence(bt, m.start);
            let said = bt[s..e].to_lowercase();
            if b.kind == Kind::Closing || ADOPTED.iter().any(|w| said.contains(w)) {
                let place = (b.kind == Kind::Closing)
                    .then(|| place_of(&bt[s..e]))
                    .flatten();
                return Some(printed(&m, &bt[m.start..m.end], place));
            }
        }
    }
    None
}

/// Step 2: a dateline ("Stockholm, 20 October 2015"), with its place.
fn dateline_date(text: &str, blocks: &[Block]) -> Option<Dated> {
    blocks
        .iter()
        .filter(|b| b.kind == Kind::Dateline)
        .find_map(|b| {
            let line = text[b.start..b.end].trim();
            let (m, place) = dates::dateline(line)?;
            let place = place.map(|(s, e)| json!({"name": &line[s..e]}));
            Some(printed(&m, &line[m.start..m.end], place))
        })
}

/// Step 3: a day in the parentheses that follow the parties in the lead,
/// "(Denmark, …, Sweden, 14 February 2025)".
fn date_beside_parties(text: &str, blocks: &[Block], leads: &[usize]) -> Option<Dated> {
    for &i in leads {
        let bt = &text[blocks[i].start..blocks[i].end];
        for m in days(bt) {
            let open = bt[..m.start].rfind('(');
            let close = bt[m.end..].find(')');
            if open.is_some_and(|o| !bt[o..m.start].contains(')'))
                && close.is_some_and(|c| !bt[m.end..m.end + c].contains('('))
            {
                return Some(printed(&m, &bt[m.start..m.end], None));
            }
        }
    }
    None
}

/// Step 4a: the last day of the occasion the text names (a visit on given
/// days).
fn occasion_end(text: &str, blocks: &[Block]) -> Option<Dated> {
    let found = super::references::find_occasion(text, blocks, &[])?;
    let end = found.get("end").or(found.get("start")).cloned()?;
    Some(inferred_day(end, None))
}

/// Step 4b: the last day of a dated occasion in the sentence of a lead
/// paragraph ("the summit held on 3-4 May"), kept as the statement's
/// occasion.
fn dated_occasion_in_lead(text: &str, blocks: &[Block], leads: &[usize]) -> Option<Dated> {
    for &i in leads {
        let bt = &text[blocks[i].start..blocks[i].end];
        let lower = bt.to_lowercase();
        for m in days(bt) {
            let (s, e) = sentence(bt, m.start);
            let Some(&(word, kind)) = OCCASIONS
                .iter()
                .find(|(w, _)| lower.get(s..e).is_some_and(|x| x.contains(w)))
            else {
                continue;
            };
            let at = s + lower[s..e].find(word).unwrap_or(0);
            let start = at.min(m.start);
            let mut occasion = json!({"kind": kind, "text": &bt[start..m.end.max(at)], "start": m.from.to_string(), "end": m.to.to_string()});
            occasion["block"] = i.into();
            return Some(inferred_day(m.to.to_string().into(), Some(occasion)));
        }
    }
    None
}

/// Step 5: the last day of the dates of the title.
fn title_date(text: &str, blocks: &[Block]) -> Option<Dated> {
    let title = blocks.iter().find(|b| b.kind == Kind::Title)?;
    let m = days(&text[title.start..title.end]).next()?;
    Some(inferred_day(m.to.to_string().into(), None))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Regression: the sentence after a Chinese full stop began inside it
    // (`。` is three bytes), and a date in that sentence made import panic.
    #[test]
    fn a_date_after_a_chinese_full_stop_does_not_panic() {
        let text = "中华人民共和国和法兰西共和国联合声明\n\n双方同意加强合作。二〇二四年五月六日签署于巴黎\n";
        let blocks = super::super::segment::segment(text, 0);
        let dated = statement_date(text, &blocks).expect("the signing date");
        assert_eq!(
            (&dated.value["text"], &dated.value["start"]),
            (&json!("二〇二四年五月六日"), &json!("2024-05-06"))
        );
        let line = "双方同意加强合作。二〇二四年五月六日签署";
        assert_eq!(
            sentence(line, "双方同意加强合作。".len()).0,
            "双方同意加强合作。".len()
        );
    }
}
