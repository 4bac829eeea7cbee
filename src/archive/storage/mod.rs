//! Where the archive's bytes live: the [`Storage`] trait, over which every
//! other part of the archive reads and writes, and the names of what it
//! holds ([`Item`]). The local folder ([`FolderStorage`]) is the first
//! backend; an object store or a database implements the same trait.
//!
//! Two kinds of item: **immutable** ones (bundles, trust snapshots, tiles,
//! entry bundles, every checkpoint in the history) are written once with
//! [`Storage::create`], which succeeds when the same bytes are already
//! there and refuses different ones (S3's `PutMode::Create`); **mutable**
//! ones (the published checkpoint, the ingest journal) are replaced
//! atomically. Writes become durable at [`Storage::sync`], which a writer
//! calls before anything names what it wrote.

mod folder;
pub mod lease;
pub mod s3;

use std::fmt;
use std::path::{Path, PathBuf};

pub use folder::FolderStorage;
pub use s3::{S3Location, S3Storage};

use crate::digest::Sha256Digest;
use crate::tlog::Resource;

/// Something the archive stores, by what it is rather than where.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Item {
    /// `archive.json`: the layout version and origin.
    Info,
    /// The archive's signing key (PKCS#8 PEM).
    PrivateKey,
    /// Its public key (SPKI PEM).
    PublicKey,
    /// Its public key as a signed-note verifier key.
    VerifierKey,
    /// A bundle, named by its SHA-256.
    Bundle(Sha256Digest),
    /// A trust snapshot, named by its SHA-256.
    Trust(Sha256Digest),
    /// A TSA certificate a trust snapshot names (DER), by its SHA-256.
    Certificate(Sha256Digest),
    /// A hash tile or an entry bundle of the log.
    Tile(Resource),
    /// The checkpoint of the tree of this size, as signed (kept for ever).
    History(u64),
    /// The `n`-th time-stamp token (1, 2, …) over the kept checkpoint of
    /// this size (docs/FORMAT.md §7.12).
    HistoryToken(u64, usize),
    /// The latest checkpoint, as published.
    Checkpoint,
    /// The journal of an ingest in progress (entries not yet checkpointed).
    Pending,
}

/// The kinds of immutable item an audit lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// Every bundle.
    Bundles,
    /// Every trust snapshot and TSA certificate.
    Trust,
    /// Every tile and entry bundle.
    Tiles,
    /// Every checkpoint of the history and its time-stamp tokens.
    History,
}

impl Item {
    /// Whether it is replaced in place (everything else is written once).
    pub fn is_mutable(&self) -> bool {
        matches!(self, Self::Checkpoint | Self::Pending)
    }

    /// The largest size read of it: anything longer is refused unread
    /// (bundles are streamed, never read whole).
    pub fn max_len(&self) -> u64 {
        match self {
            Self::Info | Self::PrivateKey | Self::PublicKey | Self::VerifierKey => 64 << 10,
            Self::Checkpoint | Self::History(_) => 64 << 10,
            Self::Certificate(_) => 64 << 10,
            Self::HistoryToken(..) => crate::timestamp::MAX_DER_BYTES as u64,
            // 256 entries of at most 65,535 bytes, each with its length.
            Self::Tile(_) => 256 * (65_535 + 2),
            Self::Trust(_) => 16 << 20,
            Self::Pending => 64 << 20,
            Self::Bundle(_) => u64::MAX,
        }
    }

