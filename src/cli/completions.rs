//! `docseal completions` and `docseal man`.

use std::path::PathBuf;

use clap::CommandFactory;

use super::{Cli, CliError, Status, write_stdout};

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell.
    shell: clap_complete::Shell,
}

#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Folder to write one page per command into (docseal.1, docseal-seal.1, …);
    /// without it, the main page goes to stdout.
    #[arg(short, long, value_name = "DIR")]
    output: Option<PathBuf>,
}

pub fn completions(args: CompletionsArgs) -> Result<Status, CliError> {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command, "docseal", &mut out);
    write_stdout(&out)?;
    Ok(Status::Ok)
}

pub fn man(args: ManArgs) -> Result<Status, CliError> {
    let command = Cli::command();
    match args.output {
        None => {
            let mut out = Vec::new();
            clap_mangen::Man::new(command)
                .render(&mut out)
                .map_err(|e| CliError::new(e.to_string()))?;
            write_stdout(&out)?;
        }
        Some(dir) => {
            std::fs::create_dir_all(&dir)
                .map_err(|e| CliError::new(format!("{}: {e}", dir.display())))?;
            clap_mangen::generate_to(command, &dir)
                .map_err(|e| CliError::new(format!("{}: {e}", dir.display())))?;
            let count = std::fs::read_dir(&dir).map(|d| d.count()).unwrap_or(0);
            note!("wrote {count} man pages into {}", dir.display());
        }
    }
    Ok(Status::Ok)
}
