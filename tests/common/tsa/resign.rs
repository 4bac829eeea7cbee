//! Changing one thing in a real token and signing it again, genuinely, with
//! the test TSA's key (`openssl dgst -sign`): for the refusals that
//! `openssl ts -reply` will not produce (a certificate without EKU, a
//! critical TSTInfo extension, a wrong message-digest, RSA-PSS, …).
//!
//! The structures are rebuilt with the `cms` crate; the signature over the
//! signed attributes is made by the openssl binary. A token re-signed with
//! no change must verify everywhere (tests/timestamp.rs checks that), which
//! shows the re-signing itself is sound.

use std::path::PathBuf;

use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use der::asn1::{Any, ObjectIdentifier as Oid, OctetString, SetOfVec};
use der::{Decode, Encode, Tag, Tagged};
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_cert::attr::Attribute;

use super::pki::{Pki, TsaCert, openssl};

pub const ID_SIGNED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.2");
pub const ID_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.1");
pub const ID_TST_INFO: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.1.4");
pub const ID_CONTENT_TYPE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.3");
pub const ID_MESSAGE_DIGEST: Oid = Oid::new_unwrap("1.2.840.113549.1.9.4");
pub const ID_SIGNING_CERTIFICATE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.12");
pub const ID_SIGNING_CERTIFICATE_V2: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.47");

/// How the signed attributes are signed.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum Padding {
    /// RSA PKCS #1 v1.5 (or ECDSA for an EC key), as OpenSSL signs.
    Default,
    /// RSA-PSS, MGF1 with the same hash, this salt length; `declared` is the
    /// salt length written in the parameters (normally the same).
    Pss { salt: u32, declared: u32 },
}

/// What a re-signed token will hold. Every field starts as the original's.
pub struct Edit {
    /// The TSTInfo DER.
    pub tst: Vec<u8>,
    /// The eContentType.
    pub econtent_type: Oid,
    /// The signed attributes, except message-digest and the ESS ones,
    /// which are recomputed unless overridden below.
    pub attrs: Vec<Attribute>,
    /// The certificates carried (DER).
    pub certificates: Vec<Vec<u8>>,
    /// The SignerInfo digest algorithm: `sha256`, `sha384`, `sha512`.
    pub digest: &'static str,
    /// The certificate the sid and the SigningCertificateV2 name.
    pub signer: TsaCert,
    /// The hash in SigningCertificateV2 is computed over these bytes (the
    /// signer's certificate unless changed).
    pub ess_cert: Option<Vec<u8>>,
    /// Write no SigningCertificate(V2) attribute at all.
    pub drop_ess: bool,
    /// The message-digest value; `None`: the TSTInfo's hash under `digest`.
    pub message_digest: Option<Vec<u8>>,
    /// The signature scheme.
    pub padding: Padding,
    /// Flip a byte of the signature after signing.
    pub corrupt_signature: bool,
    /// Add a second SignerInfo (a copy with another signature value).
    pub second_signer: bool,
}

/// Decodes `tsr`, applies `change`, re-signs and re-encodes it.
pub fn resign(tsr: &[u8], change: impl FnOnce(&mut Edit)) -> Vec<u8> {
    let fields: Vec<Any> = Vec::from_der(tsr).expect("a TimeStampResp");
    let status = fields[0].to_der().unwrap();
    let content_info = ContentInfo::from_der(&fields[1].to_der().unwrap()).unwrap();
    let signed_data: SignedData = content_info.content.decode_as().unwrap();
    let signer_info = signed_data.signer_infos.0.iter().next().unwrap().clone();
    let tst = signed_data
        .encap_content_info
        .econtent
        .as_ref()
        .unwrap()
        .value()
        .to_vec();
    let certificates = signed_data
        .certificates
        .iter()
        .flat_map(|set| set.0.iter())
        .map(|choice| choice.to_der().unwrap())
        .collect();
    let keep = [
        ID_MESSAGE_DIGEST,
        ID_SIGNING_CERTIFICATE,
        ID_SIGNING_CERTIFICATE_V2,
    ];
    let attrs = signer_info
        .signed_attrs
        .iter()
        .flat_map(|set| set.iter())
        .filter(|a| !keep.contains(&a.oid))
        .cloned()
        .collect();
    let mut edit = Edit {
        tst,
        econtent_type: ID_TST_INFO,
        attrs,
        certificates,
        digest: "sha256",
        signer: TsaCert::Rsa,
        ess_cert: None,
        drop_ess: false,
        message_digest: None,
        padding: Padding::Default,
        corrupt_signature: false,
        second_signer: false,
    };
    change(&mut edit);
    build(&status, edit)
}

