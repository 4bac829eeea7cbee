//! The keys and the checkpoints: every kept checkpoint signed by the archive key, in order, the published one the latest, and the time-stamp tokens over them.

use super::*;

/// The public key, if it is the archive's (else the audit cannot go on).
pub(super) fn check_keys(
    archive: &Archive,
    findings: &mut Findings,
) -> Option<ed25519_dalek::VerifyingKey> {
    let subject = Item::PublicKey.path();
    let key = match archive.public_key() {
        Ok(k) => k,
        Err(e) => {
            findings.fail(AuditCode::KeyPublished, subject, e.to_string());
            return None;
        }
    };
    let id = crate::keys::KeyId::of(&key);
    if archive.info.origin != format!("docseal.archive/{}", &id.hex()[..16]) {
        findings.fail(
            AuditCode::KeyPublished,
            subject.clone(),
            format!(
                "the archive's origin {:?} does not name this key ({})",
                archive.info.origin,
                id.short()
            ),
        );
    }
    if let Err(e) = archive.signing_key() {
        findings.fail(
            AuditCode::KeyPublished,
            Item::PrivateKey.path(),
            e.to_string(),
        );
    }
    let expected = format!("{}\n", note::verifier_key(&archive.info.origin, &key));
    match archive.storage().read(&Item::VerifierKey) {
        Ok(Some(found)) if found == expected.as_bytes() => {}
        _ => findings.fail(
            AuditCode::KeyPublished,
            Item::VerifierKey.path(),
            format!(
                "not the verifier key of {}: expected {}",
                subject,
                expected.trim_end()
            ),
        ),
    }
    Some(key)
}

/// Every kept checkpoint, their times, and the published one. (Long: the
/// history and the published checkpoint are checked against each other.)
pub(super) fn check_checkpoints(
    archive: &Archive,
    key: &ed25519_dalek::VerifyingKey,
    unpublished: Option<(u64, u64)>,
    findings: &mut Findings,
) -> Result<Checkpoints, ArchiveError> {
    let storage = archive.storage();
    let mut kept = BTreeMap::new();
    let mut notes = HashMap::new();
    for listed in storage.list(Area::History)? {
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
                findings.fail(
                    AuditCode::CheckpointSignature,
                    p,
                    "not a checkpoint docseal wrote",
                );
                continue;
            }
        };
        let Item::History(size) = item else { continue };
        let text = storage
            .read(&item)
            .ok()
            .flatten()
            .and_then(|b| String::from_utf8(b).ok())
            .unwrap_or_default();
        match note::verify_checkpoint(&text, key) {
            Ok(cp) if cp.size != size => findings.fail(
                AuditCode::CheckpointSignature,
                item.path(),
                format!("it is the checkpoint of size {}, kept as {size}", cp.size),
            ),
            Ok(cp) if cp.origin != archive.info.origin => findings.fail(
                AuditCode::CheckpointSignature,
                item.path(),
                format!("origin {:?} is not this archive's", cp.origin),
            ),
            Ok(cp) => {
                kept.insert(size, cp);
                notes.insert(size, text);
            }
            Err(e) => findings.fail(AuditCode::CheckpointSignature, item.path(), e.to_string()),
        }
    }
    let mut last: Option<&Checkpoint> = None;
    for cp in kept.values() {
        if let (Some(prev), Some(t)) = (last.and_then(|c| c.time), cp.time)
            && t < prev
        {
            findings.fail(
                AuditCode::CheckpointTime,
                Item::History(cp.size).path(),
                format!("signed at {t}, before the checkpoint of a smaller tree ({prev})"),
            );
        }
        if cp.time.is_some() {
            last = Some(cp);
        }
    }
    let published = match archive.log().published(key) {
        Ok((cp, text)) => {
            let latest = kept.keys().next_back().copied().unwrap_or(0);
            if notes.get(&cp.size) != Some(&text) {
                findings.fail(
                    AuditCode::CheckpointPublished,
                    Item::Checkpoint.path(),
                    format!(
                        "the published checkpoint (size {}) is not the one kept for its size",
                        cp.size
                    ),
                );
            } else if unpublished == Some((cp.size, latest)) {
                findings.warn(
                    AuditCode::LogPending,
                    Item::Checkpoint.path(),
                    format!(
                        "an ingest was interrupted after keeping the checkpoint of size {latest} and before publishing it; the next `archive add` publishes it"
                    ),
                );
            } else if cp.size < latest {
                findings.fail(
                    AuditCode::CheckpointPublished,
                    Item::Checkpoint.path(),
                    format!(
                        "stale: it publishes size {}, the history holds size {latest}",
                        cp.size
                    ),
                );
            }
            Some(cp)
        }
        Err(ArchiveError::Damaged { reason, .. }) if reason == "missing" => {
            findings.fail(
                AuditCode::CheckpointMissing,
                Item::Checkpoint.path(),
                "no checkpoint is published",
            );
            None
        }
        Err(e) => {
            findings.fail(
                AuditCode::CheckpointSignature,
                Item::Checkpoint.path(),
                e.to_string(),
            );
            None
        }
    };
    Ok(Checkpoints {
        kept,
        notes,
        published,
        stamped: BTreeMap::new(),
    })
}

