//! The archive: a content-addressed store of bundles, an append-only Merkle
//! log of ingests with signed checkpoints, and a searchable catalog.
//!
//! ```text
//! archive/
//! ├── archive.json                  version and origin (the log's name)
//! ├── key/archive.key.pem           the archive's own Ed25519 key (checkpoints only)
//! ├── key/archive.pub.pem, key/archive.vkey
//! ├── objects/sha256/ab/cd…ef.zip   bundles, named by their SHA-256, read-only
//! ├── log/entries.jsonl             one RFC 8785 entry per line, append-only
//! ├── log/checkpoints/<size>        every signed checkpoint (C2SP signed note)
//! ├── log/checkpoint                the latest one
//! ├── catalog.sqlite                index, rebuildable (`reindex`)
//! └── lock                          held while writing
//! ```
//!
//! An ingest verifies the bundles, writes the objects (temporary file,
//! rename), syncs the filesystem once, then appends and fsyncs the log
//! entries, then signs a checkpoint. A crash leaves at worst an object not yet logged, which the
//! next `add` of that bundle adopts.

pub mod audit;
pub mod catalog;
pub mod log;
pub mod merkle;

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::bundle::verify::{self, Policy, VerifyReport};
use crate::digest::Sha256Digest;
use crate::keyring::TrustPolicy;
use crate::keys;
use log::{Checkpoint, Entry, SignerRef};

/// Layout version of the archive.
pub const ARCHIVE_VERSION: u32 = 1;

/// Errors of the archive.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ArchiveError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// There is no archive here.
    #[error("no archive at {0}")]
    NotAnArchive(PathBuf),
    /// The archive's files are not as docseal writes them.
    #[error("the archive is damaged: {0}")]
    Damaged(String),
    /// A bundle failed verification.
    #[error("{path} does not verify; nothing was written")]
    Refused {
        /// The bundle.
        path: PathBuf,
        /// The verification report.
        report: Box<VerifyReport>,
    },
    /// The bundle could not even be read.
    #[error("{0}")]
    Unreadable(String),
    /// Nothing matches an id or digest.
    #[error("nothing in the archive matches {0:?}")]
    NotFound(String),
    /// The catalog failed.
    #[error("catalog: {0}")]
    Catalog(#[from] rusqlite::Error),
}

fn io_err(path: &Path) -> impl Fn(io::Error) -> ArchiveError + '_ {
    move |source| ArchiveError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// `archive.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchiveInfo {
    /// [`ARCHIVE_VERSION`].
    pub version: u32,
    /// The log's origin line (and checkpoint key name).
    pub origin: String,
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
        /// The earlier version it supersedes.
        supersedes: Option<Sha256Digest>,
        /// Its trusted signatures rely on demo keys.
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

/// An open archive folder.
#[derive(Debug, Clone)]
pub struct Archive {
    /// The folder.
    pub root: PathBuf,
    /// Its `archive.json`.
    pub info: ArchiveInfo,
}

impl Archive {
    /// Paths inside the archive.
    pub fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    /// Whether `dir` holds an archive.
    pub fn exists(dir: &Path) -> bool {
        dir.join("archive.json").is_file()
    }

    /// Creates a new archive (store, log, key). Refuses an existing one.
    pub fn init(dir: &Path) -> Result<Self, ArchiveError> {
        if Self::exists(dir) {
            return Self::open(dir);
        }
        for sub in ["objects/sha256", "log/checkpoints", "key"] {
            std::fs::create_dir_all(dir.join(sub)).map_err(io_err(&dir.join(sub)))?;
        }
        let key = keys::generate();
        let id = keys::KeyId::of(&key.verifying_key());
        let origin = format!("docseal.archive/{}", &id.hex()[..16]);
        let base = dir.join("key/archive");
        keys::write_key_pair(&base, &key, None)
            .map_err(|e| ArchiveError::Damaged(e.to_string()))?;
        crate::fsutil::write_atomic(
            &dir.join("key/archive.vkey"),
            format!("{}\n", log::verifier_key(&origin, &key.verifying_key())).as_bytes(),
        )
        .map_err(io_err(&dir.join("key/archive.vkey")))?;
        let info = ArchiveInfo {
            version: ARCHIVE_VERSION,
            origin,
        };
        let text = serde_json::to_string_pretty(&info).unwrap_or_default() + "\n";
        File::create(dir.join("log/entries.jsonl"))
            .map_err(io_err(&dir.join("log/entries.jsonl")))?;
        crate::fsutil::write_atomic(&dir.join("archive.json"), text.as_bytes())
            .map_err(io_err(&dir.join("archive.json")))?;
        let archive = Self {
            root: dir.to_path_buf(),
            info,
        };
        // The empty tree's checkpoint: size 0.
        archive.write_checkpoint(&[], &key)?;
        Ok(archive)
    }

