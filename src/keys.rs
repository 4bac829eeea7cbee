//! Ed25519 key files, key ids, signing and strict verification.
//!
//! - Private key: PKCS#8 **v1** PEM (`PRIVATE KEY`), or encrypted
//!   (`ENCRYPTED PRIVATE KEY`, PBES2 with scrypt and AES-256-CBC), mode 0600.
//!   v1 because OpenSSL 3.0 cannot read the v2 form that carries the public key.
//! - Public key: SubjectPublicKeyInfo PEM (`PUBLIC KEY`).
//! - Key id: `sha256:` of the 32 raw public-key bytes.
//!
//! Both are read by `openssl pkey`; keys made by `openssl genpkey -algorithm
//! ed25519` (plain or encrypted with PBKDF2 or scrypt) are read here.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use ed25519_dalek::pkcs8::{DecodePublicKey, EncodePublicKey};
use ed25519_dalek::{Signature, SigningKey, VerifyingKey};
use pkcs8::der::Decode;
use pkcs8::{EncryptedPrivateKeyInfo, LineEnding, PrivateKeyInfo};
use rand_core::OsRng;
use zeroize::Zeroizing;

use crate::digest::Sha256Digest;

/// The Ed25519 algorithm identifier (RFC 8410).
const ED25519_OID: &str = "1.3.101.112";

/// Identifies a public key: SHA-256 of its 32 raw bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(pub Sha256Digest);

impl KeyId {
    /// The id of a public key.
    pub fn of(key: &VerifyingKey) -> Self {
        Self(Sha256Digest::of_bytes(key.as_bytes()))
    }

    /// The 64 hex digits, no prefix (used in file names: no `:`).
    pub fn hex(&self) -> String {
        self.0.hex()
    }

    /// The first 16 hex digits, for display.
    pub fn short(&self) -> String {
        self.0.hex()[..16].to_string()
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for KeyId {
    type Err = crate::digest::ParseDigestError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse().map(Self)
    }
}

impl serde::Serialize for KeyId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for KeyId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Sha256Digest::deserialize(deserializer).map(Self)
    }
}

/// The key ids of the demo keys published in `keys/demo/`: whatever a
/// keyring says, a signature by one of them proves nothing.
const DEMO_KEYS: [&str; 2] = [
    "079c558af2309d3cf3636ed5d38e9f0ae870278a0eaf5774b9d71509a3eb3e7f",
    "a40897a5bea2868dc61d605811fbcb9218e5030696e339d8adb4da340a319925",
];

/// Whether `key` is one of docseal's published demo keys.
pub fn is_demo_key(key: &KeyId) -> bool {
    DEMO_KEYS.contains(&key.hex().as_str())
}

/// What went wrong with a key file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The key file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Refusing to overwrite a key file.
    #[error("{path} already exists; docseal never overwrites a key")]
    Exists {
        /// The existing file.
        path: PathBuf,
    },
    /// Not a PEM file docseal understands.
    #[error("{path} is not a key docseal can read: {message}")]
    Malformed {
        /// The key file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The passphrase does not decrypt the key.
    #[error("wrong passphrase for {path} (or the encrypted key is corrupted)")]
    WrongPassphrase {
        /// The key file.
        path: PathBuf,
    },
    /// The key is encrypted and no passphrase could be obtained.
    #[error("{path} is encrypted and no passphrase was given")]
    PassphraseRequired {
        /// The key file.
        path: PathBuf,
    },
    /// A key of another algorithm.
    #[error(
        "{path} holds {} {algorithm} key; docseal signs with Ed25519 only",
        article(algorithm)
    )]
    NotEd25519 {
        /// The key file.
        path: PathBuf,
        /// The algorithm found.
        algorithm: String,
    },
    /// The key could not be encoded (or encrypted).
    #[error("cannot encode the key: {message}")]
    Encode {
        /// What the encoder said.
        message: String,
    },
    /// An empty passphrase would make an "encrypted" key that opens with none.
    #[error("an empty passphrase does not protect a key")]
    EmptyPassphrase,
    /// A public key was given where a private key is needed.
    #[error("{path} is a public key; signing needs the private key")]
    PublicNotPrivate {
        /// The key file.
        path: PathBuf,
    },
    /// A private key was given where a public key is expected.
    #[error("{path} is a private key; expected a public key (SPKI PEM)")]
    PrivateNotPublic {
        /// The key file.
        path: PathBuf,
    },
}

