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

/// Number at the start of a paragraph: `1.`, `11,`, `24.We`, `3)`, with an
/// optional footnote marker after it (`3.¹`, `3.[2]`); `1 WE` (a number and
/// a word in capitals, as in ASEAN and UN resolutions); Arabic-Indic digits
/// (`١.`); Chinese `一、`. Not `1.5 °C`.
pub fn paragraph_number(text: &str) -> Option<(String, usize)> {
    if let Some(found) = han_number_mark(text) {
        return Some(found);
    }
    let (value, digit_len) = leading_number(text)?;
    let rest = &text[digit_len..];
    let mark_len = match rest.chars().next()? {
        ' ' => capitals_after_space(rest)?,
        'º' | '°' => ordinal_mark(rest)?,
        '.' | ',' | ')' => punctuation_mark(rest)?,
        _ => return None,
    };
    Some((value.to_string(), digit_len + mark_len))
}

/// One to three ASCII or Arabic-Indic digits at the start of `text`: their
/// value and length in bytes.
fn leading_number(text: &str) -> Option<(u32, usize)> {
    let digit_len: usize = text
        .chars()
        .take_while(|c| c.is_ascii_digit() || ('٠'..='٩').contains(c))
        .map(char::len_utf8)
        .sum();
    let digits = text[..digit_len].chars().count();
    if digits == 0 || digits > 3 {
        return None;
    }
    let value: u32 = text[..digit_len].chars().fold(0, |n, c| {
        n * 10 + c.to_digit(10).unwrap_or_else(|| c as u32 - '٠' as u32)
    });
    Some((value, digit_len))
}

/// "1 WE, the Member States …": after the space, a word of two or more
/// capitals. The mark is the number alone (length 0).
fn capitals_after_space(rest: &str) -> Option<usize> {
    let word: String = rest[1..]
        .chars()
        .take_while(|c| c.is_alphabetic())
        .collect();
    (word.chars().count() >= 2 && word.chars().all(char::is_uppercase)).then_some(0)
}

/// "1º El Gobierno …", "2°) Les Parties …" (Spanish, French, Italian): an
/// ordinal sign, maybe a `.` or `)`, then a space — not a temperature
/// ("20 °C"). The mark's length.
fn ordinal_mark(rest: &str) -> Option<usize> {
    let mark = rest.chars().next()?;
    let after = rest[mark.len_utf8()..].trim_start_matches(['.', ')']);
    let used = rest.len() - after.len();
    (after.starts_with(char::is_whitespace) && !after.trim_start().starts_with(['C', 'F']))
        .then_some(used)
}

/// What may follow a number's `.`, `,` or `)` at once (besides a space, a
/// capital or Arabic script): quotation marks, a footnote's bracket or
/// superscript.
const AFTER_NUMBER_MARK: &[char] = &[
    '“', '"', '‘', '«', '„', '[', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹',
];

/// `1.`, `11,`, `3)` followed by a space, a capital ("24.We"), a quotation
/// mark, a footnote marker or Arabic script — not a decimal ("1.5"). The
/// mark's length.
fn punctuation_mark(rest: &str) -> Option<usize> {
    let next = rest[1..].chars().next()?;
    let starts_text = next.is_whitespace()
        || next.is_uppercase()
        || AFTER_NUMBER_MARK.contains(&next)
        || ('\u{0600}'..='\u{06ff}').contains(&next);
    starts_text.then_some(1)
}

/// Chinese numbering: `一、`, `十二、`.
fn han_number_mark(text: &str) -> Option<(String, usize)> {
    let numeral: String = text
        .chars()
        .take_while(|c| "一二三四五六七八九十".contains(*c))
        .collect();
    if numeral.is_empty() || numeral.chars().count() > 3 {
        return None;
    }
    let rest = &text[numeral.len()..];
    if !rest.starts_with('、') {
        return None;
    }
    let digit = |c: char| "一二三四五六七八九".find(c).map(|i| i as u32 / 3 + 1);
    let chars: Vec<char> = numeral.chars().collect();
    let value = match chars.as_slice() {
        [d] if *d != '十' => digit(*d)?,
        ['十'] => 10,
        ['十', o] => 10 + digit(*o)?,
        [t, '十'] => digit(*t)? * 10,
        [t, '十', o] => digit(*t)? * 10 + digit(*o)?,
        _ => return None,
    };
    Some((value.to_string(), numeral.len() + '、'.len_utf8()))
}

