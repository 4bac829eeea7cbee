//! The entries in file order (APPNOTE 4.3.7–4.3.9): each local header
//! against its central entry, its data, its data descriptor, and nothing
//! between one entry's end and the next one's start.

use super::central::check_central_rules;
use super::extra::{self, ZIP64_EXTRA};
use super::{Blocks, C, Central, End, Entry, Fields, MAX32, Result, refuse};

const LOCAL_SIG: u32 = 0x0403_4b50;
const DESCRIPTOR_SIG: u32 = 0x0807_4b50;

/// Walks the local headers in file order from offset 0, each checked
/// against its central entry, up to the central directory.
pub(super) fn check_locals(
    blocks: &mut Blocks<'_>,
    archive: &str,
    end: &End,
    centrals: Vec<Central>,
) -> Result<Vec<Entry>> {
    for c in &centrals {
        check_central_rules(c)?;
    }
    let mut order: Vec<usize> = (0..centrals.len()).collect();
    order.sort_by_key(|&i| (centrals[i].local_at, i));
    let mut entries: Vec<Option<Entry>> = vec![None; centrals.len()];
    let mut pos = 0u64;
    let mut previous: Option<&str> = None;
    for i in order {
        let c = &centrals[i];
        check_starts_at(c, pos, previous)?;
        let entry = check_local(blocks, c, end.cd_offset)?;
        pos = entry.1;
        entries[i] = Some(entry.0);
        previous = Some(&c.shown);
    }
    if pos < end.cd_offset {
        let code = if previous.is_none() {
            C::PrependedData
        } else {
            C::Gap
        };
        return refuse(
            code,
            archive,
            pos,
            format!(
                "{} bytes between the last entry and the central directory",
                end.cd_offset - pos
            ),
        );
    }
    Ok(entries.into_iter().flatten().collect())
}

/// An entry's local header starts exactly where the one before it (named
/// `previous`, none for the first) ended, at `pos`.
fn check_starts_at(c: &Central, pos: u64, previous: Option<&str>) -> Result<()> {
    if c.local_at > pos {
        return match previous {
            None => refuse(
                C::PrependedData,
                &c.shown,
                0,
                format!("{} bytes before the first local header", c.local_at),
            ),
            Some(p) => refuse(
                C::Gap,
                &c.shown,
                pos,
                format!(
                    "{} bytes between {p} and the local header of {}",
                    c.local_at - pos,
                    c.shown
                ),
            ),
        };
    }
    if c.local_at < pos {
        return refuse(
            C::OverlappingEntries,
            &c.shown,
            c.local_at,
            format!(
                "its local header starts inside {}",
                previous.unwrap_or("another entry")
            ),
        );
    }
    Ok(())
}

/// A field of the local header that differs from the central one.
fn mismatch(entry: &str, at: u64, field: &str, local: String, central: String) -> Result<()> {
    refuse(
        C::LocalHeaderMismatch,
        entry,
        at,
        format!("{field}: local header {local}, central directory {central}"),
    )
}

/// One local header against its central entry; returns the entry and the
/// offset where the next structure must start.
fn check_local(blocks: &mut Blocks<'_>, c: &Central, cd_offset: u64) -> Result<(Entry, u64)> {
    let (entry, at) = (c.shown.as_str(), c.local_at);
    let head = blocks.bytes(at, 30, entry, "the local header")?.to_vec();
    let l = Fields(&head);
    if l.u32(0) != LOCAL_SIG {
        return refuse(
            C::LocalHeaderMismatch,
            entry,
            at,
            "no local header where the central directory points",
        );
    }
    compare_fixed_fields(c, &l)?;
    let (n, m) = (usize::from(l.u16(26)), usize::from(l.u16(28)));
    let rest = blocks
        .bytes(at + 30, n + m, entry, "the local name and extra field")?
        .to_vec();
    if rest[..n] != c.name[..] {
        mismatch(
            entry,
            at,
            "name",
            format!("{:?}", String::from_utf8_lossy(&rest[..n])),
            format!("{entry:?}"),
        )?;
    }
    let extras = extra::parse_extra(&rest[n..], entry, at)?;
    extra::check_unicode_path(&extras, &c.name, entry, at)?;
    let zip64 = local_zip64(&extras, &l, entry, at)?;
    compare_crc_and_sizes(c, &l, zip64)?;
    let data_offset = at + 30 + (n + m) as u64;
    let data_end = data_offset
        .checked_add(c.compressed)
        .filter(|&e| e <= cd_offset);
    let Some(data_end) = data_end else {
        return refuse(
            C::OverlappingEntries,
            entry,
            data_offset,
            format!(
                "its {} bytes of data run into the central directory at {cd_offset}",
                c.compressed
            ),
        );
    };
    let next = if c.has_descriptor() {
        data_end + read_descriptor(blocks, c, data_end, cd_offset, zip64.is_some())?
    } else {
        data_end
    };
    Ok((c.entry(data_offset), next))
}

