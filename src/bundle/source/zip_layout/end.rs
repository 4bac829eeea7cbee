//! The end of the archive: the end-of-central-directory record (APPNOTE
//! 4.3.16), the ZIP64 end record and its locator (4.3.14–4.3.15), and the
//! central directory's place between them and the entries.

use super::{Blocks, C, End, Fields, LayoutError, MAX16, MAX32, Result, refuse};

const EOCD_SIG: u32 = 0x0605_4b50;
const ZIP64_EOCD_SIG: u32 = 0x0606_4b50;
const ZIP64_LOCATOR_SIG: u32 = 0x0706_4b50;

/// The end record's fields, as written (0xFFFF… where ZIP64 holds them).
struct EndRecord {
    at: u64,
    disk: u16,
    cd_disk: u16,
    disk_entries: u16,
    entries: u16,
    cd_size: u32,
    cd_offset: u32,
    comment: u16,
}

/// The ZIP64 end record's fields (APPNOTE 4.3.14).
struct Zip64Record {
    at: u64,
    disk: u32,
    cd_disk: u32,
    disk_entries: u64,
    entries: u64,
    cd_size: u64,
    cd_offset: u64,
}

/// Finds the end record (the last occurrence of its signature, whose
/// comment must end exactly at the end of the file) and the ZIP64 records.
pub(super) fn read_end(blocks: &mut Blocks<'_>, archive: &str, len: u64) -> Result<End> {
    let record = find_end_record(blocks, archive, len)?;
    let end = match zip64_locator(blocks, archive, record.at)? {
        Some(locator) => End {
            comment: record.comment,
            ..read_zip64_end(blocks, archive, locator, &record)?
        },
        None => record.without_zip64(archive)?,
    };
    check_central_span(end, archive)
}

/// The last end-record signature in the file's last 64 KiB + 22 bytes,
/// with a comment that ends exactly at the end of the file.
fn find_end_record(blocks: &mut Blocks<'_>, archive: &str, len: u64) -> Result<EndRecord> {
    if len < 22 {
        return Err(LayoutError::NotZip(format!(
            "{len} bytes: too short for a zip file (no end-of-central-directory record)"
        )));
    }
    let tail_len = len.min(22 + 0xFFFF) as usize;
    let tail_start = len - tail_len as u64;
    let tail = blocks
        .bytes(tail_start, tail_len, archive, "the end")?
        .to_vec();
    let found = (0..=tail_len - 22)
        .rev()
        .find(|&i| Fields(&tail).u32(i) == EOCD_SIG);
    let Some(i) = found else {
        return Err(LayoutError::NotZip(
            "no end-of-central-directory record".into(),
        ));
    };
    let at = tail_start + i as u64;
    let f = Fields(&tail[i..]);
    let record = EndRecord {
        at,
        disk: f.u16(4),
        cd_disk: f.u16(6),
        disk_entries: f.u16(8),
        entries: f.u16(10),
        cd_size: f.u32(12),
        cd_offset: f.u32(16),
        comment: f.u16(20),
    };
    let comment = record.comment;
    let record_end = at + 22 + u64::from(comment);
    if record_end < len {
        return refuse(
            C::TrailingData,
            archive,
            record_end,
            format!(
                "{} bytes after the end record and its {comment}-byte comment",
                len - record_end
            ),
        );
    }
    if record_end > len {
        return refuse(
            C::Truncated,
            archive,
            at,
            format!(
                "the end record's comment ({comment} bytes) runs {} bytes past the end of the file",
                record_end - len
            ),
        );
    }
    Ok(record)
}

/// Where the ZIP64 end record locator starts, when the 20 bytes before the
/// end record are one.
fn zip64_locator(blocks: &mut Blocks<'_>, archive: &str, end_at: u64) -> Result<Option<u64>> {
    let Some(locator) = end_at.checked_sub(20) else {
        return Ok(None);
    };
    let sig = Fields(blocks.bytes(locator, 4, archive, "the ZIP64 locator")?).u32(0);
    Ok((sig == ZIP64_LOCATOR_SIG).then_some(locator))
}

impl EndRecord {
    /// The end record alone: no field may be marked as held in ZIP64.
    fn without_zip64(&self, archive: &str) -> Result<End> {
        let (disk, cd_disk, disk_entries, entries) =
            (self.disk, self.cd_disk, self.disk_entries, self.entries);
        let needs_zip64 = [disk, cd_disk, disk_entries, entries].contains(&MAX16)
            || self.cd_size == MAX32
            || self.cd_offset == MAX32;
        if needs_zip64 {
            return refuse(
                C::Zip64,
                archive,
                self.at,
                "the end record marks a field as held in ZIP64 (0xFFFF…) but there is no ZIP64 end record locator before it",
            );
        }
        if disk != 0 || cd_disk != 0 || disk_entries != entries {
            return refuse(
                C::MultiDisk,
                archive,
                self.at,
                format!(
                    "disk {disk}, central directory on disk {cd_disk}, {disk_entries} of {entries} entries on this disk: split archives are refused"
                ),
            );
        }
        Ok(End {
            comment: self.comment,
            entries: u64::from(entries),
            cd_offset: u64::from(self.cd_offset),
            cd_size: u64::from(self.cd_size),
            cd_end: self.at,
        })
    }

