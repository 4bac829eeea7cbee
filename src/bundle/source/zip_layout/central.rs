//! The central directory (APPNOTE 4.3.12): its headers read, their ZIP64
//! fields resolved, and the rules an entry's central header must keep on
//! its own (name, flags, version, method, file type, sizes).

use super::extra::{self, STRONG_ENCRYPTION_EXTRA, ZIP64_EXTRA};
use super::{Blocks, C, Central, End, Fields, MAX16, MAX32, Result, refuse};

const CENTRAL_SIG: u32 = 0x0201_4b50;
/// APPNOTE 6.3 knows versions up to 6.3; a higher "version needed" asks
/// for something this reader cannot know.
const MAX_VERSION_NEEDED: u16 = 63;
/// General-purpose bits this reader understands: 0 (encrypted, refused),
/// 1–2 (Deflate options), 3 (data descriptor), 11 (UTF-8 names).
const KNOWN_FLAGS: u16 = 0x0001 | 0x0002 | 0x0004 | 0x0008 | 0x0800;
/// Bits 6 (strong encryption) and 13 (masked local headers).
const ENCRYPTION_FLAGS: u16 = 0x0001 | 0x0040 | 0x2000;

/// Reads the central directory: exactly `entries` headers filling exactly
/// its size.
pub(super) fn read_central(
    blocks: &mut Blocks<'_>,
    archive: &str,
    end: &End,
) -> Result<Vec<Central>> {
    let cd = blocks
        .bytes(
            end.cd_offset,
            end.cd_size as usize,
            archive,
            "the central directory",
        )?
        .to_vec();
    let mut out = Vec::with_capacity((end.entries as usize).min(cd.len() / 46));
    let mut at = 0usize;
    for i in 0..end.entries {
        let (central, len) = read_header(&cd, at, i, end, archive)?;
        out.push(central);
        at += len;
    }
    if at != cd.len() {
        return refuse(
            C::CentralDirectory,
            archive,
            end.cd_offset + at as u64,
            format!(
                "{} bytes after the last of the {} central headers",
                cd.len() - at,
                end.entries
            ),
        );
    }
    Ok(out)
}

/// The central header at `at` of the directory `cd` (entry `i`); returns
/// it and its length.
fn read_header(cd: &[u8], at: usize, i: u64, end: &End, archive: &str) -> Result<(Central, usize)> {
    let header_at = end.cd_offset + at as u64;
    let head = cd.get(at..at + 46).map(Fields);
    let Some(f) = head.filter(|f| f.u32(0) == CENTRAL_SIG) else {
        return refuse(
            C::CentralDirectory,
            archive,
            header_at,
            format!("entry {} of {}: no central header here", i + 1, end.entries),
        );
    };
    let (n, m, k) = (
        usize::from(f.u16(28)),
        usize::from(f.u16(30)),
        usize::from(f.u16(32)),
    );
    let Some(rest) = cd.get(at + 46..at + 46 + n + m + k) else {
        return refuse(
            C::CentralDirectory,
            archive,
            header_at,
            format!(
                "entry {} of {}: its name, extra field and comment run past the central directory",
                i + 1,
                end.entries
            ),
        );
    };
    let name = rest[..n].to_vec();
    let shown = String::from_utf8_lossy(&name).into_owned();
    let extras = extra::parse_extra(&rest[n..n + m], &shown, header_at)?;
    extra::check_unicode_path(&extras, &name, &shown, header_at)?;
    let (size, compressed, local_at) = locate_entry(&f, &extras, &shown, header_at)?;
    let central = Central {
        header_at,
        made_by: f.u16(4),
        needed: f.u16(6),
        flags: f.u16(8),
        method: f.u16(10),
        time: f.u16(12),
        date: f.u16(14),
        crc: f.u32(16),
        compressed,
        size,
        local_at,
        external: f.u32(38),
        internal: f.u16(36),
        extra_ids: extras.iter().map(|(id, _)| *id).collect(),
        comment_len: f.u16(32),
        name,
        shown,
    };
    Ok((central, 46 + n + m + k))
}

/// The entry's sizes and where its local header starts: on this disk, and
/// not behind a strong encryption header.
fn locate_entry(
    f: &Fields<'_>,
    extras: &[(u16, &[u8])],
    shown: &str,
    header_at: u64,
) -> Result<(u64, u64, u64)> {
    let (size, compressed, local_at, disk) = resolve_central_zip64(f, extras, shown, header_at)?;
    if disk != 0 {
        return refuse(
            C::MultiDisk,
            shown,
            header_at,
            format!("the entry starts on disk {disk}"),
        );
    }
    if extra::find(extras, STRONG_ENCRYPTION_EXTRA).is_some() {
        return refuse(C::Encrypted, shown, header_at, "strong encryption header");
    }
    Ok((size, compressed, local_at))
}