    /// Opens an existing archive.
    pub fn open(dir: &Path) -> Result<Self, ArchiveError> {
        let path = dir.join("archive.json");
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(ArchiveError::NotAnArchive(dir.to_path_buf()));
            }
            Err(e) => return Err(io_err(&path)(e)),
        };
        let info: ArchiveInfo = serde_json::from_slice(&bytes)
            .map_err(|e| ArchiveError::Damaged(format!("archive.json: {e}")))?;
        if info.version != ARCHIVE_VERSION {
            return Err(ArchiveError::Damaged(format!(
                "archive.json: version {} is not supported",
                info.version
            )));
        }
        Ok(Self {
            root: dir.to_path_buf(),
            info,
        })
    }

    /// The archive's public key (for checking checkpoints and proofs).
    pub fn public_key(&self) -> Result<VerifyingKey, ArchiveError> {
        keys::read_public_key(&self.path("key/archive.pub.pem"))
            .map_err(|e| ArchiveError::Damaged(e.to_string()))
    }

    fn signing_key(&self) -> Result<SigningKey, ArchiveError> {
        keys::read_private_key(&self.path("key/archive.key.pem"), &mut || None)
            .map(|k| k.key)
            .map_err(|e| ArchiveError::Damaged(e.to_string()))
    }

    /// Takes the archive's write lock (blocks until free).
    pub fn lock(&self) -> Result<File, ArchiveError> {
        let path = self.path("lock");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io_err(&path))?;
        file.lock().map_err(io_err(&path))?;
        Ok(file)
    }

    /// Where the object of a digest lives.
    pub fn object_path(&self, digest: &Sha256Digest) -> PathBuf {
        let hex = digest.hex();
        self.path(&format!("objects/sha256/{}/{}.zip", &hex[..2], &hex[2..]))
    }

    /// Reads every log entry. A final line without its newline (a torn
    /// append) is reported as damage.
    pub fn entries(&self) -> Result<Vec<Entry>, ArchiveError> {
        let path = self.path("log/entries.jsonl");
        let mut bytes = Vec::new();
        File::open(&path)
            .and_then(|mut f| f.read_to_end(&mut bytes))
            .map_err(io_err(&path))?;
        if !bytes.is_empty() && !bytes.ends_with(b"\n") {
            return Err(ArchiveError::Damaged(
                "log/entries.jsonl: the last line is incomplete (truncated)".into(),
            ));
        }
        let mut entries = Vec::new();
        for (n, line) in bytes
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .enumerate()
        {
            let entry = Entry::parse(line).map_err(|e| {
                ArchiveError::Damaged(format!("log/entries.jsonl line {}: {e}", n + 1))
            })?;
            if entry.index != n as u64 {
                return Err(ArchiveError::Damaged(format!(
                    "log/entries.jsonl line {}: index {} where {n} belongs (reordered or rewritten log)",
                    n + 1,
                    entry.index
                )));
            }
            entries.push(entry);
        }
        Ok(entries)
    }

    /// The latest signed checkpoint, verified.
    pub fn latest_checkpoint(&self) -> Result<(Checkpoint, String), ArchiveError> {
        let path = self.path("log/checkpoint");
        let note = std::fs::read_to_string(&path).map_err(io_err(&path))?;
        let cp = log::verify_checkpoint(&note, &self.public_key()?)
            .map_err(|e| ArchiveError::Damaged(format!("log/checkpoint: {e}")))?;
        Ok((cp, note))
    }

    fn write_checkpoint(
        &self,
        leaves: &[merkle::Hash],
        key: &SigningKey,
    ) -> Result<String, ArchiveError> {
        let cp = Checkpoint {
            origin: self.info.origin.clone(),
            size: leaves.len() as u64,
            root: merkle::root(leaves),
        };
        let note = log::sign_checkpoint(&cp, key);
        let numbered = self.path(&format!("log/checkpoints/{:020}", cp.size));
        crate::fsutil::write_atomic(&numbered, note.as_bytes()).map_err(io_err(&numbered))?;
        let latest = self.path("log/checkpoint");
        crate::fsutil::write_atomic(&latest, note.as_bytes()).map_err(io_err(&latest))?;
        Ok(note)
    }

    /// Verifies and ingests bundles, all under the write lock.
    ///
    /// Every bundle is verified first (in parallel); if one fails, nothing
    /// at all is written. Then, in order: each new object is written and
    /// fsynced, the folders holding them are fsynced once each, all new
    /// entries are appended with one write and one `fdatasync`, the
    /// checkpoint is signed, and the catalog is updated in one transaction.
    pub fn add(
        &self,
        bundles: &[PathBuf],
        trust: TrustPolicy<'_>,
        policy: &Policy,
    ) -> Result<Vec<Added>, ArchiveError> {
        use rayon::prelude::*;
        let _lock = self.lock()?;
        let key = self.signing_key()?;
        let mut entries = self.entries()?;
        let checked: Vec<Result<(VerifyReport, Sha256Digest), ArchiveError>> = bundles
            .par_iter()
            .map(|path| {
                let report = verify::verify_path(path, trust, policy)
                    .map_err(|e| ArchiveError::Unreadable(e.to_string()))?;
                if !report.ok() {
                    return Err(ArchiveError::Refused {
                        path: path.clone(),
                        report: Box::new(report),
                    });
                }
                let digest = Sha256Digest::of_reader(File::open(path).map_err(io_err(path))?)
                    .map_err(io_err(path))?;
                Ok((report, digest))
            })
            .collect();
        let checked: Vec<(VerifyReport, Sha256Digest)> =
            checked.into_iter().collect::<Result<_, _>>()?;

        let mut results = Vec::new();
        let mut new_entries: Vec<(Entry, BundleFacts, VerifyReport)> = Vec::new();
        for (path, (report, digest)) in bundles.iter().zip(checked) {
            let known = entries
                .iter()
                .chain(new_entries.iter().map(|(e, _, _)| e))
                .find(|e| e.bundle == digest);
            if let Some(e) = known {
                results.push(Added::AlreadyPresent {
                    index: e.index,
                    bundle: digest,
                });
                continue;
            }
            self.store_object(path, &digest)?;
            let facts = bundle_facts(&self.object_path(&digest))?;
            let supersedes = entries
                .iter()
                .chain(new_entries.iter().map(|(e, _, _)| e))
                .rev()
                .find(|e| e.statement_id == facts.id)
                .map(|e| e.bundle);
            let entry = Entry {
                index: (entries.len() + new_entries.len()) as u64,
                bundle: digest,
                statement_id: facts.id.clone(),
                statement: facts.canonical,
                signers: report
                    .signers
                    .iter()
                    .filter(|s| s.valid)
                    .filter_map(|s| {
                        s.key.parse().ok().map(|key| SignerRef {
                            key,
                            party: s.party.clone(),
                        })
                    })
                    .collect(),
                ingested_at: crate::keyring::format_time(time::OffsetDateTime::now_utc()),
                supersedes,
            };
            results.push(Added::Logged {
                index: entry.index,
                bundle: digest,
                supersedes,
                demo_keys: report.demo_keys_used,
            });
            new_entries.push((entry, facts, report));
        }
        if new_entries.is_empty() {
            return Ok(results);
        }
        // Objects are durable (files and folders) before any entry names
        // them: one syncfs for the whole batch rather than an fsync per file.
        let objects = self.path("objects");
        crate::fsutil::sync_filesystem(&objects).map_err(io_err(&objects))?;
        self.append_entries(new_entries.iter().map(|(e, _, _)| e))?;
        entries.extend(new_entries.iter().map(|(e, _, _)| e.clone()));
        let leaves: Vec<merkle::Hash> = entries
            .iter()
            .map(|e| merkle::leaf_hash(&e.bytes()))
            .collect();
        self.write_checkpoint(&leaves, &key)?;
        // The catalog is derived: a failure here is repaired by `reindex`.
        if let Ok(mut catalog) = catalog::Catalog::open(&self.path("catalog.sqlite")) {
            let records: Vec<catalog::Record> = new_entries
                .iter()
                .map(|(e, f, r)| record(e, f, r))
                .collect();
            let _ = catalog.insert_all(&records);
        }
        Ok(results)
    }

    /// Copies a bundle into the store under its digest, read-only. The
    /// caller makes it durable.
    fn store_object(&self, source: &Path, digest: &Sha256Digest) -> Result<(), ArchiveError> {
        let target = self.object_path(digest);
        if target.exists() {
            // Left by an ingest that crashed before logging: adopt it if intact.
            let found = Sha256Digest::of_reader(File::open(&target).map_err(io_err(&target))?)
                .map_err(io_err(&target))?;
            if found == *digest {
                return Ok(());
            }
            return Err(ArchiveError::Damaged(format!(
                "{} does not match its name",
                target.display()
            )));
        }
        let dir = target.parent().unwrap_or(&self.root).to_path_buf();
        std::fs::create_dir_all(&dir).map_err(io_err(&dir))?;
        let mut temp = tempfile::Builder::new()
            .prefix(".docseal-tmp-")
            .tempfile_in(&dir)
            .map_err(io_err(&dir))?;
        let copied = File::open(source)
            .and_then(|mut input| io::copy(&mut input, temp.as_file_mut()))
            .and_then(|_| {
                use std::os::unix::fs::PermissionsExt;
                temp.as_file()
                    .set_permissions(std::fs::Permissions::from_mode(0o444))?;
                temp.as_file().sync_all()
            });
        copied.map_err(io_err(&target))?;
        temp.persist_noclobber(&target)
            .map_err(|e| io_err(&target)(e.error))?;
        Ok(())
    }

    fn append_entries<'e>(
        &self,
        entries: impl Iterator<Item = &'e Entry>,
    ) -> Result<(), ArchiveError> {
        let path = self.path("log/entries.jsonl");
        let mut lines = Vec::new();
        for entry in entries {
            lines.extend(entry.bytes());
            lines.push(b'\n');
        }
        let mut file = OpenOptions::new()
            .append(true)
            .open(&path)
            .map_err(io_err(&path))?;
        // One write: a reader never sees half an entry.
        file.write_all(&lines)
            .and_then(|()| file.sync_data())
            .map_err(io_err(&path))
    }

    /// Rebuilds the catalog from the objects and the log.
    pub fn reindex(&self) -> Result<u64, ArchiveError> {
        let _lock = self.lock()?;
        let entries = self.entries()?;
        let mut catalog = catalog::Catalog::open(&self.path("catalog.sqlite"))?;
        catalog.clear()?;
        let mut records = Vec::with_capacity(entries.len());
        for entry in &entries {
            let path = self.object_path(&entry.bundle);
            let facts = bundle_facts(&path)?;
            let mut rec = record(
                entry,
                &facts,
                &VerifyReport {
                    target: String::new(),
                    kind: "docseal-bundle",
                    bag: String::new(),
                    checks: vec![],
                    signers: vec![],
                    demo_keys_used: false,
                    statement: None,
                },
            );
            rec.signers = bundle_signers(&path);
            records.push(rec);
        }
        catalog.insert_all(&records)?;
        Ok(entries.len() as u64)
    }

    /// The catalog (opened read-write; created if missing).
    pub fn catalog(&self) -> Result<catalog::Catalog, ArchiveError> {
        Ok(catalog::Catalog::open(&self.path("catalog.sqlite"))?)
    }

    /// The log entry for a statement id (latest version) or a bundle digest (or prefix).
    pub fn resolve(&self, id_or_digest: &str) -> Result<Entry, ArchiveError> {
        let entries = self.entries()?;
        let hex = id_or_digest
            .strip_prefix("sha256:")
            .unwrap_or(id_or_digest)
            .to_ascii_lowercase();
        entries
            .iter()
            .rev()
            .find(|e| e.statement_id == id_or_digest)
            .or_else(|| {
                entries
                    .iter()
                    .find(|e| hex.len() >= 6 && e.bundle.hex().starts_with(&hex))
            })
            .cloned()
            .ok_or_else(|| ArchiveError::NotFound(id_or_digest.to_string()))
    }

    /// An inclusion proof of an entry against the latest checkpoint.
    pub fn proof(&self, id_or_digest: &str) -> Result<InclusionProof, ArchiveError> {
        let entry = self.resolve(id_or_digest)?;
        let (cp, note) = self.latest_checkpoint()?;
        let entries = self.entries()?;
        if entry.index >= cp.size {
            return Err(ArchiveError::Damaged("the entry is not yet covered by a checkpoint; run `archive add` or `archive audit`".into()));
        }
        let leaves: Vec<merkle::Hash> = entries[..cp.size as usize]
            .iter()
            .map(|e| merkle::leaf_hash(&e.bytes()))
            .collect();
        Ok(InclusionProof {
            version: 1,
            entry: entry.clone(),
            index: entry.index,
            tree_size: cp.size,
            proof: merkle::inclusion_proof(entry.index as usize, &leaves)
                .iter()
                .map(|h| crate::digest::hex(h))
                .collect(),
            checkpoint: note,
        })
    }

    /// A consistency proof from an older checkpoint to the latest one.
    pub fn consistency(&self, old_note: &str) -> Result<ConsistencyProof, ArchiveError> {
        let key = self.public_key()?;
        let old = log::verify_checkpoint(old_note, &key)
            .map_err(|e| ArchiveError::Damaged(format!("old checkpoint: {e}")))?;
        let (new, note) = self.latest_checkpoint()?;
        let entries = self.entries()?;
        if old.size > new.size || new.size as usize > entries.len() {
            return Err(ArchiveError::Damaged(format!(
                "the old checkpoint has {} entries, the log now {}: the log shrank",
                old.size, new.size
            )));
        }
        let leaves: Vec<merkle::Hash> = entries[..new.size as usize]
            .iter()
            .map(|e| merkle::leaf_hash(&e.bytes()))
            .collect();
        let proof = merkle::consistency_proof(old.size as usize, &leaves);
        let consistent =
            merkle::verify_consistency(old.size, new.size, &old.root, &new.root, &proof);
        Ok(ConsistencyProof {
            old_size: old.size,
            new_size: new.size,
            proof: proof.iter().map(|h| crate::digest::hex(h)).collect(),
            checkpoint: note,
            consistent,
        })
    }
}

