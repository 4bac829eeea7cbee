//! A corpus of hostile zip archives, built byte by byte so that each one
//! carries exactly the defect it is named after.
#![allow(dead_code)]

/// One entry of a crafted archive.
#[derive(Clone)]
pub struct Raw {
    pub name: Vec<u8>,
    pub data: Vec<u8>,
    pub method: u16,
    pub flags: u16,
    /// Unix mode (file type and permissions) for the external attributes.
    pub mode: u32,
    /// Sizes to declare instead of the real ones.
    pub declared_size: Option<u32>,
    /// Name to put in the local header instead of `name`.
    pub local_name: Option<Vec<u8>>,
}

impl Raw {
    pub fn file(name: &str, data: &[u8]) -> Self {
        Self {
            name: name.as_bytes().to_vec(),
            data: data.to_vec(),
            method: 0,
            flags: 0x0800,
            mode: 0o100644,
            declared_size: None,
            local_name: None,
        }
    }
}

pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// Builds the archive. `central_offsets` may point several central entries
/// at the same local header (overlap).
pub fn build(entries: &[Raw], share_first_local: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let mut offsets = Vec::new();
    for e in entries {
        offsets.push(out.len() as u32);
        let name = e.local_name.as_ref().unwrap_or(&e.name);
        let size = e.declared_size.unwrap_or(e.data.len() as u32);
        out.extend(0x0403_4b50u32.to_le_bytes());
        out.extend(20u16.to_le_bytes());
        out.extend(e.flags.to_le_bytes());
        out.extend(e.method.to_le_bytes());
        out.extend([0, 0, 0x21, 0]); // time, date (1980-01-01)
        out.extend(crc32(&e.data).to_le_bytes());
        out.extend((e.data.len() as u32).to_le_bytes());
        out.extend(size.to_le_bytes());
        out.extend((name.len() as u16).to_le_bytes());
        out.extend(0u16.to_le_bytes());
        out.extend(name);
        out.extend(&e.data);
    }
    let cd_start = out.len() as u32;
    for (i, e) in entries.iter().enumerate() {
        let size = e.declared_size.unwrap_or(e.data.len() as u32);
        out.extend(0x0201_4b50u32.to_le_bytes());
        out.extend(((3u16 << 8) | 20).to_le_bytes());
        out.extend(20u16.to_le_bytes());
        out.extend(e.flags.to_le_bytes());
        out.extend(e.method.to_le_bytes());
        out.extend([0, 0, 0x21, 0]);
        out.extend(crc32(&e.data).to_le_bytes());
        out.extend((e.data.len() as u32).to_le_bytes());
        out.extend(size.to_le_bytes());
        out.extend((e.name.len() as u16).to_le_bytes());
        out.extend([0, 0, 0, 0, 0, 0, 0, 0]); // extra, comment, disk, internal attrs
        out.extend((e.mode << 16).to_le_bytes());
        let offset = if share_first_local && i > 0 {
            offsets[0]
        } else {
            offsets[i]
        };
        out.extend(offset.to_le_bytes());
        out.extend(&e.name);
    }
    let cd_size = out.len() as u32 - cd_start;
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend([0, 0, 0, 0]);
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend(cd_size.to_le_bytes());
    out.extend(cd_start.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

/// A minimal valid bag, as entries under `bag/`.
pub fn minimal_bag() -> Vec<Raw> {
    let data = b"hello";
    let manifest = format!(
        "{}  data/a.txt\n",
        docseal::digest::Sha256Digest::of_bytes(data).hex()
    );
    vec![
        Raw::file(
            "bag/bagit.txt",
            b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
        ),
        Raw::file("bag/data/a.txt", data),
        Raw::file("bag/manifest-sha256.txt", manifest.as_bytes()),
    ]
}
