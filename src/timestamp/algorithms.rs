//! The hash and signature algorithms a time-stamp token may use: SHA-1 (only
//! where RFC 2634 fixes it), SHA-256/384/512; RSA PKCS #1 v1.5, RSA-PSS,
//! ECDSA on P-256 and P-384.

use der::Sequence;
use der::asn1::{Any, ObjectIdentifier};
use rsa::traits::PublicKeyParts as _;
use sha2_11::Digest as _;
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

use super::asn1::oid;

/// A hash algorithm named in a token.
#[derive(Clone, Copy, Debug, Eq, PartialEq, Hash)]
#[non_exhaustive]
pub enum HashAlgorithm {
    /// SHA-1: accepted only in an `ESSCertID` (RFC 2634 fixes it there).
    Sha1,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl HashAlgorithm {
    /// The algorithm of an `AlgorithmIdentifier`, whose parameters must be
    /// absent or NULL (RFC 5754 §2); `None` for anything else.
    pub(crate) fn from_identifier(id: &AlgorithmIdentifierOwned) -> Option<Self> {
        if id.parameters.as_ref().is_some_and(|p| !p.is_null()) {
            return None;
        }
        Self::from_oid(id.oid)
    }

    fn from_oid(oid: ObjectIdentifier) -> Option<Self> {
        match oid {
            oid::SHA1 => Some(Self::Sha1),
            oid::SHA256 => Some(Self::Sha256),
            oid::SHA384 => Some(Self::Sha384),
            oid::SHA512 => Some(Self::Sha512),
            _ => None,
        }
    }

    /// The hash's OID.
    pub fn oid(self) -> ObjectIdentifier {
        match self {
            Self::Sha1 => oid::SHA1,
            Self::Sha256 => oid::SHA256,
            Self::Sha384 => oid::SHA384,
            Self::Sha512 => oid::SHA512,
        }
    }

    /// The usual name: `sha1`, `sha256`, `sha384`, `sha512`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sha1 => "sha1",
            Self::Sha256 => "sha256",
            Self::Sha384 => "sha384",
            Self::Sha512 => "sha512",
        }
    }

    /// Whether the algorithm is strong enough for an imprint or a signature.
    pub(crate) fn is_sha2(self) -> bool {
        !matches!(self, Self::Sha1)
    }

    /// The digest of `data`.
    pub(crate) fn hash(self, data: &[u8]) -> Vec<u8> {
        match self {
            Self::Sha1 => {
                use sha1::Digest as _;
                sha1::Sha1::digest(data).to_vec()
            }
            Self::Sha256 => sha2_11::Sha256::digest(data).to_vec(),
            Self::Sha384 => sha2_11::Sha384::digest(data).to_vec(),
            Self::Sha512 => sha2_11::Sha512::digest(data).to_vec(),
        }
    }
}

impl std::fmt::Display for HashAlgorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// How a signature is computed, with the hash it is computed over.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub(crate) enum SignatureAlgorithm {
    RsaPkcs1(HashAlgorithm),
    RsaPss {
        hash: HashAlgorithm,
        salt_length: usize,
    },
    Ecdsa(HashAlgorithm),
}

/// `RSASSA-PSS-params` (RFC 8017 A.2.3); the DEFAULTs (SHA-1) are refused,
/// so the fields are optional here and required below.
#[derive(Sequence)]
struct PssParams {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    hash_algorithm: Option<AlgorithmIdentifierOwned>,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    mask_gen_algorithm: Option<AlgorithmIdentifierOwned>,
    #[asn1(context_specific = "2", tag_mode = "EXPLICIT", optional = "true")]
    salt_length: Option<u32>,
    #[asn1(context_specific = "3", tag_mode = "EXPLICIT", optional = "true")]
    trailer_field: Option<u8>,
}

/// Why a signature algorithm is refused.
pub(crate) type Refusal = String;

