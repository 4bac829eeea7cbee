//! `docseal archive …`: the arguments every subcommand shares, the
//! subcommands and their dispatch. Each subcommand group has a file of its
//! own with its arguments and handler: `add`; `query` (list, search, show,
//! get); `proof` (proof, check-proof, consistency); `trust` (trust, revoke);
//! `maintenance` (audit, reindex, mirror, upgrade). `archive timestamp` is
//! `cli/archive_stamp.rs`.

use std::path::{Path, PathBuf};

use docseal::archive::ingest::TrustGiven;
use docseal::archive::trust::KeyringTrust;
use docseal::archive::{Archive, OpenOptions};

use super::key::KeyringArg;
use super::settings::Settings;
use super::{CliError, Status};

mod add;
mod maintenance;
mod proof;
mod query;
mod trust;

use add::AddArgs;
use maintenance::{AuditArgs, MirrorArgs, ReindexArgs, UpgradeArgs};
use proof::{CheckProofArgs, ConsistencyArgs, ProofArgs};
use query::{GetArgs, IdArgs, ListArgs, SearchArgs};
use trust::{RevokeArgs, TrustArgs};

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
pub struct Common {
    #[command(flatten)]
    archive: ArchiveArg,
}

pub fn run(command: ArchiveCommand, settings: &Settings) -> Result<Status, CliError> {
    match command {
        ArchiveCommand::Init(args) => init(args, settings),
        ArchiveCommand::Mirror(args) => maintenance::mirror(args, settings),
        ArchiveCommand::Add(args) => add::add(args, settings),
        ArchiveCommand::List(args) => query::list(args, settings),
        ArchiveCommand::Search(args) => query::search(args, settings),
        ArchiveCommand::Show(args) => query::show(args, settings),
        ArchiveCommand::Get(args) => query::get(args, settings),
        ArchiveCommand::Proof(args) => proof::proof(args, settings),
        ArchiveCommand::CheckProof(args) => proof::check_proof(args, settings),
        ArchiveCommand::Consistency(args) => proof::consistency(args, settings),
        ArchiveCommand::Audit(args) => maintenance::audit(args, settings),
        ArchiveCommand::Trust(args) => trust::trust(args, settings),
        ArchiveCommand::Revoke(args) => trust::revoke(args, settings),
        ArchiveCommand::Upgrade(args) => maintenance::upgrade(args, settings),
        ArchiveCommand::Timestamp(args) => super::archive_stamp::run(args, settings),
        ArchiveCommand::Reindex(args) => maintenance::reindex(args, settings),
    }
}

fn init(args: Common, settings: &Settings) -> Result<Status, CliError> {
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

/// The error of writing `-o FILE`: an existing file is kept unless `--force`.
fn write_error(out: &Path, e: std::io::Error) -> CliError {
    if e.kind() == std::io::ErrorKind::AlreadyExists {
        CliError::new(format!(
            "{} already exists; nothing was overwritten",
            out.display()
        ))
        .hint("give another -o, or --force to replace it")
    } else {
        CliError::new(format!("{}: {e}", out.display()))
    }
}