/// A self-contained inclusion proof (checkable without the archive).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InclusionProof {
    /// Layout version: 1.
    pub version: u32,
    /// The log entry.
    pub entry: Entry,
    /// Its index.
    pub index: u64,
    /// Size of the tree the proof is against.
    pub tree_size: u64,
    /// RFC 9162 inclusion path, hex.
    pub proof: Vec<String>,
    /// The signed checkpoint (C2SP signed note).
    pub checkpoint: String,
}

impl InclusionProof {
    /// Checks the proof with the archive's public key, and optionally that a
    /// bundle file is the one logged.
    pub fn check(&self, key: &VerifyingKey, bundle: Option<&Path>) -> Result<Checkpoint, String> {
        let cp = log::verify_checkpoint(&self.checkpoint, key)?;
        if cp.size != self.tree_size {
            return Err(format!(
                "the proof is for a tree of {} entries, the checkpoint has {}",
                self.tree_size, cp.size
            ));
        }
        if self.entry.index != self.index {
            return Err("the entry's index differs from the proof's".into());
        }
        let path: Result<Vec<merkle::Hash>, String> = self
            .proof
            .iter()
            .map(|h| {
                Sha256Digest::from_hex(h)
                    .map(|d| d.0)
                    .ok_or_else(|| format!("bad hash {h:?}"))
            })
            .collect();
        let leaf = merkle::leaf_hash(&self.entry.bytes());
        if !merkle::verify_inclusion(self.index, cp.size, &leaf, &path?, &cp.root) {
            return Err("the inclusion proof does not lead to the checkpoint's root".into());
        }
        if let Some(bundle) = bundle {
            let file = File::open(bundle).map_err(|e| format!("{}: {e}", bundle.display()))?;
            let digest =
                Sha256Digest::of_reader(file).map_err(|e| format!("{}: {e}", bundle.display()))?;
            if digest != self.entry.bundle {
                return Err(format!(
                    "{} is {digest}, the log entry is for {}",
                    bundle.display(),
                    self.entry.bundle
                ));
            }
        }
        Ok(cp)
    }
}