impl SignatureAlgorithm {
    /// The algorithm of a signature `AlgorithmIdentifier`. `digest` is the
    /// hash to use when the identifier names none (CMS `rsaEncryption`).
    pub(crate) fn from_identifier(
        id: &AlgorithmIdentifierOwned,
        digest: Option<HashAlgorithm>,
    ) -> Result<Self, Refusal> {
        let no_parameters = id.parameters.as_ref().is_none_or(Any::is_null);
        let algorithm = match id.oid {
            oid::RSA_ENCRYPTION if no_parameters => Self::RsaPkcs1(
                digest.ok_or_else(|| "rsaEncryption names no hash here".to_string())?,
            ),
            oid::SHA256_WITH_RSA if no_parameters => Self::RsaPkcs1(HashAlgorithm::Sha256),
            oid::SHA384_WITH_RSA if no_parameters => Self::RsaPkcs1(HashAlgorithm::Sha384),
            oid::SHA512_WITH_RSA if no_parameters => Self::RsaPkcs1(HashAlgorithm::Sha512),
            oid::ECDSA_WITH_SHA256 if id.parameters.is_none() => Self::Ecdsa(HashAlgorithm::Sha256),
            oid::ECDSA_WITH_SHA384 if id.parameters.is_none() => Self::Ecdsa(HashAlgorithm::Sha384),
            oid::ECDSA_WITH_SHA512 if id.parameters.is_none() => Self::Ecdsa(HashAlgorithm::Sha512),
            oid::RSASSA_PSS => Self::pss(id.parameters.as_ref())?,
            other => return Err(format!("signature algorithm {other} is not supported")),
        };
        match algorithm {
            Self::RsaPkcs1(hash) | Self::Ecdsa(hash) | Self::RsaPss { hash, .. }
                if !hash.is_sha2() =>
            {
                Err(format!("signatures over {hash} are refused"))
            }
            _ => Ok(algorithm),
        }
    }

    fn pss(parameters: Option<&Any>) -> Result<Self, Refusal> {
        let params = parameters
            .ok_or("RSASSA-PSS without parameters (SHA-1 defaults) is refused")?
            .decode_as::<PssParams>()
            .map_err(|e| format!("RSASSA-PSS parameters: {e}"))?;
        let hash = params
            .hash_algorithm
            .as_ref()
            .and_then(HashAlgorithm::from_identifier)
            .ok_or("RSASSA-PSS hash is absent (SHA-1) or unknown")?;
        let mgf = params
            .mask_gen_algorithm
            .ok_or("RSASSA-PSS mask generation is absent (MGF1 with SHA-1)")?;
        let mgf_hash = mgf
            .parameters
            .as_ref()
            .and_then(|p| p.decode_as::<AlgorithmIdentifierOwned>().ok())
            .and_then(|id| HashAlgorithm::from_identifier(&id));
        if mgf.oid != oid::MGF1 || mgf_hash != Some(hash) {
            return Err("RSASSA-PSS mask generation must be MGF1 with the same hash".into());
        }
        if params.trailer_field.unwrap_or(1) != 1 {
            return Err("RSASSA-PSS trailer field must be 1".into());
        }
        let salt_length = params.salt_length.unwrap_or(20);
        Ok(Self::RsaPss {
            hash,
            salt_length: usize::try_from(salt_length).map_err(|e| e.to_string())?,
        })
    }

    /// The hash the signature is computed over.
    pub(crate) fn hash(self) -> HashAlgorithm {
        match self {
            Self::RsaPkcs1(hash) | Self::Ecdsa(hash) | Self::RsaPss { hash, .. } => hash,
        }
    }
}

/// A public key a token or certificate signature can be checked with.
#[derive(Clone, Debug)]
pub(crate) enum PublicKey {
    Rsa(rsa::PublicKey),
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
}

/// The smallest RSA modulus accepted, in bits (NIST SP 800-131A).
const MIN_RSA_BITS: usize = 2048;

