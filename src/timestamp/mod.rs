//! RFC 3161 time-stamps: building requests, fetching replies over HTTP, and
//! verifying tokens against TSA anchors, so that the time a key was used is
//! proven by a third party instead of claimed by the signer.
//!
//! The module is generic: it stamps and verifies "the bytes that were
//! stamped" as the caller gives them. docseal stamps the 64 raw bytes of each
//! Ed25519 signature (docs/FORMAT.md, "Time-stamp tokens").
//!
//! - [`query`] builds a DER `TimeStampReq` with a random [`Nonce`].
//! - [`fetch`] POSTs it to a TSA and returns the reply's bytes (the only
//!   network access in docseal).
//! - [`verify`] checks a reply (a DER `TimeStampResp`, the `.tsr` file)
//!   against [`TsaAnchor`]s and returns a [`VerifiedToken`], whose
//!   [`VerifiedToken::latest`] (genTime + accuracy) is the proven time; a
//!   refusal is a [`TokenError`] naming the [`TokenCheck`] that failed.
//! - [`inspect`] reads a reply without trusting it, for reports.
//!
//! ```no_run
//! use docseal::timestamp;
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let signature = [0u8; 64];
//! let query = timestamp::query(&signature)?;
//! let reply = timestamp::fetch(
//!     "http://tsa.example/tsr",
//!     &query.der,
//!     std::time::Duration::from_secs(10),
//! )?;
//! let anchors = [timestamp::TsaAnchor {
//!     name: "Example TSA root".into(),
//!     certificate_der: std::fs::read("tsa-root.der")?,
//!     valid_from: None,
//!     valid_until: None,
//! }];
//! let token = timestamp::verify(&reply, &signature, &anchors, Some(&query.nonce))?;
//! println!("signed no later than {}", token.latest);
//! # Ok(())
//! # }
//! ```

mod algorithms;
mod asn1;
mod chain;
mod fetch;
mod query;
mod raw;
mod token;
mod verify;

use std::time::Duration;

pub use algorithms::HashAlgorithm;
pub use der::asn1::ObjectIdentifier;
pub use fetch::{FetchError, MAX_RESPONSE_BYTES, fetch};
pub use query::{NONCE_BYTES, Nonce, Query, QueryError, query, query_with_nonce};
pub use time::OffsetDateTime;
pub use token::{PkiStatus, TokenSummary, inspect};
pub use verify::{MAX_ACCURACY, signing_certificate, verify};

/// The largest reply (DER `TimeStampResp`) read; larger input is refused
/// before parsing. Real replies are 2–10 KiB.
pub const MAX_DER_BYTES: usize = 256 * 1024;

/// A certificate trusted to vouch for TSAs: a root or intermediate CA, or a
/// TSA's own certificate pinned. Only tokens whose genTime falls in
/// `valid_from..=valid_until` count.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct TsaAnchor {
    /// The name reports show (the keyring's label for it).
    pub name: String,
    /// The certificate, DER.
    pub certificate_der: Vec<u8>,
    /// No token with an earlier genTime is accepted through this anchor.
    pub valid_from: Option<OffsetDateTime>,
    /// No token with a later genTime is accepted through this anchor.
    pub valid_until: Option<OffsetDateTime>,
}

/// What a valid token proves.
#[derive(Clone, Debug, Eq, PartialEq)]
#[non_exhaustive]
pub struct VerifiedToken {
    /// The reply's status (granted or grantedWithMods).
    pub status: PkiStatus,
    /// The TSTInfo's genTime.
    pub gen_time: OffsetDateTime,
    /// The TSTInfo's accuracy; zero when absent.
    pub accuracy: Duration,
    /// genTime − accuracy: the stamped bytes may have existed no earlier
    /// than this… as far as the TSA's clock goes.
    pub earliest: OffsetDateTime,
    /// genTime + accuracy: the stamped bytes existed at this time at the
    /// latest. This is the **proven time** used for trust decisions.
    pub latest: OffsetDateTime,
    /// The TSTInfo's serial number (the INTEGER's big-endian bytes).
    pub serial_number: Vec<u8>,
    /// The TSA policy under which the token was issued.
    pub policy: ObjectIdentifier,
    /// The subject of the TSA's signing certificate (RFC 4514 text).
    pub tsa_subject: String,
    /// The TSTInfo's `tsa` field, when present (checked to be a name of the
    /// signing certificate).
    pub tsa_name: Option<String>,
    /// The name of the anchor the TSA certificate chained to.
    pub anchor_name: String,
    /// The imprint's hash algorithm.
    pub imprint_algorithm: HashAlgorithm,
    /// The SignerInfo's digest algorithm.
    pub signer_digest: HashAlgorithm,
    /// The token's nonce, when it has one.
    pub nonce: Option<Nonce>,
}

