//! Parties: states (ISO 3166-1 alpha-2 codes from the `celes` country data)
//! and organisations named in the text, with their representatives.

use std::sync::LazyLock;

use regex::Regex;

/// A state or organisation found in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    /// ISO 3166-1 alpha-2, or an organisation code.
    pub id: String,
    /// The name as written (without a leading "the").
    pub name: String,
    /// State or organisation.
    pub organisation: bool,
    /// Byte offset in the text searched.
    pub start: usize,
    /// End (exclusive).
    pub end: usize,
}

/// Organisations that sign statements, with stable codes.
const ORGANISATIONS: &[(&str, &[&str])] = &[
    ("EU", &["European Union", "EU"]),
    ("UN", &["United Nations"]),
    ("EAEU", &["Eurasian Economic Union", "EAEU"]),
    (
        "ASEAN",
        &["Association of Southeast Asian Nations", "ASEAN"],
    ),
    ("NATO", &["North Atlantic Treaty Organization", "NATO"]),
    ("AU", &["African Union"]),
    (
        "OSCE",
        &[
            "Organization for Security and Co-operation in Europe",
            "OSCE",
        ],
    ),
    (
        "SCO",
        &[
            "Shanghai Cooperation Organisation",
            "Shanghai Cooperation Organization",
        ],
    ),
    ("CIS", &["Commonwealth of Independent States"]),
];

/// Capitalized phrases: words starting with a capital, joined by short
/// lower-case connectors ("of", "and", "the") and hyphens.
static PHRASE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:[A-Z][\p{L}’'.-]*|U\.S\.)(?:\s+(?:of|and|the|for|de|du|al)\s+[A-Z][\p{L}’'.-]*|\s+[A-Z][\p{L}’'.-]*)*")
        .expect("the phrase pattern is valid (tested)")
});

/// Every name and alias of every country in `celes`, normalized (letters
/// and digits, lower case), with and without a leading "the".
static COUNTRY_NAMES: LazyLock<std::collections::HashMap<String, &'static str>> =
    LazyLock::new(|| {
        let mut map = std::collections::HashMap::new();
        for c in celes::Country::get_countries() {
            let names =
                std::iter::once(c.long_name).chain(celes::LookupTable::iter(&c.aliases).copied());
            for name in names {
                let key = normalize(name);
                if let Some(rest) = key.strip_prefix("the") {
                    map.entry(rest.to_string()).or_insert(c.alpha2);
                }
                map.entry(key).or_insert(c.alpha2);
            }
        }
        map
    });

fn normalize(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The alpha-2 code of a country name as written, if it is one.
pub fn country_code(name: &str) -> Option<&'static str> {
    let name = name
        .trim()
        .trim_start_matches("the ")
        .trim_start_matches("The ");
    if matches!(
        name,
        "U.S." | "United States" | "United States of America" | "USA"
    ) {
        return Some("US");
    }
    if name == "ROK" {
        return Some("KR");
    }
    let key = normalize(name);
    let find = |key: &str| COUNTRY_NAMES.get(key).copied();
    if let Some(code) = find(&key) {
        return Some(code);
    }
    // "Republic of Kazakhstan", "Kingdom of Spain", "State of Qatar".
    for prefix in [
        "republicof",
        "kingdomof",
        "stateof",
        "federationof",
        "sultanateof",
        "principalityof",
        "commonwealthof",
    ] {
        if let Some(code) = key.strip_prefix(prefix).and_then(find) {
            return Some(code);
        }
    }
    // "Kyrgyz Republic", "Slovak Republic": the country whose name begins so.
    if let Some(stem) = key.strip_suffix("republic").filter(|s| s.len() >= 5) {
        let mut matches = COUNTRY_NAMES
            .iter()
            .filter(|(n, _)| n.starts_with(stem))
            .map(|(_, code)| *code);
        if let Some(first) = matches.next()
            && matches.all(|c| c == first)
        {
            return Some(first);
        }
    }
    None
}

fn organisation_code(name: &str) -> Option<&'static str> {
    let name = name
        .trim()
        .trim_start_matches("the ")
        .trim_start_matches("The ");
    ORGANISATIONS
        .iter()
        .find(|(_, names)| names.contains(&name))
        .map(|(code, _)| *code)
}

/// States and organisations named in `text`, in order of appearance.
pub fn find_named(text: &str) -> Vec<Named> {
    let mut out = Vec::new();
    for m in PHRASE.find_iter(text) {
        let phrase = m.as_str().trim_end_matches(['.', '’', '\'']);
        // Try the whole phrase, then shorter windows of its words.
        let words: Vec<(usize, &str)> = phrase
            .split(' ')
            .scan(0usize, |at, w| {
                let here = *at;
                *at += w.len() + 1;
                Some((here, w))
            })
            .collect();
        let mut i = 0;
        while i < words.len() {
            let mut found = None;
            for j in (i + 1..=words.len()).rev() {
                let start = words[i].0;
                let end = words[j - 1].0 + words[j - 1].1.len();
                // "Kazakhstan’s support": the possessive is not part of the name.
                let candidate = phrase[start..end]
                    .trim_end_matches("’s")
                    .trim_end_matches("'s")
                    .trim_end_matches(',');
                let hit = country_code(candidate)
                    .map(|id| (id, false))
                    .or_else(|| organisation_code(candidate).map(|id| (id, true)));
                if let Some((id, organisation)) = hit {
                    found = Some((j, id, organisation, start, start + candidate.len()));
                    break;
                }
            }
            match found {
                Some((j, id, organisation, start, end)) => {
                    let abs_start = m.start() + start;
                    out.push(Named {
                        id: id.to_string(),
                        name: text[abs_start..m.start() + end].to_string(),
                        organisation,
                        start: abs_start,
                        end: m.start() + end,
                    });
                    i = j;
                }
                None => i += 1,
            }
        }
        // "U.S.-EU", "U.S.-Ukraine": hyphenated pairs inside one word.
        for (offset, part) in split_hyphenated(phrase) {
            let at = m.start() + offset;
            if out
                .iter()
                .any(|n| n.start <= at && at < n.end && n.name.len() <= part.len())
            {
                continue;
            }
            if let Some(id) = country_code(part) {
                out.retain(|n| !(n.start <= at && at < n.end));
                out.push(Named {
                    id: id.into(),
                    name: part.into(),
                    organisation: false,
                    start: at,
                    end: at + part.len(),
                });
            } else if let Some(id) = organisation_code(part) {
                out.retain(|n| !(n.start <= at && at < n.end));
                out.push(Named {
                    id: id.into(),
                    name: part.into(),
                    organisation: true,
                    start: at,
                    end: at + part.len(),
                });
            }
        }
    }
    out.sort_by_key(|n| n.start);
    out
}

