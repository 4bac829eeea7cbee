//! `docseal import`.

use std::path::PathBuf;

use docseal::import::{self, ImportOptions};

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
    /// The statement as plain text (UTF-8); `-` reads standard input.
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
    /// Language of the text (BCP 47; default: detected).
    #[arg(long, value_name = "TAG")]
    language: Option<String>,
    /// Title (default: the text's title line).
    #[arg(long)]
    title: Option<String>,
    /// Date of the statement, YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD
    /// (default: from the text).
    #[arg(long, value_name = "DATE")]
    date: Option<String>,
    /// A party, CODE[:ROLE] (ROLE signatory or witness); repeat for each.
    /// Replaces the parties found in the text.
    #[arg(long = "party", value_name = "CODE[:ROLE]")]
    parties: Vec<String>,
    /// Output layout.
    #[arg(long, value_enum, default_value = "pretty")]
    format: ImportFormat,
    /// Largest text read, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = docseal::document::DEFAULT_MAX_SIZE)]
    max_size: u64,
}

fn read_stdin(max_size: u64) -> Result<Vec<u8>, CliError> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(max_size.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| CliError::new(format!("cannot read standard input: {e}")))?;
    if bytes.len() as u64 > max_size {
        return Err(
            CliError::new(format!("standard input is larger than {max_size} bytes"))
                .hint("raise the limit with --max-size BYTES"),
        );
    }
    Ok(bytes)
}

pub fn run(args: Args) -> Result<Status, CliError> {
    let stdin = args.source.as_os_str() == "-";
    let bytes = if stdin {
        read_stdin(args.max_size)?
    } else {
        docseal::document::read_limited(&args.source, args.max_size)
            .map_err(|e| CliError::new(e.to_string()))?
    };
    let shown = if stdin {
        "standard input".to_string()
    } else {
        args.source.display().to_string()
    };
    let options = options(&args, stdin)?;
    let statement = import::import(&bytes, &options).map_err(|e| {
        let mut error = CliError::from(e);
        error.message = format!("{shown}: {}", error.message);
        error
    })?;
    let summary = summary(&statement);
    write_statement(&statement, args.format, args.output.as_deref(), &summary)?;
    Ok(Status::Ok)
}

/// Writes the statement to `output` (never over a file) or stdout, and
/// the summary to stderr.
fn write_statement(
    statement: &import::Statement,
    format: ImportFormat,
    output: Option<&std::path::Path>,
    summary: &str,
) -> Result<(), CliError> {
    let write = |out: &mut dyn std::io::Write| -> std::io::Result<()> {
        let mut out = std::io::BufWriter::with_capacity(1 << 20, out);
        match format {
            ImportFormat::Pretty => serde_json::to_writer_pretty(&mut out, &statement),
            ImportFormat::Json => serde_json::to_writer(&mut out, &statement),
        }
        .map_err(std::io::Error::other)?;
        out.write_all(b"\n")?;
        out.flush()
    };
    match output {
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
    Ok(())
}

/// The library's options from the flags (`stdin`: the text comes from
/// standard input, so has no file name).
fn options(args: &Args, stdin: bool) -> Result<ImportOptions, CliError> {
    let parties = args
        .parties
        .iter()
        .map(|value| value.parse().map_err(CliError::from))
        .collect::<Result<_, _>>()?;
    Ok(ImportOptions {
        id: args.id.clone(),
        kind: args.kind.clone(),
        language: args.language.clone(),
        file_name: (!stdin)
            .then(|| {
                args.source
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
            })
            .flatten(),
        title: args.title.clone(),
        date: args.date.clone(),
        parties,
    })
}

/// The line on stderr: how many blocks and numbered paragraphs, which parties.
fn summary(statement: &import::Statement) -> String {
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
    format!(
        "{body} blocks ({numbered} numbered paragraphs), parties {}",
        parties.join(", ")
    )
}
