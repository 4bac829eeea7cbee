//! The JUnit XML rendering, for CI test reports: one test case per input,
//! failed when the document is invalid, in error when it could not be
//! checked.

use super::{Summary, count, location, with_hint};
use crate::finding::{Finding, Level};
use crate::validate::{FileReport, Outcome};

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
        xml.push_str(&test_case(report));
    }
    xml.push_str("  </testsuite>\n</testsuites>\n");
    xml
}

/// The `<testcase>` of one input.
fn test_case(report: &FileReport) -> String {
    let name = xml_escape(&report.path);
    let open = format!("    <testcase classname=\"docseal.validate\" name=\"{name}\"");
    match &report.outcome {
        Outcome::NotChecked { message, hint } => format!(
            "{open}>\n      <error type=\"not-checked\" message=\"{}\">{}</error>\n    </testcase>\n",
            xml_escape(message),
            xml_escape(&with_hint(message, hint.as_deref()))
        ),
        Outcome::Checked { findings } => {
            let errors: Vec<&Finding> = findings
                .iter()
                .filter(|f| f.level == Level::Error)
                .collect();
            if errors.is_empty() {
                return format!("{open}/>\n");
            }
            let text: String = errors
                .iter()
                .map(|f| {
                    format!(
                        "{}: {}[{}]: {}\n",
                        location(&report.path, f.position),
                        f.level.as_str(),
                        f.rule,
                        f.message
                    )
                })
                .collect();
            format!(
                "{open}>\n      <failure type=\"invalid\" message=\"{}\">{}</failure>\n    </testcase>\n",
                count(errors.len(), "error"),
                xml_escape(&text)
            )
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixtures::invalid;

    #[test]
    fn junit_escapes_xml() {
        let xml = junit_report(&[invalid()]);
        assert!(xml.contains("missing &lt;id&gt;"));
        assert!(xml.contains("failures=\"1\""));
    }
}
