//! Which archived bundle of a statement id is its latest version, pure
//! (docs/FORMAT.md §7.6). Versions follow the statements, not the order of
//! adds: each distinct statement (canonical digest) under an id is an
//! *edition*, the first one logged is edition 0 and a later one enters only
//! when the ingest says it supersedes the id (`--supersede ID`); within an
//! edition, bundles (the same statement with other signatures) rank by their
//! latest signature time, then by how many signatures they hold, then by
//! log order. The latest version is the highest-ranked bundle of the last
//! edition.

use crate::digest::Sha256Digest;
use crate::utc::UtcTime;

/// One archived bundle of a statement id, as ranking needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// Bundle digest.
    pub bundle: Sha256Digest,
    /// Log index.
    pub index: u64,
    /// The statement's canonical digest.
    pub statement: Sha256Digest,
    /// Its edition (0 for the first statement logged under the id).
    pub edition: u32,
    /// Its latest signature time (absent in version-1 entries).
    pub signed: Option<UtcTime>,
    /// How many signatures it holds.
    pub signatures: usize,
}

impl Version {
    /// The order of versions: higher is later.
    pub fn rank(&self) -> (u32, Option<UtcTime>, usize, u64) {
        (self.edition, self.signed, self.signatures, self.index)
    }
}

/// Where a new bundle goes among the versions of its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    /// Its edition.
    pub edition: u32,
    /// Whether it becomes the latest version.
    pub latest: bool,
    /// The previous latest version, when it replaces one.
    pub supersedes: Option<Sha256Digest>,
}

/// A new statement under an id that holds another, without leave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeedsSupersede {
    /// The statement of the id's latest version.
    pub archived: Sha256Digest,
}

/// The latest of `versions`.
pub fn latest(versions: &[Version]) -> Option<&Version> {
    versions.iter().max_by_key(|v| v.rank())
}

/// Places a bundle of `statement` with `signed` and `signatures` at log
/// `index` among the existing `versions` of its id. A statement the id has
/// not held needs `may_supersede` (then it is a new edition, the latest).
pub fn place(
    versions: &[Version],
    statement: Sha256Digest,
    signed: Option<UtcTime>,
    signatures: usize,
    index: u64,
    may_supersede: bool,
) -> Result<Placement, NeedsSupersede> {
    let Some(current) = latest(versions) else {
        return Ok(Placement {
            edition: 0,
            latest: true,
            supersedes: None,
        });
    };
    let edition = match versions.iter().find(|v| v.statement == statement) {
        Some(same) => same.edition,
        None if may_supersede => versions.iter().map(|v| v.edition).max().unwrap_or(0) + 1,
        None => {
            return Err(NeedsSupersede {
                archived: current.statement,
            });
        }
    };
    let candidate = Version {
        bundle: Sha256Digest([0; 32]),
        index,
        statement,
        edition,
        signed,
        signatures,
    };
    let newer = candidate.rank() > current.rank();
    Ok(Placement {
        edition,
        latest: newer,
        supersedes: newer.then_some(current.bundle),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn t(s: &str) -> Option<UtcTime> {
        Some(UtcTime::parse_strict(s).unwrap())
    }

    fn v(b: &[u8], index: u64, statement: &[u8], edition: u32, signed: &str, n: usize) -> Version {
        Version {
            bundle: Sha256Digest::of_bytes(b),
            index,
            statement: Sha256Digest::of_bytes(statement),
            edition,
            signed: t(signed),
            signatures: n,
        }
    }

    #[test]
    fn an_older_seal_added_later_does_not_become_the_latest() {
        let cosigned = v(b"kz+rs", 0, b"s", 0, "2026-02-27T12:00:00Z", 2);
        let versions = vec![cosigned.clone()];
        let s = Sha256Digest::of_bytes(b"s");
        // KZ alone, earlier: kept, not latest.
        let p = place(&versions, s, t("2026-02-27T10:00:00Z"), 1, 1, false).unwrap();
        assert_eq!(
            p,
            Placement {
                edition: 0,
                latest: false,
                supersedes: None
            }
        );
        // The same time but fewer signatures: still not.
        let p = place(&versions, s, t("2026-02-27T12:00:00Z"), 1, 1, false).unwrap();
        assert!(!p.latest);
        // A later co-signature: the latest, superseding.
        let p = place(&versions, s, t("2026-03-01T00:00:00Z"), 3, 1, false).unwrap();
        assert_eq!(p.supersedes, Some(cosigned.bundle));
    }

    #[test]
    fn another_statement_under_the_same_id_needs_leave_and_then_wins() {
        let versions = vec![v(b"a", 0, b"s1", 0, "2026-02-27T12:00:00Z", 2)];
        let other = Sha256Digest::of_bytes(b"s2");
        assert_eq!(
            place(&versions, other, t("2020-01-01T00:00:00Z"), 1, 1, false),
            Err(NeedsSupersede {
                archived: Sha256Digest::of_bytes(b"s1")
            })
        );
        let p = place(&versions, other, t("2020-01-01T00:00:00Z"), 1, 1, true).unwrap();
        assert_eq!(p.edition, 1);
        assert!(p.latest);
        // The old statement's bundles, added after, go to their own edition.
        let mut versions = versions;
        versions.push(v(b"b", 1, b"s2", 1, "2020-01-01T00:00:00Z", 1));
        let p = place(
            &versions,
            Sha256Digest::of_bytes(b"s1"),
            t("2030-01-01T00:00:00Z"),
            5,
            2,
            false,
        )
        .unwrap();
        assert_eq!((p.edition, p.latest), (0, false));
    }
}
