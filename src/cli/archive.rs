//! `docseal archive …`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use docseal::archive::{self, Added, Archive, ArchiveError, InclusionProof};
use docseal::bundle::verify::CheckStatus;

use super::key::KeyringArg;
use super::{CliError, OutputFormat, Status, check_line, write_json, write_stdout};

#[derive(Debug, Clone, clap::Args)]
pub struct ArchiveArg {
    /// Archive folder (default: docseal.toml's `archive`, else archive/).
    #[arg(long, env = "DOCSEAL_ARCHIVE", value_name = "DIR", global = true)]
    archive: Option<PathBuf>,
}

impl ArchiveArg {
    fn dir(&self) -> Result<PathBuf, CliError> {
        let project = docseal::config::Project::discover(Path::new("."))
            .map_err(|e| CliError::new(e.to_string()))?;
        Ok(docseal::config::archive_dir(
            self.archive.as_deref(),
            project.as_ref(),
        ))
    }

    fn open(&self) -> Result<Archive, CliError> {
        let dir = self.dir()?;
        Archive::open(&dir).map_err(|e| match e {
            ArchiveError::NotAnArchive(_) => CliError::new(e.to_string())
                .hint("create it with `docseal archive init`, or give --archive DIR"),
            other => archive_error(other),
        })
    }
}

#[derive(Debug, clap::Subcommand)]
pub enum ArchiveCommand {
    /// Create the store, the log and the archive's checkpoint key.
    Init(Common),
    /// Verify bundles and ingest them (content-addressed, logged, catalogued).
    Add(AddArgs),
    /// List the latest version of each statement.
    List(ListArgs),
    /// Full-text search over the statements, with snippets.
    Search(SearchArgs),
    /// Show a statement's versions, signers, ingest times and log indices.
    Show(IdArgs),
    /// Copy a stored bundle out of the archive.
    Get(GetArgs),
    /// An inclusion proof of a bundle against the latest signed checkpoint.
    Proof(ProofArgs),
    /// Check an inclusion proof without the archive, with the archive's public key.
    CheckProof(CheckProofArgs),
    /// Prove that the log only grew since an older checkpoint.
    Consistency(ConsistencyArgs),
    /// Re-verify everything: objects, bundles, log, checkpoints.
    Audit(AuditArgs),
    /// Rebuild the catalog from the objects and the log.
    Reindex(Common),
}

#[derive(Debug, clap::Args)]
pub struct Common {
    #[command(flatten)]
    archive: ArchiveArg,
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// Bundles to ingest.
    #[arg(required = true, value_name = "BUNDLE")]
    bundles: Vec<PathBuf>,
    /// A party that must have a valid, trusted signature (repeatable).
    #[arg(long = "require-party", value_name = "PARTY")]
    require_party: Vec<String>,
    /// Every signatory party must have a valid, trusted signature.
    #[arg(long)]
    all_parties: bool,
    #[command(flatten)]
    archive: ArchiveArg,
    #[command(flatten)]
    keyring: KeyringArg,
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Only statements with this party.
    #[arg(long)]
    party: Option<String>,
    /// Only statements dated on or after (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    /// Only statements dated on or before (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    to: Option<String>,
    /// Only statements of this type.
    #[arg(long = "type", value_name = "TYPE")]
    kind: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: OutputFormat,
    #[command(flatten)]
    archive: ArchiveArg,
}

#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// Words to find (each matched as written, e.g. "Trans-Caspian").
    query: String,
    /// Most hits shown.
    #[arg(long, default_value_t = 20)]
    limit: usize,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: OutputFormat,
    #[command(flatten)]
    archive: ArchiveArg,
}

#[derive(Debug, clap::Args)]
pub struct IdArgs {
    /// Statement id, or bundle digest (or a unique prefix of its hex).
    id: String,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: OutputFormat,
    #[command(flatten)]
    archive: ArchiveArg,
}

#[derive(Debug, clap::Args)]
pub struct GetArgs {
    /// Statement id (latest version), or bundle digest.
    id: String,
    /// Where to write the bundle (never overwritten).
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
    #[command(flatten)]
    archive: ArchiveArg,
}

#[derive(Debug, clap::Args)]
pub struct ProofArgs {
    /// Statement id (latest version), or bundle digest.
    id: String,
    /// Write the proof here instead of stdout.
    #[arg(short, long, value_name = "PROOF.json")]
    output: Option<PathBuf>,
    #[command(flatten)]
    archive: ArchiveArg,
}

