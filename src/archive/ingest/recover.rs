//! The recovery of an interrupted ingest: its journaled entries recomputed from their stored bundles before any checkpoint covers them.

use super::*;

impl Archive {
    /// Completes an ingest interrupted after its journal was written: its
    /// entries are recomputed from their stored bundles and trust (and
    /// refused if any differs), then appended and checkpointed. Returns how
    /// many entries it completed.
    pub(super) fn recover(&self, session: &mut Session) -> Result<u64, ArchiveError> {
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
    pub(super) fn recompute(
        &self,
        session: &Session,
        entries: &[Entry],
    ) -> Result<Batch, ArchiveError> {
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
}
