//! `docseal web-verifier`: writes the browser verifier (web/verify.html), the
//! same bytes as the file in the repository, so that people who have only a
//! bundle can check it in a browser, offline.

use std::io::Write as _;
use std::path::PathBuf;

use super::{CliError, Status, write_stdout};

/// The page, exactly as built by `web/build.mjs` and committed.
pub const PAGE: &[u8] = include_bytes!("../../web/verify.html");

/// Arguments of `docseal web-verifier`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Write the page to FILE (default: stdout).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Replace FILE if it exists.
    #[arg(long, requires = "output")]
    force: bool,
}

/// Writes the page to `-o FILE` (never over an existing file without
/// `--force`) or to stdout.
pub fn run(args: Args) -> Result<Status, CliError> {
    let Some(out) = &args.output else {
        write_stdout(PAGE)?;
        return Ok(Status::Ok);
    };
    docseal::fsutil::write_atomic_with(out, !args.force, |f| f.write_all(PAGE)).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            CliError::new(format!("{} already exists", out.display()))
                .hint("choose another -o, or add --force to replace it")
        } else {
            CliError::new(format!("{}: {e}", out.display()))
        }
    })?;
    note!(
        "wrote {} ({} bytes): open it in a browser, from disk",
        out.display(),
        PAGE.len()
    );
    Ok(Status::Ok)
}
