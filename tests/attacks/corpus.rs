//! A zip archive taken apart into its fields and put back together, so that
//! a hostile archive can be made from a valid, signed bundle by changing
//! exactly one thing: a field of one header, a few bytes between two
//! structures, one more entry. `parse(bytes).build(&Layout::default())`
//! gives back the same bytes (checked by the tests).
#![allow(dead_code, clippy::unwrap_used)]

/// One entry: its central fields, and the local header's where they differ.
#[derive(Clone, Debug)]
pub struct Raw {
    pub name: Vec<u8>,
    pub made_by: u16,
    pub needed: u16,
    pub flags: u16,
    pub method: u16,
    pub time: u16,
    pub date: u16,
    pub crc: u32,
    pub compressed: u32,
    pub size: u32,
    pub disk: u16,
    pub internal: u16,
    pub external: u32,
    pub central_extra: Vec<u8>,
    pub local_extra: Vec<u8>,
    pub comment: Vec<u8>,
    /// The compressed bytes.
    pub data: Vec<u8>,
    /// Bytes after the data (a data descriptor).
    pub descriptor: Vec<u8>,
    /// Local-header values that differ from the central ones.
    pub local: Local,
}

/// Overrides of the local header.
#[derive(Clone, Debug, Default)]
pub struct Local {
    pub name: Option<Vec<u8>>,
    pub needed: Option<u16>,
    pub flags: Option<u16>,
    pub method: Option<u16>,
    pub time: Option<u16>,
    pub date: Option<u16>,
    pub crc: Option<u32>,
    pub compressed: Option<u32>,
    pub size: Option<u32>,
    /// Another signature than the local header's.
    pub signature: Option<u32>,
}

impl Raw {
    /// A new Stored file with the writer's usual fields.
    pub fn stored(name: &str, data: &[u8]) -> Self {
        Self {
            name: name.as_bytes().to_vec(),
            made_by: (3 << 8) | 10,
            needed: 10,
            flags: if name.is_ascii() { 0 } else { 0x0800 },
            method: 0,
            time: 0,
            date: 0x21,
            crc: crc32fast::hash(data),
            compressed: data.len() as u32,
            size: data.len() as u32,
            disk: 0,
            internal: 0,
            external: 0o100_644 << 16,
            central_extra: Vec::new(),
            local_extra: Vec::new(),
            comment: Vec::new(),
            data: data.to_vec(),
            descriptor: Vec::new(),
            local: Local::default(),
        }
    }

    /// The same content Deflated.
    pub fn deflated(name: &str, data: &[u8], level: u32) -> Self {
        use std::io::Write;
        let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::new(level));
        e.write_all(data).unwrap();
        let packed = e.finish().unwrap();
        let mut raw = Self::stored(name, data);
        raw.method = 8;
        raw.made_by = (3 << 8) | 20;
        raw.needed = 20;
        raw.compressed = packed.len() as u32;
        raw.data = packed;
        raw
    }
}

/// The end record's fields, and what goes between the structures.
#[derive(Clone, Debug, Default)]
pub struct Layout {
    /// Bytes before the first local header (offsets shifted to match).
    pub prefix: Vec<u8>,
    /// Bytes after entry `i` (offsets after it shifted to match).
    pub after_entry: Option<(usize, Vec<u8>)>,
    /// Bytes between the central directory and the end records.
    pub after_cd: Vec<u8>,
    /// Bytes after the end record's comment.
    pub trailing: Vec<u8>,
    /// Central entry `j` points at entry `i`'s local header (and entry `j`
    /// has no local header of its own).
    pub share_local: Option<(usize, usize)>,
    /// End record overrides.
    pub disk: Option<u16>,
    pub count: Option<u16>,
    pub cd_size: Option<u32>,
    pub cd_offset: Option<u32>,
    /// Write ZIP64 end records (and mark the end record's fields 0xFFFF…).
    pub zip64_end: bool,
    /// Override the ZIP64 end record's entry count.
    pub zip64_count: Option<u64>,
    /// Override the ZIP64 end record's declared size (44).
    pub zip64_record_size: Option<u64>,
    /// Override the ZIP64 end record's disk number.
    pub zip64_record_disk: Option<u32>,
    /// Override the locator's count of disks (1).
    pub zip64_disks: Option<u32>,
    /// Bytes between the ZIP64 end record and its locator.
    pub zip64_gap: Vec<u8>,
    /// Added to the offset of the ZIP64 end record the locator gives.
    pub zip64_offset_delta: i64,
}

