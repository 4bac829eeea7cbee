//! `docseal archive …`.

use std::io::IsTerminal;
use std::path::PathBuf;

use docseal::archive::ingest::{self, AddOptions, TrustGiven};
use docseal::archive::storage::Item;
use docseal::archive::trust::KeyringTrust;
use docseal::archive::{self, Added, Archive, ArchiveError, InclusionProof, Location, OpenOptions};
use docseal::verify::CheckStatus;
use docseal::verify::render::check_line;

use super::key::KeyringArg;
use super::output::{write_json, write_stdout};
use super::settings::{PolicyArgs, Settings};
use super::{CliError, OutputFormat, Status};

#[derive(Debug, Clone, clap::Args)]
pub struct ArchiveArg {
    /// Archive folder, or s3://BUCKET/PREFIX (default: DOCSEAL_ARCHIVE, docseal.toml's `archive`, else archive/).
    #[arg(long, value_name = "DIR|URL", global = true)]
    archive: Option<String>,
    /// PostgreSQL sequencer for several writers, postgres://… (default: DOCSEAL_SEQUENCER, docseal.toml's [archive] sequencer).
    #[arg(long, value_name = "URL", global = true)]
    sequencer: Option<String>,
    /// Catalog: a SQLite file, or postgres://… shared by every node (default: DOCSEAL_CATALOG, docseal.toml's [archive] catalog, else the archive's own).
    #[arg(long, value_name = "FILE|URL", global = true)]
    catalog: Option<String>,
}

impl ArchiveArg {
    fn dir(&self, settings: &Settings) -> Result<PathBuf, CliError> {
        Ok(settings.archive_dir(self.archive.as_deref())?.dir)
    }

    fn options(&self, settings: &Settings) -> Result<OpenOptions, CliError> {
        Ok(settings
            .archive_options(
                self.archive.as_deref(),
                self.sequencer.as_deref(),
                self.catalog.as_deref(),
            )?
            .0)
    }

