//! `docseal import`: plain text to a statement that validates, keeps every
//! word of the source and points each block back to the exact bytes it came
//! from. What the text does not say is left out; what is inferred is marked
//! `"inferred": true`.

pub mod dates;
pub mod parties;
pub mod references;
pub mod segment;

use serde_json::{Value, json};

use crate::digest::Sha256Digest;
use segment::Kind;

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
}

/// Settings of an import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Statement id (default: party codes and date).
    pub id: Option<String>,
    /// Statement type (default: from the title, else `joint-statement`).
    pub kind: Option<String>,
    /// BCP 47 language (default `en`).
    pub language: Option<String>,
    /// File name recorded in `source.file`.
    pub file_name: Option<String>,
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
}

/// Imports a text into a statement.
pub fn import(bytes: &[u8], options: &ImportOptions) -> Result<Statement, ImportError> {
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        return Err(ImportError::Binary { offset });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| ImportError::NotUtf8 {
        offset: e.valid_up_to(),
    })?;
    let from = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let blocks = segment::segment(text, from);
    if blocks.is_empty() {
        return Err(ImportError::Empty);
    }
    let block_text = |i: usize| &text[blocks[i].start..blocks[i].end];

    // Parties: named in the title (when it names two or more), else in the
    // first paragraph; plus every signature line.
    let title_index = blocks.iter().position(|b| b.kind == Kind::Title);
    let mut party_sources: Vec<usize> = Vec::new();
    if let Some(t) = title_index
        && distinct_ids(&parties::find_named(block_text(t))) >= 2
    {
        party_sources.push(t);
    } else if let Some(first) = blocks
        .iter()
        .position(|b| matches!(b.kind, Kind::Paragraph | Kind::Preamble | Kind::ListLead))
    {
        party_sources.push(first);
    }
    party_sources.extend(
        blocks
            .iter()
            .enumerate()
            .filter(|(_, b)| b.kind == Kind::SignatureBlock)
            .map(|(i, _)| i),
    );
    let mut named: Vec<parties::Named> = Vec::new();
    for &i in &party_sources {
        // Organisations are parties only when the title names them
        // ("U.S.-EU Summit"); in prose they are mostly mentioned.
        let from_title = Some(i) == title_index;
        for n in parties::find_named(block_text(i)) {
            if n.organisation && !from_title {
                continue;
            }
            if !named.iter().any(|m| m.id == n.id) {
                named.push(n);
            }
        }
    }
    // Keep only signatories: in a leaders' paragraph, names of third states
    // (mentioned as places) are dropped when the paragraph names their leader.
    let representatives = parties::find_representatives(text);
    let party_values: Vec<Value> = named
        .iter()
        .map(|n| {
            let reps: Vec<Value> = representatives
                .iter()
                .filter(|r| r.party == n.id)
                .map(|r| {
                    let mut v = json!({"name": r.name, "title": r.title});
                    if let Some(h) = &r.honorific {
                        v["honorific"] = h.clone().into();
                    }
                    v
                })
                .collect();
            let mut p = json!({
                "id": n.id,
                "kind": if n.organisation { "organisation" } else { "state" },
                "name": official_name(n, &representatives),
                "role": "signatory",
            });
            if !reps.is_empty() {
                p["representatives"] = reps.into();
            }
            p
        })
        .collect();

    // Body.
    let body: Vec<BodyBlock> = blocks
        .iter()
        .map(|b| BodyBlock {
            kind: b.kind.as_str(),
            label: b.label.clone(),
            text: text[b.start..b.end].to_string(),
            span: [b.start, b.end],
            parent: b.parent,
        })
        .collect();

    // Occasion and dates.
    let ids: Vec<&str> = named.iter().map(|n| n.id.as_str()).collect();
    let occasion = references::find_occasion(text, &blocks, &ids);
    let dateline = blocks.iter().position(|b| b.kind == Kind::Dateline);
    let date = match dateline {
        Some(i) => dates::find_dates(block_text(i)).first().map(
            |d| json!({"text": block_text(i), "start": d.from.to_string(), "precision": "day"}),
        ),
        None => occasion
            .as_ref()
            .and_then(|o| o.get("end").or(o.get("start")).cloned())
            .map(|end| json!({"start": end, "precision": "day", "inferred": true})),
    };
    let refs = references::find_references(text, &blocks);

    let title = title_index.map(|t| block_text(t).to_string());
    let kind = options
        .kind
        .clone()
        .unwrap_or_else(|| statement_type(title.as_deref()).into());
    let id = options
        .id
        .clone()
        .unwrap_or_else(|| default_id(&ids, date.as_ref(), options.file_name.as_deref()));
    let mut source = json!({
        "media_type": "text/plain; charset=utf-8",
        "length": bytes.len(),
        "sha256": Sha256Digest::of_bytes(bytes).to_string(),
    });
    if let Some(file) = &options.file_name {
        source["file"] = file.clone().into();
    }
    Ok(Statement {
        schema: crate::schema::JOINT_STATEMENT_ID,
        id,
        kind,
        title,
        language: options.language.clone().unwrap_or_else(|| "en".into()),
        date,
        parties: party_values,
        occasion,
        body,
        references: refs,
        source,
    })
}

fn distinct_ids(named: &[parties::Named]) -> usize {
    let mut ids: Vec<&str> = named.iter().map(|n| n.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    ids.len()
}

/// The fullest name the text uses for a party: the one in a
/// representative's office ("Republic of Kazakhstan"), else as named.
fn official_name(named: &parties::Named, representatives: &[parties::Representative]) -> String {
    representatives
        .iter()
        .filter(|r| r.party == named.id)
        .filter_map(|r| {
            r.title
                .split_once(" of ")
                .map(|(_, c)| c.trim_start_matches("the ").to_string())
        })
        .max_by_key(String::len)
        .filter(|n| n.len() >= named.name.len())
        .unwrap_or_else(|| named.name.trim_start_matches("the ").to_string())
}

fn statement_type(title: Option<&str>) -> &'static str {
    let lower = title.unwrap_or_default().to_lowercase();
    if lower.contains("communiqu") {
        "communique"
    } else if lower.contains("joint declaration") {
        "joint-declaration"
    } else if lower.contains("declaration") && !lower.contains("statement") {
        "declaration"
    } else if lower.contains("press statement") {
        "press-statement"
    } else {
        "joint-statement"
    }
}

fn default_id(ids: &[&str], date: Option<&Value>, file: Option<&str>) -> String {
    let mut parts: Vec<String> = ids.iter().map(|i| i.to_ascii_lowercase()).collect();
    if let Some(day) = date.and_then(|d| d["start"].as_str()) {
        parts.push(day.to_string());
    }
    if parts.is_empty() {
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