/// An archive: entries in order and the end record's comment.
#[derive(Clone, Debug)]
pub struct Archive {
    pub entries: Vec<Raw>,
    pub comment: Vec<u8>,
}

fn u16_at(b: &[u8], i: usize) -> u16 {
    u16::from_le_bytes([b[i], b[i + 1]])
}

fn u32_at(b: &[u8], i: usize) -> u32 {
    u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]])
}

/// Takes apart a well-formed archive without ZIP64 or data descriptors
/// (as docseal writes them).
pub fn parse(bytes: &[u8]) -> Archive {
    let eocd = bytes.len() - 22 - u16_at(bytes, bytes.len() - 2) as usize;
    assert_eq!(u32_at(bytes, eocd), 0x0605_4b50);
    let count = u16_at(bytes, eocd + 10) as usize;
    let mut at = u32_at(bytes, eocd + 16) as usize;
    let comment = bytes[eocd + 22..].to_vec();
    let mut entries = Vec::new();
    for _ in 0..count {
        let c = &bytes[at..];
        assert_eq!(u32_at(c, 0), 0x0201_4b50);
        let (n, m, k) = (
            u16_at(c, 28) as usize,
            u16_at(c, 30) as usize,
            u16_at(c, 32) as usize,
        );
        let local = u32_at(c, 42) as usize;
        let l = &bytes[local..];
        let (ln, lm) = (u16_at(l, 26) as usize, u16_at(l, 28) as usize);
        let compressed = u32_at(c, 20);
        let data_at = local + 30 + ln + lm;
        entries.push(Raw {
            name: c[46..46 + n].to_vec(),
            made_by: u16_at(c, 4),
            needed: u16_at(c, 6),
            flags: u16_at(c, 8),
            method: u16_at(c, 10),
            time: u16_at(c, 12),
            date: u16_at(c, 14),
            crc: u32_at(c, 16),
            compressed,
            size: u32_at(c, 24),
            disk: u16_at(c, 34),
            internal: u16_at(c, 36),
            external: u32_at(c, 38),
            central_extra: c[46 + n..46 + n + m].to_vec(),
            local_extra: l[30 + ln..30 + ln + lm].to_vec(),
            comment: c[46 + n + m..46 + n + m + k].to_vec(),
            data: bytes[data_at..data_at + compressed as usize].to_vec(),
            descriptor: Vec::new(),
            local: Local::default(),
        });
        at += 46 + n + m + k;
    }
    Archive { entries, comment }
}

impl Archive {
    /// The index of the entry whose name ends with `suffix`.
    pub fn find(&self, suffix: &str) -> usize {
        self.entries
            .iter()
            .position(|e| e.name.ends_with(suffix.as_bytes()))
            .unwrap_or_else(|| panic!("no entry ending {suffix}"))
    }