    /// Does every field agree with the ZIP64 record (or is marked 0xFFFF…)?
    fn agrees_with(&self, z: &Zip64Record) -> bool {
        let agree16 = |v: u16, big: u64| v == MAX16 || u64::from(v) == big;
        let agree32 = |v: u32, big: u64| v == MAX32 || u64::from(v) == big;
        agree16(self.disk, u64::from(z.disk))
            && agree16(self.cd_disk, u64::from(z.cd_disk))
            && agree16(self.disk_entries, z.disk_entries)
            && agree16(self.entries, z.entries)
            && agree32(self.cd_size, z.cd_size)
            && agree32(self.cd_offset, z.cd_offset)
    }
}

/// The ZIP64 end record and locator (APPNOTE 4.3.14–4.3.15); the 16- and
/// 32-bit fields of the end record must be the sentinel or the same value.
fn read_zip64_end(
    blocks: &mut Blocks<'_>,
    archive: &str,
    locator: u64,
    record: &EndRecord,
) -> Result<End> {
    let record_at = read_locator(blocks, archive, locator)?;
    let z = read_zip64_record(blocks, archive, record_at, locator)?;
    let (disk, cd_disk, disk_entries, entries) = (z.disk, z.cd_disk, z.disk_entries, z.entries);
    let (cd_size, cd_offset) = (z.cd_size, z.cd_offset);
    if disk != 0 || cd_disk != 0 || disk_entries != entries {
        return refuse(
            C::MultiDisk,
            archive,
            z.at,
            format!(
                "disk {disk}, central directory on disk {cd_disk}, {disk_entries} of {entries} entries on this disk"
            ),
        );
    }
    if !record.agrees_with(&z) {
        return refuse(
            C::Zip64,
            archive,
            z.at,
            format!(
                "the end record ({} entries, {} bytes at {}) and the ZIP64 end record ({entries} entries, {cd_size} bytes at {cd_offset}) disagree",
                record.entries, record.cd_size, record.cd_offset
            ),
        );
    }
    Ok(End {
        comment: 0,
        entries,
        cd_offset,
        cd_size,
        cd_end: z.at,
    })
}

/// The locator: one disk, the ZIP64 end record on it; returns where that
/// record starts.
fn read_locator(blocks: &mut Blocks<'_>, archive: &str, locator: u64) -> Result<u64> {
    let loc = Fields(blocks.bytes(locator, 20, archive, "the ZIP64 locator")?);
    let (record_disk, record_at, disks) = (loc.u32(4), loc.u64(8), loc.u32(16));
    if record_disk != 0 || disks != 1 {
        return refuse(
            C::MultiDisk,
            archive,
            locator,
            format!("the ZIP64 locator says {disks} disks, the record on disk {record_disk}"),
        );
    }
    Ok(record_at)
}

/// The ZIP64 end record at `record_at`: 56 bytes, no extensible data
/// sector, ending exactly where its locator starts.
fn read_zip64_record(
    blocks: &mut Blocks<'_>,
    archive: &str,
    record_at: u64,
    locator: u64,
) -> Result<Zip64Record> {
    let rec = blocks
        .bytes(record_at, 56, archive, "the ZIP64 end record")?
        .to_vec();
    let r = Fields(&rec);
    if r.u32(0) != ZIP64_EOCD_SIG {
        return refuse(
            C::Zip64,
            archive,
            record_at,
            "no ZIP64 end record where the locator points",
        );
    }
    if r.u64(4) != 44 {
        return refuse(
            C::Zip64,
            archive,
            record_at,
            format!(
                "the ZIP64 end record declares {} bytes after its size field, not 44 (an extensible data sector is refused)",
                r.u64(4)
            ),
        );
    }
    if record_at + 56 < locator {
        return refuse(
            C::Gap,
            archive,
            record_at + 56,
            format!(
                "{} bytes between the ZIP64 end record and its locator",
                locator - record_at - 56
            ),
        );
    }
    if record_at + 56 > locator {
        return refuse(
            C::OverlappingEntries,
            archive,
            record_at,
            "the ZIP64 end record overlaps its locator",
        );
    }
    Ok(Zip64Record {
        at: record_at,
        disk: r.u32(16),
        cd_disk: r.u32(20),
        disk_entries: r.u64(24),
        entries: r.u64(32),
        cd_size: r.u64(40),
        cd_offset: r.u64(48),
    })
}

/// The central directory ends exactly where the end records start.
fn check_central_span(end: End, archive: &str) -> Result<End> {
    let cd_stop = end.cd_offset.checked_add(end.cd_size);
    match cd_stop {
        Some(stop) if stop == end.cd_end => Ok(end),
        Some(stop) if stop < end.cd_end => refuse(
            C::Gap,
            archive,
            stop,
            format!(
                "{} bytes between the central directory and the end records",
                end.cd_end - stop
            ),
        ),
        _ => refuse(
            C::OverlappingEntries,
            archive,
            end.cd_offset,
            format!(
                "the central directory ({} bytes at {}) runs into the end records at {}",
                end.cd_size, end.cd_offset, end.cd_end
            ),
        ),
    }
}
