//! `docseal archive trust` and `archive revoke`: the archive's trust.

use docseal::archive::ingest::TrustGiven;

use super::{ArchiveArg, given_trust};
use crate::cli::key::KeyringArg;
use crate::cli::output::write_stdout;
use crate::cli::settings::Settings;
use crate::cli::{CliError, Status};

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

pub(super) fn trust(args: TrustArgs, settings: &Settings) -> Result<Status, CliError> {
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

pub(super) fn revoke(args: RevokeArgs, settings: &Settings) -> Result<Status, CliError> {
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
