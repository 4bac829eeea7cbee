//! Renderings of validation results: human, JSON, SARIF 2.1.0, JUnit XML and
//! GitHub workflow annotations. Pure functions from reports to text.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::{Value, json};

use crate::validate::{FileReport, Finding, Level, Outcome};

/// Version of the JSON report layout (`docs/CLI.md` describes it).
pub const JSON_REPORT_VERSION: u32 = 1;

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
                "valid" => s.valid += 1,
                "invalid" => s.invalid += 1,
                _ => s.not_checked += 1,
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
    let at = match finding.position {
        Some(p) => format!("{path}:{}:{}", p.line, p.column),
        None => path.to_string(),
    };
    let pointer = if finding.pointer.is_empty() {
        String::new()
    } else {
        format!(" (at {})", finding.pointer)
    };
    writeln!(
        out,
        "{at}: {}[{}]: {}{pointer}",
        finding.level.as_str(),
        finding.rule,
        finding.message
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
        "{} file{} checked: {} valid, {} invalid",
        summary.files,
        if summary.files == 1 { "" } else { "s" },
        summary.valid,
        summary.invalid
    );
    if summary.not_checked > 0 {
        line.push_str(&format!(", {} could not be checked", summary.not_checked));
    }
    if summary.warnings > 0 {
        line.push_str(&format!(
            " ({} warning{})",
            summary.warnings,
            if summary.warnings == 1 { "" } else { "s" }
        ));
    }
    line
}

/// The JSON report (layout version [`JSON_REPORT_VERSION`]).
pub fn json_report(reports: &[FileReport]) -> Value {
    let summary = Summary::of(reports);
    let files: Vec<Value> = reports
        .iter()
        .map(|r| {
            let mut file = json!({
                "path": r.path,
                "status": r.status(),
                "schema": r.schema,
            });
            match &r.outcome {
                Outcome::Checked { findings } => file["findings"] = json!(findings),
                Outcome::NotChecked { message, hint } => {
                    file["error"] = json!({"message": message, "hint": hint});
                }
            }
            file
        })
        .collect();
    json!({
        "version": JSON_REPORT_VERSION,
        "tool": {"name": "docseal", "version": env!("CARGO_PKG_VERSION")},
        "summary": {
            "files": summary.files,
            "valid": summary.valid,
            "invalid": summary.invalid,
            "not_checked": summary.not_checked,
            "errors": summary.errors,
            "warnings": summary.warnings,
        },
        "files": files,
    })
}

/// Short descriptions of the stable rule ids, for SARIF.
fn rule_description(rule: &str) -> String {
    match rule {
        "json/syntax" => "The file is not well-formed JSON.".into(),
        "json/duplicate-key" => "An object names the same key twice.".into(),
        "json/unreadable" => "The document could not be read.".into(),
        other => match other.strip_prefix("schema/") {
            Some(keyword) => format!("The JSON Schema keyword `{keyword}` is not satisfied."),
            None => match other.strip_prefix("lint/") {
                Some(lint) => format!("The docseal lint `{lint}` found a problem."),
                None => other.to_string(),
            },
        },
    }
}

/// SARIF 2.1.0, one run, with stable rule ids.
pub fn sarif_report(reports: &[FileReport]) -> Value {
    let mut rules: BTreeMap<&str, usize> = BTreeMap::new();
    for f in reports.iter().flat_map(FileReport::findings) {
        rules.entry(f.rule.as_str()).or_default();
    }
    for (index, slot) in rules.values_mut().enumerate() {
        *slot = index;
    }
    let rule_list: Vec<Value> = rules
        .keys()
        .map(|id| {
            json!({
                "id": id,
                "name": id.replace(['/', '-'], "_"),
                "shortDescription": {"text": rule_description(id)},
                "helpUri": "https://docs.rs/docseal",
            })
        })
        .collect();
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for report in reports {
        match &report.outcome {
            Outcome::Checked { findings } => {
                for f in findings {
                    let mut location = json!({
                        "physicalLocation": {"artifactLocation": {"uri": sarif_uri(&report.path)}}
                    });
                    if let Some(p) = f.position {
                        location["physicalLocation"]["region"] = json!({
                            "startLine": p.line,
                            "startColumn": p.column,
                            "byteOffset": p.offset,
                        });
                    }
                    if !f.pointer.is_empty() {
                        location["logicalLocations"] =
                            json!([{"fullyQualifiedName": f.pointer, "kind": "member"}]);
                    }
                    results.push(json!({
                        "ruleId": f.rule,
                        "ruleIndex": rules[f.rule.as_str()],
                        "level": match f.level { Level::Error => "error", Level::Warning => "warning" },
                        "message": {"text": f.message},
                        "locations": [location],
                    }));
                }
            }
            Outcome::NotChecked { message, .. } => notifications.push(json!({
                "level": "error",
                "message": {"text": format!("{}: {message}", report.path)},
            })),
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "docseal",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://docs.rs/docseal",
                "rules": rule_list,
            }},
            "columnKind": "unicodeCodePoints",
            "invocations": [{
                "executionSuccessful": notifications.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }],
    })
}

