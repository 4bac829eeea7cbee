//! The finding model shared by validate, lint, import and verify: what was
//! found ([`Finding`]), how serious it is ([`Level`]), which rule found it
//! ([`RuleId`]) and where ([`Position`]).
//!
//! This module depends on no other module of the crate: `document` locates
//! findings, `lint` and `validate` produce them, `report` renders them. The
//! lint names are here, not in `lint`, because a rule id names them and
//! `lint` depends on this module; `lint` re-exports [`LintName`] and owns
//! everything else about lints (levels, descriptions, parsing).

use std::cmp::Ordering;
use std::fmt;

use serde::Serialize;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Makes the document invalid.
    Error,
    /// Reported, but the document stays valid.
    Warning,
}

impl Level {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
        }
    }
}

/// A position in a text: byte offset, 1-based line, and 1-based column counted
/// in Unicode scalar values (characters) from the start of the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// Byte offset from the start of the document.
    pub offset: usize,
    /// Line number, starting at 1.
    pub line: usize,
    /// Column number in characters, starting at 1.
    pub column: usize,
}

// By hand, for the field order of the JSON report (`line`, `column`,
// `offset`), which differs from the struct's (ordered by offset first).
impl Serialize for Position {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Position", 3)?;
        s.serialize_field("line", &self.line)?;
        s.serialize_field("column", &self.column)?;
        s.serialize_field("offset", &self.offset)?;
        s.end()
    }
}

