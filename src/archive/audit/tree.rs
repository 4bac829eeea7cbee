//! The log's entries and tiles: every entry readable and in order, every tile what the entries make, each checkpoint's root.

use super::*;

/// The entries of the tree of `size`, from its bundles (`None` in a place
/// whose entry cannot be read; `None` altogether if a bundle is missing).
pub(super) fn read_entries(
    archive: &Archive,
    size: u64,
    findings: &mut Findings,
) -> Option<Vec<Option<Entry>>> {
    let log = archive.log();
    let mut out = Vec::with_capacity(size as usize);
    let mut complete = true;
    for bundle in BundleId::all(size) {
        match log.bundle(bundle) {
            Ok(raw) => {
                for (i, bytes) in raw.iter().enumerate() {
                    let index = bundle.first_entry() + i as u64;
                    match Entry::parse(bytes) {
                        Ok(entry) => {
                            if entry.index() != index {
                                findings.fail(
                                    AuditCode::LogOrder,
                                    format!("entry {index}"),
                                    format!("it says it is entry {}: the log was reordered or rewritten", entry.index()),
                                );
                            }
                            out.push(Some(entry));
                        }
                        Err(e) => {
                            findings.fail(
                                AuditCode::LogEntry,
                                format!("entry {index}"),
                                e.to_string(),
                            );
                            out.push(None);
                        }
                    }
                }
            }
            Err(e) => {
                complete = false;
                findings.fail(
                    AuditCode::LogTruncated,
                    archive.storage().locate(&Item::Tile(bundle.into())),
                    format!(
                        "the published tree has {size} entries, but this bundle cannot be read: {e}"
                    ),
                );
            }
        }
    }
    complete.then_some(out)
}

/// Rebuilds the tiles from the entries, checkpoint by checkpoint, and
/// compares them with every stored tile and every checkpoint's root. (Long:
/// the rebuild and both directions of the comparison share the tiles.)
pub(super) fn check_tree(
    archive: &Archive,
    entries: &[Option<Entry>],
    checkpoints: &Checkpoints,
    journal: Option<(u64, &[Entry])>,
    findings: &mut Findings,
) -> Result<(), ArchiveError> {
    let pending = journal.is_some();
    // The raw bytes as stored (an unparsable entry still has its leaf).
    let log = archive.log();
    let size = entries.len() as u64;
    let mut raw: Vec<Vec<u8>> = Vec::with_capacity(entries.len());
    for bundle in BundleId::all(size) {
        raw.extend(log.bundle(bundle)?);
    }
    let mut memory = MemoryTiles::new();
    let mut tree = Tree::empty();
    let mut sizes: Vec<u64> = checkpoints
        .kept
        .keys()
        .copied()
        .filter(|s| *s <= size)
        .collect();
    if sizes.last() != Some(&size) {
        sizes.push(size);
    }
    // The journal's entries, when it appends to this tree: the checkpoint
    // they reach may have been kept (not published) before a crash.
    let journaled = journal
        .filter(|(from, _)| *from == size)
        .map(|(_, e)| (size + e.len() as u64, e));
    for s in &checkpoints.kept {
        if journaled.is_some_and(|(reach, _)| reach == *s.0) {
            continue;
        }
        if *s.0 > size {
            findings.fail(
                AuditCode::LogTruncated,
                Item::History(*s.0).path(),
                format!(
                    "the checkpoint covers {} entries but the log holds {size}",
                    s.0
                ),
            );
        }
    }
    for s in sizes {
        if s > tree.size {
            let appended =
                tlog::append_entries(&memory, &tree, &raw[tree.size as usize..s as usize])?;
            tree = appended.tree;
            memory.apply(appended);
        }
        if let Some(cp) = checkpoints.kept.get(&s)
            && cp.root != tree.root
        {
            findings.fail(
                AuditCode::LogRewritten,
                Item::History(s).path(),
                format!("the first {s} entries no longer hash to the signed root"),
            );
        }
    }
    if let Some((reach, journaled)) = journaled
        && reach > size
        && let Some(cp) = checkpoints.kept.get(&reach)
    {
        let bytes: Vec<Vec<u8>> = journaled.iter().map(Entry::bytes).collect();
        let appended = tlog::append_entries(&memory, &tree, &bytes)?;
        if appended.tree.root == cp.root {
            findings.warn(
                AuditCode::LogPending,
                Item::History(reach).path(),
                "kept by the interrupted ingest over its journal's entries, not yet published",
            );
            memory.apply(appended);
        } else {
            findings.fail(
                AuditCode::LogRewritten,
                Item::History(reach).path(),
                "the interrupted ingest's entries do not hash to this checkpoint's root",
            );
        }
    }
    let stored = archive.storage().list(Area::Tiles)?;
    let mut seen = HashSet::new();
    for listed in stored {
        let item = match listed {
            Listed::Item(item) => item,
            Listed::Temporary(p) => {
                findings.warn(
                    AuditCode::ObjectTemporary,
                    p,
                    "a temporary file of a writer",
                );
                continue;
            }
            Listed::Foreign(p) => {
                findings.fail(AuditCode::LogForeign, p, "not a tile path");
                continue;
            }
        };
        let Item::Tile(resource) = item else { continue };
        seen.insert(resource);
        match memory.get(&resource) {
            None if pending => findings.warn(
                AuditCode::LogPending,
                item.path(),
                "a tile past every checkpoint, left by the interrupted ingest",
            ),
            None => findings.fail(
                AuditCode::LogForeign,
                item.path(),
                "a tile past every checkpoint that no ingest journal explains; it is never signed over",
            ),
            Some(expected) => {
                let found = archive.storage().read(&item).ok().flatten();
                if found.as_deref() != Some(expected) {
                    findings.fail(
                        AuditCode::LogTile,
                        item.path(),
                        "its bytes are not those the entries make",
                    );
                }
            }
        }
    }
    for (resource, _) in memory.iter() {
        let full_kept = seen.contains(&resource.full());
        if !(seen.contains(resource) || resource.is_partial() && full_kept) {
            findings.fail(
                AuditCode::LogTile,
                Item::Tile(*resource).path(),
                "missing: a checkpoint's tree needs it",
            );
        }
    }
    Ok(())
}
