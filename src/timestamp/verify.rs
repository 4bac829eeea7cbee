//! Verifying a time-stamp reply: every rule of docs/FORMAT.md §"Time-stamp
//! tokens", in that order, each failing with its own [`TokenCheck`].

use cms::signed_data::SignerIdentifier;
use der::asn1::{ObjectIdentifier, OctetString};
use std::time::Duration;
use time::OffsetDateTime;
use x509_cert::attr::Attribute;
use x509_cert::ext::pkix::name::GeneralName;

use super::algorithms::SignatureAlgorithm;
use super::asn1::{
    Accuracy, IssuerSerial, SigningCertificate, SigningCertificateV2, TstInfo, int_magnitude,
    int_to_i64, oid,
};
use super::chain::{self, Cert};
use super::token::{self, Token};
use super::{HashAlgorithm, Nonce, TokenCheck, TokenError, TsaAnchor, VerifiedToken};

fn fail(check: TokenCheck, message: impl Into<String>) -> TokenError {
    TokenError::new(check, message)
}

/// The largest accuracy accepted: beyond a day, a "time-stamp" says little.
pub const MAX_ACCURACY: Duration = Duration::from_secs(24 * 60 * 60);

/// Verifies `response_der` (a DER `TimeStampResp`, as a `.tsr` file holds)
/// as a time-stamp over `stamped_bytes` by a TSA that chains to one of
/// `anchors`; with `expected_nonce`, the token must carry that nonce.
///
/// The checks and their order are those of docs/FORMAT.md §6.2, one call
/// each, in that order; the first that fails is returned.
pub fn verify(
    response_der: &[u8],
    stamped_bytes: &[u8],
    anchors: &[TsaAnchor],
    expected_nonce: Option<&Nonce>,
) -> Result<VerifiedToken, TokenError> {
    let anchors = anchor_certs(anchors)?;
    let reply = token::read_reply(response_der)?;
    let token = granted_token(&reply)?;
    let signer_digest = check_signed_attributes(&token)?;
    let tsa = find_signer(&token)?;
    check_signature(&token, tsa, signer_digest)?;
    check_signing_certificate_attribute(&token, tsa)?;
    chain::check_tsa_usage(tsa)?;
    check_tsa_name(&token, tsa)?;
    let gen_time = token.tst.gen_time.0;
    let pool = other_certificates(&token, tsa);
    let path = chain::build_path(tsa, &pool, &anchors)?;
    chain::check_validity(&path, gen_time)?;
    let tst = &token.tst;
    check_version(tst)?;
    let imprint_algorithm = check_imprint(&token, stamped_bytes)?;
    check_no_critical_extension(tst)?;
    let accuracy = check_accuracy(tst.accuracy.as_ref())?;
    let nonce = check_nonce(tst, expected_nonce)?;
    let (earliest, latest) = bounds(gen_time, accuracy)?;
    Ok(VerifiedToken {
        status: reply.status,
        gen_time,
        accuracy,
        earliest,
        latest,
        serial_number: tst.serial_number.as_bytes().to_vec(),
        policy: tst.policy,
        tsa_subject: tsa.subject(),
        tsa_name: tst.tsa.as_ref().map(token::general_name_text),
        anchor_name: path.anchor.name.clone(),
        imprint_algorithm,
        signer_digest,
        nonce,
    })
}

/// The anchors' certificates, parsed: one that is not a certificate fails
/// the chain check.
fn anchor_certs(anchors: &[TsaAnchor]) -> Result<Vec<(TsaAnchor, Cert)>, TokenError> {
    anchors
        .iter()
        .map(|anchor| {
            let cert = Cert::from_der(
                &anchor.certificate_der,
                &format!("TSA anchor {:?}", anchor.name),
            )
            .map_err(|e| fail(TokenCheck::Chain, e.message))?;
            Ok((anchor.clone(), cert))
        })
        .collect()
}

