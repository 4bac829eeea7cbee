//! Representatives: who signs or speaks for a party — "the President of
//! X, H.E. Mr. Name", "President Name of X", or the columns of a signature
//! block.

use std::sync::LazyLock;

use regex::Regex;

use super::super::lang::Language;
use super::super::names::{self, Entity};
use super::super::segment::{self, Block, Kind};
use super::{country_code, languages_of};

/// A representative: office, optional honorific, name, and the party of the office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Representative {
    /// Party code of the office.
    pub party: String,
    /// Full name as printed.
    pub name: String,
    /// Office, e.g. "President of the Republic of Kazakhstan".
    pub title: String,
    /// Honorific as printed, e.g. "H.E. Mr.".
    pub honorific: Option<String>,
}

const OFFICE: &str = r"(?:(?:Deputy|Vice)[ -])?(?:President|Prime Minister|Chancellor|King|Queen|Emir|Sultan|Vice President|Foreign Minister|Minister of Foreign Affairs|Chairman|Chairperson)";
const NAME: &str = r"[A-Z][\p{L}’'-]+(?:[ \t]+(?:[A-Z]\.|[A-Z][\p{L}’'-]+))*(?:,[ \t]+Jr\.)?";
const COUNTRY: &str = r"(?:the )?[A-Z][\p{L}-]*(?:[ \t]+(?:of[ \t]+)?[A-Z][\p{L}-]*)*";

static OFFICE_OF_COUNTRY_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?P<office>{OFFICE}) of (?P<country>{COUNTRY}),[ \t]+(?:(?P<hon>H\.E\.(?:[ \t]+(?:Mr|Ms|Mrs|Dr)\.)?)[ \t]+)?(?P<name>{NAME})"))
        .expect("the representative pattern is valid (tested)")
});

static OFFICE_NAME_OF_COUNTRY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?P<office>{OFFICE}) (?P<name>{NAME}) of (?P<country>{COUNTRY})"
    ))
    .expect("the representative pattern is valid (tested)")
});

/// Representatives named as "the President of X, H.E. Mr. Name" or
/// "President Name of X".
pub fn find_representatives(text: &str) -> Vec<Representative> {
    let mut out: Vec<Representative> = Vec::new();
    for regex in [&*OFFICE_OF_COUNTRY_NAME, &*OFFICE_NAME_OF_COUNTRY] {
        for caps in regex.captures_iter(text) {
            let (Some(office), Some(country), Some(name)) =
                (caps.name("office"), caps.name("country"), caps.name("name"))
            else {
                continue;
            };
            let country_text = country.as_str().trim_end_matches([',', '.']);
            let Some(code) = country_code(country_text) else {
                continue;
            };
            let title = format!("{} of {}", office.as_str(), country_text);
            let mut name = name.as_str().trim_end_matches(',');
            let mut honorific = caps.name("hon").map(|h| h.as_str().to_string());
            // "His Excellency" is a form of address, not a name; "Mr Cyril
            // Ramaphosa" carries his honorific without a full stop.
            if name.starts_with("His ")
                || name.starts_with("Her ")
                || name.starts_with("Excellency")
            {
                continue;
            }
            for title in ["Mr ", "Ms ", "Mrs ", "Dr ", "Mr. ", "Ms. ", "Mrs. ", "Dr. "] {
                if let Some(rest) = name.strip_prefix(title) {
                    honorific = Some(title.trim_end().to_string());
                    name = rest;
                }
            }
            let rep = Representative {
                party: code.to_string(),
                name: name.to_string(),
                title,
                honorific,
            };
            if !out
                .iter()
                .any(|r| r.party == rep.party && r.name == rep.name)
            {
                out.push(rep);
            }
        }
    }
    out
}

/// Representatives of a signature block laid out in columns: a line of
/// offices (or parties) side by side, then a line of names side by side
/// ("中华人民共和国代表     多米尼加共和国代表" / "王 毅     米格尔·…").
pub fn column_representatives(
    text: &str,
    blocks: &[Block],
    statement: Language,
) -> Vec<Representative> {
    let mut out = Vec::new();
    let signature: Vec<&Block> = blocks
        .iter()
        .filter(|b| b.kind == Kind::SignatureBlock)
        .collect();
    for pair in signature.windows(2) {
        let (first, second) = (
            &text[pair[0].start..pair[0].end],
            &text[pair[1].start..pair[1].end],
        );
        let (a, b) = (segment::columns(first), segment::columns(second));
        if a.len() < 2 || a.len() != b.len() {
            continue;
        }
        let languages = languages_of(first, statement);
        let parties_of = |line: &str, cols: &[(usize, usize)]| -> Vec<Option<Entity>> {
            cols.iter()
                .map(|&(s, e)| {
                    names::find(&line[s..e], &languages, false)
                        .1
                        .first()
                        .map(|m| m.entity)
                })
                .collect()
        };
        let (pa, pb) = (parties_of(first, &a), parties_of(second, &b));
        // Offices above names, or names above offices.
        let (offices, office_cols, people, people_cols, parties) =
            if pa.iter().all(Option::is_some) && pb.iter().all(Option::is_none) {
                (first, &a, second, &b, pa)
            } else if pb.iter().all(Option::is_some) && pa.iter().all(Option::is_none) {
                (second, &b, first, &a, pb)
            } else {
                continue;
            };
        for (k, entity) in parties.into_iter().enumerate() {
            let Some(entity) = entity else { continue };
            out.push(Representative {
                party: entity.id().to_string(),
                name: people[people_cols[k].0..people_cols[k].1].to_string(),
                title: offices[office_cols[k].0..office_cols[k].1].to_string(),
                honorific: None,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_column_signatures_in_either_order() {
        // Invented: the names above the offices, then the Chinese layout.
        for text in [
            "Joint Declaration of Chile and Peru\n\nThe two governments agreed.\n\nDone at Lima on 3 March 2025.\n\nAna Pérez                  Juan Gómez\nPresident of Chile         President of Peru\n",
            "Joint Declaration of Chile and Peru\n\nThe two governments agreed.\n\nDone at Lima on 3 March 2025.\n\nPresident of Chile         President of Peru\nAna Pérez                  Juan Gómez\n",
        ] {
            let blocks = segment::segment(text, 0);
            let reps: Vec<(String, String, String)> =
                column_representatives(text, &blocks, Language::En)
                    .into_iter()
                    .map(|r| (r.party, r.name, r.title))
                    .collect();
            assert_eq!(
                reps,
                [
                    ("CL".into(), "Ana Pérez".into(), "President of Chile".into()),
                    ("PE".into(), "Juan Gómez".into(), "President of Peru".into())
                ],
                "{text}"
            );
        }
    }
}
