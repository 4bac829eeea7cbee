//! Writing to the archive: `add` (bundles checked, then stored, journaled,
//! appended as tiles, checkpointed, catalogued — in that order, each step
//! durable before the next names it), trust changes (`trust`, `revoke`),
//! the recovery of an interrupted ingest (its entries recomputed from their
//! stored bundles before any checkpoint covers them), and the catalog kept
//! current with the log. (Past 600 lines: the write path and its recovery
//! share their checks and are kept together.)

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;

use super::catalog::{Catalog, Indexed, Record, SignerRow, TrustRow};
use super::entry::{BundleEntry, Entry, LegacyEntry, Signer, TrustChange, TrustEntry};
use super::note::{self, Checkpoint};
use super::storage::Item;
use super::trust::{KeyringTrust, Snapshot};
use super::versions::{self, Placement, Version};
use super::{Archive, ArchiveError, damaged};
use crate::bundle::source::{BagSource, Limits};
use crate::digest::Sha256Digest;
use crate::keyring::TrustSet;
use crate::keys::KeyId;
use crate::tlog::Tree;
use crate::utc::UtcTime;
use crate::verify::{self, PolicyChoice, SignerStatus, Verdict, VerifyReport};

/// What a bundle's own bytes say, as the log records it.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    /// SHA-256 of the file.
    pub bundle: Sha256Digest,
    /// Statement id.
    pub id: String,
    /// Canonical digest of the statement.
    pub statement: Sha256Digest,
    /// `date.start`, else `occasion.start`.
    pub date: Option<String>,
    /// Every signature, by key.
    pub signers: Vec<Signer>,
    /// The statement (for the catalog).
    pub value: serde_json::Value,
}

impl Facts {
    /// The latest signature time.
    pub fn signed(&self) -> Option<UtcTime> {
        self.signers.iter().map(|s| s.signed_at).max()
    }
}

/// A bundle verified for ingest.
#[derive(Debug, Clone)]
pub struct Checked {
    /// Where it was read from.
    pub path: PathBuf,
    /// What it records.
    pub facts: Facts,
    /// Its verification.
    pub report: VerifyReport,
    /// Accepted only because `--allow-demo` lets demo keys through.
    pub demo: bool,
    /// The trust snapshot it was judged under.
    pub trust: Sha256Digest,
}

/// The trust an ingest is judged under, besides the archive's own.
#[derive(Debug, Clone)]
pub enum TrustGiven {
    /// The archive's trust (none yet: nothing is trusted).
    Archive,
    /// A keyring's trust: it becomes the archive's (a trust entry is logged
    /// when it changes anything), every revocation the archive holds kept.
    Keyring(KeyringTrust),
}

/// How `add` ingests.
#[derive(Debug, Clone)]
pub struct AddOptions<'a> {
    /// Which parties must have signed.
    pub policy: &'a PolicyChoice,
    /// Accept bundles whose signatures are by published demo keys.
    pub allow_demo: bool,
    /// Statement ids whose archived statement a new one may supersede.
    pub supersede: &'a [String],
    /// The trust.
    pub trust: &'a TrustGiven,
    /// A TSA to time-stamp the new checkpoint with (docs/FORMAT.md §7.12).
    pub tsa: Option<crate::bundle::stamp::Tsa<'a>>,
}

/// What happened to one bundle given to `add`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    /// Newly logged at this index.
    Logged {
        /// Log index.
        index: u64,
        /// Bundle digest.
        bundle: Sha256Digest,
        /// Whether it is now the latest version of its statement id.
        latest: bool,
        /// The version it replaced as the latest.
        supersedes: Option<Sha256Digest>,
        /// Its signatures rely on demo keys.
        demo_keys: bool,
    },
    /// Already in the archive: nothing changed.
    AlreadyPresent {
        /// Its log index.
        index: u64,
        /// Bundle digest.
        bundle: Sha256Digest,
    },
}

