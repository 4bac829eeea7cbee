//! `docseal import`: plain text to a statement that validates, keeps every
//! word of the source and points each block back to the exact bytes it came
//! from. What the text does not say is left out; what is inferred is marked
//! `"inferred": true`.

pub mod dated;
pub mod dates;
mod groups;
pub mod lang;
pub mod names;
pub mod parties;
pub mod references;
pub mod segment;
mod words;

use serde_json::{Value, json};

use crate::digest::Sha256Digest;

/// What import could not find in the text and the statement needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Missing {
    /// No party is named where statements name them.
    Parties,
    /// No date of adoption or release.
    Date,
    /// No valid id can be made (no parties, no date, no usable file name).
    Id,
}

impl Missing {
    /// What is missing, in words.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Parties => {
                "the parties (no state or organisation is named in the title, the lead paragraphs or the signature block)"
            }
            Self::Date => "the date (no dateline, closing formula, release date or dated occasion)",
            Self::Id => "an id (made from the parties and the date)",
        }
    }
}

/// Why a text cannot be imported.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// The bytes are not UTF-8.
    #[error("the text is not valid UTF-8 (first bad byte at offset {offset})")]
    NotUtf8 {
        /// Offset of the first invalid byte.
        offset: usize,
    },
    /// No text at all.
    #[error("the text is empty")]
    Empty,
    /// The bytes look binary (NUL bytes).
    #[error("the file looks binary (NUL byte at offset {offset}), not like a statement")]
    Binary {
        /// Offset of the first NUL.
        offset: usize,
    },
    /// What the schema needs is not in the text.
    #[error("could not find {} in the text", .missing.iter().map(|m| m.describe()).collect::<Vec<_>>().join(", nor "))]
    Missing {
        /// Each thing missing.
        missing: Vec<Missing>,
    },
    /// A `--date` that is not an ISO 8601 day or range of days.
    #[error("{value:?} is not a date: expected YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD")]
    BadDate {
        /// The value given.
        value: String,
    },
    /// A `--party` that is not `CODE[:ROLE]`.
    #[error(
        "{value:?} is not a party: expected CODE or CODE:ROLE (CODE an ISO 3166-1 alpha-2 code or an organisation code such as EU, ASEAN, G7; ROLE signatory or witness)"
    )]
    BadParty {
        /// The value given.
        value: String,
    },
    /// A `--language` that is not a BCP 47 tag.
    #[error("{value:?} is not a BCP 47 language tag (e.g. en, fr, sr-Latn)")]
    BadLanguage {
        /// The value given.
        value: String,
    },
    /// An `--id` the schema refuses.
    #[error(
        "{value:?} is not a statement id: lower-case letters, digits, '.', '_' and '-', at most 128"
    )]
    BadId {
        /// The value given.
        value: String,
    },
}

/// A party given by the user (`--party CODE[:ROLE]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyOverride {
    /// Party id (upper case).
    pub id: String,
    /// Its role.
    pub role: parties::Role,
}

impl std::str::FromStr for PartyOverride {
    type Err = ImportError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let bad = || ImportError::BadParty {
            value: value.to_string(),
        };
        let (code, role) = match value.split_once(':') {
            Some((c, r)) => (c, r),
            None => (value, "signatory"),
        };
        let role = match role.to_ascii_lowercase().as_str() {
            "signatory" => parties::Role::Signatory,
            "witness" => parties::Role::Witness,
            _ => return Err(bad()),
        };
        let id = code.trim().to_ascii_uppercase();
        let valid = id.len() >= 2
            && id.len() <= 16
            && id.starts_with(|c: char| c.is_ascii_uppercase())
            && id
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-');
        if !valid {
            return Err(bad());
        }
        Ok(Self { id, role })
    }
}

/// Settings of an import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Statement id (default: party codes and date).
    pub id: Option<String>,
    /// Statement type (default: from the title, else `joint-statement`).
    pub kind: Option<String>,
    /// BCP 47 language (default: detected from the text).
    pub language: Option<String>,
    /// File name recorded in `source.file`.
    pub file_name: Option<String>,
    /// Title (default: the title line, if any).
    pub title: Option<String>,
    /// Date of the statement, `YYYY-MM-DD` or `YYYY-MM-DD..YYYY-MM-DD`
    /// (default: from the text).
    pub date: Option<String>,
    /// Parties (default: from the text).
    pub parties: Vec<PartyOverride>,
}