    /// The item's path relative to the archive's root (docs/FORMAT.md §7).
    pub fn path(&self) -> String {
        match self {
            Self::Info => "archive.json".into(),
            Self::PrivateKey => "key/archive.key.pem".into(),
            Self::PublicKey => "key/archive.pub.pem".into(),
            Self::VerifierKey => "key/archive.vkey".into(),
            Self::Bundle(d) => {
                let hex = d.hex();
                format!("objects/sha256/{}/{}.zip", &hex[..2], &hex[2..])
            }
            Self::Trust(d) => {
                let hex = d.hex();
                format!("trust/sha256/{}/{}.json", &hex[..2], &hex[2..])
            }
            Self::Tile(r) => format!("log/{}", r.path()),
            Self::Certificate(d) => {
                let hex = d.hex();
                format!("trust/sha256/{}/{}.der", &hex[..2], &hex[2..])
            }
            Self::History(size) => format!("log/history/{}", grouped(*size)),
            Self::HistoryToken(size, n) => format!(
                "log/history/{}",
                crate::bundle::stamp::token_file(&grouped(*size), *n)
            ),
            Self::Checkpoint => "log/checkpoint".into(),
            Self::Pending => "log/pending".into(),
        }
    }

    /// Parses a path of `area`, only in the form [`path`](Self::path) writes.
    pub fn parse(area: Area, path: &str) -> Option<Self> {
        match area {
            Area::Bundles => digest_path(path, "objects/sha256/", ".zip").map(Self::Bundle),
            Area::Trust => digest_path(path, "trust/sha256/", ".json")
                .map(Self::Trust)
                .or_else(|| digest_path(path, "trust/sha256/", ".der").map(Self::Certificate)),
            Area::Tiles => Resource::parse(path.strip_prefix("log/")?)
                .ok()
                .map(Self::Tile),
            Area::History => {
                let name = path.strip_prefix("log/history/")?;
                if let Some(size) = parse_grouped(name) {
                    return Some(Self::History(size));
                }
                let (stem, n) = crate::bundle::stamp::parse_token_file(name)?;
                Some(Self::HistoryToken(parse_grouped(stem)?, n))
            }
        }
    }
}

impl fmt::Display for Item {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path())
    }
}

/// `ab/<62 hex>` + suffix under a prefix.
fn digest_path(path: &str, prefix: &str, suffix: &str) -> Option<Sha256Digest> {
    let rest = path.strip_prefix(prefix)?.strip_suffix(suffix)?;
    let (head, tail) = rest.split_once('/')?;
    if head.len() != 2 || tail.len() != 62 {
        return None;
    }
    let hex = format!("{head}{tail}");
    if hex.bytes().any(|b| b.is_ascii_uppercase()) {
        return None;
    }
    Sha256Digest::from_hex(&hex)
}

/// A number in the tile index form of C2SP tlog-tiles: 3-digit groups, all
/// but the last prefixed `x` (`1234067` → `x001/x234/067`), so that no
/// folder holds more than 1,000 names.
pub fn grouped(n: u64) -> String {
    let mut groups = vec![n % 1000];
    let mut rest = n / 1000;
    while rest > 0 {
        groups.push(rest % 1000);
        rest /= 1000;
    }
    let mut out = String::new();
    for (i, group) in groups.iter().enumerate().rev() {
        if i > 0 {
            out.push_str(&format!("x{group:03}/"));
        } else {
            out.push_str(&format!("{group:03}"));
        }
    }
    out
}

/// The inverse of [`grouped`], refusing every other spelling.
pub fn parse_grouped(text: &str) -> Option<u64> {
    let parts: Vec<&str> = text.split('/').collect();
    let mut n: u64 = 0;
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        let digits = if last { *part } else { part.strip_prefix('x')? };
        if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if i == 0 && !last && digits == "000" {
            return None;
        }
        n = n
            .checked_mul(1000)?
            .checked_add(digits.parse::<u64>().ok()?)?;
    }
    (grouped(n) == text).then_some(n)
}

/// What [`Storage::create`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Created {
    /// Written now.
    New,
    /// The same bytes were already there (a retry, or a crash's leftover).
    Identical,
}

/// What an audit finds in an [`Area`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listed {
    /// An item named as docseal names it.
    Item(Item),
    /// A temporary file of a writer (alive, or killed).
    Temporary(String),
    /// Anything else.
    Foreign(String),
}

