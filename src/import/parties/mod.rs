//! Parties: the states, organisations and groups that make a statement or
//! witness it, found where diplomatic texts name them — the title (before
//! its topic), the lead paragraphs (lists of states, offices such as "the
//! President of the Republic of X"), the signature block — with their
//! representatives.
//!
//! Mentions elsewhere (a country the text talks about, the place of a
//! visit) are not parties.

use std::sync::LazyLock;

use super::lang::{Language, WITNESS_WORDS};
use super::names::{self, Entity, GroupKind, Mention, Token};
use super::segment::{Block, Kind};

mod representatives;

pub use representatives::{Representative, column_representatives, find_representatives};

/// What a party does in the statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Makes the statement.
    Signatory,
    /// Witnesses it ("as witnessed by …").
    Witness,
}

impl Role {
    /// The name in the statement JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Signatory => "signatory",
            Self::Witness => "witness",
        }
    }
}

/// A party found in the text.
#[derive(Debug, Clone)]
pub struct Party {
    /// What it is.
    pub entity: Entity,
    /// The fullest name the text gives it (or the tables' name, for one
    /// named by an adjective or in an inflected form).
    pub name: String,
    /// Signatory or witness.
    pub role: Role,
    /// Byte offset of its first naming, for ordering.
    pub first: usize,
}

/// Office words, normalized (lower case, no diacritics), in every language
/// of the tables: a country next to one is named as a speaker.
const OFFICES: &[&str] = &[
    "president",
    "minister",
    "chancellor",
    "king",
    "queen",
    "emir",
    "sultan",
    "premier",
    "secretary",
    "ambassador",
    "charge",
    "chairman",
    "chairperson",
    "chair",
    "leader",
    "government",
    "head",
    "representative",
    "delegation",
    "prince",
    "taoiseach",
    "ministre",
    "chancelier",
    "roi",
    "reine",
    "gouvernement",
    "chef",
    "ambassadeur",
    "presidente",
    "ministro",
    "canciller",
    "rey",
    "reina",
    "gobierno",
    "governo",
    "jefe",
    "embajador",
    "representante",
    "primo",
    "prasident",
    "bundeskanzler",
    "kanzler",
    "aussenminister",
    "regierung",
    "botschafter",
    "konig",
    "statsminister",
    "utrikesminister",
    "regering",
    "kung",
    "drottning",
    "президент",
    "премьер",
    "министр",
    "председател",
    "корол",
    "правительств",
    "посол",
    "глав",
    "лидер",
    "канцлер",
    "делегац",
    "прем",
    "міністр",
    "уряд",
    "голов",
    "председник",
    "премијер",
    "министар",
    "краљ",
    "влад",
    "амбасадор",
    "predsednik",
    "premijer",
    "ministar",
    "kralj",
    "vlad",
    "ambasador",
    "төраға",
    "үкімет",
    "елші",
    "رئيس",
    "ملك",
    "امير",
    "وزير",
    "حكومه",
    "سفير",
    "ممثل",
    "ولي",
];

/// Offices written in Han characters, matched on the text itself.
const HAN_OFFICES: &[&str] = &[
    "主席",
    "总统",
    "總統",
    "总理",
    "總理",
    "国王",
    "首相",
    "外长",
    "部长",
    "代表",
    "政府",
    "元首",
    "领导人",
    "大使",
    "国务卿",
];

/// Little words that may stand between the parts of a list or between an
/// office and its country ("the President of the Republic of X").
const ARTICLES: &[&str] = &[
    "the", "of", "la", "le", "les", "l", "el", "los", "las", "de", "del", "du", "des", "der",
    "die", "das", "den", "dem", "von", "af", "och", "its", "their", "о", "da", "do", "dos", "di",
    "della", "il",
];

/// Words of a state's form that may stand between an office and a name the
/// tables do not give in full ("رئيس جمهورية صربيا").
const FORM_WORDS: &[&str] = &[
    "republic",
    "kingdom",
    "state",
    "federation",
    "commonwealth",
    "principality",
    "sultanate",
    "emirate",
    "republique",
    "royaume",
    "etat",
    "republica",
    "reino",
    "estado",
    "republik",
    "konigreich",
    "staat",
    "republiken",
    "konungariket",
    "республик",
    "королевств",
    "государств",
    "федерац",
    "република",
    "краљевин",
    "republika",
    "kraljevin",
    "جمهوريه",
    "مملكه",
    "دوله",
];

