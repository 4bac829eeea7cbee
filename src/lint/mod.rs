//! Lints: what a schema cannot see, found before a record is sealed.
//!
//! Each lint has a stable name ([`LintName`]), a default level (`deny`,
//! `warn`, `allow`), and reports findings at the `line:column` of the JSON
//! value and, for body text, at the byte offset in the source text.
//!
//! One file per lint. The character lints (`mixed-script`,
//! `invisible-character`, `not-nfc`) share one pass over every string of
//! the document (`text`): most strings have nothing to report, and one scan
//! finds all three.

mod dates;
mod duplicate_paragraph;
mod invisible_character;
mod mixed_script;
mod not_nfc;
mod numbering;
mod parties;
mod source_span;
mod text;

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use crate::document::{AnchorAt, Document};
use crate::finding::{Finding, Level, RuleId, sort_findings};

pub use crate::finding::LintName;
pub use text::{Suspicious, suspicious_characters};

impl LintName {
    /// The level a lint has unless configured otherwise.
    pub fn default_level(self) -> LintLevel {
        match self {
            Self::MixedScript
            | Self::InvisibleCharacter
            | Self::NotNfc
            | Self::Parties
            | Self::DuplicateParagraph => LintLevel::Warn,
            Self::Numbering | Self::Dates | Self::SourceSpan => LintLevel::Deny,
        }
    }

    /// What the lint finds, in a sentence.
    pub fn description(self) -> &'static str {
        match self {
            Self::MixedScript => {
                "a word mixing scripts (Latin with Cyrillic, Greek, …): a homoglyph changes the signed bytes while looking the same"
            }
            Self::InvisibleCharacter => {
                "soft hyphens, zero-width characters, bidi controls and other invisible format or control characters"
            }
            Self::NotNfc => "text not in Unicode Normalization Form C",
            Self::Numbering => "numbered paragraphs that skip, repeat or go backwards",
            Self::Dates => {
                "start after end, an occasion after the statement's date, dates far outside a plausible range"
            }
            Self::Parties => {
                "an occasion host or guest that is not a party; a party without a representative"
            }
            Self::SourceSpan => {
                "a block whose text is not the source text at its span, spans out of order, or non-whitespace between blocks"
            }
            Self::DuplicateParagraph => "two blocks with identical text",
        }
    }
}

/// A lint name or level that docseal does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LintError {
    /// No lint has this name.
    #[error("unknown lint {found:?}")]
    UnknownName {
        /// The name given.
        found: String,
        /// The lint whose name is closest to it, when one is close.
        suggestion: Option<LintName>,
    },
    /// Not `deny`, `warn` or `allow`.
    #[error("{found:?} is not a lint level (deny, warn, allow)")]
    UnknownLevel {
        /// The level given.
        found: String,
    },
}

impl LintError {
    /// The error with what to write instead: the closest name, else every
    /// name (for messages that have no room for a separate hint).
    pub fn explained(&self) -> String {
        match self {
            Self::UnknownName {
                suggestion: Some(name),
                ..
            } => format!("{self}; did you mean \"{name}\"?"),
            Self::UnknownName { .. } => format!("{self}; the lints are: {}", all_names()),
            Self::UnknownLevel { .. } => self.to_string(),
        }
    }
}

/// Every lint name, comma-separated.
pub fn all_names() -> String {
    LintName::ALL.map(LintName::as_str).join(", ")
}

impl FromStr for LintName {
    type Err = LintError;
    fn from_str(s: &str) -> Result<Self, LintError> {
        LintName::ALL
            .into_iter()
            .find(|name| name.as_str() == s)
            .ok_or_else(|| LintError::UnknownName {
                found: s.to_string(),
                suggestion: closest(s),
            })
    }
}