/// A storage failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StorageError {
    /// Reading or writing failed.
    #[error("{location}: {source}")]
    Io {
        /// Where (a path, or a URL).
        location: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// An immutable item exists with other bytes than those being written.
    #[error("{location} already exists with different content; nothing was replaced")]
    Conflict {
        /// Where.
        location: String,
    },
    /// An item is longer than any docseal writes.
    #[error("{location} is larger than {limit} bytes")]
    TooLarge {
        /// Where.
        location: String,
        /// The limit.
        limit: u64,
    },
    /// A mutable operation on an immutable item (a bug, reported).
    #[error("{0} is written once and never replaced")]
    Immutable(String),
    /// The object store or database did not do what was asked (it is
    /// unreachable, refused the credentials, or answered an error).
    #[error("{location}: {source}")]
    Remote {
        /// The object's URL (or the database's).
        location: String,
        /// What the client said.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The writers' lock could not be taken or was lost.
    #[error("{location}: {reason}")]
    Lock {
        /// The lock (an object, or the sequencer's row).
        location: String,
        /// Why.
        reason: String,
    },
}

impl StorageError {
    /// The underlying I/O error, if any (to tell a full disk from damage).
    pub fn io(&self) -> Option<&std::io::Error> {
        match self {
            Self::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// A file a verifier can open: the stored one itself, or a local copy that
/// lives as long as this value (with its SHA-256, taken as it was copied,
/// so that a remote object is read once to be both hashed and verified).
#[derive(Debug)]
pub struct LocalFile {
    path: PathBuf,
    copy: Option<(crate::fsutil::TempFile, Sha256Digest)>,
}

impl LocalFile {
    /// The stored file itself.
    pub fn stored(path: PathBuf) -> Self {
        Self { path, copy: None }
    }

    /// A temporary copy, and the SHA-256 of the bytes written to it.
    pub fn copy(copy: crate::fsutil::TempFile, sha256: Sha256Digest) -> Self {
        Self {
            path: copy.path().to_path_buf(),
            copy: Some((copy, sha256)),
        }
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The SHA-256 of its content: a copy's as it was made, a stored
    /// file's read now.
    pub fn sha256(&self) -> std::io::Result<Sha256Digest> {
        match &self.copy {
            Some((_, digest)) => Ok(*digest),
            None => std::fs::File::open(&self.path).and_then(Sha256Digest::of_reader),
        }
    }
}

/// The writers' lock: held until dropped.
pub struct WriteLock(#[allow(dead_code)] Box<dyn Send>);

impl fmt::Debug for WriteLock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WriteLock")
    }
}

impl WriteLock {
    /// Wraps whatever keeps the lock held.
    pub fn new(guard: impl Send + 'static) -> Self {
        Self(Box::new(guard))
    }
}

/// Everything the archive writes goes through this; nothing else in the
/// archive knows where bytes live.
pub trait Storage: Send + Sync + fmt::Debug {
    /// Where it is, for messages (`archive/`, `s3://bucket/prefix`).
    fn location(&self) -> String;

    /// Where an item is, for messages.
    fn locate(&self, item: &Item) -> String;

    /// An item's bytes, or `None` if absent; refuses more than
    /// [`Item::max_len`].
    fn read(&self, item: &Item) -> Result<Option<Vec<u8>>, StorageError>;

    /// Writes an immutable item: [`Created::Identical`] if those bytes are
    /// already there, [`StorageError::Conflict`] if others are.
    fn create(&self, item: &Item, bytes: &[u8]) -> Result<Created, StorageError>;

    /// Writes a bundle from a file, streaming, checking that its SHA-256 is
    /// the one it is named by (and, if it exists, that the stored one is).
    fn create_bundle(&self, digest: &Sha256Digest, source: &Path) -> Result<Created, StorageError>;

    /// Replaces a mutable item atomically and durably: a reader sees the
    /// old bytes or the new, even after a crash.
    fn replace(&self, item: &Item, bytes: &[u8]) -> Result<(), StorageError>;

    /// Removes a mutable item (absent is fine).
    fn remove(&self, item: &Item) -> Result<(), StorageError>;

    /// Makes every item created so far durable.
    fn sync(&self) -> Result<(), StorageError>;

    /// A local file holding a stored bundle, for the verifier; `None` if absent.
    fn local(&self, digest: &Sha256Digest) -> Result<Option<LocalFile>, StorageError>;

    /// Everything stored in an area (for the audit), in no particular order.
    fn list(&self, area: Area) -> Result<Vec<Listed>, StorageError>;

    /// Takes the writers' lock, waiting for it.
    fn lock(&self) -> Result<WriteLock, StorageError>;
}

/// The log's tiles as the tiled-log module reads them.
pub struct Tiles<'s>(pub &'s dyn Storage);

impl crate::tlog::TileReader for Tiles<'_> {
    fn read(&self, resource: Resource) -> Result<Option<Vec<u8>>, crate::tlog::StoreError> {
        self.0.read(&Item::Tile(resource)).map_err(Into::into)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn paths_are_pinned_and_parsed_back() {
        let d = Sha256Digest::of_bytes(b"abc");
        assert_eq!(
            Item::Bundle(d).path(),
            "objects/sha256/ba/7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad.zip"
        );
        assert_eq!(
            Item::Trust(d).path(),
            "trust/sha256/ba/7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad.json"
        );
        assert_eq!(Item::History(0).path(), "log/history/000");
        assert_eq!(Item::History(1_234_067).path(), "log/history/x001/x234/067");
        assert_eq!(Item::History(1000).path(), "log/history/x001/000");
        for item in [Item::Bundle(d), Item::Trust(d), Item::History(1_234_067)] {
            let area = match item {
                Item::Bundle(_) => Area::Bundles,
                Item::Trust(_) => Area::Trust,
                _ => Area::History,
            };
            assert_eq!(Item::parse(area, &item.path()), Some(item));
        }
        let tile = Resource::parse("tile/0/000.p/5").unwrap();
        assert_eq!(Item::Tile(tile).path(), "log/tile/0/000.p/5");
        assert_eq!(
            Item::parse(Area::Tiles, "log/tile/0/000.p/5"),
            Some(Item::Tile(tile))
        );
        // Other spellings are foreign.
        for bad in [
            "log/history/0",
            "log/history/x000/001",
            "log/history/001/",
            "log/history/x1/000",
        ] {
            assert_eq!(Item::parse(Area::History, bad), None, "{bad}");
        }
        assert_eq!(
            Item::parse(
                Area::Bundles,
                "objects/sha256/BA/7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad.zip"
            ),
            None
        );
        assert_eq!(Item::parse(Area::Bundles, "objects/sha256/notes.txt"), None);
    }

    #[test]
    fn checkpoint_tokens_and_tsa_certificates_have_the_paths_of_format_md() {
        let d = Sha256Digest::of_bytes(b"certificate");
        let hex = d.hex();
        for (item, path, area) in [
            (
                Item::HistoryToken(2, 1),
                "log/history/002.tsr".to_string(),
                Area::History,
            ),
            (
                Item::HistoryToken(2, 2),
                "log/history/002.2.tsr".to_string(),
                Area::History,
            ),
            (
                Item::HistoryToken(1_234_067, 12),
                "log/history/x001/x234/067.12.tsr".to_string(),
                Area::History,
            ),
            (
                Item::Certificate(d),
                format!("trust/sha256/{}/{}.der", &hex[..2], &hex[2..]),
                Area::Trust,
            ),
        ] {
            assert_eq!(item.path(), path);
            assert_eq!(Item::parse(area, &path), Some(item));
        }
        for other in [
            "log/history/002.1.tsr",
            "log/history/002.02.tsr",
            "log/history/2.tsr",
            "log/history/002.tsq",
            "log/history/002.2",
        ] {
            assert_eq!(Item::parse(Area::History, other), None, "{other}");
        }
    }
}