/// What `add` did.
#[derive(Debug)]
pub struct AddReport {
    /// One result per bundle, in the order given.
    pub bundles: Vec<Added>,
    /// The trust entry logged first, when the trust changed.
    pub trust_entry: Option<u64>,
    /// Entries of an interrupted ingest completed first.
    pub recovered: u64,
    /// With a TSA, and something logged: the token over the new checkpoint,
    /// or why there is none (the records are logged either way).
    pub stamp: Option<Result<super::stamps::CheckpointStamp, ArchiveError>>,
}

/// Intact, and not vouched for only because of demo keys.
pub fn demo_only(report: &VerifyReport) -> bool {
    report.verdict == Verdict::IntactUntrusted
        && report
            .signers
            .iter()
            .all(|s| matches!(s.status, SignerStatus::Trusted | SignerStatus::Demo))
        && report
            .signers
            .iter()
            .any(|s| s.status == SignerStatus::Demo)
}

/// Verifies a bundle (once, from one opening) and reads its facts. `digest`
/// is the file's SHA-256 when the caller has just computed it (the audit,
/// which hashes every object anyway); otherwise the file is hashed here.
pub fn inspect(
    path: &Path,
    trust: &TrustSet,
    policy: &PolicyChoice,
    evidence: Option<&verify::Evidence>,
    digest: Option<Sha256Digest>,
) -> Result<(VerifyReport, Option<Facts>), ArchiveError> {
    let unreadable = |reason: String| ArchiveError::Unreadable {
        path: path.to_path_buf(),
        reason,
    };
    let options = verify::VerifyOptions {
        trust,
        policy,
        evidence,
        progress: &verify::no_progress,
    };
    let source = match BagSource::open(path, Limits::default()) {
        Ok(s) => s,
        Err(_) => {
            // Not even a safe zip: verify says why, in its report.
            let report =
                verify::verify_path(path, &options).map_err(|e| unreadable(e.to_string()))?;
            return Ok((report, None));
        }
    };
    let report = verify::verify_source(&source, path.display().to_string(), &options);
    let facts = facts_of(path, &report, digest).ok();
    Ok((report, facts))
}

/// The facts from the statement the verification parsed and canonicalized
/// (the one it judged: no second read, parse or canonicalization).
fn facts_of(
    path: &Path,
    report: &VerifyReport,
    digest: Option<Sha256Digest>,
) -> Result<Facts, String> {
    let value = report
        .statement
        .clone()
        .ok_or("the statement cannot be read")?;
    let statement = report
        .statement_canonical
        .ok_or("the statement has no canonical form")?;
    let id = value["id"]
        .as_str()
        .filter(|id| !id.is_empty() && id.len() <= super::entry::MAX_ID_LEN)
        .ok_or("the statement has no usable id")?
        .to_string();
    let date = ["date", "occasion"]
        .iter()
        .find_map(|k| value[*k]["start"].as_str())
        .map(str::to_owned);
    let mut signers: Vec<Signer> = report
        .signers
        .iter()
        .map(|s| Signer {
            key: s.key,
            party: s.claimed.party.clone(),
            signed_at: s.claimed.signed_at,
        })
        .collect();
    signers.sort();
    signers.dedup();
    let bundle = match digest {
        Some(d) => d,
        None => std::fs::File::open(path)
            .and_then(Sha256Digest::of_reader)
            .map_err(|e| e.to_string())?,
    };
    Ok(Facts {
        bundle,
        id,
        statement,
        date,
        signers,
        value,
    })
}

