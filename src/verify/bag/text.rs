//! BagIt's text tag files as each version says (pure: bytes in, values
//! out): the bag declaration, the tag-file character encodings, lines and
//! their endings, and metadata elements (`bag-info.txt`, `package-info.txt`).
//!
//! Versions: 0.93 (draft-kunze-bagit-00), 0.94 (-01), 0.95 (-02), 0.96
//! (-03 to -05), 0.97 (-06 to -14), 1.0 (RFC 8493). What changed between
//! them and matters to a reader is in [`Version`]'s methods.

use std::fmt;

/// A BagIt version this reader knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Version {
    /// 0.93.
    V0_93,
    /// 0.94.
    V0_94,
    /// 0.95.
    V0_95,
    /// 0.96.
    V0_96,
    /// 0.97.
    V0_97,
    /// 1.0 (RFC 8493).
    V1_0,
}

impl Version {
    /// The version of a `BagIt-Version` value; `None` for one this reader
    /// does not know (refused: a reader cannot know what it would mean).
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "0.93" => Self::V0_93,
            "0.94" => Self::V0_94,
            "0.95" => Self::V0_95,
            "0.96" => Self::V0_96,
            "0.97" => Self::V0_97,
            "1.0" => Self::V1_0,
            _ => return None,
        })
    }

    /// The metadata tag file: `package-info.txt` up to 0.95, then `bag-info.txt`.
    pub fn info_file(self) -> &'static str {
        if self <= Self::V0_95 {
            "package-info.txt"
        } else {
            "bag-info.txt"
        }
    }

    /// RFC 8493 §2.2.2: before 1.0 readers accept any whitespace around
    /// the colon; from 1.0 a colon and exactly one space or tab.
    pub fn strict_separator(self) -> bool {
        self == Self::V1_0
    }

    /// RFC 8493 §3: from 1.0 every payload file is in every payload
    /// manifest; before, in at least one.
    pub fn every_manifest(self) -> bool {
        self == Self::V1_0
    }

    /// RFC 8493 §2.1.3: from 1.0, CR, LF and `%` in paths are
    /// percent-encoded; before, paths are literal.
    pub fn percent_encoded_paths(self) -> bool {
        self == Self::V1_0
    }

    /// A byte order mark in `bagit.txt`, and in UTF-8 tag files, is
    /// forbidden from 0.97 (RFC 8493 §2.1.1, §2.3); earlier drafts say
    /// nothing, so there it is a warning.
    pub fn forbids_bom(self) -> bool {
        self >= Self::V0_97
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::V0_93 => "0.93",
            Self::V0_94 => "0.94",
            Self::V0_95 => "0.95",
            Self::V0_96 => "0.96",
            Self::V0_97 => "0.97",
            Self::V1_0 => "1.0",
        })
    }
}

/// A character encoding of tag files (`Tag-File-Character-Encoding`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagEncoding {
    /// UTF-8.
    Utf8,
    /// UTF-16 with an optional byte order mark (big-endian without one, RFC 2781 §4.3).
    Utf16,
    /// UTF-16BE.
    Utf16Be,
    /// UTF-16LE.
    Utf16Le,
    /// UTF-32 with an optional byte order mark (big-endian without one).
    Utf32,
    /// UTF-32BE.
    Utf32Be,
    /// UTF-32LE.
    Utf32Le,
    /// ISO-8859-1: each byte is the code point of the same value.
    Latin1,
    /// US-ASCII: bytes under 0x80 only.
    Ascii,
    /// Another IANA charset, decoded by `encoding_rs` (WHATWG tables).
    Other(&'static encoding_rs::Encoding),
}

impl TagEncoding {
    /// The encoding an IANA name or alias stands for (case-insensitive).
    pub fn parse(name: &str) -> Option<Self> {
        let lower = name.trim().to_ascii_lowercase();
        Some(match lower.as_str() {
            "utf-8" | "utf8" => Self::Utf8,
            "utf-16" => Self::Utf16,
            "utf-16be" => Self::Utf16Be,
            "utf-16le" => Self::Utf16Le,
            "utf-32" => Self::Utf32,
            "utf-32be" => Self::Utf32Be,
            "utf-32le" => Self::Utf32Le,
            // WHATWG reads these names as windows-1252; IANA does not.
            "iso-8859-1" | "iso_8859-1" | "iso_8859-1:1987" | "latin1" | "l1" | "ibm819"
            | "cp819" | "csisolatin1" | "iso-ir-100" => Self::Latin1,
            "us-ascii" | "ascii" | "iso646-us" | "ansi_x3.4-1968" | "us" | "csascii" => Self::Ascii,
            _ => {
                let found = encoding_rs::Encoding::for_label(lower.as_bytes())?;
                // WHATWG's "replacement" and "x-user-defined" are no IANA charsets.
                if found == encoding_rs::REPLACEMENT || found == encoding_rs::X_USER_DEFINED {
                    return None;
                }
                Self::Other(found)
            }
        })
    }

