//! The exact bytes inside a CMS `SignedData` that signatures and hashes are
//! computed over: decoding into types and re-encoding could change them (a
//! `SET OF` is re-sorted), so they are located by walking the TLVs.

use der::{Decode, Header, Reader, SliceReader, Tag, TagNumber};

/// The pieces of a `SignedData` (RFC 5652 §5.1), as their own TLV encodings.
pub(crate) struct SignedDataParts<'a> {
    /// `encapContentInfo`.
    pub encap_content_info: &'a [u8],
    /// Each element of `certificates` (any `CertificateChoices`).
    pub certificates: Vec<&'a [u8]>,
    /// Each element of `signerInfos`.
    pub signer_infos: Vec<&'a [u8]>,
}

/// The most certificates and SignerInfos read from one token.
pub(crate) const MAX_ELEMENTS: usize = 32;

/// Splits a `SignedData` TLV into its parts, checking the outline of
/// `SEQUENCE { INTEGER, SET, SEQUENCE, [0] OPTIONAL, [1] OPTIONAL, SET }`.
pub(crate) fn signed_data_parts(signed_data: &[u8]) -> der::Result<SignedDataParts<'_>> {
    let fields = elements_of(signed_data, Tag::Sequence, 6)?;
    let tag = |i: usize| fields.get(i).map(|f| f.0);
    if tag(0) != Some(Tag::Integer) || tag(1) != Some(Tag::Set) || tag(2) != Some(Tag::Sequence) {
        return Err(Tag::Sequence.value_error().into());
    }
    let mut next = 3;
    let mut certificates = Vec::new();
    if tag(next) == Some(context(0)) {
        certificates = values_of(fields[next].1, context(0), MAX_ELEMENTS)?;
        next += 1;
    }
    if tag(next) == Some(context(1)) {
        next += 1;
    }
    if tag(next) != Some(Tag::Set) || fields.len() != next + 1 {
        return Err(Tag::Sequence.value_error().into());
    }
    Ok(SignedDataParts {
        encap_content_info: fields[2].1,
        certificates,
        signer_infos: values_of(fields[next].1, Tag::Set, MAX_ELEMENTS)?,
    })
}

/// The DER of a SignerInfo's `signedAttrs` as it is signed: the `[0]
/// IMPLICIT` field with its tag replaced by `SET OF` (RFC 5652 §5.4).
/// `None` when the SignerInfo has no signed attributes.
pub(crate) fn signed_attributes_der(signer_info: &[u8]) -> der::Result<Option<Vec<u8>>> {
    let fields = elements_of(signer_info, Tag::Sequence, 7)?;
    // version, sid, digestAlgorithm, then signedAttrs when present.
    Ok(fields
        .get(3)
        .filter(|(tag, _)| *tag == context(0))
        .map(|(_, tlv)| {
            let mut der = tlv.to_vec();
            // The tag is one byte (0xA0 → 0x31); the length is unchanged.
            der[0] = 0x31;
            der
        }))
}

/// The `tbsCertificate` TLV of a certificate: what its issuer signed.
pub(crate) fn tbs_certificate(certificate: &[u8]) -> der::Result<&[u8]> {
    let fields = elements_of(certificate, Tag::Sequence, 3)?;
    match fields.first() {
        Some((Tag::Sequence, tlv)) if fields.len() == 3 => Ok(tlv),
        _ => Err(Tag::Sequence.value_error().into()),
    }
}

/// `[n]` constructed, context-specific.
fn context(number: u32) -> Tag {
    Tag::ContextSpecific {
        constructed: true,
        number: TagNumber(number),
    }
}

/// The (tag, TLV) of each element inside the TLV `outer`, which must carry
/// `tag` and hold at most `max` elements, with nothing after it.
fn elements_of(outer: &[u8], tag: Tag, max: usize) -> der::Result<Vec<(Tag, &[u8])>> {
    let mut reader = SliceReader::new(outer)?;
    let header = Header::decode(&mut reader)?;
    if header.tag() != tag {
        return Err(header.tag().unexpected_error(Some(tag)).into());
    }
    let value = reader.read_slice(header.length())?;
    reader.finish()?;
    let mut inner = SliceReader::new(value)?;
    let mut out = Vec::new();
    while !inner.is_finished() {
        if out.len() == max {
            return Err(tag.length_error().into());
        }
        let element_tag = Tag::peek(&inner)?;
        out.push((element_tag, inner.tlv_bytes()?));
    }
    Ok(out)
}

/// The TLV of each element inside `outer` (tag `tag`), at most `max`.
fn values_of(outer: &[u8], tag: Tag, max: usize) -> der::Result<Vec<&[u8]>> {
    Ok(elements_of(outer, tag, max)?
        .into_iter()
        .map(|(_, tlv)| tlv)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outline_is_checked() {
        // SEQUENCE { INTEGER 1, SET {}, SEQUENCE {}, SET { SEQUENCE {} } }
        let good = [
            0x30, 0x0b, 0x02, 0x01, 0x01, 0x31, 0x00, 0x30, 0x00, 0x31, 0x02, 0x30, 0x00,
        ];
        let parts = signed_data_parts(&good).unwrap();
        assert_eq!(parts.encap_content_info, &[0x30, 0x00]);
        assert!(parts.certificates.is_empty());
        assert_eq!(parts.signer_infos, vec![&[0x30, 0x00][..]]);
        // trailing bytes after the SEQUENCE
        let mut trailing = good.to_vec();
        trailing.push(0);
        assert!(signed_data_parts(&trailing).is_err());
        // the last field is not a SET
        let mut wrong = good;
        wrong[9] = 0x30;
        assert!(signed_data_parts(&wrong).is_err());
        // truncated
        assert!(signed_data_parts(&good[..good.len() - 1]).is_err());
    }

    #[test]
    fn signed_attributes_are_retagged() {
        // SEQUENCE { INTEGER 1, SEQUENCE {}, SEQUENCE {}, [0] { 05 00 }, ... }
        let info = [
            0x30, 0x0d, 0x02, 0x01, 0x01, 0x30, 0x00, 0x30, 0x00, 0xa0, 0x02, 0x05, 0x00, 0x30,
            0x00,
        ];
        assert_eq!(
            signed_attributes_der(&info).unwrap(),
            Some(vec![0x31, 0x02, 0x05, 0x00])
        );
        let without = [
            0x30, 0x09, 0x02, 0x01, 0x01, 0x30, 0x00, 0x30, 0x00, 0x30, 0x00,
        ];
        assert_eq!(signed_attributes_der(&without).unwrap(), None);
    }
}