/// The marker of a sub-item: `(a)`, `a)`, `(iv)`, `iv)`, `а)` (Cyrillic),
/// `1.1`, `1.1.`: its label without outer punctuation (`a`, `iv`, `1.1`).
pub fn item_label(text: &str) -> Option<String> {
    let (inner, rest) = if let Some(after) = text.strip_prefix('(') {
        let close = after.find(')')?;
        (&after[..close], &after[close + 1..])
    } else if let Some(close) = text.find(')') {
        (&text[..close], &text[close + 1..])
    } else {
        // "1.1 The Parties" / "2.3. …"
        let head: &str = text.split(char::is_whitespace).next()?;
        let parts: Vec<&str> = head.trim_end_matches('.').split('.').collect();
        if parts.len() >= 2
            && parts.len() <= 4
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
            && text[head.len()..].starts_with(char::is_whitespace)
        {
            return Some(parts.join("."));
        }
        return None;
    };
    if !rest.starts_with(char::is_whitespace) || inner.is_empty() {
        return None;
    }
    let letters = inner.chars().count();
    let roman = inner
        .chars()
        .all(|c| matches!(c, 'i' | 'v' | 'x' | 'I' | 'V' | 'X'))
        && letters <= 5;
    let letter = letters == 1 && inner.chars().all(char::is_alphabetic);
    let number =
        inner.len() <= 2 && inner.bytes().all(|b| b.is_ascii_digit()) && text.starts_with('(');
    // Cyrillic and other letters are kept as printed only if the schema's
    // label pattern allows them: transliterate to their position instead.
    if letter && !inner.is_ascii() {
        let c = inner.chars().next()?;
        let position = "абвгдежзиклмнопрстуфхцчшщэюя"
            .chars()
            .position(|x| x == c.to_lowercase().next().unwrap_or(c))?;
        return Some(format!("{}", position + 1));
    }
    (roman || letter || number).then(|| inner.to_string())
}

/// The heading of an annex, appendix or plan of action.
fn is_annex_heading(text: &str) -> bool {
    let lower = text.to_lowercase();
    text.split_whitespace().count() <= 24
        && !lower.ends_with('.')
        && super::lang::ANNEX_WORDS.iter().any(|w| {
            lower.starts_with(w)
                && lower[w.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_alphabetic())
        })
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
    let t = text.trim_end_matches(['"', '”', '’', ')', ']', '»']);
    t.ends_with([
        '.', '!', '?', ';', ':', '…', '。', '！', '？', '；', '：', '؟', '؛',
    ])
}

/// How closing formulas begin, in each language ("Done at", "Fait à",
/// "Совершено в", "حرر في").
const CLOSING_STARTS: &[&str] = &[
    "done at",
    "done in",
    "signed at",
    "signed in",
    "adopted at",
    "adopted in",
    "issued at",
    "issued in",
    "fait à",
    "fait a ",
    "fait en",
    "signé à",
    "adopté à",
    "hecho en",
    "firmado en",
    "adoptado en",
    "feito em",
    "assinado em",
    "fatto a",
    "firmato a",
    "geschehen zu",
    "geschehen in",
    "unterzeichnet in",
    "unterzeichnet am",
    "utfärdad i",
    "undertecknad i",
    "upprättad i",
    "совершено в",
    "подписано в",
    "принято в",
    "учинено у",
    "сачињено у",
    "потписано у",
    "učinjeno u",
    "sačinjeno u",
    "potpisano u",
    "вчинено в",
    "підписано в",
    "حرر في",
    "حررت في",
    "وقع في",
    "صدر في",
];

fn is_closing(text: &str) -> bool {
    let lower = text.to_lowercase();
    CLOSING_STARTS.iter().any(|s| lower.starts_with(s)) && text.chars().count() <= 600
}

