//! Names of states, organisations and groups in a text, in any of the
//! languages of [`Language`]: the generated CLDR and iso-codes tables
//! (`data/*.tsv`), matched word by word after normalization (case,
//! diacritics, Arabic clitics) and, in languages that inflect, with the
//! case endings a name takes ("Республики Казахстан", "Sveriges").

use std::collections::HashMap;
use std::sync::LazyLock;

pub use super::groups::{GROUPS, Group, GroupKind, Member};
use super::lang::Language;
pub use super::words::{Token, is_han_token, normalize_word, tokenize};

const COUNTRIES: &str = include_str!("data/countries.tsv");
const ORGANISATIONS: &str = include_str!("data/organisations.tsv");
const ADJECTIVES: &str = include_str!("data/adjectives.tsv");

/// What a name names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Entity {
    /// A state: its ISO 3166-1 alpha-2 code.
    State([u8; 2]),
    /// An organisation or a group of states, by its entry in [`GROUPS`].
    Group(usize),
}

impl Entity {
    /// The party id: the alpha-2 code, or the group's code.
    pub fn id(self) -> &'static str {
        match self {
            Self::State(code) => state_code(code),
            Self::Group(i) => GROUPS[i].code,
        }
    }
}

fn state_code(code: [u8; 2]) -> &'static str {
    // Every code comes from the tables, which are static: find it there.
    STATE_CODES.get(&code).copied().unwrap_or("ZZ")
}

static STATE_CODES: LazyLock<HashMap<[u8; 2], &'static str>> = LazyLock::new(|| {
    COUNTRIES
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split('\t').next())
        .filter(|c| c.len() == 2)
        .map(|c| ([c.as_bytes()[0], c.as_bytes()[1]], c))
        .collect()
});

/// Abbreviations that CLDR does not list but statements use for states.
const STATE_ABBREVIATIONS: &[(&str, &str)] = &[
    ("US", "U.S."),
    ("US", "U.S.A."),
    ("US", "USA"),
    ("US", "US"),
    ("US", "США"),
    ("US", "САД"),
    ("GB", "UK"),
    ("GB", "U.K."),
    ("KR", "ROK"),
    ("KP", "DPRK"),
    ("CN", "PRC"),
    ("AE", "UAE"),
    ("RU", "РФ"),
    ("CN", "КНР"),
    ("KR", "РК"),
    ("US", "美"),
    ("CN", "中"),
];

/// One name of an entity in one language.
#[derive(Debug)]
struct Entry {
    entity: Entity,
    name: &'static str,
    lang: Option<Language>,
    words: Vec<String>,
    /// For each word: must the text's word be in capitals (an abbreviation)?
    upper: Vec<bool>,
    /// An adjective ("fransk", "deutsch"): matched in any case, inflected.
    adjective: bool,
}

struct Gazetteer {
    entries: Vec<Entry>,
    /// First word (its stem when the language inflects) → entries.
    index: HashMap<String, Vec<usize>>,
}

fn language_of_column(column: &str) -> Option<Language> {
    if column == "sr" {
        return Some(Language::SrCyrl);
    }
    Language::from_tag(column)
}

static GAZETTEER: LazyLock<Gazetteer> = LazyLock::new(|| {
    let mut entries = Vec::new();
    let rows = |table: &'static str| {
        table
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let mut it = l.split('\t');
                Some((it.next()?, it.next()?, it.next()?))
            })
    };
    let mut push = |entity: Entity, lang: Option<Language>, name: &'static str, adjective: bool| {
        let tokens: Vec<Token> = tokenize(name).into_iter().filter(|t| t.word).collect();
        if tokens.is_empty() {
            return;
        }
        let upper = tokens
            .iter()
            .map(|t| {
                let raw = &name[t.start..t.end];
                raw.chars().count() >= 2
                    && raw.chars().all(|c| !c.is_lowercase())
                    && raw.chars().any(char::is_uppercase)
            })
            .collect();
        let words = tokens.into_iter().map(|t| t.norm).collect();
        entries.push(Entry {
            entity,
            name,
            lang,
            words,
            upper,
            adjective,
        });
    };
    for (code, column, name) in rows(COUNTRIES) {
        let b = code.as_bytes();
        if b.len() == 2 {
            push(
                Entity::State([b[0], b[1]]),
                language_of_column(column),
                name,
                false,
            );
        }
    }
    for (code, column, stem) in rows(ADJECTIVES) {
        let b = code.as_bytes();
        if b.len() == 2 {
            push(
                Entity::State([b[0], b[1]]),
                language_of_column(column),
                stem,
                true,
            );
        }
    }
    for (code, column, name) in rows(ORGANISATIONS) {
        if let Some(i) = GROUPS.iter().position(|g| g.code == code) {
            push(Entity::Group(i), language_of_column(column), name, false);
        }
    }
    for (i, group) in GROUPS.iter().enumerate() {
        for name in group.names {
            push(Entity::Group(i), None, name, false);
        }
    }
    for (code, name) in STATE_ABBREVIATIONS {
        let b = code.as_bytes();
        push(Entity::State([b[0], b[1]]), None, name, false);
    }
    let mut index: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        let key = key_of(&e.words[0], e.lang, e.adjective);
        index.entry(key).or_default().push(i);
    }
    Gazetteer { entries, index }
});