/// Defines [`LintName`] from one list, so that [`LintName::ALL`] and the
/// names cannot miss a variant.
macro_rules! lint_names {
    ($($(#[doc = $doc:literal])* $variant:ident => $name:literal,)*) => {
        /// A lint, by its stable name (`mixed-script`, …). What each finds,
        /// its default level and parsing a name (with a suggestion for a
        /// misspelt one) are in the `lint` module.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum LintName {
            $($(#[doc = $doc])* $variant,)*
        }

        impl LintName {
            /// Every lint, in the order of the documentation.
            pub const ALL: [Self; [$($name),*].len()] = [$(Self::$variant),*];

            /// The stable name, as written in `--deny`, `docseal.toml` and rule ids.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)*
                }
            }
        }
    };
}

lint_names! {
    /// A word mixing scripts (a homoglyph).
    MixedScript => "mixed-script",
    /// Soft hyphens, zero-width and bidi characters, controls.
    InvisibleCharacter => "invisible-character",
    /// Text not in Unicode Normalization Form C.
    NotNfc => "not-nfc",
    /// Numbered paragraphs that skip, repeat or go backwards.
    Numbering => "numbering",
    /// Impossible or implausible dates.
    Dates => "dates",
    /// Hosts and guests that are not parties, parties without representatives.
    Parties => "parties",
    /// Blocks that are not the source text at their spans.
    SourceSpan => "source-span",
    /// Two blocks with the same text.
    DuplicateParagraph => "duplicate-paragraph",
}

impl fmt::Display for LintName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The stable id of the rule behind a finding, written `json/syntax`,
/// `json/duplicate-key`, `json/unreadable`, `schema/<keyword>` or
/// `lint/<name>` (docs/CLI.md, "Rule ids").
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RuleId {
    /// `json/syntax`: the bytes are not well-formed JSON.
    JsonSyntax,
    /// `json/duplicate-key`: an object names a key twice.
    JsonDuplicateKey,
    /// `json/unreadable`: the document could not be read.
    JsonUnreadable,
    /// `schema/<keyword>`: the JSON Schema keyword (`required`, `format`, …)
    /// that the value does not satisfy. Keywords are an open set (schemas
    /// may define their own), hence a string.
    Schema(String),
    /// `lint/<name>`: a docseal lint.
    Lint(LintName),
}

impl RuleId {
    /// The two halves of the id, around its `/`.
    fn parts(&self) -> (&'static str, &str) {
        match self {
            Self::JsonSyntax => ("json", "syntax"),
            Self::JsonDuplicateKey => ("json", "duplicate-key"),
            Self::JsonUnreadable => ("json", "unreadable"),
            Self::Schema(keyword) => ("schema", keyword),
            Self::Lint(name) => ("lint", name.as_str()),
        }
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (family, name) = self.parts();
        write!(f, "{family}/{name}")
    }
}

/// Ordered as the ids' texts are: no family (`json`, `lint`, `schema`) is a
/// prefix of another, so comparing the halves in turn compares the texts
/// (reports sort findings by rule, and their order is pinned byte for byte).
impl Ord for RuleId {
    fn cmp(&self, other: &Self) -> Ordering {
        self.parts().cmp(&other.parts())
    }
}

impl PartialOrd for RuleId {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// One problem found in a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule that found it.
    pub rule: RuleId,
    /// Error or warning.
    pub level: Level,
    /// What is wrong, in words.
    pub message: String,
    /// JSON Pointer of the value concerned (empty string for the whole document).
    pub pointer: String,
    /// Where in the file, when known.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
    /// Other places that matter (the first occurrence of a duplicate key, …).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Position>,
}

impl Finding {
    /// An error of `rule` at `pointer`, its position not yet known.
    pub fn error(rule: RuleId, pointer: String, message: String) -> Self {
        Self {
            rule,
            level: Level::Error,
            message,
            pointer,
            position: None,
            related: Vec::new(),
        }
    }
}

/// Sorts by position (unlocated last), then rule, then message, and drops
/// exact repeats (two branches of a schema can report the same thing).
pub fn sort_findings(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| {
        let key = |f: &Finding| (f.position.map_or(usize::MAX, |p| p.offset), f.level);
        key(a)
            .cmp(&key(b))
            .then_with(|| a.rule.cmp(&b.rule))
            .then_with(|| a.message.cmp(&b.message))
    });
    findings.dedup();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_rule() -> Vec<RuleId> {
        let mut rules = vec![
            RuleId::JsonSyntax,
            RuleId::JsonDuplicateKey,
            RuleId::JsonUnreadable,
        ];
        for keyword in [
            "required",
            "additionalProperties",
            "$ref",
            "format",
            "a",
            "",
        ] {
            rules.push(RuleId::Schema(keyword.into()));
        }
        rules.extend(LintName::ALL.map(RuleId::Lint));
        rules
    }

    #[test]
    fn rule_ids_are_written_as_before() {
        let written: Vec<String> = every_rule().iter().map(ToString::to_string).collect();
        assert_eq!(
            written,
            [
                "json/syntax",
                "json/duplicate-key",
                "json/unreadable",
                "schema/required",
                "schema/additionalProperties",
                "schema/$ref",
                "schema/format",
                "schema/a",
                "schema/",
                "lint/mixed-script",
                "lint/invisible-character",
                "lint/not-nfc",
                "lint/numbering",
                "lint/dates",
                "lint/parties",
                "lint/source-span",
                "lint/duplicate-paragraph",
            ]
        );
        assert_eq!(
            serde_json::to_string(&RuleId::Lint(LintName::NotNfc)).unwrap(),
            r#""lint/not-nfc""#
        );
    }

    /// Findings were sorted by the rule's text: the typed order must be the
    /// same, or reports would change.
    #[test]
    fn rule_ids_order_as_their_texts() {
        let rules = every_rule();
        for a in &rules {
            for b in &rules {
                assert_eq!(a.cmp(b), a.to_string().cmp(&b.to_string()), "{a} {b}");
            }
        }
    }

    #[test]
    fn lint_names_are_listed_once_in_declaration_order() {
        for (i, name) in LintName::ALL.iter().enumerate() {
            assert_eq!(*name as usize, i, "{name}");
        }
        assert_eq!(LintName::ALL.len(), 8);
    }

    #[test]
    fn a_position_is_written_line_column_offset() {
        let p = Position {
            offset: 7,
            line: 2,
            column: 3,
        };
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            r#"{"line":2,"column":3,"offset":7}"#
        );
    }
}