    pub fn open(&self, settings: &Settings) -> Result<Archive, CliError> {
        Ok(Archive::open_with(&self.options(settings)?)?)
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
    /// Re-check everything: keys, checkpoints, tiles, entries, bundles (under their recorded trust), objects, catalog.
    Audit(AuditArgs),
    /// Rebuild the catalog from the log and the stored bundles (or, with --follow, keep it caught up).
    Reindex(ReindexArgs),
    /// Copy the archive to another store, checking every object, checkpoint and root; resumable.
    Mirror(MirrorArgs),
    /// Make a keyring's trust the archive's (logged; revocations are kept), or show it.
    Trust(TrustArgs),
    /// Revoke a key in the archive's trust (logged; earlier checkpoints keep what they cover).
    Revoke(RevokeArgs),
    /// Convert an archive of layout version 1 in place (its roots checked first).
    Upgrade(UpgradeArgs),
    /// Time-stamp the latest checkpoint (RFC 3161): a token over it covers every entry so far; stamp again to renew.
    Timestamp(super::archive_stamp::TimestampArgs),
}

#[derive(Debug, clap::Args)]
pub struct TrustArgs {
    /// Only show the archive's current trust.
    #[arg(long)]
    show: bool,
    #[command(flatten)]
    archive: ArchiveArg,
    #[command(flatten)]
    keyring: KeyringArg,
}

#[derive(Debug, clap::Args)]
pub struct RevokeArgs {
    /// The key (its id, or a unique prefix of its hex).
    key: String,
    /// Why (recorded).
    #[arg(long)]
    reason: String,
    /// From when its signatures stop counting (default: now); signatures a checkpoint covered before then keep counting.
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
    #[command(flatten)]
    archive: ArchiveArg,
}

#[derive(Debug, clap::Args)]
pub struct UpgradeArgs {
    #[command(flatten)]
    archive: ArchiveArg,
    #[command(flatten)]
    keyring: KeyringArg,
}

#[derive(Debug, clap::Args)]
pub struct ReindexArgs {
    /// Catch up from the last indexed entry instead of rebuilding, then keep following the log until interrupted.
    #[arg(long)]
    follow: bool,
    /// Seconds between looks at the log with --follow.
    #[arg(long, value_name = "SECONDS", default_value_t = 5, requires = "follow")]
    interval: u64,
    #[command(flatten)]
    archive: ArchiveArg,
}

#[derive(Debug, clap::Args)]
pub struct MirrorArgs {
    /// The archive to copy: a folder or s3://BUCKET/PREFIX.
    #[arg(long, value_name = "DIR|URL")]
    from: String,
    /// Where to copy it: a folder or s3://BUCKET/PREFIX (created, or brought up to date).
    #[arg(long, value_name = "DIR|URL")]
    to: String,
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
    #[command(flatten)]
    policy: PolicyArgs,
    /// Accept bundles signed with the published demo keys (they prove nothing; for demonstrations only).
    #[arg(long)]
    allow_demo: bool,
    /// Let a bundle of this statement id replace the archived statement of that id (repeatable).
    #[arg(long, value_name = "ID")]
    supersede: Vec<String>,
    #[command(flatten)]
    archive: ArchiveArg,
    /// Keyring to judge under; it becomes the archive's trust (default: the archive's own trust).
    #[command(flatten)]
    keyring: KeyringArg,
    /// Time-stamping authority (RFC 3161 over HTTP) to ask for a token over the new checkpoint (default: DOCSEAL_TSA, docseal.toml's [timestamp] tsa; none: no network).
    #[arg(long, value_name = "URL")]
    tsa: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Only statements with this party.
    #[arg(long, value_parser = party_code)]
    party: Option<String>,
    /// Only statements dated on or after (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = calendar_date)]
    from: Option<String>,
    /// Only statements dated on or before (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = calendar_date)]
    to: Option<String>,
    /// Only statements of this type.
    #[arg(long = "type", value_name = "TYPE")]
    kind: Option<String>,
    /// Every record (every version) this key signed, instead (its id or a unique prefix).
    #[arg(long, value_name = "KEY", conflicts_with_all = ["party", "from", "to", "kind"])]
    signed_by: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: OutputFormat,
    #[command(flatten)]
    archive: ArchiveArg,
}

#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// Words to find (each matched as written, e.g. "Trans-Caspian").
    #[arg(value_parser = search_words)]
    query: String,
    /// Most hits shown.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..))]
    limit: u32,
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
    /// Where to write the bundle.
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
    /// Replace the file if it exists.
    #[arg(long)]
    force: bool,
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
    /// Replace the file if it exists.
    #[arg(long)]
    force: bool,
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
    /// A TSA certificate (PEM or DER; a root, an intermediate or the TSA's own) that the proof's time-stamp tokens may chain to (repeatable).
    #[arg(long, value_name = "CERT")]
    trusted_tsa: Vec<PathBuf>,
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
}

pub fn run(command: ArchiveCommand, settings: &Settings) -> Result<Status, CliError> {
    match command {
        ArchiveCommand::Init(args) => {
            let options = args.archive.options(settings)?;
            let existed = Archive::exists_at(&options)?;
            let archive = Archive::init_with(&options)?;
            if existed {
                note!(
                    "{} is already an archive ({})",
                    options.location,
                    archive.info.origin
                );
            } else {
                note!(
                    "created the archive {} ({})",
                    options.location,
                    archive.info.origin
                );
            }
            Ok(Status::Ok)
        }
        ArchiveCommand::Mirror(args) => mirror(args, settings),
        ArchiveCommand::Add(args) => add(args, settings),
        ArchiveCommand::List(args) => list(args, settings),
        ArchiveCommand::Search(args) => search(args, settings),
        ArchiveCommand::Show(args) => show(args, settings),
        ArchiveCommand::Get(args) => get(args, settings),
        ArchiveCommand::Proof(args) => proof(args, settings),
        ArchiveCommand::CheckProof(args) => check_proof(args, settings),
        ArchiveCommand::Consistency(args) => consistency(args, settings),
        ArchiveCommand::Audit(args) => audit(args, settings),
        ArchiveCommand::Trust(args) => trust(args, settings),
        ArchiveCommand::Revoke(args) => revoke(args, settings),
        ArchiveCommand::Upgrade(args) => upgrade(args, settings),
        ArchiveCommand::Timestamp(args) => super::archive_stamp::run(args, settings),
        ArchiveCommand::Reindex(args) => reindex(args, settings),
    }
}