/// The part of a name's word that every inflected form of it begins with.
fn key_of(word: &str, lang: Option<Language>, adjective: bool) -> String {
    let inflects = adjective || lang.is_some_and(Language::inflects);
    if !inflects || word.chars().count() <= 3 {
        return word.to_string();
    }
    let slavic = matches!(
        lang,
        Some(Language::Ru | Language::Uk | Language::SrCyrl | Language::SrLatn | Language::Kk)
    );
    if !slavic {
        return word.to_string();
    }
    let mut chars: Vec<char> = word.chars().collect();
    let mut stripped = 0;
    while stripped < 2
        && chars.len() > 3
        && chars
            .last()
            .is_some_and(|c| "аеиоуыэюяйьіaeiouј".contains(*c))
    {
        chars.pop();
        stripped += 1;
    }
    chars.into_iter().collect()
}

/// A name found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// What it names.
    pub entity: Entity,
    /// Byte span in the text searched.
    pub start: usize,
    /// End (exclusive).
    pub end: usize,
    /// Index of its first token and one past its last.
    pub tokens: (usize, usize),
    /// An adjective ("fransk-svensk"), not a name.
    pub adjective: bool,
    /// The name as the tables write it (nominative, full form).
    pub table_name: &'static str,
}

fn word_matches(text_word: &str, raw: &str, entry: &Entry, i: usize) -> bool {
    let name_word = &entry.words[i];
    if entry.upper[i] && raw.chars().any(char::is_lowercase) {
        return false;
    }
    if text_word == name_word {
        return true;
    }
    let inflects = entry.adjective || entry.lang.is_some_and(Language::inflects);
    if !inflects {
        return false;
    }
    let stem = key_of(name_word, entry.lang, entry.adjective);
    let stem_len = stem.chars().count();
    // Short stems take short endings ("Мали" is not "Malcolm").
    let allowed = if stem_len <= 3 {
        1
    } else if entry.adjective || !matches!(entry.lang, Some(Language::De | Language::Sv)) {
        4
    } else {
        2
    };
    text_word.starts_with(&stem) && text_word.chars().count() <= stem_len + allowed && stem_len >= 3
}

/// Every name of `languages` (and the language-neutral abbreviations) in
/// `text`, longest first at each position, left to right. Adjectives are
/// found only when `adjectives` is set.
pub fn find(text: &str, languages: &[Language], adjectives: bool) -> (Vec<Token>, Vec<Mention>) {
    let tokens = tokenize(text);
    let g = &*GAZETTEER;
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if !tokens[i].word {
            i += 1;
            continue;
        }
        let best = longest_entry(text, &tokens, i, languages, adjectives);
        match best {
            Some((end, e, adjective)) => {
                let entry = &g.entries[e];
                // A name starts with a capital where the script has them
                // ("Chad", not "chad"); adjectives need not ("fransk").
                let first = text[tokens[i].start..].chars().next().unwrap_or(' ');
                if adjective || !first.is_lowercase() {
                    out.push(Mention {
                        entity: entry.entity,
                        start: tokens[i].start,
                        end: tokens[end - 1].end,
                        tokens: (i, end),
                        adjective,
                        table_name: entry.name,
                    });
                    i = end;
                    continue;
                }
                i += 1;
            }
            None => i += 1,
        }
    }
    drop_lone_han_adjectives(&mut out, &tokens);
    (tokens, out)
}