/// A consistency proof between two checkpoints.
#[derive(Debug, Clone, Serialize)]
pub struct ConsistencyProof {
    /// Old tree size.
    pub old_size: u64,
    /// New tree size.
    pub new_size: u64,
    /// RFC 9162 consistency proof, hex.
    pub proof: Vec<String>,
    /// The latest signed checkpoint.
    pub checkpoint: String,
    /// Whether the proof verifies (the log only grew).
    pub consistent: bool,
}

/// What the catalog and the log need from a bundle's statement.
pub struct BundleFacts {
    /// Statement id.
    pub id: String,
    /// Canonical digest.
    pub canonical: Sha256Digest,
    /// Parsed statement.
    pub statement: serde_json::Value,
}

fn bundle_facts(path: &Path) -> Result<BundleFacts, ArchiveError> {
    use crate::bundle::source::{BagSource, Limits};
    let source = BagSource::open(path, Limits::default())
        .map_err(|e| ArchiveError::Unreadable(e.to_string()))?;
    let bytes = source
        .read_small(
            crate::bundle::layout::STATEMENT_PATH,
            crate::document::DEFAULT_MAX_SIZE,
        )
        .map_err(|e| ArchiveError::Unreadable(format!("{}: {e}", path.display())))?;
    let statement = crate::document::parse_strict(&bytes)
        .map_err(|e| ArchiveError::Unreadable(e.to_string()))?;
    let canonical = crate::canonical::canonical_digest(&bytes)
        .map_err(|e| ArchiveError::Unreadable(e.to_string()))?;
    Ok(BundleFacts {
        id: statement["id"]
            .as_str()
            .unwrap_or(&source.name())
            .to_string(),
        canonical,
        statement,
    })
}

