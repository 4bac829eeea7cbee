//! `docseal verify`: resolve the trust and the policy, verify each bundle,
//! render the reports (human, JSON, HTML).

use std::path::PathBuf;

use clap::ArgMatches;
use docseal::keyring::GivenKey;
use docseal::party::PartyCode;
use docseal::verify::{self, VerifyOptions, VerifyReport};

use super::output::{ByteProgress, write_stdout};
use super::settings::{PolicyArgs, Settings};
use super::{CliError, Status};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit codes: 0 authentic (or, for a plain BagIt bag, valid), 1 intact but not vouched for, or not authentic, 2 could not check.\n\n\
Trust: --keyring DIR, or --trusted-key PUB.pem --party CODE [--signer NAME] (repeatable; each --party and --signer belongs to the --trusted-key before it). \
Without either, the keyring of DOCSEAL_KEYRING or docseal.toml, else keys/ if it is one; the report says which trust it used."
)]
pub struct VerifyArgs {
    /// Bundles (zip) or bag folders; any BagIt bag is accepted.
    #[arg(required = true, value_name = "BUNDLE|BAG_DIR")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    policy: PolicyArgs,
    /// Keyring folder to trust (default: DOCSEAL_KEYRING, docseal.toml's `keyring`, else keys/ if it is a keyring).
    #[arg(long, value_name = "DIR")]
    keyring: Option<PathBuf>,
    /// A public key to trust for this run (repeatable), with the --party it signs for.
    #[arg(long = "trusted-key", value_name = "PUB.pem")]
    trusted_key: Vec<PathBuf>,
    /// The party of the --trusted-key before it.
    #[arg(long, value_name = "CODE", requires = "trusted_key")]
    party: Vec<PartyCode>,
    /// Who holds the --trusted-key before it (optional; when given, the signature's claim must match).
    #[arg(long, value_name = "NAME", requires = "trusted_key")]
    signer: Vec<String>,
    /// A time-stamping authority's CA certificate to trust for this run (repeatable), besides the keyring's.
    #[arg(long = "trusted-tsa", value_name = "CERT.pem")]
    trusted_tsa: Vec<PathBuf>,
    /// Output format (`html`: a self-contained report page for people).
    #[arg(long, value_enum, default_value = "human")]
    format: VerifyFormat,
    /// Write the report to FILE instead of stdout (one bundle only; never overwrites).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
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

/// Pairs each `--party` / `--signer` with the `--trusted-key` before it.
fn given_keys(args: &VerifyArgs, matches: Option<&ArgMatches>) -> Result<Vec<GivenKey>, CliError> {
    let Some(matches) = matches else {
        return Ok(Vec::new());
    };
    let positions = |id: &str| -> Vec<usize> {
        matches
            .indices_of(id)
            .map(Iterator::collect)
            .unwrap_or_default()
    };
    let keys = positions("trusted_key");
    let owner = |at: usize| keys.iter().rposition(|k| *k < at);
    let mut parties: Vec<Option<PartyCode>> = vec![None; keys.len()];
    let mut signers: Vec<Option<String>> = vec![None; keys.len()];
    for (at, party) in positions("party").into_iter().zip(&args.party) {
        let Some(i) = owner(at) else {
            return Err(
                CliError::new(format!("--party {party} comes before any --trusted-key"))
                    .hint("write each --party after the --trusted-key it belongs to"),
            );
        };
        if parties[i].replace(party.clone()).is_some() {
            return Err(CliError::new(format!(
                "--trusted-key {} has two --party",
                args.trusted_key[i].display()
            ))
            .hint("give one --party per --trusted-key"));
        }
    }
    for (at, signer) in positions("signer").into_iter().zip(&args.signer) {
        let Some(i) = owner(at) else {
            return Err(CliError::new(format!(
                "--signer {signer:?} comes before any --trusted-key"
            ))
            .hint("write each --signer after the --trusted-key it belongs to"));
        };
        signers[i] = Some(signer.clone());
    }
    args.trusted_key
        .iter()
        .zip(parties)
        .zip(signers)
        .map(|((file, party), signer)| {
            let party = party.ok_or_else(|| {
                CliError::new(format!("--trusted-key {} needs a --party", file.display()))
                    .hint("say which party the key signs for: --trusted-key PUB.pem --party KZ")
            })?;
            Ok(GivenKey {
                file: file.clone(),
                party,
                signer,
            })
        })
        .collect()
}

pub fn verify(
    args: VerifyArgs,
    matches: Option<&ArgMatches>,
    settings: &Settings,
) -> Result<Status, CliError> {
    if args.output.is_some() && args.paths.len() > 1 {
        return Err(
            CliError::new("-o takes one bundle at a time").hint("run verify once per bundle")
        );
    }
    let given = given_keys(&args, matches)?;
    let mut trust = settings.trust(args.keyring.as_deref(), &given)?;
    for certificate in &args.trusted_tsa {
        trust.add_tsa(certificate)?;
    }
    let policy = settings.policy(&args.policy)?;
    let mut reports = Vec::new();
    let mut status = Status::Ok;
    for path in &args.paths {
        let bar = ByteProgress::new();
        let progress = |done: u64, total: u64| bar.update(done, total);
        let options = VerifyOptions {
            trust: &trust,
            policy: &policy,
            evidence: None,
            progress: &progress,
        };
        let result = verify::verify_path(path, &options);
        bar.finish();
        match result {
            Ok(report) => {
                if !report.passes() {
                    status = status.max(Status::Failed);
                }
                reports.push(report);
            }
            Err(e) => {
                let e = CliError::from(e);
                eprintln!("error: {}", e.message);
                if let Some(hint) = &e.hint {
                    eprintln!("hint: {hint}");
                }
                status = Status::Error;
            }
        }
    }
    let text = render(&reports, args.format)?;
    match &args.output {
        Some(out) => write_report(out, &text)?,
        None => write_stdout(text.as_bytes())?,
    }
    Ok(status)
}

/// Writes a report to `-o FILE`, never over an existing file.
fn write_report(out: &std::path::Path, text: &str) -> Result<(), CliError> {
    docseal::fsutil::write_atomic_with(out, true, |f| {
        use std::io::Write as _;
        f.write_all(text.as_bytes())
    })
    .map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            CliError::new(format!(
                "{} already exists; verify never overwrites",
                out.display()
            ))
            .hint("choose another -o, or remove the old report")
        } else {
            CliError::new(format!("{}: {e}", out.display()))
        }
    })?;
    note!("wrote {}", out.display());
    Ok(())
}

fn render(reports: &[VerifyReport], format: VerifyFormat) -> Result<String, CliError> {
    Ok(match format {
        VerifyFormat::Json => {
            let mut t = serde_json::to_string_pretty(
                &serde_json::json!({"version": verify::REPORT_VERSION, "reports": reports}),
            )
            .map_err(|e| CliError::new(e.to_string()))?;
            t.push('\n');
            t
        }
        // --quiet: one line per bundle, its verdict.
        VerifyFormat::Human if super::output::quiet() => reports
            .iter()
            .map(|r| format!("{}: {}\n", r.target, r.verdict.headline()))
            .collect(),
        VerifyFormat::Human => reports.iter().map(verify::render::human).collect(),
        VerifyFormat::Html => reports.iter().map(verify::render::html::render).collect(),
    })
}
