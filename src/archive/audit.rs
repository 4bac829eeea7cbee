//! `archive audit`: everything re-checked from the stored bytes, with a
//! stable code per finding (docs/FORMAT.md §7.9): the keys, every checkpoint
//! and the published one, every tile against the entries, every entry
//! against its bundle and the trust of its time, every bundle re-verified
//! under its recorded trust plus later revocations (its first checkpoint as
//! proven time), every stored object, and the catalog row by row. (Past 600
//! lines: one pass over the archive, its steps sharing what they read.)

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use serde::Serialize;

use super::catalog::{Catalog, Record};
use super::entry::{BundleEntry, Entry};
use super::ingest::{self, Facts};
use super::note::{self, Checkpoint};
use super::storage::{Area, Item, Listed};
use super::trust::Snapshot;
use super::versions::{self, Version};
use super::{Archive, ArchiveError};
use crate::digest::Sha256Digest;
use crate::tlog::{self, BundleId, MemoryTiles, Tree};
use crate::utc::UtcTime;
use crate::verify::{self, CheckStatus, PolicyChoice};

/// The stable codes of the audit's findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum AuditCode {
    /// The published key, the verifier key, the private key and the origin
    /// do not all name one key.
    KeyPublished,
    /// A checkpoint's signature, origin or name is wrong.
    CheckpointSignature,
    /// No published checkpoint.
    CheckpointMissing,
    /// The published checkpoint is not the latest kept, or not kept.
    CheckpointPublished,
    /// A later checkpoint has an earlier time.
    CheckpointTime,
    /// A time-stamp token over a checkpoint fails a rule (a warning when
    /// only its TSA is not in the archive's trust).
    CheckpointTimestamp,
    /// A tile or entry bundle is missing, unreadable or not what the
    /// entries make.
    LogTile,
    /// A tile past every checkpoint, with no ingest journal to explain it.
    LogForeign,
    /// An entry is not a log entry.
    LogEntry,
    /// An entry's index is not its position.
    LogOrder,
    /// A checkpoint covers more entries than the log holds.
    LogTruncated,
    /// The entries no longer hash to a checkpoint's root.
    LogRewritten,
    /// An ingest was interrupted (a warning: the next `add` completes it).
    LogPending,
    /// An entry's facts differ from its bundle's.
    EntryBundle,
    /// An entry's `supersedes` is not what the versions before it say.
    EntryVersion,
    /// An entry names a trust that was not the archive's at its time.
    EntryTrust,
    /// An entry's time is after its first checkpoint's, or before the
    /// entry before it.
    EntryTime,
    /// A bundle logged twice.
    EntryDuplicate,
    /// A logged bundle is not stored.
    ObjectMissing,
    /// A stored object's content is not its name.
    ObjectModified,
    /// A file among the objects that docseal did not write.
    ObjectForeign,
    /// A stored bundle no entry names (a warning).
    ObjectUnlogged,
    /// A writer's temporary file (a warning).
    ObjectTemporary,
    /// A trust snapshot is missing, altered or unreadable.
    TrustSnapshot,
    /// A stored bundle does not verify under its trust.
    BundleInvalid,
    /// A bundle verifies only with demo keys (a warning).
    BundleDemoKey,
    /// A record of the log has no catalog row (or there is no catalog).
    CatalogMissing,
    /// A catalog row no entry has.
    CatalogExtra,
    /// A catalog row differs from what the log and bundle say.
    CatalogDiffers,
    /// The catalog indexes another tree than the published one.
    CatalogStale,
}

