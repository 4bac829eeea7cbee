//! `docseal validate`.

use std::path::PathBuf;

use clap::ValueEnum;
use docseal::lint::{LintConfig, LintLevel, LintName};
use docseal::report::{self, Summary};
use docseal::schema::{SchemaOptions, SchemaSource};
use docseal::validate::{CheckOptions, Checker, Hinted};

use super::{CliError, Status, stream_stdout, write_json, write_stdout};

/// Output formats of `validate`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// Findings with the offending line, for people.
    Human,
    /// One JSON report (documented in docs/CLI.md).
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// JUnit XML, one test case per file.
    Junit,
    /// GitHub Actions workflow annotations.
    Github,
}

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit codes: 0 all valid, 1 some document invalid, 2 could not check (2 wins over 1)."
)]
pub struct Args {
    /// Files, folders (every *.json below them) or `-` for stdin.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Schema file, or a built-in schema by name or $id (default: the document's
    /// $schema when it names a built-in, else joint-statement).
    #[arg(long, value_name = "FILE|NAME")]
    schema: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Treat `format` keywords as annotations only (they are assertions by default).
    #[arg(long)]
    no_format_assertions: bool,
    /// Largest file loaded, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = docseal::document::DEFAULT_MAX_SIZE)]
    max_size: u64,
    /// Source text for the `source-span` lint (default: NAME.txt beside each NAME.json).
    #[arg(long, value_name = "SOURCE.txt")]
    text: Option<PathBuf>,
    #[command(flatten)]
    lint_levels: LintArgs,
}

/// `--deny/--warn/--allow NAME`, over docseal.toml's `[lints]`.
#[derive(Debug, Clone, clap::Args)]
pub struct LintArgs {
    /// Make a lint an error (repeatable). Lints: mixed-script, invisible-character,
    /// not-nfc, numbering, dates, parties, source-span, duplicate-paragraph.
    #[arg(long, value_name = "LINT")]
    deny: Vec<String>,
    /// Make a lint a warning (repeatable).
    #[arg(long, value_name = "LINT")]
    warn: Vec<String>,
    /// Turn a lint off (repeatable).
    #[arg(long, value_name = "LINT")]
    allow: Vec<String>,
}

impl LintArgs {
    /// Defaults, then docseal.toml, then the flags.
    pub fn config(&self) -> Result<LintConfig, CliError> {
        let mut config = LintConfig::default();
        let project = docseal::config::Project::discover(std::path::Path::new("."))?;
        if let Some(project) = project {
            for (&name, &level) in &project.config.lints {
                config.set(name, level);
            }
        }
        for (names, level) in [
            (&self.allow, LintLevel::Allow),
            (&self.warn, LintLevel::Warn),
            (&self.deny, LintLevel::Deny),
        ] {
            for name in names {
                let name: LintName = name.parse()?;
                config.set(name, level);
            }
        }
        Ok(config)
    }
}

pub fn run(args: Args) -> Result<Status, CliError> {
    if args.paths.is_empty() {
        return Err(CliError::new("no files to validate")
            .hint("give one or more files or folders, e.g. `docseal validate statements/`, or `-` for stdin"));
    }
    let schema = args
        .schema
        .as_deref()
        .map(SchemaSource::from_arg)
        .transpose()
        .map_err(|e| hinted(&e))?;
    let lints = args.lint_levels.config()?;
    // Compiling the schema and listing the folders are independent: both at once.
    let (checker, inputs) = rayon::join(
        || {
            Checker::new(CheckOptions {
                schema,
                schema_options: SchemaOptions {
                    format_assertions: !args.no_format_assertions,
                },
                max_size: args.max_size,
                lints,
                source_text: args.text,
            })
        },
        || docseal::validate::expand_inputs(&args.paths),
    );
    let checker = checker.map_err(|e| hinted(&e))?;
    if inputs.is_empty() {
        return Err(CliError::new("no *.json files found in the given folders")
            .hint("validate looks for files ending in .json"));
    }
    let reports = checker.check_all(&inputs);
    let summary = Summary::of(&reports);
    match args.format {
        Format::Human => {
            let mut err = Vec::new();
            stream_stdout(|out| report::write_human(&reports, out, &mut err))?;
            eprint!("{}", String::from_utf8_lossy(&err));
            note!("{}", report::summary_line(&summary));
        }
        Format::Json => write_json(&report::json_report(&reports))?,
        Format::Sarif => write_json(&report::sarif_report(&reports))?,
        Format::Junit => write_stdout(report::junit_report(&reports).as_bytes())?,
        Format::Github => write_stdout(report::github_annotations(&reports).as_bytes())?,
    }
    Ok(if summary.not_checked > 0 {
        Status::Error
    } else if summary.invalid > 0 {
        Status::Failed
    } else {
        Status::Ok
    })
}

fn hinted(error: &dyn Hinted) -> CliError {
    let mut e = CliError::new(error.to_string());
    e.hint = error.hint();
    e
}