#[derive(Debug, clap::Args)]
pub struct CheckProofArgs {
    /// The proof file.
    proof: PathBuf,
    /// The archive's public key (key/archive.pub.pem of the archive).
    #[arg(long, value_name = "KEY.pub.pem")]
    archive_key: PathBuf,
    /// Also check that this bundle file is the one logged.
    bundle: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct ConsistencyArgs {
    /// An older signed checkpoint (log/checkpoints/… or a saved copy).
    old_checkpoint: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: OutputFormat,
    #[command(flatten)]
    archive: ArchiveArg,
}

#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: OutputFormat,
    #[command(flatten)]
    archive: ArchiveArg,
    #[command(flatten)]
    keyring: KeyringArg,
}

pub fn archive_error(e: ArchiveError) -> CliError {
    match &e {
        ArchiveError::NotFound(_) => {
            CliError::new(e.to_string()).hint("`docseal archive list` shows what the archive holds")
        }
        ArchiveError::Damaged(_) => CliError {
            message: e.to_string(),
            hint: Some("run `docseal archive audit` for a full report".into()),
            status: Status::Failed,
        },
        ArchiveError::Catalog(_) => {
            CliError::new(e.to_string()).hint("rebuild it with `docseal archive reindex`")
        }
        _ => CliError::new(e.to_string()),
    }
}

pub fn run(command: ArchiveCommand) -> Result<Status, CliError> {
    match command {
        ArchiveCommand::Init(args) => {
            let dir = args.archive.dir()?;
            let existed = Archive::exists(&dir);
            let archive = Archive::init(&dir).map_err(archive_error)?;
            if existed {
                note!(
                    "{} is already an archive ({})",
                    dir.display(),
                    archive.info.origin
                );
            } else {
                note!(
                    "created the archive {} ({})",
                    dir.display(),
                    archive.info.origin
                );
            }
            Ok(Status::Ok)
        }
        ArchiveCommand::Add(args) => add(args),
        ArchiveCommand::List(args) => list(args),
        ArchiveCommand::Search(args) => search(args),
        ArchiveCommand::Show(args) => show(args),
        ArchiveCommand::Get(args) => get(args),
        ArchiveCommand::Proof(args) => proof(args),
        ArchiveCommand::CheckProof(args) => check_proof(args),
        ArchiveCommand::Consistency(args) => consistency(args),
        ArchiveCommand::Audit(args) => audit(args),
        ArchiveCommand::Reindex(args) => {
            let archive = args.archive.open()?;
            let n = archive.reindex().map_err(archive_error)?;
            note!(
                "rebuilt the catalog of {}: {n} records",
                archive.root.display()
            );
            Ok(Status::Ok)
        }
    }
}

fn add(args: AddArgs) -> Result<Status, CliError> {
    let dir = args.archive.dir()?;
    if !Archive::exists(&dir) {
        note!("note: creating a new archive in {}", dir.display());
    }
    let archive = Archive::init(&dir).map_err(archive_error)?;
    let ring = args.keyring.open()?;
    let policy = super::bundle::policy(args.require_party, args.all_parties)?;
    match archive.add(&args.bundles, ring.policy(), &policy) {
        Ok(results) => {
            let mut text = String::new();
            for (path, r) in args.bundles.iter().zip(&results) {
                match r {
                    Added::Logged { index, bundle, supersedes, demo_keys } => {
                        text.push_str(&format!("{}: added as log entry {index} ({bundle})", path.display()));
                        if let Some(old) = supersedes {
                            text.push_str(&format!(", a new version of {old}"));
                        }
                        if *demo_keys {
                            text.push_str("; signed with DEMO keys, which prove nothing");
                        }
                        text.push('\n');
                    }
                    Added::AlreadyPresent { index, bundle } => text.push_str(&format!("{}: already in the archive as log entry {index} ({bundle}); nothing changed\n", path.display())),
                }
            }
            write_stdout(text.as_bytes())?;
            Ok(Status::Ok)
        }
        Err(ArchiveError::Refused { path, report }) => {
            for c in report
                .checks
                .iter()
                .filter(|c| c.status == CheckStatus::Fail)
            {
                eprintln!("{}", check_line(c));
            }
            Err(CliError {
                message: format!(
                    "{} does not verify; it was not added (bundles before it on the command line were)",
                    path.display()
                ),
                hint: Some("`docseal verify` shows every check".into()),
                status: Status::Failed,
            })
        }
        Err(e) => Err(archive_error(e)),
    }
}

