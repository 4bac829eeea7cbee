//! Manifests and `fetch.txt` as each BagIt version writes them (pure):
//! `checksum filepath` and `url length filepath` lines, and the paths in
//! them — percent-encoded in 1.0, literal before; `./`, `.`, empty and `..`
//! components resolved as a path on disk would be (RFC 8493 §7.1), and a
//! path that leaves the bag refused.

use super::text::{FormError, Version, lines};
use crate::digest::HashAlgorithm;

/// A path as a manifest or `fetch.txt` gives it, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedPath {
    /// Relative to the bag root, `/`-separated, no `.`, `..` or empty component.
    pub path: String,
    /// As written (after percent-decoding).
    pub written: String,
    /// Written with `./`, `.`, `//` or `..` that resolve inside the bag.
    pub relative_form: bool,
    /// Written with md5sum's `*` (binary mode) marker before it.
    pub star: bool,
}

/// Resolves a written path (RFC 8493 §2.1.3, §7.1).
pub fn resolve(written: &str, version: Version) -> Result<ListedPath, String> {
    let (rest, star) = match written.strip_prefix('*') {
        Some(r) => (r, true),
        None => (written, false),
    };
    if rest.contains('\\') {
        return Err(format!(
            "{rest:?}: a backslash (only `/` separates path components)"
        ));
    }
    let decoded = if version.percent_encoded_paths() {
        percent_decode(rest)?
    } else {
        rest.to_string()
    };
    if decoded.starts_with('/') || decoded.starts_with('~') || has_drive(&decoded) {
        return Err(format!("{decoded:?} is outside the bag"));
    }
    let mut parts: Vec<&str> = Vec::new();
    let mut relative_form = false;
    for part in decoded.split('/') {
        match part {
            "" | "." => relative_form = true,
            ".." => {
                relative_form = true;
                if parts.pop().is_none() {
                    return Err(format!("{decoded:?} is outside the bag"));
                }
            }
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        return Err(format!("{decoded:?} names no file"));
    }
    // A final `/` names a folder, which manifests never list.
    if decoded.ends_with('/') {
        return Err(format!("{decoded:?} names a folder"));
    }
    Ok(ListedPath {
        path: parts.join("/"),
        written: decoded,
        relative_form,
        star,
    })
}

fn has_drive(p: &str) -> bool {
    let b = p.as_bytes();
    b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':'
}

/// RFC 8493 §2.1.3: `%25`, `%0A`, `%0D` (either case) and no other `%`.
fn percent_decode(text: &str) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let code = rest.get(i + 1..i + 3).map(str::to_ascii_uppercase);
        out.push(match code.as_deref() {
            Some("25") => '%',
            Some("0A") => '\n',
            Some("0D") => '\r',
            _ => {
                return Err(format!(
                    "{text:?}: a `%` that is not %25, %0A or %0D (BagIt 1.0 encodes only %, CR and LF)"
                ));
            }
        });
        rest = &rest[i + 3..];
    }
    out.push_str(rest);
    Ok(out)
}

/// One manifest line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestLine {
    /// Lower-cased hex digest.
    pub hex: String,
    /// The file.
    pub path: ListedPath,
    /// 1-based line.
    pub line: usize,
}

/// Parses a manifest (RFC 8493 §2.1.3): every line `checksum 1*WSP filepath`.
pub fn manifest(
    text: &str,
    version: Version,
    algorithm: HashAlgorithm,
) -> Result<Vec<ManifestLine>, FormError> {
    let mut out = Vec::new();
    for (i, raw) in lines(text).into_iter().enumerate() {
        let error = |message: String| FormError {
            line: i + 1,
            message,
        };
        let Some(split) = raw.find([' ', '\t']) else {
            return Err(error("expected `checksum filepath`".into()));
        };
        let (hex, rest) = (&raw[..split], raw[split..].trim_start_matches([' ', '\t']));
        if hex.len() != algorithm.hex_len() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(error(format!(
                "{hex:?} is not a {algorithm} digest ({} hex digits)",
                algorithm.hex_len()
            )));
        }
        if rest.is_empty() {
            return Err(error("no filepath after the checksum".into()));
        }
        let path = resolve(rest, version).map_err(error)?;
        out.push(ManifestLine {
            hex: hex.to_ascii_lowercase(),
            path,
            line: i + 1,
        });
    }
    Ok(out)
}