/// A statement made from a text, ready to be serialized (field order as in
/// the schema). Built without an intermediate JSON tree, so that large texts
/// stay cheap.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Statement {
    /// The schema id.
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    /// Statement id.
    pub id: String,
    /// Statement type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Title line, when the text has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// BCP 47.
    pub language: String,
    /// Date of the statement (printed, or inferred from the occasion).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<Value>,
    /// Place of adoption.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place: Option<Value>,
    /// Parties.
    pub parties: Vec<Value>,
    /// Occasion.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub occasion: Option<Value>,
    /// Blocks.
    pub body: Vec<BodyBlock>,
    /// References.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<references::Reference>,
    /// The source text's identity.
    pub source: Value,
}

/// One block of the body.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BodyBlock {
    /// Kind.
    pub kind: &'static str,
    /// Normalized label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Exact text.
    pub text: String,
    /// Byte span.
    pub span: [usize; 2],
    /// Parent block.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<usize>,
    /// Position in an auto-numbered list, when it differs from the label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<u32>,
}

/// Imports a text into a statement.
pub fn import(bytes: &[u8], options: &ImportOptions) -> Result<Statement, ImportError> {
    let text = checked_text(bytes)?;
    let language = language_tag(options.language.as_deref(), text)?;
    let lang = lang::Language::from_tag(&language).unwrap_or_else(|| lang::detect(text));
    let from = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let blocks = segment::segment(text, from);
    if blocks.is_empty() {
        return Err(ImportError::Empty);
    }

    let found_date = dated::statement_date(text, &blocks);
    let given_date = options.date.as_deref().map(given_date).transpose()?;
    let date_start = given_date
        .as_ref()
        .or(found_date.as_ref().map(|d| &d.value))
        .and_then(|d| d["start"].as_str().map(str::to_owned));

    let found = parties::find_parties(text, &blocks, lang, date_start.as_deref());
    let party_values = party_values(
        text,
        &blocks,
        lang,
        &found,
        &options.parties,
        date_start.as_deref(),
    );
    let ids: Vec<&str> = party_values
        .iter()
        .filter_map(|p| p["id"].as_str())
        .collect();
    let occasion = found_date
        .as_ref()
        .and_then(|d| d.occasion.clone())
        .or_else(|| references::find_occasion(text, &blocks, &ids));
    let (date, place) = date_and_place(given_date, found_date);

    let title = options.title.clone().or_else(|| title_line(text, &blocks));
    let kind = options
        .kind
        .clone()
        .unwrap_or_else(|| statement_type(title.as_deref()).into());
    let id = statement_id(options, &ids, date.as_ref())?;
    check_complete(&party_values, date.as_ref(), &id)?;
    Ok(Statement {
        schema: crate::schema::JOINT_STATEMENT_ID,
        id,
        kind,
        title,
        language,
        date,
        place,
        parties: party_values,
        occasion,
        body: body(text, &blocks),
        references: references::find_references(text, &blocks),
        source: source(bytes, options.file_name.as_deref()),
    })
}

