//! `docseal archive proof`, `check-proof` and `consistency`: what the log
//! proves, with and without the archive.

use std::path::PathBuf;

use docseal::archive::{self, InclusionProof};

use super::{ArchiveArg, write_error};
use crate::cli::output::{write_json, write_stdout};
use crate::cli::settings::Settings;
use crate::cli::{CliError, OutputFormat, Status};

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

pub(super) fn proof(args: ProofArgs, settings: &Settings) -> Result<Status, CliError> {
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
            .map_err(|e| write_error(out, e))?;
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

pub(super) fn check_proof(args: CheckProofArgs, _settings: &Settings) -> Result<Status, CliError> {
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

pub(super) fn consistency(args: ConsistencyArgs, settings: &Settings) -> Result<Status, CliError> {
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