impl PublicKey {
    /// The key of a `SubjectPublicKeyInfo`: RSA (2048 to 8192 bits), or EC on
    /// P-256 or P-384.
    pub(crate) fn from_spki(spki: &SubjectPublicKeyInfoOwned) -> Result<Self, Refusal> {
        let key_bytes = spki
            .subject_public_key
            .as_bytes()
            .ok_or("the public key is not a whole number of bytes")?;
        match spki.algorithm.oid {
            oid::RSA_ENCRYPTION => {
                use rsa::pkcs1::DecodeRsaPublicKey as _;
                // Refuses moduli over rsa::PublicKey::MAX_SIZE (8192 bits).
                let key = rsa::PublicKey::from_pkcs1_der(key_bytes)
                    .map_err(|e| format!("RSA public key: {e}"))?;
                if key.size() * 8 < MIN_RSA_BITS {
                    return Err(format!(
                        "RSA keys of {} bits are refused (at least {MIN_RSA_BITS})",
                        key.size() * 8
                    ));
                }
                Ok(Self::Rsa(key))
            }
            oid::EC_PUBLIC_KEY => {
                let curve = spki
                    .algorithm
                    .parameters
                    .as_ref()
                    .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
                match curve {
                    Some(oid::SECP256R1) => p256::ecdsa::VerifyingKey::from_sec1_bytes(key_bytes)
                        .map(Self::P256)
                        .map_err(|e| format!("P-256 public key: {e}")),
                    Some(oid::SECP384R1) => p384::ecdsa::VerifyingKey::from_sec1_bytes(key_bytes)
                        .map(Self::P384)
                        .map_err(|e| format!("P-384 public key: {e}")),
                    _ => Err("EC keys are accepted on P-256 and P-384 only".into()),
                }
            }
            other => Err(format!("public key algorithm {other} is not supported")),
        }
    }

    /// Checks `signature` over `message`.
    pub(crate) fn verify(
        &self,
        algorithm: SignatureAlgorithm,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), Refusal> {
        use p256::ecdsa::signature::hazmat::PrehashVerifier as _;
        let hashed = algorithm.hash().hash(message);
        let verified = match (self, algorithm) {
            (Self::Rsa(key), SignatureAlgorithm::RsaPkcs1(hash)) => {
                pkcs1v15(hash).is_some_and(|scheme| key.verify(scheme, &hashed, signature).is_ok())
            }
            (Self::Rsa(key), SignatureAlgorithm::RsaPss { hash, salt_length }) => {
                verify_pss(key, hash, salt_length, &hashed, signature)
            }
            (Self::P256(key), SignatureAlgorithm::Ecdsa(_)) => {
                p256::ecdsa::Signature::from_der(signature)
                    .is_ok_and(|sig| key.verify_prehash(&hashed, &sig).is_ok())
            }
            (Self::P384(key), SignatureAlgorithm::Ecdsa(_)) => {
                p384::ecdsa::Signature::from_der(signature)
                    .is_ok_and(|sig| key.verify_prehash(&hashed, &sig).is_ok())
            }
            (key, algorithm) => {
                return Err(format!(
                    "a {} key cannot make a {algorithm:?} signature",
                    key.kind()
                ));
            }
        };
        if verified {
            Ok(())
        } else {
            Err(format!(
                "the {algorithm:?} signature does not verify with the {} key",
                self.kind()
            ))
        }
    }

    fn kind(&self) -> String {
        match self {
            Self::Rsa(key) => format!("RSA-{}", key.size() * 8),
            Self::P256(_) => "P-256".into(),
            Self::P384(_) => "P-384".into(),
        }
    }
}

/// PKCS #1 v1.5 with the DigestInfo prefix of `hash` (none for SHA-1, refused earlier).
fn pkcs1v15(hash: HashAlgorithm) -> Option<rsa::Pkcs1v15Sign> {
    match hash {
        HashAlgorithm::Sha1 => None,
        HashAlgorithm::Sha256 => Some(rsa::Pkcs1v15Sign::new::<sha2_11::Sha256>()),
        HashAlgorithm::Sha384 => Some(rsa::Pkcs1v15Sign::new::<sha2_11::Sha384>()),
        HashAlgorithm::Sha512 => Some(rsa::Pkcs1v15Sign::new::<sha2_11::Sha512>()),
    }
}

fn verify_pss(
    key: &rsa::PublicKey,
    hash: HashAlgorithm,
    salt_length: usize,
    hashed: &[u8],
    signature: &[u8],
) -> bool {
    match hash {
        HashAlgorithm::Sha1 => false,
        HashAlgorithm::Sha256 => key
            .verify(
                rsa::Pss::<sha2_11::Sha256>::new_with_salt(salt_length),
                hashed,
                signature,
            )
            .is_ok(),
        HashAlgorithm::Sha384 => key
            .verify(
                rsa::Pss::<sha2_11::Sha384>::new_with_salt(salt_length),
                hashed,
                signature,
            )
            .is_ok(),
        HashAlgorithm::Sha512 => key
            .verify(
                rsa::Pss::<sha2_11::Sha512>::new_with_salt(salt_length),
                hashed,
                signature,
            )
            .is_ok(),
    }
}
