//! Digests: streaming SHA-256 and SHA-512 over readers of any size with a
//! fixed buffer, and the text form `sha256:<64 lowercase hex>`.

use std::fmt;
use std::io::{self, Read};
use std::str::FromStr;

use sha2::{Digest as _, Sha256, Sha512};

/// Reports progress of long hashing or copying: (bytes done, bytes in all).
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Sync);

/// Size of the read buffer used when hashing streams.
pub const BUFFER_SIZE: usize = 256 * 1024;

/// A digest algorithm a BagIt manifest can name. docseal computes all four;
/// MD5 and SHA-1 only to check bags made elsewhere (they prove nothing
/// against tampering).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HashAlgorithm {
    /// MD5 (weak).
    Md5,
    /// SHA-1 (weak).
    Sha1,
    /// SHA-224.
    Sha224,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl HashAlgorithm {
    /// Every algorithm, weakest first.
    pub const ALL: [Self; 6] = [
        Self::Md5,
        Self::Sha1,
        Self::Sha224,
        Self::Sha256,
        Self::Sha384,
        Self::Sha512,
    ];

    /// The name in manifest file names (RFC 8493 §2.4): `md5`, `sha1`,
    /// `sha224`, `sha256`, `sha384`, `sha512`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Md5 => "md5",
            Self::Sha1 => "sha1",
            Self::Sha224 => "sha224",
            Self::Sha256 => "sha256",
            Self::Sha384 => "sha384",
            Self::Sha512 => "sha512",
        }
    }

    /// Hex digits of a digest.
    pub fn hex_len(self) -> usize {
        match self {
            Self::Md5 => 32,
            Self::Sha1 => 40,
            Self::Sha224 => 56,
            Self::Sha256 => 64,
            Self::Sha384 => 96,
            Self::Sha512 => 128,
        }
    }

    /// The algorithm of a manifest name, if docseal computes it.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }

    /// Too weak to prove anything against tampering.
    pub fn is_weak(self) -> bool {
        matches!(self, Self::Md5 | Self::Sha1)
    }
}

impl fmt::Display for HashAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A SHA-256 digest.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sha256Digest(pub [u8; 32]);

/// A SHA-512 digest.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sha512Digest(pub [u8; 64]);

/// A digest's text form could not be parsed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "not a {algorithm} digest: {text:?} (expected `{algorithm}:` and {hex_len} lower-case hex digits)"
)]
pub struct ParseDigestError {
    /// The algorithm expected.
    pub algorithm: &'static str,
    /// The text that was given.
    pub text: String,
    /// Number of hex digits expected.
    pub hex_len: usize,
}

impl Sha256Digest {
    /// SHA-256 of a byte slice.
    pub fn of_bytes(bytes: &[u8]) -> Self {
        Self(Sha256::digest(bytes).into())
    }

    /// SHA-256 of everything a reader yields, with a fixed buffer.
    pub fn of_reader(reader: impl Read) -> io::Result<Self> {
        let mut hasher = Sha256::new();
        for_each_chunk(reader, |chunk| hasher.update(chunk))?;
        Ok(Self(hasher.finalize().into()))
    }

    /// The 64 lower-case hex digits.
    pub fn hex(&self) -> String {
        hex(&self.0)
    }

    /// Parses 64 hex digits with no prefix.
    pub fn from_hex(text: &str) -> Option<Self> {
        parse_hex::<32>(text).map(Self)
    }
}

impl Sha512Digest {
    /// SHA-512 of a byte slice.
    pub fn of_bytes(bytes: &[u8]) -> Self {
        Self(Sha512::digest(bytes).into())
    }

    /// The 128 lower-case hex digits.
    pub fn hex(&self) -> String {
        hex(&self.0)
    }

    /// SHA-512 of everything a reader yields, with a fixed buffer.
    pub fn of_reader(reader: impl Read) -> io::Result<Self> {
        let mut hasher = Sha512::new();
        for_each_chunk(reader, |chunk| hasher.update(chunk))?;
        Ok(Self(hasher.finalize().into()))
    }

    /// Parses 128 hex digits with no prefix.
    pub fn from_hex(text: &str) -> Option<Self> {
        parse_hex::<64>(text).map(Self)
    }
}

/// Both digests of one stream, computed in one pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Digests {
    /// SHA-256.
    pub sha256: Sha256Digest,
    /// SHA-512.
    pub sha512: Sha512Digest,
    /// Number of bytes hashed.
    pub length: u64,
}

/// Hashes with SHA-256 and SHA-512 at once, counting bytes.
#[derive(Clone, Default)]
pub struct DualHasher {
    sha256: Sha256,
    sha512: Sha512,
    length: u64,
}

