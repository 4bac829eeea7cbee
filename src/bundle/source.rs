//! Where a bag's files come from: a folder on disk, or a zip read in place
//! (never extracted) through a hardened reader that refuses unsafe archives
//! before anything is hashed.

use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};

use unicode_normalization::UnicodeNormalization;
use zip::{CompressionMethod, ZipArchive};

/// Limits applied when reading a zip.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Most entries in one archive.
    pub max_entries: usize,
    /// Largest total uncompressed size.
    pub max_total_size: u64,
    /// Largest ratio of uncompressed to compressed size for entries over 1 MiB.
    pub max_ratio: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_entries: 1_000_000,
            max_total_size: 1 << 40,
            max_ratio: 1000,
        }
    }
}

/// Why an archive is refused (stable codes in [`UnsafeArchive::code`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{entry}: {reason}")]
pub struct UnsafeArchive {
    /// Stable code, e.g. `path-traversal`.
    pub code: &'static str,
    /// The entry concerned (raw name, lossily decoded).
    pub entry: String,
    /// What is wrong.
    pub reason: String,
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
    /// Not a zip at all, or a broken one.
    #[error("{path} is not a readable zip archive: {message}")]
    NotZip {
        /// Path.
        path: PathBuf,
        /// What the zip reader said.
        message: String,
    },
    /// The archive is refused for safety.
    #[error("unsafe archive: {0}")]
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
        /// The parsed archive; cloned (cheaply) for each reader.
        archive: ZipArchive<SharedFile>,
        /// The root folder's name (the bag name).
        root: String,
        /// Files (not folders), sorted, with their index in the archive.
        entries: Vec<BagEntry>,
        /// Archive index of each entry path.
        index: BTreeMap<String, usize>,
    },
}

impl BagSource {
    /// Opens a folder or a zip file.
    pub fn open(path: &Path, limits: Limits) -> Result<Self, SourceError> {
        let meta = std::fs::metadata(path).map_err(|source| SourceError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        if meta.is_dir() {
            let mut entries = Vec::new();
            walk(path, path, &mut entries).map_err(|source| SourceError::Io {
                path: path.to_path_buf(),
                source,
            })?;
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
            Self::Zip { archive, index, .. } => Opener::Zip {
                archive: archive.clone(),
                index,
            },
        })
    }
}

/// Reads entries of a [`BagSource`].
pub enum Opener<'a> {
    /// From a folder.
    Dir(&'a Path),
    /// From a zip archive.
    Zip {
        /// The archive.
        archive: ZipArchive<SharedFile>,
        /// Entry indices.
        index: &'a BTreeMap<String, usize>,
    },
}

impl Opener<'_> {
    /// Calls `f` with a reader over the entry's uncompressed bytes. For zips
    /// the read is bounded by the declared size and checked against it and
    /// the CRC-32, so a lying header cannot inflate without limit.
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
            Self::Zip { archive, index } => {
                let i = *index
                    .get(path)
                    .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, path.to_string()))?;
                let mut file = archive.by_index(i).map_err(io::Error::other)?;
                let declared = file.size();
                let mut counted = CountingReader {
                    inner: (&mut file).take(declared + 1),
                    count: 0,
                };
                f(&mut counted)?;
                // Drain what the callback left, so the size and CRC are checked.
                io::copy(&mut counted, &mut io::sink())?;
                if counted.count != declared {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!(
                            "{path}: {} bytes where the header says {declared}",
                            counted.count
                        ),
                    ));
                }
                Ok(())
            }
        }
    }
}

/// A file shared between readers, each with its own position (`pread`), so
/// that the parsed archive can be cloned per thread without reopening or
/// re-reading the central directory. Small reads are served from a
/// read-ahead buffer: parsing ten thousand headers must not cost ten
/// thousand system calls.
#[derive(Debug, Clone)]
pub struct SharedFile {
    file: std::sync::Arc<File>,
    position: u64,
    length: u64,
    buffer: Vec<u8>,
    buffer_start: u64,
}

