//! Reading a `TimeStampResp` into its parts, without trusting any of it:
//! the status, the CMS SignedData, its one SignerInfo and the TSTInfo.

use cms::content_info::ContentInfo;
use cms::signed_data::{EncapsulatedContentInfo, SignerInfo};
use der::{Decode as _, Encode as _, Tag, Tagged as _};
use time::OffsetDateTime;

use super::asn1::{TimeStampResp, TstInfo, int_to_i64, oid};
use super::chain::Cert;
use super::{HashAlgorithm, MAX_DER_BYTES, ObjectIdentifier, TokenCheck, TokenError};

/// The `PKIStatus` of a reply (RFC 3161 §2.4.2).
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
#[non_exhaustive]
pub enum PkiStatus {
    /// 0: the token is present, as requested.
    Granted,
    /// 1: the token is present, with modifications.
    GrantedWithMods,
    /// 2: refused.
    Rejection,
    /// 3: not yet processed.
    Waiting,
    /// 4: a revocation is imminent.
    RevocationWarning,
    /// 5: a revocation has occurred.
    RevocationNotification,
    /// Any other value.
    Other(i64),
}

impl PkiStatus {
    fn from_value(value: Option<i64>) -> Self {
        match value {
            Some(0) => Self::Granted,
            Some(1) => Self::GrantedWithMods,
            Some(2) => Self::Rejection,
            Some(3) => Self::Waiting,
            Some(4) => Self::RevocationWarning,
            Some(5) => Self::RevocationNotification,
            Some(other) => Self::Other(other),
            None => Self::Other(i64::MIN),
        }
    }

    /// Whether the status carries a token (RFC 3161: 0 or 1).
    pub fn is_granted(self) -> bool {
        matches!(self, Self::Granted | Self::GrantedWithMods)
    }
}

impl std::fmt::Display for PkiStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Granted => f.write_str("granted"),
            Self::GrantedWithMods => f.write_str("grantedWithMods"),
            Self::Rejection => f.write_str("rejection"),
            Self::Waiting => f.write_str("waiting"),
            Self::RevocationWarning => f.write_str("revocationWarning"),
            Self::RevocationNotification => f.write_str("revocationNotification"),
            Self::Other(value) => write!(f, "unknown status {value}"),
        }
    }
}

/// A reply read but not verified.
pub(crate) struct Reply {
    pub status: PkiStatus,
    /// The TSA's `statusString` and `failInfo`, for messages.
    pub status_text: String,
    pub token: Option<ContentInfo>,
}

/// A token taken apart, not verified.
pub(crate) struct Token {
    /// The DER of the TSTInfo (the eContent's octets).
    pub tst_der: Vec<u8>,
    pub tst: TstInfo,
    /// Every certificate in the token, with its bytes.
    pub certificates: Vec<Cert>,
    pub signer_info: SignerInfo,
    /// The signed attributes as signed (re-tagged `SET OF`), when present.
    pub signed_attrs_der: Option<Vec<u8>>,
}

fn fail(check: TokenCheck, message: impl Into<String>) -> TokenError {
    TokenError::new(check, message)
}

fn parse_error(what: &str, e: impl std::fmt::Display) -> TokenError {
    fail(TokenCheck::Parse, format!("{what}: {e}"))
}

/// Reads a `TimeStampResp` of at most [`MAX_DER_BYTES`].
pub(crate) fn read_reply(response_der: &[u8]) -> Result<Reply, TokenError> {
    if response_der.len() > MAX_DER_BYTES {
        return Err(fail(
            TokenCheck::Parse,
            format!(
                "the reply is {} bytes, over the limit of {MAX_DER_BYTES}",
                response_der.len()
            ),
        ));
    }
    let reply =
        TimeStampResp::from_der(response_der).map_err(|e| parse_error("not a TimeStampResp", e))?;
    let mut status_text: Vec<String> = reply.status.status_string.into_iter().flatten().collect();
    if let Some(bits) = reply.status.fail_info {
        let set: Vec<String> = bits
            .bits()
            .enumerate()
            .filter(|(_, on)| *on)
            .map(|(i, _)| fail_info_name(i))
            .collect();
        status_text.push(format!("failInfo: {}", set.join(", ")));
    }
    Ok(Reply {
        status: PkiStatus::from_value(int_to_i64(&reply.status.status)),
        status_text: status_text.join("; "),
        token: reply.time_stamp_token,
    })
}

/// The names of `PKIFailureInfo` bits (RFC 3161 §2.4.2).
fn fail_info_name(bit: usize) -> String {
    match bit {
        0 => "badAlg".into(),
        2 => "badRequest".into(),
        5 => "badDataFormat".into(),
        14 => "timeNotAvailable".into(),
        15 => "unacceptedPolicy".into(),
        16 => "unacceptedExtension".into(),
        17 => "addInfoNotAvailable".into(),
        25 => "systemFailure".into(),
        other => format!("bit {other}"),
    }
}