/// The local header's version, flags, method, time and date equal the
/// central ones.
fn compare_fixed_fields(c: &Central, l: &Fields<'_>) -> Result<()> {
    let (entry, at) = (c.shown.as_str(), c.local_at);
    for (field, local, central) in [
        ("version needed", l.u16(4), c.needed),
        ("flags", l.u16(6), c.flags),
        ("method", l.u16(8), c.method),
        ("time", l.u16(10), c.time),
        ("date", l.u16(12), c.date),
    ] {
        if local != central {
            mismatch(
                entry,
                at,
                field,
                format!("0x{local:04x}"),
                format!("0x{central:04x}"),
            )?;
        }
    }
    Ok(())
}

/// The local CRC-32 and sizes (`zip64`: the local ZIP64 field's
/// uncompressed and compressed sizes) equal the central ones.
fn compare_crc_and_sizes(c: &Central, l: &Fields<'_>, zip64: Option<(u64, u64)>) -> Result<()> {
    let (entry, at) = (c.shown.as_str(), c.local_at);
    let (crc, compressed, size) = (
        l.u32(14),
        zip64.map_or(u64::from(l.u32(18)), |z| z.1),
        zip64.map_or(u64::from(l.u32(22)), |z| z.0),
    );
    // With a data descriptor the local values may be left zero (APPNOTE
    // 4.4.4); any value given must still be the central one.
    let descriptor = c.has_descriptor();
    let agrees = |local: u64, central: u64| local == central || (descriptor && local == 0);
    if !agrees(u64::from(crc), u64::from(c.crc)) {
        mismatch(
            entry,
            at,
            "CRC-32",
            format!("{crc:08x}"),
            format!("{:08x}", c.crc),
        )?;
    }
    if !agrees(compressed, c.compressed) {
        mismatch(
            entry,
            at,
            "compressed size",
            compressed.to_string(),
            c.compressed.to_string(),
        )?;
    }
    if !agrees(size, c.size) {
        mismatch(entry, at, "size", size.to_string(), c.size.to_string())?;
    }
    Ok(())
}

/// The local ZIP64 field: both sizes (16 bytes, APPNOTE 4.5.3), with both
/// 32-bit sizes of the local header marked 0xFFFFFFFF (or zero before a
/// data descriptor).
fn local_zip64(
    extras: &[(u16, &[u8])],
    l: &Fields<'_>,
    entry: &str,
    at: u64,
) -> Result<Option<(u64, u64)>> {
    let Some(data) = extra::find(extras, ZIP64_EXTRA) else {
        if l.u32(18) == MAX32 || l.u32(22) == MAX32 {
            return refuse(
                C::Zip64,
                entry,
                at,
                "a local size marked 0xFFFFFFFF but no ZIP64 extra field",
            );
        }
        return Ok(None);
    };
    if data.len() != 16 {
        return refuse(
            C::BadExtraField,
            entry,
            at,
            format!(
                "a local ZIP64 extra field of {} bytes; it holds exactly both sizes (16)",
                data.len()
            ),
        );
    }
    let marked = |v: u32| v == MAX32 || v == 0;
    if !(marked(l.u32(18)) && marked(l.u32(22))) {
        return refuse(
            C::Zip64,
            entry,
            at,
            "a local ZIP64 extra field while the local sizes are not marked 0xFFFFFFFF",
        );
    }
    let z = Fields(data);
    Ok(Some((z.u64(0), z.u64(8))))
}

/// The data descriptor after an entry's data (APPNOTE 4.3.9): an optional
/// signature, then CRC-32 and both sizes (8 bytes each for a ZIP64 entry),
/// equal to the central entry's. Returns its length.
fn read_descriptor(
    blocks: &mut Blocks<'_>,
    c: &Central,
    at: u64,
    cd_offset: u64,
    zip64: bool,
) -> Result<u64> {
    let entry = c.shown.as_str();
    let width = if zip64 { 8 } else { 4 };
    let room = (cd_offset - at).min(4 + 4 + 2 * width as u64) as usize;
    let bytes = blocks
        .bytes(at, room, entry, "the data descriptor")?
        .to_vec();
    let f = Fields(&bytes);
    let parse = |from: usize| -> Option<(u32, u64, u64)> {
        if bytes.len() < from + 4 + 2 * width {
            return None;
        }
        let size = |i: usize| {
            if zip64 { f.u64(i) } else { u64::from(f.u32(i)) }
        };
        Some((f.u32(from), size(from + 4), size(from + 4 + width)))
    };
    let expected = (c.crc, c.compressed, c.size);
    // With a signature, unless the CRC itself equals it and the unsigned
    // reading is the one that matches.
    let signed = f.u32(0) == DESCRIPTOR_SIG && parse(4) == Some(expected);
    let unsigned = parse(0) == Some(expected);
    if signed {
        Ok(4 + 4 + 2 * width as u64)
    } else if unsigned {
        Ok(4 + 2 * width as u64)
    } else {
        refuse(
            C::DataDescriptor,
            entry,
            at,
            format!(
                "no data descriptor with CRC-32 {:08x}, {} and {} bytes after the entry's data",
                c.crc, c.compressed, c.size
            ),
        )
    }
}