fn bundle_signers(path: &Path) -> Vec<(String, String, String)> {
    use crate::bundle::source::{BagSource, Limits};
    let Ok(source) = BagSource::open(path, Limits::default()) else {
        return Vec::new();
    };
    source
        .entries()
        .iter()
        .filter(|e| {
            e.path.starts_with(crate::bundle::layout::SIGNATURES_DIR) && e.path.ends_with(".json")
        })
        .filter_map(|e| source.read_small(&e.path, 1 << 20).ok())
        .filter_map(|b| crate::bundle::layout::SignedStatement::parse(&b).ok())
        .map(|s| (s.party, s.signer, s.signed_at))
        .collect()
}

fn record(entry: &Entry, facts: &BundleFacts, report: &VerifyReport) -> catalog::Record {
    let s = &facts.statement;
    let date = if s.get("date").is_some() {
        &s["date"]
    } else {
        &s["occasion"]
    };
    let text: Vec<&str> = s["body"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|b| b["text"].as_str())
        .collect();
    catalog::Record {
        bundle: entry.bundle.to_string(),
        log_index: entry.index,
        statement_id: entry.statement_id.clone(),
        kind: s["type"].as_str().map(str::to_owned),
        title: s["title"].as_str().map(str::to_owned),
        date_start: date["start"].as_str().map(str::to_owned),
        date_end: date["end"]
            .as_str()
            .or(date["start"].as_str())
            .map(str::to_owned),
        ingested_at: entry.ingested_at.clone(),
        supersedes: entry.supersedes.map(|d| d.to_string()),
        parties: s["parties"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p["id"].as_str().map(str::to_owned))
            .collect(),
        signers: report
            .signers
            .iter()
            .map(|x| (x.party.clone(), x.signer.clone(), x.signed_at.clone()))
            .collect(),
        text: text.join("\n"),
    }
}
