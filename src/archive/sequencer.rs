//! The PostgreSQL sequencer: several `archive add` processes, on several
//! machines, append to one linear log. It wraps the archive's storage and
//! takes over three things, as Tessera's MySQL storage does: the writers'
//! lock (a row lock, `SELECT … FOR UPDATE` in a transaction held for the
//! whole ingest, released by PostgreSQL when the holder's connection ends,
//! however it dies), the ingest journal (the pending entries, one row each,
//! committed before any tile names them) and the tree head (size and root,
//! moved forward after each checkpoint is published, so that a published
//! checkpoint that went backwards is noticed). Everything else — objects,
//! tiles, checkpoints — stays in the wrapped storage (docs/FORMAT.md §7.14).
//! The lock is a row of its own (`docseal_writer`), so that the journal and
//! the head, committed on a second connection, never wait for it.

use std::sync::{Arc, Mutex, MutexGuard};

use postgres::{Client, NoTls};

use super::catalog::redact;
use super::log::Journal;
use super::note::Checkpoint;
use super::storage::{Area, Created, Item, Listed, LocalFile, Storage, StorageError, WriteLock};
use crate::digest::Sha256Digest;

/// The sequencer tables' layout version (`docseal_sequencer.version`).
pub const SEQUENCER_VERSION: i32 = 1;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS docseal_sequencer (
  origin TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  size BIGINT NOT NULL,
  root TEXT NOT NULL,
  next BIGINT NOT NULL,
  pending_size BIGINT,
  pending_root TEXT,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS docseal_writer (
  origin TEXT PRIMARY KEY REFERENCES docseal_sequencer(origin)
);
CREATE TABLE IF NOT EXISTS docseal_pending (
  origin TEXT NOT NULL REFERENCES docseal_sequencer(origin),
  idx BIGINT NOT NULL,
  entry BYTEA NOT NULL,
  PRIMARY KEY (origin, idx)
);
";

/// The advisory lock key under which the tables are created.
const SCHEMA_LOCK: i64 = 0x646f_6373_6561_6c01;

/// The tree head the sequencer holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// Entries integrated into the tiles and checkpointed.
    pub size: u64,
    /// Their root, hex.
    pub root: String,
    /// The index the next entry gets (size + pending entries).
    pub next: u64,
}

/// An archive's storage with its sequencing in PostgreSQL.
pub struct PgSequencer {
    inner: Box<dyn Storage>,
    origin: String,
    url: String,
    client: Mutex<Client>,
    /// The connection holding the row lock, while a writer holds it.
    locked: Arc<Mutex<Option<Client>>>,
}

impl std::fmt::Debug for PgSequencer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PgSequencer({}, {:?})", redact(&self.url), self.inner)
    }
}

