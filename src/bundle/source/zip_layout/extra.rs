//! Extra fields (APPNOTE 4.5), which central and local headers both carry:
//! their framing, and the Info-ZIP Unicode Path field.

use super::{C, Fields, Result, refuse};

/// The ZIP64 extended information field (APPNOTE 4.5.3).
pub(super) const ZIP64_EXTRA: u16 = 0x0001;
/// The strong encryption header (APPNOTE 4.5.12).
pub(super) const STRONG_ENCRYPTION_EXTRA: u16 = 0x0017;
const UNICODE_PATH_EXTRA: u16 = 0x7075;

/// An extra field as (id, data) pairs: exactly filled, no id twice.
pub(super) fn parse_extra<'b>(
    bytes: &'b [u8],
    entry: &str,
    at: u64,
) -> Result<Vec<(u16, &'b [u8])>> {
    let mut out: Vec<(u16, &[u8])> = Vec::new();
    let mut i = 0usize;
    while i < bytes.len() {
        let Some(head) = bytes.get(i..i + 4) else {
            return refuse(
                C::BadExtraField,
                entry,
                at,
                format!(
                    "{} stray bytes at the end of the extra field",
                    bytes.len() - i
                ),
            );
        };
        let f = Fields(head);
        let (id, size) = (f.u16(0), usize::from(f.u16(2)));
        let Some(data) = bytes.get(i + 4..i + 4 + size) else {
            return refuse(
                C::BadExtraField,
                entry,
                at,
                format!("extra field 0x{id:04x} declares {size} bytes, more than remain"),
            );
        };
        if out.iter().any(|(seen, _)| *seen == id) {
            return refuse(
                C::BadExtraField,
                entry,
                at,
                format!("extra field 0x{id:04x} appears twice"),
            );
        }
        out.push((id, data));
        i += 4 + size;
    }
    Ok(out)
}

/// The Info-ZIP Unicode Path field (0x7075) gives readers that honour it
/// another name: it is accepted only when it names the entry itself.
pub(super) fn check_unicode_path(
    extras: &[(u16, &[u8])],
    name: &[u8],
    shown: &str,
    at: u64,
) -> Result<()> {
    let Some((_, data)) = extras.iter().find(|(id, _)| *id == UNICODE_PATH_EXTRA) else {
        return Ok(());
    };
    let f = Fields(data);
    let same =
        data.len() >= 5 && data[0] == 1 && f.u32(1) == crc32fast::hash(name) && &data[5..] == name;
    if same {
        Ok(())
    } else {
        refuse(
            C::BadExtraField,
            shown,
            at,
            "a Unicode Path extra field (0x7075) that names another file",
        )
    }
}

/// The data of the field `id`, if the headers carry it.
pub(super) fn find<'b>(extras: &[(u16, &'b [u8])], id: u16) -> Option<&'b [u8]> {
    extras.iter().find(|(seen, _)| *seen == id).map(|(_, d)| *d)
}