/// The first `max` bytes of `text` at most, cut at the start of a character:
/// what is read of a text where only its start matters.
fn head(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The statement's date and place: a date given replaces the one found,
/// but not the place found with it.
fn date_and_place(
    given: Option<Value>,
    found: Option<dated::Dated>,
) -> (Option<Value>, Option<Value>) {
    match (given, found) {
        (Some(d), found) => (Some(d), found.and_then(|f| f.place)),
        (None, Some(f)) => (Some(f.value), f.place),
        (None, None) => (None, None),
    }
}

/// The text of the title line, if the text has one.
fn title_line(text: &str, blocks: &[segment::Block]) -> Option<String> {
    blocks
        .iter()
        .find(|b| b.kind == segment::Kind::Title)
        .map(|b| text[b.start..b.end].to_string())
}

/// The id given (checked), else one made from the parties and the date.
fn statement_id(
    options: &ImportOptions,
    ids: &[&str],
    date: Option<&Value>,
) -> Result<String, ImportError> {
    match &options.id {
        Some(id) if valid_id(id) => Ok(id.clone()),
        Some(id) => Err(ImportError::BadId { value: id.clone() }),
        None => Ok(default_id(ids, date, options.file_name.as_deref())),
    }
}

/// The bytes as text: UTF-8, and not binary.
fn checked_text(bytes: &[u8]) -> Result<&str, ImportError> {
    if let Some(offset) = memchr::memchr(0, bytes) {
        return Err(ImportError::Binary { offset });
    }
    std::str::from_utf8(bytes).map_err(|e| ImportError::NotUtf8 {
        offset: e.valid_up_to(),
    })
}

/// The statement's language: the tag given (checked), else the one
/// detected in the text.
fn language_tag(given: Option<&str>, text: &str) -> Result<String, ImportError> {
    let Some(tag) = given else {
        return Ok(lang::detect(text).tag().to_string());
    };
    // The shape of a BCP 47 tag: a primary subtag of 2 or 3 letters, then
    // subtags of 2 to 8 letters or digits.
    let valid = tag.split('-').enumerate().all(|(i, p)| {
        (if i == 0 {
            (2..=3).contains(&p.len())
        } else {
            (2..=8).contains(&p.len())
        }) && p.chars().all(|c| c.is_ascii_alphanumeric())
    });
    if !valid {
        return Err(ImportError::BadLanguage {
            value: tag.to_string(),
        });
    }
    Ok(tag.to_string())
}

/// The blocks with their exact text.
fn body(text: &str, blocks: &[segment::Block]) -> Vec<BodyBlock> {
    blocks
        .iter()
        .map(|b| BodyBlock {
            kind: b.kind.as_str(),
            label: b.label.clone(),
            text: text[b.start..b.end].to_string(),
            span: [b.start, b.end],
            parent: b.parent,
            number: b.number,
        })
        .collect()
}

/// Refuses a statement without what the schema needs, naming all of it.
fn check_complete(parties: &[Value], date: Option<&Value>, id: &str) -> Result<(), ImportError> {
    let mut missing = Vec::new();
    if parties.is_empty() {
        missing.push(Missing::Parties);
    }
    if date.is_none() {
        missing.push(Missing::Date);
    }
    if !valid_id(id) {
        missing.push(Missing::Id);
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(ImportError::Missing { missing })
    }
}

/// The source text's identity: its length and digest, and its file name.
fn source(bytes: &[u8], file_name: Option<&str>) -> Value {
    let mut source = json!({
        "media_type": "text/plain; charset=utf-8",
        "length": bytes.len(),
        "sha256": Sha256Digest::of_bytes(bytes).to_string(),
    });
    if let Some(file) = file_name {
        source["file"] = file.into();
    }
    source
}

fn valid_id(id: &str) -> bool {
    let b = id.as_bytes();
    !b.is_empty()
        && b.len() <= 128
        && (b[0].is_ascii_lowercase() || b[0].is_ascii_digit())
        && b.iter().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'.' | b'_' | b'-')
        })
}

/// `--date`: a day or a range of days.
fn given_date(value: &str) -> Result<Value, ImportError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let bad = || ImportError::BadDate {
        value: value.to_string(),
    };
    let (a, b) = value.split_once("..").unwrap_or((value, value));
    let start = time::Date::parse(a.trim(), &format).map_err(|_| bad())?;
    let end = time::Date::parse(b.trim(), &format).map_err(|_| bad())?;
    if end < start {
        return Err(bad());
    }
    let mut v = json!({"start": start.to_string(), "precision": "day"});
    if end != start {
        v["end"] = end.to_string().into();
    }
    Ok(v)
}

/// The parties as JSON: those found, or those given (which override).
fn party_values(
    text: &str,
    blocks: &[segment::Block],
    lang: lang::Language,
    found: &[parties::Party],
    given: &[PartyOverride],
    date: Option<&str>,
) -> Vec<Value> {
    let mut representatives = parties::find_representatives(&representative_sources(text, blocks));
    representatives.extend(parties::column_representatives(text, blocks, lang));
    chosen_parties(found, given, lang)
        .into_iter()
        .map(|(entity, name, role)| party_value(entity, &name, role, &representatives, date))
        .collect()
}