const READ_AHEAD: usize = 64 * 1024;

impl SharedFile {
    fn new(file: File) -> io::Result<Self> {
        let length = file.metadata()?.len();
        Ok(Self {
            file: std::sync::Arc::new(file),
            position: 0,
            length,
            buffer: Vec::new(),
            buffer_start: 0,
        })
    }
}

impl Read for SharedFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        use std::os::unix::fs::FileExt;
        let in_buffer = self.position >= self.buffer_start
            && self.position < self.buffer_start + self.buffer.len() as u64;
        if !in_buffer && buf.len() < READ_AHEAD {
            self.buffer.resize(READ_AHEAD, 0);
            let n = self.file.read_at(&mut self.buffer, self.position)?;
            self.buffer.truncate(n);
            self.buffer_start = self.position;
            if n == 0 {
                return Ok(0);
            }
        } else if !in_buffer {
            // Large reads go straight to the file.
            let n = self.file.read_at(buf, self.position)?;
            self.position += n as u64;
            return Ok(n);
        }
        let offset = (self.position - self.buffer_start) as usize;
        let n = buf.len().min(self.buffer.len() - offset);
        buf[..n].copy_from_slice(&self.buffer[offset..offset + n]);
        self.position += n as u64;
        Ok(n)
    }
}

impl io::Seek for SharedFile {
    fn seek(&mut self, to: io::SeekFrom) -> io::Result<u64> {
        let target = match to {
            io::SeekFrom::Start(p) => Some(p),
            io::SeekFrom::End(d) => self.length.checked_add_signed(d),
            io::SeekFrom::Current(d) => self.position.checked_add_signed(d),
        };
        self.position = target
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before the start"))?;
        Ok(self.position)
    }
}

struct CountingReader<R> {
    inner: R,
    count: u64,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        Ok(n)
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

fn unsafe_entry(code: &'static str, entry: &str, reason: impl Into<String>) -> SourceError {
    SourceError::Unsafe(UnsafeArchive {
        code,
        entry: entry.to_string(),
        reason: reason.into(),
    })
}

/// Checks an entry name; returns its components.
fn check_name(raw: &[u8]) -> Result<String, SourceError> {
    let shown = String::from_utf8_lossy(raw).into_owned();
    let Ok(name) = std::str::from_utf8(raw) else {
        return Err(unsafe_entry("bad-name", &shown, "name is not UTF-8"));
    };
    if name.contains('\0') {
        return Err(unsafe_entry("bad-name", &shown, "name contains NUL"));
    }
    if name.contains('\\') {
        return Err(unsafe_entry("bad-name", name, "name contains a backslash"));
    }
    if name.starts_with('/') {
        return Err(unsafe_entry("absolute-path", name, "absolute path"));
    }
    let bytes = name.as_bytes();
    if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        return Err(unsafe_entry("absolute-path", name, "drive letter"));
    }
    let trimmed = name.strip_suffix('/').unwrap_or(name);
    for part in trimmed.split('/') {
        if part == ".." {
            return Err(unsafe_entry("path-traversal", name, "`..` component"));
        }
        if part.is_empty() || part == "." {
            return Err(unsafe_entry("bad-name", name, "empty or `.` component"));
        }
    }
    Ok(name.to_string())
}