fn build(status: &[u8], edit: Edit) -> Vec<u8> {
    let pki = Pki::get();
    let signer_der = pki.der(edit.signer.name());
    let signer = Certificate::from_der(&signer_der).unwrap();
    let digest_id = AlgorithmIdentifierOwned {
        oid: digest_oid(edit.digest),
        parameters: None,
    };
    let mut attrs = edit.attrs.clone();
    let message_digest = edit
        .message_digest
        .clone()
        .unwrap_or_else(|| hash(edit.digest, &edit.tst));
    attrs.push(attribute(
        ID_MESSAGE_DIGEST,
        &OctetString::new(message_digest).unwrap(),
    ));
    if !edit.drop_ess {
        let ess_der = edit.ess_cert.clone().unwrap_or_else(|| signer_der.clone());
        attrs.push(signing_certificate_v2(&ess_der, &signer));
    }
    let attrs = SetOfVec::try_from(attrs).unwrap();
    let signature = sign(
        &attrs.to_der().unwrap(),
        edit.signer,
        edit.digest,
        edit.padding,
    );
    let mut signature = signature;
    if edit.corrupt_signature {
        let middle = signature.len() / 2;
        signature[middle] ^= 0x01;
    }
    let tbs = signer.tbs_certificate();
    let signer_info = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: tbs.issuer().clone(),
            serial_number: tbs.serial_number().clone(),
        }),
        digest_alg: digest_id.clone(),
        signed_attrs: Some(attrs),
        signature_algorithm: signature_algorithm(edit.signer, edit.digest, edit.padding),
        signature: OctetString::new(signature.clone()).unwrap(),
        unsigned_attrs: None,
    };
    let mut signer_infos = vec![signer_info.clone()];
    if edit.second_signer {
        let mut other = signer_info;
        let mut flipped = signature;
        flipped[0] ^= 0x01;
        other.signature = OctetString::new(flipped).unwrap();
        signer_infos.push(other);
    }
    let certificates: Vec<CertificateChoices> = edit
        .certificates
        .iter()
        .map(|der| CertificateChoices::from_der(der).unwrap())
        .collect();
    let signed_data = SignedData {
        version: CmsVersion::V3,
        digest_algorithms: SetOfVec::try_from(vec![digest_id]).unwrap(),
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: edit.econtent_type,
            econtent: Some(Any::new(Tag::OctetString, edit.tst.clone()).unwrap()),
        },
        certificates: if certificates.is_empty() {
            None
        } else {
            Some(CertificateSet::try_from(certificates).unwrap())
        },
        crls: None,
        signer_infos: SignerInfos::try_from(signer_infos).unwrap(),
    };
    let content_info = ContentInfo {
        content_type: ID_SIGNED_DATA,
        content: Any::encode_from(&signed_data).unwrap(),
    };
    sequence(&[status, &content_info.to_der().unwrap()])
}

/// The DER SEQUENCE of the given TLVs.
pub fn sequence(elements: &[&[u8]]) -> Vec<u8> {
    let body: Vec<u8> = elements.concat();
    let mut out = der::Header::new(Tag::Sequence, der::Length::try_from(body.len()).unwrap())
        .to_der()
        .unwrap();
    out.extend_from_slice(&body);
    out
}

fn attribute(oid: Oid, value: &impl Encode) -> Attribute {
    Attribute {
        oid,
        values: SetOfVec::try_from(vec![Any::from_der(&value.to_der().unwrap()).unwrap()]).unwrap(),
    }
}

/// SigningCertificateV2 { certs { ESSCertIDv2 { certHash, issuerSerial } } },
/// SHA-256 (the DEFAULT, so no hashAlgorithm), as OpenSSL writes it.
fn signing_certificate_v2(cert_der: &[u8], signer: &Certificate) -> Attribute {
    use x509_cert::ext::pkix::name::GeneralName;
    let tbs = signer.tbs_certificate();
    let general_names = vec![GeneralName::DirectoryName(tbs.issuer().clone())];
    let issuer_serial = sequence(&[
        &general_names.to_der().unwrap(),
        &tbs.serial_number().to_der().unwrap(),
    ]);
    let cert_hash = OctetString::new(hash("sha256", cert_der))
        .unwrap()
        .to_der()
        .unwrap();
    let ess_cert_id = sequence(&[&cert_hash, &issuer_serial]);
    let certs = sequence(&[&ess_cert_id]);
    let value = sequence(&[&certs]);
    Attribute {
        oid: ID_SIGNING_CERTIFICATE_V2,
        values: SetOfVec::try_from(vec![Any::from_der(&value).unwrap()]).unwrap(),
    }
}

