//! `docseal seal`, `cosign`, `verify`, `inspect`, `extract`.

use std::io::Read;
use std::path::{Path, PathBuf};

use docseal::bundle::source::{BagSource, Limits, SourceError};
use docseal::bundle::verify::{self, CheckStatus, Policy, VerifyReport};
use docseal::bundle::{layout, writer};
use docseal::keyring::{self, Keyring};
use docseal::keys::KeyId;
use docseal::validate::{CheckOptions, Checker, Level};

use super::key::{KeyringArg, PassphraseArgs, load_signing_key};
use super::{CliError, OutputFormat, Status, check_line, write_json, write_stdout};

#[derive(Debug, clap::Args)]
pub struct SealArgs {
    /// The statement JSON.
    statement: PathBuf,
    /// The source text the statement was made from (stored as data/statement.txt).
    #[arg(long, value_name = "SOURCE.txt")]
    text: Option<PathBuf>,
    /// A file to include under data/attachments/ (repeatable).
    #[arg(long, value_name = "FILE")]
    attach: Vec<PathBuf>,
    #[command(flatten)]
    who: SignerArgs,
    /// Output bundle (default: <statement id>.zip). Never overwritten.
    #[arg(short, long, value_name = "OUT.zip")]
    output: Option<PathBuf>,
    #[command(flatten)]
    lint_levels: super::validate::LintArgs,
}

#[derive(Debug, clap::Args)]
pub struct CosignArgs {
    /// The bundle to co-sign.
    bundle: PathBuf,
    #[command(flatten)]
    who: SignerArgs,
    /// Output (default: replace BUNDLE atomically; every earlier byte is kept).
    #[arg(short, long, value_name = "OUT.zip")]
    output: Option<PathBuf>,
}

/// Who signs: the key, and the party, signer and role it signs as.
#[derive(Debug, clap::Args)]
pub struct SignerArgs {
    /// The signer's private key.
    #[arg(long, value_name = "KEY.pem")]
    key: PathBuf,
    /// Role of the signer.
    #[arg(long, default_value = "signatory", value_parser = ["signatory", "witness"])]
    role: String,
    /// Party signed for (default: the keyring's entry for the key).
    #[arg(long)]
    party: Option<String>,
    /// Who signs (default: the keyring's entry for the key).
    #[arg(long)]
    signer: Option<String>,
    #[command(flatten)]
    passphrase: PassphraseArgs,
    #[command(flatten)]
    keyring: KeyringArg,
}

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit codes: 0 authentic and valid, 1 some check failed, 2 could not check."
)]
pub struct VerifyArgs {
    /// Bundles (zip) or bag folders; any BagIt bag is accepted.
    #[arg(required = true, value_name = "BUNDLE|BAG_DIR")]
    paths: Vec<PathBuf>,
    /// A party that must have a valid, trusted signature (repeatable).
    #[arg(long = "require-party", value_name = "PARTY")]
    require_party: Vec<String>,
    /// Every signatory party named in the statement must have a valid, trusted signature.
    #[arg(long)]
    all_parties: bool,
    /// Output format (`html`: a self-contained report page for people).
    #[arg(long, value_enum, default_value = "human")]
    format: VerifyFormat,
    /// Write the report to FILE instead of stdout (one bundle only).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    keyring: KeyringArg,
}

/// Output formats of `verify`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum VerifyFormat {
    /// Every check, for a terminal.
    Human,
    /// The report as JSON.
    Json,
    /// A self-contained HTML page: verdict, text, signers, checks; printable.
    Html,
}

#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    /// The bundle.
    bundle: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: OutputFormat,
}

#[derive(Debug, clap::Args)]
pub struct ExtractArgs {
    /// The bundle.
    bundle: PathBuf,
    /// Folder to extract into (the bag's root folder is created inside it).
    #[arg(short, long, value_name = "DIR")]
    output: PathBuf,
}

fn now() -> Result<time::OffsetDateTime, CliError> {
    let t = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) => {
            let secs: i64 = v.trim().parse().map_err(|_| {
                CliError::new(format!(
                    "SOURCE_DATE_EPOCH={v:?} is not a number of seconds"
                ))
            })?;
            time::OffsetDateTime::from_unix_timestamp(secs)
                .map_err(|e| CliError::new(format!("SOURCE_DATE_EPOCH: {e}")))?
        }
        Err(_) => time::OffsetDateTime::now_utc(),
    };
    Ok(t.replace_nanosecond(0).unwrap_or(t))
}

