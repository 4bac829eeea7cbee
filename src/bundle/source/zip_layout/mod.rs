//! The zip container read byte by byte (PKWARE APPNOTE 6.3.10), without
//! trusting a lenient parser: the end record (and the ZIP64 end records),
//! the central directory, and every local header checked against its
//! central entry, so that every byte of the file belongs to exactly one
//! structure — local headers, names, extra fields, data and data
//! descriptors laid end to end from offset 0, then the central directory,
//! then the ZIP64 end records when present, then the end record whose
//! comment ends exactly at the end of the file.
//!
//! Here: the types the steps share and the order of the steps; `end` the
//! end records, `central` the central directory, `local` the entries in
//! file order, `extra` the extra fields both kinds of header carry. The
//! rules on names and on reading entries live in `names` and `zip_read`.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;

use super::Limits;
use super::code::{ContainerCode as C, UnsafeArchive};

mod central;
mod end;
mod extra;
mod local;

const MAX16: u16 = 0xFFFF;
const MAX32: u32 = 0xFFFF_FFFF;
/// How much is read at once when walking the local headers.
const BLOCK: usize = 64 * 1024;

/// How an entry is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Method {
    /// Method 0.
    Stored,
    /// Method 8.
    Deflated,
}

/// One entry, as its checked headers describe it.
#[derive(Debug, Clone)]
pub(super) struct Entry {
    /// The full name (root folder included), checked by `names`.
    pub name: String,
    /// Stored or Deflated.
    pub method: Method,
    /// CRC-32 of the uncompressed bytes.
    pub crc32: u32,
    /// Compressed size.
    pub compressed: u64,
    /// Uncompressed size.
    pub size: u64,
    /// Where its compressed data starts.
    pub data_offset: u64,
    /// Where its local header starts.
    pub header_offset: u64,
    /// A folder entry (name ending in `/`).
    pub is_dir: bool,
    /// The central header's fields no other rule judges.
    pub encoding: super::EntryEncoding,
    /// Whether the bits after its Deflate stream are zero, once a read has
    /// checked (`zip_read`).
    pub padding_zero: std::sync::OnceLock<bool>,
}

/// Why the layout could not be accepted.
#[derive(Debug)]
pub(super) enum LayoutError {
    /// Reading the file failed.
    Io(io::Error),
    /// Not a zip file at all.
    NotZip(String),
    /// A rule is broken.
    Unsafe(UnsafeArchive),
}

impl From<io::Error> for LayoutError {
    fn from(e: io::Error) -> Self {
        Self::Io(e)
    }
}

impl From<UnsafeArchive> for LayoutError {
    fn from(e: UnsafeArchive) -> Self {
        Self::Unsafe(e)
    }
}

type Result<T> = std::result::Result<T, LayoutError>;

fn refuse<T>(code: C, entry: &str, offset: u64, reason: impl Into<String>) -> Result<T> {
    Err(LayoutError::Unsafe(UnsafeArchive::new(
        code,
        entry,
        Some(offset),
        reason,
    )))
}

/// Little-endian fields of a slice whose length was checked first.
struct Fields<'a>(&'a [u8]);

impl Fields<'_> {
    fn u16(&self, at: usize) -> u16 {
        let b = self.0.get(at..at + 2).unwrap_or(&[0; 2]);
        u16::from_le_bytes([b[0], b[1]])
    }
    fn u32(&self, at: usize) -> u32 {
        let b = self.0.get(at..at + 4).unwrap_or(&[0; 4]);
        u32::from_le_bytes([b[0], b[1], b[2], b[3]])
    }
    fn u64(&self, at: usize) -> u64 {
        let mut a = [0u8; 8];
        if let Some(b) = self.0.get(at..at + 8) {
            a.copy_from_slice(b);
        }
        u64::from_le_bytes(a)
    }
}

/// Reads ranges of the file through one buffer, so that walking ten
/// thousand local headers costs a few hundred system calls, not ten thousand.
struct Blocks<'a> {
    file: &'a File,
    len: u64,
    buf: Vec<u8>,
    start: u64,
}

