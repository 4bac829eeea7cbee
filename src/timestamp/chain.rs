//! The TSA's certificate: its extended key usage, and the path from it to one
//! of the caller's anchors (RFC 5280 §6, reduced to what a time-stamp needs:
//! signatures, names, CA constraints, critical extensions, validity at genTime).

use der::Decode as _;
use time::OffsetDateTime;
use x509_cert::Certificate;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, KeyUsage, KeyUsages};

use super::algorithms::{PublicKey, SignatureAlgorithm};
use super::asn1::oid;
use super::{TokenCheck, TokenError, TsaAnchor};

/// A certificate with the exact bytes it was read from.
#[derive(Clone, Debug)]
pub(crate) struct Cert {
    pub der: Vec<u8>,
    pub cert: Certificate,
}

/// The longest path tried, anchor included.
const MAX_PATH: usize = 8;

fn fail(check: TokenCheck, message: impl Into<String>) -> TokenError {
    TokenError::new(check, message)
}

impl Cert {
    /// Reads a DER certificate; `what` names it in errors.
    pub(crate) fn from_der(der: &[u8], what: &str) -> Result<Self, TokenError> {
        let cert = Certificate::from_der(der)
            .map_err(|e| fail(TokenCheck::Parse, format!("{what}: not a certificate: {e}")))?;
        Ok(Self {
            der: der.to_vec(),
            cert,
        })
    }

    /// The subject, as RFC 4514 text.
    pub(crate) fn subject(&self) -> String {
        self.cert.tbs_certificate().subject().to_string()
    }

    /// The public key, refusing algorithms docseal does not verify.
    pub(crate) fn public_key(&self) -> Result<PublicKey, String> {
        PublicKey::from_spki(self.cert.tbs_certificate().subject_public_key_info())
    }

    /// The `subjectKeyIdentifier` value, when present.
    pub(crate) fn subject_key_id(&self) -> Option<Vec<u8>> {
        let (_, ski) = self
            .cert
            .tbs_certificate()
            .get_extension::<x509_cert::ext::pkix::SubjectKeyIdentifier>()
            .ok()??;
        Some(ski.0.as_bytes().to_vec())
    }

    /// Whether `signature` by this certificate's issuer over its TBS checks
    /// with `issuer`'s key.
    fn is_signed_by(&self, issuer: &Cert) -> Result<(), String> {
        let cert = &self.cert;
        if cert.signature_algorithm() != cert.tbs_certificate().signature() {
            return Err("its two signature algorithm fields differ".into());
        }
        let algorithm = SignatureAlgorithm::from_identifier(cert.signature_algorithm(), None)?;
        let signature = cert
            .signature()
            .as_bytes()
            .ok_or("its signature is not a whole number of bytes")?;
        let tbs = super::raw::tbs_certificate(&self.der).map_err(|e| e.to_string())?;
        issuer.public_key()?.verify(algorithm, tbs, signature)
    }

    /// Refuses a critical extension that this module does not process.
    fn check_critical_extensions(&self, allow_eku: bool) -> Result<(), TokenError> {
        for ext in self
            .cert
            .tbs_certificate()
            .extensions()
            .into_iter()
            .flatten()
        {
            let known = oid::KNOWN_CERTIFICATE_EXTENSIONS.contains(&ext.extn_id)
                && (allow_eku || ext.extn_id != oid::EXT_KEY_USAGE);
            if ext.critical && !known {
                return Err(fail(
                    TokenCheck::CriticalExtension,
                    format!(
                        "certificate {:?} has an unknown critical extension {}",
                        self.subject(),
                        ext.extn_id
                    ),
                ));
            }
        }
        Ok(())
    }

    fn basic_constraints(&self) -> Result<Option<BasicConstraints>, String> {
        self.cert
            .tbs_certificate()
            .get_extension::<BasicConstraints>()
            .map(|found| found.map(|(_, bc)| bc))
            .map_err(|e| format!("basicConstraints: {e}"))
    }

    fn key_usage(&self) -> Result<Option<KeyUsage>, String> {
        self.cert
            .tbs_certificate()
            .get_extension::<KeyUsage>()
            .map(|found| found.map(|(_, ku)| ku))
            .map_err(|e| format!("keyUsage: {e}"))
    }

    /// notBefore ≤ `at` ≤ notAfter.
    fn is_valid_at(&self, at: OffsetDateTime) -> bool {
        let validity = self.cert.tbs_certificate().validity();
        let instant = |t: &x509_cert::time::Time| {
            i64::try_from(t.to_unix_duration().as_secs())
                .ok()
                .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok())
        };
        match (instant(&validity.not_before), instant(&validity.not_after)) {
            (Some(from), Some(until)) => from <= at && at <= until,
            _ => false,
        }
    }
}