/// A relative path as a URI reference (`/` separators, percent-encoded).
fn sarif_uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.replace('\\', "/").bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char);
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// JUnit XML: one test case per input.
pub fn junit_report(reports: &[FileReport]) -> String {
    let s = Summary::of(reports);
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let counts = format!(
        "tests=\"{}\" failures=\"{}\" errors=\"{}\"",
        s.files, s.invalid, s.not_checked
    );
    xml.push_str(&format!(
        "<testsuites name=\"docseal validate\" {counts}>\n"
    ));
    xml.push_str(&format!(
        "  <testsuite name=\"docseal validate\" {counts}>\n"
    ));
    for report in reports {
        let name = xml_escape(&report.path);
        match &report.outcome {
            Outcome::NotChecked { message, hint } => {
                let mut body = message.clone();
                if let Some(hint) = hint {
                    body.push_str(&format!("\nhint: {hint}"));
                }
                xml.push_str(&format!(
                    "    <testcase classname=\"docseal.validate\" name=\"{name}\">\n      <error type=\"not-checked\" message=\"{}\">{}</error>\n    </testcase>\n",
                    xml_escape(message),
                    xml_escape(&body)
                ));
            }
            Outcome::Checked { findings } => {
                let errors: Vec<&Finding> = findings
                    .iter()
                    .filter(|f| f.level == Level::Error)
                    .collect();
                if errors.is_empty() {
                    xml.push_str(&format!(
                        "    <testcase classname=\"docseal.validate\" name=\"{name}\"/>\n"
                    ));
                    continue;
                }
                let text: String = errors
                    .iter()
                    .map(|f| {
                        let at = f
                            .position
                            .map(|p| format!(":{}:{}", p.line, p.column))
                            .unwrap_or_default();
                        format!(
                            "{}{at}: {}[{}]: {}\n",
                            report.path,
                            f.level.as_str(),
                            f.rule,
                            f.message
                        )
                    })
                    .collect();
                let message = format!(
                    "{} error{}",
                    errors.len(),
                    if errors.len() == 1 { "" } else { "s" }
                );
                xml.push_str(&format!(
                    "    <testcase classname=\"docseal.validate\" name=\"{name}\">\n      <failure type=\"invalid\" message=\"{message}\">{}</failure>\n    </testcase>\n",
                    xml_escape(&text)
                ));
            }
        }
    }
    xml.push_str("  </testsuite>\n</testsuites>\n");
    xml
}

fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 cannot carry most control characters, even escaped.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t') => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

/// GitHub Actions workflow commands (`::error file=…,line=…,col=…::…`).
pub fn github_annotations(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for report in reports {
        let file = escape_property(&report.path);
        match &report.outcome {
            Outcome::NotChecked { message, hint } => {
                let mut text = message.clone();
                if let Some(hint) = hint {
                    text.push_str(&format!("\nhint: {hint}"));
                }
                out.push_str(&format!(
                    "::error file={file},title=docseal::{}\n",
                    escape_data(&text)
                ));
            }
            Outcome::Checked { findings } => {
                for f in findings {
                    let command = match f.level {
                        Level::Error => "error",
                        Level::Warning => "warning",
                    };
                    let at = f
                        .position
                        .map(|p| format!(",line={},col={}", p.line, p.column))
                        .unwrap_or_default();
                    let pointer = if f.pointer.is_empty() {
                        String::new()
                    } else {
                        format!(" (at {})", f.pointer)
                    };
                    out.push_str(&format!(
                        "::{command} file={file}{at},title={}::{}\n",
                        escape_property(&format!("docseal {}", f.rule)),
                        escape_data(&format!("{}{pointer}", f.message))
                    ));
                }
            }
        }
    }
    out
}

fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {

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

    use super::*;
    use crate::document::Position;

    fn invalid() -> FileReport {
        FileReport {
            path: "a,b.json".into(),
            schema: Some("s".into()),
            outcome: Outcome::Checked {
                findings: vec![Finding {
                    rule: "schema/required".into(),
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

    #[test]
    fn github_escapes_properties_and_data() {
        let text = github_annotations(&[invalid()]);
        assert_eq!(
            text,
            "::error file=a%2Cb.json,line=2,col=3,title=docseal schema/required::missing <id>%0Anext (at /x)\n"
        );
    }

    #[test]
    fn junit_escapes_xml() {
        let xml = junit_report(&[invalid()]);
        assert!(xml.contains("missing &lt;id&gt;"));
        assert!(xml.contains("failures=\"1\""));
    }

    #[test]
    fn sarif_has_rule_index_and_region() {
        let sarif = sarif_report(&[invalid()]);
        let result = &sarif["runs"][0]["results"][0];
        assert_eq!(result["ruleIndex"], 0);
        assert_eq!(
            sarif["runs"][0]["tool"]["driver"]["rules"][0]["id"],
            "schema/required"
        );
        assert_eq!(
            result["locations"][0]["physicalLocation"]["region"]["startLine"],
            2
        );
        assert_eq!(
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "a%2Cb.json"
        );
    }
}