impl<'a> Blocks<'a> {
    fn new(file: &'a File, len: u64) -> Self {
        Self {
            file,
            len,
            buf: Vec::new(),
            start: 0,
        }
    }

    /// `n` bytes at `offset`, or `Truncated` naming `what`.
    fn bytes(&mut self, offset: u64, n: usize, entry: &str, what: &str) -> Result<&[u8]> {
        let end = offset.checked_add(n as u64).filter(|&e| e <= self.len);
        let Some(end) = end else {
            return refuse(
                C::Truncated,
                entry,
                offset,
                format!("{what} ({n} bytes) runs past the end of the file"),
            );
        };
        let cached = offset >= self.start && end <= self.start + self.buf.len() as u64;
        if !cached {
            let want = n.max(BLOCK).min((self.len - offset) as usize);
            self.buf.resize(want, 0);
            self.file.read_exact_at(&mut self.buf, offset)?;
            self.start = offset;
        }
        let from = (offset - self.start) as usize;
        Ok(&self.buf[from..from + n])
    }
}

/// What the end records say.
#[derive(Debug)]
struct End {
    comment: u16,
    entries: u64,
    cd_offset: u64,
    cd_size: u64,
    /// Where the records after the central directory start (ZIP64 end
    /// record, else the end record).
    cd_end: u64,
}

/// A central-directory entry, its 0xFFFF… fields resolved from ZIP64.
struct Central {
    header_at: u64,
    made_by: u16,
    needed: u16,
    flags: u16,
    method: u16,
    time: u16,
    date: u16,
    crc: u32,
    compressed: u64,
    size: u64,
    local_at: u64,
    external: u32,
    name: Vec<u8>,
    shown: String,
    internal: u16,
    extra_ids: Vec<u16>,
    comment_len: u16,
}

/// Reads and checks the whole layout; returns the entries in central
/// directory order and the length of the archive comment.
pub(super) fn read_layout(
    file: &File,
    archive: &str,
    limits: &Limits,
) -> Result<(Vec<Entry>, u16)> {
    let len = file.metadata()?.len();
    let mut blocks = Blocks::new(file, len);
    let end = end::read_end(&mut blocks, archive, len)?;
    if end.entries > limits.max_entries as u64 {
        return refuse(
            C::TooManyEntries,
            archive,
            end.cd_offset,
            format!("{} entries, more than {}", end.entries, limits.max_entries),
        );
    }
    if end.cd_size > limits.max_central_directory {
        return refuse(
            C::TooManyEntries,
            archive,
            end.cd_offset,
            format!(
                "a central directory of {} bytes, more than {}",
                end.cd_size, limits.max_central_directory
            ),
        );
    }
    let centrals = central::read_central(&mut blocks, archive, &end)?;
    Ok((
        local::check_locals(&mut blocks, archive, &end, centrals)?,
        end.comment,
    ))
}

impl Central {
    /// A folder entry (name ending in `/`).
    fn is_dir(&self) -> bool {
        self.name.ends_with(b"/")
    }

    /// General-purpose bit 3: sizes and CRC follow the data.
    fn has_descriptor(&self) -> bool {
        self.flags & 0x0008 != 0
    }

    /// The entry as the rest of the reader sees it, its data at
    /// `data_offset`.
    fn entry(&self, data_offset: u64) -> Entry {
        let method = if self.method == 8 {
            Method::Deflated
        } else {
            Method::Stored
        };
        Entry {
            name: self.shown.clone(),
            method,
            crc32: self.crc,
            compressed: self.compressed,
            size: self.size,
            data_offset,
            header_offset: self.local_at,
            is_dir: self.is_dir(),
            encoding: super::EntryEncoding {
                made_by: self.made_by,
                needed: self.needed,
                flags: self.flags,
                internal: self.internal,
                external: self.external,
                extra_ids: self.extra_ids.clone(),
                comment_len: self.comment_len,
            },
            padding_zero: std::sync::OnceLock::new(),
        }
    }
}
