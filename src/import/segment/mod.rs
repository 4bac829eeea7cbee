//! Segmentation: plain text into ordered blocks, each with its kind, its
//! normalized label and its exact byte span in the source.
//!
//! Invariant: every block's text is the source at its span, spans are in
//! order, and only whitespace lies between them.

mod regroup;
mod shape;

use regroup::{
    auto_numbers, lists_after_colons, paragraphs_when_unnumbered, sections, split_run_in_numbers,
};
pub use shape::{columns, item_label, paragraph_number};
use shape::{
    ends_sentence, heading_like, is_annex_heading, is_bullet, is_closing, is_footnote, is_marker,
    section_label, signature_like,
};

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
    /// The heading of an annex, appendix or plan of action: a section
    /// whose paragraphs are numbered on their own.
    Annex,
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
            Self::Annex => "annex",
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
    /// For continuations and list items: the block they belong to; for the
    /// numbered paragraphs of an annex, the annex.
    pub parent: Option<usize>,
    /// The position of an item in an auto-numbered list, when it differs
    /// from its printed label (every item printed "1.").
    pub number: Option<u32>,
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

/// Segments `text` (from byte `from`, after any BOM) into blocks: each
/// non-blank line is one block, of the kind its words and the lines around
/// it give; then the passes that need the whole text regroup them.
pub fn segment(text: &str, from: usize) -> Vec<Block> {
    let mut reader = Reader::new(text, from);
    for i in 0..reader.lines.len() {
        let block = reader.line_block(i);
        reader.blocks.push(block);
    }
    let mut blocks = split_run_in_numbers(text, reader.blocks);
    lists_after_colons(text, &mut blocks);
    paragraphs_when_unnumbered(&mut blocks);
    sections(&mut blocks);
    auto_numbers(&mut blocks);
    blocks
}

impl Line {
    fn block(self, kind: Kind, label: Option<String>) -> Block {
        Block {
            kind,
            label,
            start: self.start,
            end: self.end,
            parent: None,
            number: None,
        }
    }
}

impl Block {
    fn under(mut self, parent: Option<usize>) -> Self {
        self.parent = parent;
        self
    }
}

/// Reads the lines in order: the kind of a line depends on what the text
/// holds as a whole (numbered paragraphs), on the lines
/// before it (a dateline or closing formula seen, the blocks made) and on
/// the line after it.
struct Reader<'a> {
    text: &'a str,
    lines: Vec<Line>,
    /// Some paragraph is numbered: unnumbered prose is then a preamble or a
    /// continuation.
    numbered_doc: bool,
    seen_number: bool,
    seen_dateline: bool,
    seen_closing: bool,
    blocks: Vec<Block>,
}

impl<'a> Reader<'a> {
    fn new(text: &'a str, from: usize) -> Self {
        let lines = lines(text, from);
        let numbered_doc = lines
            .iter()
            .any(|l| paragraph_number(&text[l.start..l.end]).is_some());
        Self {
            text,
            lines,
            numbered_doc,
            seen_number: false,
            seen_dateline: false,
            seen_closing: false,
            blocks: Vec::new(),
        }
    }