/// The token of a reply that grants one.
fn granted_token(reply: &token::Reply) -> Result<Token, TokenError> {
    if !reply.status.is_granted() {
        let detail = if reply.status_text.is_empty() {
            String::new()
        } else {
            format!(" ({})", reply.status_text)
        };
        return Err(fail(
            TokenCheck::Status,
            format!("the TSA answered {}{detail}", reply.status),
        ));
    }
    let content_info = reply.token.as_ref().ok_or_else(|| {
        fail(
            TokenCheck::Token,
            format!("the reply says {} but holds no token", reply.status),
        )
    })?;
    token::open_token(content_info)
}

/// The token's certificates other than the TSA's: the pool its chain is
/// built from.
fn other_certificates(token: &Token, tsa: &Cert) -> Vec<Cert> {
    token
        .certificates
        .iter()
        .filter(|c| c.der != tsa.der)
        .cloned()
        .collect()
}

fn check_version(tst: &TstInfo) -> Result<(), TokenError> {
    if int_to_i64(&tst.version) != Some(1) {
        return Err(fail(
            TokenCheck::Version,
            format!(
                "TSTInfo version is {:02x?}, expected 1",
                tst.version.as_bytes()
            ),
        ));
    }
    Ok(())
}

fn check_no_critical_extension(tst: &TstInfo) -> Result<(), TokenError> {
    if let Some(ext) = tst.extensions.iter().flatten().find(|ext| ext.critical) {
        return Err(fail(
            TokenCheck::CriticalExtension,
            format!("TSTInfo has an unknown critical extension {}", ext.extn_id),
        ));
    }
    Ok(())
}

/// The token's nonce; with `expected`, it must be that one.
fn check_nonce(tst: &TstInfo, expected: Option<&Nonce>) -> Result<Option<Nonce>, TokenError> {
    let nonce = tst
        .nonce
        .as_ref()
        .and_then(|n| int_magnitude(n).and_then(Nonce::from_be_bytes));
    if let Some(expected) = expected
        && nonce.as_ref() != Some(expected)
    {
        return Err(fail(
            TokenCheck::Nonce,
            format!(
                "the token's nonce is {}, expected {}",
                tst.nonce
                    .as_ref()
                    .map_or("absent".into(), |n| hex(n.as_bytes())),
                expected.to_hex()
            ),
        ));
    }
    Ok(nonce)
}

/// genTime − accuracy and genTime + accuracy.
fn bounds(
    gen_time: OffsetDateTime,
    accuracy: Duration,
) -> Result<(OffsetDateTime, OffsetDateTime), TokenError> {
    let earliest = gen_time.checked_sub(accuracy.try_into().unwrap_or(time::Duration::ZERO));
    let latest = gen_time.checked_add(accuracy.try_into().unwrap_or(time::Duration::ZERO));
    let (Some(earliest), Some(latest)) = (earliest, latest) else {
        return Err(fail(
            TokenCheck::Accuracy,
            "genTime ± accuracy is outside the representable range",
        ));
    };
    Ok((earliest, latest))
}

/// The one value of the signed attribute `oid`, refusing two attributes of
/// that type or an attribute with other than one value.
fn single_attribute<'a>(
    attrs: &'a [Attribute],
    oid: ObjectIdentifier,
    name: &str,
) -> Result<Option<&'a der::asn1::Any>, TokenError> {
    let mut found = attrs.iter().filter(|a| a.oid == oid);
    let Some(attr) = found.next() else {
        return Ok(None);
    };
    if found.next().is_some() || attr.values.len() != 1 {
        return Err(fail(
            TokenCheck::SignedAttributes,
            format!("the {name} attribute must appear once with one value"),
        ));
    }
    Ok(attr.values.iter().next())
}