/// A token refused: which rule failed, and the details.
#[derive(Clone, Debug, Eq, PartialEq, thiserror::Error)]
#[error("{check}: {message}")]
#[non_exhaustive]
pub struct TokenError {
    /// The rule that failed.
    pub check: TokenCheck,
    /// What was found, and what was expected.
    pub message: String,
}

impl TokenError {
    pub(crate) fn new(check: TokenCheck, message: impl Into<String>) -> Self {
        Self {
            check,
            message: message.into(),
        }
    }
}

/// The rules a token is checked against, in the order they are checked
/// (docs/FORMAT.md, "Time-stamp tokens"). Each has a stable code.
#[derive(Clone, Copy, Debug, Eq, PartialEq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum TokenCheck {
    /// The input is not DER of the expected structures, or is over a limit.
    Parse,
    /// The PKIStatus is neither granted (0) nor grantedWithMods (1).
    Status,
    /// A granted reply holds no token.
    Token,
    /// The token is not a SignedData over id-ct-TSTInfo.
    ContentType,
    /// The SignedData does not have exactly one SignerInfo.
    SignerCount,
    /// Signed attributes absent, or content-type not id-ct-TSTInfo, or
    /// message-digest absent or repeated.
    SignedAttributes,
    /// The message-digest attribute differs from the TSTInfo's hash under
    /// the SignerInfo's digest algorithm (or that algorithm is refused).
    MessageDigest,
    /// The signing certificate is not in the token, or no
    /// SigningCertificate(V2) attribute identifies it.
    SigningCertificate,
    /// The SignerInfo's signature does not verify with the signing
    /// certificate's key (or uses a refused algorithm or key).
    Signature,
    /// The signing certificate's extendedKeyUsage is not exactly a critical
    /// id-kp-timeStamping.
    Eku,
    /// The signing certificate's keyUsage allows neither digitalSignature nor
    /// nonRepudiation.
    KeyUsage,
    /// The TSTInfo's `tsa` name is not a name of the signing certificate.
    TsaName,
    /// A certificate of the path, or the TSTInfo, has a critical extension
    /// docseal does not know.
    CriticalExtension,
    /// No path from the signing certificate to an anchor.
    Chain,
    /// A certificate of the path is not valid at genTime.
    CertificateValidity,
    /// genTime is outside the anchor's own trust window.
    AnchorValidity,
    /// The TSTInfo's version is not 1.
    Version,
    /// The imprint's hash algorithm is not SHA-256, SHA-384 or SHA-512.
    ImprintAlgorithm,
    /// The imprint is not the hash of the stamped bytes.
    Imprint,
    /// The accuracy is out of range.
    Accuracy,
    /// The nonce is not the one expected.
    Nonce,
}

impl TokenCheck {
    /// Every check, in the order they are applied.
    pub const ALL: [TokenCheck; 21] = [
        Self::Parse,
        Self::Status,
        Self::Token,
        Self::ContentType,
        Self::SignerCount,
        Self::SignedAttributes,
        Self::MessageDigest,
        Self::SigningCertificate,
        Self::Signature,
        Self::Eku,
        Self::KeyUsage,
        Self::TsaName,
        Self::CriticalExtension,
        Self::Chain,
        Self::CertificateValidity,
        Self::AnchorValidity,
        Self::Version,
        Self::ImprintAlgorithm,
        Self::Imprint,
        Self::Accuracy,
        Self::Nonce,
    ];

    /// The stable code, e.g. `timestamp.imprint`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Parse => "timestamp.parse",
            Self::Status => "timestamp.status",
            Self::Token => "timestamp.token",
            Self::ContentType => "timestamp.content-type",
            Self::SignerCount => "timestamp.signer-count",
            Self::SignedAttributes => "timestamp.signed-attributes",
            Self::MessageDigest => "timestamp.message-digest",
            Self::SigningCertificate => "timestamp.signing-certificate",
            Self::Signature => "timestamp.signature",
            Self::Eku => "timestamp.eku",
            Self::KeyUsage => "timestamp.key-usage",
            Self::TsaName => "timestamp.tsa-name",
            Self::CriticalExtension => "timestamp.critical-extension",
            Self::Chain => "timestamp.chain",
            Self::CertificateValidity => "timestamp.certificate-validity",
            Self::AnchorValidity => "timestamp.anchor-validity",
            Self::Version => "timestamp.version",
            Self::ImprintAlgorithm => "timestamp.imprint-algorithm",
            Self::Imprint => "timestamp.imprint",
            Self::Accuracy => "timestamp.accuracy",
            Self::Nonce => "timestamp.nonce",
        }
    }
}

impl std::fmt::Display for TokenCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}
