//! The RFC 3161 and RFC 5035 structures (time-stamp request, response,
//! TSTInfo, ESS signing-certificate attributes) as `der` types, and the OIDs
//! the time-stamp module recognises.
//!
//! `x509-tsp` 0.1 defines most of these, but on `der` 0.7; the crate is on
//! `der` 0.8 (with `x509-cert` 0.3 and `cms` 0.3), so they are written here.
//! Every structure decodes strict DER: a TSA reply that is not DER is refused.

use der::asn1::{Int, ObjectIdentifier, OctetString};
use der::{
    DecodeValue, EncodeValue, FixedTag, Header, Length, Reader, Sequence, Tag, Writer, asn1::Any,
};
use spki::AlgorithmIdentifierOwned;
use time::OffsetDateTime;
use x509_cert::ext::Extensions;
use x509_cert::ext::pkix::name::{GeneralName, GeneralNames};
use x509_cert::serial_number::SerialNumber;

/// OIDs used by the module (spelled out so that each is checked against its RFC).
pub(crate) mod oid {
    use der::asn1::ObjectIdentifier as Oid;

    /// id-signedData (RFC 5652 §5.1).
    pub const SIGNED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.2");
    /// id-ct-TSTInfo (RFC 3161 §2.4.2).
    pub const TST_INFO: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.1.4");
    /// id-contentType (RFC 5652 §11.1).
    pub const CONTENT_TYPE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.3");
    /// id-messageDigest (RFC 5652 §11.2).
    pub const MESSAGE_DIGEST: Oid = Oid::new_unwrap("1.2.840.113549.1.9.4");
    /// id-aa-signingCertificate (RFC 2634 §5.4).
    pub const SIGNING_CERTIFICATE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.12");
    /// id-aa-signingCertificateV2 (RFC 5035 §3).
    pub const SIGNING_CERTIFICATE_V2: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.47");
    /// id-ce-extKeyUsage (RFC 5280 §4.2.1.12).
    pub const EXT_KEY_USAGE: Oid = Oid::new_unwrap("2.5.29.37");
    /// id-kp-timeStamping (RFC 5280 §4.2.1.12).
    pub const KP_TIME_STAMPING: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.8");

    /// SHA-1 (RFC 3279).
    pub const SHA1: Oid = Oid::new_unwrap("1.3.14.3.2.26");
    /// SHA-256 (RFC 5754).
    pub const SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");
    /// SHA-384 (RFC 5754).
    pub const SHA384: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.2");
    /// SHA-512 (RFC 5754).
    pub const SHA512: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.3");

    /// rsaEncryption (RFC 8017): PKCS #1 v1.5 with the SignerInfo's digest.
    pub const RSA_ENCRYPTION: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
    /// id-mgf1 (RFC 8017).
    pub const MGF1: Oid = Oid::new_unwrap("1.2.840.113549.1.1.8");
    /// id-RSASSA-PSS (RFC 8017).
    pub const RSASSA_PSS: Oid = Oid::new_unwrap("1.2.840.113549.1.1.10");
    /// sha256WithRSAEncryption (RFC 8017).
    pub const SHA256_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.11");
    /// sha384WithRSAEncryption (RFC 8017).
    pub const SHA384_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.12");
    /// sha512WithRSAEncryption (RFC 8017).
    pub const SHA512_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.13");
    /// id-ecPublicKey (RFC 5480).
    pub const EC_PUBLIC_KEY: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
    /// secp256r1 (RFC 5480).
    pub const SECP256R1: Oid = Oid::new_unwrap("1.2.840.10045.3.1.7");
    /// secp384r1 (RFC 5480).
    pub const SECP384R1: Oid = Oid::new_unwrap("1.3.132.0.34");
    /// ecdsa-with-SHA256 (RFC 5758).
    pub const ECDSA_WITH_SHA256: Oid = Oid::new_unwrap("1.2.840.10045.4.3.2");
    /// ecdsa-with-SHA384 (RFC 5758).
    pub const ECDSA_WITH_SHA384: Oid = Oid::new_unwrap("1.2.840.10045.4.3.3");
    /// ecdsa-with-SHA512 (RFC 5758).
    pub const ECDSA_WITH_SHA512: Oid = Oid::new_unwrap("1.2.840.10045.4.3.4");

