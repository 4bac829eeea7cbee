//! `source-span`: with the source text at hand, every block must be the
//! source bytes at its span, the spans in order, and nothing but whitespace
//! outside them; `source.length` and `source.sha256` must be the text's.

use serde_json::Value;

use super::{LintName, Linter};

/// Checks the statement against its source text.
pub(super) fn check(linter: &mut Linter<'_>, value: &Value, source: &[u8]) {
    check_length_and_digest(linter, value, source);
    let mut previous_end: usize = 0;
    for (i, block) in value["body"].as_array().into_iter().flatten().enumerate() {
        if let Some(end) = check_block(linter, i, block, source, previous_end) {
            previous_end = end;
        }
    }
    if let Some(at) = source.get(previous_end..).and_then(non_whitespace) {
        linter.report(
            LintName::SourceSpan,
            "/body",
            None,
            format!(
                "source byte {} after the last block belongs to no block",
                previous_end + at
            ),
        );
    }
}

/// `source.length` and `source.sha256`, when the statement has them.
fn check_length_and_digest(linter: &mut Linter<'_>, value: &Value, source: &[u8]) {
    if let Some(length) = value["source"]["length"].as_u64()
        && length != source.len() as u64
    {
        linter.report(
            LintName::SourceSpan,
            "/source/length",
            None,
            format!(
                "the source text is {} bytes, the statement says {length}",
                source.len()
            ),
        );
    }
    if let Some(digest) = value["source"]["sha256"].as_str() {
        let actual = crate::digest::Sha256Digest::of_bytes(source).to_string();
        if digest != actual {
            linter.report(
                LintName::SourceSpan,
                "/source/sha256",
                None,
                format!("the source text's digest is {actual}"),
            );
        }
    }
}

/// Block `i` against the source, the previous block ending at
/// `previous_end`; returns where the blocks now end (`None`: unchanged).
fn check_block(
    linter: &mut Linter<'_>,
    i: usize,
    block: &Value,
    source: &[u8],
    previous_end: usize,
) -> Option<usize> {
    let (start, end) = (block["span"][0].as_u64()?, block["span"][1].as_u64()?);
    let (start, end) = (start as usize, end as usize);
    let pointer = format!("/body/{i}/span");
    let mut report = |message| linter.report(LintName::SourceSpan, &pointer, None, message);
    if start < previous_end || end < start {
        report(format!(
            "span [{start}, {end}) overlaps or precedes the previous block (ends at {previous_end})"
        ));
        return Some(previous_end.max(end));
    }
    let Some(slice) = source.get(start..end) else {
        report(format!(
            "span [{start}, {end}) is outside the source ({} bytes)",
            source.len()
        ));
        return None;
    };
    if Some(slice) != block["text"].as_str().map(str::as_bytes) {
        report(format!(
            "the text differs from the source bytes [{start}, {end})"
        ));
    }
    if let Some(at) = non_whitespace(&source[previous_end..start]) {
        report(format!(
            "source byte {} before this block is not whitespace and belongs to no block",
            previous_end + at
        ));
    }
    Some(end)
}

/// Offset of the first byte that is not Unicode whitespace (a byte order
/// mark counts as whitespace here: it is no word of the text). The same
/// test between blocks and after the last one: the importer trims Unicode
/// whitespace around every block.
fn non_whitespace(gap: &[u8]) -> Option<usize> {
    let text = String::from_utf8_lossy(gap);
    let mut offset = 0;
    for c in text.chars() {
        if !c.is_whitespace() && c != '\u{feff}' {
            return Some(offset);
        }
        offset += c.len_utf8();
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::lint::{findings, rules};

    #[test]
    fn source_spans() {
        let json = r#"{"body": [{"kind": "preamble", "text": "Hello there.", "span": [0, 12]}, {"kind": "preamble", "text": "Second line!", "span": [13, 25]}]}"#;
        assert!(findings(json, Some("Hello there.\nSecond line!")).is_empty());
        let f = findings(json, Some("Hello there.\nSecond lime!"));
        assert_eq!(rules(&f), ["lint/source-span"]);
        let f = findings(json, Some("Hello there.X\nSecond line!"));
        assert!(!f.is_empty());
        let f = findings(json, Some("Hello there.\nSecond line! X"));
        assert_eq!(rules(&f), ["lint/source-span"]);
        assert!(f[0].message.contains("source byte 26 after the last block"));
    }

    /// The importer trims Unicode whitespace around blocks, so a text
    /// ending in a no-break space (or an ideographic space, a line
    /// separator) imported into a statement that failed `validate`: only
    /// ASCII whitespace was allowed after the last block, though any
    /// whitespace was allowed between blocks.
    #[test]
    fn unicode_whitespace_after_the_last_block_belongs_to_no_block_but_is_fine() {
        let json = r#"{"body": [{"kind": "preamble", "text": "Hello there.", "span": [0, 12]}, {"kind": "preamble", "text": "Second line!", "span": [16, 28]}]}"#;
        for space in ["\u{a0}", "\u{3000}", "\u{2028}", "\u{feff}"] {
            let between = format!("Hello there.\u{a0}\n\nSecond line!{space}\n");
            assert!(findings(json, Some(&between)).is_empty(), "{space:?}");
        }
    }
}
