//! Where a bag's files come from: a folder on disk, or a zip read in place
//! (never extracted) through a strict reader that checks every byte of the
//! container before anything is hashed (`zip_layout`), and every entry's
//! length, CRC-32 and Deflate stream as it is read (`zip_read`).
//!
//! The `zip` crate writes bundles (`bundle::writer`); it never reads them:
//! its parser forgives what this reader refuses.

mod cache;
mod code;
mod names;
mod zip_layout;
mod zip_read;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};

use unicode_normalization::UnicodeNormalization;

pub use code::{ContainerCode, UnsafeArchive};

/// Limits applied when reading a zip.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Most entries in one archive.
    pub max_entries: usize,
    /// Largest total uncompressed size.
    pub max_total_size: u64,
    /// Largest ratio of uncompressed to compressed size for entries over 1 MiB.
    pub max_ratio: u64,
    /// Largest central directory read into memory.
    pub max_central_directory: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_entries: 1_000_000,
            max_total_size: 1 << 40,
            max_ratio: 1000,
            max_central_directory: 256 << 20,
        }
    }
}

/// Errors opening or reading a bag.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SourceError {
    /// The file or folder could not be read.
    #[error("{path}: {source}")]
    Io {
        /// Path.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// Not a zip file at all (no end-of-central-directory record).
    #[error("{path} is not a readable zip archive: {message}")]
    NotZip {
        /// Path.
        path: PathBuf,
        /// What is missing.
        message: String,
    },
    /// The archive breaks a rule of the container.
    #[error("unsafe archive ({code}): {0}", code = .0.code)]
    Unsafe(UnsafeArchive),
}

/// A file of the bag: path relative to the bag root, and its size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BagEntry {
    /// Path relative to the bag root, `/`-separated.
    pub path: String,
    /// Uncompressed size in bytes.
    pub size: u64,
}

/// The fields of a central header that no container rule judges, for the
/// docseal profile's zip encoding (FORMAT.md §5.7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryEncoding {
    /// Version made by (host system in the upper byte).
    pub made_by: u16,
    /// Version needed to extract.
    pub needed: u16,
    /// General-purpose flags.
    pub flags: u16,
    /// Internal file attributes.
    pub internal: u16,
    /// External file attributes (the Unix mode in the upper half).
    pub external: u32,
    /// The ids of its extra fields.
    pub extra_ids: Vec<u16>,
    /// Length of its comment.
    pub comment_len: u16,
}

/// A zip whose layout has been checked: the open file (read with `pread`
/// by any number of threads) and its entries.
#[derive(Debug)]
pub struct ZipIndex {
    file: File,
    entries: Vec<zip_layout::Entry>,
    /// Index in `entries` of each file, by path relative to the bag root.
    by_path: BTreeMap<String, usize>,
    /// Folders named by folder entries or by a file inside them.
    folders: BTreeSet<String>,
    /// Length of the archive comment.
    comment_len: u16,
    /// Small entries already read and checked.
    cache: cache::EntryCache,
}

impl ZipIndex {
    /// Every entry (folders too) in central-directory order: its full name,
    /// whether it is a folder, whether it is Deflated, and its encoding.
    pub fn encodings(&self) -> impl Iterator<Item = (&str, bool, bool, &EntryEncoding)> {
        self.entries.iter().map(|e| {
            (
                e.name.as_str(),
                e.is_dir,
                e.method == zip_layout::Method::Deflated,
                &e.encoding,
            )
        })
    }

    /// Length of the archive comment.
    pub fn comment_len(&self) -> u16 {
        self.comment_len
    }
}

/// A bag's files, from a folder or a zip.
#[derive(Debug)]
pub enum BagSource {
    /// A bag folder on disk.
    Dir {
        /// The bag root.
        root: PathBuf,
        /// Its files, sorted.
        entries: Vec<BagEntry>,
    },
    /// A zip holding one root folder.
    Zip {
        /// The zip file.
        path: PathBuf,
        /// The checked archive.
        index: ZipIndex,
        /// The root folder's name (the bag name).
        root: String,
        /// Files (not folders), sorted.
        entries: Vec<BagEntry>,
    },
}

impl BagSource {
    /// Opens a folder or a zip file.
    pub fn open(path: &Path, limits: Limits) -> Result<Self, SourceError> {
        let io_error = |source| SourceError::Io {
            path: path.to_path_buf(),
            source,
        };
        let meta = std::fs::metadata(path).map_err(io_error)?;
        if meta.is_dir() {
            let mut entries = Vec::new();
            walk(path, path, &mut entries).map_err(io_error)?;
            entries.sort_by(|a, b| a.path.cmp(&b.path));
            Ok(Self::Dir {
                root: path.to_path_buf(),
                entries,
            })
        } else {
            open_zip(path, limits)
        }
    }

