//! The command line: parse the arguments, resolve the settings once, call
//! the library, render what it returns, map the outcome to an exit status
//! (0 ok, 1 checked and failed, 2 could not check). No logic a library
//! user would need lives here.
#![allow(clippy::print_stdout, clippy::print_stderr)]

/// Prints an informational message on stderr, unless `--quiet`.
macro_rules! note {
    ($($arg:tt)*) => {
        if !$crate::cli::output::quiet() {
            eprintln!($($arg)*);
        }
    };
}

mod archive;
mod archive_stamp;
mod completions;
mod error;
mod hash;
mod import;
mod inspect;
mod key;
mod output;
mod seal;
mod settings;
mod timestamp;
mod validate;
mod verify;
mod web_verifier;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

pub use error::{CliError, Status};
pub use output::{stream_stdout, write_json, write_stdout};

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
    Seal(seal::SealArgs),
    /// Add another party's signature to a bundle.
    Cosign(seal::CosignArgs),
    /// Add RFC 3161 time-stamp tokens to a bundle's signatures (online, or offline by files).
    Timestamp(timestamp::Args),
    /// Verify bundles or any BagIt bag: authentic, intact but not vouched for, or not authentic.
    Verify(verify::VerifyArgs),
    /// Show what a bundle holds and who claims to have signed it, without verifying.
    Inspect(inspect::InspectArgs),
    /// Extract a bundle safely into a folder.
    Extract(inspect::ExtractArgs),
    /// Keep bundles in a tamper-evident archive: store, log, catalog.
    #[command(subcommand)]
    Archive(archive::ArchiveCommand),
    /// Manage Ed25519 keys and the keyring's trust.
    #[command(subcommand)]
    Key(key::KeyCommand),
    /// Write the browser verifier page (one offline HTML file) to -o FILE or stdout.
    WebVerifier(web_verifier::Args),
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

/// On SIGINT, SIGTERM or SIGHUP: remove the temporary files in progress,
/// then exit as the signal would (128 + its number). Nothing half-written
/// stays behind an interrupted `seal`, `cosign`, `extract` or `archive add`.
fn clean_up_on_signals() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return; // without a handler, a signal kills the process: the next write sweeps up
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            let removed = docseal::fsutil::remove_registered_for_exit();
            if removed > 0 {
                eprintln!(
                    "interrupted: removed {removed} unfinished temporary file(s); nothing was written"
                );
            }
            std::process::exit(128 + signal);
        }
    });
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let parsed = Cli::command()
        .try_get_matches()
        .and_then(|matches| Cli::from_arg_matches(&matches).map(|cli| (cli, matches)));
    let (cli, matches) = match parsed {
        Ok(parsed) => parsed,
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
    output::set_quiet(cli.quiet);
    clean_up_on_signals();
    let settings = settings::Settings::default();
    let result = match cli.command {
        Command::Import(args) => import::run(args),
        Command::Validate(args) => validate::run(args),
        Command::Hash(args) => hash::run(args),
        Command::Key(command) => key::run(command, &settings),
        Command::Archive(command) => archive::run(command, &settings),
        Command::WebVerifier(args) => web_verifier::run(args),
        Command::Completions(args) => completions::completions(args),
        Command::Man(args) => completions::man(args),
        Command::Seal(args) => seal::seal(args, &settings),
        Command::Cosign(args) => seal::cosign(args, &settings),
        Command::Timestamp(args) => timestamp::run(args, &settings),
        Command::Verify(args) => {
            verify::verify(args, matches.subcommand_matches("verify"), &settings)
        }
        Command::Inspect(args) => inspect::inspect(args),
        Command::Extract(args) => inspect::extract(args),
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
    // An interrupt being handled ends the process from its thread, with
    // the signal's status: do not race it with this one.
    docseal::fsutil::settle();
    ExitCode::from(status as u8)
}