impl PgSequencer {
    /// Connects, creates the tables if needed and the archive's row (a
    /// new row starts at the empty tree and moves to the published
    /// checkpoint at the next ingest).
    pub fn connect(url: &str, origin: &str, inner: Box<dyn Storage>) -> Result<Self, StorageError> {
        let failed = |e: postgres::Error| remote(url, e);
        let mut client = Client::connect(url, NoTls).map_err(failed)?;
        let mut tx = client.transaction().map_err(failed)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])
            .map_err(failed)?;
        tx.batch_execute(SCHEMA).map_err(failed)?;
        tx.execute(
            "INSERT INTO docseal_sequencer (origin, version, size, root, next) VALUES ($1, $2, 0, $3, 0) ON CONFLICT (origin) DO NOTHING",
            &[&origin, &SEQUENCER_VERSION, &crate::digest::hex(&super::merkle::empty_root())],
        )
        .map_err(failed)?;
        tx.execute(
            "INSERT INTO docseal_writer (origin) VALUES ($1) ON CONFLICT (origin) DO NOTHING",
            &[&origin],
        )
        .map_err(failed)?;
        let version: i32 = tx
            .query_one(
                "SELECT version FROM docseal_sequencer WHERE origin = $1",
                &[&origin],
            )
            .map_err(failed)?
            .get(0);
        tx.commit().map_err(failed)?;
        if version != SEQUENCER_VERSION {
            return Err(StorageError::Lock {
                location: redact(url),
                reason: format!(
                    "the sequencer's tables are of version {version}; this docseal knows version {SEQUENCER_VERSION}"
                ),
            });
        }
        Ok(Self {
            inner,
            origin: origin.to_string(),
            url: url.to_string(),
            client: Mutex::new(client),
            locked: Arc::default(),
        })
    }

    fn client(&self) -> MutexGuard<'_, Client> {
        self.client.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn failed(&self, e: postgres::Error) -> StorageError {
        remote(&self.url, e)
    }

    fn where_pending(&self) -> String {
        format!("{} (pending entries of {})", redact(&self.url), self.origin)
    }

    /// The tree head it holds.
    pub fn head(&self) -> Result<Head, StorageError> {
        let row = self
            .client()
            .query_one(
                "SELECT size, root, next FROM docseal_sequencer WHERE origin = $1",
                &[&self.origin],
            )
            .map_err(|e| self.failed(e))?;
        Ok(Head {
            size: row.get::<_, i64>(0) as u64,
            root: row.get(1),
            next: row.get::<_, i64>(2) as u64,
        })
    }

    /// Whether this process still holds the row lock (its connection is
    /// alive): checked before a checkpoint is kept or published.
    fn fence(&self) -> Result<(), StorageError> {
        let mut slot = self.locked.lock().unwrap_or_else(|e| e.into_inner());
        let Some(client) = slot.as_mut() else {
            return Ok(());
        };
        client.simple_query("SELECT 1").map(drop).map_err(|e| StorageError::Lock {
            location: redact(&self.url),
            reason: format!("the connection holding the sequencer's lock was lost ({e}); nothing more is published"),
        })
    }

    fn holding(&self) -> bool {
        self.locked
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some()
    }

    fn read_journal(&self) -> Result<Option<Vec<u8>>, StorageError> {
        let mut client = self.client();
        let row = client
            .query_one(
                "SELECT pending_size, pending_root FROM docseal_sequencer WHERE origin = $1",
                &[&self.origin],
            )
            .map_err(|e| remote(&self.url, e))?;
        let (Some(size), Some(root)) = (
            row.get::<_, Option<i64>>(0),
            row.get::<_, Option<String>>(1),
        ) else {
            return Ok(None);
        };
        let rows = client
            .query(
                "SELECT idx, entry FROM docseal_pending WHERE origin = $1 ORDER BY idx",
                &[&self.origin],
            )
            .map_err(|e| remote(&self.url, e))?;
        let mut entries = Vec::with_capacity(rows.len());
        for (i, row) in rows.iter().enumerate() {
            let idx: i64 = row.get(0);
            let bytes: Vec<u8> = row.get(1);
            if idx != size + i as i64 {
                return Err(StorageError::Lock {
                    location: self.where_pending(),
                    reason: format!("pending entry {idx} is out of sequence"),
                });
            }
            entries.push(
                serde_json::from_slice(&bytes).map_err(|e| StorageError::Lock {
                    location: self.where_pending(),
                    reason: format!("pending entry {idx}: {e}"),
                })?,
            );
        }
        let journal = Journal {
            version: 1,
            size: size as u64,
            root,
            entries,
        };
        let mut bytes = serde_json::to_vec(&journal).unwrap_or_default();
        bytes.push(b'\n');
        Ok(Some(bytes))
    }

    fn write_journal(&self, bytes: &[u8]) -> Result<(), StorageError> {
        let journal: Journal = serde_json::from_slice(bytes).map_err(|e| StorageError::Lock {
            location: self.where_pending(),
            reason: format!("not a journal: {e}"),
        })?;
        let mut client = self.client();
        let failed = |e| remote(&self.url, e);
        let mut tx = client.transaction().map_err(failed)?;
        tx.execute(
            "DELETE FROM docseal_pending WHERE origin = $1",
            &[&self.origin],
        )
        .map_err(failed)?;
        let size = journal.size as i64;
        for (i, entry) in journal.entries.iter().enumerate() {
            let bytes =
                serde_json_canonicalizer::to_vec(entry).map_err(|e| StorageError::Lock {
                    location: self.where_pending(),
                    reason: e.to_string(),
                })?;
            tx.execute(
                "INSERT INTO docseal_pending (origin, idx, entry) VALUES ($1, $2, $3)",
                &[&self.origin, &(size + i as i64), &bytes],
            )
            .map_err(failed)?;
        }
        tx.execute(
            "UPDATE docseal_sequencer SET pending_size = $2, pending_root = $3, next = $4, updated_at = now() WHERE origin = $1",
            &[&self.origin, &size, &journal.root, &(size + journal.entries.len() as i64)],
        )
        .map_err(failed)?;
        tx.commit().map_err(failed)
    }

    fn clear_journal(&self) -> Result<(), StorageError> {
        let mut client = self.client();
        let failed = |e| remote(&self.url, e);
        let mut tx = client.transaction().map_err(failed)?;
        tx.execute(
            "DELETE FROM docseal_pending WHERE origin = $1",
            &[&self.origin],
        )
        .map_err(failed)?;
        tx.execute(
            "UPDATE docseal_sequencer SET pending_size = NULL, pending_root = NULL, next = size, updated_at = now() WHERE origin = $1",
            &[&self.origin],
        )
        .map_err(failed)?;
        tx.commit().map_err(failed)
    }

    /// Moves the head to a published checkpoint (never backwards).
    fn advance(&self, note: &[u8]) -> Result<(), StorageError> {
        let Some(cp) = checkpoint_of(note) else {
            return Ok(());
        };
        let size = cp.size as i64;
        self.client()
            .execute(
                "UPDATE docseal_sequencer SET size = $2, root = $3, next = GREATEST(next, $2), updated_at = now() WHERE origin = $1 AND size <= $2",
                &[&self.origin, &size, &crate::digest::hex(&cp.root)],
            )
            .map(drop)
            .map_err(|e| self.failed(e))
    }
}

