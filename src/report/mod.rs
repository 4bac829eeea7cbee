//! Renderings of validation results, one file each: `human` (findings with
//! the offending line), `json`, `sarif` (SARIF 2.1.0), `junit` (JUnit XML)
//! and `github` (workflow annotations). Pure functions from reports to
//! text; what they share is here.

mod github;
mod human;
mod json;
mod junit;
mod sarif;

use crate::finding::{Finding, Level, Position};
use crate::validate::{FileReport, FileStatus};

pub use github::github_annotations;
pub use human::{summary_line, write_human};
pub use json::{JSON_REPORT_VERSION, json_report};
pub use junit::junit_report;
pub use sarif::sarif_report;

/// Counts over a set of reports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Inputs seen.
    pub files: usize,
    /// Inputs checked and valid.
    pub valid: usize,
    /// Inputs checked and invalid.
    pub invalid: usize,
    /// Inputs that could not be checked.
    pub not_checked: usize,
    /// Error findings.
    pub errors: usize,
    /// Warning findings.
    pub warnings: usize,
}

impl Summary {
    /// Counts `reports`.
    pub fn of(reports: &[FileReport]) -> Self {
        let mut s = Self {
            files: reports.len(),
            ..Self::default()
        };
        for r in reports {
            match r.status() {
                FileStatus::Valid => s.valid += 1,
                FileStatus::Invalid => s.invalid += 1,
                FileStatus::NotChecked => s.not_checked += 1,
            }
            for f in r.findings() {
                match f.level {
                    Level::Error => s.errors += 1,
                    Level::Warning => s.warnings += 1,
                }
            }
        }
        s
    }
}

/// `path:line:column`, or `path` when the finding has no position.
fn location(path: &str, position: Option<Position>) -> String {
    match position {
        Some(p) => format!("{path}:{}:{}", p.line, p.column),
        None => path.to_string(),
    }
}

/// ` (at /pointer)`, or nothing for the whole document.
fn at_pointer(finding: &Finding) -> String {
    if finding.pointer.is_empty() {
        String::new()
    } else {
        format!(" (at {})", finding.pointer)
    }
}

/// The message of an input that could not be checked, with its hint on a
/// line of its own.
fn with_hint(message: &str, hint: Option<&str>) -> String {
    match hint {
        Some(hint) => format!("{message}\nhint: {hint}"),
        None => message.to_string(),
    }
}

/// `1 file`, `2 files`.
fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod fixtures {
    use super::*;
    use crate::finding::RuleId;
    use crate::validate::Outcome;

    pub(super) fn invalid() -> FileReport {
        FileReport {
            path: "a,b.json".into(),
            schema: Some("s".into()),
            outcome: Outcome::Checked {
                findings: vec![Finding {
                    rule: RuleId::Schema("required".into()),
                    level: Level::Error,
                    message: "missing <id>\nnext".into(),
                    pointer: "/x".into(),
                    position: Some(Position {
                        offset: 5,
                        line: 2,
                        column: 3,
                    }),
                    related: vec![],
                }],
            },
            lines: Vec::new(),
        }
    }
}