/// The trust an add or trust change is given: a keyring named by the flag,
/// the environment or docseal.toml; the default `keys/` only for an archive
/// that has no trust yet; else the archive's own.
fn given_trust(
    keyring: &KeyringArg,
    settings: &Settings,
    archive: Option<&Archive>,
) -> Result<TrustGiven, CliError> {
    let located = settings.keyring_dir(keyring.keyring.as_deref())?;
    if located.origin != super::settings::Origin::Default {
        return Ok(TrustGiven::Keyring(KeyringTrust::of(
            &docseal::keyring::Keyring::open(&located.dir)?,
        )));
    }
    let has_trust = match archive {
        Some(a) => a.current_trust()?.is_some(),
        None => false,
    };
    if !has_trust && let Ok(ring) = docseal::keyring::Keyring::open(&located.dir) {
        return Ok(TrustGiven::Keyring(KeyringTrust::of(&ring)));
    }
    Ok(TrustGiven::Archive)
}

fn nothing_added(e: CliError) -> CliError {
    CliError {
        message: format!("{}; nothing was added to the archive", e.message),
        ..e
    }
}

fn refused(path: &std::path::Path, report: &docseal::verify::VerifyReport) -> CliError {
    for c in report
        .checks
        .iter()
        .filter(|c| c.status == CheckStatus::Fail)
    {
        eprintln!("{}", check_line(c));
    }
    for reason in &report.reasons {
        eprintln!("  - {reason}");
    }
    let demo = report
        .signers
        .iter()
        .any(|s| s.status == docseal::verify::SignerStatus::Demo);
    CliError::failed(format!(
        "{} is not authentic ({}); nothing was added to the archive",
        path.display(),
        report.verdict.as_str()
    ))
    .hint(if demo {
        "demo keys prove nothing: `--allow-demo` accepts them for a demonstration"
    } else {
        "`docseal verify` shows every check and says which trust it used"
    })
}

fn add(args: AddArgs, settings: &Settings) -> Result<Status, CliError> {
    let options = args.archive.options(settings)?;
    let existing = if Archive::exists_at(&options).map_err(|e| nothing_added(e.into()))? {
        Some(Archive::open_with(&options).map_err(|e| nothing_added(e.into()))?)
    } else {
        None
    };
    let given = given_trust(&args.keyring, settings, existing.as_ref())?;
    let policy = settings.policy(&args.policy)?;
    let snapshot = match &existing {
        Some(a) => a.trust_for(&given)?,
        None => ingest::resolve_trust(None, &given),
    };
    // Everything is checked before anything is written, even the folder.
    let checked = match ingest::check_all(&args.bundles, &snapshot, &policy, args.allow_demo) {
        Ok(c) => c,
        Err(ArchiveError::Refused { path, report }) => return Err(refused(&path, &report)),
        Err(e) => return Err(nothing_added(e.into())),
    };
    let archive = match existing {
        Some(a) => a,
        None => {
            note!("note: creating a new archive in {}", options.location);
            Archive::init_with(&options).map_err(|e| nothing_added(e.into()))?
        }
    };
    let url = settings.tsa_url(args.tsa.as_deref())?;
    let anchors = match &given {
        TrustGiven::Keyring(k) => k.tsa.clone(),
        TrustGiven::Archive => archive.tsa_anchors().map_err(|e| nothing_added(e.into()))?,
    };
    let options = AddOptions {
        policy: &policy,
        allow_demo: args.allow_demo,
        supersede: &args.supersede,
        trust: &given,
        tsa: match url.as_deref() {
            Some(url) => Some(docseal::bundle::stamp::Tsa {
                url,
                timeout: settings.tsa_timeout()?,
                anchors: &anchors,
            }),
            None => None,
        },
    };
    let report = match archive.add(checked, &options) {
        Ok(r) => r,
        Err(ArchiveError::Refused { path, report }) => return Err(refused(&path, &report)),
        Err(e) => return Err(nothing_added(e.into())),
    };
    if report.recovered > 0 {
        note!(
            "completed an interrupted ingest first: {} entries checked against their bundles and signed",
            report.recovered
        );
    }
    if let Some(index) = report.trust_entry {
        note!(
            "the archive's trust changed: log entry {index} records the keyring it is judged under"
        );
    }
    let mut text = String::new();
    for (path, r) in args.bundles.iter().zip(&report.bundles) {
        match r {
            Added::Logged {
                index,
                bundle,
                latest,
                supersedes,
                demo_keys,
            } => {
                text.push_str(&format!(
                    "{}: added as log entry {index} ({bundle})",
                    path.display()
                ));
                if let Some(old) = supersedes {
                    text.push_str(&format!(", the new latest version, after {old}"));
                } else if !latest {
                    text.push_str(", an earlier version: the latest stays as it was");
                }
                if *demo_keys {
                    text.push_str("; signed with DEMO keys, which prove nothing");
                }
                text.push('\n');
            }
            Added::AlreadyPresent { index, bundle } => text.push_str(&format!(
                "{}: already in the archive as log entry {index} ({bundle}); nothing changed\n",
                path.display()
            )),
        }
    }
    write_stdout(text.as_bytes())?;
    super::archive_stamp::after_add(&archive, report.stamp)
}