    /// The bag's files, sorted by path.
    pub fn entries(&self) -> &[BagEntry] {
        match self {
            Self::Dir { entries, .. } | Self::Zip { entries, .. } => entries,
        }
    }

    /// The bag's name: the zip's root folder or the folder's name.
    pub fn name(&self) -> String {
        match self {
            Self::Dir { root, .. } => std::path::absolute(root)
                .ok()
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_default(),
            Self::Zip { root, .. } => root.clone(),
        }
    }

    /// Whether the bag has a file at `path`.
    pub fn contains(&self, path: &str) -> bool {
        self.entries()
            .binary_search_by(|e| e.path.as_str().cmp(path))
            .is_ok()
    }

    /// Whether the bag has a folder at `path` (relative, without a final `/`).
    pub fn has_folder(&self, path: &str) -> bool {
        match self {
            Self::Dir { root, .. } => root.join(path).is_dir(),
            Self::Zip { index, .. } => index.folders.contains(path),
        }
    }

    /// Reads a small file whole (tag files), refusing more than `limit` bytes.
    pub fn read_small(&self, path: &str, limit: u64) -> io::Result<Vec<u8>> {
        let mut reader = self.opener()?;
        let mut bytes = Vec::new();
        reader.with_reader(path, &mut |r| {
            r.take(limit + 1).read_to_end(&mut bytes)?;
            Ok(())
        })?;
        if bytes.len() as u64 > limit {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{path} is larger than {limit} bytes"),
            ));
        }
        Ok(bytes)
    }

    /// A handle that reads entries; make one per thread.
    pub fn opener(&self) -> io::Result<Opener<'_>> {
        Ok(match self {
            Self::Dir { root, .. } => Opener::Dir(root),
            Self::Zip { index, .. } => Opener::Zip(index),
        })
    }
}

/// Reads entries of a [`BagSource`].
#[derive(Debug, Clone, Copy)]
pub enum Opener<'a> {
    /// From a folder.
    Dir(&'a Path),
    /// From a checked zip archive.
    Zip(&'a ZipIndex),
}

impl Opener<'_> {
    /// Calls `f` with a reader over the entry's uncompressed bytes. For zips
    /// the read is bounded by the declared size, and whatever `f` leaves is
    /// read too, so that the length, the CRC-32 and the Deflate stream are
    /// always checked: an error carrying an [`UnsafeArchive`] (see
    /// [`UnsafeArchive::from_io`]) says which rule failed.
    pub fn with_reader(
        &mut self,
        path: &str,
        f: &mut dyn FnMut(&mut dyn Read) -> io::Result<()>,
    ) -> io::Result<()> {
        match self {
            Self::Dir(root) => {
                let mut file = BufReader::with_capacity(256 * 1024, File::open(root.join(path))?);
                f(&mut file)
            }
            Self::Zip(index) => {
                let i = *index
                    .by_path
                    .get(path)
                    .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, path.to_string()))?;
                let entry = &index.entries[i];
                if entry.size > cache::ENTRY_LIMIT {
                    let mut reader = zip_read::EntryReader::new(&index.file, entry);
                    f(&mut reader)?;
                    io::copy(&mut reader, &mut io::sink())?;
                    return Ok(());
                }
                let bytes = match index.cache.get(i) {
                    Some(bytes) => bytes,
                    None => {
                        // Read whole and checked before `f` sees a byte: the
                        // same bytes or error as a streamed read, kept for
                        // the next read of this entry.
                        let mut bytes = Vec::with_capacity(entry.size as usize);
                        zip_read::EntryReader::new(&index.file, entry).read_to_end(&mut bytes)?;
                        let bytes: std::sync::Arc<[u8]> = bytes.into();
                        index.cache.keep(i, bytes.clone());
                        bytes
                    }
                };
                f(&mut &bytes[..])
            }
        }
    }
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<BagEntry>) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            walk(root, &path, out)?;
        } else if kind.is_file() {
            let relative = path.strip_prefix(root).map_err(io::Error::other)?;
            let name = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            out.push(BagEntry {
                path: name,
                size: entry.metadata()?.len(),
            });
        }
        // Symlinks and other special files are not part of a bag.
    }
    Ok(())
}

fn refuse(code: ContainerCode, entry: &str, reason: impl Into<String>) -> SourceError {
    SourceError::Unsafe(UnsafeArchive::new(code, entry, None, reason))
}