/// Party and signer for a key: flags first, else the keyring.
fn identity(
    key: &ed25519_dalek::SigningKey,
    party: Option<String>,
    signer: Option<String>,
    ring: &Keyring,
) -> Result<(String, String), CliError> {
    let id = KeyId::of(&key.verifying_key());
    let entry = ring.trust.keys.iter().find(|e| e.key == id);
    match (
        party.or(entry.map(|e| e.party.clone())),
        signer.or(entry.map(|e| e.signer.clone())),
    ) {
        (Some(p), Some(s)) => Ok((p, s)),
        _ => Err(CliError::new(format!(
            "key {id} is not in the keyring {}, so its party and signer are unknown",
            ring.dir.display()
        ))
        .hint("pass --party and --signer, or add the key with `docseal key trust`")),
    }
}

pub fn seal(args: SealArgs) -> Result<Status, CliError> {
    let bytes =
        docseal::document::read_limited(&args.statement, docseal::document::DEFAULT_MAX_SIZE)
            .map_err(|e| CliError::new(e.to_string()))?;
    let options = CheckOptions {
        lints: args.lint_levels.config()?,
        ..CheckOptions::default()
    };
    let checker = Checker::new(options).map_err(|e| CliError::new(e.to_string()))?;
    let source_text = match &args.text {
        Some(path) => Some(
            docseal::document::read_limited(path, docseal::document::DEFAULT_MAX_SIZE)
                .map_err(|e| CliError::new(e.to_string()))?,
        ),
        None => None,
    };
    let report = checker.check_with_source(
        &args.statement.display().to_string(),
        bytes.clone(),
        source_text.as_deref(),
    );
    if !report.is_valid() {
        let mut out = Vec::new();
        let mut err = Vec::new();
        let _ = docseal::report::write_human(std::slice::from_ref(&report), &mut out, &mut err);
        eprint!(
            "{}{}",
            String::from_utf8_lossy(&out),
            String::from_utf8_lossy(&err)
        );
        return Err(CliError {
            message: format!(
                "{} is not valid; nothing was sealed",
                args.statement.display()
            ),
            hint: Some("fix the errors above, then seal again".into()),
            status: Status::Failed,
        });
    }
    for f in report
        .findings()
        .iter()
        .filter(|f| f.level == Level::Warning)
    {
        let at = f
            .position
            .map(|p| format!(":{}:{}", p.line, p.column))
            .unwrap_or_default();
        eprintln!(
            "warning: {}{at}: [{}] {}",
            args.statement.display(),
            f.rule,
            f.message
        );
    }
    let value =
        docseal::document::parse_strict(&bytes).map_err(|e| CliError::new(e.to_string()))?;
    let statement_digest = docseal::canonical::canonical_digest(&bytes).map_err(|e| CliError {
        message: e.to_string(),
        hint: None,
        status: Status::Failed,
    })?;
    let id = value["id"].as_str().unwrap_or_default().to_string();
    let schema = docseal::schema::joint_statement(Default::default())
        .map_err(|e| CliError::new(e.to_string()))?;
    let ring = args.who.keyring.open()?;
    let key = load_signing_key(&args.who.key, &args.who.passphrase)?;
    let (party, signer) = identity(&key, args.who.party, args.who.signer, &ring)?;
    let time = now()?;
    let parties: Vec<String> = value["parties"]
        .as_array()
        .map(|ps| {
            ps.iter()
                .filter_map(|p| p["name"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let description = value["title"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| {
            format!(
                "{} of {}",
                value["type"].as_str().unwrap_or("statement"),
                parties.join(" and ")
            )
        });
    let validation = serde_json::json!({
        "version": 1,
        "checked_by": format!("docseal {}", env!("CARGO_PKG_VERSION")),
        "checked_at": keyring::format_time(time),
        "schema": schema.name,
        "schema_sha256": schema.digest.to_string(),
        "statement_canonical_sha256": statement_digest.to_string(),
        "result": "valid",
        "findings": report.findings(),
    });
    let mut validation_bytes = serde_json::to_vec_pretty(&validation).unwrap_or_default();
    validation_bytes.push(b'\n');
    // A progress bar for long work, on a terminal only.
    let bar = super::ByteProgress::new();
    let progress = |done: u64, total: u64| bar.update(done, total);
    let input = writer::SealInput {
        id: id.clone(),
        statement: bytes,
        statement_digest,
        source_text: args.text,
        attachments: args.attach,
        schema: ("joint-statement.schema.json".into(), schema.bytes.to_vec()),
        validation: validation_bytes,
        description,
        organization: parties.join("; "),
        signer: writer::Signer {
            key: &key,
            party: party.clone(),
            signer: signer.clone(),
            role: args.who.role,
            time,
        },
        progress: Some(&progress),
    };
    let out = args
        .output
        .unwrap_or_else(|| PathBuf::from(format!("{id}.zip")));
    let digest = writer::seal(&input, &out).map_err(write_error);
    bar.finish();
    let digest = digest?;
    note!(
        "sealed {} as {party} ({signer}) at {}",
        out.display(),
        keyring::format_time(time)
    );
    write_stdout(format!("{digest}  {}\n", out.display()).as_bytes())?;
    Ok(Status::Ok)
}

fn write_error(e: writer::WriteError) -> CliError {
    match &e {
        writer::WriteError::Exists(_) => CliError::new(e.to_string())
            .hint("choose another name with -o, or move the old bundle away"),
        writer::WriteError::AlreadySigned(_) => CliError {
            message: e.to_string(),
            hint: Some("each key signs a bundle once".into()),
            status: Status::Failed,
        },
        writer::WriteError::Io { source, .. }
            if source.kind() == std::io::ErrorKind::StorageFull =>
        {
            CliError::new(e.to_string()).hint(
                "free some space, or write the bundle elsewhere with -o; nothing was left behind",
            )
        }
        _ => CliError::new(e.to_string()),
    }
}

pub fn cosign(args: CosignArgs) -> Result<Status, CliError> {
    let ring = args.who.keyring.open()?;
    // The bundle must be intact and its signatures valid before anyone adds to it.
    let report = verify::verify_path(&args.bundle, ring.policy(), &Policy::default())
        .map_err(source_error)?;
    let broken: Vec<_> = report
        .checks
        .iter()
        .filter(|c| {
            c.status == CheckStatus::Fail && c.code != "signature.trust" && c.code != "policy"
        })
        .collect();
    if !broken.is_empty() {
        for c in &broken {
            eprintln!("{}", check_line(c));
        }
        return Err(CliError {
            message: format!(
                "{} does not verify; refusing to co-sign it",
                args.bundle.display()
            ),
            hint: Some("`docseal verify` shows every check".into()),
            status: Status::Failed,
        });
    }
    let key = load_signing_key(&args.who.key, &args.who.passphrase)?;
    let (party, signer) = identity(&key, args.who.party, args.who.signer, &ring)?;
    let time = now()?;
    let s = writer::Signer {
        key: &key,
        party: party.clone(),
        signer: signer.clone(),
        role: args.who.role,
        time,
    };
    let (out, replace) = match args.output {
        Some(out) => (out, false),
        None => (args.bundle.with_extension("zip.cosign-tmp"), true),
    };
    let digest = writer::cosign(&args.bundle, &s, &out).map_err(write_error)?;
    let final_path = if replace {
        std::fs::rename(&out, &args.bundle)
            .map_err(|e| CliError::new(format!("cannot replace {}: {e}", args.bundle.display())))?;
        args.bundle.clone()
    } else {
        out
    };
    note!("co-signed {} as {party} ({signer})", final_path.display());
    write_stdout(format!("{digest}  {}\n", final_path.display()).as_bytes())?;
    Ok(Status::Ok)
}

/// The verification policy: the flags, else docseal.toml's `[verify]`.
pub fn policy(require_parties: Vec<String>, all_parties: bool) -> Result<Policy, CliError> {
    if !require_parties.is_empty() || all_parties {
        return Ok(Policy {
            require_parties,
            all_parties,
        });
    }
    let project = docseal::config::Project::discover(Path::new("."))
        .map_err(|e| CliError::new(e.to_string()))?;
    Ok(match project {
        Some(p) => Policy {
            require_parties: p.config.verify.require_parties,
            all_parties: p.config.verify.all_parties,
        },
        None => Policy::default(),
    })
}

fn source_error(e: SourceError) -> CliError {
    CliError::new(e.to_string())
}

pub fn verify(args: VerifyArgs) -> Result<Status, CliError> {
    let ring = args.keyring.open()?;
    let policy = policy(args.require_party, args.all_parties)?;
    let mut reports = Vec::new();
    let mut status = Status::Ok;
    for path in &args.paths {
        // A progress bar for long work, on a terminal only.
        let bar = super::ByteProgress::new();
        let progress = |done: u64, total: u64| bar.update(done, total);
        let result = verify::verify_path_with_progress(path, ring.policy(), &policy, &progress);
        bar.finish();
        match result {
            Ok(report) => {
                if !report.ok() {
                    status = status.max(Status::Failed);
                }
                reports.push(report);
            }
            Err(e) => {
                eprintln!("error: {e}");
                eprintln!("hint: give a bundle (.zip) or a bag folder");
                status = Status::Error;
            }
        }
    }
    if args.output.is_some() && args.paths.len() > 1 {
        return Err(
            CliError::new("-o takes one bundle at a time").hint("run verify once per bundle")
        );
    }
    let text = match args.format {
        VerifyFormat::Json => {
            let mut t = serde_json::to_string_pretty(
                &serde_json::json!({"version": 1, "reports": reports}),
            )
            .map_err(|e| CliError::new(e.to_string()))?;
            t.push('\n');
            t
        }
        VerifyFormat::Human => reports.iter().map(human_report).collect::<String>(),
        VerifyFormat::Html => reports
            .iter()
            .map(docseal::report_html::render)
            .collect::<String>(),
    };
    match &args.output {
        Some(out) => {
            docseal::fsutil::write_atomic(out, text.as_bytes())
                .map_err(|e| CliError::new(format!("{}: {e}", out.display())))?;
            note!("wrote {}", out.display());
        }
        None => write_stdout(text.as_bytes())?,
    }
    Ok(status)
}

fn human_report(r: &VerifyReport) -> String {
    let mut text = format!(
        "{}: {} {}\n",
        r.target,
        if r.kind == "bagit" {
            "BagIt bag"
        } else {
            "docseal bundle"
        },
        r.bag
    );
    for c in &r.checks {
        text.push_str(&check_line(c));
        text.push('\n');
    }
    for s in &r.signers {
        text.push_str(&format!(
            "  signed by {} — {} ({}) at {}: {}{}\n",
            s.party,
            s.signer,
            s.role,
            s.signed_at,
            if s.valid { "valid" } else { "INVALID" },
            format_args!(
                ", key {}{}",
                s.trust,
                if s.demo { ", DEMO KEY" } else { "" }
            )
        ));
    }
    let verdict = if !r.ok() {
        "NOT AUTHENTIC OR NOT VALID: see the failed checks above".to_string()
    } else if r.demo_keys_used {
        "VALID, BUT SIGNED WITH DEMO KEYS: the signatures prove nothing about who signed"
            .to_string()
    } else if r.kind == "bagit" {
        "VALID BAG (complete, every digest matches)".to_string()
    } else {
        "AUTHENTIC AND VALID".to_string()
    };
    text.push_str(&format!("result: {verdict}\n"));
    text
}

/// Opens a bundle through the hardened reader: unreadable is exit 2, an
/// unsafe or broken archive exit 1.
fn open_bundle(path: &Path) -> Result<BagSource, CliError> {
    BagSource::open(path, Limits::default()).map_err(|e| CliError {
        message: e.to_string(),
        hint: None,
        status: if matches!(e, SourceError::Io { .. }) {
            Status::Error
        } else {
            Status::Failed
        },
    })
}

pub fn inspect(args: InspectArgs) -> Result<Status, CliError> {
    let source = open_bundle(&args.bundle)?;
    let statement: serde_json::Value = source
        .read_small(layout::STATEMENT_PATH, docseal::document::DEFAULT_MAX_SIZE)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let mut signatures = Vec::new();
    for e in source.entries() {
        if e.path.starts_with(layout::SIGNATURES_DIR)
            && e.path.ends_with(".json")
            && let Ok(b) = source.read_small(&e.path, 1 << 20)
            && let Ok(s) = layout::SignedStatement::parse(&b)
        {
            signatures.push(serde_json::json!({"key": s.key, "party": s.party, "signer": s.signer, "role": s.role, "signed_at": s.signed_at}));
        }
    }
    let info = source
        .read_small("bag-info.txt", 1 << 20)
        .ok()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let payload: u64 = source
        .entries()
        .iter()
        .filter(|e| e.path.starts_with("data/"))
        .map(|e| e.size)
        .sum();
    let summary = serde_json::json!({
        "bundle": args.bundle.display().to_string(),
        "bag": source.name(),
        "id": statement["id"],
        "type": statement["type"],
        "title": statement["title"],
        "date": statement["date"],
        "parties": statement["parties"].as_array().map(|ps| ps.iter().map(|p| serde_json::json!({"id": p["id"], "name": p["name"], "role": p["role"]})).collect::<Vec<_>>()),
        "signatures": signatures,
        "files": source.entries().len(),
        "payload_bytes": payload,
        "bag_info": layout::parse_tags("bag-info.txt", &info).unwrap_or_default().into_iter().collect::<std::collections::BTreeMap<_, _>>(),
        "verified": false,
    });
    match args.format {
        OutputFormat::Json => write_json(&summary)?,
        OutputFormat::Human => {
            let mut t = format!(
                "{} (not verified; run `docseal verify`)\n",
                args.bundle.display()
            );
            t.push_str(&format!(
                "  statement: {} ({})\n",
                summary["id"].as_str().unwrap_or("?"),
                summary["type"].as_str().unwrap_or("?")
            ));
            if let Some(title) = summary["title"].as_str() {
                t.push_str(&format!("  title:     {title}\n"));
            }
            if let Some(d) = summary["date"]["start"].as_str() {
                t.push_str(&format!("  date:      {d}\n"));
            }
            for p in summary["parties"].as_array().into_iter().flatten() {
                t.push_str(&format!(
                    "  party:     {} {} ({})\n",
                    p["id"].as_str().unwrap_or("?"),
                    p["name"].as_str().unwrap_or("?"),
                    p["role"].as_str().unwrap_or("?")
                ));
            }
            for s in &signatures {
                t.push_str(&format!(
                    "  signed:    {} by {} at {}\n",
                    s["party"].as_str().unwrap_or("?"),
                    s["signer"].as_str().unwrap_or("?"),
                    s["signed_at"].as_str().unwrap_or("?")
                ));
            }
            t.push_str(&format!(
                "  size:      {} files, {} payload bytes\n",
                summary["files"], payload
            ));
            write_stdout(t.as_bytes())?;
        }
    }
    Ok(Status::Ok)
}

pub fn extract(args: ExtractArgs) -> Result<Status, CliError> {
    // Opening checks every name: nothing can land outside DIR.
    let source = open_bundle(&args.bundle)?;
    if !matches!(source, BagSource::Zip { .. }) {
        return Err(CliError::new("extract reads zip bundles; this is a folder"));
    }
    let root = args.output.join(source.name());
    if root.exists() {
        return Err(CliError::new(format!(
            "{} already exists; extract never overwrites",
            root.display()
        ))
        .hint("choose another -o folder"));
    }
    let mut opener = source.opener().map_err(|e| CliError::new(e.to_string()))?;
    for e in source.entries() {
        let target = root.join(Path::new(&e.path));
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|err| CliError::new(format!("{}: {err}", parent.display())))?;
        }
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&target)
            .map_err(|err| CliError::new(format!("{}: {err}", target.display())))?;
        opener
            .with_reader(&e.path, &mut |r: &mut dyn Read| {
                std::io::copy(r, &mut file).map(|_| ())
            })
            .map_err(|err| CliError {
                message: format!("{}: {err}", e.path),
                hint: None,
                status: Status::Failed,
            })?;
    }
    note!(
        "extracted {} files into {}",
        source.entries().len(),
        root.display()
    );
    Ok(Status::Ok)
}