fn open_zip(path: &Path, limits: Limits) -> Result<BagSource, SourceError> {
    let file = File::open(path).map_err(|source| SourceError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let shared = SharedFile::new(file).map_err(|source| SourceError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut archive = ZipArchive::new(shared).map_err(|e| SourceError::NotZip {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    if archive.len() > limits.max_entries {
        return Err(unsafe_entry(
            "too-many-entries",
            &path.display().to_string(),
            format!(
                "{} entries, more than {}",
                archive.len(),
                limits.max_entries
            ),
        ));
    }
    // The zip reader keeps one entry per name; read the central directory
    // ourselves so that a name given twice cannot hide.
    let raw_names = central_directory_names(path).map_err(|e| SourceError::NotZip {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let mut raw_seen = HashSet::new();
    for name in &raw_names {
        if !raw_seen.insert(name.as_slice()) {
            return Err(unsafe_entry(
                "duplicate-name",
                &String::from_utf8_lossy(name),
                "the name appears twice",
            ));
        }
    }
    if raw_names.len() != archive.len() {
        return Err(unsafe_entry(
            "inconsistent-header",
            &path.display().to_string(),
            format!(
                "the central directory lists {} entries, the reader sees {}",
                raw_names.len(),
                archive.len()
            ),
        ));
    }
    let mut root: Option<String> = None;
    let mut seen = HashSet::new();
    let mut seen_nfc = HashSet::new();
    let mut entries = Vec::new();
    let mut index = BTreeMap::new();
    let mut ranges = Vec::new();
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let file = archive.by_index_raw(i).map_err(|e| SourceError::NotZip {
            path: path.to_path_buf(),
            message: format!("entry {i}: {e}"),
        })?;
        let name = check_name(file.name_raw())?;
        if file.enclosed_name().is_none() {
            return Err(unsafe_entry(
                "path-traversal",
                &name,
                "name escapes the archive",
            ));
        }
        if !seen.insert(name.clone()) {
            return Err(unsafe_entry(
                "duplicate-name",
                &name,
                "the name appears twice",
            ));
        }
        if !seen_nfc.insert(name.nfc().collect::<String>()) {
            return Err(unsafe_entry(
                "duplicate-name",
                &name,
                "the name equals another one after Unicode NFC normalization",
            ));
        }
        if file.is_symlink() {
            return Err(unsafe_entry("symlink", &name, "symbolic links are refused"));
        }
        if file.encrypted() {
            return Err(unsafe_entry(
                "encrypted",
                &name,
                "encrypted entries are refused",
            ));
        }
        if !matches!(
            file.compression(),
            CompressionMethod::Stored | CompressionMethod::Deflated
        ) {
            return Err(unsafe_entry(
                "unsupported-compression",
                &name,
                format!(
                    "compression {:?}; only Stored and Deflate are read",
                    file.compression()
                ),
            ));
        }
        let (size, packed) = (file.size(), file.compressed_size());
        if file.compression() == CompressionMethod::Stored && size != packed {
            return Err(unsafe_entry(
                "inconsistent-header",
                &name,
                "stored entry whose sizes differ",
            ));
        }
        if size > 1 << 20 && size / packed.max(1) > limits.max_ratio {
            return Err(unsafe_entry(
                "zip-bomb",
                &name,
                format!(
                    "expands {size} bytes from {packed} (ratio over {})",
                    limits.max_ratio
                ),
            ));
        }
        total = total.saturating_add(size);
        if total > limits.max_total_size {
            return Err(unsafe_entry(
                "zip-bomb",
                &name,
                format!(
                    "total size over the limit of {} bytes",
                    limits.max_total_size
                ),
            ));
        }
        let start = file.header_start();
        let end = file
            .data_start()
            .map_or(start, |d| d.saturating_add(packed));
        ranges.push((start, end, name.clone()));
        let first = name.split('/').next().unwrap_or_default().to_string();
        match &root {
            None => root = Some(first.clone()),
            Some(r) if *r != first => {
                return Err(unsafe_entry(
                    "outside-root",
                    &name,
                    format!("outside the root folder {r}/"),
                ));
            }
            Some(_) => {}
        }
        if name.ends_with('/') {
            continue;
        }
        let Some(relative) = name.strip_prefix(&format!("{first}/")) else {
            return Err(unsafe_entry(
                "outside-root",
                &name,
                "a file at the top of the archive",
            ));
        };
        index.insert(relative.to_string(), i);
        entries.push(BagEntry {
            path: relative.to_string(),
            size,
        });
    }
    ranges.sort();
    for pair in ranges.windows(2) {
        if pair[1].0 < pair[0].1 {
            return Err(unsafe_entry(
                "overlapping-entries",
                &pair[1].2,
                format!("its data overlaps {}", pair[0].2),
            ));
        }
    }
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(BagSource::Zip {
        path: path.to_path_buf(),
        archive,
        root: root.unwrap_or_default(),
        entries,
        index,
    })
}

/// Names of every central directory entry, in order, read from the raw
/// bytes (end of central directory record, ZIP64 when needed).
fn central_directory_names(path: &Path) -> io::Result<Vec<Vec<u8>>> {
    use std::io::{Seek, SeekFrom};
    let invalid = |m: &str| io::Error::new(io::ErrorKind::InvalidData, m.to_string());
    let mut file = File::open(path)?;
    let len = file.metadata()?.len();
    let tail_len = len.min(65_557);
    file.seek(SeekFrom::Start(len - tail_len))?;
    let mut tail = vec![0u8; tail_len as usize];
    file.read_exact(&mut tail)?;
    let eocd = (0..tail.len().saturating_sub(21))
        .rev()
        .find(|&i| tail[i..i + 4] == [0x50, 0x4b, 0x05, 0x06])
        .ok_or_else(|| invalid("no end of central directory record"))?;
    let u16_at = |b: &[u8], i: usize| u64::from(u16::from_le_bytes([b[i], b[i + 1]]));
    let u32_at =
        |b: &[u8], i: usize| u64::from(u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]));
    let mut count = u16_at(&tail, eocd + 10);
    let mut size = u32_at(&tail, eocd + 12);
    let mut offset = u32_at(&tail, eocd + 16);
    if (count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF) && eocd >= 20 {
        let loc = eocd - 20;
        if tail[loc..loc + 4] == [0x50, 0x4b, 0x06, 0x07] {
            let record = u64::from_le_bytes(
                tail[loc + 8..loc + 16]
                    .try_into()
                    .map_err(|_| invalid("zip64"))?,
            );
            file.seek(SeekFrom::Start(record))?;
            let mut z = [0u8; 56];
            file.read_exact(&mut z)?;
            if z[..4] != [0x50, 0x4b, 0x06, 0x06] {
                return Err(invalid("bad ZIP64 end of central directory record"));
            }
            let u64_at = |i: usize| u64::from_le_bytes(z[i..i + 8].try_into().unwrap_or_default());
            count = u64_at(32);
            size = u64_at(40);
            offset = u64_at(48);
        }
    }
    if offset.saturating_add(size) > len || size > 1 << 32 {
        return Err(invalid("the central directory lies outside the file"));
    }
    file.seek(SeekFrom::Start(offset))?;
    let mut cd = vec![0u8; size as usize];
    file.read_exact(&mut cd)?;
    let mut names = Vec::new();
    let mut i = 0usize;
    while names.len() < count as usize {
        if i + 46 > cd.len() || cd[i..i + 4] != [0x50, 0x4b, 0x01, 0x02] {
            return Err(invalid("truncated central directory"));
        }
        let (n, e, c) = (
            u16_at(&cd, i + 28) as usize,
            u16_at(&cd, i + 30) as usize,
            u16_at(&cd, i + 32) as usize,
        );
        let name = cd
            .get(i + 46..i + 46 + n)
            .ok_or_else(|| invalid("truncated central directory"))?;
        names.push(name.to_vec());
        i += 46 + n + e + c;
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked() {
        assert!(check_name(b"bag/data/a.txt").is_ok());
        for bad in [
            &b"/etc/passwd"[..],
            b"bag/../x",
            b"bag\\x",
            b"C:x",
            b"bag/a\0b",
            b"bag//x",
            b"bag/./x",
        ] {
            assert!(check_name(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }
}