    /// Whether a byte order mark is part of the encoding (RFC 8493 §2.3:
    /// other tag files may have one only then).
    fn takes_bom(self) -> bool {
        matches!(self, Self::Utf16 | Self::Utf32)
    }
}

/// Why a tag file's text could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(pub String);

/// A decoded tag file, and whether it began with a byte order mark.
pub struct Decoded {
    /// The text, without the mark.
    pub text: String,
    /// A mark was there.
    pub bom: bool,
}

/// Decodes a tag file (not `bagit.txt`, which is always UTF-8).
pub fn decode(bytes: &[u8], encoding: TagEncoding) -> Result<Decoded, DecodeError> {
    let (text, bom) = match encoding {
        TagEncoding::Utf8 => {
            let text = std::str::from_utf8(bytes).map_err(|_| invalid("UTF-8"))?;
            match text.strip_prefix('\u{feff}') {
                Some(rest) => (rest.to_string(), true),
                None => (text.to_string(), false),
            }
        }
        TagEncoding::Utf16 | TagEncoding::Utf16Be | TagEncoding::Utf16Le => {
            let (big, rest, bom) = match bytes {
                [0xFE, 0xFF, rest @ ..] => (encoding != TagEncoding::Utf16Le, rest, true),
                [0xFF, 0xFE, rest @ ..] if encoding != TagEncoding::Utf16Be => (false, rest, true),
                _ => (encoding != TagEncoding::Utf16Le, bytes, false),
            };
            (utf16(rest, big)?, bom)
        }
        TagEncoding::Utf32 | TagEncoding::Utf32Be | TagEncoding::Utf32Le => {
            let (big, rest, bom) = match bytes {
                [0, 0, 0xFE, 0xFF, rest @ ..] => (encoding != TagEncoding::Utf32Le, rest, true),
                [0xFF, 0xFE, 0, 0, rest @ ..] if encoding != TagEncoding::Utf32Be => {
                    (false, rest, true)
                }
                _ => (encoding != TagEncoding::Utf32Le, bytes, false),
            };
            (utf32(rest, big)?, bom)
        }
        TagEncoding::Latin1 => (bytes.iter().map(|&b| char::from(b)).collect(), false),
        TagEncoding::Ascii => {
            if !bytes.is_ascii() {
                return Err(invalid("US-ASCII"));
            }
            (String::from_utf8_lossy(bytes).into_owned(), false)
        }
        TagEncoding::Other(enc) => {
            let (text, had_errors) = enc.decode_without_bom_handling(bytes);
            if had_errors {
                return Err(invalid(enc.name()));
            }
            (text.into_owned(), false)
        }
    };
    Ok(Decoded { text, bom })
}

fn invalid(what: &str) -> DecodeError {
    DecodeError(format!("not valid {what}"))
}

/// UTF-16 without its byte order mark, big- or little-endian.
fn utf16(b: &[u8], big: bool) -> Result<String, DecodeError> {
    if !b.len().is_multiple_of(2) {
        return Err(invalid("UTF-16 (odd length)"));
    }
    let units = b.chunks_exact(2).map(|c| {
        if big {
            u16::from_be_bytes([c[0], c[1]])
        } else {
            u16::from_le_bytes([c[0], c[1]])
        }
    });
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .map_err(|_| invalid("UTF-16"))
}

/// UTF-32 without its byte order mark, big- or little-endian.
fn utf32(b: &[u8], big: bool) -> Result<String, DecodeError> {
    if !b.len().is_multiple_of(4) {
        return Err(invalid("UTF-32 (length not a multiple of 4)"));
    }
    b.chunks_exact(4)
        .map(|c| {
            let v = if big {
                u32::from_be_bytes([c[0], c[1], c[2], c[3]])
            } else {
                u32::from_le_bytes([c[0], c[1], c[2], c[3]])
            };
            char::from_u32(v).ok_or_else(|| invalid("UTF-32"))
        })
        .collect()
}

