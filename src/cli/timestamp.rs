//! `docseal timestamp`: add RFC 3161 time-stamp tokens to a sealed bundle's
//! signatures, without changing anything signed — from a TSA over HTTP, or
//! offline with request files and replies carried by hand.

use std::path::PathBuf;

use docseal::bundle::stamp::{self, TimestampMode, TimestampOutcome, TimestampRequest, Tsa};

use super::output::write_stdout;
use super::settings::{Settings, seal_time};
use super::{CliError, Status};

#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("how").args(["tsa", "request_out", "reply"]))]
pub struct Args {
    /// The bundle.
    bundle: PathBuf,
    /// Ask this TSA (RFC 3161 over http:// or https://) for a token over each signature that
    /// has none (default: DOCSEAL_TSA, docseal.toml's [timestamp] tsa).
    #[arg(long, value_name = "URL")]
    tsa: Option<String>,
    /// With --tsa: also add a token where there is one already (from another TSA).
    #[arg(long, requires = "tsa")]
    also: bool,
    /// No network: write a request (<keyhex>.tsq) for each signature without a token into DIR.
    #[arg(long, value_name = "DIR")]
    request_out: Option<PathBuf>,
    /// No network: attach a reply (DER TimeStampResp) obtained elsewhere, checked like any token.
    #[arg(long, value_name = "FILE.tsr")]
    reply: Option<PathBuf>,
    /// Output (default: replace BUNDLE atomically; every earlier byte is kept).
    #[arg(short, long, value_name = "OUT.zip")]
    output: Option<PathBuf>,
    /// Keyring whose TSA certificates the tokens are checked against.
    #[arg(long, value_name = "DIR")]
    keyring: Option<PathBuf>,
}

pub fn run(args: Args, settings: &Settings) -> Result<Status, CliError> {
    let located = settings.keyring_dir(args.keyring.as_deref())?;
    let ring = if located.origin == super::settings::Origin::Default
        && !located.dir.join("trust.json").exists()
    {
        None
    } else {
        Some(docseal::keyring::Keyring::open(&located.dir)?)
    };
    let anchors = ring.as_ref().map(|r| r.anchors.clone()).unwrap_or_default();
    let timeout = settings.tsa_timeout()?;
    let url = match (&args.request_out, &args.reply) {
        (None, None) => settings.tsa_url(args.tsa.as_deref())?,
        _ => None,
    };
    let mode = if let Some(dir) = &args.request_out {
        TimestampMode::Requests { dir }
    } else if let Some(file) = &args.reply {
        TimestampMode::Reply { file }
    } else if let Some(url) = url.as_deref() {
        TimestampMode::Online {
            tsa: Tsa {
                url,
                timeout,
                anchors: &anchors,
            },
            also: args.also,
        }
    } else {
        return Err(CliError::new("no time-stamping authority given")
            .hint("give --tsa URL (or DOCSEAL_TSA, or [timestamp] tsa in docseal.toml); without network, --request-out DIR then --reply FILE.tsr"));
    };
    let outcome = stamp::timestamp(TimestampRequest {
        bundle: &args.bundle,
        mode,
        output: args.output.as_deref(),
        anchors: &anchors,
        time: seal_time()?,
    })?;
    report(outcome, &args.bundle)?;
    Ok(Status::Ok)
}

fn report(outcome: TimestampOutcome, bundle: &std::path::Path) -> Result<(), CliError> {
    match outcome {
        TimestampOutcome::Nothing => {
            note!(
                "nothing to do: every signature of {} has its token",
                bundle.display()
            );
        }
        TimestampOutcome::Requests(files) => {
            let mut text = String::new();
            for f in &files {
                text.push_str(&format!("{}\n", f.path.display()));
            }
            note!(
                "wrote {} request(s); send each to the TSA and attach its reply with --reply",
                files.len()
            );
            write_stdout(text.as_bytes())?;
        }
        TimestampOutcome::Added { path, tokens } => {
            for (keyhex, name, token) in &tokens {
                let trust = if token.trusted {
                    "its TSA is trusted by the keyring"
                } else {
                    "its TSA is NOT in the keyring: the token proves nothing until `docseal key trust-tsa`"
                };
                note!(
                    "signature {}: {name}, genTime {} by {} ({trust})",
                    &keyhex[..16],
                    token.gen_time,
                    token.tsa
                );
            }
            write_stdout(format!("{}\n", path.display()).as_bytes())?;
        }
    }
    Ok(())
}