impl AuditCode {
    /// The stable code, e.g. `entry.bundle`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::KeyPublished => "key.published",
            Self::CheckpointSignature => "checkpoint.signature",
            Self::CheckpointMissing => "checkpoint.missing",
            Self::CheckpointPublished => "checkpoint.published",
            Self::CheckpointTime => "checkpoint.time",
            Self::CheckpointTimestamp => "checkpoint.timestamp",
            Self::LogTile => "log.tile",
            Self::LogForeign => "log.foreign",
            Self::LogEntry => "log.entry",
            Self::LogOrder => "log.order",
            Self::LogTruncated => "log.truncated",
            Self::LogRewritten => "log.rewritten",
            Self::LogPending => "log.pending",
            Self::EntryBundle => "entry.bundle",
            Self::EntryVersion => "entry.version",
            Self::EntryTrust => "entry.trust",
            Self::EntryTime => "entry.time",
            Self::EntryDuplicate => "entry.duplicate",
            Self::ObjectMissing => "object.missing",
            Self::ObjectModified => "object.modified",
            Self::ObjectForeign => "object.foreign",
            Self::ObjectUnlogged => "object.unlogged",
            Self::ObjectTemporary => "object.temporary",
            Self::TrustSnapshot => "trust.snapshot",
            Self::BundleInvalid => "bundle.invalid",
            Self::BundleDemoKey => "bundle.demo-key",
            Self::CatalogMissing => "catalog.missing",
            Self::CatalogExtra => "catalog.extra",
            Self::CatalogDiffers => "catalog.differs",
            Self::CatalogStale => "catalog.stale",
        }
    }
}

impl fmt::Display for AuditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for AuditCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// One finding (`fail` or `warn`).
pub type AuditFinding = verify::Check<AuditCode>;

/// The audit's result.
#[derive(Debug, Clone, Serialize)]
pub struct AuditReport {
    /// Log entries read.
    pub entries: u64,
    /// Trust changes among them.
    pub trust_changes: u64,
    /// Objects found in the store.
    pub objects: u64,
    /// Checkpoints checked.
    pub checkpoints: u64,
    /// Bundles re-verified successfully.
    pub verified: u64,
    /// Every finding.
    pub findings: Vec<AuditFinding>,
}

impl AuditReport {
    /// No failing finding.
    pub fn ok(&self) -> bool {
        self.findings.iter().all(|f| f.status != CheckStatus::Fail)
    }
}

#[derive(Default)]
struct Findings(Vec<AuditFinding>);

impl Findings {
    fn fail(
        &mut self,
        code: AuditCode,
        subject: impl Into<Option<String>>,
        message: impl Into<String>,
    ) {
        self.push(code, CheckStatus::Fail, subject.into(), message.into());
    }

    fn warn(
        &mut self,
        code: AuditCode,
        subject: impl Into<Option<String>>,
        message: impl Into<String>,
    ) {
        self.push(code, CheckStatus::Warn, subject.into(), message.into());
    }

    fn push(
        &mut self,
        code: AuditCode,
        status: CheckStatus,
        subject: Option<String>,
        message: String,
    ) {
        self.0.push(AuditFinding {
            code,
            status,
            subject,
            message,
        });
    }
}

/// What the checkpoints say.
struct Checkpoints {
    /// Every valid kept checkpoint, by size.
    kept: BTreeMap<u64, Checkpoint>,
    /// Their exact bytes, by size.
    notes: HashMap<u64, String>,
    /// The published one, if valid.
    published: Option<Checkpoint>,
    /// The earliest time a valid token proves for each stamped checkpoint.
    stamped: BTreeMap<u64, super::stamps::ProvenCheckpoint>,
}

impl Checkpoints {
    /// The tree the log should have: the published one, else the largest kept.
    fn size(&self) -> u64 {
        self.published
            .as_ref()
            .map(|c| c.size)
            .or_else(|| self.kept.keys().next_back().copied())
            .unwrap_or(0)
    }

    /// The first checkpoint with a time that covers entry `index`.
    fn first_covering(&self, index: u64) -> Option<&Checkpoint> {
        self.kept
            .range(index + 1..)
            .map(|(_, c)| c)
            .find(|c| c.time.is_some())
    }

