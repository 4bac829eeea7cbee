//! `numbering`: numbered paragraphs that do not start at 1, skip, repeat or
//! go backwards — a paragraph lost or doubled between drafts — in each
//! section (the statement, each annex) and by position in auto-numbered lists.

use serde_json::Value;

use super::{LintName, Linter};

/// Numbered paragraphs (blocks of kind `paragraph` with a numeric label),
/// one sequence per section: the statement's own, and each annex's (its
/// paragraphs have the `annex` block as `parent`), each numbered from 1. An
/// item of an auto-numbered list counts by its `number` (its position), not
/// its printed label.
pub(super) fn check(linter: &mut Linter<'_>, value: &Value) {
    let Some(body) = value["body"].as_array() else {
        return;
    };
    // The last number seen in each section (None: the statement itself).
    let mut last: Vec<(Option<u64>, u64)> = Vec::new();
    for (index, block) in body.iter().enumerate() {
        if block["kind"] != "paragraph" {
            continue;
        }
        let label = block["label"].as_str().and_then(|l| l.parse::<u64>().ok());
        let Some(n) = block["number"].as_u64().or(label) else {
            continue;
        };
        let section = block["parent"].as_u64().filter(|&p| {
            body.get(usize::try_from(p).unwrap_or(usize::MAX))
                .is_some_and(|b| b["kind"] == "annex")
        });
        let previous = last.iter().find(|(s, _)| *s == section).map(|(_, p)| *p);
        let in_section = match section {
            Some(annex) => format!(" in the annex at block {annex}"),
            None => String::new(),
        };
        let problem = match previous {
            None if n != 1 => Some(format!("numbering{in_section} starts at {n}, not 1")),
            Some(p) if n == p => Some(format!("paragraph {n}{in_section} is numbered twice")),
            Some(p) if n < p => Some(format!(
                "paragraph {n} comes after paragraph {p}{in_section}: numbering goes backwards"
            )),
            Some(p) if n > p + 1 => Some(format!("numbering{in_section} skips from {p} to {n}")),
            _ => None,
        };
        if let Some(message) = problem {
            let pointer = if block.get("number").is_some() {
                format!("/body/{index}/number")
            } else {
                format!("/body/{index}/label")
            };
            linter.report(LintName::Numbering, &pointer, None, message);
        }
        match last.iter_mut().find(|(s, _)| *s == section) {
            Some(entry) => entry.1 = n,
            None => last.push((section, n)),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::finding::Level;
    use crate::lint::findings;

    #[test]
    fn numbering() {
        let body = |labels: &[&str]| {
            let blocks: Vec<String> = labels.iter().enumerate().map(|(i, l)| format!(r#"{{"kind": "paragraph", "label": "{l}", "text": "{l}. paragraph number {i} of the test", "span": [0, 1]}}"#)).collect();
            format!(r#"{{"body": [{}]}}"#, blocks.join(","))
        };
        assert!(findings(&body(&["1", "2", "3"]), None).is_empty());
        let f = findings(&body(&["1", "3", "3", "2"]), None);
        let messages: Vec<&str> = f.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            messages,
            vec![
                "numbering skips from 1 to 3",
                "paragraph 3 is numbered twice",
                "paragraph 2 comes after paragraph 3: numbering goes backwards"
            ]
        );
        assert_eq!(f[0].level, Level::Error);
    }

    #[test]
    fn annexes_number_on_their_own_and_auto_numbered_items_by_position() {
        let doc = r#"{"body": [
            {"kind": "paragraph", "label": "1", "text": "1. The first paragraph of the test", "span": [0, 1]},
            {"kind": "paragraph", "label": "2", "text": "2. The second paragraph of the test", "span": [0, 1]},
            {"kind": "annex", "text": "Annex: Plan of Action", "span": [0, 1]},
            {"kind": "paragraph", "label": "1", "text": "1. The first paragraph of the annex", "span": [0, 1], "parent": 2},
            {"kind": "paragraph", "label": "2", "text": "2. The second paragraph of the annex", "span": [0, 1], "parent": 2},
            {"kind": "paragraph", "label": "1", "number": 3, "text": "1. An item printed with one", "span": [0, 1]},
            {"kind": "paragraph", "label": "1", "number": 4, "text": "1. Another item printed with one", "span": [0, 1]}
        ]}"#;
        assert!(findings(doc, None).is_empty(), "{:?}", findings(doc, None));
        // Without the annex, its numbering goes backwards.
        let no_annex = doc.replace(r#""kind": "annex""#, r#""kind": "heading""#);
        let messages: Vec<String> = findings(&no_annex, None)
            .into_iter()
            .map(|f| f.message)
            .collect();
        assert_eq!(
            messages,
            ["paragraph 1 comes after paragraph 2: numbering goes backwards"]
        );
        // Positions are checked like labels.
        let twice = doc.replace(r#""number": 4"#, r#""number": 3"#);
        let messages: Vec<String> = findings(&twice, None)
            .into_iter()
            .map(|f| f.message)
            .collect();
        assert_eq!(messages, ["paragraph 3 is numbered twice"]);
        // An annex numbers from 1.
        let annex_from_2 = doc.replace(
            r#""label": "1", "text": "1. The first paragraph of the annex""#,
            r#""label": "3", "text": "3. The first paragraph of the annex""#,
        );
        let messages: Vec<String> = findings(&annex_from_2, None)
            .into_iter()
            .map(|f| f.message)
            .collect();
        assert_eq!(
            messages,
            [
                "numbering in the annex at block 2 starts at 3, not 1",
                "paragraph 2 comes after paragraph 3 in the annex at block 2: numbering goes backwards"
            ]
        );
    }
}