    /// Puts the archive together.
    pub fn build(&self, layout: &Layout) -> Vec<u8> {
        let mut out = layout.prefix.clone();
        let mut offsets = Vec::new();
        for (i, e) in self.entries.iter().enumerate() {
            if let Some((source, _)) = layout.share_local.filter(|(_, j)| *j == i) {
                offsets.push(offsets[source]);
                continue;
            }
            offsets.push(out.len() as u32);
            let name = e.local.name.as_ref().unwrap_or(&e.name);
            out.extend(e.local.signature.unwrap_or(0x0403_4b50).to_le_bytes());
            out.extend(e.local.needed.unwrap_or(e.needed).to_le_bytes());
            out.extend(e.local.flags.unwrap_or(e.flags).to_le_bytes());
            out.extend(e.local.method.unwrap_or(e.method).to_le_bytes());
            out.extend(e.local.time.unwrap_or(e.time).to_le_bytes());
            out.extend(e.local.date.unwrap_or(e.date).to_le_bytes());
            out.extend(e.local.crc.unwrap_or(e.crc).to_le_bytes());
            out.extend(e.local.compressed.unwrap_or(e.compressed).to_le_bytes());
            out.extend(e.local.size.unwrap_or(e.size).to_le_bytes());
            out.extend((name.len() as u16).to_le_bytes());
            out.extend((e.local_extra.len() as u16).to_le_bytes());
            out.extend(name);
            out.extend(&e.local_extra);
            out.extend(&e.data);
            out.extend(&e.descriptor);
            if let Some((_, gap)) = layout.after_entry.as_ref().filter(|(k, _)| *k == i) {
                out.extend(gap);
            }
        }
        let cd_start = out.len();
        for (i, e) in self.entries.iter().enumerate() {
            out.extend(0x0201_4b50u32.to_le_bytes());
            out.extend(e.made_by.to_le_bytes());
            out.extend(e.needed.to_le_bytes());
            out.extend(e.flags.to_le_bytes());
            out.extend(e.method.to_le_bytes());
            out.extend(e.time.to_le_bytes());
            out.extend(e.date.to_le_bytes());
            out.extend(e.crc.to_le_bytes());
            out.extend(e.compressed.to_le_bytes());
            out.extend(e.size.to_le_bytes());
            out.extend((e.name.len() as u16).to_le_bytes());
            out.extend((e.central_extra.len() as u16).to_le_bytes());
            out.extend((e.comment.len() as u16).to_le_bytes());
            out.extend(e.disk.to_le_bytes());
            out.extend(e.internal.to_le_bytes());
            out.extend(e.external.to_le_bytes());
            out.extend(offsets[i].to_le_bytes());
            out.extend(&e.name);
            out.extend(&e.central_extra);
            out.extend(&e.comment);
        }
        let cd_size = (out.len() - cd_start) as u32;
        out.extend(&layout.after_cd);
        let count = self.entries.len() as u16;
        let (mut count16, mut size32, mut offset32) = (count, cd_size, cd_start as u32);
        if layout.zip64_end {
            let record = out.len() as u64;
            out.extend(0x0606_4b50u32.to_le_bytes());
            out.extend(layout.zip64_record_size.unwrap_or(44).to_le_bytes());
            out.extend(((3u16 << 8) | 45).to_le_bytes());
            out.extend(45u16.to_le_bytes());
            out.extend(layout.zip64_record_disk.unwrap_or(0).to_le_bytes());
            out.extend(0u32.to_le_bytes());
            let n = layout.zip64_count.unwrap_or(u64::from(count));
            out.extend(n.to_le_bytes());
            out.extend(n.to_le_bytes());
            out.extend(u64::from(cd_size).to_le_bytes());
            out.extend((cd_start as u64).to_le_bytes());
            out.extend(&layout.zip64_gap);
            out.extend(0x0706_4b50u32.to_le_bytes());
            out.extend(0u32.to_le_bytes());
            out.extend(
                record
                    .saturating_add_signed(layout.zip64_offset_delta)
                    .to_le_bytes(),
            );
            out.extend(layout.zip64_disks.unwrap_or(1).to_le_bytes());
            (count16, size32, offset32) = (0xFFFF, 0xFFFF_FFFF, 0xFFFF_FFFF);
        }
        out.extend(0x0605_4b50u32.to_le_bytes());
        out.extend(layout.disk.unwrap_or(0).to_le_bytes());
        out.extend(layout.disk.unwrap_or(0).to_le_bytes());
        out.extend(layout.count.unwrap_or(count16).to_le_bytes());
        out.extend(layout.count.unwrap_or(count16).to_le_bytes());
        out.extend(layout.cd_size.unwrap_or(size32).to_le_bytes());
        out.extend(layout.cd_offset.unwrap_or(offset32).to_le_bytes());
        out.extend((self.comment.len() as u16).to_le_bytes());
        out.extend(&self.comment);
        out.extend(&layout.trailing);
        out
    }
}

/// The ZIP64 extra field with the given 8-byte values.
pub fn zip64_extra(values: &[u64]) -> Vec<u8> {
    let mut out = 0x0001u16.to_le_bytes().to_vec();
    out.extend(((values.len() * 8) as u16).to_le_bytes());
    for v in values {
        out.extend(v.to_le_bytes());
    }
    out
}

/// CRC-32 of `data` (for tests that build entries by hand).
pub fn crc32(data: &[u8]) -> u32 {
    crc32fast::hash(data)
}

impl Raw {
    /// A Stored file (the name other tests use).
    pub fn file(name: &str, data: &[u8]) -> Self {
        Self::stored(name, data)
    }
}

/// An archive of `entries`; with `share_first_local` the second central
/// entry points at the first one's local header (overlap).
pub fn build(entries: &[Raw], share_first_local: bool) -> Vec<u8> {
    Archive {
        entries: entries.to_vec(),
        comment: Vec::new(),
    }
    .build(&Layout {
        share_local: share_first_local.then_some((0, 1)),
        ..Layout::default()
    })
}
