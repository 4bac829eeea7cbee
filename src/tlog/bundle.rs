//! Entry bundles' bytes (C2SP tlog-tiles, docs/FORMAT.md §7.3): each entry as
//! a big-endian 16-bit length and the entry, one after the other.

use super::path::TILE_WIDTH;

/// The longest entry a bundle can hold: its length must fit in 16 bits.
pub const MAX_ENTRY_LEN: usize = u16::MAX as usize;

/// Why bytes are not an entry bundle of the expected width (or entries cannot
/// be one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BundleError {
    /// The bytes end inside entry `entry` (its length or its content), at
    /// `offset`.
    #[error("the bundle ends inside entry {entry} (at byte {offset})")]
    Truncated {
        /// Position of the cut entry in the bundle.
        entry: usize,
        /// Length of the bytes.
        offset: usize,
    },
    /// Bytes remain after the bundle's `width` entries.
    #[error("{extra} bytes follow the bundle's {width} entries")]
    TrailingBytes {
        /// Entries expected and read.
        width: usize,
        /// Bytes left over.
        extra: usize,
    },
    /// An entry longer than 65,535 bytes cannot be written.
    #[error("entry {entry} is {len} bytes; an entry bundle holds at most {MAX_ENTRY_LEN}")]
    EntryTooLong {
        /// Position of the entry.
        entry: usize,
        /// Its length.
        len: usize,
    },
    /// A bundle holds 1 to 256 entries.
    #[error("a bundle holds 1 to {TILE_WIDTH} entries, not {0}")]
    Width(usize),
}

/// The bundle of these entries (1 to 256 of them, each at most 65,535
/// bytes).
pub fn encode_bundle<E: AsRef<[u8]>>(entries: &[E]) -> Result<Vec<u8>, BundleError> {
    if entries.is_empty() || entries.len() > usize::from(TILE_WIDTH) {
        return Err(BundleError::Width(entries.len()));
    }
    let total: usize = entries.iter().map(|e| 2 + e.as_ref().len()).sum();
    let mut out = Vec::with_capacity(total);
    for (i, entry) in entries.iter().enumerate() {
        let entry = entry.as_ref();
        let len = u16::try_from(entry.len()).map_err(|_| BundleError::EntryTooLong {
            entry: i,
            len: entry.len(),
        })?;
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(entry);
    }
    Ok(out)
}

/// The `width` entries of a bundle, borrowed from its bytes; exactly `width`
/// entries and nothing after them.
pub fn decode_bundle(bytes: &[u8], width: usize) -> Result<Vec<&[u8]>, BundleError> {
    if width == 0 || width > usize::from(TILE_WIDTH) {
        return Err(BundleError::Width(width));
    }
    let mut entries = Vec::with_capacity(width);
    let mut rest = bytes;
    for entry in 0..width {
        let truncated = BundleError::Truncated {
            entry,
            offset: bytes.len(),
        };
        let (len, after) = rest.split_first_chunk::<2>().ok_or(truncated)?;
        let len = usize::from(u16::from_be_bytes(*len));
        let (content, after) = after.split_at_checked(len).ok_or(truncated)?;
        entries.push(content);
        rest = after;
    }
    if !rest.is_empty() {
        return Err(BundleError::TrailingBytes {
            width,
            extra: rest.len(),
        });
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// The bytes, pinned: lengths big-endian, entries as they are.
    #[test]
    fn encoding_is_pinned() {
        let entries: [&[u8]; 3] = [b"ab", b"", &[0xff; 0x102]];
        let bytes = encode_bundle(&entries).unwrap();
        assert_eq!(&bytes[..7], b"\x00\x02ab\x00\x00\x01");
        assert_eq!(bytes[7], 0x02);
        assert_eq!(bytes.len(), 2 + 2 + 2 + 2 + 0x102);
        assert_eq!(decode_bundle(&bytes, 3).unwrap(), entries);
        let longest = vec![7u8; MAX_ENTRY_LEN];
        let bytes = encode_bundle(&[&longest]).unwrap();
        assert_eq!(&bytes[..2], b"\xff\xff");
        assert_eq!(decode_bundle(&bytes, 1).unwrap(), [&longest[..]]);
    }

    #[test]
    fn refusals() {
        let bytes = encode_bundle(&[&b"abc"[..], b"de"]).unwrap();
        for cut in 0..bytes.len() {
            assert!(
                matches!(
                    decode_bundle(&bytes[..cut], 2),
                    Err(BundleError::Truncated { .. })
                ),
                "cut at {cut}"
            );
        }
        assert_eq!(
            decode_bundle(&bytes[..5], 2),
            Err(BundleError::Truncated {
                entry: 1,
                offset: 5
            })
        );
        assert_eq!(
            decode_bundle(&bytes, 1),
            Err(BundleError::TrailingBytes { width: 1, extra: 4 })
        );
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(
            decode_bundle(&longer, 2),
            Err(BundleError::TrailingBytes { width: 2, extra: 1 })
        );
        assert_eq!(decode_bundle(&bytes, 0), Err(BundleError::Width(0)));
        assert_eq!(decode_bundle(&bytes, 257), Err(BundleError::Width(257)));
        let too_long = vec![0u8; MAX_ENTRY_LEN + 1];
        assert_eq!(
            encode_bundle(&[&b"x"[..], &too_long]),
            Err(BundleError::EntryTooLong {
                entry: 1,
                len: MAX_ENTRY_LEN + 1
            })
        );
        assert_eq!(encode_bundle::<&[u8]>(&[]), Err(BundleError::Width(0)));
        assert_eq!(
            encode_bundle(&vec![b"x"; 257]),
            Err(BundleError::Width(257))
        );
        assert!(encode_bundle(&vec![b"x"; 256]).is_ok());
    }
}