/// A `Payload-Oxum` value's two parts, `OctetCount.StreamCount`: two runs
/// of ASCII digits around one dot.
pub fn oxum_parts(value: &str) -> Option<(&str, &str)> {
    let (octets, streams) = value.split_once('.')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(octets) && digits(streams)).then_some((octets, streams))
}

/// Whether a decoded file's byte order mark is allowed: only where the
/// encoding needs one (RFC 8493 §2.3).
pub fn bom_allowed(encoding: TagEncoding) -> bool {
    encoding.takes_bom()
}

/// The lines of a tag file: each ends with LF, CR or CRLF; the last may end
/// without one (RFC 8493 §2.3). An empty file has no lines.
pub fn lines(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        match rest.find(['\r', '\n']) {
            None => {
                out.push(rest);
                break;
            }
            Some(i) => {
                out.push(&rest[..i]);
                let skip = if rest[i..].starts_with("\r\n") { 2 } else { 1 };
                rest = &rest[i + skip..];
            }
        }
    }
    out
}

/// A metadata element: label and value (continuation lines folded in).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    /// The label.
    pub label: String,
    /// The value.
    pub value: String,
    /// 1-based line where it starts.
    pub line: usize,
}

/// Why a metadata file is not in its version's form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormError {
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Parses metadata elements (RFC 8493 §2.2.2): `label: value` with one
/// space or tab after the colon in 1.0, any whitespace around the colon
/// before; lines starting with whitespace continue the value.
pub fn elements(text: &str, version: Version) -> Result<Vec<Element>, FormError> {
    let mut out: Vec<Element> = Vec::new();
    for (i, line) in lines(text).into_iter().enumerate() {
        let n = i + 1;
        let error = |message: &str| FormError {
            line: n,
            message: message.to_string(),
        };
        if line.trim().is_empty() {
            return Err(error(
                "an empty line: every line is a metadata element or continues one",
            ));
        }
        if line.starts_with([' ', '\t']) {
            let Some(last) = out.last_mut() else {
                return Err(error("a continuation line before any element"));
            };
            last.value.push(' ');
            last.value.push_str(line.trim_start_matches([' ', '\t']));
            continue;
        }
        let Some((label, value)) = line.split_once(':') else {
            return Err(error("expected `label: value`"));
        };
        let value = if version.strict_separator() {
            if label.ends_with([' ', '\t']) {
                return Err(error("whitespace before the colon (BagIt 1.0 allows none)"));
            }
            match value.strip_prefix([' ', '\t']) {
                Some(v) => v,
                None if value.is_empty() => value,
                None => {
                    return Err(error(
                        "no space or tab after the colon (BagIt 1.0 requires exactly one)",
                    ));
                }
            }
        } else {
            value.trim_matches([' ', '\t'])
        };
        let label = if version.strict_separator() {
            label
        } else {
            label.trim_end_matches([' ', '\t'])
        };
        if label.is_empty() {
            return Err(error("an empty label"));
        }
        out.push(Element {
            label: label.to_string(),
            value: value.to_string(),
            line: n,
        });
    }
    Ok(out)
}

/// The bag declaration: the version and the tag files' encoding.
#[derive(Debug, Clone, Copy)]
pub struct Declaration {
    /// `BagIt-Version`.
    pub version: Version,
    /// `Tag-File-Character-Encoding`.
    pub encoding: TagEncoding,
    /// The encoding's name as written.
    pub encoding_is_utf8: bool,
    /// It began with a byte order mark (allowed only before 0.97).
    pub bom: bool,
}

