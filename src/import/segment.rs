//! Segmentation: plain text into ordered blocks, each with its kind, its
//! normalized label and its exact byte span in the source.
//!
//! Invariant: every block's text is the source at its span, spans are in
//! order, and only whitespace lies between them.

/// What a block is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The document's title line.
    Title,
    /// A second title line.
    Subtitle,
    /// A line that is only a date ("September 21, 2023").
    Dateline,
    /// Unnumbered text before the first numbered paragraph.
    Preamble,
    /// A section heading (plain, lettered `A.` or Roman `IV.`).
    Heading,
    /// A paragraph (numbered or not).
    Paragraph,
    /// An unnumbered paragraph continuing the numbered one before it.
    Continuation,
    /// A paragraph that introduces a list.
    ListLead,
    /// One item of a bulleted list.
    ListItem,
    /// A closing formula ("Done at …", "Signed at … in two copies").
    Closing,
    /// A signature line (a signer's name and office).
    SignatureBlock,
    /// A footnote.
    Footnote,
    /// A separator line inside the text (`-----`).
    Separator,
    /// The end marker (`###`, `*****`).
    EndMarker,
}

impl Kind {
    /// The name used in the statement JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Title => "title",
            Self::Subtitle => "subtitle",
            Self::Dateline => "dateline",
            Self::Preamble => "preamble",
            Self::Heading => "heading",
            Self::Paragraph => "paragraph",
            Self::Continuation => "continuation",
            Self::ListLead => "list-lead",
            Self::ListItem => "list-item",
            Self::Closing => "closing",
            Self::SignatureBlock => "signature-block",
            Self::Footnote => "footnote",
            Self::Separator => "separator",
            Self::EndMarker => "end-marker",
        }
    }
}

/// One block of the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// What it is.
    pub kind: Kind,
    /// Normalized number or letter.
    pub label: Option<String>,
    /// `[start, end)` byte offsets in the source.
    pub start: usize,
    /// End (exclusive).
    pub end: usize,
    /// For continuations and list items: the block they belong to.
    pub parent: Option<usize>,
}

/// A non-blank line: byte span without its line ending or surrounding spaces.
#[derive(Debug, Clone, Copy)]
struct Line {
    start: usize,
    end: usize,
}

fn lines(text: &str, from: usize) -> Vec<Line> {
    let mut out = Vec::new();
    let mut pos = from;
    let bytes = text.as_bytes();
    while pos <= bytes.len() {
        let end_of_line = bytes[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| pos + i);
        let raw = &text[pos..end_of_line];
        let trimmed_start = raw.len() - raw.trim_start().len();
        let trimmed = raw.trim();
        if !trimmed.is_empty() {
            let start = pos + trimmed_start;
            out.push(Line {
                start,
                end: start + trimmed.len(),
            });
        }
        if end_of_line == bytes.len() {
            break;
        }
        pos = end_of_line + 1;
    }
    out
}

/// Number at the start of a paragraph: `1.`, `11,`, `24.We`, `3)`, with an
/// optional footnote marker after it (`3.¹`, `3.[2]`). Not `1.5 °C`.
pub fn paragraph_number(text: &str) -> Option<(String, usize)> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 3 {
        return None;
    }
    let rest = &text[digits..];
    let mark = rest.chars().next()?;
    if !matches!(mark, '.' | ',' | ')') {
        return None;
    }
    let after = &rest[1..];
    let next = after.chars().next()?;
    let ok = next.is_whitespace()
        || next.is_uppercase()
        || matches!(
            next,
            '“' | '"' | '‘' | '[' | '¹' | '²' | '³' | '⁴' | '⁵' | '⁶' | '⁷' | '⁸' | '⁹'
        );
    if !ok {
        return None;
    }
    let number = text[..digits].trim_start_matches('0');
    Some((
        if number.is_empty() {
            "0".into()
        } else {
            number.into()
        },
        digits + 1,
    ))
}

/// `A. Heading` or `IV. Heading`: the letter or numeral.
fn section_label(text: &str) -> Option<String> {
    let (head, rest) = text.split_once(". ")?;
    if rest.trim().is_empty() {
        return None;
    }
    let is_letter = head.len() == 1 && head.chars().all(|c| c.is_ascii_uppercase());
    let is_roman = !head.is_empty()
        && head.len() <= 6
        && head
            .chars()
            .all(|c| matches!(c, 'I' | 'V' | 'X' | 'L' | 'C'));
    (is_letter || is_roman).then(|| head.to_string())
}

