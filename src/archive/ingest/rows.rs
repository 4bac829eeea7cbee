//! The catalog kept current with the log: the rows of each entry, and catch-ups from the tree the catalog indexes.

use super::*;

/// The catalog's record of a bundle entry. (Long: one line per column of
/// the row, each read from the entry, the statement or the snapshot.)
pub(crate) fn record_of(
    entry: &BundleEntry,
    value: &serde_json::Value,
    placement: &Placement,
    snapshot: Option<&Snapshot>,
) -> Record {
    let date = if value.get("date").is_some() {
        &value["date"]
    } else {
        &value["occasion"]
    };
    let text: Vec<&str> = value["body"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|b| b["text"].as_str())
        .collect();
    let name = |key: &KeyId| -> Option<String> {
        snapshot?
            .file
            .keys
            .iter()
            .find(|e| e.key == *key && !e.signer.is_empty())
            .map(|e| e.signer.clone())
    };
    Record {
        bundle: entry.bundle.to_string(),
        log_index: entry.index,
        statement_id: entry.statement_id.clone(),
        statement: entry.statement.to_string(),
        edition: placement.edition,
        signed: entry
            .signers
            .iter()
            .map(|s| s.signed_at)
            .max()
            .map(|t| t.to_string()),
        signatures: entry.signers.len() as u32,
        latest: placement.latest,
        kind: value["type"].as_str().map(str::to_owned),
        title: value["title"].as_str().map(str::to_owned),
        date_start: date["start"].as_str().map(str::to_owned),
        date_end: date["end"]
            .as_str()
            .or(date["start"].as_str())
            .map(str::to_owned),
        ingested_at: entry.ingested_at.to_string(),
        supersedes: entry.supersedes.map(|d| d.to_string()),
        trust: Some(entry.trust.to_string()),
        language: value["language"].as_str().map(str::to_owned),
        parties: value["parties"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p["id"].as_str().map(str::to_owned))
            .collect(),
        signers: entry
            .signers
            .iter()
            .map(|s| SignerRow {
                key: s.key.to_string(),
                party: s.party.to_string(),
                signer: name(&s.key).unwrap_or_default(),
                signed_at: Some(s.signed_at.to_string()),
            })
            .collect(),
        text: if placement.latest {
            text.join("\n")
        } else {
            String::new()
        },
    }
}

/// The catalog's record of a version-1 entry.
pub(crate) fn legacy_record_of(
    entry: &LegacyEntry,
    value: &serde_json::Value,
    placement: &Placement,
) -> Record {
    let as_bundle = BundleEntry {
        index: entry.index,
        bundle: entry.bundle,
        statement_id: entry.statement_id.clone(),
        statement: entry.statement,
        date: None,
        signers: Vec::new(),
        ingested_at: UtcTime::from_unix(0).unwrap_or_else(|_| UtcTime::now()),
        supersedes: entry.supersedes,
        trust: Sha256Digest([0; 32]),
    };
    let mut r = record_of(&as_bundle, value, placement, None);
    r.ingested_at = entry.ingested_at.clone();
    r.trust = None;
    r.signatures = entry.signers.len() as u32;
    r.signers = entry
        .signers
        .iter()
        .map(|s| SignerRow {
            key: s.key.to_string(),
            party: s.party.clone(),
            signer: String::new(),
            signed_at: None,
        })
        .collect();
    r
}

pub(super) fn trust_row(t: &TrustEntry) -> TrustRow {
    TrustRow {
        log_index: t.index,
        change: match t.change {
            TrustChange::Keyring => "keyring".into(),
            TrustChange::Revoke => "revoke".into(),
        },
        key: t.key.map(|k| k.to_string()),
        trust: t.trust.to_string(),
        at: t.at.to_string(),
    }
}

/// The statement of a stored bundle (for the catalog).
pub(crate) fn stored_statement(
    archive: &Archive,
    digest: &Sha256Digest,
) -> Result<serde_json::Value, ArchiveError> {
    let item = Item::Bundle(*digest);
    let local = archive.storage().local(digest)?.ok_or_else(|| {
        damaged(
            &archive.storage().locate(&item),
            "the logged bundle is missing",
        )
    })?;
    let source = BagSource::open(local.path(), Limits::default())
        .map_err(|e| damaged(&archive.storage().locate(&item), e.to_string()))?;
    let bytes = source
        .read_small(
            crate::bundle::layout::STATEMENT_PATH,
            crate::document::DEFAULT_MAX_SIZE,
        )
        .map_err(|e| damaged(&archive.storage().locate(&item), e.to_string()))?;
    crate::document::parse_strict(&bytes)
        .map_err(|e| damaged(&archive.storage().locate(&item), e.to_string()))
}