/// The lint whose name is closest to `found`, case and `_` for `-` not
/// counted: at most three edits away (and fewer edits than `found` has
/// characters, so that a short word is not "close" to every name), else a
/// name that contains it (`nfc`, `span`). Ties go to the first in
/// [`LintName::ALL`].
fn closest(found: &str) -> Option<LintName> {
    let found: String = found
        .chars()
        .map(|c| {
            if c == '_' {
                '-'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    let length = found.chars().count();
    let limit = 3.min(length.saturating_sub(1));
    let near = LintName::ALL
        .into_iter()
        .map(|name| (edit_distance(&found, name.as_str()), name))
        .filter(|&(distance, _)| distance <= limit)
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, name)| name);
    near.or_else(|| {
        LintName::ALL
            .into_iter()
            .find(|name| length >= 3 && name.as_str().contains(&found))
    })
}

/// Levenshtein distance in characters (insertions, deletions and
/// substitutions), one row at a time.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitute = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

/// How seriously a lint is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LintLevel {
    /// Not checked.
    Allow,
    /// Reported; does not fail.
    Warn,
    /// Reported as an error: `validate` fails, `seal` refuses.
    Deny,
}

impl FromStr for LintLevel {
    type Err = LintError;
    fn from_str(s: &str) -> Result<Self, LintError> {
        match s {
            "allow" => Ok(Self::Allow),
            "warn" => Ok(Self::Warn),
            "deny" => Ok(Self::Deny),
            other => Err(LintError::UnknownLevel {
                found: other.to_string(),
            }),
        }
    }
}

impl fmt::Display for LintLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Allow => "allow",
            Self::Warn => "warn",
            Self::Deny => "deny",
        })
    }
}

/// Parses with [`FromStr`], the error explained, for `docseal.toml`.
fn deserialize_parsed<'de, T, D>(deserializer: D) -> Result<T, D::Error>
where
    T: FromStr<Err = LintError>,
    D: serde::Deserializer<'de>,
{
    let text = <String as serde::Deserialize>::deserialize(deserializer)?;
    text.parse()
        .map_err(|e: LintError| serde::de::Error::custom(e.explained()))
}

impl<'de> serde::Deserialize<'de> for LintName {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_parsed(deserializer)
    }
}

impl<'de> serde::Deserialize<'de> for LintLevel {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_parsed(deserializer)
    }
}

/// Lint levels in force: each lint's default unless set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LintConfig {
    set: BTreeMap<LintName, LintLevel>,
}

impl LintConfig {
    /// Sets a lint's level.
    pub fn set(&mut self, name: LintName, level: LintLevel) {
        self.set.insert(name, level);
    }

    /// The level of a lint.
    pub fn level(&self, name: LintName) -> LintLevel {
        self.set
            .get(&name)
            .copied()
            .unwrap_or_else(|| name.default_level())
    }
}

/// Collects the findings of the lints, without their positions yet: those
/// are found for all findings at once (`crate::document::place`).
struct Linter<'a> {
    config: &'a LintConfig,
    pending: Vec<(Finding, AnchorAt)>,
}

impl Linter<'_> {
    /// Reports a finding of `lint` at the value at `pointer`, or at the
    /// character `char_in_string` of that string; nothing if it is allowed.
    fn report(
        &mut self,
        lint: LintName,
        pointer: &str,
        char_in_string: Option<usize>,
        message: String,
    ) {
        let level = match self.config.level(lint) {
            LintLevel::Allow => return,
            LintLevel::Warn => Level::Warning,
            LintLevel::Deny => Level::Error,
        };
        let finding = Finding {
            level,
            ..Finding::error(RuleId::Lint(lint), pointer.to_string(), message)
        };
        let at = char_in_string.map_or(AnchorAt::Value, AnchorAt::Char);
        self.pending.push((finding, at));
    }
}

/// Lints a statement. `source` is the source text, when at hand, for
/// `source-span` and for byte offsets in messages.
pub fn lint(document: &Document, source: Option<&[u8]>, config: &LintConfig) -> Vec<Finding> {
    let mut linter = Linter {
        config,
        pending: Vec::new(),
    };
    let value = &document.value;
    text::check(&mut linter, value);
    numbering::check(&mut linter, value);
    dates::check(&mut linter, value);
    parties::check(&mut linter, value);
    duplicate_paragraph::check(&mut linter, value);
    if let Some(source) = source {
        source_span::check(&mut linter, value, source);
    }
    let mut findings = crate::document::place(document, linter.pending);
    sort_findings(&mut findings);
    findings
}