    /// Certificate extensions this module understands (RFC 5280 §4.2): a
    /// critical extension not in this list makes a certificate unusable.
    pub const KNOWN_CERTIFICATE_EXTENSIONS: &[Oid] = &[
        Oid::new_unwrap("2.5.29.14"),         // subjectKeyIdentifier
        Oid::new_unwrap("2.5.29.15"),         // keyUsage
        Oid::new_unwrap("2.5.29.17"),         // subjectAltName
        Oid::new_unwrap("2.5.29.18"),         // issuerAltName
        Oid::new_unwrap("2.5.29.19"),         // basicConstraints
        Oid::new_unwrap("2.5.29.31"),         // cRLDistributionPoints
        Oid::new_unwrap("2.5.29.32"),         // certificatePolicies (any policy is accepted)
        Oid::new_unwrap("2.5.29.35"),         // authorityKeyIdentifier
        Oid::new_unwrap("2.5.29.37"),         // extKeyUsage
        Oid::new_unwrap("1.3.6.1.5.5.7.1.1"), // authorityInfoAccess
    ];
}

/// `PKIStatusInfo` (RFC 3161 §2.4.2; `PKIFreeText` from RFC 4210).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub(crate) struct PkiStatusInfo {
    pub status: Int,
    #[asn1(optional = "true")]
    pub status_string: Option<Vec<String>>,
    #[asn1(optional = "true")]
    pub fail_info: Option<der::asn1::BitString>,
}

/// `TimeStampResp` (RFC 3161 §2.4.2); the token is a CMS `ContentInfo`.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub(crate) struct TimeStampResp {
    pub status: PkiStatusInfo,
    #[asn1(optional = "true")]
    pub time_stamp_token: Option<cms::content_info::ContentInfo>,
}

/// `MessageImprint` (RFC 3161 §2.4.1).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub(crate) struct MessageImprint {
    pub hash_algorithm: AlgorithmIdentifierOwned,
    pub hashed_message: OctetString,
}

/// `TimeStampReq` (RFC 3161 §2.4.1).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub(crate) struct TimeStampReq {
    pub version: u8,
    pub message_imprint: MessageImprint,
    #[asn1(optional = "true")]
    pub req_policy: Option<ObjectIdentifier>,
    #[asn1(optional = "true")]
    pub nonce: Option<der::asn1::Uint>,
    #[asn1(default = "Default::default")]
    pub cert_req: bool,
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT", optional = "true")]
    pub extensions: Option<Extensions>,
}

/// `Accuracy` (RFC 3161 §2.4.2). The fields are kept as read so that an
/// out-of-range value is refused as `timestamp.accuracy`, not as a parse error.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub(crate) struct Accuracy {
    #[asn1(optional = "true")]
    pub seconds: Option<Int>,
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT", optional = "true")]
    pub millis: Option<Int>,
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    pub micros: Option<Int>,
}

/// `TSTInfo` (RFC 3161 §2.4.2).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub(crate) struct TstInfo {
    pub version: Int,
    pub policy: ObjectIdentifier,
    pub message_imprint: MessageImprint,
    pub serial_number: Int,
    pub gen_time: GenTime,
    #[asn1(optional = "true")]
    pub accuracy: Option<Accuracy>,
    #[asn1(default = "Default::default")]
    pub ordering: bool,
    #[asn1(optional = "true")]
    pub nonce: Option<Int>,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    pub tsa: Option<GeneralName>,
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    pub extensions: Option<Extensions>,
}

