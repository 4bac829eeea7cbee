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
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: OutputFormat,
}

pub fn run(args: Args) -> Result<Status, CliError> {
    let mut results = Vec::new();
    let mut status = Status::Ok;
    for path in &args.files {
        let file = std::fs::File::open(path)
            .map_err(|e| CliError::new(format!("cannot read {}: {e}", path.display())))?;
        let digests = Digests::of_reader(std::io::BufReader::new(file))
            .map_err(|e| CliError::new(format!("cannot read {}: {e}", path.display())))?;
        let mut entry = serde_json::json!({
            "path": path.display().to_string(),
            "length": digests.length,
            "sha256": digests.sha256.to_string(),
            "sha512": digests.sha512.to_string(),
        });
        let is_json = path.extension().is_some_and(|e| e == "json");
        if is_json {
            let bytes = docseal::document::read_limited(path, docseal::document::DEFAULT_MAX_SIZE)
                .map_err(|e| CliError::new(e.to_string()))?;
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
            let mut text = String::new();
            for r in &results {
                text.push_str(&format!("{}\n", r["path"].as_str().unwrap_or_default()));
                if let Some(c) = r["canonical"].as_str() {
                    text.push_str(&format!("  canonical  {c}\n"));
                }
                text.push_str(&format!(
                    "  file       {}\n",
                    r["sha256"].as_str().unwrap_or_default()
                ));
                text.push_str(&format!(
                    "             {}\n",
                    r["sha512"].as_str().unwrap_or_default()
                ));
            }
            write_stdout(text.as_bytes())?;
        }
    }
    Ok(status)
}