    fn line_text(&self, i: usize) -> Option<&'a str> {
        let text = self.text;
        self.lines.get(i).map(|l| &text[l.start..l.end])
    }

    /// The block of line `i`. The rules are tried in order: the first that
    /// holds gives the kind.
    fn line_block(&mut self, i: usize) -> Block {
        let line = self.lines[i];
        let text = self.text;
        let t = &text[line.start..line.end];
        if let Some(block) = self.by_its_own_words(i, t) {
            return block;
        }
        if self.signature_line(i, t) {
            return line.block(Kind::SignatureBlock, None);
        }
        if let Some(block) = self.list_item(line, t) {
            return block;
        }
        if is_footnote(t) && self.seen_number {
            return line.block(Kind::Footnote, None);
        }
        if let Some(block) = self.heading(line, t, self.line_text(i + 1)) {
            return block;
        }
        self.prose(line)
    }

    /// Markers, numbered paragraphs, datelines and closing formulas: lines
    /// whose own words say what they are, wherever they stand.
    fn by_its_own_words(&mut self, i: usize, t: &str) -> Option<Block> {
        let line = self.lines[i];
        if is_marker(t) {
            // The last line's marker ends the text; others separate parts.
            let kind = if i + 1 == self.lines.len() {
                Kind::EndMarker
            } else {
                Kind::Separator
            };
            return Some(line.block(kind, None));
        }
        if let Some((number, _)) = paragraph_number(t) {
            self.seen_number = true;
            return Some(line.block(Kind::Paragraph, Some(number)));
        }
        if super::dates::is_dateline(t) {
            self.seen_dateline = true;
            return Some(line.block(Kind::Dateline, None));
        }
        if is_closing(t) {
            self.seen_closing = true;
            return Some(line.block(Kind::Closing, None));
        }
        None
    }

    /// A line of the signature block: a witness line near the end or after
    /// the date or closing formula, a signer's office after them, or names
    /// in columns among the last lines.
    fn signature_line(&self, i: usize, t: &str) -> bool {
        let n = self.lines.len();
        let two_columns = (t.contains("   ") || t.contains('\t') || t.contains('\u{3000}'))
            && columns(t).len() >= 2
            && t.split_whitespace().count() <= 16
            && !ends_sentence(t);
        let witness_line = t.split_whitespace().count() <= 6 && {
            let lower = t.to_lowercase();
            super::lang::WITNESS_WORDS.iter().any(|w| lower.contains(w))
        };
        let signed = self.seen_dateline || self.seen_closing;
        ((signed || i + 12 >= n) && witness_line)
            || (signed && signature_like(t))
            || (two_columns && i + 8 >= n)
    }

    /// A sub-item (`(a)`, `iv)`, `1.1`) under the last paragraph of the
    /// body, or a bullet under the block before the list, which becomes the
    /// list's lead when it is unnumbered prose.
    fn list_item(&mut self, line: Line, t: &str) -> Option<Block> {
        let blocks = &mut self.blocks;
        if let Some(label) = item_label(t) {
            let parent = blocks.iter().rposition(|b| {
                matches!(
                    b.kind,
                    Kind::Paragraph | Kind::ListLead | Kind::Preamble | Kind::Continuation
                ) && b.parent.is_none_or(|p| blocks[p].kind == Kind::Annex)
            });
            return Some(line.block(Kind::ListItem, Some(label)).under(parent));
        }
        if !is_bullet(t) {
            return None;
        }
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
        Some(line.block(Kind::ListItem, None).under(lead))
    }

    /// The title (the first line, unless it reads as a sentence), a
    /// subtitle, an annex's heading and section headings.
    fn heading(&self, line: Line, t: &str, next: Option<&str>) -> Option<Block> {
        let blocks = &self.blocks;
        if blocks.is_empty()
            && !ends_sentence(t)
            && t.chars().count() <= 200
            && t.split_whitespace().count() <= 30
        {
            return Some(line.block(Kind::Title, None));
        }
        if blocks.len() == 1
            && blocks[0].kind == Kind::Title
            && heading_like(t)
            && next.is_some_and(|n| !heading_like(n))
            && !t.starts_with(char::is_numeric)
        {
            return Some(line.block(Kind::Subtitle, None));
        }
        if is_annex_heading(t) && blocks.iter().any(|b| b.kind != Kind::Title) {
            return Some(line.block(Kind::Annex, None));
        }
        if let Some(label) = section_label(t).filter(|_| heading_like(t)) {
            return Some(line.block(Kind::Heading, Some(label)));
        }
        let next_is_text =
            next.is_some_and(|n| !heading_like(n) || is_bullet(n) || paragraph_number(n).is_some());
        (heading_like(t) && next_is_text && next.is_some()).then(|| line.block(Kind::Heading, None))
    }

    /// Unnumbered prose: in a numbered text, the preamble before the first
    /// number, else a continuation of the numbered paragraph before it
    /// (unless a heading or labelled item stands between); otherwise a
    /// paragraph.
    fn prose(&self, line: Line) -> Block {
        let blocks = &self.blocks;
        let previous_numbered = blocks
            .iter()
            .rposition(|b| b.kind == Kind::Paragraph && b.label.is_some());
        let after_heading = blocks.last().is_some_and(|b| {
            matches!(
                b.kind,
                Kind::Heading | Kind::Title | Kind::Subtitle | Kind::Annex
            ) || (b.kind == Kind::ListItem && b.label.is_some())
        });
        if self.numbered_doc && !self.seen_number {
            line.block(Kind::Preamble, None)
        } else if self.numbered_doc
            && !after_heading
            && let Some(parent) = previous_numbered
        {
            line.block(Kind::Continuation, None).under(Some(parent))
        } else {
            line.block(Kind::Paragraph, None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