/// `IssuerSerial` (RFC 5035 §4).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub(crate) struct IssuerSerial {
    pub issuer: GeneralNames,
    pub serial_number: SerialNumber,
}

/// `ESSCertID` (RFC 2634 §5.4.1): a SHA-1 hash of the certificate.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub(crate) struct EssCertId {
    pub cert_hash: OctetString,
    #[asn1(optional = "true")]
    pub issuer_serial: Option<IssuerSerial>,
}

/// `SigningCertificate` (RFC 2634 §5.4).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub(crate) struct SigningCertificate {
    pub certs: Vec<EssCertId>,
    #[asn1(optional = "true")]
    pub policies: Option<Vec<Any>>,
}

/// `ESSCertIDv2` (RFC 5035 §4): an absent hash algorithm is the DEFAULT,
/// `{ algorithm id-sha256 }`.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub(crate) struct EssCertIdV2 {
    #[asn1(optional = "true")]
    pub hash_algorithm: Option<AlgorithmIdentifierOwned>,
    pub cert_hash: OctetString,
    #[asn1(optional = "true")]
    pub issuer_serial: Option<IssuerSerial>,
}

/// `SigningCertificateV2` (RFC 5035 §3).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub(crate) struct SigningCertificateV2 {
    pub certs: Vec<EssCertIdV2>,
    #[asn1(optional = "true")]
    pub policies: Option<Vec<Any>>,
}

/// A `GeneralizedTime` as RFC 3161 §2.4.2 allows it in `genTime`:
/// `YYYYMMDDhhmmss[.s…]Z`, the fraction without trailing zeros (at most nine
/// digits here). `der`'s own `GeneralizedTime` refuses fractions.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub(crate) struct GenTime(pub OffsetDateTime);

impl FixedTag for GenTime {
    const TAG: Tag = Tag::GeneralizedTime;
}

impl<'a> DecodeValue<'a> for GenTime {
    type Error = der::Error;

    fn decode_value<R: Reader<'a>>(reader: &mut R, header: Header) -> der::Result<Self> {
        let bytes = reader.read_slice(header.length())?;
        parse_gen_time(bytes)
            .map(GenTime)
            .ok_or_else(|| der::Error::from(Tag::GeneralizedTime.value_error()))
    }
}

impl EncodeValue for GenTime {
    fn value_len(&self) -> der::Result<Length> {
        Length::try_from(format_gen_time(self.0).len())
    }

    fn encode_value(&self, writer: &mut impl Writer) -> der::Result<()> {
        writer.write(format_gen_time(self.0).as_bytes())
    }
}

fn parse_gen_time(bytes: &[u8]) -> Option<OffsetDateTime> {
    let (body, zulu) = bytes.split_at_checked(bytes.len().checked_sub(1)?)?;
    if zulu != b"Z" || body.len() < 14 {
        return None;
    }
    let (whole, fraction) = body.split_at(14);
    if !whole.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        std::str::from_utf8(whole.get(range)?).ok()?.parse().ok()
    };
    let year = i32::try_from(number(0..4)?).ok()?;
    let month = time::Month::try_from(u8::try_from(number(4..6)?).ok()?).ok()?;
    let date =
        time::Date::from_calendar_date(year, month, u8::try_from(number(6..8)?).ok()?).ok()?;
    let clock = time::Time::from_hms(
        u8::try_from(number(8..10)?).ok()?,
        u8::try_from(number(10..12)?).ok()?,
        u8::try_from(number(12..14)?).ok()?,
    )
    .ok()?;
    let nanos = match fraction {
        [] => 0,
        [b'.', digits @ ..] => {
            // DER: at least one digit, no trailing zero, and here at most nine.
            if digits.is_empty()
                || digits.len() > 9
                || digits.last() == Some(&b'0')
                || !digits.iter().all(u8::is_ascii_digit)
            {
                return None;
            }
            let value: u32 = std::str::from_utf8(digits).ok()?.parse().ok()?;
            value * 10u32.pow(9 - u32::try_from(digits.len()).ok()?)
        }
        _ => return None,
    };
    Some(
        date.with_time(clock.replace_nanosecond(nanos).ok()?)
            .assume_utc(),
    )
}