    /// The proven time of entry `index`: the earliest of the first covering
    /// checkpoint's own time (the archive's word) and the times that
    /// tokens over covering checkpoints prove (a TSA's word), with who says
    /// so (docs/FORMAT.md §7.4, §7.12).
    fn evidence(&self, index: u64) -> Option<verify::Evidence> {
        let own = self.first_covering(index).and_then(|cp| {
            cp.time.map(|time| verify::Evidence {
                time,
                by: format!("checkpoint of size {} of {}", cp.size, cp.origin),
            })
        });
        let stamped = self
            .stamped
            .range(index + 1..)
            .map(|(_, p)| p)
            .min_by_key(|p| p.time)
            .map(|p| verify::Evidence {
                time: p.time,
                by: format!(
                    "a time-stamp token of {} over the checkpoint of size {}",
                    p.anchor, p.size
                ),
            });
        match (own, stamped) {
            (Some(a), Some(b)) => Some(if b.time < a.time { b } else { a }),
            (a, b) => a.or(b),
        }
    }
}

/// Audits the archive. `progress` is called with the bundles checked so far
/// and their number (for a progress bar).
pub fn audit(
    archive: &Archive,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<AuditReport, ArchiveError> {
    let mut findings = Findings::default();
    let Some(key) = check_keys(archive, &mut findings) else {
        return Ok(report(findings, 0, 0, 0, 0, 0));
    };
    let journal = archive.log().journal().ok().flatten();
    // The checkpoint an ingest killed between keeping and publishing it
    // kept: the size its journal appends to and the size it reaches.
    let unpublished = journal
        .as_ref()
        .map(|(j, e)| (j.size, j.size + e.len() as u64));
    let mut checkpoints = check_checkpoints(archive, &key, unpublished, &mut findings)?;
    let size = checkpoints.size();
    let entries = read_entries(archive, size, &mut findings);
    let pending = journal.is_some();
    if pending {
        findings.warn(
            AuditCode::LogPending,
            Item::Pending.path(),
            "an ingest was interrupted before its checkpoint; the next `archive add` completes it or refuses its entries",
        );
    }
    if let Some(entries) = &entries {
        let journaled = journal.as_ref().map(|(j, e)| (j.size, e.as_slice()));
        check_tree(archive, entries, &checkpoints, journaled, &mut findings)?;
    }
    let entries: Vec<Entry> = entries.unwrap_or_default().into_iter().flatten().collect();
    let logged: HashSet<Sha256Digest> = entries.iter().filter_map(Entry::bundle).collect();
    let (objects, stored) = check_objects(archive, &logged, &mut findings)?;
    check_snapshots(archive, &entries, &mut findings)?;
    let anchors = entries
        .iter()
        .rev()
        .find_map(|e| match e {
            Entry::Trust(t) => archive.snapshot(&t.trust).ok(),
            _ => None,
        })
        .map(|s| s.anchors())
        .unwrap_or_default();
    checkpoints.stamped = check_checkpoint_tokens(archive, &checkpoints, &anchors, &mut findings)?;
    let replay = replay(
        archive,
        &entries,
        &checkpoints,
        &stored,
        progress,
        &mut findings,
    )?;
    check_catalog(
        archive,
        &replay.records,
        &entries,
        &checkpoints,
        &mut findings,
    );
    let trust_changes = entries
        .iter()
        .filter(|e| matches!(e, Entry::Trust(_)))
        .count() as u64;
    Ok(report(
        findings,
        entries.len() as u64,
        trust_changes,
        objects,
        checkpoints.kept.len() as u64,
        replay.verified,
    ))
}

fn report(
    findings: Findings,
    entries: u64,
    trust_changes: u64,
    objects: u64,
    checkpoints: u64,
    verified: u64,
) -> AuditReport {
    AuditReport {
        entries,
        trust_changes,
        objects,
        checkpoints,
        verified,
        findings: findings.0,
    }
}

/// The public key, if it is the archive's (else the audit cannot go on).
fn check_keys(archive: &Archive, findings: &mut Findings) -> Option<ed25519_dalek::VerifyingKey> {
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
fn check_checkpoints(
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
fn check_checkpoint_tokens(
    archive: &Archive,
    checkpoints: &Checkpoints,
    anchors: &[crate::timestamp::TsaAnchor],
    findings: &mut Findings,
) -> Result<BTreeMap<u64, super::stamps::ProvenCheckpoint>, ArchiveError> {
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
fn check_tokens_of(
    archive: &Archive,
    size: u64,
    note: &str,
    anchors: &[crate::timestamp::TsaAnchor],
    findings: &mut Findings,
) -> Result<Option<super::stamps::ProvenCheckpoint>, ArchiveError> {
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
    Ok(proven
        .into_iter()
        .min_by_key(|t| t.latest)
        .map(|best| super::stamps::ProvenCheckpoint {
            size,
            time: UtcTime::from_datetime(best.latest),
            anchor: best.anchor_name,
        }))
}

/// The entries of the tree of `size`, from its bundles (`None` in a place
/// whose entry cannot be read; `None` altogether if a bundle is missing).
fn read_entries(
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
fn check_tree(
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

/// Every stored object hashed once; returns how many there are and the
/// bundles whose content is their name (the replay does not hash them again).
/// Lists the stored bundles and checks those no entry names (a logged
/// bundle's content is hashed where it is verified, from the same read:
/// on object storage each object is then downloaded once). Returns how
/// many are stored and which.
fn check_objects(
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
fn content_of(
    storage: &dyn super::storage::Storage,
    d: &Sha256Digest,
) -> Result<Sha256Digest, String> {
    storage
        .local(d)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| "gone".to_string())?
        .sha256()
        .map_err(|e| e.to_string())
}

fn object_unreadable(findings: &mut Findings, subject: String, error: &str) {
    findings.fail(
        AuditCode::ObjectModified,
        subject,
        format!("cannot read: {error}"),
    );
}

fn object_modified(findings: &mut Findings, subject: String, content: Sha256Digest) {
    findings.fail(
        AuditCode::ObjectModified,
        subject,
        format!("its content is {content}, not the digest it is stored under"),
    );
}

fn check_snapshots(
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

/// What the replay of the log found.
struct Replay {
    verified: u64,
    records: Vec<Record>,
}

/// How a bundle's verification came out.
enum Judgement {
    /// Authentic.
    Verified,
    /// Intact, with demo keys only.
    Demo,
    /// Neither: why.
    Invalid(String),
}

/// What the audit keeps of a bundle it verified: the verdict, the facts
/// (without the statement) and its catalog row. The report and the parsed
/// statement are dropped as soon as they are judged, so that what is held
/// until the walk is small whatever the statements' size.
struct Verified {
    judgement: Judgement,
    facts: Option<Facts>,
    /// Its catalog row as if it were the latest version of its id: the walk
    /// sets its edition, the end of the walk whether it is the latest.
    record: Option<Record>,
}

/// The placement a record is made with before the walk knows its own.
const PROVISIONAL: versions::Placement = versions::Placement {
    edition: 0,
    latest: true,
    supersedes: None,
};

/// Verifies every bundle (in parallel), then walks the log in order with
/// the trust and the versions of each point, comparing each entry with what
/// its bundle and its predecessors say. Bundles in `intact` were just hashed
/// by the object check: their digest is not computed again. (Long: the walk
/// carries the state of each point of the log — trust, versions, times —
/// from entry to entry.)
fn replay(
    archive: &Archive,
    entries: &[Entry],
    checkpoints: &Checkpoints,
    stored: &HashSet<Sha256Digest>,
    progress: &(dyn Fn(u64, u64) + Sync),
    findings: &mut Findings,
) -> Result<Replay, ArchiveError> {
    use rayon::prelude::*;
    let snapshots: HashMap<Sha256Digest, Snapshot> = entries
        .iter()
        .filter_map(|e| match e {
            Entry::Trust(t) => Some(t.trust),
            _ => None,
        })
        .filter_map(|d| archive.snapshot(&d).ok().map(|s| (d, s)))
        .collect();
    let latest_trust = entries.iter().rev().find_map(|e| match e {
        Entry::Trust(t) => snapshots.get(&t.trust),
        _ => None,
    });
    // A version-1 entry is judged under the first snapshot logged after it.
    let first_trust_after = |index: u64| {
        entries[index as usize..].iter().find_map(|e| match e {
            Entry::Trust(t) => snapshots.get(&t.trust),
            _ => None,
        })
    };
    let policy = PolicyChoice {
        policy: verify::Policy::AllowPartial,
        origin: verify::PolicyOrigin::Default,
    };
    let tasks: Vec<(&Entry, Sha256Digest, Option<&Snapshot>)> = entries
        .iter()
        .filter_map(|e| match e {
            Entry::Bundle(b) => Some((e, b.bundle, snapshots.get(&b.trust))),
            Entry::Legacy(l) => Some((e, l.bundle, first_trust_after(l.index))),
            Entry::Trust(_) => None,
        })
        .collect();
    let total = tasks.len() as u64;
    let done = std::sync::atomic::AtomicU64::new(0);
    let label = archive.root.join("trust");
    // A bundle logged twice is read twice, and its content reported once.
    let mut contents_reported = HashSet::new();
    let mut verified: HashMap<u64, Result<Verified, String>> = tasks
        .par_iter()
        .map(|(entry, digest, snapshot)| {
            let index = entry.index();
            let mut content = None;
            let result = (|| {
                // A missing object is reported by the object check.
                if !stored.contains(digest) {
                    return Err(String::new());
                }
                let local = archive
                    .storage()
                    .local(digest)
                    .map_err(|e| e.to_string())?
                    .ok_or_else(String::new)?;
                // Hashed from the copy it verifies: one read of each object.
                let found = match local.sha256() {
                    Ok(found) => found,
                    Err(e) => {
                        content = Some(Err(e.to_string()));
                        return Err(String::new());
                    }
                };
                content = Some(Ok(found));
                let trust = snapshot
                    .map(|s| s.trust_set(latest_trust, label.clone()))
                    .unwrap_or_else(|| Snapshot::empty().trust_set(None, label.clone()));
                let evidence = checkpoints.evidence(index);
                let (report, mut facts) = ingest::inspect(
                    local.path(),
                    &trust,
                    &policy,
                    evidence.as_ref(),
                    Some(found),
                )
                .map_err(|e| e.to_string())?;
                let record = facts.as_mut().map(|f| {
                    let value = std::mem::take(&mut f.value);
                    provisional_record(archive, entry, &value, *snapshot)
                });
                Ok(Verified {
                    judgement: judgement(&report),
                    facts,
                    record,
                })
            })();
            progress(
                done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1,
                total,
            );
            (index, *digest, content, result)
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|(index, named, content, result)| {
            let subject = || archive.storage().locate(&Item::Bundle(named));
            match content {
                Some(Err(e)) if contents_reported.insert(named) => {
                    object_unreadable(findings, subject(), &e)
                }
                Some(Ok(d)) if d != named && contents_reported.insert(named) => {
                    object_modified(findings, subject(), d)
                }
                _ => {}
            }
            (index, result)
        })
        .collect();

    let mut out = Replay {
        verified: 0,
        records: Vec::new(),
    };
    let mut current: Option<Sha256Digest> = None;
    let mut versions: HashMap<String, Vec<Version>> = HashMap::new();
    let mut seen: HashMap<Sha256Digest, u64> = HashMap::new();
    let mut previous_time: Option<UtcTime> = None;
    for entry in entries {
        let index = entry.index();
        let subject = format!("entry {index}");
        match entry {
            Entry::Trust(t) => {
                current = Some(t.trust);
                if previous_time.is_some_and(|p| t.at < p) {
                    findings.fail(
                        AuditCode::EntryTime,
                        subject.clone(),
                        "earlier than the entry before it",
                    );
                }
                previous_time = Some(t.at);
                if let Some(cp) = checkpoints.first_covering(index)
                    && cp.time.is_some_and(|c| t.at > c)
                {
                    findings.fail(
                        AuditCode::EntryTime,
                        subject,
                        "later than the first checkpoint that covers it",
                    );
                }
            }
            Entry::Bundle(_) | Entry::Legacy(_) => {
                let Some(bundle) = entry.bundle() else {
                    continue;
                };
                if let Some(first) = seen.insert(bundle, index) {
                    findings.fail(
                        AuditCode::EntryDuplicate,
                        subject.clone(),
                        format!("{bundle} is already logged as entry {first}"),
                    );
                }
                let mut verified = match verified.remove(&index) {
                    Some(Ok(v)) => v,
                    // Missing objects are reported by the object check.
                    Some(Err(e)) if e.is_empty() => continue,
                    Some(Err(e)) => {
                        findings.fail(AuditCode::BundleInvalid, subject, e);
                        continue;
                    }
                    None => continue,
                };
                judge(&verified.judgement, &subject, &mut out, findings);
                let Some(facts) = &verified.facts else {
                    findings.fail(
                        AuditCode::EntryBundle,
                        subject,
                        "its bundle's statement cannot be read",
                    );
                    continue;
                };
                let list = versions.entry(facts.id.clone()).or_default();
                let signed = match entry {
                    Entry::Legacy(_) => None,
                    _ => facts.signed(),
                };
                let placement = versions::place(
                    list,
                    facts.statement,
                    signed,
                    facts.signers.len(),
                    index,
                    true,
                )
                .unwrap_or(versions::Placement {
                    edition: 0,
                    latest: false,
                    supersedes: None,
                });
                list.push(Version {
                    bundle,
                    index,
                    statement: facts.statement,
                    edition: placement.edition,
                    signed,
                    signatures: facts.signers.len(),
                });
                match entry {
                    Entry::Bundle(b) => compare_entry(
                        b,
                        facts,
                        &placement,
                        current,
                        checkpoints,
                        &mut previous_time,
                        findings,
                    ),
                    Entry::Legacy(l) => {
                        let keys: Vec<(String, String)> = l
                            .signers
                            .iter()
                            .map(|s| (s.key.to_string(), s.party.clone()))
                            .collect();
                        let found: Vec<(String, String)> = facts
                            .signers
                            .iter()
                            .map(|s| (s.key.to_string(), s.party.to_string()))
                            .collect();
                        if l.statement_id != facts.id
                            || l.statement != facts.statement
                            || keys != found
                        {
                            findings.fail(
                                AuditCode::EntryBundle,
                                subject,
                                "its statement id, statement or signers differ from its bundle's",
                            );
                        }
                    }
                    Entry::Trust(_) => {}
                }
                if let Some(mut record) = verified.record.take() {
                    record.edition = placement.edition;
                    out.records.push(record);
                }
            }
        }
    }
    // The rows as they stand at the end: one latest version per id.
    let latest: HashSet<String> = versions
        .values()
        .filter_map(|v| versions::latest(v))
        .map(|v| v.bundle.to_string())
        .collect();
    for r in &mut out.records {
        r.latest = latest.contains(&r.bundle);
        if !r.latest {
            r.text.clear();
        }
    }
    Ok(out)
}

/// The catalog row of a logged bundle, before its placement is known;
/// `judged` is the snapshot it was verified under (the one its entry names).
fn provisional_record(
    archive: &Archive,
    entry: &Entry,
    value: &serde_json::Value,
    judged: Option<&Snapshot>,
) -> Record {
    match entry {
        Entry::Bundle(b) => match judged.filter(|s| s.digest == b.trust) {
            Some(s) => ingest::record_of(b, value, &PROVISIONAL, Some(s)),
            None => {
                let named = archive.snapshot(&b.trust).ok();
                ingest::record_of(b, value, &PROVISIONAL, named.as_ref())
            }
        },
        Entry::Legacy(l) => ingest::legacy_record_of(l, value, &PROVISIONAL),
        // Never asked: trust entries have no bundle.
        Entry::Trust(_) => Record::default(),
    }
}

fn judgement(report: &verify::VerifyReport) -> Judgement {
    if report.passes() {
        Judgement::Verified
    } else if ingest::demo_only(report) {
        Judgement::Demo
    } else {
        let mut why: Vec<String> = report
            .checks
            .iter()
            .filter(|c| c.status == CheckStatus::Fail)
            .map(|c| format!("{}: {}", c.code, c.message))
            .collect();
        why.extend(report.reasons.iter().cloned());
        Judgement::Invalid(why.join("; "))
    }
}

fn judge(judgement: &Judgement, subject: &str, out: &mut Replay, findings: &mut Findings) {
    match judgement {
        Judgement::Verified => out.verified += 1,
        Judgement::Demo => {
            out.verified += 1;
            findings.warn(
                AuditCode::BundleDemoKey,
                subject.to_string(),
                "verified, but signed with published DEMO keys: this proves nothing about who signed",
            );
        }
        Judgement::Invalid(why) => {
            findings.fail(AuditCode::BundleInvalid, subject.to_string(), why.clone());
        }
    }
}

fn compare_entry(
    b: &BundleEntry,
    facts: &Facts,
    placement: &versions::Placement,
    current: Option<Sha256Digest>,
    checkpoints: &Checkpoints,
    previous_time: &mut Option<UtcTime>,
    findings: &mut Findings,
) {
    let subject = format!("entry {} ({})", b.index, b.statement_id);
    let from_bundle = BundleEntry {
        index: b.index,
        bundle: facts.bundle,
        statement_id: facts.id.clone(),
        statement: facts.statement,
        date: facts.date.clone(),
        signers: facts.signers.clone(),
        ingested_at: b.ingested_at,
        supersedes: b.supersedes,
        trust: b.trust,
    };
    if from_bundle != *b {
        findings.fail(
            AuditCode::EntryBundle,
            subject.clone(),
            ingest::describe_difference(b, &from_bundle),
        );
    }
    if b.supersedes != placement.supersedes {
        findings.fail(
            AuditCode::EntryVersion,
            subject.clone(),
            format!(
                "supersedes {:?}; the versions before it say {:?}",
                b.supersedes.map(|d| d.to_string()),
                placement.supersedes.map(|d| d.to_string())
            ),
        );
    }
    if current != Some(b.trust) {
        findings.fail(
            AuditCode::EntryTrust,
            subject.clone(),
            format!(
                "judged under trust {}, but the archive's trust then was {}",
                b.trust,
                current.map_or_else(|| "none".into(), |d| d.to_string())
            ),
        );
    }
    if previous_time.is_some_and(|p| b.ingested_at < p) {
        findings.fail(
            AuditCode::EntryTime,
            subject.clone(),
            "ingested before the entry before it",
        );
    }
    *previous_time = Some(b.ingested_at);
    if let Some(cp) = checkpoints.first_covering(b.index)
        && cp.time.is_some_and(|t| b.ingested_at > t)
    {
        findings.fail(
            AuditCode::EntryTime,
            subject,
            "ingested after the first checkpoint that covers it",
        );
    }
}

/// The catalog against the rows the log and bundles give. (Long: the
/// catalog's tree, then every row both ways, then the trust changes.)
fn check_catalog(
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
        Err(super::catalog::CatalogError::Missing(_)) => {
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

fn differing_fields(a: &Record, b: &Record) -> String {
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