/// Every time-stamp token kept beside a checkpoint, checked under the TSAs
/// of the archive's latest trust: what each valid one proves, by size.
pub(super) fn check_checkpoint_tokens(
    archive: &Archive,
    checkpoints: &Checkpoints,
    anchors: &[crate::timestamp::TsaAnchor],
    findings: &mut Findings,
) -> Result<BTreeMap<u64, crate::archive::stamps::ProvenCheckpoint>, ArchiveError> {
    let mut positions: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
    for listed in archive.storage().list(Area::History)? {
        if let Listed::Item(Item::HistoryToken(size, n)) = listed {
            positions.entry(size).or_default().push(n);
        }
    }
    let mut stamped = BTreeMap::new();
    for (size, mut found) in positions {
        found.sort_unstable();
        let Some(note) = checkpoints.notes.get(&size) else {
            findings.fail(
                AuditCode::CheckpointTimestamp,
                Item::HistoryToken(size, found[0]).path(),
                format!("a time-stamp token beside no valid kept checkpoint of size {size}"),
            );
            continue;
        };
        for (i, n) in found.iter().enumerate() {
            if *n != i + 1 {
                findings.fail(
                    AuditCode::CheckpointTimestamp,
                    Item::HistoryToken(size, *n).path(),
                    format!("token {n} without token {} before it", i + 1),
                );
            }
        }
        if let Some(best) = check_tokens_of(archive, size, note, anchors, findings)? {
            stamped.insert(size, best);
        }
    }
    Ok(stamped)
}

/// The tokens over the checkpoint of `size` (its bytes `note`): each
/// checked, the earliest valid trusted one returned.
pub(super) fn check_tokens_of(
    archive: &Archive,
    size: u64,
    note: &str,
    anchors: &[crate::timestamp::TsaAnchor],
    findings: &mut Findings,
) -> Result<Option<crate::archive::stamps::ProvenCheckpoint>, ArchiveError> {
    let mut proven = Vec::new();
    for (item, reply) in archive.checkpoint_tokens(size)? {
        let path = item.path();
        match crate::bundle::stamp::check_reply(&reply, note.as_bytes(), anchors, None) {
            Ok(c) if c.trusted => proven.push(c.token),
            Ok(c) => findings.warn(
                AuditCode::CheckpointTimestamp,
                path,
                format!(
                    "a valid token by {}, whose TSA the archive's trust does not include: it proves nothing until it does",
                    c.token.tsa_subject
                ),
            ),
            Err(e) => findings.fail(
                AuditCode::CheckpointTimestamp,
                path,
                format!("{}: {}", e.check.code(), e.message),
            ),
        }
    }
    Ok(proven.into_iter().min_by_key(|t| t.latest).map(|best| {
        crate::archive::stamps::ProvenCheckpoint {
            size,
            time: UtcTime::from_datetime(best.latest),
            anchor: best.anchor_name,
        }
    }))
}
