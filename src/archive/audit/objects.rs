//! The stored objects and trust snapshots: each named by its digest, and what no entry names.

use super::*;

/// Every stored object hashed once; returns how many there are and the
/// bundles whose content is their name (the replay does not hash them again).
/// Lists the stored bundles and checks those no entry names (a logged
/// bundle's content is hashed where it is verified, from the same read:
/// on object storage each object is then downloaded once). Returns how
/// many are stored and which.
pub(super) fn check_objects(
    archive: &Archive,
    logged: &HashSet<Sha256Digest>,
    findings: &mut Findings,
) -> Result<(u64, HashSet<Sha256Digest>), ArchiveError> {
    use rayon::prelude::*;
    let storage = archive.storage();
    let mut items = Vec::new();
    for listed in storage.list(Area::Bundles)? {
        match listed {
            Listed::Item(Item::Bundle(d)) => items.push(d),
            Listed::Item(_) => {}
            Listed::Temporary(p) => findings.warn(
                AuditCode::ObjectTemporary,
                p,
                "a temporary file left by an interrupted ingest; it is not part of the archive",
            ),
            Listed::Foreign(p) => {
                findings.fail(AuditCode::ObjectForeign, p, "not named by a SHA-256 digest")
            }
        }
    }
    let unlogged: Vec<Sha256Digest> = items
        .iter()
        .filter(|d| !logged.contains(d))
        .copied()
        .collect();
    let hashed: Vec<(Sha256Digest, Result<Sha256Digest, String>)> = unlogged
        .par_iter()
        .map(|d| (*d, content_of(storage, d)))
        .collect();
    for (named, found) in hashed {
        let subject = storage.locate(&Item::Bundle(named));
        match found {
            Err(e) => object_unreadable(findings, subject, &e),
            Ok(d) if d != named => object_modified(findings, subject, d),
            Ok(_) => findings.warn(
                AuditCode::ObjectUnlogged,
                subject,
                "an intact bundle no log entry names (an ingest interrupted before logging); `archive add` of the same bundle completes it",
            ),
        }
    }
    let stored: HashSet<Sha256Digest> = items.iter().copied().collect();
    for d in logged {
        if !stored.contains(d) {
            findings.fail(
                AuditCode::ObjectMissing,
                storage.locate(&Item::Bundle(*d)),
                "the logged bundle is not in the store",
            );
        }
    }
    Ok((items.len() as u64, stored))
}

/// The SHA-256 of a stored bundle's content.
pub(super) fn content_of(
    storage: &dyn crate::archive::storage::Storage,
    d: &Sha256Digest,
) -> Result<Sha256Digest, String> {
    storage
        .local(d)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| "gone".to_string())?
        .sha256()
        .map_err(|e| e.to_string())
}

pub(super) fn object_unreadable(findings: &mut Findings, subject: String, error: &str) {
    findings.fail(
        AuditCode::ObjectModified,
        subject,
        format!("cannot read: {error}"),
    );
}

pub(super) fn object_modified(findings: &mut Findings, subject: String, content: Sha256Digest) {
    findings.fail(
        AuditCode::ObjectModified,
        subject,
        format!("its content is {content}, not the digest it is stored under"),
    );
}

pub(super) fn check_snapshots(
    archive: &Archive,
    entries: &[Entry],
    findings: &mut Findings,
) -> Result<(), ArchiveError> {
    let named: HashSet<Sha256Digest> = entries
        .iter()
        .filter_map(|e| match e {
            Entry::Trust(t) => Some(t.trust),
            Entry::Bundle(b) => Some(b.trust),
            Entry::Legacy(_) => None,
        })
        .collect();
    let certificates: HashSet<Sha256Digest> = named
        .iter()
        .filter_map(|d| archive.snapshot(d).ok())
        .flat_map(|s| s.certificates.into_keys())
        .collect();
    for listed in archive.storage().list(Area::Trust)? {
        match listed {
            Listed::Item(Item::Trust(d)) if !named.contains(&d) => findings.warn(
                AuditCode::TrustSnapshot,
                Item::Trust(d).path(),
                "a trust snapshot no entry names (an interrupted trust change)",
            ),
            Listed::Item(item @ Item::Certificate(d)) => {
                let stored = archive.storage().read(&item).ok().flatten();
                if stored.is_none_or(|der| Sha256Digest::of_bytes(&der) != d) {
                    findings.fail(
                        AuditCode::TrustSnapshot,
                        item.path(),
                        "a TSA certificate whose content is not its name",
                    );
                } else if !certificates.contains(&d) {
                    findings.warn(
                        AuditCode::TrustSnapshot,
                        item.path(),
                        "a TSA certificate no snapshot names (an interrupted trust change)",
                    );
                }
            }
            Listed::Foreign(p) => findings.fail(
                AuditCode::TrustSnapshot,
                p,
                "not a trust snapshot docseal wrote",
            ),
            _ => {}
        }
    }
    for d in named {
        if let Err(e) = archive.snapshot(&d) {
            findings.fail(
                AuditCode::TrustSnapshot,
                Item::Trust(d).path(),
                e.to_string(),
            );
        }
    }
    Ok(())
}