static OFFICES_NORMALIZED: LazyLock<Vec<String>> =
    LazyLock::new(|| OFFICES.iter().map(|o| names::normalize_word(o)).collect());

static FORMS_NORMALIZED: LazyLock<Vec<String>> = LazyLock::new(|| {
    FORM_WORDS
        .iter()
        .map(|o| names::normalize_word(o))
        .collect()
});

fn is_office(tokens: &[Token], i: usize, text: &str) -> bool {
    let t = &tokens[i];
    if !t.word {
        return false;
    }
    if HAN_OFFICES.iter().any(|o| text[t.start..].starts_with(o)) {
        return true;
    }
    OFFICES_NORMALIZED
        .iter()
        .any(|o| t.norm.starts_with(o.as_str()) && t.norm.chars().count() <= o.chars().count() + 6)
}

fn capitalized(text: &str, t: &Token) -> bool {
    text[t.start..]
        .chars()
        .next()
        .is_some_and(char::is_uppercase)
}

/// Does an office stand next to the mention (before it, across articles
/// and a person's name; or right after it, as in "Afghanistans president",
/// "中华人民共和国代表", "Қазақстан Республикасының Президенті")?
fn beside_office(text: &str, tokens: &[Token], m: &Mention, others: &[Mention]) -> bool {
    let mut i = m.tokens.0;
    let mut steps = 0;
    while i > 0 && steps < 9 {
        i -= 1;
        steps += 1;
        let t = &tokens[i];
        if is_office(tokens, i, text) {
            return true;
        }
        let passable = !t.word && matches!(t.norm.as_str(), "." | "," | "’" | "'" | "-")
            || t.word
                && !names::is_han_token(t)
                && (ARTICLES.contains(&t.norm.as_str())
                    || capitalized(text, t)
                    || t.norm.chars().count() == 1
                    || FORMS_NORMALIZED
                        .iter()
                        .any(|f| t.norm.starts_with(f.as_str())));
        if !passable || text[t.end..tokens[i + 1].start].contains('\n') {
            break;
        }
    }
    let mut i = m.tokens.1;
    let mut steps = 0;
    while i < tokens.len() && steps < 6 {
        if let Some(o) = others.iter().find(|o| o.tokens.0 == i) {
            i = o.tokens.1;
            continue;
        }
        let t = &tokens[i];
        if text[tokens[i - 1].end..t.start].contains('\n') {
            break;
        }
        if is_office(tokens, i, text) {
            return true;
        }
        let passable = !t.word && matches!(t.norm.as_str(), "’" | "'" | "´")
            || t.word
                && (t.norm == "s" || is_and_word(&t.norm) || ARTICLES.contains(&t.norm.as_str()));
        if !passable {
            break;
        }
        i += 1;
        steps += 1;
    }
    false
}

/// "And" in any language of the tables ("and", "et", "и", "و").
fn is_and_word(norm: &str) -> bool {
    Language::ALL.iter().any(|l| l.and_words().contains(&norm))
}

/// Is the token before the mention (across articles) a place word ("in",
/// "to", "against")?
fn after_place_word(tokens: &[Token], m: &Mention, languages: &[Language]) -> bool {
    let place_word = |t: &Token| {
        t.word
            && languages
                .iter()
                .any(|l| l.place_words().contains(&t.norm.as_str()))
    };
    let mut i = m.tokens.0;
    while i > 0 {
        i -= 1;
        let t = &tokens[i];
        if t.word
            && ARTICLES.contains(&t.norm.as_str())
            && !matches!(t.norm.as_str(), "of" | "de" | "von" | "af")
        {
            continue;
        }
        // "in Phnom Penh, Kingdom of Cambodia": a country after a city.
        if t.norm == "," && i > 0 && tokens[i - 1].word {
            let mut j = i - 1;
            while j > 0 && tokens[j].word && tokens[j].norm.chars().count() > 1 {
                j -= 1;
            }
            if place_word(&tokens[j]) {
                return true;
            }
        }
        return place_word(t);
    }
    false
}

