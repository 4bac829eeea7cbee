//! `docseal import`.

use std::path::PathBuf;

use docseal::import::{self, ImportError, ImportOptions};

use std::io::Write as _;

use super::{CliError, Status};

/// Layout of the statement written.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ImportFormat {
    /// Indented JSON (as in statements/).
    Pretty,
    /// One line of JSON.
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The statement as plain text (UTF-8).
    source: PathBuf,
    /// Write the statement here instead of stdout (never overwrites).
    #[arg(short, long, value_name = "OUT.json")]
    output: Option<PathBuf>,
    /// Statement id (default: party codes and date, e.g. kz-rs-2026-02-27).
    #[arg(long)]
    id: Option<String>,
    /// Statement type (default: from the title, else joint-statement).
    #[arg(long = "type", value_name = "TYPE")]
    kind: Option<String>,
    /// Language of the text (BCP 47).
    #[arg(long, default_value = "en")]
    language: String,
    /// Output layout.
    #[arg(long, value_enum, default_value = "pretty")]
    format: ImportFormat,
    /// Largest text read, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = docseal::document::DEFAULT_MAX_SIZE)]
    max_size: u64,
}

pub fn run(args: Args) -> Result<Status, CliError> {
    let bytes = docseal::document::read_limited(&args.source, args.max_size)
        .map_err(|e| CliError::new(e.to_string()))?;
    let options = ImportOptions {
        id: args.id,
        kind: args.kind,
        language: Some(args.language),
        file_name: args
            .source
            .file_name()
            .map(|n| n.to_string_lossy().into_owned()),
    };
    let statement = import::import(&bytes, &options).map_err(|e| {
        let hint = match e {
            ImportError::NotUtf8 { .. } => {
                "convert the text to UTF-8 first, e.g. `iconv -f WINDOWS-1252 -t UTF-8`"
            }
            ImportError::Binary { .. } => {
                "import reads plain text; attach PDFs and scans with `seal --attach`"
            }
            _ => "give the statement's text",
        };
        CliError::new(format!("{}: {e}", args.source.display())).hint(hint)
    })?;
    let body = statement.body.len();
    let numbered = statement
        .body
        .iter()
        .filter(|b| b.kind == "paragraph" && b.label.is_some())
        .count();
    let parties: Vec<&str> = statement
        .parties
        .iter()
        .filter_map(|p| p["id"].as_str())
        .collect();
    let summary = format!(
        "{body} blocks ({numbered} numbered paragraphs), parties {}",
        parties.join(", ")
    );
    let write = |out: &mut dyn std::io::Write| -> std::io::Result<()> {
        let mut out = std::io::BufWriter::with_capacity(1 << 20, out);
        match args.format {
            ImportFormat::Pretty => serde_json::to_writer_pretty(&mut out, &statement),
            ImportFormat::Json => serde_json::to_writer(&mut out, &statement),
        }
        .map_err(std::io::Error::other)?;
        out.write_all(b"\n")?;
        out.flush()
    };
    match &args.output {
        Some(out) => {
            docseal::fsutil::write_atomic_with(out, true, |f| write(f)).map_err(|e| {
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    CliError::new(format!(
                        "{} already exists; import never overwrites",
                        out.display()
                    ))
                    .hint("choose another -o, or remove the old file")
                } else {
                    CliError::new(format!("{}: {e}", out.display()))
                }
            })?;
            note!("wrote {}: {summary}", out.display());
        }
        None => {
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            match write(&mut lock) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                Err(e) => return Err(CliError::new(format!("cannot write to stdout: {e}"))),
            }
            note!("{summary}");
        }
    }
    Ok(Status::Ok)
}