/// The entry that matches the longest run of words from token `i` (a name
/// before an adjective of the same length): its end token, its index in
/// the gazetteer and whether it is an adjective.
fn longest_entry(
    text: &str,
    tokens: &[Token],
    i: usize,
    languages: &[Language],
    adjectives: bool,
) -> Option<(usize, usize, bool)> {
    let g = &*GAZETTEER;
    let w = &tokens[i].norm;
    let chars: Vec<(usize, char)> = w.char_indices().collect();
    let mut best: Option<(usize, usize, bool)> = None; // (end token, entry, adjective)
    for cut in 0..=5usize.min(chars.len().saturating_sub(1)) {
        let key = if cut == 0 {
            w.as_str()
        } else {
            &w[..chars[chars.len() - cut].0]
        };
        let Some(candidates) = g.index.get(key) else {
            continue;
        };
        for &e in candidates {
            let entry = &g.entries[e];
            if entry.adjective && !adjectives {
                continue;
            }
            if entry
                .lang
                .is_some_and(|l| l != Language::En && !languages.contains(&l))
            {
                continue;
            }
            if let Some(end) = match_at(text, tokens, i, entry) {
                let better =
                    best.is_none_or(|(b, _, adj)| end > b || (end == b && adj && !entry.adjective));
                if better {
                    best = Some((end, e, entry.adjective));
                }
            }
        }
    }
    best
}

/// A country adjective of one Han character ("中", "法") stands only in a
/// compound of such names ("中法联合声明"), never alone ("一日", "法律").
fn drop_lone_han_adjectives(out: &mut Vec<Mention>, tokens: &[Token]) {
    let lone = |k: usize, out: &[Mention]| {
        let m = &out[k];
        m.adjective
            && m.tokens.1 - m.tokens.0 == 1
            && is_han_token(&tokens[m.tokens.0])
            && !(k > 0 && out[k - 1].tokens.1 == m.tokens.0)
            && out.get(k + 1).is_none_or(|n| n.tokens.0 != m.tokens.1)
    };
    let keep: Vec<bool> = (0..out.len()).map(|k| !lone(k, out)).collect();
    let mut k = 0;
    out.retain(|_| {
        k += 1;
        keep[k - 1]
    });
}

/// Where `entry` matches the words from token `at` on: one past its last token.
fn match_at(text: &str, tokens: &[Token], at: usize, entry: &Entry) -> Option<usize> {
    let mut t = at;
    for i in 0..entry.words.len() {
        // Words of a name may be joined by apostrophes, hyphens and full
        // stops ("Côte d’Ivoire", "U.S."), never by a comma or a new line.
        if i > 0 {
            while t < tokens.len()
                && !tokens[t].word
                && matches!(tokens[t].norm.as_str(), "’" | "'" | "." | "-" | "‐" | "´")
            {
                t += 1;
            }
            if t > 0 && text[tokens[t - 1].end..tokens.get(t)?.start].contains('\n') {
                return None;
            }
        }
        let token = tokens.get(t)?;
        if !token.word || !word_matches(&token.norm, &text[token.start..token.end], entry, i) {
            return None;
        }
        t += 1;
    }
    // "U.S.": take the closing full stop of an abbreviation.
    if entry.words.last().is_some_and(|w| w.chars().count() == 1)
        && tokens
            .get(t)
            .is_some_and(|x| x.norm == "." && x.start == tokens[t - 1].end)
    {
        t += 1;
    }
    Some(t)
}

/// The entity of a party id: a state's alpha-2 code in the tables, or a
/// group's code.
pub fn entity_of_id(id: &str) -> Option<Entity> {
    if let Some(g) = GROUPS.iter().position(|g| g.code == id) {
        return Some(Entity::Group(g));
    }
    let b = id.as_bytes();
    (b.len() == 2 && STATE_CODES.contains_key(&[b[0], b[1]])).then(|| Entity::State([b[0], b[1]]))
}

/// The shortest name of `entity` in `lang` that is not an abbreviation
/// (its CLDR name, as a rule), else in English.
pub fn name_in(entity: Entity, lang: Language) -> Option<&'static str> {
    let g = &*GAZETTEER;
    let best = |l: Language| {
        g.entries
            .iter()
            .filter(|e| {
                e.entity == entity
                    && e.lang == Some(l)
                    && !e.adjective
                    && !e.upper.iter().all(|u| *u)
            })
            .map(|e| e.name)
            .min_by_key(|n| n.chars().count())
    };
    best(lang)
        .or_else(|| best(Language::En))
        .or_else(|| match entity {
            Entity::Group(i) => GROUPS[i].names.iter().copied().max_by_key(|n| n.len()),
            Entity::State(_) => None,
        })
}