fn split_hyphenated(phrase: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut at = 0;
    for word in phrase.split(' ') {
        if word.contains('-')
            && (word.starts_with("U.S.-") || word.contains("-EU") || word.matches('-').count() == 1)
        {
            let mut inner = 0;
            for part in word.split('-') {
                if !part.is_empty() {
                    out.push((at + inner, part));
                }
                inner += part.len() + 1;
            }
        }
        at += word.len() + 1;
    }
    out
}

/// A representative: office, optional honorific, name, and the country of the office.
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

const OFFICE: &str = r"(?:President|Prime Minister|Chancellor|King|Queen|Emir|Sultan|Vice President|Foreign Minister|Minister of Foreign Affairs|Chairman|Chairperson)";
const NAME: &str = r"[A-Z][\p{L}’'-]+(?:[ \t]+(?:[A-Z]\.|[A-Z][\p{L}’'-]+))*(?:,[ \t]+Jr\.)?";

static OFFICE_OF_COUNTRY_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?P<office>{OFFICE}) of (?P<country>(?:the )?[A-Z][\p{{L}}-]*(?:[ \t]+(?:of[ \t]+)?[A-Z][\p{{L}}-]*)*),[ \t]+(?:(?P<hon>H\.E\.(?:[ \t]+(?:Mr|Ms|Mrs|Dr)\.)?)[ \t]+)?(?P<name>{NAME})"))
        .expect("the representative pattern is valid (tested)")
});

static OFFICE_NAME_OF_COUNTRY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?P<office>{OFFICE}) (?P<name>{NAME}) of (?P<country>(?:the )?[A-Z][\p{{L}}-]*(?:[ \t]+(?:of[ \t]+)?[A-Z][\p{{L}}-]*)*)"))
        .expect("the representative pattern is valid (tested)")
});

/// Representatives named as "the President of X, H.E. Mr. Name" or
/// "President Name of X".
pub fn find_representatives(text: &str) -> Vec<Representative> {
    let mut out: Vec<Representative> = Vec::new();
    for (regex, _) in [(&*OFFICE_OF_COUNTRY_NAME, 0), (&*OFFICE_NAME_OF_COUNTRY, 1)] {
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
            let rep = Representative {
                party: code.to_string(),
                name: name.as_str().trim_end_matches(',').to_string(),
                title,
                honorific: caps.name("hon").map(|h| h.as_str().to_string()),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_names_to_codes() {
        for (name, code) in [
            ("Republic of Kazakhstan", "KZ"),
            ("the Republic of Serbia", "RS"),
            ("Kyrgyz Republic", "KG"),
            ("Republic of Korea", "KR"),
            ("Japan", "JP"),
            ("United States", "US"),
            ("U.S.", "US"),
            ("Ukraine", "UA"),
            ("India", "IN"),
            ("Turkmenistan", "TM"),
            ("Republic of Uzbekistan", "UZ"),
            ("Republic of Tajikistan", "TJ"),
        ] {
            assert_eq!(country_code(name), Some(code), "{name}");
        }
        assert_eq!(country_code("Trans-Caspian"), None);
    }

    #[test]
    fn named_in_text() {
        let found = find_named("U.S.-EU Summit Joint Statement");
        let ids: Vec<&str> = found.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, vec!["US", "EU"]);
        let found = find_named(
            "The Spirit of Camp David: Joint Statement of Japan, the Republic of Korea, and the United States",
        );
        let ids: Vec<&str> = found.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, vec!["JP", "KR", "US"]);
    }

    #[test]
    fn representatives() {
        let text = "Upon the invitation of the President of the Republic of Kazakhstan, H.E. Mr. Kassym-Jomart Tokayev, the President of the Republic of Serbia, H.E. Mr. Aleksandar Vučić, paid an official visit";
        let reps = find_representatives(text);
        assert_eq!(reps.len(), 2, "{reps:?}");
        assert_eq!(reps[0].name, "Kassym-Jomart Tokayev");
        assert_eq!(reps[0].title, "President of the Republic of Kazakhstan");
        assert_eq!(reps[0].honorific.as_deref(), Some("H.E. Mr."));
        assert_eq!(reps[1].party, "RS");
        assert_eq!(reps[1].name, "Aleksandar Vučić");
        let reps = find_representatives("President Sadyr Japarov of the Kyrgyz Republic");
        assert_eq!(
            (reps[0].party.as_str(), reps[0].name.as_str()),
            ("KG", "Sadyr Japarov")
        );
    }
}