fn trust(args: TrustArgs, settings: &Settings) -> Result<Status, CliError> {
    let archive = args.archive.open(settings)?;
    if !args.show {
        let given = match given_trust(&args.keyring, settings, None)? {
            TrustGiven::Keyring(k) => k,
            TrustGiven::Archive => {
                return Err(CliError::new("no keyring to record").hint(
                    "give --keyring DIR (or DOCSEAL_KEYRING, or `keyring` in docseal.toml)",
                ));
            }
        };
        match archive.set_trust(&given)? {
            Some(index) => note!("recorded the keyring as the archive's trust: log entry {index}"),
            None => note!("the archive's trust is already this keyring's; nothing changed"),
        }
    }
    let current = archive.current_trust()?;
    let mut text = String::new();
    match &current {
        None => text.push_str("the archive trusts no key yet\n"),
        Some(s) => {
            text.push_str(&format!("trust {}:\n", s.digest));
            for e in &s.file.keys {
                text.push_str(&format!(
                    "  {}  {:<6} {:<10} from {}{}{}  {}\n",
                    e.key.short(),
                    e.party.to_string(),
                    e.role.to_string(),
                    e.valid_from,
                    e.valid_until
                        .map(|u| format!(" until {u}"))
                        .unwrap_or_default(),
                    e.revoked
                        .as_ref()
                        .map(|r| format!(" REVOKED at {} ({})", r.at, r.reason))
                        .unwrap_or_default(),
                    e.signer
                ));
            }
        }
    }
    write_stdout(text.as_bytes())?;
    Ok(Status::Ok)
}

fn revoke(args: RevokeArgs, settings: &Settings) -> Result<Status, CliError> {
    let archive = args.archive.open(settings)?;
    let at = match &args.at {
        Some(t) => docseal::utc::UtcTime::parse_input(t)?,
        None => docseal::utc::UtcTime::now(),
    };
    let (index, key) = archive.revoke(&args.key, at, &args.reason)?;
    note!(
        "revoked {} from {at} in the archive's trust: log entry {index}; signatures covered by a checkpoint made before {at} keep counting",
        key.short()
    );
    Ok(Status::Ok)
}

fn upgrade(args: UpgradeArgs, settings: &Settings) -> Result<Status, CliError> {
    let dir = args.archive.dir(settings)?;
    let done = archive::upgrade::upgrade(&dir)?;
    note!(
        "upgraded {}: {} entries replayed into tiles with the same roots, {} checkpoints kept{}",
        dir.display(),
        done.entries,
        done.checkpoints,
        if done.dropped > 0 {
            format!(
                "; {} entries never signed by a checkpoint were dropped (add their bundles again)",
                done.dropped
            )
        } else {
            String::new()
        }
    );
    let archive = Archive::open(&dir)?;
    if let TrustGiven::Keyring(k) = given_trust(&args.keyring, settings, Some(&archive))? {
        if let Some(index) = archive.set_trust(&k)? {
            note!("recorded the keyring as the archive's trust: log entry {index}");
        }
    } else {
        note!(
            "the archive has no trust yet: `docseal archive trust --keyring DIR` records the keyring its bundles are judged under"
        );
    }
    Ok(Status::Ok)
}