/// Verifies a bundle for ingest: refused unless authentic (or, with
/// `allow_demo`, intact with demo keys only).
pub fn check(
    path: &Path,
    snapshot: &Snapshot,
    trust: &TrustSet,
    policy: &PolicyChoice,
    allow_demo: bool,
) -> Result<Checked, ArchiveError> {
    if !path.is_file() {
        return Err(ArchiveError::Io {
            path: path.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such bundle file"),
        });
    }
    let (report, facts) = inspect(path, trust, policy, None, None)?;
    let demo = allow_demo && demo_only(&report);
    let facts = match facts {
        Some(f) if report.passes() || demo => f,
        _ => {
            return Err(ArchiveError::Refused {
                path: path.to_path_buf(),
                report: Box::new(report),
            });
        }
    };
    Ok(Checked {
        path: path.to_path_buf(),
        facts,
        report,
        demo,
        trust: snapshot.digest,
    })
}

/// Checks every bundle in parallel; the first refusal (in the order given)
/// is the error.
pub fn check_all(
    paths: &[PathBuf],
    snapshot: &Snapshot,
    policy: &PolicyChoice,
    allow_demo: bool,
) -> Result<Vec<Checked>, ArchiveError> {
    use rayon::prelude::*;
    let trust = snapshot.trust_set(None, PathBuf::from("archive trust"));
    paths
        .par_iter()
        .map(|p| check(p, snapshot, &trust, policy, allow_demo))
        .collect::<Vec<_>>()
        .into_iter()
        .collect()
}

/// The catalog's record of a bundle entry.
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

fn trust_row(t: &TrustEntry) -> TrustRow {
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
struct VersionCache<'c> {
    catalog: &'c Catalog,
    ids: HashMap<String, Vec<Version>>,
}

impl<'c> VersionCache<'c> {
    fn new(catalog: &'c Catalog) -> Self {
        Self {
            catalog,
            ids: HashMap::new(),
        }
    }

