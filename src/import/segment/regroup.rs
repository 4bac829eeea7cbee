//! The passes that need every block of the text: what the lines read one
//! by one cannot tell (a numbered list inside a paragraph, an annex's
//! paragraphs, auto-numbered lists, two paragraphs on one line).

use super::shape::{ends_sentence, paragraph_number};
use super::{Block, Kind};

/// A numbered run introduced by a colon and followed by more unnumbered
/// prose is a list inside a paragraph ("endorsed the following
/// principles: 1. … 6. …"), not the statement's numbered paragraphs —
/// when its items are short or stand on consecutive lines.
pub(super) fn lists_after_colons(text: &str, blocks: &mut [Block]) {
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
pub(super) fn paragraphs_when_unnumbered(blocks: &mut [Block]) {
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
pub(super) fn sections(blocks: &mut [Block]) {
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
pub(super) fn auto_numbers(blocks: &mut [Block]) {
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
pub(super) fn split_run_in_numbers(text: &str, blocks: Vec<Block>) -> Vec<Block> {
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