/// The TSA certificate's extended key usage: present, critical, and exactly
/// id-kp-timeStamping (RFC 3161 §2.3); its key usage, when present, allows
/// digitalSignature or nonRepudiation.
pub(crate) fn check_tsa_usage(tsa: &Cert) -> Result<(), TokenError> {
    let subject = tsa.subject();
    let eku = tsa
        .cert
        .tbs_certificate()
        .get_extension::<ExtendedKeyUsage>()
        .map_err(|e| fail(TokenCheck::Eku, format!("{subject:?}: extKeyUsage: {e}")))?;
    let Some((critical, usage)) = eku else {
        return Err(fail(
            TokenCheck::Eku,
            format!("{subject:?} has no extendedKeyUsage (timeStamping is required)"),
        ));
    };
    if !critical {
        return Err(fail(
            TokenCheck::Eku,
            format!("{subject:?}: its extendedKeyUsage is not critical"),
        ));
    }
    if usage.0 != [oid::KP_TIME_STAMPING] {
        let found: Vec<String> = usage.0.iter().map(ToString::to_string).collect();
        return Err(fail(
            TokenCheck::Eku,
            format!(
                "{subject:?}: its extendedKeyUsage is [{}], expected exactly [{}]",
                found.join(", "),
                oid::KP_TIME_STAMPING
            ),
        ));
    }
    let usage = tsa
        .key_usage()
        .map_err(|e| fail(TokenCheck::KeyUsage, format!("{subject:?}: {e}")))?;
    if let Some(usage) = usage
        && !usage.0.contains(KeyUsages::DigitalSignature)
        && !usage.0.contains(KeyUsages::NonRepudiation)
    {
        return Err(fail(
            TokenCheck::KeyUsage,
            format!("{subject:?}: its keyUsage allows neither digitalSignature nor nonRepudiation"),
        ));
    }
    Ok(())
}

/// A path from the TSA certificate to an anchor.
pub(crate) struct Path<'a> {
    /// The TSA certificate first, then each issuer; the anchor's certificate last.
    pub certs: Vec<&'a Cert>,
    /// The anchor reached.
    pub anchor: &'a TsaAnchor,
}

/// Builds the path from `tsa` through `pool` (the token's other
/// certificates) to one of `anchors`. An anchor equal to `tsa` itself
/// (byte for byte) is a pinned TSA certificate.
pub(crate) fn build_path<'a>(
    tsa: &'a Cert,
    pool: &'a [Cert],
    anchors: &'a [(TsaAnchor, Cert)],
) -> Result<Path<'a>, TokenError> {
    tsa.check_critical_extensions(true)?;
    let mut certs = vec![tsa];
    let mut last_refusal = None;
    loop {
        let current = certs[certs.len() - 1];
        if let Some((anchor, _)) = anchors.iter().find(|(_, cert)| cert.der == current.der) {
            return Ok(Path { certs, anchor });
        }
        if certs.len() == MAX_PATH {
            break;
        }
        let issuer_name = current.cert.tbs_certificate().issuer();
        let anchor_certs = anchors.iter().map(|(_, cert)| cert);
        let candidates = anchor_certs.chain(pool.iter()).filter(|candidate| {
            candidate.cert.tbs_certificate().subject() == issuer_name
                && !certs.iter().any(|c| c.der == candidate.der)
        });
        let mut next = None;
        for candidate in candidates {
            match can_issue(candidate, certs.len() - 1)
                .and_then(|()| current.is_signed_by(candidate))
            {
                Ok(()) => {
                    next = Some(candidate);
                    break;
                }
                Err(reason) => {
                    last_refusal = Some(format!(
                        "{:?} cannot be the issuer of {:?}: {reason}",
                        candidate.subject(),
                        current.subject()
                    ));
                }
            }
        }
        let Some(issuer) = next else { break };
        issuer.check_critical_extensions(false)?;
        certs.push(issuer);
    }
    let mut message = format!(
        "no path from {:?} to a trusted TSA anchor ({} given)",
        tsa.subject(),
        anchors.len()
    );
    if let Some(reason) = last_refusal {
        message.push_str(": ");
        message.push_str(&reason);
    }
    Err(fail(TokenCheck::Chain, message))
}

/// Whether `issuer` may issue a certificate with `below` CA certificates
/// between it and the TSA certificate: basicConstraints CA (with its path
/// length), and keyCertSign when keyUsage is present.
fn can_issue(issuer: &Cert, below: usize) -> Result<(), String> {
    match issuer.basic_constraints()? {
        Some(bc) if bc.ca => {
            if let Some(limit) = bc.path_len_constraint
                && below > usize::from(limit)
            {
                return Err(format!("its pathLenConstraint is {limit}"));
            }
        }
        _ => return Err("it is not a CA (basicConstraints)".into()),
    }
    if let Some(usage) = issuer.key_usage()?
        && !usage.0.contains(KeyUsages::KeyCertSign)
    {
        return Err("its keyUsage lacks keyCertSign".into());
    }
    Ok(())
}

/// Every certificate of the path is valid at `at`, and `at` is within the
/// anchor's own window.
pub(crate) fn check_validity(path: &Path<'_>, at: OffsetDateTime) -> Result<(), TokenError> {
    for cert in &path.certs {
        if !cert.is_valid_at(at) {
            let validity = cert.cert.tbs_certificate().validity();
            return Err(fail(
                TokenCheck::CertificateValidity,
                format!(
                    "certificate {:?} is valid from {} to {}, not at genTime {at}",
                    cert.subject(),
                    validity.not_before,
                    validity.not_after
                ),
            ));
        }
    }
    let anchor = path.anchor;
    let before = anchor.valid_from.is_some_and(|from| at < from);
    let after = anchor.valid_until.is_some_and(|until| until < at);
    if before || after {
        return Err(fail(
            TokenCheck::AnchorValidity,
            format!(
                "TSA anchor {:?} is trusted from {} until {}, not at genTime {at}",
                anchor.name,
                anchor
                    .valid_from
                    .map_or("the start".into(), |t| t.to_string()),
                anchor
                    .valid_until
                    .map_or("the end".into(), |t| t.to_string()),
            ),
        ));
    }
    Ok(())
}