/// Takes a token (`ContentInfo`) apart: a SignedData over an id-ct-TSTInfo
/// with exactly one SignerInfo.
pub(crate) fn open_token(content_info: &ContentInfo) -> Result<Token, TokenError> {
    if content_info.content_type != oid::SIGNED_DATA {
        return Err(fail(
            TokenCheck::ContentType,
            format!(
                "the token's contentType is {}, expected id-signedData ({})",
                content_info.content_type,
                oid::SIGNED_DATA
            ),
        ));
    }
    let signed_data = content_info
        .content
        .to_der()
        .map_err(|e| parse_error("SignedData", e))?;
    let parts =
        super::raw::signed_data_parts(&signed_data).map_err(|e| parse_error("SignedData", e))?;
    let (tst_der, tst) = open_tst_info(parts.encap_content_info)?;
    let certificates = token_certificates(&parts.certificates)?;
    let [signer_info] = parts.signer_infos.as_slice() else {
        return Err(fail(
            TokenCheck::SignerCount,
            format!(
                "the token has {} SignerInfos, expected exactly one",
                parts.signer_infos.len()
            ),
        ));
    };
    let signed_attrs_der =
        super::raw::signed_attributes_der(signer_info).map_err(|e| parse_error("SignerInfo", e))?;
    let signer_info =
        SignerInfo::from_der(signer_info).map_err(|e| parse_error("SignerInfo", e))?;
    Ok(Token {
        tst_der,
        tst,
        certificates,
        signer_info,
        signed_attrs_der,
    })
}

/// The encapsulated content: an id-ct-TSTInfo, its DER and its fields.
fn open_tst_info(encap_content_info: &[u8]) -> Result<(Vec<u8>, TstInfo), TokenError> {
    let encap = EncapsulatedContentInfo::from_der(encap_content_info)
        .map_err(|e| parse_error("encapContentInfo", e))?;
    if encap.econtent_type != oid::TST_INFO {
        return Err(fail(
            TokenCheck::ContentType,
            format!(
                "the eContentType is {}, expected id-ct-TSTInfo ({})",
                encap.econtent_type,
                oid::TST_INFO
            ),
        ));
    }
    let econtent = encap
        .econtent
        .filter(|any| any.tag() == Tag::OctetString)
        .ok_or_else(|| fail(TokenCheck::Parse, "the eContent (TSTInfo) is missing"))?;
    let tst_der = econtent.value().to_vec();
    let tst = TstInfo::from_der(&tst_der).map_err(|e| parse_error("TSTInfo", e))?;
    Ok((tst_der, tst))
}

/// The token's certificates (CertificateChoices that are certificates).
fn token_certificates(certificates: &[&[u8]]) -> Result<Vec<Cert>, TokenError> {
    certificates
        .iter()
        // Other CertificateChoices (attribute certificates, …) play no part.
        .filter(|tlv| tlv.first() == Some(&0x30))
        .enumerate()
        .map(|(i, tlv)| Cert::from_der(tlv, &format!("token certificate {}", i + 1)))
        .collect()
}

/// What a reply says, read without verifying anything: for reports and
/// listings. Nothing in it is proven; [`super::verify`] proves it.
#[derive(Clone, Debug, Eq, PartialEq)]
#[non_exhaustive]
pub struct TokenSummary {
    /// The reply's status.
    pub status: PkiStatus,
    /// The TSTInfo's genTime (as the TSA claims it).
    pub gen_time: OffsetDateTime,
    /// The TSTInfo's policy.
    pub policy: ObjectIdentifier,
    /// The serial number, as the INTEGER's bytes.
    pub serial_number: Vec<u8>,
    /// The imprint's hash algorithm, when docseal knows it.
    pub imprint_algorithm: Option<HashAlgorithm>,
    /// The imprint's hashed message.
    pub hashed_message: Vec<u8>,
    /// The TSTInfo's `tsa` name, when present (rendered as text).
    pub tsa_name: Option<String>,
    /// The subject of the certificate the SignerInfo points to, when the
    /// token carries it.
    pub signer_subject: Option<String>,
}

/// Reads the reply and its TSTInfo without checking any signature.
pub fn inspect(response_der: &[u8]) -> Result<TokenSummary, TokenError> {
    let reply = read_reply(response_der)?;
    let content_info = reply.token.as_ref().ok_or_else(|| {
        fail(
            TokenCheck::Token,
            format!("the reply has no token (status {})", reply.status),
        )
    })?;
    let token = open_token(content_info)?;
    let signer_subject = super::verify::find_signer(&token)
        .ok()
        .map(|cert| cert.subject());
    let tst = &token.tst;
    Ok(TokenSummary {
        status: reply.status,
        gen_time: tst.gen_time.0,
        policy: tst.policy,
        serial_number: tst.serial_number.as_bytes().to_vec(),
        imprint_algorithm: HashAlgorithm::from_identifier(&tst.message_imprint.hash_algorithm),
        hashed_message: tst.message_imprint.hashed_message.as_bytes().to_vec(),
        tsa_name: tst.tsa.as_ref().map(general_name_text),
        signer_subject,
    })
}

/// A `GeneralName` as text: a directory name in RFC 4514 form, others tagged.
pub(crate) fn general_name_text(name: &x509_cert::ext::pkix::name::GeneralName) -> String {
    use x509_cert::ext::pkix::name::GeneralName;
    match name {
        GeneralName::DirectoryName(name) => name.to_string(),
        GeneralName::DnsName(dns) => format!("DNS:{}", dns.as_str()),
        GeneralName::UniformResourceIdentifier(uri) => format!("URI:{}", uri.as_str()),
        GeneralName::Rfc822Name(mail) => format!("email:{}", mail.as_str()),
        other => format!("{other:?}"),
    }
}