fn list(args: ListArgs) -> Result<Status, CliError> {
    let archive = args.archive.open()?;
    let records = archive
        .catalog()
        .map_err(archive_error)?
        .list(
            args.party.as_deref(),
            args.from.as_deref(),
            args.to.as_deref(),
            args.kind.as_deref(),
        )
        .map_err(|e| archive_error(e.into()))?;
    match args.format {
        OutputFormat::Json => {
            write_json(&serde_json::json!({"version": 1, "statements": records}))?
        }
        OutputFormat::Human => {
            let text: String = records
                .iter()
                .map(|r| {
                    format!(
                        "{}  {:<28} {:<14} {}  {}\n",
                        r.date_start.as_deref().unwrap_or("????-??-??"),
                        r.statement_id,
                        r.parties.join(","),
                        r.kind.as_deref().unwrap_or("-"),
                        r.title.as_deref().unwrap_or("")
                    )
                })
                .collect();
            write_stdout(text.as_bytes())?;
            note!(
                "{} statement{}",
                records.len(),
                if records.len() == 1 { "" } else { "s" }
            );
        }
    }
    Ok(Status::Ok)
}

fn search(args: SearchArgs) -> Result<Status, CliError> {
    let archive = args.archive.open()?;
    let hits = archive
        .catalog()
        .map_err(archive_error)?
        .search(&args.query, args.limit)
        .map_err(|e| archive_error(e.into()))?;
    match args.format {
        OutputFormat::Json => {
            let hits: Vec<serde_json::Value> = hits
                .iter()
                .map(|(r, s)| serde_json::json!({"statement": r, "snippet": s}))
                .collect();
            write_json(&serde_json::json!({"version": 1, "query": args.query, "hits": hits}))?;
        }
        OutputFormat::Human => {
            let text: String = hits
                .iter()
                .map(|(r, s)| {
                    format!(
                        "{} ({})\n  {s}\n",
                        r.statement_id,
                        r.date_start.as_deref().unwrap_or("undated")
                    )
                })
                .collect();
            write_stdout(text.as_bytes())?;
            note!(
                "{} hit{}",
                hits.len(),
                if hits.len() == 1 { "" } else { "s" }
            );
        }
    }
    Ok(if hits.is_empty() {
        Status::Failed
    } else {
        Status::Ok
    })
}

fn show(args: IdArgs) -> Result<Status, CliError> {
    let archive = args.archive.open()?;
    let records = archive
        .catalog()
        .map_err(archive_error)?
        .find(&args.id)
        .map_err(|e| archive_error(e.into()))?;
    if records.is_empty() {
        return Err(archive_error(ArchiveError::NotFound(args.id)));
    }
    match args.format {
        OutputFormat::Json => write_json(&serde_json::json!({"version": 1, "versions": records}))?,
        OutputFormat::Human => {
            let mut text = format!(
                "{} — {} version{}\n",
                records[0].statement_id,
                records.len(),
                if records.len() == 1 { "" } else { "s" }
            );
            for r in &records {
                text.push_str(&format!(
                    "  log entry {}  {}  ingested {}\n",
                    r.log_index, r.bundle, r.ingested_at
                ));
                if let Some(old) = &r.supersedes {
                    text.push_str(&format!("    supersedes {old}\n"));
                }
                for (party, signer, at) in &r.signers {
                    text.push_str(&format!("    signed by {party} — {signer} at {at}\n"));
                }
            }
            write_stdout(text.as_bytes())?;
        }
    }
    Ok(Status::Ok)
}

fn get(args: GetArgs) -> Result<Status, CliError> {
    let archive = args.archive.open()?;
    let entry = archive.resolve(&args.id).map_err(archive_error)?;
    let source = archive.object_path(&entry.bundle);
    docseal::fsutil::write_atomic_with(&args.output, true, |f| {
        std::fs::File::open(&source)
            .and_then(|mut s| std::io::copy(&mut s, f))
            .map(|_| ())
    })
    .map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            CliError::new(format!(
                "{} already exists; nothing was overwritten",
                args.output.display()
            ))
        } else {
            CliError::new(format!("{}: {e}", args.output.display()))
        }
    })?;
    note!(
        "wrote {} ({}, log entry {})",
        args.output.display(),
        entry.bundle,
        entry.index
    );
    Ok(Status::Ok)
}

