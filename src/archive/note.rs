//! Checkpoints, pure: C2SP `tlog-checkpoint` bodies with the archive's time
//! extension line, signed as C2SP `signed-note`s with Ed25519, so that
//! standard transparency-log tools read them (docs/FORMAT.md §7.4).

use base64::Engine as _;
use ed25519_dalek::{SigningKey, VerifyingKey};
use sha2::{Digest as _, Sha256};

use super::merkle::Hash;
use crate::keys;
use crate::utc::UtcTime;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// Why a note is not a checkpoint signed by the archive key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NoteError {
    /// Not a checkpoint note.
    #[error("{0}")]
    Malformed(String),
    /// Signed with the archive key's id, but the signature is wrong.
    #[error("the archive key's signature on the checkpoint does not verify")]
    Signature,
    /// No signature by the archive key.
    #[error("the checkpoint carries no signature by the archive key")]
    Unsigned,
}

impl From<&str> for NoteError {
    fn from(message: &str) -> Self {
        Self::Malformed(message.to_string())
    }
}

/// The extension line's prefix: `time <RFC 3339 UTC>`.
const TIME_PREFIX: &str = "time ";

/// A tree head: origin, size, root, and when the archive signed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// Unique name of the log (also the signing key's name).
    pub origin: String,
    /// Number of entries.
    pub size: u64,
    /// Merkle root of the first `size` entries.
    pub root: Hash,
    /// When it was signed (absent in checkpoints of version-1 archives).
    pub time: Option<UtcTime>,
}

impl Checkpoint {
    /// The checkpoint text: `origin\nsize\nbase64(root)\n[time T\n]`.
    pub fn body(&self) -> String {
        let mut body = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            B64.encode(self.root)
        );
        if let Some(time) = self.time {
            body.push_str(&format!("{TIME_PREFIX}{time}\n"));
        }
        body
    }

    /// The tree it names.
    pub fn tree(&self) -> crate::tlog::Tree {
        crate::tlog::Tree {
            size: self.size,
            root: self.root,
        }
    }

    /// Parses a checkpoint body. Extension lines after the root are allowed;
    /// one `time` line is read, others are ignored (C2SP).
    pub fn parse_body(text: &str) -> Result<Self, NoteError> {
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
        let mut time = None;
        for line in lines.filter(|l| !l.is_empty()) {
            if let Some(t) = line.strip_prefix(TIME_PREFIX) {
                if time.is_some() {
                    return Err(NoteError::Malformed("two time lines".into()));
                }
                time = Some(
                    UtcTime::parse_strict(t)
                        .map_err(|e| NoteError::Malformed(format!("time line: {e}")))?,
                );
            }
        }
        Ok(Self {
            origin: origin.to_string(),
            size,
            root,
            time,
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
pub fn verify_checkpoint(note: &str, key: &VerifyingKey) -> Result<Checkpoint, NoteError> {
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
            return Err(NoteError::Malformed(format!("bad signature line {line:?}")));
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
            Err(NoteError::Signature)
        };
    }
    Err(NoteError::Unsigned)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn checkpoint_note_round_trip_and_tamper() {
        let key = keys::generate();
        let cp = Checkpoint {
            origin: "docseal.archive/test".into(),
            size: 7,
            root: [9u8; 32],
            time: Some(UtcTime::parse_strict("2026-12-01T09:00:00Z").unwrap()),
        };
        let note = sign_checkpoint(&cp, &key);
        assert!(note.starts_with(
            "docseal.archive/test\n7\nCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQk=\ntime 2026-12-01T09:00:00Z\n\n— docseal.archive/test "
        ));
        assert_eq!(verify_checkpoint(&note, &key.verifying_key()).unwrap(), cp);
        let forged = note.replace("\n7\n", "\n8\n");
        assert!(verify_checkpoint(&forged, &key.verifying_key()).is_err());
        let backdated = note.replace("2026-12-01", "2026-01-01");
        assert!(verify_checkpoint(&backdated, &key.verifying_key()).is_err());
        assert!(verify_checkpoint(&note, &keys::generate().verifying_key()).is_err());
        let vkey = verifier_key("docseal.archive/test", &key.verifying_key());
        assert!(vkey.starts_with("docseal.archive/test+"));
        // Without a time (version-1 archives), and with a foreign extension line.
        let bare = Checkpoint {
            time: None,
            ..cp.clone()
        };
        assert_eq!(Checkpoint::parse_body(&bare.body()).unwrap(), bare);
        let ext = format!("{}other extension\n", cp.body());
        assert_eq!(Checkpoint::parse_body(&ext).unwrap(), cp);
        let twice = format!("{}time 2026-12-02T09:00:00Z\n", cp.body());
        assert!(Checkpoint::parse_body(&twice).is_err());
    }
}