/// Versions of ids, from the catalog, with the entries of a batch added.
pub(super) struct VersionCache<'c> {
    catalog: &'c Catalog,
    ids: HashMap<String, Vec<Version>>,
}

impl<'c> VersionCache<'c> {
    pub(super) fn new(catalog: &'c Catalog) -> Self {
        Self {
            catalog,
            ids: HashMap::new(),
        }
    }

    pub(super) fn get(&mut self, id: &str) -> Result<&mut Vec<Version>, ArchiveError> {
        if !self.ids.contains_key(id) {
            let found = self.catalog.versions(id)?;
            self.ids.insert(id.to_string(), found);
        }
        self.ids
            .get_mut(id)
            .ok_or_else(|| ArchiveError::NotFound(id.to_string()))
    }
}

/// Brings the catalog to the tree of `cp`: caught up from the tree it
/// indexes when that is a prefix of this one, else rebuilt. (Long: the
/// replay of each kind of entry into rows, in chunks.)
pub fn catch_up(
    archive: &Archive,
    catalog: &mut Catalog,
    cp: &Checkpoint,
) -> Result<u64, ArchiveError> {
    let log = archive.log();
    // A catalog shared by several nodes is caught up by one at a time.
    let _serial = catalog.catch_up_guard()?;
    let from = match catalog.indexed()? {
        Some(ix)
            if ix.origin == archive.info.origin
                && ix.size <= cp.size
                && log
                    .root(ix.size)
                    .is_ok_and(|root| crate::digest::hex(&root) == ix.root) =>
        {
            ix.size
        }
        _ => {
            catalog.clear()?;
            0
        }
    };
    if from == cp.size {
        return Ok(0);
    }
    catalog.truncate(from)?;
    const CHUNK: u64 = 4096;
    let mut start = from;
    let mut snapshots: HashMap<Sha256Digest, Snapshot> = HashMap::new();
    while start < cp.size {
        let end = (start + CHUNK).min(cp.size);
        let entries = log.entries(start, end, cp.size)?;
        let mut records = Vec::new();
        let mut trust = Vec::new();
        {
            let mut cache = VersionCache::new(catalog);
            for entry in &entries {
                match entry {
                    Entry::Trust(t) => trust.push(trust_row(t)),
                    Entry::Bundle(b) => {
                        let value = stored_statement(archive, &b.bundle)?;
                        let versions = cache.get(&b.statement_id)?;
                        let placement = place_logged(
                            versions,
                            b.statement,
                            b.signers.iter().map(|s| s.signed_at).max(),
                            b.signers.len(),
                            b.index,
                            b.bundle,
                        );
                        if !snapshots.contains_key(&b.trust)
                            && let Ok(s) = archive.snapshot(&b.trust)
                        {
                            snapshots.insert(b.trust, s);
                        }
                        records.push(record_of(b, &value, &placement, snapshots.get(&b.trust)));
                    }
                    Entry::Legacy(l) => {
                        let value = stored_statement(archive, &l.bundle)?;
                        let versions = cache.get(&l.statement_id)?;
                        let placement = place_logged(
                            versions,
                            l.statement,
                            None,
                            l.signers.len(),
                            l.index,
                            l.bundle,
                        );
                        records.push(legacy_record_of(l, &value, &placement));
                    }
                }
            }
        }
        // Only a checkpointed size is recorded (its root is checkable).
        let indexed = Indexed {
            origin: archive.info.origin.clone(),
            size: cp.size,
            root: crate::digest::hex(&cp.root),
        };
        catalog.insert(&records, &trust, (end == cp.size).then_some(&indexed))?;
        start = end;
    }
    Ok(cp.size - from)
}

/// Places an entry already in the log (its edition was allowed when it was
/// logged), adding it to `versions`.
pub(super) fn place_logged(
    versions: &mut Vec<Version>,
    statement: Sha256Digest,
    signed: Option<UtcTime>,
    signatures: usize,
    index: u64,
    bundle: Sha256Digest,
) -> Placement {
    let placement = versions::place(versions, statement, signed, signatures, index, true)
        .unwrap_or(Placement {
            edition: 0,
            latest: false,
            supersedes: None,
        });
    versions.push(Version {
        bundle,
        index,
        statement,
        edition: placement.edition,
        signed,
        signatures,
    });
    placement
}
