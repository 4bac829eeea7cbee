//! The human rendering: each finding as `path:line:column: level[rule]:
//! message`, with the offending line and a caret under the place.

use std::io::{self, Write};

use super::{Summary, at_pointer, count, location};
use crate::finding::Finding;
use crate::validate::{FileReport, Outcome};

/// Human output: findings with the offending line and a caret on `out`,
/// inputs that could not be checked as `error:`/`hint:` on `err`.
pub fn write_human(
    reports: &[FileReport],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<()> {
    for report in reports {
        match &report.outcome {
            Outcome::NotChecked { message, hint } => {
                writeln!(err, "error: {}: {message}", report.path)?;
                if let Some(hint) = hint {
                    writeln!(err, "hint: {hint}")?;
                }
            }
            Outcome::Checked { findings } => {
                for finding in findings {
                    write_human_finding(out, &report.path, finding, report)?;
                }
                let schema = report.schema.as_deref().unwrap_or("-");
                writeln!(out, "{}: {} ({schema})", report.path, report.status())?;
            }
        }
    }
    Ok(())
}

fn write_human_finding(
    out: &mut dyn Write,
    path: &str,
    finding: &Finding,
    report: &FileReport,
) -> io::Result<()> {
    writeln!(
        out,
        "{}: {}[{}]: {}{}",
        location(path, finding.position),
        finding.level.as_str(),
        finding.rule,
        finding.message,
        at_pointer(finding)
    )?;
    if let Some(p) = finding.position
        && let Some(line) = report.line(p.line)
    {
        let number = p.line.to_string();
        let pad = " ".repeat(number.len());
        let (shown, caret) = excerpt(&line.text, p.offset.saturating_sub(line.offset));
        // Keep tabs so the caret lines up under the same character.
        let lead: String = shown
            .chars()
            .take(caret)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        writeln!(out, " {number} | {shown}")?;
        writeln!(out, " {pad} | {lead}^")?;
    }
    Ok(())
}

/// Lines longer than this many bytes are shown around the finding only (a
/// minified document is one line: printing it whole under each of its errors
/// would print it once per error).
const MAX_LINE_BYTES: usize = 480;
/// Bytes shown on each side of the finding in a long line (about).
const CONTEXT_BYTES: usize = 160;

/// The part of `line` to show for a finding at byte `at` of it, and the
/// number of characters before the finding in what is shown.
fn excerpt(line: &str, at: usize) -> (std::borrow::Cow<'_, str>, usize) {
    let at = floor_char_boundary(line, at.min(line.len()));
    if line.len() <= MAX_LINE_BYTES {
        return (line.into(), line[..at].chars().count());
    }
    let from = floor_char_boundary(line, at.saturating_sub(CONTEXT_BYTES));
    let to = floor_char_boundary(line, (at + CONTEXT_BYTES).min(line.len()));
    let (before, after) = (
        if from > 0 { "…" } else { "" },
        if to < line.len() { "…" } else { "" },
    );
    let shown = format!("{before}{}{after}", &line[from..to]);
    let caret = before.chars().count() + line[from..at].chars().count();
    (shown.into(), caret)
}

/// The largest character boundary at or before `i`.
fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// One line for stderr after a human report.
pub fn summary_line(summary: &Summary) -> String {
    let mut line = format!(
        "{} checked: {} valid, {} invalid",
        count(summary.files, "file"),
        summary.valid,
        summary.invalid
    );
    if summary.not_checked > 0 {
        line.push_str(&format!(", {} could not be checked", summary.not_checked));
    }
    if summary.warnings > 0 {
        line.push_str(&format!(" ({})", count(summary.warnings, "warning")));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_excerpted_around_the_finding() {
        // Two- and three-byte characters, so that window edges fall inside
        // characters; the caret must still be under the X.
        for filler in ["é", "€"] {
            let line = format!("{}X{}", filler.repeat(300), filler.repeat(300));
            let at = line.find('X').unwrap();
            let (shown, caret) = excerpt(&line, at);
            assert!(shown.starts_with('…') && shown.ends_with('…'), "{shown}");
            assert!(shown.len() <= 2 * CONTEXT_BYTES + 3 + 2 * "…".len());
            assert_eq!(shown.chars().nth(caret), Some('X'));
        }
        // Near the start: nothing cut before; short lines are shown whole.
        let line = format!("X{}", "a".repeat(1000));
        let (shown, caret) = excerpt(&line, 0);
        assert!(shown.starts_with('X') && shown.ends_with('…') && caret == 0);
        assert_eq!(excerpt("ab\tcX", 4), ("ab\tcX".into(), 4));
    }
}