/// Signed attributes present, content-type = id-ct-TSTInfo, and
/// message-digest = the eContent's hash under the SignerInfo's own digest
/// algorithm (SHA-256, SHA-384 or SHA-512), which is returned.
fn check_signed_attributes(token: &Token) -> Result<HashAlgorithm, TokenError> {
    let attrs: Vec<Attribute> = token
        .signer_info
        .signed_attrs
        .as_ref()
        .filter(|_| token.signed_attrs_der.is_some())
        .map(|set| set.iter().cloned().collect())
        .ok_or_else(|| {
            fail(
                TokenCheck::SignedAttributes,
                "the SignerInfo has no signed attributes (RFC 3161 requires them)",
            )
        })?;
    let content_type = single_attribute(&attrs, oid::CONTENT_TYPE, "content-type")?
        .and_then(|v| v.decode_as::<ObjectIdentifier>().ok());
    if content_type != Some(oid::TST_INFO) {
        return Err(fail(
            TokenCheck::SignedAttributes,
            format!(
                "the content-type attribute is {}, expected id-ct-TSTInfo",
                content_type.map_or("absent".into(), |o| o.to_string())
            ),
        ));
    }
    let digest = single_attribute(&attrs, oid::MESSAGE_DIGEST, "message-digest")?
        .and_then(|v| v.decode_as::<OctetString>().ok())
        .ok_or_else(|| {
            fail(
                TokenCheck::SignedAttributes,
                "the message-digest attribute is absent or not an OCTET STRING",
            )
        })?;
    let algorithm = HashAlgorithm::from_identifier(&token.signer_info.digest_alg)
        .filter(|h| h.is_sha2())
        .ok_or_else(|| {
            fail(
                TokenCheck::MessageDigest,
                format!(
                    "the SignerInfo's digest algorithm {} is not SHA-256, SHA-384 or SHA-512",
                    token.signer_info.digest_alg.oid
                ),
            )
        })?;
    let computed = algorithm.hash(&token.tst_der);
    if digest.as_bytes() != computed {
        return Err(fail(
            TokenCheck::MessageDigest,
            format!(
                "the message-digest attribute is {}, but {algorithm} of the TSTInfo is {}",
                hex(digest.as_bytes()),
                hex(&computed)
            ),
        ));
    }
    Ok(algorithm)
}

/// The certificate the SignerInfo's `sid` names, among the token's.
/// The DER of the certificate that signed a reply's token (not verified):
/// to check a fresh token from a TSA the keyring does not know yet by every
/// rule but the chain, with that certificate pinned as its own anchor.
pub fn signing_certificate(response_der: &[u8]) -> Result<Vec<u8>, TokenError> {
    let reply = token::read_reply(response_der)?;
    let content_info = reply
        .token
        .as_ref()
        .ok_or_else(|| fail(TokenCheck::Token, "the reply holds no token"))?;
    let token = token::open_token(content_info)?;
    Ok(find_signer(&token)?.der.clone())
}

pub(crate) fn find_signer(token: &Token) -> Result<&Cert, TokenError> {
    let sid = &token.signer_info.sid;
    token
        .certificates
        .iter()
        .find(|cert| match sid {
            SignerIdentifier::IssuerAndSerialNumber(isn) => {
                let tbs = cert.cert.tbs_certificate();
                tbs.issuer() == &isn.issuer && tbs.serial_number() == &isn.serial_number
            }
            SignerIdentifier::SubjectKeyIdentifier(ski) => {
                cert.subject_key_id().as_deref() == Some(ski.0.as_bytes())
            }
        })
        .ok_or_else(|| {
            fail(
                TokenCheck::SigningCertificate,
                format!(
                    "none of the token's {} certificates is the signer's ({})",
                    token.certificates.len(),
                    describe_sid(sid)
                ),
            )
        })
}

fn describe_sid(sid: &SignerIdentifier) -> String {
    match sid {
        SignerIdentifier::IssuerAndSerialNumber(isn) => {
            format!(
                "issuer {:?}, serial {}",
                isn.issuer.to_string(),
                isn.serial_number
            )
        }
        SignerIdentifier::SubjectKeyIdentifier(ski) => {
            format!("subjectKeyIdentifier {}", hex(ski.0.as_bytes()))
        }
    }
}

