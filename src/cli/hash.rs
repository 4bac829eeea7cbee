//! `docseal hash`.

use std::path::PathBuf;

use docseal::canonical;
use docseal::digest::{Digests, Sha256Digest};

use super::{CliError, OutputFormat, Status, write_json, write_stdout};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files to hash. JSON files also get their canonical (RFC 8785) digest.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Output format (`human`: lines `sha256sum -c` / `sha512sum -c` accept).
    #[arg(long, value_enum, default_value = "human")]
    format: OutputFormat,
    /// The file digest shown in human output.
    #[arg(long, value_enum, default_value = "sha256")]
    algorithm: Algorithm,
}

/// The digest of the human output's check lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Algorithm {
    /// `sha256sum` lines.
    Sha256,
    /// `sha512sum` lines.
    Sha512,
}

/// One `sha256sum` line: `<hex>  <path>`; a path holding a backslash or a
/// newline is escaped as coreutils does (a leading `\`, then `\\` and `\n`).
fn check_line(hex: &str, path: &str) -> String {
    if path.contains(['\\', '\n', '\r']) {
        let escaped = path
            .replace('\\', "\\\\")
            .replace('\n', "\\n")
            .replace('\r', "\\r");
        format!("\\{hex}  {escaped}\n")
    } else {
        format!("{hex}  {path}\n")
    }
}

pub fn run(args: Args) -> Result<Status, CliError> {
    let mut results = Vec::new();
    let mut status = Status::Ok;
    for path in &args.files {
        let digests = std::fs::File::open(path)
            .and_then(|file| Digests::of_reader(std::io::BufReader::new(file)))
            .map_err(|e| {
                CliError::new(format!("cannot read {}: {e}", path.display())).hint("check the path")
            })?;
        let mut entry = serde_json::json!({
            "path": path.display().to_string(),
            "length": digests.length,
            "sha256": digests.sha256.to_string(),
            "sha512": digests.sha512.to_string(),
        });
        let is_json = path.extension().is_some_and(|e| e == "json");
        if is_json {
            let bytes = docseal::document::read_limited(path, docseal::document::DEFAULT_MAX_SIZE)?;
            match canonical::canonicalize(&bytes) {
                Ok(canonical) => {
                    entry["canonical"] = Sha256Digest::of_bytes(&canonical).to_string().into();
                }
                Err(e) => {
                    eprintln!("error: {}: no canonical form: {e}", path.display());
                    status = Status::Failed;
                }
            }
        }
        results.push(entry);
    }
    match args.format {
        OutputFormat::Json => write_json(&serde_json::json!(results))?,
        OutputFormat::Human => {
            // Check lines, with the canonical digest of JSON files as a
            // comment line (which `sha256sum -c --strict` skips).
            let field = match args.algorithm {
                Algorithm::Sha256 => ("sha256", "sha256:"),
                Algorithm::Sha512 => ("sha512", "sha512:"),
            };
            let mut text = String::new();
            for r in &results {
                let path = r["path"].as_str().unwrap_or_default();
                if let Some(c) = r["canonical"].as_str() {
                    text.push_str(&format!(
                        "# {path}: canonical {c} (RFC 8785: the statement's identity)\n"
                    ));
                }
                let digest = r[field.0].as_str().unwrap_or_default();
                text.push_str(&check_line(
                    digest.strip_prefix(field.1).unwrap_or(digest),
                    path,
                ));
            }
            write_stdout(text.as_bytes())?;
        }
    }
    Ok(status)
}
