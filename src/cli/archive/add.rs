//! `docseal archive add`: everything checked before anything is written.

use std::path::{Path, PathBuf};

use docseal::archive::ingest::{self, AddOptions, AddReport, TrustGiven};
use docseal::archive::{Added, Archive, ArchiveError};
use docseal::verify::CheckStatus;
use docseal::verify::render::check_line;

use super::{ArchiveArg, given_trust};
use crate::cli::key::KeyringArg;
use crate::cli::output::write_stdout;
use crate::cli::settings::{PolicyArgs, Settings};
use crate::cli::{CliError, Status};

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

fn nothing_added(e: CliError) -> CliError {
    CliError {
        message: format!("{}; nothing was added to the archive", e.message),
        ..e
    }
}

fn refused(path: &Path, report: &docseal::verify::VerifyReport) -> CliError {
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

/// An error of checking or adding: a refused bundle shows why it was
/// refused; any error says that nothing was added.
fn not_added(e: ArchiveError) -> CliError {
    match e {
        ArchiveError::Refused { path, report } => refused(&path, &report),
        e => nothing_added(e.into()),
    }
}

pub(super) fn add(args: AddArgs, settings: &Settings) -> Result<Status, CliError> {
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
    let checked =
        ingest::check_all(&args.bundles, &snapshot, &policy, args.allow_demo).map_err(not_added)?;
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
    let report = archive.add(checked, &options).map_err(not_added)?;
    show_report(&args.bundles, &report)?;
    crate::cli::archive_stamp::after_add(&archive, report.stamp)
}

/// What an add did: notes of what it did besides, then a line per bundle.
fn show_report(paths: &[PathBuf], report: &AddReport) -> Result<(), CliError> {
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
    let text: String = paths
        .iter()
        .zip(&report.bundles)
        .map(|(path, r)| added_line(path, r))
        .collect();
    write_stdout(text.as_bytes())
}

fn added_line(path: &Path, added: &Added) -> String {
    match added {
        Added::Logged {
            index,
            bundle,
            latest,
            supersedes,
            demo_keys,
        } => {
            let mut text = format!("{}: added as log entry {index} ({bundle})", path.display());
            if let Some(old) = supersedes {
                text.push_str(&format!(", the new latest version, after {old}"));
            } else if !latest {
                text.push_str(", an earlier version: the latest stays as it was");
            }
            if *demo_keys {
                text.push_str("; signed with DEMO keys, which prove nothing");
            }
            text.push('\n');
            text
        }
        Added::AlreadyPresent { index, bundle } => format!(
            "{}: already in the archive as log entry {index} ({bundle}); nothing changed\n",
            path.display()
        ),
    }
}