fn is_marker(text: &str) -> bool {
    text.len() >= 3
        && text
            .chars()
            .all(|c| matches!(c, '#' | '*' | '-' | '_' | '=' | '—' | '–'))
}

fn is_bullet(text: &str) -> bool {
    let mut chars = text.chars();
    matches!(chars.next(), Some('-' | '•' | '–' | '*' | '·' | '—' | '▪'))
        && chars.next().is_some_and(char::is_whitespace)
}

fn ends_sentence(text: &str) -> bool {
    let t = text.trim_end_matches(['"', '”', '’', ')', ']']);
    t.ends_with(['.', '!', '?', ';', ':', '…'])
}

fn is_closing(text: &str) -> bool {
    let lower = text.to_lowercase();
    (lower.starts_with("done at")
        || lower.starts_with("signed at")
        || lower.starts_with("signed in")
        || lower.starts_with("done in"))
        && (lower.contains(" copies") || lower.contains(" on ") || lower.contains(" in "))
}

fn is_footnote(text: &str) -> bool {
    let t = text.trim_start();
    (t.starts_with('[')
        && t[1..].chars().take_while(char::is_ascii_digit).count() > 0
        && t.contains("] "))
        || t.starts_with(['¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'])
}

/// A short line that reads like a heading: no closing punctuation, few words.
fn heading_like(text: &str) -> bool {
    let words = text.split_whitespace().count();
    !ends_sentence(text) && words <= 16 && text.chars().count() <= 140 && !is_bullet(text)
}

/// A signature line: "President X of Y", an office and a name, no verb.
fn signature_like(text: &str) -> bool {
    let offices = [
        "President ",
        "Prime Minister ",
        "Chancellor ",
        "King ",
        "Queen ",
        "Emir ",
        "Sultan ",
        "Minister ",
        "Secretary ",
        "His ",
        "Her ",
    ];
    offices.iter().any(|o| text.starts_with(o))
        && !ends_sentence(text)
        && text.split_whitespace().count() <= 16
}

/// Segments `text` (from byte `from`, after any BOM) into blocks.
pub fn segment(text: &str, from: usize) -> Vec<Block> {
    let lines = lines(text, from);
    let numbered_doc = lines
        .iter()
        .any(|l| paragraph_number(&text[l.start..l.end]).is_some());
    let mut blocks: Vec<Block> = Vec::new();
    let mut seen_number = false;
    let mut seen_dateline = false;
    let last_marker = lines.iter().rposition(|l| is_marker(&text[l.start..l.end]));
    for (i, line) in lines.iter().enumerate() {
        let t = &text[line.start..line.end];
        let next = lines.get(i + 1).map(|l| &text[l.start..l.end]);
        let block = |kind, label: Option<String>| Block {
            kind,
            label,
            start: line.start,
            end: line.end,
            parent: None,
        };
        if is_marker(t) {
            blocks.push(block(
                if Some(i) == last_marker && i + 1 == lines.len() {
                    Kind::EndMarker
                } else {
                    Kind::Separator
                },
                None,
            ));
            continue;
        }
        if let Some((number, _)) = paragraph_number(t) {
            seen_number = true;
            blocks.push(block(Kind::Paragraph, Some(number)));
            continue;
        }
        if super::dates::is_dateline(t) {
            seen_dateline = true;
            blocks.push(block(Kind::Dateline, None));
            continue;
        }
        if is_closing(t) {
            blocks.push(block(Kind::Closing, None));
            continue;
        }
        if seen_dateline && signature_like(t) {
            blocks.push(block(Kind::SignatureBlock, None));
            continue;
        }
        if is_bullet(t) {
            let lead = blocks
                .iter()
                .rposition(|b| !matches!(b.kind, Kind::ListItem));
            if let Some(lead) = lead
                && matches!(
                    blocks[lead].kind,
                    Kind::Paragraph | Kind::Preamble | Kind::Continuation
                )
                && blocks[lead].label.is_none()
            {
                blocks[lead].kind = Kind::ListLead;
            }
            let mut b = block(Kind::ListItem, None);
            b.parent = lead;
            blocks.push(b);
            continue;
        }
        if is_footnote(t) && seen_number {
            blocks.push(block(Kind::Footnote, None));
            continue;
        }
        if blocks.is_empty()
            && !ends_sentence(t)
            && t.chars().count() <= 200
            && t.split_whitespace().count() <= 30
        {
            blocks.push(block(Kind::Title, None));
            continue;
        }
        if blocks.len() == 1
            && blocks[0].kind == Kind::Title
            && heading_like(t)
            && next.is_some_and(|n| !heading_like(n))
            && !t.starts_with(char::is_numeric)
        {
            blocks.push(block(Kind::Subtitle, None));
            continue;
        }
        if let Some(label) = section_label(t).filter(|_| heading_like(t)) {
            blocks.push(block(Kind::Heading, Some(label)));
            continue;
        }
        let next_is_text =
            next.is_some_and(|n| !heading_like(n) || is_bullet(n) || paragraph_number(n).is_some());
        if heading_like(t) && next_is_text && next.is_some() {
            blocks.push(block(Kind::Heading, None));
            continue;
        }
        // Unnumbered prose.
        let previous_numbered = blocks
            .iter()
            .rposition(|b| b.kind == Kind::Paragraph && b.label.is_some());
        let after_heading = blocks
            .last()
            .is_some_and(|b| matches!(b.kind, Kind::Heading | Kind::Title | Kind::Subtitle));
        if numbered_doc && !seen_number {
            blocks.push(block(Kind::Preamble, None));
        } else if numbered_doc
            && !after_heading
            && let Some(parent) = previous_numbered
        {
            let mut b = block(Kind::Continuation, None);
            b.parent = Some(parent);
            blocks.push(b);
        } else {
            blocks.push(block(Kind::Paragraph, None));
        }
    }
    split_run_in_numbers(text, blocks)
}

