//! Who takes part in a statement: party codes and the role a party or a
//! signer plays. Pure types, shared by the keyring, bundles, verify and the
//! archive.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A party's code: an ISO 3166-1 alpha-2 code for a state (`KZ`, `RS`) or a
/// stable code for an organisation or group (`EU`, `ASEAN`, `G7`). Always
/// upper case: input is upper-cased, then must match `[A-Z][A-Z0-9-]{1,15}`
/// (the statement schema's `partyId`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartyCode(String);

/// A text that is not a party code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{found:?} is not a party code (2 to 16 letters, digits or `-`, starting with a letter, e.g. KZ or EU)"
)]
pub struct PartyCodeError {
    /// What was given.
    pub found: String,
}

impl PartyCode {
    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Parses a code exactly as written (no upper-casing): for formats, where
    /// a lower-case code is an error rather than something to repair.
    pub fn parse_exact(text: &str) -> Result<Self, PartyCodeError> {
        let bytes = text.as_bytes();
        let ok = (2..=16).contains(&bytes.len())
            && bytes[0].is_ascii_uppercase()
            && bytes[1..]
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'-');
        if ok {
            Ok(Self(text.to_string()))
        } else {
            Err(PartyCodeError {
                found: text.to_string(),
            })
        }
    }
}

/// Input from people: upper-cased first (`kz` is `KZ`).
impl FromStr for PartyCode {
    type Err = PartyCodeError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse_exact(&text.trim().to_ascii_uppercase()).map_err(|_| PartyCodeError {
            found: text.to_string(),
        })
    }
}

impl fmt::Display for PartyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for PartyCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// In files the code must already be in its canonical (upper-case) form.
impl<'de> Deserialize<'de> for PartyCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse_exact(&text).map_err(serde::de::Error::custom)
    }
}

/// Whether two names of a signer are the same name: compared after folding
/// runs of whitespace to one space and Unicode NFC normalization, so that a
/// name retyped or copied from another system still matches, and nothing else.
pub fn same_name(a: &str, b: &str) -> bool {
    use unicode_normalization::UnicodeNormalization;
    let fold = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .nfc()
            .collect::<String>()
    };
    fold(a) == fold(b)
}

/// The part a party (in a statement) or a signer (in a signature or the
/// keyring) plays.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Makes the statement; its signature counts for its party.
    #[default]
    Signatory,
    /// Witnesses the statement; its signature never stands for a party.
    Witness,
}

impl Role {
    /// `signatory` or `witness`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Signatory => "signatory",
            Self::Witness => "witness",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A text that is not a role.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{found:?} is not a role (signatory or witness)")]
pub struct RoleError {
    /// What was given.
    pub found: String,
}

impl FromStr for Role {
    type Err = RoleError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "signatory" => Ok(Self::Signatory),
            "witness" => Ok(Self::Witness),
            other => Err(RoleError {
                found: other.to_string(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn party_codes_are_upper_cased_on_input_but_exact_in_files() {
        assert_eq!("kz".parse::<PartyCode>().unwrap().as_str(), "KZ");
        assert_eq!(" asean ".parse::<PartyCode>().unwrap().as_str(), "ASEAN");
        assert!(PartyCode::parse_exact("kz").is_err());
        assert!(serde_json::from_str::<PartyCode>("\"kz\"").is_err());
        assert_eq!(
            serde_json::from_str::<PartyCode>("\"G7\"")
                .unwrap()
                .as_str(),
            "G7"
        );
        for bad in ["K", "7G", "K Z", "ABCDEFGHIJKLMNOPQ", "", "K_Z"] {
            assert!(bad.parse::<PartyCode>().is_err(), "{bad}");
        }
    }

    #[test]
    fn roles_are_exactly_signatory_or_witness() {
        assert_eq!("witness".parse::<Role>().unwrap(), Role::Witness);
        assert!("observer".parse::<Role>().is_err());
        assert!("Signatory".parse::<Role>().is_err());
        assert!(serde_json::from_str::<Role>("\"observer\"").is_err());
    }
}
