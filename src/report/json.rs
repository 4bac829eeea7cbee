//! The JSON rendering (docs/CLI.md, "`--format json`"): a summary, then each
//! input with its status and findings, or why it could not be checked.

use serde_json::{Value, json};

use super::Summary;
use crate::validate::{FileReport, Outcome};

/// Version of the JSON report layout (`docs/CLI.md` describes it).
pub const JSON_REPORT_VERSION: u32 = 1;

/// The JSON report (layout version [`JSON_REPORT_VERSION`]).
pub fn json_report(reports: &[FileReport]) -> Value {
    let summary = Summary::of(reports);
    let files: Vec<Value> = reports
        .iter()
        .map(|r| {
            let mut file = json!({
                "path": r.path,
                "status": r.status().as_str(),
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