/// Groups of mentions that form a list: separated only by commas, "and"
/// words, articles and short parentheses ("Japan, the Republic of Korea
/// (ROK), and the United States").
fn lists(tokens: &[Token], mentions: &[Mention]) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    for (k, m) in mentions.iter().enumerate() {
        let joined = current.last().is_some_and(|&prev| {
            let between = &tokens[mentions[prev].tokens.1..m.tokens.0];
            let mut depth = 0;
            between.iter().all(|t| {
                match t.norm.as_str() {
                    "(" => depth += 1,
                    ")" => depth -= 1,
                    _ => {}
                }
                depth > 0
                    || matches!(t.norm.as_str(), "," | "&" | "、" | "(" | ")" | ";" | "/")
                    || (t.word && (ARTICLES.contains(&t.norm.as_str()) || is_and_word(&t.norm)))
            }) && between.len() <= 8
        });
        if !joined && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        current.push(k);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The languages whose names are looked for in `text`: its own (detected),
/// the statement's, and English (which statements in every language quote).
fn languages_of(text: &str, statement: Language) -> Vec<Language> {
    let mut langs = vec![super::lang::detect(text)];
    for l in [statement, Language::En] {
        if !langs.contains(&l) {
            langs.push(l);
        }
    }
    langs
}

/// Where the text names the parties, and how to read each place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// The title: every name before its topic, and hyphenated pairs.
    Title,
    /// A lead paragraph: lists of states and offices.
    Lead,
    /// A signature line: every name.
    Signature,
}

/// The blocks that name parties, with how to read them: titles, the first
/// three paragraphs of some length, signature lines and closing formulas.
fn sources(blocks: &[Block]) -> Vec<(usize, Source)> {
    let mut out = Vec::new();
    let mut leads = 0;
    for (i, b) in blocks.iter().enumerate() {
        match b.kind {
            Kind::Title | Kind::Subtitle => out.push((i, Source::Title)),
            Kind::SignatureBlock => out.push((i, Source::Signature)),
            // Closing formulas name places ("Done at Kuala Lumpur,
            // Malaysia"): only lists and offices count there.
            Kind::Closing => out.push((i, Source::Lead)),
            Kind::Preamble
            | Kind::Paragraph
            | Kind::ListLead
            | Kind::Continuation
            | Kind::ListItem
                if leads < 3 && b.end - b.start >= 40 =>
            {
                leads += 1;
                out.push((i, Source::Lead));
            }
            _ => {}
        }
    }
    out
}

/// Where a witness phrase opens in `lower` (lower-cased block text).
fn witness_starts(lower: &str) -> Vec<usize> {
    WITNESS_WORDS
        .iter()
        .flat_map(|w| lower.match_indices(w).map(|(i, _)| i))
        .collect()
}

/// Is byte `at` of the block inside a witness phrase's sentence?
fn witnessed(block_text: &str, starts: &[usize], at: usize) -> bool {
    starts.iter().any(|&w| {
        w < at && {
            let between = &block_text[w..at];
            !between.contains(". ") && !between.contains('\n') && !between.contains(';')
        }
    })
}

/// The parties of the statement, in the order the text first names them.
pub fn find_parties(
    text: &str,
    blocks: &[Block],
    statement: Language,
    date: Option<&str>,
) -> Vec<Party> {
    let mut found: Vec<Party> = Vec::new();
    // Once a signature line names a witness, the signature lines after it
    // are the witnesses'.
    let mut witness_section = false;
    for (index, source) in sources(blocks) {
        let block = &blocks[index];
        // Parties are named at the start of a block: reading at most 16 KiB
        // of each keeps a text of one huge paragraph cheap.
        let bt = super::head(&text[block.start..block.end], 16_384);
        let languages = languages_of(bt, statement);
        let (tokens, mentions) = names::find(bt, &languages, source == Source::Title);
        let lower = bt.to_lowercase();
        // Offsets in `lower` are offsets in the block only when lower-casing
        // kept every length.
        let starts = if lower.len() == bt.len() {
            witness_starts(&lower)
        } else {
            Vec::new()
        };
        if source == Source::Signature && !starts.is_empty() {
            witness_section = true;
        }
        for k in evidence(source, bt, &tokens, &mentions, &languages) {
            let m = &mentions[k];
            let role = if witnessed(&lower, &starts, m.start)
                || (source == Source::Signature && witness_section)
            {
                Role::Witness
            } else {
                Role::Signatory
            };
            let name = party_name(bt, m, statement);
            add_party(&mut found, m, name, role, block.start + m.start);
        }
    }
    drop_groups_named_by_members(&mut found, date);
    found.sort_by_key(|p| p.first);
    found
}

/// The mentions of a block that name a party, as its source is read; each
/// once, in order.
fn evidence(
    source: Source,
    block_text: &str,
    tokens: &[Token],
    mentions: &[Mention],
    languages: &[Language],
) -> Vec<usize> {
    let mut evidence = match source {
        Source::Title => title_evidence(tokens, mentions, languages),
        Source::Lead => lead_evidence(block_text, tokens, mentions, languages),
        Source::Signature => (0..mentions.len())
            .filter(|&k| !after_place_word(tokens, &mentions[k], languages))
            .collect(),
    };
    evidence.sort_unstable();
    evidence.dedup();
    evidence
}

