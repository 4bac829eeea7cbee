//! Proofs as files: an inclusion proof of one entry against a signed
//! checkpoint, checkable with the archive's public key alone, and a
//! consistency proof between two checkpoints (docs/FORMAT.md §7.7).

use std::path::{Path, PathBuf};

use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};

use super::entry::{Entry, EntryError};
use super::note::{self, Checkpoint, NoteError};
use super::{Archive, ArchiveError, merkle};
use crate::digest::Sha256Digest;

/// The proof file version this docseal writes for a checkpoint without
/// time-stamp tokens (the same bytes as before tokens existed).
pub const PROOF_VERSION: u32 = 2;

/// The proof file version with `timestamps`.
pub const PROOF_VERSION_STAMPED: u32 = 3;

/// A self-contained inclusion proof.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InclusionProof {
    /// Layout version: 2, or 3 with `timestamps` (1 is still read).
    pub version: u32,
    /// The log entry, as JSON (its canonical bytes are the leaf).
    pub entry: serde_json::Value,
    /// Its index.
    pub index: u64,
    /// Size of the tree the proof is against.
    pub tree_size: u64,
    /// RFC 9162 inclusion path, hex.
    pub proof: Vec<String>,
    /// The signed checkpoint (C2SP signed note).
    pub checkpoint: String,
    /// Version 3: the time-stamp tokens kept beside that checkpoint
    /// (base64 of each DER `TimeStampResp`, in the order kept).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timestamps: Vec<String>,
}

/// What one time-stamp token of a proof says.
#[derive(Debug, Clone)]
pub enum ProofToken {
    /// Valid, and its TSA chains to an anchor given: the checkpoint (so the
    /// entry) existed by `latest`.
    Proven(crate::timestamp::VerifiedToken),
    /// Valid against its own certificate, but no anchor given vouches for
    /// its TSA: it proves nothing yet.
    Untrusted(crate::timestamp::VerifiedToken),
    /// It fails a rule.
    Invalid(crate::timestamp::TokenError),
}