fn proof(args: ProofArgs) -> Result<Status, CliError> {
    let archive = args.archive.open()?;
    let proof = archive.proof(&args.id).map_err(archive_error)?;
    let mut text =
        serde_json::to_string_pretty(&proof).map_err(|e| CliError::new(e.to_string()))?;
    text.push('\n');
    match &args.output {
        Some(out) => {
            docseal::fsutil::write_atomic(out, text.as_bytes())
                .map_err(|e| CliError::new(format!("{}: {e}", out.display())))?;
            note!(
                "wrote {}: entry {} of {}",
                out.display(),
                proof.index,
                proof.tree_size
            );
        }
        None => write_stdout(text.as_bytes())?,
    }
    Ok(Status::Ok)
}

fn check_proof(args: CheckProofArgs) -> Result<Status, CliError> {
    let text = std::fs::read(&args.proof)
        .map_err(|e| CliError::new(format!("{}: {e}", args.proof.display())))?;
    let proof: InclusionProof = serde_json::from_value(
        docseal::document::parse_strict(&text)
            .map_err(|e| CliError::new(format!("{}: {e}", args.proof.display())))?,
    )
    .map_err(|e| {
        CliError::new(format!(
            "{} is not a docseal inclusion proof: {e}",
            args.proof.display()
        ))
    })?;
    let key = docseal::keys::read_public_key(&args.archive_key).map_err(super::key::key_error)?;
    match proof.check(&key, args.bundle.as_deref()) {
        Ok(cp) => {
            write_stdout(
                format!(
                    "ok: {} ({}) is entry {} of the log {} at size {}, signed by the archive key\n",
                    proof.entry.statement_id, proof.entry.bundle, proof.index, cp.origin, cp.size
                )
                .as_bytes(),
            )?;
            Ok(Status::Ok)
        }
        Err(e) => Err(CliError {
            message: format!("the proof does not hold: {e}"),
            hint: None,
            status: Status::Failed,
        }),
    }
}

fn consistency(args: ConsistencyArgs) -> Result<Status, CliError> {
    let archive = args.archive.open()?;
    let old = std::fs::read_to_string(&args.old_checkpoint)
        .map_err(|e| CliError::new(format!("{}: {e}", args.old_checkpoint.display())))?;
    let proof = archive.consistency(&old).map_err(archive_error)?;
    match args.format {
        OutputFormat::Json => write_json(&serde_json::to_value(&proof).unwrap_or_default())?,
        OutputFormat::Human => write_stdout(
            format!(
                "{}: the log of size {} {} the log of size {} ({} proof hashes)\n",
                if proof.consistent { "ok" } else { "FAIL" },
                proof.new_size,
                if proof.consistent {
                    "extends"
                } else {
                    "does NOT extend"
                },
                proof.old_size,
                proof.proof.len()
            )
            .as_bytes(),
        )?,
    }
    Ok(if proof.consistent {
        Status::Ok
    } else {
        Status::Failed
    })
}

fn audit(args: AuditArgs) -> Result<Status, CliError> {
    let archive = args.archive.open()?;
    let ring = args.keyring.open()?;
    let bar =
        if std::io::stderr().is_terminal() && args.format == OutputFormat::Human && !super::quiet()
        {
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar.set_message("auditing");
            Some(bar)
        } else {
            None
        };
    let progress = |done: u64, total: u64| {
        if let Some(bar) = &bar {
            bar.set_length(total);
            bar.set_position(done);
        }
    };
    let report =
        archive::audit::audit(&archive, ring.policy(), &progress).map_err(archive_error)?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    match args.format {
        OutputFormat::Json => {
            write_json(&serde_json::json!({"version": 1, "ok": report.ok(), "report": report}))?
        }
        OutputFormat::Human => {
            let mut text = String::new();
            for f in &report.findings {
                text.push_str(&check_line(f));
                text.push('\n');
            }
            text.push_str(&format!(
                "{}: {} entries, {} objects, {} checkpoints, {} bundles re-verified\n",
                if report.ok() {
                    "audit passed"
                } else {
                    "AUDIT FAILED"
                },
                report.entries,
                report.objects,
                report.checkpoints,
                report.verified
            ));
            write_stdout(text.as_bytes())?;
        }
    }
    Ok(if report.ok() {
        Status::Ok
    } else {
        Status::Failed
    })
}