/// The text of the blocks that name representatives, one a line: the
/// title, preamble, signature lines and closing formulas, then the first
/// two paragraphs.
fn representative_sources(text: &str, blocks: &[segment::Block]) -> String {
    use segment::Kind;
    let naming = blocks.iter().filter(|b| {
        matches!(
            b.kind,
            Kind::Title | Kind::Subtitle | Kind::Preamble | Kind::SignatureBlock | Kind::Closing
        )
    });
    let first_prose = blocks
        .iter()
        .filter(|b| matches!(b.kind, Kind::Paragraph | Kind::ListLead))
        .take(2);
    let mut sources = String::new();
    for b in naming.chain(first_prose) {
        sources.push_str(&text[b.start..b.end]);
        sources.push('\n');
    }
    sources
}

/// The parties to record: those found, or, when some are given, those
/// given (named as the text names them, else as the tables do).
fn chosen_parties(
    found: &[parties::Party],
    given: &[PartyOverride],
    lang: lang::Language,
) -> Vec<(names::Entity, String, parties::Role)> {
    if given.is_empty() {
        return found
            .iter()
            .map(|p| (p.entity, p.name.clone(), p.role))
            .collect();
    }
    given
        .iter()
        .filter_map(|g| {
            let entity = names::entity_of_id(&g.id)?;
            let name = found
                .iter()
                .find(|p| p.entity == entity)
                .map(|p| p.name.clone())
                .or_else(|| names::name_in(entity, lang).map(str::to_owned))
                .unwrap_or_else(|| g.id.clone());
            Some((entity, name, g.role))
        })
        .collect()
}

/// One party as JSON, with a group's members on the day and the party's
/// representatives.
fn party_value(
    entity: names::Entity,
    name: &str,
    role: parties::Role,
    representatives: &[parties::Representative],
    date: Option<&str>,
) -> Value {
    let id = entity.id();
    let kind = match entity {
        names::Entity::State(_) => "state",
        names::Entity::Group(g) => match names::GROUPS[g].kind {
            names::GroupKind::Organisation => "organisation",
            names::GroupKind::Group => "group",
        },
    };
    let mut p = json!({
        "id": id,
        "kind": kind,
        "name": official_name(id, name, representatives),
        "role": role.as_str(),
    });
    if let names::Entity::Group(g) = entity {
        let members = parties::members_on(g, date);
        if !members.is_empty() {
            p["members"] = json!(members);
        }
    }
    let reps: Vec<Value> = representatives
        .iter()
        .filter(|r| r.party == id)
        .map(|r| {
            let mut v = json!({"name": r.name, "title": r.title});
            if let Some(h) = &r.honorific {
                v["honorific"] = h.clone().into();
            }
            v
        })
        .collect();
    if !reps.is_empty() {
        p["representatives"] = reps.into();
    }
    p
}

/// The fullest name the text uses for a party: the one in a
/// representative's office ("Republic of Kazakhstan"), else as named.
fn official_name(id: &str, name: &str, representatives: &[parties::Representative]) -> String {
    representatives
        .iter()
        .filter(|r| r.party == id)
        .filter_map(|r| {
            r.title
                .split_once(" of ")
                .map(|(_, c)| c.trim_start_matches("the ").to_string())
        })
        .max_by_key(String::len)
        .filter(|n| n.len() >= name.len())
        .unwrap_or_else(|| name.trim_start_matches("the ").to_string())
}

/// Words of a communiqué's name.
const COMMUNIQUE_WORDS: &[&str] = &[
    "communiqu",
    "comunicado",
    "comunicato",
    "kommuniké",
    "kommunique",
    "коммюнике",
    "комюнике",
    "公报",
    "公報",
    "بلاغ",
];

/// Words saying a text is joint.
const JOINT_WORDS: &[&str] = &[
    "joint",
    "conjoint",
    "conjunt",
    "congiunt",
    "gemeinsam",
    "gemensam",
    "совместн",
    "заједничк",
    "zajedničk",
    "спільн",
    "бірлескен",
    "联合",
    "聯合",
    "مشترك",
];