/// Why a proof does not hold.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProofError {
    /// Not JSON of a proof.
    #[error("not a docseal inclusion proof: {0}")]
    Shape(String),
    /// A version this docseal does not know.
    #[error(
        "proof version {0} is not known (this docseal reads versions 1 to {PROOF_VERSION_STAMPED})"
    )]
    Version(u64),
    /// The checkpoint is not signed by the key given.
    #[error("the checkpoint: {0}")]
    Checkpoint(#[from] NoteError),
    /// The entry is not a log entry.
    #[error("the entry: {0}")]
    Entry(#[from] EntryError),
    /// The fields disagree with each other.
    #[error("{0}")]
    Inconsistent(String),
    /// The path does not lead to the root.
    #[error("the inclusion proof does not lead to the checkpoint's root")]
    Path,
    /// The bundle given is not the one logged.
    #[error("{path} is {found}, the log entry is for {logged}")]
    OtherBundle {
        /// The file.
        path: PathBuf,
        /// Its digest.
        found: Sha256Digest,
        /// The entry's.
        logged: String,
    },
    /// The bundle given could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// What a proof that holds shows.
#[derive(Debug, Clone)]
pub struct Proven {
    /// The entry.
    pub entry: Entry,
    /// The checkpoint it is in.
    pub checkpoint: Checkpoint,
}

impl InclusionProof {
    /// Reads a proof file's bytes: strict JSON, a known version.
    pub fn parse(bytes: &[u8]) -> Result<Self, ProofError> {
        let value =
            crate::document::parse_strict(bytes).map_err(|e| ProofError::Shape(e.to_string()))?;
        let stamped = value.get("timestamps").is_some();
        match value.get("version").and_then(serde_json::Value::as_u64) {
            Some(1 | 2) if stamped => {
                return Err(ProofError::Shape(
                    "\"timestamps\" in a proof of version 1 or 2".into(),
                ));
            }
            Some(3) if !stamped => {
                return Err(ProofError::Shape(
                    "a proof of version 3 without \"timestamps\"".into(),
                ));
            }
            Some(1..=3) => {}
            Some(other) => return Err(ProofError::Version(other)),
            None => return Err(ProofError::Shape("no \"version\" number".into())),
        }
        let proof: Self =
            serde_json::from_value(value).map_err(|e| ProofError::Shape(e.to_string()))?;
        if proof.version == PROOF_VERSION_STAMPED && proof.timestamps.is_empty() {
            return Err(ProofError::Shape(
                "a proof of version 3 with no time-stamp token".into(),
            ));
        }
        Ok(proof)
    }

    /// Checks each time-stamp token over the proof's checkpoint (its exact
    /// bytes) under `anchors`. Call after [`check`](Self::check).
    pub fn check_timestamps(&self, anchors: &[crate::timestamp::TsaAnchor]) -> Vec<ProofToken> {
        use base64::Engine as _;
        self.timestamps
            .iter()
            .map(|b64| {
                let Ok(der) = base64::engine::general_purpose::STANDARD.decode(b64) else {
                    return ProofToken::Invalid(crate::timestamp::TokenError {
                        check: crate::timestamp::TokenCheck::Parse,
                        message: "not base64".into(),
                    });
                };
                match crate::bundle::stamp::check_reply(
                    &der,
                    self.checkpoint.as_bytes(),
                    anchors,
                    None,
                ) {
                    Ok(c) if c.trusted => ProofToken::Proven(c.token),
                    Ok(c) => ProofToken::Untrusted(c.token),
                    Err(e) => ProofToken::Invalid(e),
                }
            })
            .collect()
    }

    /// Checks the proof with the archive's public key, and optionally that a
    /// bundle file is the one logged.
    pub fn check(&self, key: &VerifyingKey, bundle: Option<&Path>) -> Result<Proven, ProofError> {
        if !matches!(self.version, 1..=3) {
            return Err(ProofError::Version(u64::from(self.version)));
        }
        let cp = note::verify_checkpoint(&self.checkpoint, key)?;
        if cp.size != self.tree_size {
            return Err(ProofError::Inconsistent(format!(
                "the proof is for a tree of {} entries, the checkpoint has {}",
                self.tree_size, cp.size
            )));
        }
        let bytes = serde_json_canonicalizer::to_vec(&self.entry)
            .map_err(|e| ProofError::Shape(e.to_string()))?;
        let entry = Entry::parse(&bytes)?;
        if entry.index() != self.index {
            return Err(ProofError::Inconsistent(
                "the entry's index differs from the proof's".into(),
            ));
        }
        let path = self
            .proof
            .iter()
            .map(|h| {
                Sha256Digest::from_hex(h)
                    .map(|d| d.0)
                    .ok_or_else(|| ProofError::Shape(format!("bad hash {h:?}")))
            })
            .collect::<Result<Vec<merkle::Hash>, _>>()?;
        let leaf = merkle::leaf_hash(&bytes);
        if !merkle::verify_inclusion(self.index, cp.size, &leaf, &path, &cp.root) {
            return Err(ProofError::Path);
        }
        if let Some(bundle) = bundle {
            let io = |source| ProofError::Io {
                path: bundle.to_path_buf(),
                source,
            };
            let found = std::fs::File::open(bundle)
                .and_then(Sha256Digest::of_reader)
                .map_err(io)?;
            if entry.bundle() != Some(found) {
                return Err(ProofError::OtherBundle {
                    path: bundle.to_path_buf(),
                    found,
                    logged: entry
                        .bundle()
                        .map_or_else(|| "a trust change".into(), |b| b.to_string()),
                });
            }
        }
        Ok(Proven {
            entry,
            checkpoint: cp,
        })
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

impl Archive {
    /// An inclusion proof of an entry (a statement id's latest version, a
    /// bundle digest) against the latest checkpoint. Reads O(log N) tiles.
    pub fn proof(&self, id_or_digest: &str) -> Result<InclusionProof, ArchiveError> {
        let entry = self.resolve(id_or_digest)?;
        self.proof_of(entry.index())
    }

    /// An inclusion proof of entry `index` against the latest checkpoint.
    pub fn proof_of(&self, index: u64) -> Result<InclusionProof, ArchiveError> {
        let (cp, note) = self.latest_checkpoint()?;
        let log = self.log();
        let entry = log.entry(index, cp.size)?;
        let proof = log.inclusion_proof(index, cp.size)?;
        let timestamps: Vec<String> = self
            .checkpoint_tokens(cp.size)?
            .iter()
            .map(|(_, der)| {
                use base64::Engine as _;
                base64::engine::general_purpose::STANDARD.encode(der)
            })
            .collect();
        Ok(InclusionProof {
            version: if timestamps.is_empty() {
                PROOF_VERSION
            } else {
                PROOF_VERSION_STAMPED
            },
            timestamps,
            entry: serde_json::from_slice(&entry.bytes()).unwrap_or_default(),
            index,
            tree_size: cp.size,
            proof: proof.iter().map(|h| crate::digest::hex(h)).collect(),
            checkpoint: note,
        })
    }

    /// A consistency proof from an older checkpoint (the text of the file
    /// at `path`) to the latest one. A file that is not a checkpoint of this
    /// archive is the file's fault, and said so.
    pub fn consistency(
        &self,
        path: &Path,
        old_note: &[u8],
    ) -> Result<ConsistencyProof, ArchiveError> {
        let key = self.public_key()?;
        let bad = |reason: String| ArchiveError::BadCheckpointFile {
            path: path.to_path_buf(),
            reason,
        };
        let old_note = std::str::from_utf8(old_note).map_err(|_| bad("not UTF-8 text".into()))?;
        let old = note::verify_checkpoint(old_note, &key).map_err(|e| bad(e.to_string()))?;
        if old.origin != self.info.origin {
            return Err(bad(format!(
                "its origin is {:?}, this archive's {:?}",
                old.origin, self.info.origin
            )));
        }
        let (new, note) = self.latest_checkpoint()?;
        if old.size > new.size {
            // Signed by this archive's key for a larger tree than it now has:
            // the log lost entries.
            return Ok(ConsistencyProof {
                old_size: old.size,
                new_size: new.size,
                proof: Vec::new(),
                checkpoint: note,
                consistent: false,
            });
        }
        let proof = self.log().consistency_proof(old.size, new.size)?;
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn proof(version: u32, timestamps: Option<&[&str]>) -> Vec<u8> {
        let mut value = serde_json::json!({
            "version": version, "entry": {}, "index": 0, "tree_size": 1,
            "proof": [], "checkpoint": "x"
        });
        if let Some(t) = timestamps {
            value["timestamps"] = serde_json::json!(t);
        }
        serde_json::to_vec(&value).unwrap()
    }

    #[test]
    fn timestamps_only_in_version_3_and_never_empty_there() {
        assert!(InclusionProof::parse(&proof(2, None)).is_ok());
        assert!(InclusionProof::parse(&proof(3, Some(&["AAAA"]))).is_ok());
        for (version, timestamps) in [
            (2, Some(&["AAAA"][..])),
            (1, Some(&["AAAA"][..])),
            (3, None),
            (3, Some(&[][..])),
        ] {
            assert!(
                matches!(
                    InclusionProof::parse(&proof(version, timestamps)),
                    Err(ProofError::Shape(_))
                ),
                "version {version}, {timestamps:?}"
            );
        }
        assert!(matches!(
            InclusionProof::parse(&proof(4, None)),
            Err(ProofError::Version(4))
        ));
    }

    #[test]
    fn a_proof_without_tokens_keeps_the_bytes_of_version_2() {
        let p = InclusionProof::parse(&proof(2, None)).unwrap();
        let text = serde_json::to_string(&p).unwrap();
        assert!(!text.contains("timestamps"), "{text}");
    }
}