/// In a title, the names before its topic ("… Joint Statement on …"),
/// unless a place word stands before them, and the names of a hyphenated
/// pair ("U.S.-EU").
fn title_evidence(tokens: &[Token], mentions: &[Mention], languages: &[Language]) -> Vec<usize> {
    let topic = tokens.iter().position(|t| {
        t.word
            && languages
                .iter()
                .any(|l| l.topic_words().contains(&t.norm.as_str()))
    });
    let mut evidence = Vec::new();
    for (k, m) in mentions.iter().enumerate() {
        let before_topic = topic.is_none_or(|at| m.tokens.1 <= at);
        let hyphenated = [m.tokens.0.checked_sub(1), Some(m.tokens.1)]
            .into_iter()
            .flatten()
            .any(|j| {
                tokens
                    .get(j)
                    .is_some_and(|t| matches!(t.norm.as_str(), "-" | "–" | "‐"))
                    && mentions
                        .iter()
                        .any(|o| o != m && (o.tokens.1 == j || o.tokens.0 == j + 1))
            });
        if (before_topic && !after_place_word(tokens, m, languages)) || hyphenated {
            evidence.push(k);
        }
    }
    evidence
}

/// In a lead paragraph or closing formula, every name of a list of two or
/// more parties, a state among them, not after a place word; or of any
/// list one of whose names stands beside an office.
fn lead_evidence(
    block_text: &str,
    tokens: &[Token],
    mentions: &[Mention],
    languages: &[Language],
) -> Vec<usize> {
    let mut evidence = Vec::new();
    for list in lists(tokens, mentions) {
        let mut distinct: Vec<Entity> = list.iter().map(|&k| mentions[k].entity).collect();
        distinct.sort();
        distinct.dedup();
        let has_state = distinct.iter().any(|e| matches!(e, Entity::State(_)));
        let names_parties = (distinct.len() >= 2
            && has_state
            && !after_place_word(tokens, &mentions[list[0]], languages))
            || list
                .iter()
                .any(|&k| beside_office(block_text, tokens, &mentions[k], mentions));
        if names_parties {
            evidence.extend(&list);
        }
    }
    evidence
}

/// The name of a mention: the table's name in the statement's language for
/// an adjective ("French"), the words as written when they are the table's
/// name, else the table's name (for an inflected or shortened form).
fn party_name(block_text: &str, m: &Mention, statement: Language) -> String {
    let written = block_text[m.start..m.end]
        .trim_start_matches("the ")
        .trim_start_matches("The ");
    let exact = names::normalize_word(written) == names::normalize_word(m.table_name)
        || names::tokenize(written)
            .iter()
            .map(|t| t.norm.as_str())
            .eq(names::tokenize(m.table_name)
                .iter()
                .map(|t| t.norm.as_str()));
    if m.adjective {
        names::name_in(m.entity, statement)
            .unwrap_or(m.table_name)
            .to_string()
    } else if exact {
        written.to_string()
    } else {
        m.table_name.to_string()
    }
}

/// Adds a mention's party, or merges it into the party found before: a
/// signatory once named as one, under the longest name it is given by name.
fn add_party(found: &mut Vec<Party>, m: &Mention, name: String, role: Role, first: usize) {
    match found.iter_mut().find(|p| p.entity == m.entity) {
        Some(p) => {
            if role == Role::Signatory {
                p.role = Role::Signatory;
            }
            let better = !m.adjective && name.chars().count() > p.name.chars().count();
            if better {
                p.name = name;
            }
        }
        None => found.push(Party {
            entity: m.entity,
            name,
            role,
            first,
        }),
    }
}

/// A group whose members the text names one by one ("the leaders of
/// Denmark, Estonia, …") speaks through them: the members are the parties.
fn drop_groups_named_by_members(found: &mut Vec<Party>, date: Option<&str>) {
    let ids: Vec<&'static str> = found.iter().map(|p| p.entity.id()).collect();
    found.retain(|p| {
        let Entity::Group(g) = p.entity else {
            return true;
        };
        let members = members_on(g, date);
        let named = members.iter().filter(|m| ids.contains(m)).count();
        // An informal group speaks through the members it names (half of
        // them suffice: "the Nordic-Baltic leaders (Denmark, …)"); an
        // organisation only when all are named.
        let through_members = members.len() >= 2
            && (named == members.len()
                || (named * 2 >= members.len() && names::GROUPS[g].kind == GroupKind::Group));
        !through_members
    });
}