fn open_zip(path: &Path, limits: Limits) -> Result<BagSource, SourceError> {
    let io_error = |source| SourceError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = File::open(path).map_err(io_error)?;
    let shown = path.display().to_string();
    let (layout, comment_len) =
        zip_layout::read_layout(&file, &shown, &limits).map_err(|e| match e {
            zip_layout::LayoutError::Io(source) => io_error(source),
            zip_layout::LayoutError::NotZip(message) => SourceError::NotZip {
                path: path.to_path_buf(),
                message,
            },
            zip_layout::LayoutError::Unsafe(u) => SourceError::Unsafe(u),
        })?;
    let root = check_root(&layout)?;
    check_names(&layout)?;
    check_sizes(&layout, &limits)?;
    let prefix = format!("{root}/");
    let mut by_path = BTreeMap::new();
    let mut folders = BTreeSet::new();
    let mut entries = Vec::new();
    for (i, e) in layout.iter().enumerate() {
        let relative = e.name.strip_prefix(&prefix).unwrap_or_default();
        let mut parent = relative.trim_end_matches('/');
        if e.is_dir {
            folders.insert(parent.to_string());
        }
        while let Some((up, _)) = parent.rsplit_once('/') {
            folders.insert(up.to_string());
            parent = up;
        }
        if e.is_dir || relative.is_empty() {
            continue;
        }
        by_path.insert(relative.to_string(), i);
        entries.push(BagEntry {
            path: relative.to_string(),
            size: e.size,
        });
    }
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(BagSource::Zip {
        path: path.to_path_buf(),
        index: ZipIndex {
            file,
            entries: layout,
            by_path,
            folders,
            comment_len,
            cache: cache::EntryCache::default(),
        },
        root,
        entries,
    })
}

/// No name twice (byte for byte, or after Unicode NFC), and no name both a
/// file and a folder.
fn check_names(layout: &[zip_layout::Entry]) -> Result<(), SourceError> {
    let mut seen = HashSet::new();
    let mut seen_nfc = HashSet::new();
    for e in layout {
        if !seen.insert(e.name.as_str()) {
            return Err(refuse(
                ContainerCode::DuplicateName,
                &e.name,
                "the name appears twice",
            ));
        }
        if !seen_nfc.insert(e.name.nfc().collect::<String>()) {
            return Err(refuse(
                ContainerCode::DuplicateName,
                &e.name,
                "the name equals another one after Unicode NFC normalization",
            ));
        }
    }
    let files: HashSet<&str> = layout
        .iter()
        .filter(|e| !e.is_dir)
        .map(|e| e.name.as_str())
        .collect();
    for e in layout {
        let mut parent = e.name.trim_end_matches('/');
        if e.is_dir && files.contains(parent) {
            return Err(refuse(
                ContainerCode::NameConflict,
                &e.name,
                format!("{parent} is both a file and a folder"),
            ));
        }
        while let Some((up, _)) = parent.rsplit_once('/') {
            if files.contains(up) {
                return Err(refuse(
                    ContainerCode::NameConflict,
                    &e.name,
                    format!("{up} is both a file and a folder"),
                ));
            }
            parent = up;
        }
    }
    Ok(())
}

/// Everything inside one root folder; returns its name.
fn check_root(layout: &[zip_layout::Entry]) -> Result<String, SourceError> {
    let mut root: Option<&str> = None;
    for e in layout {
        let first = e.name.split('/').next().unwrap_or_default();
        match root {
            None => root = Some(first),
            Some(r) if r != first => {
                return Err(refuse(
                    ContainerCode::OutsideRoot,
                    &e.name,
                    format!("outside the root folder {r}/"),
                ));
            }
            Some(_) => {}
        }
        if !e.is_dir && !e.name.contains('/') {
            return Err(refuse(
                ContainerCode::OutsideRoot,
                &e.name,
                "a file at the top of the archive",
            ));
        }
    }
    Ok(root.unwrap_or_default().to_string())
}

/// No entry over 1 MiB expanding more than the ratio, and a bounded total.
fn check_sizes(layout: &[zip_layout::Entry], limits: &Limits) -> Result<(), SourceError> {
    let mut total: u64 = 0;
    for e in layout {
        let (size, packed) = (e.size, e.compressed);
        if size > 1 << 20 && size / packed.max(1) > limits.max_ratio {
            return Err(refuse(
                ContainerCode::ZipBomb,
                &e.name,
                format!(
                    "expands {size} bytes from {packed} (ratio over {})",
                    limits.max_ratio
                ),
            ));
        }
        total = total.saturating_add(size);
        if total > limits.max_total_size {
            return Err(refuse(
                ContainerCode::ZipBomb,
                &e.name,
                format!(
                    "total size over the limit of {} bytes",
                    limits.max_total_size
                ),
            ));
        }
    }
    Ok(())
}