/// The SignerInfo's signature over the DER of the signed attributes, with the
/// signing certificate's key.
fn check_signature(token: &Token, tsa: &Cert, digest: HashAlgorithm) -> Result<(), TokenError> {
    let signature_error = |message: String| fail(TokenCheck::Signature, message);
    let algorithm =
        SignatureAlgorithm::from_identifier(&token.signer_info.signature_algorithm, Some(digest))
            .map_err(signature_error)?;
    let key = tsa
        .public_key()
        .map_err(|e| signature_error(format!("{:?}: {e}", tsa.subject())))?;
    let signed = token
        .signed_attrs_der
        .as_deref()
        .ok_or_else(|| signature_error("no signed attributes".into()))?;
    key.verify(algorithm, signed, token.signer_info.signature.as_bytes())
        .map_err(signature_error)
}

/// SigningCertificate (ESSCertID, SHA-1) or SigningCertificateV2
/// (ESSCertIDv2): at least one, each whose first entry hashes to the signing
/// certificate and, with an issuerSerial, names it.
fn check_signing_certificate_attribute(token: &Token, tsa: &Cert) -> Result<(), TokenError> {
    let attrs: Vec<Attribute> = token
        .signer_info
        .signed_attrs
        .iter()
        .flat_map(|set| set.iter().cloned())
        .collect();
    let v1 = single_attribute(&attrs, oid::SIGNING_CERTIFICATE, "signingCertificate")?;
    let v2 = single_attribute(&attrs, oid::SIGNING_CERTIFICATE_V2, "signingCertificateV2")?;
    if v1.is_none() && v2.is_none() {
        return Err(fail(
            TokenCheck::SigningCertificate,
            "neither a signingCertificate nor a signingCertificateV2 attribute is present",
        ));
    }
    let bad = |message: String| fail(TokenCheck::SigningCertificate, message);
    if let Some(value) = v1 {
        let attr = value
            .decode_as::<SigningCertificate>()
            .map_err(|e| bad(format!("signingCertificate: {e}")))?;
        let first = attr
            .certs
            .first()
            .ok_or_else(|| bad("signingCertificate lists no certificate".into()))?;
        check_cert_id(
            tsa,
            HashAlgorithm::Sha1,
            first.cert_hash.as_bytes(),
            first.issuer_serial.as_ref(),
        )
        .map_err(|e| bad(format!("signingCertificate: {e}")))?;
    }
    if let Some(value) = v2 {
        let attr = value
            .decode_as::<SigningCertificateV2>()
            .map_err(|e| bad(format!("signingCertificateV2: {e}")))?;
        let first = attr
            .certs
            .first()
            .ok_or_else(|| bad("signingCertificateV2 lists no certificate".into()))?;
        let hash = match &first.hash_algorithm {
            None => HashAlgorithm::Sha256,
            Some(id) => HashAlgorithm::from_identifier(id).ok_or_else(|| {
                bad(format!(
                    "signingCertificateV2: hash algorithm {} is not supported",
                    id.oid
                ))
            })?,
        };
        check_cert_id(
            tsa,
            hash,
            first.cert_hash.as_bytes(),
            first.issuer_serial.as_ref(),
        )
        .map_err(|e| bad(format!("signingCertificateV2: {e}")))?;
    }
    Ok(())
}

fn check_cert_id(
    tsa: &Cert,
    hash: HashAlgorithm,
    cert_hash: &[u8],
    issuer_serial: Option<&IssuerSerial>,
) -> Result<(), String> {
    let computed = hash.hash(&tsa.der);
    if cert_hash != computed {
        return Err(format!(
            "the certificate hash is {}, but {hash} of the signing certificate is {}",
            hex(cert_hash),
            hex(&computed)
        ));
    }
    if let Some(issuer_serial) = issuer_serial {
        let tbs = tsa.cert.tbs_certificate();
        let names_issuer = issuer_serial
            .issuer
            .iter()
            .any(|name| matches!(name, GeneralName::DirectoryName(n) if n == tbs.issuer()));
        if !names_issuer || &issuer_serial.serial_number != tbs.serial_number() {
            return Err("its issuerSerial does not name the signing certificate".into());
        }
    }
    Ok(())
}

