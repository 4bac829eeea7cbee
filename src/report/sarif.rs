//! The SARIF 2.1.0 rendering, for code scanning: one run, a rule per
//! stable rule id, a result per finding at its line, column and byte offset.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::finding::{Finding, RuleId};
use crate::validate::{FileReport, Outcome};

/// Short descriptions of the stable rule ids.
fn rule_description(rule: &RuleId) -> String {
    match rule {
        RuleId::JsonSyntax => "The file is not well-formed JSON.".into(),
        RuleId::JsonDuplicateKey => "An object names the same key twice.".into(),
        RuleId::JsonUnreadable => "The document could not be read.".into(),
        RuleId::Schema(keyword) => {
            format!("The JSON Schema keyword `{keyword}` is not satisfied.")
        }
        RuleId::Lint(lint) => format!("The docseal lint `{lint}` found a problem."),
    }
}

/// SARIF 2.1.0, one run, with stable rule ids.
pub fn sarif_report(reports: &[FileReport]) -> Value {
    // Rules in the order of their ids, each result pointing at its index.
    let mut rules: BTreeMap<&RuleId, usize> = BTreeMap::new();
    for f in reports.iter().flat_map(FileReport::findings) {
        rules.entry(&f.rule).or_default();
    }
    for (index, slot) in rules.values_mut().enumerate() {
        *slot = index;
    }
    let rule_list: Vec<Value> = rules
        .keys()
        .map(|rule| {
            let id = rule.to_string();
            json!({
                "id": id,
                "name": id.replace(['/', '-'], "_"),
                "shortDescription": {"text": rule_description(rule)},
                "helpUri": "https://docs.rs/docseal",
            })
        })
        .collect();
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for report in reports {
        match &report.outcome {
            Outcome::Checked { findings } => {
                let uri = sarif_uri(&report.path);
                results.extend(findings.iter().map(|f| result(f, &uri, rules[&f.rule])));
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

/// The result of one finding in the file at `uri`, of rule `rule_index`.
fn result(f: &Finding, uri: &str, rule_index: usize) -> Value {
    let mut location = json!({
        "physicalLocation": {"artifactLocation": {"uri": uri}}
    });
    if let Some(p) = f.position {
        location["physicalLocation"]["region"] = json!({
            "startLine": p.line,
            "startColumn": p.column,
            "byteOffset": p.offset,
        });
    }
    if !f.pointer.is_empty() {
        location["logicalLocations"] = json!([{"fullyQualifiedName": f.pointer, "kind": "member"}]);
    }
    json!({
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": f.level.as_str(),
        "message": {"text": f.message},
        "locations": [location],
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixtures::invalid;

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
