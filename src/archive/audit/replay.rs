//! Every logged bundle re-verified under the trust of its time (in parallel), then the entries replayed in order against their bundles: versions, trust, times.

use super::*;

/// What the replay of the log found.
pub(super) struct Replay {
    pub(super) verified: u64,
    pub(super) records: Vec<Record>,
}

/// How a bundle's verification came out.
pub(super) enum Judgement {
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
pub(super) struct Verified {
    pub(super) judgement: Judgement,
    pub(super) facts: Option<Facts>,
    /// Its catalog row as if it were the latest version of its id: the walk
    /// sets its edition, the end of the walk whether it is the latest.
    pub(super) record: Option<Record>,
}

/// The placement a record is made with before the walk knows its own.
pub(super) const PROVISIONAL: versions::Placement = versions::Placement {
    edition: 0,
    latest: true,
    supersedes: None,
};

/// Verifies every logged bundle (in parallel) under the trust its entry
/// names, hashing each from the one copy it reads (the object check leaves
/// logged bundles to it) and reporting a content that is not its name.
/// (Long: the trust of each entry is found first, then the parallel pass
/// and its object findings in log order.)
fn verify_bundles(
    archive: &Archive,
    entries: &[Entry],
    checkpoints: &Checkpoints,
    stored: &HashSet<Sha256Digest>,
    progress: &(dyn Fn(u64, u64) + Sync),
    findings: &mut Findings,
) -> HashMap<u64, Result<Verified, String>> {
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
    let context = Context {
        archive,
        checkpoints,
        stored,
        latest_trust,
        label: archive.root.join("trust"),
        policy: &policy,
    };
    // A bundle logged twice is read twice, and its content reported once.
    let mut contents_reported = HashSet::new();
    let verified: HashMap<u64, Result<Verified, String>> = tasks
        .par_iter()
        .map(|(entry, digest, snapshot)| {
            let index = entry.index();
            let mut content = None;
            let result = verify_one(&context, entry, digest, *snapshot, &mut content);
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
    verified
}

/// What every bundle's verification shares.
struct Context<'a> {
    archive: &'a Archive,
    checkpoints: &'a Checkpoints,
    stored: &'a HashSet<Sha256Digest>,
    latest_trust: Option<&'a Snapshot>,
    label: std::path::PathBuf,
    policy: &'a PolicyChoice,
}

/// Verifies one logged bundle under `snapshot`; `content` gets the
/// SHA-256 of what was read (or why it could not be read). An empty error
/// is a missing object, which the object check reports.
fn verify_one(
    context: &Context<'_>,
    entry: &Entry,
    digest: &Sha256Digest,
    snapshot: Option<&Snapshot>,
    content: &mut Option<Result<Sha256Digest, String>>,
) -> Result<Verified, String> {
    // A missing object is reported by the object check.
    if !context.stored.contains(digest) {
        return Err(String::new());
    }
    let local = context
        .archive
        .storage()
        .local(digest)
        .map_err(|e| e.to_string())?
        .ok_or_else(String::new)?;
    // Hashed from the copy it verifies: one read of each object.
    let found = match local.sha256() {
        Ok(found) => found,
        Err(e) => {
            *content = Some(Err(e.to_string()));
            return Err(String::new());
        }
    };
    *content = Some(Ok(found));
    let trust = snapshot
        .map(|s| s.trust_set(context.latest_trust, context.label.clone()))
        .unwrap_or_else(|| Snapshot::empty().trust_set(None, context.label.clone()));
    let evidence = context.checkpoints.evidence(entry.index());
    let (report, mut facts) = ingest::inspect(
        local.path(),
        &trust,
        context.policy,
        evidence.as_ref(),
        Some(found),
    )
    .map_err(|e| e.to_string())?;
    let record = facts.as_mut().map(|f| {
        let value = std::mem::take(&mut f.value);
        provisional_record(context.archive, entry, &value, snapshot)
    });
    Ok(Verified {
        judgement: judgement(&report),
        facts,
        record,
    })
}

/// Walks the log in order with the trust and the versions of each point,
/// comparing each entry with what its verified bundle and its predecessors
/// say. (Long: the walk carries the state of each point of the log — trust,
/// versions, times — from entry to entry.)
pub(super) fn replay(
    archive: &Archive,
    entries: &[Entry],
    checkpoints: &Checkpoints,
    stored: &HashSet<Sha256Digest>,
    progress: &(dyn Fn(u64, u64) + Sync),
    findings: &mut Findings,
) -> Result<Replay, ArchiveError> {
    let mut verified = verify_bundles(archive, entries, checkpoints, stored, progress, findings);
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
pub(super) fn provisional_record(
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

pub(super) fn judgement(report: &verify::VerifyReport) -> Judgement {
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

pub(super) fn judge(
    judgement: &Judgement,
    subject: &str,
    out: &mut Replay,
    findings: &mut Findings,
) {
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

/// An entry against its bundle's facts, its placement among the versions,
/// the trust current at its point and its neighbours' times. (Long: one
/// comparison per field of the entry, each with its own message.)
pub(super) fn compare_entry(
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
