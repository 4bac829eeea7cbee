//! The write path: a session under the writers' lock, bundles checked, stored, journaled, appended and checkpointed; trust changes; reindex.

use super::*;

/// A write in progress, under the lock.
pub(super) struct Session {
    pub(super) key: SigningKey,
    pub(super) catalog: Catalog,
    pub(super) cp: Checkpoint,
}

/// What to append: entries, and the catalog's rows for them.
#[derive(Default)]
pub(super) struct Batch {
    pub(super) entries: Vec<Entry>,
    pub(super) records: Vec<Record>,
    pub(super) trust: Vec<TrustRow>,
}

/// Bundles up to this size are stored several at once ([`Archive::store_bundles`]).
const ONE_AT_A_TIME: u64 = 64 << 20;

impl Archive {
    pub(super) fn session(&self) -> Result<Session, ArchiveError> {
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

    pub(super) fn current_in(
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
    pub(super) fn store_snapshot(&self, snapshot: &Snapshot) -> Result<(), ArchiveError> {
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
    pub(super) fn add_locked(
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
            self.store_bundles(&new_bundles)?;
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

    /// Stores a batch's new bundles, several at once (`fsutil::concurrently`:
    /// each is synced, and one at a time each sync waits for a journal
    /// commit of its own, or each S3 PUT for its round trip). A bundle over
    /// [`ONE_AT_A_TIME`] is stored alone, so that the memory an S3 PUT
    /// holds stays bounded. The first failure in the batch's order is the
    /// one reported; no entry names any of them until all are stored.
    fn store_bundles(&self, bundles: &[(Sha256Digest, PathBuf)]) -> Result<(), ArchiveError> {
        let size = |p: &PathBuf| std::fs::metadata(p).map_or(u64::MAX, |m| m.len());
        let (small, large): (Vec<_>, Vec<_>) =
            bundles.iter().partition(|(_, p)| size(p) <= ONE_AT_A_TIME);
        crate::fsutil::concurrently(&small, |(digest, path)| {
            self.storage().create_bundle(digest, path).map(drop)
        })?;
        for (digest, path) in large {
            self.storage().create_bundle(digest, path)?;
        }
        Ok(())
    }

    /// Journals, appends, checkpoints and catalogues a batch whose objects
    /// are stored and synced.
    pub(super) fn commit(&self, session: &mut Session, batch: Batch) -> Result<(), ArchiveError> {
        let log = self.log();
        let tree = session.cp.tree();
        log.write_journal(&tree, &batch.entries)?;
        let new = match log.append(&tree, &batch.entries) {
            Ok(new) => new,
            Err(
                e @ ArchiveError::Storage(crate::archive::storage::StorageError::Conflict {
                    ..
                }),
            ) => {
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

    pub(super) fn checkpoint(&self, session: &mut Session, tree: Tree) -> Result<(), ArchiveError> {
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

    pub(super) fn log_trust(
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