/// One `fetch.txt` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchLine {
    /// Where to fetch the file from.
    pub url: String,
    /// Its length in octets, when given (`-` leaves it unspecified).
    pub length: Option<u64>,
    /// The payload file.
    pub path: ListedPath,
    /// 1-based line.
    pub line: usize,
}

/// Parses `fetch.txt` (RFC 8493 §2.2.3): every line `url length filepath`,
/// the URL absolute (RFC 3986 §4.3).
pub fn fetch(text: &str, version: Version) -> Result<Vec<FetchLine>, FormError> {
    let mut out = Vec::new();
    for (i, raw) in lines(text).into_iter().enumerate() {
        let error = |message: String| FormError {
            line: i + 1,
            message,
        };
        let mut fields = raw.splitn(2, [' ', '\t']);
        let url = fields.next().unwrap_or_default();
        let rest = fields
            .next()
            .unwrap_or_default()
            .trim_start_matches([' ', '\t']);
        let mut fields = rest.splitn(2, [' ', '\t']);
        let length = fields.next().unwrap_or_default();
        let path = fields
            .next()
            .unwrap_or_default()
            .trim_start_matches([' ', '\t']);
        if !is_absolute_uri(url) {
            return Err(error(format!("{url:?} is not an absolute URI")));
        }
        let length = match length {
            "-" => None,
            digits if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => Some(
                digits
                    .parse()
                    .map_err(|_| error(format!("length {digits} is too large")))?,
            ),
            other => return Err(error(format!("{other:?} is not a length or `-`"))),
        };
        if path.is_empty() {
            return Err(error("no filepath after the length".into()));
        }
        out.push(FetchLine {
            url: url.to_string(),
            length,
            path: resolve(path, version).map_err(error)?,
            line: i + 1,
        });
    }
    Ok(out)
}

/// RFC 3986 §4.3 absolute-URI: a scheme, `:`, and URI characters, no fragment.
fn is_absolute_uri(url: &str) -> bool {
    let Some((scheme, rest)) = url.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        && !rest.is_empty()
        && !rest.contains('#')
        && rest.bytes().all(|b| b.is_ascii_graphic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_and_never_leave_the_bag() {
        let v = Version::V1_0;
        assert_eq!(resolve("./data/a", v).unwrap().path, "data/a");
        assert!(resolve("./data/a", v).unwrap().relative_form);
        assert_eq!(resolve("data/x/../a", v).unwrap().path, "data/a");
        assert_eq!(resolve("data/100%25.txt", v).unwrap().path, "data/100%.txt");
        assert_eq!(
            resolve("data/100%25.txt", Version::V0_97).unwrap().path,
            "data/100%25.txt"
        );
        assert!(resolve("data/a%20b", v).is_err());
        for outside in [
            "../x",
            "data/../../x",
            "/etc/passwd",
            "~/x",
            "C:x",
            "data\\x",
        ] {
            assert!(resolve(outside, v).is_err(), "{outside}");
        }
        assert!(resolve("*data/a", v).unwrap().star);
    }

    #[test]
    fn manifests_and_fetch_lines() {
        let hex = "a".repeat(64);
        let m = manifest(
            &format!("{hex}  data/a b\n{}\tdata/c\r\n", hex.to_uppercase()),
            Version::V1_0,
            HashAlgorithm::Sha256,
        )
        .unwrap();
        assert_eq!(
            (m[0].path.path.as_str(), m[1].hex.as_str()),
            ("data/a b", hex.as_str())
        );
        assert!(manifest("abc data/a\n", Version::V1_0, HashAlgorithm::Sha256).is_err());
        assert!(
            manifest(
                &format!("{hex}  data/a\n\n"),
                Version::V1_0,
                HashAlgorithm::Sha256
            )
            .is_err()
        );
        let f = fetch(
            "https://example.org/a 12 data/a\nhttp://x/b - data/b\n",
            Version::V1_0,
        )
        .unwrap();
        assert_eq!((f[0].length, f[1].length), (Some(12), None));
        assert!(fetch("example.org/a 12 data/a\n", Version::V1_0).is_err());
        assert!(fetch("http://x/a 12 ../../etc/passwd\n", Version::V1_0).is_err());
    }
}