/// Words of a declaration's name.
const DECLARATION_WORDS: &[&str] = &[
    "declaration",
    "déclaration",
    "declaración",
    "declaração",
    "dichiarazione",
    "erklärung",
    "deklaration",
    "декларац",
    "декларациј",
    "deklaracij",
    "宣言",
    "إعلان",
];

/// Words of a statement's name.
const STATEMENT_WORDS: &[&str] = &[
    "statement",
    "заявлени",
    "изјав",
    "izjav",
    "мәлімдеме",
    "声明",
    "聲明",
    "بيان",
];

/// Names of a press statement.
const PRESS_WORDS: &[&str] = &[
    "press statement",
    "presseerklärung",
    "déclaration à la presse",
    "declaración a la prensa",
    "заявление для прессы",
    "pressmeddelande",
];

/// What the title calls the text, in each language of the tables.
fn statement_type(title: Option<&str>) -> &'static str {
    let lower = title.unwrap_or_default().to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    if has(COMMUNIQUE_WORDS) {
        "communique"
    } else if has(PRESS_WORDS) {
        "press-statement"
    } else if has(DECLARATION_WORDS) && has(JOINT_WORDS) && !has(STATEMENT_WORDS) {
        "joint-declaration"
    } else if has(DECLARATION_WORDS) && !has(STATEMENT_WORDS) {
        "declaration"
    } else {
        "joint-statement"
    }
}

