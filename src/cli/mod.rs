//! Command-line definitions and one handler per command. No logic that a
//! library user would need lives here.
#![allow(clippy::print_stdout, clippy::print_stderr)]

/// Prints an informational message on stderr, unless `--quiet`.
macro_rules! note {
    ($($arg:tt)*) => {
        if !$crate::cli::quiet() {
            eprintln!($($arg)*);
        }
    };
}

mod archive;
mod bundle;
mod completions;
mod hash;
mod import;
mod key;
mod validate;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit status of a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// Everything held.
    Ok = 0,
    /// Checked, and something failed.
    Failed = 1,
    /// Could not check (usage, I/O, bad schema).
    Error = 2,
}

/// An error for the user: what went wrong, and how to fix it.
#[derive(Debug)]
pub struct CliError {
    message: String,
    hint: Option<String>,
    status: Status,
}

impl CliError {
    fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            hint: None,
            status: Status::Error,
        }
    }

    fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether `--quiet` was given: only errors, warnings and data are printed.
pub fn quiet() -> bool {
    QUIET.load(std::sync::atomic::Ordering::Relaxed)
}

#[derive(Debug, Parser)]
#[command(
    name = "docseal",
    version,
    about = "Validate, seal, verify and archive diplomatic statements",
    long_about = "docseal turns a diplomatic statement into a long-term record that anyone can check, \
                  decades later and offline.\n\nExit codes: 0 ok, 1 checked and failed, 2 could not check."
)]
pub struct Cli {
    /// Print only data, warnings and errors (no progress or summaries).
    #[arg(short, long, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Turn a statement's plain text into statement JSON with exact spans.
    Import(import::Args),
    /// Validate statement files against a JSON Schema.
    Validate(validate::Args),
    /// Print digests: canonical (RFC 8785) for JSON, and of the file bytes.
    Hash(hash::Args),
    /// Seal a statement into a signed, deterministic bundle (BagIt in zip).
    Seal(bundle::SealArgs),
    /// Add another party's signature to a bundle.
    Cosign(bundle::CosignArgs),
    /// Verify bundles or any BagIt bag: every digest, signature, trust and policy.
    Verify(bundle::VerifyArgs),
    /// Show what a bundle holds and who signed it, without verifying.
    Inspect(bundle::InspectArgs),
    /// Extract a bundle safely into a folder.
    Extract(bundle::ExtractArgs),
    /// Keep bundles in a tamper-evident archive: store, log, catalog.
    #[command(subcommand)]
    Archive(archive::ArchiveCommand),
    /// Manage Ed25519 keys and the keyring's trust.
    #[command(subcommand)]
    Key(key::KeyCommand),
    /// Print shell completions (bash, zsh, fish, powershell, elvish).
    Completions(completions::CompletionsArgs),
    /// Print the man page, or write one per command with -o DIR.
    Man(completions::ManArgs),
}

/// `--format` of commands that report data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// For people.
    Human,
    /// For scripts.
    Json,
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                Status::Error
            } else {
                Status::Ok
            };
            let _ = e.print();
            return ExitCode::from(code as u8);
        }
    };
    QUIET.store(cli.quiet, std::sync::atomic::Ordering::Relaxed);
    let result = match cli.command {
        Command::Import(args) => import::run(args),
        Command::Validate(args) => validate::run(args),
        Command::Hash(args) => hash::run(args),
        Command::Key(command) => key::run(command),
        Command::Archive(command) => archive::run(command),
        Command::Completions(args) => completions::completions(args),
        Command::Man(args) => completions::man(args),
        Command::Seal(args) => bundle::seal(args),
        Command::Cosign(args) => bundle::cosign(args),
        Command::Verify(args) => bundle::verify(args),
        Command::Inspect(args) => bundle::inspect(args),
        Command::Extract(args) => bundle::extract(args),
    };
    let status = match result {
        Ok(status) => status,
        Err(error) => {
            let mut err = io::stderr().lock();
            let _ = writeln!(err, "error: {}", error.message);
            if let Some(hint) = &error.hint {
                let _ = writeln!(err, "hint: {hint}");
            }
            error.status
        }
    };
    ExitCode::from(status as u8)
}

/// Writes to stdout, treating a closed pipe (`docseal … | head`) as success.
fn write_stdout(text: &[u8]) -> Result<(), CliError> {
    stream_stdout(|out| out.write_all(text))
}

/// Streams output to stdout through one buffer (large reports are never held
/// in memory whole). A closed pipe (`| head`) is not an error.
fn stream_stdout(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), CliError> {
    let mut out = io::BufWriter::with_capacity(64 * 1024, io::stdout().lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::new(format!("cannot write to stdout: {e}"))),
    }
}

/// One check of a verification or an audit, as a line for people:
/// `  FAIL  code                   subject: message`.
fn check_line(check: &docseal::bundle::verify::Check) -> String {
    use docseal::bundle::verify::CheckStatus;
    let status = match check.status {
        CheckStatus::Pass => "ok  ",
        CheckStatus::Fail => "FAIL",
        CheckStatus::Warn => "warn",
    };
    let subject = check
        .subject
        .as_deref()
        .map(|s| format!("{s}: "))
        .unwrap_or_default();
    format!("  {status}  {:<22} {subject}{}", check.code, check.message)
}

/// Pretty JSON on stdout, with a final newline.
fn write_json(value: &serde_json::Value) -> Result<(), CliError> {
    let mut text = serde_json::to_string_pretty(value).map_err(|e| CliError::new(e.to_string()))?;
    text.push('\n');
    write_stdout(text.as_bytes())
}

/// A byte progress bar, drawn on stderr only when it is a terminal, not with
/// `--quiet`, and only once the work turns out to be large (64 MiB or more).
pub struct ByteProgress(Option<indicatif::ProgressBar>);

impl ByteProgress {
    fn new() -> Self {
        use std::io::IsTerminal;
        Self((io::stderr().is_terminal() && !quiet()).then(|| {
            let bar = indicatif::ProgressBar::hidden();
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:40} {bytes}/{total_bytes} {binary_bytes_per_sec}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        }))
    }

    fn update(&self, done: u64, total: u64) {
        if let Some(bar) = &self.0
            && total >= 64 << 20
        {
            if bar.is_hidden() {
                bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            }
            bar.set_length(total);
            bar.set_position(done);
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
