//! What a set of trust entries says about a key at the time of a signature:
//! trusted, a demo key, unknown, not yet valid, expired or revoked.
//!
//! Time is the crux. A signature's *claimed* time is what its signer wrote;
//! its *proven* time (from a time-stamp token or an archive checkpoint) is
//! evidence from a third party. Validity windows are judged at the proven
//! time when there is one, else at the claimed time. A revoked key is
//! judged harder: a signature counts only if a proven time puts it before
//! the revocation — a claimed time proves nothing, since whoever holds a
//! stolen key can write any time.

use super::trust_file::TrustEntry;
use crate::keys::KeyId;
use crate::utc::UtcTime;

/// The two times of a signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignatureTime {
    /// What the signer wrote (`signed_at`).
    pub claimed: UtcTime,
    /// The latest instant a valid, trusted time-stamp token (or archive
    /// checkpoint) allows, when there is one.
    pub proven: Option<UtcTime>,
}

impl SignatureTime {
    /// The time validity is judged at: proven if known, else claimed.
    pub fn judged(&self) -> UtcTime {
        self.proven.unwrap_or(self.claimed)
    }
}

/// Why a revoked key's signature does not count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revoked {
    /// Nothing proves the signature was made before the revocation.
    NoProvenTime,
    /// The proven time is at or after the revocation.
    ProvenAfter,
}

/// The keyring's judgement of a key for one signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyStatus {
    /// Known, valid at the judged time, not revoked before it.
    Trusted,
    /// A published demo key (valid or not, it proves nothing).
    Demo,
    /// Not in the trust entries.
    Unknown,
    /// The judged time is before the key's validity.
    NotYetValid,
    /// The judged time is after the key's validity.
    Expired,
    /// Revoked, and the signature is not proven older.
    Revoked(Revoked),
}

impl KeyStatus {
    /// Stable name: `trusted`, `demo`, `unknown`, `not-yet-valid`, `expired`, `revoked`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Trusted => "trusted",
            Self::Demo => "demo",
            Self::Unknown => "unknown",
            Self::NotYetValid => "not-yet-valid",
            Self::Expired => "expired",
            Self::Revoked(_) => "revoked",
        }
    }

    /// The key is known and its signature does not count: the record is not
    /// authentic (as opposed to merely not vouched for).
    pub fn is_failure(self) -> bool {
        matches!(self, Self::NotYetValid | Self::Expired | Self::Revoked(_))
    }
}

/// A judgement with the entry it rests on.
#[derive(Debug, Clone, Copy)]
pub struct Judgement<'a> {
    /// The keyring's entry for the key, when it has one.
    pub entry: Option<&'a TrustEntry>,
    /// The result.
    pub status: KeyStatus,
}

/// Judges `key` for a signature made at `time` against `entries`.
pub fn judge<'a>(entries: &'a [TrustEntry], key: &KeyId, time: SignatureTime) -> Judgement<'a> {
    let entry = entries.iter().find(|e| e.key == *key);
    let demo = crate::keys::is_demo_key(key) || entry.is_some_and(|e| e.demo);
    let Some(e) = entry else {
        let status = if demo {
            KeyStatus::Demo
        } else {
            KeyStatus::Unknown
        };
        return Judgement { entry, status };
    };
    let status = if let Some(revoked) = &e.revoked
        && time.proven.is_none_or(|proven| proven >= revoked.at)
    {
        KeyStatus::Revoked(if time.proven.is_some() {
            Revoked::ProvenAfter
        } else {
            Revoked::NoProvenTime
        })
    } else if time.judged() < e.valid_from {
        KeyStatus::NotYetValid
    } else if e.valid_until.is_some_and(|until| time.judged() > until) {
        KeyStatus::Expired
    } else if demo {
        KeyStatus::Demo
    } else {
        KeyStatus::Trusted
    };
    Judgement { entry, status }
}

#[cfg(test)]
mod tests {
    use super::super::trust_file::Revocation;
    use super::*;
    use crate::party::Role;

    fn t(text: &str) -> UtcTime {
        UtcTime::parse_input(text).unwrap()
    }

    fn entry() -> TrustEntry {
        TrustEntry {
            key: KeyId::of(&crate::keys::generate().verifying_key()),
            file: "k.pub.pem".into(),
            party: "KZ".parse().unwrap(),
            signer: "Presidential Administration".into(),
            role: Role::Signatory,
            valid_from: t("2026-01-01"),
            valid_until: Some(t("2026-12-31")),
            revoked: None,
            demo: false,
            history: Vec::new(),
        }
    }

    fn claimed(text: &str) -> SignatureTime {
        SignatureTime {
            claimed: t(text),
            proven: None,
        }
    }

    #[test]
    fn each_case() {
        let e = entry();
        let id = e.key;
        let entries = vec![e.clone()];
        let code = |time| judge(&entries, &id, time).status.code();
        assert_eq!(code(claimed("2026-02-27")), "trusted");
        assert_eq!(code(claimed("2025-12-31")), "not-yet-valid");
        assert_eq!(code(claimed("2027-01-01")), "expired");
        // The proven time decides when there is one.
        let late_claim = SignatureTime {
            claimed: t("2027-06-01"),
            proven: Some(t("2026-06-01")),
        };
        assert_eq!(code(late_claim), "trusted");
        let other = KeyId::of(&crate::keys::generate().verifying_key());
        assert_eq!(
            judge(&entries, &other, claimed("2026-02-27")).status.code(),
            "unknown"
        );
    }

    #[test]
    fn a_revoked_key_counts_only_with_a_proven_time_before_the_revocation() {
        let mut e = entry();
        e.revoked = Some(Revocation {
            at: t("2026-06-01"),
            reason: "stolen".into(),
        });
        let id = e.key;
        let entries = vec![e];
        let status = |time| judge(&entries, &id, time).status;
        // The thief backdates the claim: nothing proves it.
        assert_eq!(
            status(claimed("2026-05-01")),
            KeyStatus::Revoked(Revoked::NoProvenTime)
        );
        let before = SignatureTime {
            claimed: t("2026-05-01"),
            proven: Some(t("2026-05-01T00:00:10Z")),
        };
        assert_eq!(status(before), KeyStatus::Trusted);
        let after = SignatureTime {
            claimed: t("2026-05-01"),
            proven: Some(t("2026-06-01")),
        };
        assert_eq!(status(after), KeyStatus::Revoked(Revoked::ProvenAfter));
    }

    #[test]
    fn demo_keys_are_never_trusted() {
        let mut e = entry();
        e.demo = true;
        let id = e.key;
        let entries = vec![e];
        assert_eq!(
            judge(&entries, &id, claimed("2026-02-27")).status,
            KeyStatus::Demo
        );
    }
}