fn remote(url: &str, e: postgres::Error) -> StorageError {
    StorageError::Remote {
        location: redact(url),
        source: super::catalog::postgres_message(&e).into(),
    }
}

/// The checkpoint a note's body says (unverified: the archive verifies).
fn checkpoint_of(note: &[u8]) -> Option<Checkpoint> {
    let text = std::str::from_utf8(note).ok()?;
    let (body, _) = text.split_once("\n\n")?;
    Checkpoint::parse_body(&format!("{body}\n")).ok()
}

/// The row lock, released (by rolling back) when dropped.
struct RowLock(Arc<Mutex<Option<Client>>>);

impl Drop for RowLock {
    fn drop(&mut self) {
        if let Some(mut client) = self.0.lock().unwrap_or_else(|e| e.into_inner()).take() {
            let _ = client.batch_execute("ROLLBACK");
        }
    }
}

impl Storage for PgSequencer {
    fn location(&self) -> String {
        self.inner.location()
    }

    fn locate(&self, item: &Item) -> String {
        match item {
            Item::Pending => self.where_pending(),
            _ => self.inner.locate(item),
        }
    }

    fn read(&self, item: &Item) -> Result<Option<Vec<u8>>, StorageError> {
        match item {
            Item::Pending => self.read_journal(),
            Item::Checkpoint if self.holding() => {
                let bytes = self.inner.read(item)?;
                let head = self.head()?;
                let published = bytes
                    .as_deref()
                    .and_then(checkpoint_of)
                    .map_or(0, |c| c.size);
                if head.size > published {
                    return Err(StorageError::Lock {
                        location: self.inner.locate(item),
                        reason: format!(
                            "the sequencer's tree head has {} entries, the published checkpoint {published}: the checkpoint went backwards",
                            head.size
                        ),
                    });
                }
                Ok(bytes)
            }
            _ => self.inner.read(item),
        }
    }

    fn create(&self, item: &Item, bytes: &[u8]) -> Result<Created, StorageError> {
        if matches!(item, Item::History(_)) {
            self.fence()?;
        }
        self.inner.create(item, bytes)
    }

    fn create_bundle(
        &self,
        digest: &Sha256Digest,
        source: &std::path::Path,
    ) -> Result<Created, StorageError> {
        self.inner.create_bundle(digest, source)
    }

    fn replace(&self, item: &Item, bytes: &[u8]) -> Result<(), StorageError> {
        match item {
            Item::Pending => self.write_journal(bytes),
            Item::Checkpoint => {
                self.fence()?;
                self.inner.replace(item, bytes)?;
                self.advance(bytes)
            }
            _ => self.inner.replace(item, bytes),
        }
    }

    fn remove(&self, item: &Item) -> Result<(), StorageError> {
        match item {
            Item::Pending => self.clear_journal(),
            _ => self.inner.remove(item),
        }
    }

    fn sync(&self) -> Result<(), StorageError> {
        self.inner.sync()
    }

    fn local(&self, digest: &Sha256Digest) -> Result<Option<LocalFile>, StorageError> {
        self.inner.local(digest)
    }

    fn list(&self, area: Area) -> Result<Vec<Listed>, StorageError> {
        self.inner.list(area)
    }

    fn lock(&self) -> Result<WriteLock, StorageError> {
        let failed = |e| remote(&self.url, e);
        let mut client = Client::connect(&self.url, NoTls).map_err(failed)?;
        client.batch_execute("BEGIN").map_err(failed)?;
        // Waits while another writer's transaction holds the row.
        client
            .query_one(
                "SELECT origin FROM docseal_writer WHERE origin = $1 FOR UPDATE",
                &[&self.origin],
            )
            .map_err(failed)?;
        *self.locked.lock().unwrap_or_else(|e| e.into_inner()) = Some(client);
        Ok(WriteLock::new(RowLock(self.locked.clone())))
    }
}
