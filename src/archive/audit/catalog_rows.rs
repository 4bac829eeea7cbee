//! The catalog, row by row, against the records the replay derived from the log.

use super::*;

/// The catalog against the rows the log and bundles give. (Long: the
/// catalog's tree, then every row both ways, then the trust changes.)
pub(super) fn check_catalog(
    archive: &Archive,
    expected: &[Record],
    entries: &[Entry],
    checkpoints: &Checkpoints,
    findings: &mut Findings,
) {
    let name = archive.catalog_name();
    let subject = || Some(name.clone());
    let catalog = match Catalog::open_read_only(archive.catalog_location()) {
        Ok(c) => c,
        Err(crate::archive::catalog::CatalogError::Missing(_)) => {
            findings.fail(
                AuditCode::CatalogMissing,
                subject(),
                "there is no catalog: `list` and `search` would find nothing; `archive reindex` rebuilds it",
            );
            return;
        }
        Err(e) => {
            findings.fail(
                AuditCode::CatalogStale,
                subject(),
                format!("{e}; `archive reindex` rebuilds it"),
            );
            return;
        }
    };
    // A catalog behind the log (a crash after a checkpoint, or an old copy
    // put back) is caught up by the next command that reads it: a warning.
    // One that indexes another tree is rebuilt: a failure until then.
    let indexed = catalog.indexed().ok().flatten();
    let published = checkpoints.published.as_ref();
    let size = published.map_or(0, |c| c.size);
    let covered = match (&indexed, published) {
        (Some(i), Some(cp)) if i.origin == archive.info.origin && i.size <= cp.size => {
            let root_matches = archive
                .log()
                .root(i.size)
                .is_ok_and(|r| crate::digest::hex(&r) == i.root);
            if !root_matches {
                findings.fail(
                    AuditCode::CatalogStale,
                    subject(),
                    format!("it indexes a tree of {} entries that is not this log's; `archive reindex` rebuilds it", i.size),
                );
            } else if i.size < cp.size {
                findings.warn(
                    AuditCode::CatalogStale,
                    subject(),
                    format!(
                        "it indexes the first {} of {} entries; the next command that reads it catches up",
                        i.size, cp.size
                    ),
                );
            }
            i.size
        }
        _ => {
            findings.fail(
                AuditCode::CatalogStale,
                subject(),
                format!("it does not index this log's tree of {size} entries; `archive reindex` rebuilds it"),
            );
            size
        }
    };
    let Ok((rows, trust)) = catalog.dump() else {
        findings.fail(
            AuditCode::CatalogStale,
            subject(),
            "unreadable; `archive reindex` rebuilds it",
        );
        return;
    };
    let mut found: HashMap<&str, &Record> = rows.iter().map(|r| (r.bundle.as_str(), r)).collect();
    for record in expected.iter().filter(|r| r.log_index < covered) {
        match found.remove(record.bundle.as_str()) {
            None => findings.fail(
                AuditCode::CatalogMissing,
                format!("entry {} ({})", record.log_index, record.statement_id),
                "no catalog row: `list` and `search` do not show it; `archive reindex` repairs it",
            ),
            Some(row) if row != record => findings.fail(
                AuditCode::CatalogDiffers,
                format!("entry {} ({})", record.log_index, record.statement_id),
                format!(
                    "its row differs in {}; `archive reindex` repairs it",
                    differing_fields(row, record)
                ),
            ),
            Some(_) => {}
        }
    }
    for (bundle, row) in found {
        findings.fail(
            AuditCode::CatalogExtra,
            format!("row {bundle} ({})", row.statement_id),
            "a catalog row no log entry has; `archive reindex` removes it",
        );
    }
    let logged: Vec<u64> = entries
        .iter()
        .filter(|e| matches!(e, Entry::Trust(_)) && e.index() < covered)
        .map(Entry::index)
        .collect();
    let rows: Vec<u64> = trust.iter().map(|t| t.log_index).collect();
    if logged != rows {
        findings.fail(
            AuditCode::CatalogDiffers,
            subject(),
            "its trust changes are not the log's; `archive reindex` repairs them",
        );
    }
}

pub(super) fn differing_fields(a: &Record, b: &Record) -> String {
    let mut fields = Vec::new();
    macro_rules! cmp {
        ($($f:ident),*) => { $( if a.$f != b.$f { fields.push(stringify!($f)); } )* };
    }
    cmp!(
        log_index,
        statement_id,
        statement,
        edition,
        signed,
        signatures,
        latest,
        kind,
        title,
        date_start,
        date_end,
        ingested_at,
        supersedes,
        trust,
        parties,
        signers,
        text
    );
    fields.join(", ")
}
