//! The archive log's formats, pure: entries (RFC 8785 JSON, one per line)
//! and checkpoints (C2SP `tlog-checkpoint`, signed as a C2SP `signed-note`
//! with Ed25519), so that standard transparency-log tools can read them.

use base64::Engine as _;
use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use super::merkle::Hash;
use crate::digest::Sha256Digest;
use crate::keys::{self, KeyId};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// One signer of a logged bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignerRef {
    /// Key id.
    pub key: KeyId,
    /// Party signed for.
    pub party: String,
}

/// One log entry: a bundle ingested into the archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Position in the log, from 0.
    pub index: u64,
    /// SHA-256 of the bundle file.
    pub bundle: Sha256Digest,
    /// The statement id.
    pub statement_id: String,
    /// Canonical digest of the statement.
    pub statement: Sha256Digest,
    /// Every valid signature's key and party.
    pub signers: Vec<SignerRef>,
    /// RFC 3339 UTC.
    pub ingested_at: String,
    /// The bundle of the previous version of the same statement, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supersedes: Option<Sha256Digest>,
}

impl Entry {
    /// The entry's bytes in the log (and in the Merkle leaf): RFC 8785 JSON.
    pub fn bytes(&self) -> Vec<u8> {
        serde_json_canonicalizer::to_vec(self).unwrap_or_default()
    }

    /// Parses one log line (without its newline); it must be canonical.
    pub fn parse(line: &[u8]) -> Result<Self, String> {
        let value = crate::document::parse_strict(line).map_err(|e| e.to_string())?;
        let entry: Self = serde_json::from_value(value).map_err(|e| e.to_string())?;
        if entry.bytes() != line {
            return Err("not in canonical (RFC 8785) form".into());
        }
        Ok(entry)
    }
}

/// A tree head: origin, size, root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// Unique name of the log (also the signing key's name).
    pub origin: String,
    /// Number of entries.
    pub size: u64,
    /// Merkle root of the first `size` entries.
    pub root: Hash,
}

impl Checkpoint {
    /// The checkpoint text: `origin\nsize\nbase64(root)\n`.
    pub fn body(&self) -> String {
        format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            B64.encode(self.root)
        )
    }

    /// Parses a checkpoint body (extension lines after the root are allowed and ignored).
    pub fn parse_body(text: &str) -> Result<Self, String> {
        let mut lines = text.split('\n');
        let origin = lines
            .next()
            .filter(|o| !o.is_empty())
            .ok_or("no origin line")?;
        let size = lines
            .next()
            .and_then(|s| {
                (s == "0" || !s.starts_with('0'))
                    .then(|| s.parse::<u64>().ok())
                    .flatten()
            })
            .ok_or("bad tree size line")?;
        let root_b64 = lines.next().ok_or("no root hash line")?;
        let root: Hash = B64
            .decode(root_b64)
            .ok()
            .and_then(|r| r.try_into().ok())
            .ok_or("bad root hash")?;
        Ok(Self {
            origin: origin.to_string(),
            size,
            root,
        })
    }
}

/// The signed-note key id: the first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key).
pub fn note_key_id(name: &str, key: &VerifyingKey) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([0x0A, 0x01]);
    h.update(key.as_bytes());
    let digest = h.finalize();
    [digest[0], digest[1], digest[2], digest[3]]
}

/// The verifier key in the `note` text form: `name+hex(key id)+base64(0x01 ‖ key)`.
pub fn verifier_key(name: &str, key: &VerifyingKey) -> String {
    let mut raw = vec![0x01];
    raw.extend_from_slice(key.as_bytes());
    format!(
        "{name}+{}+{}",
        crate::digest::hex(&note_key_id(name, key)),
        B64.encode(raw)
    )
}

/// Signs a checkpoint as a signed note.
pub fn sign_checkpoint(checkpoint: &Checkpoint, key: &SigningKey) -> String {
    let body = checkpoint.body();
    let signature = keys::sign(key, body.as_bytes());
    let mut blob = note_key_id(&checkpoint.origin, &key.verifying_key()).to_vec();
    blob.extend_from_slice(&signature);
    format!("{body}\n— {} {}\n", checkpoint.origin, B64.encode(blob))
}

/// Verifies a signed checkpoint with the archive's public key.
pub fn verify_checkpoint(note: &str, key: &VerifyingKey) -> Result<Checkpoint, String> {
    let (body, signatures) = note
        .split_once("\n\n")
        .map(|(b, s)| (format!("{b}\n"), s))
        .ok_or("not a signed note: no blank line before the signatures")?;
    if note.bytes().any(|b| b < 0x20 && b != b'\n') {
        return Err("control characters in the note".into());
    }
    let checkpoint = Checkpoint::parse_body(&body)?;
    let expected_id = note_key_id(&checkpoint.origin, key);
    for line in signatures.lines() {
        let Some(rest) = line.strip_prefix("— ") else {
            return Err(format!("bad signature line {line:?}"));
        };
        let Some((name, sig)) = rest.split_once(' ') else {
            continue;
        };
        let Ok(blob) = B64.decode(sig) else { continue };
        if name != checkpoint.origin || blob.len() != 68 || blob[..4] != expected_id {
            continue; // another key's signature: ignored, as the spec says
        }
        return if keys::verify(key, body.as_bytes(), &blob[4..]) {
            Ok(checkpoint)
        } else {
            Err("the archive key's signature on the checkpoint does not verify".into())
        };
    }
    Err("the checkpoint carries no signature by the archive key".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkpoint_note_round_trip_and_tamper() {
        let key = keys::generate();
        let cp = Checkpoint {
            origin: "docseal.archive/test".into(),
            size: 7,
            root: [9u8; 32],
        };
        let note = sign_checkpoint(&cp, &key);
        assert!(note.starts_with("docseal.archive/test\n7\nCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQk=\n\n— docseal.archive/test "));
        assert_eq!(verify_checkpoint(&note, &key.verifying_key()).unwrap(), cp);
        let forged = note.replace("\n7\n", "\n8\n");
        assert!(verify_checkpoint(&forged, &key.verifying_key()).is_err());
        assert!(verify_checkpoint(&note, &keys::generate().verifying_key()).is_err());
        let vkey = verifier_key("docseal.archive/test", &key.verifying_key());
        assert!(vkey.starts_with("docseal.archive/test+"));
    }

    #[test]
    fn entries_must_be_canonical() {
        let entry = Entry {
            index: 0,
            bundle: Sha256Digest::of_bytes(b"b"),
            statement_id: "kz-rs-2026-02-27".into(),
            statement: Sha256Digest::of_bytes(b"s"),
            signers: vec![],
            ingested_at: "2026-02-27T10:00:00Z".into(),
            supersedes: None,
        };
        let bytes = entry.bytes();
        assert_eq!(Entry::parse(&bytes).unwrap(), entry);
        let pretty = serde_json::to_vec_pretty(&entry).unwrap();
        assert!(Entry::parse(&pretty).is_err());
    }
}