/// `--from`/`--to`: a date of the calendar, written YYYY-MM-DD.
fn calendar_date(text: &str) -> Result<String, String> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(text, &format)
        .map(|_| text.to_string())
        .map_err(|_| format!("{text:?} is not a date of the calendar written YYYY-MM-DD"))
}

/// `--party`: a party code (upper-cased, as the keyring and statements write it).
fn party_code(text: &str) -> Result<String, String> {
    text.parse::<docseal::party::PartyCode>()
        .map(|p| p.to_string())
        .map_err(|e| e.to_string())
}

/// A search needs at least one word.
fn search_words(text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        return Err("give at least one word to search for".into());
    }
    Ok(text.to_string())
}

fn list(args: ListArgs, settings: &Settings) -> Result<Status, CliError> {
    let archive = args.archive.open(settings)?;
    let catalog = archive.catalog()?;
    let records = match &args.signed_by {
        Some(key) => {
            let hex = key
                .strip_prefix("sha256:")
                .unwrap_or(key)
                .to_ascii_lowercase();
            let keys = catalog
                .keys_like(&format!("sha256:{hex}"))
                .map_err(|e| CliError::from(ArchiveError::from(e)))?;
            match keys.as_slice() {
                [one] => catalog.signed_by(one),
                [] => return Err(ArchiveError::NotFound(key.clone()).into()),
                _ => return Err(ArchiveError::Ambiguous(key.clone()).into()),
            }
        }
        None => catalog.list(
            args.party.as_deref(),
            args.from.as_deref(),
            args.to.as_deref(),
            args.kind.as_deref(),
        ),
    }
    .map_err(|e| CliError::from(ArchiveError::from(e)))?;
    match args.format {
        OutputFormat::Json => {
            write_json(&serde_json::json!({"version": 2, "statements": records}))?
        }
        OutputFormat::Human => {
            let text: String = records
                .iter()
                .map(|r| {
                    format!(
                        "{}  {:<28}{} {:<14} {}  {}\n",
                        r.date_start.as_deref().unwrap_or("????-??-??"),
                        r.statement_id,
                        if args.signed_by.is_some() {
                            format!(
                                " entry {:<6}{}",
                                r.log_index,
                                if r.latest { " latest" } else { "       " }
                            )
                        } else {
                            String::new()
                        },
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

fn search(args: SearchArgs, settings: &Settings) -> Result<Status, CliError> {
    let archive = args.archive.open(settings)?;
    let hits = archive
        .catalog()?
        .search(&args.query, args.limit as usize)
        .map_err(|e| CliError::from(ArchiveError::from(e)))?;
    match args.format {
        OutputFormat::Json => {
            let hits: Vec<serde_json::Value> = hits
                .iter()
                .map(|(r, s)| serde_json::json!({"statement": r, "snippet": s}))
                .collect();
            write_json(&serde_json::json!({"version": 2, "query": args.query, "hits": hits}))?;
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

fn show(args: IdArgs, settings: &Settings) -> Result<Status, CliError> {
    let archive = args.archive.open(settings)?;
    let records = archive
        .catalog()?
        .find(&args.id)
        .map_err(|e| CliError::from(ArchiveError::from(e)))?;
    if records.is_empty() {
        return Err(ArchiveError::NotFound(args.id).into());
    }
    match args.format {
        OutputFormat::Json => write_json(&serde_json::json!({"version": 2, "versions": records}))?,
        OutputFormat::Human => {
            let mut text = format!(
                "{} — {} version{}\n",
                records[0].statement_id,
                records.len(),
                if records.len() == 1 { "" } else { "s" }
            );
            for r in &records {
                text.push_str(&format!(
                    "  log entry {}  {}  ingested {}{}\n",
                    r.log_index,
                    r.bundle,
                    r.ingested_at,
                    if r.latest { "  (latest)" } else { "" }
                ));
                if let Some(old) = &r.supersedes {
                    text.push_str(&format!("    supersedes {old}\n"));
                }
                for s in &r.signers {
                    text.push_str(&format!(
                        "    signed by {} — {} ({}) at {}\n",
                        s.party,
                        if s.signer.is_empty() { "?" } else { &s.signer },
                        &s.key[7..23.min(s.key.len())],
                        s.signed_at.as_deref().unwrap_or("?")
                    ));
                }
            }
            write_stdout(text.as_bytes())?;
        }
    }
    Ok(Status::Ok)
}

fn get(args: GetArgs, settings: &Settings) -> Result<Status, CliError> {
    let archive = args.archive.open(settings)?;
    let entry = archive.resolve(&args.id)?;
    let Some(bundle) = entry.bundle() else {
        return Err(ArchiveError::NotFound(args.id).into());
    };
    let source = archive
        .storage()
        .local(&bundle)
        .map_err(ArchiveError::from)?
        .ok_or_else(|| ArchiveError::Damaged {
            item: archive.storage().locate(&Item::Bundle(bundle)),
            reason: "the logged bundle is missing".into(),
        })?;
    docseal::fsutil::write_atomic_with(&args.output, !args.force, |f| {
        std::fs::File::open(source.path())
            .and_then(|mut s| std::io::copy(&mut s, f))
            .map(|_| ())
    })
    .map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            CliError::new(format!(
                "{} already exists; nothing was overwritten",
                args.output.display()
            ))
            .hint("give another -o, or --force to replace it")
        } else {
            CliError::new(format!("{}: {e}", args.output.display()))
        }
    })?;
    note!(
        "wrote {} ({bundle}, log entry {})",
        args.output.display(),
        entry.index()
    );
    Ok(Status::Ok)
}

fn proof(args: ProofArgs, settings: &Settings) -> Result<Status, CliError> {
    let archive = args.archive.open(settings)?;
    let proof = archive.proof(&args.id)?;
    let mut text =
        serde_json::to_string_pretty(&proof).map_err(|e| CliError::new(e.to_string()))?;
    text.push('\n');
    match &args.output {
        Some(out) => {
            docseal::fsutil::write_atomic_with(out, !args.force, |f| {
                std::io::Write::write_all(f, text.as_bytes())
            })
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    CliError::new(format!(
                        "{} already exists; nothing was overwritten",
                        out.display()
                    ))
                    .hint("give another -o, or --force to replace it")
                } else {
                    CliError::new(format!("{}: {e}", out.display()))
                }
            })?;
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

fn check_proof(args: CheckProofArgs, _settings: &Settings) -> Result<Status, CliError> {
    let text = std::fs::read(&args.proof)
        .map_err(|e| CliError::new(format!("{}: {e}", args.proof.display())))?;
    let proof = InclusionProof::parse(&text)
        .map_err(|e| CliError::new(format!("{}: {e}", args.proof.display())))?;
    let key = docseal::keys::read_public_key(&args.archive_key)?;
    let mut trust = docseal::keyring::TrustSet::none(Vec::new());
    for cert in &args.trusted_tsa {
        trust.add_tsa(cert)?;
    }
    match proof.check(&key, args.bundle.as_deref()) {
        Ok(proven) => {
            let what = match (proven.entry.statement_id(), proven.entry.bundle()) {
                (Some(id), Some(bundle)) => format!("{id} ({bundle})"),
                _ => format!("a {} entry", proven.entry.kind()),
            };
            let cp = &proven.checkpoint;
            write_stdout(
                format!(
                    "ok: {what} is entry {} of the log {} at size {}, signed by the archive key{}\n",
                    proof.index,
                    cp.origin,
                    cp.size,
                    cp.time
                        .map(|t| format!(" at {t}"))
                        .unwrap_or_default()
                )
                .as_bytes(),
            )?;
            proof_tokens(&proof, &trust.tsa)
        }
        Err(e) => Err(CliError {
            message: format!("the proof does not hold: {e}"),
            hint: None,
            status: Status::Failed,
        }),
    }
}

/// The lines of a proof's time-stamp tokens; a token that fails any rule
/// fails the check.
fn proof_tokens(
    proof: &InclusionProof,
    anchors: &[docseal::timestamp::TsaAnchor],
) -> Result<Status, CliError> {
    use archive::proof::ProofToken;
    let mut text = String::new();
    let mut failed = Vec::new();
    let mut untrusted = false;
    for (i, token) in proof.check_timestamps(anchors).iter().enumerate() {
        let n = i + 1;
        match token {
            ProofToken::Proven(t) => text.push_str(&format!(
                "ok: time-stamp token {n}: the checkpoint, and so the entry, existed by {} (TSA {}, chained to {})\n",
                docseal::utc::UtcTime::from_datetime(t.latest),
                t.tsa_subject,
                t.anchor_name
            )),
            ProofToken::Untrusted(t) => {
                untrusted = true;
                text.push_str(&format!(
                    "unchecked: time-stamp token {n} by {} says {}, but no --trusted-tsa vouches for its TSA\n",
                    t.tsa_subject,
                    docseal::utc::UtcTime::from_datetime(t.latest)
                ));
            }
            ProofToken::Invalid(e) => {
                text.push_str(&format!("FAIL: time-stamp token {n}: {e}\n"));
                failed.push(n);
            }
        }
    }
    write_stdout(text.as_bytes())?;
    if !failed.is_empty() {
        return Err(CliError::failed(format!(
            "the proof's time-stamp token(s) {failed:?} do not hold; the inclusion itself does"
        )));
    }
    if untrusted {
        note!(
            "hint: give the TSA's root certificate with --trusted-tsa ROOT.pem to check the time"
        );
    }
    Ok(Status::Ok)
}

fn consistency(args: ConsistencyArgs, settings: &Settings) -> Result<Status, CliError> {
    let archive = args.archive.open(settings)?;
    let old = std::fs::read(&args.old_checkpoint)
        .map_err(|e| CliError::new(format!("{}: {e}", args.old_checkpoint.display())))?;
    let proof = archive.consistency(&args.old_checkpoint, &old)?;
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

fn audit(args: AuditArgs, settings: &Settings) -> Result<Status, CliError> {
    let archive = args.archive.open(settings)?;
    let bar = if std::io::stderr().is_terminal()
        && args.format == OutputFormat::Human
        && !super::output::quiet()
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
    let report = archive::audit::audit(&archive, &progress)?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    match args.format {
        OutputFormat::Json => {
            write_json(&serde_json::json!({"version": 2, "ok": report.ok(), "report": report}))?
        }
        OutputFormat::Human => {
            let mut text = String::new();
            for f in &report.findings {
                text.push_str(&check_line(f));
                text.push('\n');
            }
            text.push_str(&format!(
                "{}: {} entries ({} trust changes), {} objects, {} checkpoints, {} bundles re-verified\n",
                if report.ok() {
                    "audit passed"
                } else {
                    "AUDIT FAILED"
                },
                report.entries,
                report.trust_changes,
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

fn reindex(args: ReindexArgs, settings: &Settings) -> Result<Status, CliError> {
    let archive = args.archive.open(settings)?;
    if !args.follow {
        let n = archive.reindex()?;
        note!(
            "rebuilt the catalog of {}: {n} records",
            archive.root.display()
        );
        return Ok(Status::Ok);
    }
    // Until interrupted: each look catches up from the last indexed entry.
    let mut shown = None;
    loop {
        let (added, size) = archive.catch_up_catalog()?;
        if added > 0 || shown.is_none() {
            note!(
                "the catalog {} indexes {size} entries of {} (+{added})",
                archive.catalog_location(),
                archive.root.display()
            );
            shown = Some(size);
        }
        std::thread::sleep(std::time::Duration::from_secs(args.interval.max(1)));
    }
}

fn mirror(args: MirrorArgs, _settings: &Settings) -> Result<Status, CliError> {
    let from = Archive::open_with(&OpenOptions::at(Location::parse(&args.from)?))?;
    let to = OpenOptions::at(Location::parse(&args.to)?);
    let bar = if std::io::stderr().is_terminal() && !super::output::quiet() {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar.set_message("mirroring");
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
    let report = archive::mirror::mirror(&from, &to, &progress)?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    // The mirror's own catalog, so that it can be listed, searched and audited.
    let mirrored = Archive::open_with(&to)?;
    mirrored.catalog()?;
    write_stdout(
        format!(
            "mirrored {} to {}: {} entries (was {}), root {}; {} objects copied, {} already there and checked\n",
            args.from, args.to, report.size, report.previous, report.root, report.copied, report.present
        )
        .as_bytes(),
    )?;
    Ok(Status::Ok)
}
