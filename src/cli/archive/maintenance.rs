//! `docseal archive audit`, `reindex`, `mirror` and `upgrade`: checking,
//! rebuilding, copying and converting a whole archive.

use std::io::IsTerminal;

use docseal::archive::ingest::TrustGiven;
use docseal::archive::{self, Archive, Location, OpenOptions};
use docseal::verify::render::check_line;

use super::{ArchiveArg, given_trust};
use crate::cli::key::KeyringArg;
use crate::cli::output::{write_json, write_stdout};
use crate::cli::settings::Settings;
use crate::cli::{CliError, OutputFormat, Status};

#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: OutputFormat,
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

pub(super) fn audit(args: AuditArgs, settings: &Settings) -> Result<Status, CliError> {
    let archive = args.archive.open(settings)?;
    let bar = progress_bar(args.format == OutputFormat::Human, "auditing");
    let progress = |done: u64, total: u64| advance(bar.as_ref(), done, total);
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

pub(super) fn reindex(args: ReindexArgs, settings: &Settings) -> Result<Status, CliError> {
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

pub(super) fn mirror(args: MirrorArgs, _settings: &Settings) -> Result<Status, CliError> {
    let from = Archive::open_with(&OpenOptions::at(Location::parse(&args.from)?))?;
    let to = OpenOptions::at(Location::parse(&args.to)?);
    let bar = progress_bar(true, "mirroring");
    let progress = |done: u64, total: u64| advance(bar.as_ref(), done, total);
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

pub(super) fn upgrade(args: UpgradeArgs, settings: &Settings) -> Result<Status, CliError> {
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

/// A bar of items done, on stderr when it is a terminal, `--quiet` is not
/// given and `wanted` (the output is not JSON).
fn progress_bar(wanted: bool, message: &'static str) -> Option<indicatif::ProgressBar> {
    if !(std::io::stderr().is_terminal() && wanted && !crate::cli::output::quiet()) {
        return None;
    }
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.set_message(message);
    Some(bar)
}

fn advance(bar: Option<&indicatif::ProgressBar>, done: u64, total: u64) {
    if let Some(bar) = bar {
        bar.set_length(total);
        bar.set_position(done);
    }
}