/// A key file's text; a binary file is malformed, not an I/O error.
fn read_text(path: &Path) -> Result<String, KeyError> {
    let bytes = std::fs::read(path).map_err(|source| KeyError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    String::from_utf8(bytes).map_err(|e| {
        // It may be a private key in DER: leave no copy behind.
        zeroize::Zeroize::zeroize(&mut e.into_bytes());
        KeyError::Malformed {
            path: path.to_path_buf(),
            message: "it is binary, not PEM (DER? convert it with `openssl pkey -inform DER`)"
                .into(),
        }
    })
}

/// `a` or `an`, as English reads the name that follows.
fn article(name: &str) -> &'static str {
    // Names starting with a vowel sound: RSA ("ar-"), EC ("ee-"), Ed448 …
    match name.chars().next() {
        Some('A' | 'E' | 'I' | 'O' | 'U' | 'R' | 'X' | 'a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

/// The PEM text of a key file, with what is wrong said plainly when it is
/// not PEM at all (the PEM decoder's own messages speak of preambles).
fn pem_document<'a>(text: &'a str, path: &Path) -> Result<(&'a str, Vec<u8>), KeyError> {
    let malformed = |message: String| KeyError::Malformed {
        path: path.to_path_buf(),
        message,
    };
    if !text.contains("-----BEGIN ") {
        return Err(malformed(if text.trim().is_empty() {
            "the file is empty".into()
        } else {
            "it is not PEM: there is no -----BEGIN line".into()
        }));
    }
    pkcs8::der::pem::decode_vec(text.trim().as_bytes()).map_err(|e| malformed(e.to_string()))
}

/// A signing key read from a file, with anything worth warning about.
pub struct LoadedKey {
    /// The key.
    pub key: SigningKey,
    /// Warnings (e.g. a private key readable by others).
    pub warnings: Vec<String>,
}

/// A fresh random key pair from the operating system's generator.
pub fn generate() -> SigningKey {
    SigningKey::generate(&mut OsRng)
}

/// PKCS#8 v1 PEM of a private key, encrypted when a passphrase is given
/// (which must not be empty).
pub fn private_key_pem(
    key: &SigningKey,
    passphrase: Option<&[u8]>,
) -> Result<Zeroizing<String>, KeyError> {
    if passphrase.is_some_and(<[u8]>::is_empty) {
        return Err(KeyError::EmptyPassphrase);
    }
    let seed = Zeroizing::new(key.to_bytes());
    // CurvePrivateKey ::= OCTET STRING (RFC 8410): 0x04 0x20 then the seed.
    let mut inner = Zeroizing::new([0u8; 34]);
    inner[0] = 0x04;
    inner[1] = 0x20;
    inner[2..].copy_from_slice(seed.as_ref());
    let info = PrivateKeyInfo {
        algorithm: pkcs8::AlgorithmIdentifierRef {
            oid: ed25519_dalek::pkcs8::ALGORITHM_OID,
            parameters: None,
        },
        private_key: inner.as_ref(),
        // No public key: that keeps the structure at version 1.
        public_key: None,
    };
    let pem = match passphrase {
        Some(pass) => encrypt(&info, pass).and_then(|doc| {
            doc.to_pem("ENCRYPTED PRIVATE KEY", LineEnding::LF)
                .map_err(Into::into)
        }),
        None => pkcs8::der::Encode::to_der(&info)
            .map_err(pkcs8::Error::from)
            .and_then(|der| {
                let doc = pkcs8::SecretDocument::try_from(der.as_slice())?;
                Ok(doc.to_pem("PRIVATE KEY", LineEnding::LF)?)
            }),
    };
    pem.map_err(|e| KeyError::Encode {
        message: e.to_string(),
    })
}

/// scrypt cost: N = 2^14, r = 8, p = 1 (16 MiB). The same as
/// `openssl pkcs8 -scrypt`; a larger N exceeds OpenSSL's default 32 MiB
/// scrypt memory limit and OpenSSL could no longer read the key.
const SCRYPT_LOG_N: u8 = 14;

fn encrypt(info: &PrivateKeyInfo<'_>, passphrase: &[u8]) -> pkcs8::Result<pkcs8::SecretDocument> {
    use rand_core::RngCore;
    let mut salt = [0u8; 16];
    let mut iv = [0u8; 16];
    OsRng.fill_bytes(&mut salt);
    OsRng.fill_bytes(&mut iv);
    let cost = scrypt::Params::new(SCRYPT_LOG_N, 8, 1, 32)
        .map_err(|_| pkcs8::Error::EncryptedPrivateKey(pkcs8::pkcs5::Error::EncryptFailed))?;
    let params = pkcs8::pkcs5::pbes2::Parameters::scrypt_aes256cbc(cost, &salt, &iv)?;
    info.encrypt_with_params(params, passphrase)
}

/// SPKI PEM of a public key.
pub fn public_key_pem(key: &VerifyingKey) -> String {
    // Encoding 32 bytes into a fixed structure cannot fail.
    key.to_public_key_pem(LineEnding::LF).unwrap_or_default()
}

/// Writes `BASE.key.pem` (mode 0600) and `BASE.pub.pem`, never overwriting.
pub fn write_key_pair(
    base: &Path,
    key: &SigningKey,
    passphrase: Option<&[u8]>,
) -> Result<(PathBuf, PathBuf), KeyError> {
    let private_path = with_suffix(base, ".key.pem");
    let public_path = with_suffix(base, ".pub.pem");
    for path in [&private_path, &public_path] {
        if path.exists() {
            return Err(KeyError::Exists { path: path.clone() });
        }
    }
    let pem = private_key_pem(key, passphrase)?;
    write_new(&private_path, pem.as_bytes(), 0o600)?;
    if let Err(e) = write_new(
        &public_path,
        public_key_pem(&key.verifying_key()).as_bytes(),
        0o644,
    ) {
        // Do not leave half a key pair behind.
        let _ = std::fs::remove_file(&private_path);
        return Err(e);
    }
    Ok((private_path, public_path))
}

fn with_suffix(base: &Path, suffix: &str) -> PathBuf {
    let mut name = base.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Creates a file that must not exist yet, with `mode`, atomically: a
/// failure leaves nothing behind, not even half a key.
fn write_new(path: &Path, bytes: &[u8], mode: u32) -> Result<(), KeyError> {
    use std::os::unix::fs::PermissionsExt;
    crate::fsutil::write_atomic_with(path, true, |file| {
        file.set_permissions(std::fs::Permissions::from_mode(mode))?;
        file.write_all(bytes)
    })
    .map_err(|source| {
        if source.kind() == std::io::ErrorKind::AlreadyExists {
            KeyError::Exists {
                path: path.to_path_buf(),
            }
        } else {
            KeyError::Io {
                path: path.to_path_buf(),
                source,
            }
        }
    })
}

/// Reads a private key. `passphrase` is called only when the key is encrypted.
pub fn read_private_key(
    path: &Path,
    passphrase: &mut dyn FnMut() -> Option<Zeroizing<String>>,
) -> Result<LoadedKey, KeyError> {
    let text = Zeroizing::new(read_text(path)?);
    let mut warnings = Vec::new();
    if let Ok(meta) = std::fs::metadata(path) {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o077 != 0 {
            warnings.push(format!(
                "{} can be read by other users (mode {:o}); run `chmod 600 {}`",
                path.display(),
                meta.permissions().mode() & 0o777,
                path.display()
            ));
        }
    }
    let key = parse_private_key(&text, path, passphrase)?;
    Ok(LoadedKey { key, warnings })
}

/// Parses a private key PEM (see [`read_private_key`]).
pub fn parse_private_key(
    text: &str,
    path: &Path,
    passphrase: &mut dyn FnMut() -> Option<Zeroizing<String>>,
) -> Result<SigningKey, KeyError> {
    let malformed = |message: String| KeyError::Malformed {
        path: path.to_path_buf(),
        message,
    };
    let (label, der) = pem_document(text, path)?;
    let der = Zeroizing::new(der);
    match label {
        "PRIVATE KEY" => signing_key_from_info(&der, path),
        "ENCRYPTED PRIVATE KEY" => {
            let info =
                EncryptedPrivateKeyInfo::from_der(&der).map_err(|e| malformed(e.to_string()))?;
            check_kdf_cost(&info.encryption_algorithm).map_err(malformed)?;
            let pass = passphrase().ok_or_else(|| KeyError::PassphraseRequired {
                path: path.to_path_buf(),
            })?;
            let wrong = || KeyError::WrongPassphrase {
                path: path.to_path_buf(),
            };
            // pkcs5 0.7 reports a bad padding as `EncryptFailed`; either way the
            // passphrase did not produce the key.
            let plain = info.decrypt(pass.as_bytes()).map_err(|e| match e {
                pkcs8::Error::EncryptedPrivateKey(
                    pkcs8::pkcs5::Error::DecryptFailed | pkcs8::pkcs5::Error::EncryptFailed,
                ) => wrong(),
                other => malformed(format!("cannot decrypt: {other}")),
            })?;
            // A wrong passphrase passes the padding check about once in 256
            // tries; the garbage it yields is then not a PrivateKeyInfo.
            if PrivateKeyInfo::from_der(plain.as_bytes()).is_err() {
                return Err(wrong());
            }
            signing_key_from_info(plain.as_bytes(), path)
        }
        "PUBLIC KEY" => Err(KeyError::PublicNotPrivate {
            path: path.to_path_buf(),
        }),
        "RSA PRIVATE KEY" => Err(not_ed25519(path, "RSA")),
        "EC PRIVATE KEY" => Err(not_ed25519(path, "EC")),
        other => Err(malformed(format!("unexpected PEM label {other:?}"))),
    }
}

/// The most memory scrypt may ask (`128 · r · N` bytes): OpenSSL's default
/// limit, twice what docseal writes.
const MAX_SCRYPT_MEMORY: u64 = 32 << 20;
/// The most scrypt passes (`p`); docseal and OpenSSL write 1.
const MAX_SCRYPT_PARALLELISM: u16 = 16;
/// The most PBKDF2 iterations; OpenSSL writes 2048, guidance for
/// PBKDF2-HMAC-SHA256 today is 600,000.
const MAX_PBKDF2_ITERATIONS: u32 = 1_000_000;

/// Refuses key derivation parameters that would take hours or terabytes
/// before the passphrase can even be tried: the file says how costly its
/// own decryption is, and it may lie.
fn check_kdf_cost(scheme: &pkcs8::pkcs5::EncryptionScheme<'_>) -> Result<(), String> {
    use pkcs8::pkcs5::pbes2::Kdf;
    let pkcs8::pkcs5::EncryptionScheme::Pbes2(params) = scheme else {
        return Ok(());
    };
    match &params.kdf {
        Kdf::Pbkdf2(pbkdf2) if pbkdf2.iteration_count > MAX_PBKDF2_ITERATIONS => Err(format!(
            "its PBKDF2 asks {} iterations; docseal reads keys of at most {MAX_PBKDF2_ITERATIONS}",
            pbkdf2.iteration_count
        )),
        Kdf::Scrypt(scrypt) => {
            let memory = 128u64
                .saturating_mul(u64::from(scrypt.block_size))
                .saturating_mul(scrypt.cost_parameter);
            if memory > MAX_SCRYPT_MEMORY || scrypt.parallelization > MAX_SCRYPT_PARALLELISM {
                Err(format!(
                    "its scrypt asks N = {}, r = {}, p = {}; docseal reads keys of at most \
                     {} MiB (128 · r · N) and p = {MAX_SCRYPT_PARALLELISM}",
                    scrypt.cost_parameter,
                    scrypt.block_size,
                    scrypt.parallelization,
                    MAX_SCRYPT_MEMORY >> 20
                ))
            } else {
                Ok(())
            }
        }
        _ => Ok(()),
    }
}

fn not_ed25519(path: &Path, algorithm: &str) -> KeyError {
    KeyError::NotEd25519 {
        path: path.to_path_buf(),
        algorithm: algorithm.to_string(),
    }
}

fn algorithm_name(oid: &str) -> String {
    match oid {
        "1.2.840.113549.1.1.1" => "RSA".into(),
        "1.2.840.10045.2.1" => "EC".into(),
        "1.3.101.113" => "Ed448".into(),
        "1.3.101.110" => "X25519".into(),
        other => format!("unknown ({other})"),
    }
}

fn signing_key_from_info(der: &[u8], path: &Path) -> Result<SigningKey, KeyError> {
    let malformed = |message: String| KeyError::Malformed {
        path: path.to_path_buf(),
        message,
    };
    let info = PrivateKeyInfo::from_der(der).map_err(|e| malformed(e.to_string()))?;
    let oid = info.algorithm.oid.to_string();
    if oid != ED25519_OID {
        return Err(not_ed25519(path, &algorithm_name(&oid)));
    }
    let seed = match info.private_key {
        [0x04, 0x20, rest @ ..] if rest.len() == 32 => rest,
        _ => {
            return Err(malformed(
                "the Ed25519 private key is not a 32-byte OCTET STRING".into(),
            ));
        }
    };
    let mut bytes = Zeroizing::new([0u8; 32]);
    bytes.copy_from_slice(seed);
    let key = SigningKey::from_bytes(&bytes);
    // A v2 structure also carries the public key: it must match the seed.
    if let Some(public) = info.public_key
        && public != key.verifying_key().as_bytes()
    {
        return Err(malformed(
            "the public key inside does not match the private key".into(),
        ));
    }
    Ok(key)
}

/// Reads an SPKI PEM public key.
pub fn read_public_key(path: &Path) -> Result<VerifyingKey, KeyError> {
    let text = read_text(path)?;
    parse_public_key(&text, path)
}

/// Parses an SPKI PEM public key.
pub fn parse_public_key(text: &str, path: &Path) -> Result<VerifyingKey, KeyError> {
    let malformed = |message: String| KeyError::Malformed {
        path: path.to_path_buf(),
        message,
    };
    let (label, der) = pem_document(text, path)?;
    match label {
        "PUBLIC KEY" => {}
        "PRIVATE KEY" | "ENCRYPTED PRIVATE KEY" => {
            return Err(KeyError::PrivateNotPublic {
                path: path.to_path_buf(),
            });
        }
        other => return Err(malformed(format!("unexpected PEM label {other:?}"))),
    }
    let spki = pkcs8::spki::SubjectPublicKeyInfoRef::from_der(&der)
        .map_err(|e| malformed(e.to_string()))?;
    let oid = spki.algorithm.oid.to_string();
    if oid != ED25519_OID {
        return Err(not_ed25519(path, &algorithm_name(&oid)));
    }
    VerifyingKey::from_public_key_der(&der).map_err(|e| malformed(e.to_string()))
}

/// Signs `message` with Ed25519 (RFC 8032, pure).
pub fn sign(key: &SigningKey, message: &[u8]) -> [u8; 64] {
    use ed25519_dalek::Signer;
    key.sign(message).to_bytes()
}

/// Verifies an Ed25519 signature strictly: non-canonical encodings and
/// small-order keys or points are refused (`verify_strict`).
pub fn verify(key: &VerifyingKey, message: &[u8], signature: &[u8]) -> bool {
    let Ok(bytes) = <[u8; 64]>::try_from(signature) else {
        return false;
    };
    key.verify_strict(message, &Signature::from_bytes(&bytes))
        .is_ok()
}

/// A public key from its 32 raw bytes, when they encode a curve point.
pub fn public_key_from_bytes(bytes: &[u8]) -> Option<VerifyingKey> {
    VerifyingKey::from_bytes(bytes.try_into().ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_round_trip_plain_and_encrypted() {
        let key = generate();
        let plain = private_key_pem(&key, None).unwrap();
        assert!(plain.starts_with("-----BEGIN PRIVATE KEY-----\n"));
        let back = parse_private_key(&plain, Path::new("k"), &mut || None).unwrap();
        assert_eq!(back.to_bytes(), key.to_bytes());

        let encrypted = private_key_pem(&key, Some(b"correct horse")).unwrap();
        assert!(encrypted.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"));
        let back = parse_private_key(&encrypted, Path::new("k"), &mut || {
            Some(Zeroizing::new("correct horse".into()))
        })
        .unwrap();
        assert_eq!(back.to_bytes(), key.to_bytes());
        let wrong = parse_private_key(&encrypted, Path::new("k"), &mut || {
            Some(Zeroizing::new("battery staple".into()))
        });
        assert!(
            matches!(wrong, Err(KeyError::WrongPassphrase { .. })),
            "{:?}",
            wrong.err()
        );
        let none = parse_private_key(&encrypted, Path::new("k"), &mut || None);
        assert!(matches!(none, Err(KeyError::PassphraseRequired { .. })));
    }

    #[test]
    fn plain_private_key_is_pkcs8_version_1() {
        let pem = private_key_pem(&generate(), None).unwrap();
        let (_, der) = pkcs8::der::pem::decode_vec(pem.as_bytes()).unwrap();
        // SEQUENCE { INTEGER 0 (v1), AlgorithmIdentifier, OCTET STRING }: 48 bytes.
        assert_eq!(der.len(), 48);
        assert_eq!(&der[2..5], &[0x02, 0x01, 0x00]);
    }

    #[test]
    fn public_key_round_trip_and_wrong_kinds() {
        let key = generate();
        let pem = public_key_pem(&key.verifying_key());
        let back = parse_public_key(&pem, Path::new("p")).unwrap();
        assert_eq!(back, key.verifying_key());
        assert!(matches!(
            parse_private_key(&pem, Path::new("p"), &mut || None),
            Err(KeyError::PublicNotPrivate { .. })
        ));
        let private = private_key_pem(&key, None).unwrap();
        assert!(matches!(
            parse_public_key(&private, Path::new("k")),
            Err(KeyError::PrivateNotPublic { .. })
        ));
        assert!(matches!(
            parse_public_key(
                "-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----",
                Path::new("x")
            ),
            Err(KeyError::Malformed { .. })
        ));
    }

    #[test]
    fn the_published_demo_keys_are_known_as_demo_keys() {
        for file in ["keys/demo/kz-demo.pub.pem", "keys/demo/rs-demo.pub.pem"] {
            let key = read_public_key(Path::new(file)).unwrap();
            assert!(is_demo_key(&KeyId::of(&key)), "{file}");
        }
        assert!(!is_demo_key(&KeyId::of(&generate().verifying_key())));
    }

    #[test]
    fn key_id_is_sha256_of_raw_public_key() {
        let key = generate();
        let id = KeyId::of(&key.verifying_key());
        assert_eq!(id.0, Sha256Digest::of_bytes(key.verifying_key().as_bytes()));
        assert_eq!(id.short().len(), 16);
        assert_eq!(id.to_string().parse::<KeyId>().unwrap(), id);
    }

    #[test]
    fn signatures_bind_message_and_key() {
        let key = generate();
        let other = generate();
        let sig = sign(&key, b"message");
        assert!(verify(&key.verifying_key(), b"message", &sig));
        assert!(!verify(&key.verifying_key(), b"messagf", &sig));
        assert!(!verify(&other.verifying_key(), b"message", &sig));
        let mut flipped = sig;
        flipped[10] ^= 1;
        assert!(!verify(&key.verifying_key(), b"message", &flipped));
        assert!(!verify(&key.verifying_key(), b"message", &sig[..63]));
    }
}
