//! `duplicate-paragraph`: two blocks with the same text, a paragraph pasted
//! twice (short lines such as headings or `###` legitimately repeat).

use serde_json::Value;

use super::{LintName, Linter};

/// Blocks of the body with the same text.
pub(super) fn check(linter: &mut Linter<'_>, value: &Value) {
    // Sorting the texts finds repeats without hashing every paragraph.
    let mut texts: Vec<(&str, usize)> = value["body"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, block)| Some((block["text"].as_str()?, i)))
        // Short lines ("###", a heading) legitimately repeat.
        .filter(|(text, _)| {
            // Counting characters only when the byte length cannot tell: 80
            // bytes hold at least 20 characters, 19 bytes at most 19.
            let text = text.trim();
            text.len() >= 80 || (text.len() >= 20 && text.chars().count() >= 20)
        })
        .collect();
    texts.sort_unstable();
    for run in texts.chunk_by(|a, b| a.0 == b.0) {
        let first = run[0].1;
        for &(_, i) in &run[1..] {
            linter.report(
                LintName::DuplicateParagraph,
                &format!("/body/{i}/text"),
                None,
                format!("same text as block {first}"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::{findings, rules};

    #[test]
    fn duplicate_paragraphs() {
        // Short lines repeat legitimately, counted in characters after
        // trimming: 15 two-byte letters, or "###" padded to 90 bytes, are short.
        let padded = format!("{:>90}", "###");
        let json = format!(
            r####"{{"body": [{{"text": "The Parties agreed to meet again soon."}}, {{"text": "The Parties agreed to meet again soon."}}, {{"text": "###"}}, {{"text": "###"}}, {{"text": "ЂЂЂЂЂЂЂЂЂЂЂЂЂЂЂ"}}, {{"text": "ЂЂЂЂЂЂЂЂЂЂЂЂЂЂЂ"}}, {{"text": "{padded}"}}, {{"text": "{padded}"}}]}}"####
        );
        let json = json.as_str();
        let found = findings(json, None);
        assert_eq!(rules(&found), ["lint/duplicate-paragraph"]);
        assert_eq!(found[0].pointer, "/body/1/text");
        assert_eq!(found[0].message, "same text as block 0");
        let distinct = r#"{"body": [{"text": "The Parties agreed to meet again soon."}, {"text": "The Parties agreed to meet again in May."}]}"#;
        assert!(findings(distinct, None).is_empty());
    }
}