/// Reads `bagit.txt` (RFC 8493 §2.1.1): UTF-8, exactly two elements in
/// order, `BagIt-Version: M.N` then `Tag-File-Character-Encoding: ENCODING`.
pub fn declaration(bytes: &[u8]) -> Result<(Declaration, String), String> {
    let (bytes, bom) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest, true),
        None => (bytes, false),
    };
    let text = std::str::from_utf8(bytes).map_err(|_| "bagit.txt is not UTF-8".to_string())?;
    // The separator rules depend on the version, which is on the first line.
    let first = lines(text).first().copied().unwrap_or_default();
    let version_text = first
        .split_once(':')
        .map(|(_, v)| v.trim_matches([' ', '\t']))
        .unwrap_or_default();
    let version = match Version::parse(version_text) {
        Some(v) => v,
        None if first
            .split_once(':')
            .is_some_and(|(l, _)| l.trim() == "BagIt-Version") =>
        {
            return Err(format!("unknown BagIt-Version {version_text:?}"));
        }
        None => return Err("the first line is not `BagIt-Version: M.N`".into()),
    };
    if bom && version.forbids_bom() {
        return Err(format!(
            "bagit.txt begins with a byte order mark, which BagIt {version} forbids"
        ));
    }
    let elements =
        elements(text, version).map_err(|e| format!("line {}: {}", e.line, e.message))?;
    let names: Vec<&str> = elements.iter().map(|e| e.label.as_str()).collect();
    if names != ["BagIt-Version", "Tag-File-Character-Encoding"] {
        return Err(format!(
            "bagit.txt must hold exactly `BagIt-Version` then `Tag-File-Character-Encoding`, found {names:?}"
        ));
    }
    if lines(text).len() != 2 {
        return Err("bagit.txt must be exactly two lines".into());
    }
    let name = elements[1].value.clone();
    let encoding = TagEncoding::parse(&name)
        .ok_or_else(|| format!("unknown Tag-File-Character-Encoding {name:?}"))?;
    Ok((
        Declaration {
            version,
            encoding,
            encoding_is_utf8: encoding == TagEncoding::Utf8,
            bom,
        },
        name,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarations_by_version() {
        let (d, _) =
            declaration(b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n").unwrap();
        assert_eq!(d.version, Version::V1_0);
        assert!(declaration(b"BagIt-Version: 2.0\nTag-File-Character-Encoding: UTF-8\n").is_err());
        assert!(
            declaration(b"\xEF\xBB\xBFBagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
                .is_err()
        );
        assert!(
            declaration(b"\xEF\xBB\xBFBagIt-Version: 0.96\nTag-File-Character-Encoding: UTF-8\n")
                .unwrap()
                .0
                .bom
        );
        assert!(declaration(b"BagIt-Version:1.0\nTag-File-Character-Encoding: UTF-8\n").is_err());
        assert!(declaration(b"BagIt-Version :  0.97\r\nTag-File-Character-Encoding:UTF-8").is_ok());
        assert!(declaration(b"Tag-File-Character-Encoding: UTF-8\nBagIt-Version: 1.0\n").is_err());
        assert!(
            declaration(b"BagIt-Version: 1.0\nTag-File-Character-Encoding: KLINGON\n").is_err()
        );
    }

    #[test]
    fn encodings() {
        let utf16 = decode(b"\xFF\xFEa\0:\0", TagEncoding::Utf16).unwrap();
        assert_eq!((utf16.text.as_str(), utf16.bom), ("a:", true));
        assert_eq!(decode(b"\0a\0:", TagEncoding::Utf16).unwrap().text, "a:");
        assert_eq!(
            decode(b"caf\xe9", TagEncoding::parse("ISO-8859-1").unwrap())
                .unwrap()
                .text,
            "café"
        );
        assert_eq!(
            decode(b"\x80", TagEncoding::parse("windows-1252").unwrap())
                .unwrap()
                .text,
            "€"
        );
        assert!(decode(b"\x80", TagEncoding::Ascii).is_err());
        assert!(decode(b"\xff", TagEncoding::Utf8).is_err());
    }

    #[test]
    fn separators_by_version() {
        assert!(elements("A:b\n", Version::V1_0).is_err());
        assert!(elements("A : b\n", Version::V1_0).is_err());
        assert_eq!(elements("A:\tb\n", Version::V1_0).unwrap()[0].value, "b");
        assert_eq!(
            elements("A  :   b\n", Version::V0_96).unwrap()[0].value,
            "b"
        );
        assert_eq!(
            elements("A:b\n more\n", Version::V0_97).unwrap()[0].value,
            "b more"
        );
        assert!(elements("A: b\n\nB: c\n", Version::V1_0).is_err());
        assert_eq!(lines("a\r\nb\rc\nd"), vec!["a", "b", "c", "d"]);
    }
}