/// The entity a whole name stands for, in any language (`"Republic of
/// Korea"`, `"Cote d’Ivoire"`, `"ASEAN"`), if it is one.
pub fn lookup(name: &str) -> Option<Entity> {
    let (tokens, found) = find(name.trim(), &Language::ALL, false);
    let [one] = found.as_slice() else {
        return None;
    };
    let (from, to) = one.tokens;
    tokens
        .iter()
        .enumerate()
        .filter(|(i, t)| t.word && !(from..to).contains(i))
        .all(|(_, t)| t.norm == "the")
        .then_some(one.entity)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(text: &str, lang: Language) -> Vec<&'static str> {
        find(text, &[lang], true)
            .1
            .into_iter()
            .map(|m| m.entity.id())
            .collect()
    }

    #[test]
    fn every_table_says_which_data_made_it() {
        for table in [
            COUNTRIES,
            ORGANISATIONS,
            ADJECTIVES,
            include_str!("data/months.tsv"),
        ] {
            let header = table.lines().next().unwrap_or_default();
            assert!(
                header.contains("scripts/gen-import-data.py from CLDR 47 (babel 2.18.0) and iso-codes (pycountry 26.2.16)"),
                "{header}"
            );
        }
    }

    #[test]
    fn names_in_each_language() {
        assert_eq!(
            ids(
                "the Republic of Kazakhstan and the Republic of Serbia",
                Language::En
            ),
            ["KZ", "RS"]
        );
        assert_eq!(
            ids(
                "Президента Республики Казахстан и Президента Республики Сербия",
                Language::Ru
            ),
            ["KZ", "RS"]
        );
        assert_eq!(
            ids(
                "Председник Републике Србије и Републике Казахстан",
                Language::SrCyrl
            ),
            ["RS", "KZ"]
        );
        assert_eq!(ids("predsednik Republike Srbije", Language::SrLatn), ["RS"]);
        assert_eq!(
            ids("Қазақстан Республикасының Президенті", Language::Kk),
            ["KZ"]
        );
        assert_eq!(
            ids("中华人民共和国和多米尼加共和国", Language::Zh),
            ["CN", "DO"]
        );
        assert_eq!(
            ids("جمهورية كازاخستان وجمهورية صربيا", Language::Ar),
            ["KZ", "RS"]
        );
        assert_eq!(
            ids(
                "la République française et le Royaume de Suède",
                Language::Fr
            ),
            ["FR", "SE"]
        );
        assert_eq!(
            ids("el Reino de España y los Estados Unidos", Language::Es),
            ["ES", "US"]
        );
        assert_eq!(
            ids("Afghanistans president besökte Sverige", Language::Sv),
            ["AF", "SE"]
        );
        assert_eq!(
            ids(
                "des deutschen und des französischen Außenministers",
                Language::De
            ),
            ["DE", "FR"]
        );
        assert_eq!(
            ids("Gemensam fransk-svensk deklaration", Language::Sv),
            ["FR", "SE"]
        );
        assert_eq!(ids("U.S.-EU Summit", Language::En), ["US", "EU"]);
        assert_eq!(ids("中法联合声明", Language::Zh), ["CN", "FR"]);
        assert!(ids("关于法律合作的五月一日", Language::Zh).is_empty());
        assert_eq!(
            ids("Samoa, Cote d’Ivoire and the Gambia", Language::En),
            ["WS", "CI", "GM"]
        );
    }

    #[test]
    fn short_stems_take_short_endings() {
        // Serbian "Mali" (stem "Mal") is not the start of "Malcolm".
        assert!(ids("Malcolm Fraser", Language::SrLatn).is_empty());
        assert_eq!(ids("Mali i Srbija", Language::SrLatn), ["ML", "RS"]);
    }

    #[test]
    fn abbreviations_need_capitals_and_names_a_capital() {
        assert!(ids("let us go to turkey", Language::En).is_empty());
        assert_eq!(ids("the US and the UK", Language::En), ["US", "GB"]);
    }

    #[test]
    fn whole_names() {
        assert_eq!(lookup("Republic of Korea").map(Entity::id), Some("KR"));
        assert_eq!(lookup("The Gambia").map(Entity::id), Some("GM"));
        assert_eq!(
            lookup("Federated States of Micronesia").map(Entity::id),
            Some("FM")
        );
        assert_eq!(lookup("European Union").map(Entity::id), Some("EU"));
        assert_eq!(lookup("Samoa").map(Entity::id), Some("WS"));
        assert_eq!(lookup("Trans-Caspian"), None);
    }
}