/// A line of a signature block laid out in columns (names side by side,
/// offices side by side): three or more spaces between two texts.
pub fn columns(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut last_end = 0;
    let mut spaces = 0;
    for (i, c) in text.char_indices() {
        if c == ' ' || c == '\u{3000}' || c == '\t' {
            spaces += if c == '\t' { 4 } else { 1 };
            continue;
        }
        if let Some(s0) = start
            && spaces >= 3
        {
            out.push((s0, last_end));
            start = None;
        }
        if start.is_none() {
            start = Some(i);
        }
        spaces = 0;
        last_end = i + c.len_utf8();
    }
    if let Some(s0) = start {
        out.push((s0, last_end));
    }
    out
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

/// How signature lines begin: an office ("President ", "Министр"), "For
/// the …" and its translations ("Pour ", "За "), a witness's words.
const SIGNATURE_STARTS: &[&str] = &[
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
    "Vice President ",
    "Deputy ",
    "Ambassador ",
    "Charge d",
    "Chargé d",
    "Foreign Minister ",
    "Crown Prince ",
    "Premier ",
    "Chair",
    "For the ",
    "On behalf of ",
    "Witness",
    "In the presence",
    "Pour ",
    "Au nom ",
    "Por ",
    "En nombre ",
    "Für ",
    "För ",
    "За ",
    "От имени ",
    "Від імені ",
    "Za ",
    "U ime ",
    "У име ",
    "Президент",
    "Председник",
    "Predsednik",
    "Премьер",
    "Président",
    "Presidente",
    "Präsident",
    "Bundeskanzler",
    "Statsminister",
    "Премијер",
    "Premijer",
    "Министр",
    "Министар",
    "Ministar",
    "Ministre ",
    "Ministro ",
    "Außenminister",
    "Utrikesminister",
];

/// A signature line: "President X of Y", an office and a name, no verb;
/// "For the Government of X", "За Республику Казахстан", "Witnessed by:".
fn signature_like(text: &str) -> bool {
    (SIGNATURE_STARTS.iter().any(|o| text.starts_with(o))
        || text.trim_end().ends_with(" үшін")
        || text.trim_end().ends_with("代表"))
        && !ends_sentence(text)
        && text.split_whitespace().count() <= 16
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

/// A numbered run introduced by a colon and followed by more unnumbered
/// prose is a list inside a paragraph ("endorsed the following
/// principles: 1. … 6. …"), not the statement's numbered paragraphs —
/// when its items are short or stand on consecutive lines.
fn lists_after_colons(text: &str, blocks: &mut [Block]) {
    let mut i = 0;
    while i < blocks.len() {
        if !opens_run_after_colon(text, blocks, i) {
            i += 1;
            continue;
        }
        let items = numbered_run(blocks, i);
        let end = *items.last().unwrap_or(&i) + 1;
        // Only when nothing but its items stands between its first and last.
        if reads_as_list(text, blocks, &items) && items.len() == end - i {
            let lead = i - 1;
            if blocks[lead].kind != Kind::Continuation {
                blocks[lead].kind = Kind::ListLead;
            }
            for &k in &items {
                blocks[k].kind = Kind::ListItem;
                blocks[k].parent = Some(lead);
            }
        }
        i = end.max(i + 1);
    }
}

/// Is block `i` a paragraph numbered 1 right after unnumbered prose that
/// ends with a colon?
fn opens_run_after_colon(text: &str, blocks: &[Block], i: usize) -> bool {
    blocks[i].kind == Kind::Paragraph
        && blocks[i].label.as_deref() == Some("1")
        && i > 0
        && blocks[i - 1].label.is_none()
        && matches!(
            blocks[i - 1].kind,
            Kind::Paragraph | Kind::Preamble | Kind::Continuation | Kind::ListLead
        )
        && text[blocks[i - 1].start..blocks[i - 1].end]
            .trim_end()
            .ends_with(':')
}

/// The run opened at `first`: the paragraphs numbered on from 1, across
/// continuations and headings, up to a gap in the numbers or an annex.
fn numbered_run(blocks: &[Block], first: usize) -> Vec<usize> {
    let mut items = vec![first];
    let mut next_label = 2u32;
    for (j, b) in blocks.iter().enumerate().skip(first + 1) {
        if b.kind == Kind::Annex {
            break;
        }
        if b.kind == Kind::Paragraph
            && let Some(label) = &b.label
        {
            if label.parse::<u32>().ok() != Some(next_label) {
                break;
            }
            items.push(j);
            next_label += 1;
        }
    }
    items
}

/// A run reads as a list inside a paragraph when unnumbered prose follows
/// it (before the next numbered paragraph or annex) and its items stand on
/// consecutive lines or are all short.
fn reads_as_list(text: &str, blocks: &[Block], items: &[usize]) -> bool {
    let end = items.last().map_or(0, |&last| last + 1);
    let prose_follows = blocks[end..]
        .iter()
        .take_while(|b| !(b.kind == Kind::Paragraph && b.label.is_some()) && b.kind != Kind::Annex)
        .any(|b| matches!(b.kind, Kind::Paragraph | Kind::Continuation) && b.label.is_none());
    let tight = items
        .windows(2)
        .all(|w| !text[blocks[w[0]].end..blocks[w[1]].start].contains("\n\n"));
    let short = items
        .iter()
        .all(|&k| blocks[k].end - blocks[k].start <= 400);
    prose_follows && (tight || short)
}

/// A text left without numbered paragraphs (its numbered runs all lists)
/// has no preamble to them and nothing to continue.
fn paragraphs_when_unnumbered(blocks: &mut [Block]) {
    if blocks
        .iter()
        .any(|b| b.kind == Kind::Paragraph && b.label.is_some())
    {
        return;
    }
    for b in blocks.iter_mut() {
        if matches!(b.kind, Kind::Preamble | Kind::Continuation) {
            b.kind = Kind::Paragraph;
            b.parent = None;
        }
    }
}

/// The numbered paragraphs of an annex hang under the annex.
fn sections(blocks: &mut [Block]) {
    let mut annex: Option<usize> = None;
    for (i, block) in blocks.iter_mut().enumerate() {
        match block.kind {
            Kind::Annex => annex = Some(i),
            Kind::Paragraph if block.label.is_some() && block.parent.is_none() => {
                block.parent = annex;
            }
            _ => {}
        }
    }
}

/// Lists whose every item is printed with the same number ("1." each time,
/// as an auto-numbered list pasted as text): each item keeps its printed
/// label and gets its position as its number.
fn auto_numbers(blocks: &mut [Block]) {
    // Numbered paragraphs, grouped by section (their parent).
    let mut groups: Vec<(Option<usize>, Vec<usize>)> = Vec::new();
    for (i, b) in blocks.iter().enumerate() {
        if b.kind == Kind::Paragraph && b.label.as_deref().is_some_and(|l| l.parse::<u32>().is_ok())
        {
            match groups.iter_mut().find(|(p, _)| *p == b.parent) {
                Some((_, members)) => members.push(i),
                None => groups.push((b.parent, vec![i])),
            }
        }
    }
    for (_, members) in groups {
        let labels: Vec<&str> = members
            .iter()
            .filter_map(|&i| blocks[i].label.as_deref())
            .collect();
        if members.len() >= 2 && labels.iter().all(|l| *l == labels[0]) {
            for (position, &i) in members.iter().enumerate() {
                blocks[i].number = u32::try_from(position + 1).ok();
            }
        }
    }
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
                    number: None,
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
        assert_eq!(
            paragraph_number("1 WE, the Member States"),
            Some(("1".into(), 1))
        );
        assert_eq!(paragraph_number("2 million people"), None);
        assert_eq!(paragraph_number("١. يؤكد الجانبان"), Some(("1".into(), 3)));
        assert_eq!(paragraph_number("十二、双方同意"), Some(("12".into(), 9)));
        assert_eq!(paragraph_number("3º Las Partes"), Some(("3".into(), 3)));
        assert_eq!(paragraph_number("20 °C of warming"), None);
    }

    #[test]
    fn item_labels() {
        assert_eq!(item_label("(a) first"), Some("a".into()));
        assert_eq!(item_label("f) Att fortsätta"), Some("f".into()));
        assert_eq!(item_label("(iv) fourth"), Some("iv".into()));
        assert_eq!(item_label("б) второе"), Some("2".into()));
        assert_eq!(item_label("1.1 The Parties"), Some("1.1".into()));
        assert_eq!(item_label("(本报北京5月1日电)"), None);
        assert_eq!(item_label("Kazakhstan) and"), None);
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
