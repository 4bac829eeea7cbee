//! `archive audit`: everything re-checked from the stored bytes, with a
//! stable code per finding (docs/FORMAT.md §7.9): the keys, every checkpoint
//! and the published one, every tile against the entries, every entry
//! against its bundle and the trust of its time, every bundle re-verified
//! under its recorded trust plus later revocations (its first checkpoint as
//! proven time), every stored object, and the catalog row by row. Each
//! step is a submodule; they share what they read through this one.

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

mod catalog_rows;
mod checkpoints;
mod objects;
mod replay;
mod tree;

use catalog_rows::*;
use checkpoints::*;
use objects::*;
use replay::*;
use tree::*;

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
/// and their number (for a progress bar). (Long: the steps in their order,
/// each handing the next what it read.)
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