impl DualHasher {
    /// A fresh hasher.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        self.sha256.update(bytes);
        self.sha512.update(bytes);
        self.length += bytes.len() as u64;
    }

    /// The digests of everything fed so far.
    pub fn finish(self) -> Digests {
        Digests {
            sha256: Sha256Digest(self.sha256.finalize().into()),
            sha512: Sha512Digest(self.sha512.finalize().into()),
            length: self.length,
        }
    }
}

impl Digests {
    /// Both digests of everything a reader yields, with a fixed buffer.
    pub fn of_reader(reader: impl Read) -> io::Result<Self> {
        let mut hasher = DualHasher::new();
        for_each_chunk(reader, |chunk| hasher.update(chunk))?;
        Ok(hasher.finish())
    }

    /// Both digests of a byte slice.
    pub fn of_bytes(bytes: &[u8]) -> Self {
        let mut hasher = DualHasher::new();
        hasher.update(bytes);
        hasher.finish()
    }
}

/// Reads `reader` to its end in fixed-size chunks. The buffer is kept per
/// thread: hashing thousands of small files must not zero a fresh 256 KiB
/// buffer for each.
pub fn for_each_chunk(mut reader: impl Read, mut f: impl FnMut(&[u8])) -> io::Result<u64> {
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUFFER.with(|cell| {
        // A nested call (not expected) falls back to its own buffer.
        let mut own = Vec::new();
        let mut borrowed = cell.try_borrow_mut();
        let buffer: &mut Vec<u8> = match borrowed.as_deref_mut() {
            Ok(buffer) => buffer,
            Err(_) => &mut own,
        };
        if buffer.len() < BUFFER_SIZE {
            buffer.resize(BUFFER_SIZE, 0);
        }
        let mut total = 0u64;
        loop {
            let n = match reader.read(buffer) {
                Ok(0) => return Ok(total),
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            f(&buffer[..n]);
            total += n as u64;
        }
    })
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0xf)] as char);
    }
    out
}

fn parse_hex<const N: usize>(text: &str) -> Option<[u8; N]> {
    let bytes = text.as_bytes();
    if bytes.len() != N * 2 {
        return None;
    }
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    let mut out = [0u8; N];
    for (i, pair) in bytes.chunks_exact(2).enumerate() {
        out[i] = (digit(pair[0])? << 4) | digit(pair[1])?;
    }
    Some(out)
}

impl fmt::Display for Sha256Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sha256:{}", self.hex())
    }
}

impl fmt::Debug for Sha256Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Sha512Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sha512:{}", self.hex())
    }
}

impl fmt::Debug for Sha512Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl FromStr for Sha256Digest {
    type Err = ParseDigestError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        text.strip_prefix("sha256:")
            .and_then(Self::from_hex)
            .ok_or_else(|| ParseDigestError {
                algorithm: "sha256",
                text: text.to_string(),
                hex_len: 64,
            })
    }
}

impl FromStr for Sha512Digest {
    type Err = ParseDigestError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        text.strip_prefix("sha512:")
            .and_then(Self::from_hex)
            .ok_or_else(|| ParseDigestError {
                algorithm: "sha512",
                text: text.to_string(),
                hex_len: 128,
            })
    }
}

impl serde::Serialize for Sha256Digest {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Sha256Digest {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl serde::Serialize for Sha512Digest {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Sha512Digest {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // FIPS 180-2 examples.
    const ABC_SHA256: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    const ABC_SHA512: &str = "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f";

    #[test]
    fn known_answers() {
        assert_eq!(Sha256Digest::of_bytes(b"abc").hex(), ABC_SHA256);
        assert_eq!(Sha512Digest::of_bytes(b"abc").hex(), ABC_SHA512);
        let both = Digests::of_bytes(b"abc");
        assert_eq!(both.sha256.hex(), ABC_SHA256);
        assert_eq!(both.sha512.hex(), ABC_SHA512);
        assert_eq!(both.length, 3);
    }

    #[test]
    fn streaming_equals_one_shot_across_buffer_boundaries() {
        let data: Vec<u8> = (0..(BUFFER_SIZE * 2 + 17))
            .map(|i| (i % 251) as u8)
            .collect();
        let streamed = Digests::of_reader(&data[..]).unwrap();
        assert_eq!(streamed, Digests::of_bytes(&data));
        assert_eq!(Sha256Digest::of_reader(&data[..]).unwrap(), streamed.sha256);
    }

    #[test]
    fn text_form_round_trips_and_rejects_bad_input() {
        let d = Sha256Digest::of_bytes(b"abc");
        let text = d.to_string();
        assert_eq!(text, format!("sha256:{ABC_SHA256}"));
        assert_eq!(text.parse::<Sha256Digest>().unwrap(), d);
        assert!("sha256:ABC".parse::<Sha256Digest>().is_err());
        assert!(ABC_SHA256.parse::<Sha256Digest>().is_err());
        assert!(
            format!("sha256:{}", ABC_SHA256.to_uppercase())
                .parse::<Sha256Digest>()
                .is_err()
        );
    }
}
