//! Building an RFC 3161 `TimeStampReq` over the SHA-256 of the bytes to stamp.

use der::Encode as _;
use der::asn1::{OctetString, Uint};
use rand_core::{OsRng, RngCore as _};
use spki::AlgorithmIdentifierOwned;

use super::HashAlgorithm;
use super::asn1::{MessageImprint, TimeStampReq};

/// The nonce of a request: a positive integer, kept as its big-endian bytes
/// without leading zeros, compared by value with the one a TSA returns.
#[derive(Clone, Debug, Eq, PartialEq, Hash)]
pub struct Nonce(Vec<u8>);

/// The number of random bytes in a nonce made by [`query`]: 64 bits, the size
/// RFC 3161 §2.4.1 suggests and every TSA accepts.
pub const NONCE_BYTES: usize = 8;

impl Nonce {
    /// A nonce of [`NONCE_BYTES`] bytes from the operating system's RNG
    /// (the top bit cleared so that its DER INTEGER needs no padding byte).
    pub fn random() -> Result<Self, QueryError> {
        let mut bytes = [0u8; NONCE_BYTES];
        OsRng
            .try_fill_bytes(&mut bytes)
            .map_err(|e| QueryError::Random {
                reason: e.to_string(),
            })?;
        bytes[0] &= 0x7f;
        // A zero nonce (probability 2^-63) would read as no nonce at all.
        Self::from_be_bytes(&bytes).ok_or(QueryError::Random {
            reason: "the RNG returned zeros".into(),
        })
    }

    /// The nonce of value `bytes` (big-endian, leading zeros ignored); `None`
    /// for zero.
    pub fn from_be_bytes(bytes: &[u8]) -> Option<Self> {
        let start = bytes.iter().position(|&b| b != 0)?;
        Some(Self(bytes[start..].to_vec()))
    }

    /// The value's big-endian bytes, without leading zeros.
    pub fn as_be_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The value in lower-case hex, as reports show it.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// A request ready to send, and the nonce to expect in the reply.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Query {
    /// The DER `TimeStampReq`.
    pub der: Vec<u8>,
    /// Its nonce: pass it to [`super::verify`] to bind the reply to this request.
    pub nonce: Nonce,
}

/// Why a request could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum QueryError {
    /// The operating system's RNG failed.
    #[error("cannot draw a random nonce: {reason}")]
    Random {
        /// What the RNG said.
        reason: String,
    },
    /// The request could not be encoded (not expected with these inputs).
    #[error("cannot encode the time-stamp request: {reason}")]
    Encode {
        /// What the encoder said.
        reason: String,
    },
}

/// A request over SHA-256(`stamped_bytes`) with a fresh random nonce:
/// version 1, `certReq` TRUE, no policy, no extensions.
pub fn query(stamped_bytes: &[u8]) -> Result<Query, QueryError> {
    let nonce = Nonce::random()?;
    Ok(Query {
        der: query_with_nonce(stamped_bytes, &nonce)?,
        nonce,
    })
}

/// The same request with a given nonce (pure: the same inputs give the same bytes).
pub fn query_with_nonce(stamped_bytes: &[u8], nonce: &Nonce) -> Result<Vec<u8>, QueryError> {
    let encode = |e: der::Error| QueryError::Encode {
        reason: e.to_string(),
    };
    let request = TimeStampReq {
        version: 1,
        message_imprint: MessageImprint {
            // NULL parameters, as OpenSSL writes them: some TSAs refuse absent ones.
            hash_algorithm: AlgorithmIdentifierOwned {
                oid: HashAlgorithm::Sha256.oid(),
                parameters: Some(der::asn1::Any::null()),
            },
            hashed_message: OctetString::new(HashAlgorithm::Sha256.hash(stamped_bytes))
                .map_err(encode)?,
        },
        req_policy: None,
        nonce: Some(Uint::new(nonce.as_be_bytes()).map_err(encode)?),
        cert_req: true,
        extensions: None,
    };
    request.to_der().map_err(encode)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_bytes_are_pinned() {
        let nonce =
            Nonce::from_be_bytes(&[0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08]).unwrap();
        assert_eq!(nonce.as_be_bytes(), &[1, 2, 3, 4, 5, 6, 7, 8]);
        let der = query_with_nonce(b"abc", &nonce).unwrap();
        let mut expected = vec![
            0x30, 0x43, // TimeStampReq
            0x02, 0x01, 0x01, // version 1
            0x30, 0x31, // MessageImprint
            0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
            0x00, // sha256, NULL
            0x04, 0x20, // OCTET STRING, SHA-256("abc"):
        ];
        expected.extend_from_slice(&HashAlgorithm::Sha256.hash(b"abc"));
        expected.extend_from_slice(&[0x02, 0x08, 1, 2, 3, 4, 5, 6, 7, 8]); // nonce
        expected.extend_from_slice(&[0x01, 0x01, 0xff]); // certReq TRUE
        assert_eq!(der, expected);
    }

    #[test]
    fn random_nonces_are_positive_and_differ() {
        let a = query(b"x").unwrap();
        let b = query(b"x").unwrap();
        assert_ne!(a.nonce, b.nonce);
        assert_ne!(a.der, b.der);
        assert!(a.nonce.as_be_bytes().len() <= NONCE_BYTES);
        assert!(a.nonce.as_be_bytes()[0] < 0x80);
        assert_eq!(Nonce::from_be_bytes(&[0, 0]), None);
    }
}