/// `openssl dgst -sign` over `data` with the signer's key.
fn sign(data: &[u8], signer: TsaCert, digest: &str, padding: Padding) -> Vec<u8> {
    let pki = Pki::get();
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("attrs.der");
    let output = dir.path().join("sig.bin");
    std::fs::write(&input, data).unwrap();
    let key: PathBuf = pki.key(signer.key());
    let mut args: Vec<String> = vec![
        "dgst".into(),
        format!("-{digest}"),
        "-sign".into(),
        key.display().to_string(),
    ];
    if let Padding::Pss { salt, .. } = padding {
        args.extend([
            "-sigopt".into(),
            "rsa_padding_mode:pss".into(),
            "-sigopt".into(),
            format!("rsa_pss_saltlen:{salt}"),
            "-sigopt".into(),
            format!("rsa_mgf1_md:{digest}"),
        ]);
    }
    args.extend([
        "-out".into(),
        output.display().to_string(),
        input.display().to_string(),
    ]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    openssl(dir.path(), &args);
    std::fs::read(output).unwrap()
}

fn signature_algorithm(
    signer: TsaCert,
    digest: &str,
    padding: Padding,
) -> AlgorithmIdentifierOwned {
    let ec = matches!(signer, TsaCert::P256 | TsaCert::P384);
    match padding {
        Padding::Default if ec => AlgorithmIdentifierOwned {
            oid: Oid::new_unwrap(match digest {
                "sha256" => "1.2.840.10045.4.3.2",
                "sha384" => "1.2.840.10045.4.3.3",
                _ => "1.2.840.10045.4.3.4",
            }),
            parameters: None,
        },
        Padding::Default => AlgorithmIdentifierOwned {
            oid: Oid::new_unwrap("1.2.840.113549.1.1.1"),
            parameters: Some(Any::null()),
        },
        Padding::Pss { declared, .. } => {
            let hash_id = AlgorithmIdentifierOwned {
                oid: digest_oid(digest),
                parameters: None,
            };
            let mgf = AlgorithmIdentifierOwned {
                oid: Oid::new_unwrap("1.2.840.113549.1.1.8"),
                parameters: Some(Any::encode_from(&hash_id).unwrap()),
            };
            let explicit = |n: u8, inner: &[u8]| {
                let mut out = der::Header::new(
                    Tag::ContextSpecific {
                        constructed: true,
                        number: der::TagNumber(u32::from(n)),
                    },
                    der::Length::try_from(inner.len()).unwrap(),
                )
                .to_der()
                .unwrap();
                out.extend_from_slice(inner);
                out
            };
            let params = sequence(&[
                &explicit(0, &hash_id.to_der().unwrap()),
                &explicit(1, &mgf.to_der().unwrap()),
                &explicit(2, &declared.to_der().unwrap()),
            ]);
            AlgorithmIdentifierOwned {
                oid: Oid::new_unwrap("1.2.840.113549.1.1.10"),
                parameters: Some(Any::from_der(&params).unwrap()),
            }
        }
    }
}

fn digest_oid(digest: &str) -> Oid {
    Oid::new_unwrap(match digest {
        "sha256" => "2.16.840.1.101.3.4.2.1",
        "sha384" => "2.16.840.1.101.3.4.2.2",
        "sha512" => "2.16.840.1.101.3.4.2.3",
        other => panic!("digest {other}"),
    })
}

/// SHA-2 of `data`, by name.
pub fn hash(digest: &str, data: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    match digest {
        "sha256" => sha2::Sha256::digest(data).to_vec(),
        "sha384" => sha2::Sha384::digest(data).to_vec(),
        "sha512" => sha2::Sha512::digest(data).to_vec(),
        other => panic!("digest {other}"),
    }
}

/// The fields of a TSTInfo (or any SEQUENCE), to change one and re-encode.
pub fn fields(sequence_der: &[u8]) -> Vec<Any> {
    Vec::from_der(sequence_der).unwrap()
}

/// The SEQUENCE of `fields`.
pub fn from_fields(fields: &[Any]) -> Vec<u8> {
    fields.to_vec().to_der().unwrap()
}

/// Removes the TSTInfo's `tsa` field (`[0]`), e.g. before re-signing with
/// another TSA's key.
pub fn drop_tsa_name(tst: &[u8]) -> Vec<u8> {
    let mut fields = fields(tst);
    fields.retain(|f| {
        f.tag()
            != Tag::ContextSpecific {
                constructed: true,
                number: der::TagNumber(0),
            }
    });
    from_fields(&fields)
}

/// The same reply with its certificate SET in DER order (OpenSSL 3.0 writes
/// a chain unsorted; the order is not signed). Nothing else changes.
pub fn sort_certificates(tsr: &[u8]) -> Vec<u8> {
    let fields: Vec<Any> = Vec::from_der(tsr).unwrap();
    let content_info = ContentInfo::from_der(&fields[1].to_der().unwrap()).unwrap();
    // Decoding a SET OF sorts it; re-encoding writes it sorted.
    let signed_data: SignedData = content_info.content.decode_as().unwrap();
    let content_info = ContentInfo {
        content_type: ID_SIGNED_DATA,
        content: Any::encode_from(&signed_data).unwrap(),
    };
    sequence(&[
        &fields[0].to_der().unwrap(),
        &content_info.to_der().unwrap(),
    ])
}