fn default_id(ids: &[&str], date: Option<&Value>, file: Option<&str>) -> String {
    // Beyond four parties, the codes make no readable id: the file's name does.
    let mut parts: Vec<String> = if ids.len() <= 4 {
        ids.iter().map(|i| i.to_ascii_lowercase()).collect()
    } else {
        Vec::new()
    };
    if let Some(day) = date.and_then(|d| d["start"].as_str()) {
        parts.push(day.to_string());
    }
    if parts.is_empty() || (ids.len() > 4 && file.is_some()) {
        let stem = file
            .and_then(|f| f.rsplit('/').next())
            .map(|f| f.trim_end_matches(".txt"))
            .unwrap_or("statement");
        let clean: String = stem
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        return clean.trim_matches('-').to_string();
    }
    parts.join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(text: &str) -> (String, Vec<String>, Option<String>, usize) {
        let s = import(text.as_bytes(), &ImportOptions::default())
            .unwrap_or_else(|e| panic!("{e}: {text}"));
        let parties = s
            .parties
            .iter()
            .map(|p| {
                let id = p["id"].as_str().unwrap_or_default();
                if p["role"] == "witness" {
                    format!("{id}:witness")
                } else {
                    id.to_string()
                }
            })
            .collect();
        let numbered = s
            .body
            .iter()
            .filter(|b| b.kind == "paragraph" && b.label.is_some())
            .count();
        (
            s.language,
            parties,
            s.date.and_then(|d| d["start"].as_str().map(str::to_owned)),
            numbered,
        )
    }

    fn expect(text: &str, language: &str, parties: &[&str], date: &str, numbered: usize) {
        assert_eq!(
            summary(text),
            (
                language.to_string(),
                parties.iter().map(|p| p.to_string()).collect(),
                Some(date.to_string()),
                numbered
            ),
            "{text}"
        );
    }

    // Invented statements, one per language the corpus lacks, each in the
    // layout that language's statements use; they test the rules, they are
    // not real texts.
    #[test]
    fn statements_in_each_language() {
        expect(
            "Совместное заявление Президента Российской Федерации и Президента Республики Казахстан о дальнейшем сотрудничестве\n\n\
             1. Стороны подтвердили приверженность Уставу Организации Объединенных Наций.\n\n\
             2. Стороны договорились продолжить сотрудничество.\n\n\
             Москва, 26 февраля 2026 года\n",
            "ru",
            &["RU", "KZ"],
            "2026-02-26",
            2,
        );
        expect(
            "Заједничка изјава председника Републике Србије и председника Републике Казахстан\n\n\
             1. Стране су потврдиле пријатељство.\n\n2. Стране су се договориле о сарадњи.\n\n\
             Београд, 26. фебруар 2026. године\n",
            "sr-Cyrl",
            &["RS", "KZ"],
            "2026-02-26",
            2,
        );
        expect(
            "Zajednička izjava predsednika Republike Srbije i predsednika Republike Francuske\n\n\
             Strane su potvrdile prijateljstvo i dogovorile se da je saradnja važna.\n\n\
             Beograd, 26.02.2026.\n",
            "sr-Latn",
            &["RS", "FR"],
            "2026-02-26",
            0,
        );
        expect(
            "Қазақстан Республикасы мен Сербия Республикасының бірлескен мәлімдемесі\n\n\
             1. Тараптар достық қарым-қатынасты растады.\n\n\
             Астана қ., 2026 жылғы 27 ақпан\n",
            "kk",
            &["KZ", "RS"],
            "2026-02-27",
            1,
        );
        expect(
            "Déclaration conjointe de la République française et du Royaume de Suède\n\n\
             1. Les deux pays réaffirment leur amitié.\n\n2. Ils conviennent de coopérer.\n\n\
             Fait à Paris, le 18 septembre 2015, en deux exemplaires.\n",
            "fr",
            &["FR", "SE"],
            "2015-09-18",
            2,
        );
        expect(
            "Declaración conjunta del Reino de España y de la República de Chile\n\n\
             Los dos gobiernos acordaron reforzar la cooperación y que la relación es estratégica.\n\n\
             Madrid, 18 de septiembre de 2015\n",
            "es",
            &["ES", "CL"],
            "2015-09-18",
            0,
        );
        expect(
            "中华人民共和国和法兰西共和国联合声明\n\n一、双方同意加强合作。\n\n二、双方同意保持高层交往。\n\n\
             中华人民共和国主席          法兰西共和国总统\n\n二〇二四年五月六日于巴黎\n",
            "zh",
            &["CN", "FR"],
            "2024-05-06",
            2,
        );
        expect(
            "بيان مشترك بين المملكة العربية السعودية وجمهورية مصر العربية\n\n\
             اتفق الجانبان على تعزيز التعاون في جميع المجالات.\n\n\
             حرر في الرياض في ٢٦ فبراير ٢٠٢٦م\n",
            "ar",
            &["SA", "EG"],
            "2026-02-26",
            0,
        );
        expect(
            "Joint Declaration\n\nThe Prime Minister of the Kingdom of Thailand and the Prime Minister of the Kingdom of Cambodia have agreed as follows.\n\n\
             1. The Parties commit to a ceasefire.\n\n\
             Signed at Kuala Lumpur, Malaysia, on October 26, 2025\n\n\
             Prime Minister of the Kingdom of Thailand\n\nPrime Minister of the Kingdom of Cambodia\n\n\
             Witnessed by:\n\nPresident of the United States of America\n\nPrime Minister of Malaysia\n",
            "en",
            &["TH", "KH", "US:witness", "MY:witness"],
            "2025-10-26",
            1,
        );
    }

    #[test]
    fn what_titles_call_the_text() {
        for (title, kind) in [
            ("Joint Communiqué of the 9th Session", "communique"),
            (
                "Gemensam kommuniké från Afghanistans president",
                "communique",
            ),
            (
                "中华人民共和国和多米尼加共和国关于建立外交关系的联合公报",
                "communique",
            ),
            ("Gemensam fransk-svensk deklaration", "joint-declaration"),
            (
                "Déclaration conjointe de la France et de l'Allemagne",
                "joint-declaration",
            ),
            ("Declaration on Atlantic Cooperation", "declaration"),
            (
                "Gemeinsame Presseerklärung des deutschen und des französischen Außenministers",
                "press-statement",
            ),
            ("Совместное заявление Президентов", "joint-statement"),
            ("U.S.-EU Summit Joint Statement", "joint-statement"),
        ] {
            assert_eq!(statement_type(Some(title)), kind, "{title}");
        }
    }

    #[test]
    fn the_place_of_a_closing_formula() {
        let text = "Joint Declaration of Chile and Peru\n\nThe two governments agreed.\n\nSigned at Kuala Lumpur on October 26, 2025\n";
        let s = import(text.as_bytes(), &ImportOptions::default()).unwrap();
        assert_eq!(s.place, Some(json!({"name": "Kuala Lumpur"})));
    }
}
