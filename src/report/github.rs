//! The GitHub Actions rendering: one workflow command per finding
//! (`::error file=…,line=…,col=…::…`), shown as annotations on the diff.

use super::{at_pointer, with_hint};
use crate::validate::{FileReport, Outcome};

/// GitHub Actions workflow commands (`::error file=…,line=…,col=…::…`).
pub fn github_annotations(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for report in reports {
        let file = escape_property(&report.path);
        match &report.outcome {
            Outcome::NotChecked { message, hint } => {
                out.push_str(&format!(
                    "::error file={file},title=docseal::{}\n",
                    escape_data(&with_hint(message, hint.as_deref()))
                ));
            }
            Outcome::Checked { findings } => {
                for f in findings {
                    let at = f
                        .position
                        .map(|p| format!(",line={},col={}", p.line, p.column))
                        .unwrap_or_default();
                    out.push_str(&format!(
                        "::{} file={file}{at},title={}::{}\n",
                        f.level.as_str(),
                        escape_property(&format!("docseal {}", f.rule)),
                        escape_data(&format!("{}{}", f.message, at_pointer(f)))
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
    use super::*;
    use crate::report::fixtures::invalid;

    #[test]
    fn github_escapes_properties_and_data() {
        let text = github_annotations(&[invalid()]);
        assert_eq!(
            text,
            "::error file=a%2Cb.json,line=2,col=3,title=docseal schema/required::missing <id>%0Anext (at /x)\n"
        );
    }
}
