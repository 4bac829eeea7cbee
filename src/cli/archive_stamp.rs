//! `docseal archive timestamp`, and the checkpoint token of `archive add
//! --tsa`: RFC 3161 tokens over the archive's latest checkpoint
//! (docs/FORMAT.md §7.12), online or by request and reply files.

use std::path::PathBuf;

use docseal::archive::stamps::CheckpointStamp;
use docseal::archive::{Archive, ArchiveError};
use docseal::bundle::stamp::Tsa;

use super::output::write_stdout;
use super::settings::Settings;
use super::{CliError, Status};

#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("how").args(["tsa", "request_out", "reply"]))]
pub struct TimestampArgs {
    /// Time-stamping authority (RFC 3161 over HTTP) to ask for a token over the latest checkpoint (default: DOCSEAL_TSA, docseal.toml's [timestamp] tsa).
    #[arg(long, value_name = "URL")]
    tsa: Option<String>,
    /// Without network: write the request for the latest checkpoint to FILE.tsq, to carry to a TSA.
    #[arg(long, value_name = "FILE")]
    request_out: Option<PathBuf>,
    /// Without network: keep a TSA's reply (FILE.tsr) to that request beside the checkpoint, checked first.
    #[arg(long, value_name = "FILE")]
    reply: Option<PathBuf>,
    #[command(flatten)]
    archive: super::archive::ArchiveArg,
}

pub fn run(args: TimestampArgs, settings: &Settings) -> Result<Status, CliError> {
    let archive = args.archive.open(settings)?;
    if let Some(out) = &args.request_out {
        let (size, der) = archive.checkpoint_request()?;
        docseal::fsutil::write_atomic_with(out, true, |f| std::io::Write::write_all(f, &der))
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    CliError::new(format!(
                        "{} already exists; nothing was overwritten",
                        out.display()
                    ))
                    .hint("give another file name")
                } else {
                    CliError::new(format!("{}: {e}", out.display()))
                }
            })?;
        note!(
            "wrote the request for the checkpoint of size {size}: send it to the TSA, then `docseal archive timestamp --reply FILE.tsr`"
        );
        write_stdout(format!("{}\n", out.display()).as_bytes())?;
        return Ok(Status::Ok);
    }
    let stamp = if let Some(file) = &args.reply {
        let reply =
            std::fs::read(file).map_err(|e| CliError::new(format!("{}: {e}", file.display())))?;
        archive.attach_checkpoint_reply(&reply, &file.display().to_string())?
    } else {
        let Some(url) = settings.tsa_url(args.tsa.as_deref())? else {
            return Err(CliError::new("no time-stamping authority given").hint(
                "give --tsa URL (or DOCSEAL_TSA, or [timestamp] tsa in docseal.toml); without network, --request-out FILE.tsq then --reply FILE.tsr",
            ));
        };
        let anchors = archive.tsa_anchors()?;
        let tsa = Tsa {
            url: &url,
            timeout: settings.tsa_timeout()?,
            anchors: &anchors,
        };
        archive.stamp_checkpoint(&tsa)?
    };
    report(&archive, &stamp);
    Ok(Status::Ok)
}

/// Says what a new checkpoint token is, and whether it counts.
pub fn report(archive: &Archive, stamp: &CheckpointStamp) {
    let place = archive.storage().locate(&stamp.item);
    if stamp.trusted {
        note!(
            "time-stamped the checkpoint of size {} at {} by {} (token {}, {place})",
            stamp.size,
            stamp.gen_time,
            stamp.tsa,
            stamp.position
        );
    } else {
        note!(
            "warning: time-stamped the checkpoint of size {} at {} by {} ({place}), but the archive's trust does not include this TSA: the token proves nothing until `docseal key trust-tsa` and `docseal archive trust --keyring DIR`",
            stamp.size,
            stamp.gen_time,
            stamp.tsa
        );
    }
}

/// After `archive add --tsa`: the records are logged whatever the TSA did;
/// a failed token is exit 2 with the way to get one later.
pub fn after_add(
    archive: &Archive,
    stamp: Option<Result<CheckpointStamp, ArchiveError>>,
) -> Result<Status, CliError> {
    match stamp {
        None => Ok(Status::Ok),
        Some(Ok(s)) => {
            report(archive, &s);
            Ok(Status::Ok)
        }
        Some(Err(e)) => Err(CliError::new(format!(
            "the records above are logged, but {e}"
        ))
        .hint("run `docseal archive timestamp --tsa URL` when the TSA can be reached (its token covers every entry so far)")),
    }
}
