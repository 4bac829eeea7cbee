//! The stable codes of the zip container's rules (docs/FORMAT.md §5.3.1):
//! each refusal of an archive names exactly one.

use std::fmt;

/// Why a zip archive is refused: one code per rule of the container.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ContainerCode {
    /// No end-of-central-directory record: not a zip file at all.
    NotAZip,
    /// A structure runs past the end of the file.
    Truncated,
    /// Bytes after the end record's comment.
    TrailingData,
    /// Bytes before the first local header.
    PrependedData,
    /// Bytes between two structures that belong to neither.
    Gap,
    /// Two structures claim the same bytes.
    OverlappingEntries,
    /// A split or spanned archive (more than one disk).
    MultiDisk,
    /// ZIP64 end records or fields missing, malformed or disagreeing.
    Zip64,
    /// The central directory is not exactly its entries.
    CentralDirectory,
    /// A local header differs from its central-directory entry.
    LocalHeaderMismatch,
    /// A data descriptor missing, malformed or disagreeing.
    DataDescriptor,
    /// An extra field that is malformed, repeated, or names another file.
    BadExtraField,
    /// General-purpose flag bits that are reserved or unknown.
    BadFlags,
    /// A "version needed to extract" beyond the specification read (6.3).
    UnsupportedVersion,
    /// A compression method other than Stored (0) and Deflate (8).
    UnsupportedCompression,
    /// An encrypted entry.
    Encrypted,
    /// A symbolic link.
    Symlink,
    /// A device, pipe or socket.
    SpecialFile,
    /// Sizes that contradict each other (a Stored entry, a folder).
    InconsistentHeader,
    /// A name that is not UTF-8, holds NUL or a backslash, or has an empty or `.` component.
    BadName,
    /// An absolute name or a drive letter.
    AbsolutePath,
    /// A `..` component.
    PathTraversal,
    /// A name given twice (byte for byte, or after Unicode NFC).
    DuplicateName,
    /// A name that is both a file and a folder.
    NameConflict,
    /// An entry outside the one root folder.
    OutsideRoot,
    /// More entries than the limit.
    TooManyEntries,
    /// An entry or an archive that expands beyond the limits.
    ZipBomb,
    /// An entry's CRC-32 differs from its headers'.
    CrcMismatch,
    /// An entry's length differs from its headers'.
    SizeMismatch,
    /// A Deflate stream that is invalid or does not fill its compressed size exactly.
    BadDeflate,
}

impl ContainerCode {
    /// Every code, in the order FORMAT.md lists them.
    pub const ALL: [Self; 30] = [
        Self::NotAZip,
        Self::Truncated,
        Self::TrailingData,
        Self::PrependedData,
        Self::Gap,
        Self::OverlappingEntries,
        Self::MultiDisk,
        Self::Zip64,
        Self::CentralDirectory,
        Self::LocalHeaderMismatch,
        Self::DataDescriptor,
        Self::BadExtraField,
        Self::BadFlags,
        Self::UnsupportedVersion,
        Self::UnsupportedCompression,
        Self::Encrypted,
        Self::Symlink,
        Self::SpecialFile,
        Self::InconsistentHeader,
        Self::BadName,
        Self::AbsolutePath,
        Self::PathTraversal,
        Self::DuplicateName,
        Self::NameConflict,
        Self::OutsideRoot,
        Self::TooManyEntries,
        Self::ZipBomb,
        Self::CrcMismatch,
        Self::SizeMismatch,
        Self::BadDeflate,
    ];

    /// The stable code, e.g. `local-header-mismatch`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotAZip => "not-a-zip",
            Self::Truncated => "truncated",
            Self::TrailingData => "trailing-data",
            Self::PrependedData => "prepended-data",
            Self::Gap => "gap",
            Self::OverlappingEntries => "overlapping-entries",
            Self::MultiDisk => "multi-disk",
            Self::Zip64 => "zip64",
            Self::CentralDirectory => "bad-central-directory",
            Self::LocalHeaderMismatch => "local-header-mismatch",
            Self::DataDescriptor => "data-descriptor",
            Self::BadExtraField => "bad-extra-field",
            Self::BadFlags => "bad-flags",
            Self::UnsupportedVersion => "unsupported-version",
            Self::UnsupportedCompression => "unsupported-compression",
            Self::Encrypted => "encrypted",
            Self::Symlink => "symlink",
            Self::SpecialFile => "special-file",
            Self::InconsistentHeader => "inconsistent-header",
            Self::BadName => "bad-name",
            Self::AbsolutePath => "absolute-path",
            Self::PathTraversal => "path-traversal",
            Self::DuplicateName => "duplicate-name",
            Self::NameConflict => "name-conflict",
            Self::OutsideRoot => "outside-root",
            Self::TooManyEntries => "too-many-entries",
            Self::ZipBomb => "zip-bomb",
            Self::CrcMismatch => "crc-mismatch",
            Self::SizeMismatch => "size-mismatch",
            Self::BadDeflate => "bad-deflate",
        }
    }
}

impl fmt::Display for ContainerCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why an archive is refused: the rule broken, where, and what was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{entry}: {reason}")]
pub struct UnsafeArchive {
    /// The rule broken.
    pub code: ContainerCode,
    /// The entry concerned (raw name, lossily decoded), or the archive's path.
    pub entry: String,
    /// Byte offset in the file of the structure concerned, when there is one.
    pub offset: Option<u64>,
    /// What is wrong, with the values expected and found.
    pub reason: String,
}

impl UnsafeArchive {
    /// A refusal.
    pub fn new(
        code: ContainerCode,
        entry: impl Into<String>,
        offset: Option<u64>,
        reason: impl Into<String>,
    ) -> Self {
        Self {
            code,
            entry: entry.into(),
            offset,
            reason: reason.into(),
        }
    }

    /// The reason with its offset, as reports show it.
    pub fn describe(&self) -> String {
        match self.offset {
            Some(at) => format!("{} (at byte {at})", self.reason),
            None => self.reason.clone(),
        }
    }

    /// The refusal carried by an I/O error from an entry reader, if any.
    pub fn from_io(e: &std::io::Error) -> Option<&Self> {
        e.get_ref().and_then(|inner| inner.downcast_ref::<Self>())
    }

    /// This refusal as an I/O error (for readers).
    pub fn into_io(self) -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::InvalidData, self)
    }
}
