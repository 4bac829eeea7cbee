//! The bundle's text formats, as pure functions: BagIt declaration,
//! bag-info, manifests, and the signed statement. Bytes in, types out.

use std::collections::BTreeMap;

/// `bagit.txt` of every docseal bundle.
pub const BAGIT_TXT: &str = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";

/// Payload paths, relative to the bag root.
pub const STATEMENT_PATH: &str = "data/statement.json";
/// The source text, when sealed with one.
pub const SOURCE_PATH: &str = "data/statement.txt";
/// Attachments live under this folder.
pub const ATTACHMENTS_DIR: &str = "data/attachments/";
/// The validation record.
pub const VALIDATION_PATH: &str = "metadata/validation.json";
/// The embedded schema folder.
pub const SCHEMA_DIR: &str = "metadata/schema/";
/// Signatures folder (outside the tag manifests, so parties can co-sign).
pub const SIGNATURES_DIR: &str = "signatures/";

/// One line of a manifest: digest and path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestLine {
    /// Lower-case hex digest.
    pub hex: String,
    /// Path relative to the bag root (decoded).
    pub path: String,
}

/// A manifest file's text: `<hex>  <path>\n` per file, sorted by path,
/// paths percent-encoded as RFC 8493 §2.1.3 requires (`%`, CR, LF).
pub fn manifest_text<'a>(lines: impl IntoIterator<Item = (&'a str, String)>) -> String {
    let mut sorted: Vec<(&str, String)> = lines.into_iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    let mut text = String::new();
    for (path, hex) in sorted {
        text.push_str(&hex);
        text.push_str("  ");
        text.push_str(&encode_path(path));
        text.push('\n');
    }
    text
}

/// RFC 8493 §2.1.3: `%` as `%25`, CR as `%0D`, LF as `%0A`.
pub fn encode_path(path: &str) -> String {
    path.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Inverse of [`encode_path`]; other percent sequences are left as they are
/// (BagIt 0.97 bags do not encode).
pub fn decode_path(path: &str) -> String {
    path.replace("%0A", "\n")
        .replace("%0a", "\n")
        .replace("%0D", "\r")
        .replace("%0d", "\r")
        .replace("%25", "%")
}

/// Why a tag file could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}, line {line}: {message}")]
pub struct TagFileError {
    /// The tag file.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Parses a manifest (any line ending; `*` binary markers tolerated as in
/// the wild, whitespace of any length between digest and path).
pub fn parse_manifest(file: &str, text: &str) -> Result<Vec<ManifestLine>, TagFileError> {
    let mut lines = Vec::new();
    for (index, raw) in split_lines(text).enumerate() {
        if raw.trim().is_empty() {
            continue;
        }
        let error = |message: &str| TagFileError {
            file: file.to_string(),
            line: index + 1,
            message: message.to_string(),
        };
        let Some(split) = raw.find([' ', '\t']) else {
            return Err(error("expected `<digest> <path>`"));
        };
        let hex = raw[..split].to_ascii_lowercase();
        let rest = raw[split..].trim_start_matches([' ', '\t']);
        let rest = rest.strip_prefix('*').unwrap_or(rest);
        if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) || rest.is_empty() {
            return Err(error("expected `<hex digest> <path>`"));
        }
        lines.push(ManifestLine {
            hex,
            path: decode_path(rest),
        });
    }
    Ok(lines)
}

/// Lines of a tag file with CRLF, LF or CR endings.
pub fn split_lines(text: &str) -> impl Iterator<Item = &str> {
    text.split('\n')
        .flat_map(|l| l.split('\r'))
        .filter(|l| !l.is_empty())
}

/// Parses `bagit.txt` / `bag-info.txt` style `Label: value` lines, with
/// continuation lines (starting with whitespace) folded in.
pub fn parse_tags(file: &str, text: &str) -> Result<Vec<(String, String)>, TagFileError> {
    let mut tags: Vec<(String, String)> = Vec::new();
    for (index, line) in split_lines(text).enumerate() {
        if line.starts_with([' ', '\t']) {
            match tags.last_mut() {
                Some((_, value)) => {
                    value.push(' ');
                    value.push_str(line.trim());
                    continue;
                }
                None => {
                    return Err(TagFileError {
                        file: file.into(),
                        line: index + 1,
                        message: "continuation line before any tag".into(),
                    });
                }
            }
        }
        let Some((label, value)) = line.split_once(':') else {
            return Err(TagFileError {
                file: file.into(),
                line: index + 1,
                message: "expected `Label: value`".into(),
            });
        };
        tags.push((label.trim().to_string(), value.trim().to_string()));
    }
    Ok(tags)
}

/// Fields of `bag-info.txt` written by docseal, in this order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BagInfo {
    /// The statement id.
    pub external_identifier: String,
    /// A one-line description (title, or type and parties).
    pub external_description: String,
    /// Parties, `;`-separated.
    pub source_organization: String,
    /// `YYYY-MM-DD`.
    pub bagging_date: String,
    /// Total payload bytes.
    pub payload_bytes: u64,
    /// Payload file count.
    pub payload_files: u64,
}

impl BagInfo {
    /// The text of `bag-info.txt`.
    pub fn text(&self) -> String {
        format!(
            "Bag-Software-Agent: docseal {} <https://docs.rs/docseal>\nBagging-Date: {}\nExternal-Description: {}\nExternal-Identifier: {}\nPayload-Oxum: {}.{}\nSource-Organization: {}\n",
            env!("CARGO_PKG_VERSION"),
            self.bagging_date,
            one_line(&self.external_description),
            one_line(&self.external_identifier),
            self.payload_bytes,
            self.payload_files,
            one_line(&self.source_organization),
        )
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Counts and sizes of the payload, for `Payload-Oxum`.
pub fn oxum(sizes: &BTreeMap<String, u64>) -> (u64, u64) {
    (sizes.values().sum(), sizes.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_round_trips_with_encoded_paths() {
        let text = manifest_text([
            ("data/b.txt", "bb".to_string()),
            ("data/a%\nb.txt", "aa".to_string()),
        ]);
        assert_eq!(text, "aa  data/a%25%0Ab.txt\nbb  data/b.txt\n");
        let lines = parse_manifest("m", &text).unwrap();
        assert_eq!(lines[0].path, "data/a%\nb.txt");
        let crlf = parse_manifest("m", "AA *data/x\r\nbb\tdata/y\r\n").unwrap();
        assert_eq!(
            (crlf[0].hex.as_str(), crlf[0].path.as_str()),
            ("aa", "data/x")
        );
        assert_eq!(crlf[1].path, "data/y");
        assert!(parse_manifest("m", "zz data/x\n").is_err());
    }

    #[test]
    fn tags_fold_continuations_and_any_line_ending() {
        let tags = parse_tags("b", "A: 1\r\nB: two\n  more\rC:3").unwrap();
        assert_eq!(
            tags,
            vec![
                ("A".into(), "1".into()),
                ("B".into(), "two more".into()),
                ("C".into(), "3".into())
            ]
        );
    }
}