/// The members of a group on a day (all current members when no day).
pub fn members_on(group: usize, date: Option<&str>) -> Vec<&'static str> {
    names::GROUPS[group]
        .members
        .iter()
        .filter(|m| match date {
            Some(d) => m.since.is_none_or(|s| s <= d) && m.until.is_none_or(|u| d <= u),
            None => m.until.is_none(),
        })
        .map(|m| m.code)
        .collect()
}

/// The ISO 3166-1 alpha-2 code of a state's name as written, in any
/// language of the tables, if it is one.
pub fn country_code(name: &str) -> Option<&'static str> {
    match names::lookup(name)? {
        e @ Entity::State(_) => Some(e.id()),
        Entity::Group(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::segment;

    fn ids(text: &str) -> Vec<(&'static str, Role)> {
        let blocks = segment::segment(text, 0);
        let lang = super::super::lang::detect(text);
        find_parties(text, &blocks, lang, None)
            .into_iter()
            .map(|p| (p.entity.id(), p.role))
            .collect()
    }

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
            ("Turkmenistan", "TM"),
            ("Republic of Uzbekistan", "UZ"),
            ("Samoa", "WS"),
            ("American Samoa", "AS"),
        ] {
            assert_eq!(country_code(name), Some(code), "{name}");
        }
        assert_eq!(country_code("Trans-Caspian"), None);
    }

    // Invented snippets, each testing one rule.
    #[test]
    fn the_title_names_its_authors_not_its_topic() {
        use Role::Signatory as S;
        assert_eq!(
            ids(
                "Joint Statement of Japan and the United States following the Visit of the Prime Minister of India\n\nWe met."
            ),
            [("JP", S), ("US", S)]
        );
        assert_eq!(
            ids("Joint Statement of Japan and the United States on Ukraine\n\nWe met."),
            [("JP", S), ("US", S)]
        );
        assert_eq!(
            ids("Déclaration conjointe de la France et de l'Allemagne\n\nNous."),
            [("FR", S), ("DE", S)]
        );
    }

    #[test]
    fn leads_name_parties_by_lists_and_offices_not_by_mentions() {
        use Role::Signatory as S;
        assert_eq!(
            ids(
                "Statement\n\nThe Governments of Chile, Peru and Ecuador condemn the attack on Ukraine and call on Russia to stop."
            ),
            [("CL", S), ("PE", S), ("EC", S)]
        );
        assert_eq!(
            ids(
                "Statement\n\nThe Governments of Chile and Peru discussed the situation in Syria and Lebanon."
            ),
            [("CL", S), ("PE", S)]
        );
        assert_eq!(
            ids(
                "Заявление\n\nПрезидент Российской Федерации и Президент Республики Казахстан провели переговоры в Астане."
            ),
            [("RU", S), ("KZ", S)]
        );
        assert_eq!(
            ids(
                "Заједничка изјава\n\nПредседник Републике Србије и Председник Републике Казахстан потписали су у Београду."
            ),
            [("RS", S), ("KZ", S)]
        );
        assert_eq!(
            ids(
                "Бірлескен мәлімдеме\n\nҚазақстан Республикасының Президенті мен Сербия Республикасының Президенті келіссөздер жүргізді."
            ),
            [("KZ", S), ("RS", S)]
        );
        assert_eq!(
            ids("بيان مشترك\n\nأجرى رئيس جمهورية كازاخستان ورئيس جمهورية صربيا محادثات في أستانا."),
            [("KZ", S), ("RS", S)]
        );
        assert_eq!(
            ids(
                "Declaración conjunta\n\nEl Presidente del Gobierno de España y el Presidente de la República Francesa se reunieron en Madrid."
            ),
            [("ES", S), ("FR", S)]
        );
    }

    #[test]
    fn witnesses_and_groups() {
        assert_eq!(
            ids(
                "Joint Declaration\n\nThe President of the Republic of Armenia and the President of the Republic of Azerbaijan, as witnessed by the President of the United States of America, declare the following."
            ),
            [
                ("AM", Role::Signatory),
                ("AZ", Role::Signatory),
                ("US", Role::Witness)
            ]
        );
        assert_eq!(
            ids(
                "G7 Leaders’ Statement on Ukraine\n\nWe, the Leaders of the G7, stand with Ukraine."
            ),
            [("G7", Role::Signatory)]
        );
    }
}