/// The TSTInfo's `tsa` name, when present, is the signing certificate's
/// subject or one of its subjectAltNames (RFC 3161 §2.4.2: it "MUST
/// correspond to one of the subject names included in the certificate").
fn check_tsa_name(token: &Token, tsa: &Cert) -> Result<(), TokenError> {
    let Some(name) = &token.tst.tsa else {
        return Ok(());
    };
    let tbs = tsa.cert.tbs_certificate();
    let is_subject = matches!(name, GeneralName::DirectoryName(n) if n == tbs.subject());
    let in_alt_names = tbs
        .get_extension::<x509_cert::ext::pkix::SubjectAltName>()
        .ok()
        .flatten()
        .is_some_and(|(_, alt)| alt.0.contains(name));
    if is_subject || in_alt_names {
        Ok(())
    } else {
        Err(fail(
            TokenCheck::TsaName,
            format!(
                "the TSTInfo names the TSA {:?}, which is not a name of the signing certificate {:?}",
                token::general_name_text(name),
                tsa.subject()
            ),
        ))
    }
}

/// The imprint: SHA-256 or stronger, equal to the hash of `stamped_bytes`.
fn check_imprint(token: &Token, stamped_bytes: &[u8]) -> Result<HashAlgorithm, TokenError> {
    let imprint = &token.tst.message_imprint;
    let algorithm = HashAlgorithm::from_identifier(&imprint.hash_algorithm)
        .filter(|h| h.is_sha2())
        .ok_or_else(|| {
            fail(
                TokenCheck::ImprintAlgorithm,
                format!(
                    "the imprint's hash algorithm is {}; SHA-256, SHA-384 or SHA-512 is required",
                    HashAlgorithm::from_identifier(&imprint.hash_algorithm)
                        .map_or(imprint.hash_algorithm.oid.to_string(), |h| h.to_string())
                ),
            )
        })?;
    let computed = algorithm.hash(stamped_bytes);
    if imprint.hashed_message.as_bytes() != computed {
        return Err(fail(
            TokenCheck::Imprint,
            format!(
                "the token stamps {algorithm} {}, but the stamped bytes hash to {}",
                hex(imprint.hashed_message.as_bytes()),
                hex(&computed)
            ),
        ));
    }
    Ok(algorithm)
}

/// Accuracy: seconds ≥ 0, millis and micros in 1..=999, in all at most
/// [`MAX_ACCURACY`]; zero when absent.
fn check_accuracy(accuracy: Option<&Accuracy>) -> Result<Duration, TokenError> {
    let Some(accuracy) = accuracy else {
        return Ok(Duration::ZERO);
    };
    let bad = |message: String| fail(TokenCheck::Accuracy, message);
    let part = |value: Option<&der::asn1::Int>, name: &str, max: i64| -> Result<u64, TokenError> {
        match value {
            None => Ok(0),
            Some(v) => int_to_i64(v)
                .filter(|n| (if name == "seconds" { 0 } else { 1 }..=max).contains(n))
                .and_then(|n| u64::try_from(n).ok())
                .ok_or_else(|| {
                    bad(format!(
                        "accuracy {name} {} is out of range",
                        hex(v.as_bytes())
                    ))
                }),
        }
    };
    let max_seconds = i64::try_from(MAX_ACCURACY.as_secs()).unwrap_or(i64::MAX);
    let seconds = part(accuracy.seconds.as_ref(), "seconds", max_seconds)?;
    let millis = part(accuracy.millis.as_ref(), "millis", 999)?;
    let micros = part(accuracy.micros.as_ref(), "micros", 999)?;
    let total = Duration::from_secs(seconds)
        + Duration::from_millis(millis)
        + Duration::from_micros(micros);
    if total > MAX_ACCURACY {
        return Err(bad(format!(
            "accuracy {total:?} is over the limit of {MAX_ACCURACY:?}"
        )));
    }
    Ok(total)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