    fn get(&mut self, id: &str) -> Result<&mut Vec<Version>, ArchiveError> {
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
fn place_logged(
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

/// A write in progress, under the lock.
struct Session {
    key: SigningKey,
    catalog: Catalog,
    cp: Checkpoint,
}

/// What to append: entries, and the catalog's rows for them.
#[derive(Default)]
struct Batch {
    entries: Vec<Entry>,
    records: Vec<Record>,
    trust: Vec<TrustRow>,
}

impl Archive {
    fn session(&self) -> Result<Session, ArchiveError> {
        let key = self.signing_key()?;
        let (cp, _) = self.log().published(&key.verifying_key())?;
        if cp.origin != self.info.origin {
            return Err(damaged(
                &self.storage().locate(&Item::Checkpoint),
                format!("its origin {:?} is not this archive's", cp.origin),
            ));
        }
        let mut catalog = self.open_catalog()?;
        catch_up(self, &mut catalog, &cp)?;
        Ok(Session { key, catalog, cp })
    }

    /// The archive's current trust: the snapshot of its latest trust entry.
    pub fn current_trust(&self) -> Result<Option<Snapshot>, ArchiveError> {
        let catalog = self.catalog()?;
        let (cp, _) = self.latest_checkpoint()?;
        Ok(self.current_in(&catalog, cp.size)?.map(|(_, s)| s))
    }

    fn current_in(
        &self,
        catalog: &Catalog,
        size: u64,
    ) -> Result<Option<(u64, Snapshot)>, ArchiveError> {
        let Some((index, _)) = catalog.current_trust()? else {
            return Ok(None);
        };
        // The catalog points; the log and the stored snapshot decide.
        let Entry::Trust(t) = self.log().entry(index, size)? else {
            return Err(damaged(
                &self.catalog_location().to_string(),
                format!("entry {index} is not a trust change; run `archive reindex`"),
            ));
        };
        Ok(Some((index, self.snapshot(&t.trust)?)))
    }

    /// A stored trust snapshot, checked against its name.
    pub fn snapshot(&self, digest: &Sha256Digest) -> Result<Snapshot, ArchiveError> {
        let item = Item::Trust(*digest);
        let bytes = self
            .storage()
            .read(&item)?
            .ok_or_else(|| damaged(&self.storage().locate(&item), "missing"))?;
        let snapshot = Snapshot::parse(&bytes, |d| {
            self.storage().read(&Item::Certificate(*d)).ok().flatten()
        })
        .map_err(|e| damaged(&self.storage().locate(&item), e.to_string()))?;
        if snapshot.digest != *digest {
            return Err(damaged(
                &self.storage().locate(&item),
                format!(
                    "its content is {}, not the digest it is named by",
                    snapshot.digest
                ),
            ));
        }
        Ok(snapshot)
    }

    /// Stores a snapshot and the TSA certificates it names (each once).
    fn store_snapshot(&self, snapshot: &Snapshot) -> Result<(), ArchiveError> {
        for (digest, der) in &snapshot.certificates {
            self.storage().create(&Item::Certificate(*digest), der)?;
        }
        self.storage()
            .create(&Item::Trust(snapshot.digest), &snapshot.bytes)?;
        Ok(())
    }

    /// The trust an ingest would be judged under now (without the lock:
    /// `add` checks again under it).
    pub fn trust_for(&self, given: &TrustGiven) -> Result<Snapshot, ArchiveError> {
        let current = self.current_trust()?;
        Ok(resolve_trust(current.as_ref(), given))
    }

    /// Ingests checked bundles, under the write lock. The trust is decided
    /// again under the lock; bundles checked under another are checked
    /// again. If one is refused, or needs `--supersede`, nothing is written.
    /// Then: an interrupted ingest is completed (or refused), a trust entry
    /// is logged if the trust changed, each new bundle is stored and
    /// synced, the journal written, the tiles appended and synced, the
    /// checkpoint signed, kept and published, the journal removed, and the
    /// catalog updated. (One function past 60 lines: every step runs under
    /// one lock and one session, in the order that makes a crash safe.)
    pub fn add(
        &self,
        checked: Vec<Checked>,
        options: &AddOptions<'_>,
    ) -> Result<AddReport, ArchiveError> {
        let mut report = self.add_locked(checked, options)?;
        let logged = report.trust_entry.is_some()
            || report.recovered > 0
            || report
                .bundles
                .iter()
                .any(|b| matches!(b, Added::Logged { .. }));
        if let Some(tsa) = &options.tsa
            && logged
        {
            // After the lock is released: a writer that came in between
            // made a larger checkpoint, whose token covers this one too.
            report.stamp = Some(self.stamp_checkpoint(tsa));
        }
        Ok(report)
    }

    /// [`add`](Self::add) under the lock, without the checkpoint token. (Long:
    /// every step runs under one lock and one session, in the order that
    /// makes a crash safe — see `add`.)
    fn add_locked(
        &self,
        checked: Vec<Checked>,
        options: &AddOptions<'_>,
    ) -> Result<AddReport, ArchiveError> {
        let _lock = self.storage().lock()?;
        let mut session = self.session()?;
        let recovered = self.recover(&mut session)?;
        let current = self.current_in(&session.catalog, session.cp.size)?;
        let snapshot = resolve_trust(current.as_ref().map(|(_, s)| s), options.trust);
        let mut batch = Batch::default();
        let next = |batch: &Batch, session: &Session| session.cp.size + batch.entries.len() as u64;
        let mut trust_entry = None;
        let now = UtcTime::now();
        if current.as_ref().map(|(_, s)| s.digest) != Some(snapshot.digest) {
            let t = TrustEntry {
                index: next(&batch, &session),
                at: now,
                change: TrustChange::Keyring,
                key: None,
                trust: snapshot.digest,
            };
            trust_entry = Some(t.index);
            batch.trust.push(trust_row(&t));
            batch.entries.push(Entry::Trust(t));
        }
        let checked = if checked.iter().any(|c| c.trust != snapshot.digest) {
            let paths: Vec<PathBuf> = checked.into_iter().map(|c| c.path).collect();
            check_all(&paths, &snapshot, options.policy, options.allow_demo)?
        } else {
            checked
        };
        let mut results = Vec::with_capacity(checked.len());
        let mut new_bundles: Vec<(Sha256Digest, PathBuf)> = Vec::new();
        {
            let mut cache = VersionCache::new(&session.catalog);
            let mut in_batch: HashMap<Sha256Digest, u64> = HashMap::new();
            for c in &checked {
                let digest = c.facts.bundle;
                if let Some(index) = in_batch.get(&digest) {
                    results.push(Added::AlreadyPresent {
                        index: *index,
                        bundle: digest,
                    });
                    continue;
                }
                if let Some(index) = session.catalog.index_of(&digest)? {
                    let logged = self.log().entry(index, session.cp.size)?;
                    if logged.bundle() == Some(digest) {
                        results.push(Added::AlreadyPresent {
                            index,
                            bundle: digest,
                        });
                        continue;
                    }
                }
                let index = next(&batch, &session);
                let versions = cache.get(&c.facts.id)?;
                let may = options.supersede.contains(&c.facts.id);
                let placement = versions::place(
                    versions,
                    c.facts.statement,
                    c.facts.signed(),
                    c.facts.signers.len(),
                    index,
                    may,
                )
                .map_err(|need| ArchiveError::SupersedeRequired {
                    path: c.path.clone(),
                    id: c.facts.id.clone(),
                    archived: need.archived,
                    found: c.facts.statement,
                })?;
                versions.push(Version {
                    bundle: digest,
                    index,
                    statement: c.facts.statement,
                    edition: placement.edition,
                    signed: c.facts.signed(),
                    signatures: c.facts.signers.len(),
                });
                let entry = BundleEntry {
                    index,
                    bundle: digest,
                    statement_id: c.facts.id.clone(),
                    statement: c.facts.statement,
                    date: c.facts.date.clone(),
                    signers: c.facts.signers.clone(),
                    ingested_at: now,
                    supersedes: placement.supersedes,
                    trust: snapshot.digest,
                };
                results.push(Added::Logged {
                    index,
                    bundle: digest,
                    latest: placement.latest,
                    supersedes: placement.supersedes,
                    demo_keys: c.demo,
                });
                in_batch.insert(digest, index);
                batch.records.push(record_of(
                    &entry,
                    &c.facts.value,
                    &placement,
                    Some(&snapshot),
                ));
                batch.entries.push(Entry::Bundle(entry));
                new_bundles.push((digest, c.path.clone()));
            }
        }
        if !new_bundles.is_empty() || trust_entry.is_some() {
            // Objects first, durable before any entry names them.
            for (digest, path) in &new_bundles {
                self.storage().create_bundle(digest, path)?;
            }
            if trust_entry.is_some() {
                self.store_snapshot(&snapshot)?;
            }
            self.storage().sync()?;
            self.commit(&mut session, batch)?;
        }
        Ok(AddReport {
            bundles: results,
            trust_entry,
            recovered,
            stamp: None,
        })
    }

    /// Journals, appends, checkpoints and catalogues a batch whose objects
    /// are stored and synced.
    fn commit(&self, session: &mut Session, batch: Batch) -> Result<(), ArchiveError> {
        let log = self.log();
        let tree = session.cp.tree();
        log.write_journal(&tree, &batch.entries)?;
        let new = match log.append(&tree, &batch.entries) {
            Ok(new) => new,
            Err(e @ ArchiveError::Storage(super::storage::StorageError::Conflict { .. })) => {
                // Tiles past the checkpoint that this ingest did not write:
                // it can never complete, so it leaves no journal behind.
                let _ = log.clear_journal();
                return Err(e);
            }
            Err(e) => return Err(e),
        };
        self.checkpoint(session, new)?;
        log.clear_journal()?;
        // The catalog is derived: a failure here is caught up by the next
        // command that reads it.
        let indexed = Indexed {
            origin: self.info.origin.clone(),
            size: session.cp.size,
            root: crate::digest::hex(&session.cp.root),
        };
        let _ = session
            .catalog
            .insert(&batch.records, &batch.trust, Some(&indexed));
        Ok(())
    }

    fn checkpoint(&self, session: &mut Session, tree: Tree) -> Result<(), ArchiveError> {
        let cp = Checkpoint {
            origin: self.info.origin.clone(),
            size: tree.size,
            root: tree.root,
            time: Some(UtcTime::now()),
        };
        let signed = note::sign_checkpoint(&cp, &session.key);
        let kept = self
            .log()
            .publish(&cp, &signed, &session.key.verifying_key())?;
        session.cp = note::verify_checkpoint(&kept, &session.key.verifying_key())
            .map_err(|e| damaged(&self.storage().locate(&Item::Checkpoint), e.to_string()))?;
        Ok(())
    }

    /// Completes an ingest interrupted after its journal was written: its
    /// entries are recomputed from their stored bundles and trust (and
    /// refused if any differs), then appended and checkpointed. Returns how
    /// many entries it completed.
    fn recover(&self, session: &mut Session) -> Result<u64, ArchiveError> {
        let log = self.log();
        let Some((journal, entries)) = log.journal()? else {
            return Ok(0);
        };
        if journal.size < session.cp.size {
            // Its checkpoint was published; only the removal was lost.
            log.clear_journal()?;
            return Ok(0);
        }
        if journal.size > session.cp.size || journal.root != crate::digest::hex(&session.cp.root) {
            return Err(damaged(
                &self.storage().locate(&Item::Pending),
                format!(
                    "it appends to a tree of size {} that is not the published one (size {})",
                    journal.size, session.cp.size
                ),
            ));
        }
        let batch = self.recompute(session, &entries)?;
        let count = batch.entries.len() as u64;
        self.commit(session, batch)?;
        Ok(count)
    }

    /// Checks entries not yet covered by a checkpoint against what they
    /// record, and returns them with their catalog rows. (Long: one case per
    /// kind of entry, each check next to the field it is about.)
    fn recompute(&self, session: &Session, entries: &[Entry]) -> Result<Batch, ArchiveError> {
        let mut current = self
            .current_in(&session.catalog, session.cp.size)?
            .map(|(_, s)| s);
        let mut cache = VersionCache::new(&session.catalog);
        let mut batch = Batch::default();
        let allow_partial = PolicyChoice {
            policy: verify::Policy::AllowPartial,
            origin: verify::PolicyOrigin::Default,
        };
        for (i, entry) in entries.iter().enumerate() {
            let index = session.cp.size + i as u64;
            let unbacked = |reason: String| ArchiveError::Unbacked { index, reason };
            if entry.index() != index {
                return Err(unbacked(format!("it says it is entry {}", entry.index())));
            }
            match entry {
                Entry::Legacy(_) => return Err(unbacked("a version-1 entry".into())),
                Entry::Trust(t) => {
                    let snapshot = self
                        .snapshot(&t.trust)
                        .map_err(|e| unbacked(e.to_string()))?;
                    let revoked_ok = match (t.change, t.key) {
                        (TrustChange::Revoke, Some(k)) => snapshot
                            .file
                            .keys
                            .iter()
                            .any(|e| e.key == k && e.revoked.is_some()),
                        (TrustChange::Keyring, None) => true,
                        _ => false,
                    };
                    if !revoked_ok {
                        return Err(unbacked("its change does not match its snapshot".into()));
                    }
                    batch.trust.push(trust_row(t));
                    current = Some(snapshot);
                }
                Entry::Bundle(b) => {
                    let snapshot = current
                        .clone()
                        .ok_or_else(|| unbacked("no trust precedes it".into()))?;
                    if b.trust != snapshot.digest {
                        return Err(unbacked(format!(
                            "it names trust {}, the archive's was {}",
                            b.trust, snapshot.digest
                        )));
                    }
                    let local = self
                        .storage()
                        .local(&b.bundle)?
                        .ok_or_else(|| unbacked("its bundle is not stored".into()))?;
                    let trust = snapshot.trust_set(None, "archive trust".into());
                    // Any policy the ingest may have used: the signatures must
                    // be trusted, each party's policy is the ingest's choice.
                    let (report, facts) =
                        inspect(local.path(), &trust, &allow_partial, None, None)?;
                    let facts = facts.ok_or_else(|| unbacked("its bundle is unreadable".into()))?;
                    if !(report.passes() || demo_only(&report)) {
                        return Err(unbacked(format!(
                            "its bundle does not verify ({})",
                            report.verdict.as_str()
                        )));
                    }
                    let versions = cache.get(&b.statement_id)?;
                    let placement = versions::place(
                        versions,
                        facts.statement,
                        facts.signed(),
                        facts.signers.len(),
                        index,
                        true,
                    )
                    .map_err(|_| unbacked("no place among its versions".into()))?;
                    let expected = BundleEntry {
                        index,
                        bundle: facts.bundle,
                        statement_id: facts.id.clone(),
                        statement: facts.statement,
                        date: facts.date.clone(),
                        signers: facts.signers.clone(),
                        ingested_at: b.ingested_at,
                        supersedes: placement.supersedes,
                        trust: snapshot.digest,
                    };
                    if expected != *b {
                        return Err(unbacked(describe_difference(b, &expected)));
                    }
                    versions.push(Version {
                        bundle: b.bundle,
                        index,
                        statement: b.statement,
                        edition: placement.edition,
                        signed: facts.signed(),
                        signatures: facts.signers.len(),
                    });
                    batch
                        .records
                        .push(record_of(b, &facts.value, &placement, Some(&snapshot)));
                }
            }
            batch.entries.push(entry.clone());
        }
        Ok(batch)
    }

    /// Makes a keyring's trust the archive's (its revocations kept). Returns
    /// the trust entry's index, or `None` if nothing changed.
    pub fn set_trust(&self, keyring: &KeyringTrust) -> Result<Option<u64>, ArchiveError> {
        let _lock = self.storage().lock()?;
        let mut session = self.session()?;
        self.recover(&mut session)?;
        let current = self.current_in(&session.catalog, session.cp.size)?;
        let snapshot = resolve_trust(
            current.as_ref().map(|(_, s)| s),
            &TrustGiven::Keyring(keyring.clone()),
        );
        if current.as_ref().map(|(_, s)| s.digest) == Some(snapshot.digest) {
            return Ok(None);
        }
        let index = session.cp.size;
        self.log_trust(&mut session, &snapshot, TrustChange::Keyring, None)?;
        Ok(Some(index))
    }

    /// Revokes a key of the archive's trust from `at`. Returns the trust
    /// entry's index and the key.
    pub fn revoke(
        &self,
        key: &str,
        at: UtcTime,
        reason: &str,
    ) -> Result<(u64, KeyId), ArchiveError> {
        let _lock = self.storage().lock()?;
        let mut session = self.session()?;
        self.recover(&mut session)?;
        let (_, current) = self
            .current_in(&session.catalog, session.cp.size)?
            .ok_or(ArchiveError::NoTrust)?;
        let id = current.find(key)?;
        let snapshot = current.revoked(&id, at, reason)?;
        let index = session.cp.size;
        self.log_trust(&mut session, &snapshot, TrustChange::Revoke, Some(id))?;
        Ok((index, id))
    }

    fn log_trust(
        &self,
        session: &mut Session,
        snapshot: &Snapshot,
        change: TrustChange,
        key: Option<KeyId>,
    ) -> Result<(), ArchiveError> {
        let t = TrustEntry {
            index: session.cp.size,
            at: UtcTime::now(),
            change,
            key,
            trust: snapshot.digest,
        };
        self.store_snapshot(snapshot)?;
        self.storage().sync()?;
        let batch = Batch {
            trust: vec![trust_row(&t)],
            entries: vec![Entry::Trust(t)],
            records: Vec::new(),
        };
        self.commit(session, batch)
    }

    /// For benchmarks of large archives only: appends `entries` (bundle
    /// entries of distinct statement ids, numbered from the log's size,
    /// whose bundles are not stored) through the same journal, tiles,
    /// checkpoint and catalog steps as [`add`](Self::add), with `statement`
    /// as every record's catalog text. An audit fails such an archive.
    #[doc(hidden)]
    pub fn bench_append(
        &self,
        entries: Vec<BundleEntry>,
        statement: &serde_json::Value,
    ) -> Result<(), ArchiveError> {
        let _lock = self.storage().lock()?;
        let mut session = self.session()?;
        let placement = Placement {
            edition: 0,
            latest: true,
            supersedes: None,
        };
        let batch = Batch {
            records: entries
                .iter()
                .map(|e| record_of(e, statement, &placement, None))
                .collect(),
            entries: entries.into_iter().map(Entry::Bundle).collect(),
            trust: Vec::new(),
        };
        self.commit(&mut session, batch)
    }

    /// Rebuilds the catalog from the log and the stored bundles.
    pub fn reindex(&self) -> Result<u64, ArchiveError> {
        let _lock = self.storage().lock()?;
        let mut session = self.session()?;
        self.recover(&mut session)?;
        session.catalog.clear()?;
        catch_up(self, &mut session.catalog, &session.cp)?;
        Ok(session.catalog.count()?)
    }
}

/// The trust to judge under: a keyring's, with the current revocations, or
/// the current one, or nothing.
pub fn resolve_trust(current: Option<&Snapshot>, given: &TrustGiven) -> Snapshot {
    match (given, current) {
        (TrustGiven::Keyring(k), Some(c)) => c.merged_into(k),
        (TrustGiven::Keyring(k), None) => Snapshot::of_keyring(k),
        (TrustGiven::Archive, Some(c)) => c.clone(),
        (TrustGiven::Archive, None) => Snapshot::empty(),
    }
}

/// Which fields of an entry differ from what its bundle says.
pub(crate) fn describe_difference(found: &BundleEntry, expected: &BundleEntry) -> String {
    let mut fields = Vec::new();
    if found.bundle != expected.bundle {
        fields.push(format!(
            "bundle {} (the file is {})",
            found.bundle, expected.bundle
        ));
    }
    if found.statement_id != expected.statement_id {
        fields.push(format!(
            "statement_id {:?} (the bundle's is {:?})",
            found.statement_id, expected.statement_id
        ));
    }
    if found.statement != expected.statement {
        fields.push(format!(
            "statement {} (the bundle's is {})",
            found.statement, expected.statement
        ));
    }
    if found.date != expected.date {
        fields.push(format!(
            "date {:?} (the bundle's is {:?})",
            found.date, expected.date
        ));
    }
    if found.signers != expected.signers {
        let keys = |s: &[Signer]| {
            s.iter()
                .map(|s| format!("{} {} {}", s.party, s.key.short(), s.signed_at))
                .collect::<Vec<_>>()
                .join(", ")
        };
        fields.push(format!(
            "signers [{}] (the bundle's signatures are [{}])",
            keys(&found.signers),
            keys(&expected.signers)
        ));
    }
    if found.supersedes != expected.supersedes {
        fields.push(format!(
            "supersedes {:?} (the versions before it say {:?})",
            found.supersedes.map(|d| d.to_string()),
            expected.supersedes.map(|d| d.to_string())
        ));
    }
    if found.trust != expected.trust {
        fields.push(format!(
            "trust {} (the archive's trust then was {})",
            found.trust, expected.trust
        ));
    }
    if found.ingested_at != expected.ingested_at {
        fields.push(format!("ingested_at {}", found.ingested_at));
    }
    if fields.is_empty() {
        "no field differs".into()
    } else {
        fields.join("; ")
    }
}