/// Lints `json` (with `source` as its source text) at the default levels.
#[cfg(test)]
fn findings(json: &str, source: Option<&str>) -> Vec<Finding> {
    let document = Document::parse(json.as_bytes().to_vec()).unwrap();
    lint(&document, source.map(str::as_bytes), &LintConfig::default())
}

/// The rule ids of findings, as text.
#[cfg(test)]
fn rules(findings: &[Finding]) -> Vec<String> {
    findings.iter().map(|f| f.rule.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_configurable() {
        let mut config = LintConfig::default();
        assert_eq!(config.level(LintName::MixedScript), LintLevel::Warn);
        config.set(LintName::MixedScript, LintLevel::Deny);
        let document = Document::parse("{\"t\": \"аs\"}".as_bytes().to_vec()).unwrap();
        assert_eq!(lint(&document, None, &config)[0].level, Level::Error);
        config.set(LintName::MixedScript, LintLevel::Allow);
        assert!(lint(&document, None, &config).is_empty());
    }

    #[test]
    fn names_and_levels_read_as_they_are_written() {
        for name in LintName::ALL {
            assert_eq!(name.as_str().parse::<LintName>(), Ok(name));
        }
        for level in [LintLevel::Allow, LintLevel::Warn, LintLevel::Deny] {
            assert_eq!(level.to_string().parse::<LintLevel>(), Ok(level));
        }
        assert_eq!(
            "Deny".parse::<LintLevel>().unwrap_err().to_string(),
            r#""Deny" is not a lint level (deny, warn, allow)"#
        );
    }

    #[test]
    fn an_unknown_name_suggests_the_closest() {
        for (typo, meant) in [
            ("mixed-scripts", LintName::MixedScript),
            ("mixd-script", LintName::MixedScript),
            ("mixed_script", LintName::MixedScript),
            ("Invisible-Character", LintName::InvisibleCharacter),
            ("nfc", LintName::NotNfc),
            ("span", LintName::SourceSpan),
            ("invisible", LintName::InvisibleCharacter),
            ("date", LintName::Dates),
            ("party", LintName::Parties),
            ("source-spans", LintName::SourceSpan),
            ("duplicate-paragraphs", LintName::DuplicateParagraph),
            ("numbring", LintName::Numbering),
        ] {
            let error = typo.parse::<LintName>().unwrap_err();
            assert_eq!(
                error,
                LintError::UnknownName {
                    found: typo.into(),
                    suggestion: Some(meant)
                },
                "{typo}"
            );
            assert_eq!(
                error.explained(),
                format!("unknown lint \"{typo}\"; did you mean \"{meant}\"?")
            );
        }
    }

    #[test]
    fn an_unknown_name_far_from_every_name_lists_them_all() {
        for far in ["no-such-lint", "x", "", "homoglyphs", "ab"] {
            let error = far.parse::<LintName>().unwrap_err();
            assert!(
                matches!(
                    &error,
                    LintError::UnknownName {
                        suggestion: None,
                        ..
                    }
                ),
                "{far}: {error:?}"
            );
            assert_eq!(
                error.explained(),
                format!(
                    "unknown lint {far:?}; the lints are: mixed-script, invisible-character, \
                     not-nfc, numbering, dates, parties, source-span, duplicate-paragraph"
                )
            );
        }
    }

    #[test]
    fn edit_distance_counts_insertions_deletions_and_substitutions() {
        assert_eq!(edit_distance("", ""), 0);
        assert_eq!(edit_distance("dates", "dates"), 0);
        assert_eq!(edit_distance("date", "dates"), 1);
        assert_eq!(edit_distance("dtaes", "dates"), 2);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("é", "e"), 1);
    }

    /// Every lint has a row in the table of docs/CLI.md, with its default.
    #[test]
    fn every_lint_is_documented_with_its_default_level() {
        let doc = std::fs::read_to_string("docs/CLI.md").unwrap();
        let rows: Vec<&str> = doc.lines().filter(|l| l.starts_with("| `")).collect();
        for name in LintName::ALL {
            let row = format!("| `{name}` | {} |", name.default_level());
            assert!(rows.iter().any(|r| r.starts_with(&row)), "{row}");
        }
    }
}