/// The central header's sizes, local header offset and disk, with ZIP64:
/// the ZIP64 field holds exactly the fields the header marks 0xFFFF…, in
/// APPNOTE 4.5.3's order.
fn resolve_central_zip64(
    f: &Fields<'_>,
    extras: &[(u16, &[u8])],
    entry: &str,
    at: u64,
) -> Result<(u64, u64, u64, u32)> {
    let (size32, compressed32, offset32, disk16) = (f.u32(24), f.u32(20), f.u32(42), f.u16(34));
    let wanted = [size32 == MAX32, compressed32 == MAX32, offset32 == MAX32];
    let expected_len = wanted.iter().filter(|w| **w).count() * 8 + usize::from(disk16 == MAX16) * 4;
    let data = match extra::find(extras, ZIP64_EXTRA) {
        None if expected_len == 0 => &[][..],
        None => {
            return refuse(
                C::Zip64,
                entry,
                at,
                "a size, offset or disk marked 0xFFFF… but no ZIP64 extra field",
            );
        }
        Some(d) if d.len() == expected_len => d,
        Some(d) => {
            return refuse(
                C::BadExtraField,
                entry,
                at,
                format!(
                    "a ZIP64 extra field of {} bytes where the central header marks {expected_len}",
                    d.len()
                ),
            );
        }
    };
    let z = Fields(data);
    let mut pos = 0;
    let mut next = |marked: bool, small: u64| {
        if marked {
            pos += 8;
            z.u64(pos - 8)
        } else {
            small
        }
    };
    let size = next(wanted[0], u64::from(size32));
    let compressed = next(wanted[1], u64::from(compressed32));
    let offset = next(wanted[2], u64::from(offset32));
    let disk = if disk16 == MAX16 {
        z.u32(pos)
    } else {
        u32::from(disk16)
    };
    Ok((size, compressed, offset, disk))
}

/// What a central entry says about itself, before its local header is read.
pub(super) fn check_central_rules(c: &Central) -> Result<()> {
    super::super::names::check_name(&c.name, c.flags & 0x0800 != 0, c.header_at)?;
    check_features(c)?;
    check_file_type(c)?;
    check_sizes(c)
}

/// Flags, version needed and method: only what this reader knows, and
/// nothing encrypted.
fn check_features(c: &Central) -> Result<()> {
    let (entry, at) = (c.shown.as_str(), c.header_at);
    if c.flags & ENCRYPTION_FLAGS != 0 {
        return refuse(C::Encrypted, entry, at, "encrypted entries are refused");
    }
    if c.flags & !KNOWN_FLAGS != 0 {
        return refuse(
            C::BadFlags,
            entry,
            at,
            format!(
                "general-purpose flags 0x{:04x}: bits 0x{:04x} are reserved or unknown",
                c.flags,
                c.flags & !KNOWN_FLAGS
            ),
        );
    }
    if c.needed & 0xFF > MAX_VERSION_NEEDED {
        return refuse(
            C::UnsupportedVersion,
            entry,
            at,
            format!(
                "needs zip version {}.{} to extract; this reader follows APPNOTE 6.3",
                (c.needed & 0xFF) / 10,
                (c.needed & 0xFF) % 10
            ),
        );
    }
    if c.method != 0 && c.method != 8 {
        return refuse(
            C::UnsupportedCompression,
            entry,
            at,
            format!(
                "compression method {}; only Stored (0) and Deflate (8) are read",
                c.method
            ),
        );
    }
    Ok(())
}

/// Unix (3) and OS X (19) hosts keep the file type in the upper half of
/// the external attributes: only files and folders are accepted.
fn check_file_type(c: &Central) -> Result<()> {
    let (entry, at) = (c.shown.as_str(), c.header_at);
    if !matches!(c.made_by >> 8, 3 | 19) {
        return Ok(());
    }
    match (c.external >> 16) & 0o170_000 {
        0 | 0o100_000 => Ok(()),
        0o040_000 if c.is_dir() => Ok(()),
        0o040_000 => refuse(
            C::InconsistentHeader,
            entry,
            at,
            "a folder's mode on a name that does not end in /",
        ),
        0o120_000 => refuse(C::Symlink, entry, at, "symbolic links are refused"),
        other => refuse(
            C::SpecialFile,
            entry,
            at,
            format!("file type 0o{other:o} (device, pipe or socket) is refused"),
        ),
    }
}

/// A folder holds no bytes; a Stored entry's two sizes are one.
fn check_sizes(c: &Central) -> Result<()> {
    let (entry, at) = (c.shown.as_str(), c.header_at);
    if c.is_dir() && c.size != 0 {
        return refuse(
            C::InconsistentHeader,
            entry,
            at,
            format!("a folder entry of {} bytes", c.size),
        );
    }
    if c.method == 0 && c.size != c.compressed {
        return refuse(
            C::InconsistentHeader,
            entry,
            at,
            format!(
                "a Stored entry whose sizes differ ({} compressed, {} uncompressed)",
                c.compressed, c.size
            ),
        );
    }
    Ok(())
}