/// A paragraph whose last sentence is followed by the next number on the
/// same line ("… Blue Pacific. 28.    The leaders …") becomes two blocks.
fn split_run_in_numbers(text: &str, blocks: Vec<Block>) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::with_capacity(blocks.len());
    for block in blocks {
        let Some(n) = block
            .label
            .as_deref()
            .and_then(|l| l.parse::<u32>().ok())
            .filter(|_| block.kind == Kind::Paragraph)
        else {
            out.push(block);
            continue;
        };
        let body = &text[block.start..block.end];
        let needle = format!(" {}.", n + 1);
        let split = body.match_indices(&needle).find_map(|(i, _)| {
            let before = body[..i].trim_end();
            let after = &body[i + 1..];
            (ends_sentence(before) && paragraph_number(after).is_some()).then_some(i)
        });
        match split {
            Some(i) => {
                let first_end = block.start + body[..i].trim_end().len();
                let second_start = block.start + i + 1;
                out.push(Block {
                    end: first_end,
                    ..block.clone()
                });
                out.push(Block {
                    kind: Kind::Paragraph,
                    label: Some((n + 1).to_string()),
                    start: second_start,
                    end: block.end,
                    parent: None,
                });
            }
            None => out.push(block),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraph_numbers() {
        assert_eq!(paragraph_number("1. In the year"), Some(("1".into(), 2)));
        assert_eq!(paragraph_number("11, The"), Some(("11".into(), 3)));
        assert_eq!(paragraph_number("24.We"), Some(("24".into(), 3)));
        assert_eq!(paragraph_number("3.¹ The"), Some(("3".into(), 2)));
        assert_eq!(paragraph_number("1.5 °C is the limit"), None);
        assert_eq!(paragraph_number("2023.The leaders"), None);
        assert_eq!(paragraph_number("The 1. thing"), None);
    }

    #[test]
    fn section_labels() {
        assert_eq!(
            section_label("A. TOWARD A MORE SECURE WORLD"),
            Some("A".into())
        );
        assert_eq!(
            section_label("IV. Economic Growth and Prosperity"),
            Some("IV".into())
        );
        assert_eq!(section_label("U.S. and EU"), None);
    }

    #[test]
    fn spans_are_exact_with_crlf_and_indentation() {
        let text = "Title Line\r\n\r\n  1. First paragraph.\r\n2. Second. 3. Third one.\r\n###\r\n";
        let blocks = segment(text, 0);
        let kinds: Vec<(&str, Option<&str>, &str)> = blocks
            .iter()
            .map(|b| (b.kind.as_str(), b.label.as_deref(), &text[b.start..b.end]))
            .collect();
        assert_eq!(
            kinds,
            vec![
                ("title", None, "Title Line"),
                ("paragraph", Some("1"), "1. First paragraph."),
                ("paragraph", Some("2"), "2. Second."),
                ("paragraph", Some("3"), "3. Third one."),
                ("end-marker", None, "###"),
            ]
        );
    }
}