fn format_gen_time(at: OffsetDateTime) -> String {
    let mut text = format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    );
    if at.nanosecond() != 0 {
        let fraction = format!("{:09}", at.nanosecond());
        text.push('.');
        text.push_str(fraction.trim_end_matches('0'));
    }
    text.push('Z');
    text
}

/// The value of a DER INTEGER (two's complement, big-endian) when it fits in an `i64`.
pub(crate) fn int_to_i64(value: &Int) -> Option<i64> {
    let bytes = value.as_bytes();
    if bytes.is_empty() || bytes.len() > 8 {
        return None;
    }
    let fill = if bytes[0] & 0x80 != 0 { 0xff } else { 0 };
    let mut buf = [fill; 8];
    buf[8 - bytes.len()..].copy_from_slice(bytes);
    Some(i64::from_be_bytes(buf))
}

/// The magnitude of a non-negative DER INTEGER, without leading zero bytes;
/// `None` for a negative one.
pub(crate) fn int_magnitude(value: &Int) -> Option<&[u8]> {
    let bytes = value.as_bytes();
    if bytes.first().is_some_and(|b| b & 0x80 != 0) {
        return None;
    }
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    Some(&bytes[start..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use der::{Decode, Encode};

    fn gen_time(text: &str) -> Option<OffsetDateTime> {
        let mut der = vec![0x18, u8::try_from(text.len()).unwrap()];
        der.extend_from_slice(text.as_bytes());
        GenTime::from_der(&der).ok().map(|t| t.0)
    }

    #[test]
    fn gen_time_with_and_without_fraction() {
        assert_eq!(
            gen_time("20260227100000Z"),
            Some(time::macros::datetime!(2026-02-27 10:00 UTC))
        );
        assert_eq!(
            gen_time("20260227100000.25Z"),
            Some(time::macros::datetime!(2026-02-27 10:00:00.25 UTC))
        );
        assert_eq!(
            gen_time("20260227100000.123456789Z"),
            Some(time::macros::datetime!(2026-02-27 10:00:00.123456789 UTC))
        );
    }

    #[test]
    fn gen_time_refuses_what_der_refuses() {
        for bad in [
            "20260227100000",
            "20260227100000.Z",
            "20260227100000.50Z",
            "20260227100000.1234567891Z",
            "202602271000Z",
            "20261327100000Z",
            "20260227100000+0100",
            "2026022710000aZ",
            "20260227100000,5Z",
            "",
            "Z",
        ] {
            assert_eq!(gen_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn gen_time_round_trips() {
        for text in [
            "20260227100000Z",
            "20260227100000.5Z",
            "19991231235959.000001Z",
        ] {
            let mut der = vec![0x18, u8::try_from(text.len()).unwrap()];
            der.extend_from_slice(text.as_bytes());
            assert_eq!(GenTime::from_der(&der).unwrap().to_der().unwrap(), der);
        }
    }

    #[test]
    fn integers() {
        let int = |b: &[u8]| Int::new(b).unwrap();
        assert_eq!(int_to_i64(&int(&[0x01])), Some(1));
        assert_eq!(int_to_i64(&int(&[0xff])), Some(-1));
        assert_eq!(int_to_i64(&int(&[0x00, 0x80])), Some(128));
        assert_eq!(int_to_i64(&int(&[1; 9])), None);
        assert_eq!(int_magnitude(&int(&[0x00, 0x80])), Some(&[0x80][..]));
        assert_eq!(int_magnitude(&int(&[0x80])), None);
        assert_eq!(int_magnitude(&int(&[0x00])), Some(&[][..]));
    }
}
