//! `docseal seal` and `docseal cosign`: gather the inputs, call the library
//! workflows (`bundle::seal`, `bundle::cosign`), render.

use std::path::{Path, PathBuf};

use docseal::bundle::cosign::{self, CosignError, CosignRequest};
use docseal::bundle::seal::{self, AskedIdentity, SealError, SealRequest};
use docseal::party::{PartyCode, Role};
use docseal::verify::CheckStatus;

use super::key::{PassphraseArgs, load_signing_key};
use super::output::{ByteProgress, write_stdout};
use super::settings::{Settings, seal_time};
use super::{CliError, Status};

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

/// Who signs: the key, and (for a key the keyring does not know) the party,
/// signer and role it signs as.
#[derive(Debug, clap::Args)]
pub struct SignerArgs {
    /// The signer's private key.
    #[arg(long, value_name = "KEY.pem")]
    key: PathBuf,
    /// Role of the signer (default: the keyring's entry for the key, else signatory).
    #[arg(long)]
    role: Option<Role>,
    /// Party signed for (default: the keyring's entry for the key).
    #[arg(long)]
    party: Option<PartyCode>,
    /// Who signs (default: the keyring's entry for the key).
    #[arg(long)]
    signer: Option<String>,
    #[command(flatten)]
    passphrase: PassphraseArgs,
    /// Keyring that names the key's party and signer (default: docseal.toml's `keyring`, else keys/).
    #[arg(long, value_name = "DIR")]
    keyring: Option<PathBuf>,
    /// Ask this time-stamping authority (RFC 3161, http:// or https://) for a token over the
    /// signature (default: DOCSEAL_TSA, docseal.toml's [timestamp] tsa; none: no network).
    #[arg(long, value_name = "URL")]
    tsa: Option<String>,
}

impl SignerArgs {
    fn asked(&self) -> AskedIdentity {
        AskedIdentity {
            party: self.party.clone(),
            signer: self.signer.clone(),
            role: self.role,
        }
    }
}

/// The keyring the signer is looked up in: a missing default keyring is an
/// empty one (then --party and --signer must say who signs).
fn signer_keyring(
    settings: &Settings,
    flag: Option<&Path>,
) -> Result<docseal::keyring::Keyring, CliError> {
    let located = settings.keyring_dir(flag)?;
    if located.origin == super::settings::Origin::Default
        && !located.dir.join("trust.json").exists()
    {
        return Ok(docseal::keyring::Keyring::open_or_create(&located.dir)?);
    }
    Ok(docseal::keyring::Keyring::open(&located.dir)?)
}

/// What to tell about a token obtained.
fn token_note(token: Option<&docseal::bundle::stamp::TokenNote>) {
    let Some(t) = token else { return };
    if t.trusted {
        note!("time-stamped by {} at {} ({})", t.url, t.gen_time, t.tsa);
    } else {
        eprintln!(
            "warning: time-stamped by {} at {}, but the keyring does not trust its TSA ({}): the token proves nothing until `docseal key trust-tsa ROOT.pem --name NAME`",
            t.url, t.gen_time, t.tsa
        );
    }
}

/// An invalid statement's findings, shown as `validate` shows them, before
/// the error itself.
fn show_invalid(error: SealError) -> CliError {
    if let SealError::Invalid { report, .. } = &error {
        let mut out = Vec::new();
        let mut err = Vec::new();
        let _ = docseal::report::write_human(std::slice::from_ref(&**report), &mut out, &mut err);
        eprint!(
            "{}{}",
            String::from_utf8_lossy(&out),
            String::from_utf8_lossy(&err)
        );
    }
    error.into()
}

pub fn seal(args: SealArgs, settings: &Settings) -> Result<Status, CliError> {
    let lints = args.lint_levels.config()?;
    let ring = signer_keyring(settings, args.who.keyring.as_deref())?;
    let url = settings.tsa_url(args.who.tsa.as_deref())?;
    let timeout = settings.tsa_timeout()?;
    let tsa = url.as_deref().map(|url| docseal::bundle::stamp::Tsa {
        url,
        timeout,
        anchors: &ring.anchors,
    });
    let key = load_signing_key(&args.who.key, &args.who.passphrase)?;
    let signer = seal::signer_identity(&key, &ring, args.who.asked())?;
    let (party, name) = (signer.party.clone(), signer.signer.clone());
    let time = seal_time()?;
    let bar = ByteProgress::new();
    let progress = |done: u64, total: u64| bar.update(done, total);
    let result = seal::seal(SealRequest {
        statement: &args.statement,
        source_text: args.text.as_deref(),
        attachments: &args.attach,
        lints,
        signer,
        time,
        output: args.output,
        progress: Some(&progress),
        tsa,
    });
    bar.finish();
    let sealed = result.map_err(show_invalid)?;
    for f in &sealed.warnings {
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
    note!(
        "sealed {} as {party} ({name}) at {time}",
        sealed.path.display()
    );
    write_stdout(format!("{}  {}\n", sealed.digest, sealed.path.display()).as_bytes())?;
    Ok(Status::Ok)
}

pub fn cosign(args: CosignArgs, settings: &Settings) -> Result<Status, CliError> {
    let ring = signer_keyring(settings, args.who.keyring.as_deref())?;
    let trust = docseal::keyring::TrustSet::from_keyring(&ring);
    let key = load_signing_key(&args.who.key, &args.who.passphrase)?;
    let signer = seal::signer_identity(&key, &ring, args.who.asked())?;
    let (party, name) = (signer.party.clone(), signer.signer.clone());
    let url = settings.tsa_url(args.who.tsa.as_deref())?;
    let timeout = settings.tsa_timeout()?;
    let tsa = url.as_deref().map(|url| docseal::bundle::stamp::Tsa {
        url,
        timeout,
        anchors: &ring.anchors,
    });
    let result = cosign::cosign(CosignRequest {
        bundle: &args.bundle,
        signer,
        time: seal_time()?,
        output: args.output.as_deref(),
        trust: &trust,
        tsa,
    });
    let cosigned = match result {
        Ok(c) => c,
        Err(CosignError::Broken { path, report }) => {
            for c in report
                .checks
                .iter()
                .filter(|c| c.status == CheckStatus::Fail)
            {
                eprintln!("{}", docseal::verify::render::check_line(c));
            }
            return Err(CosignError::Broken { path, report }.into());
        }
        Err(e) => return Err(e.into()),
    };
    note!("co-signed {} as {party} ({name})", cosigned.path.display());
    token_note(cosigned.token.as_ref());
    write_stdout(format!("{}  {}\n", cosigned.digest, cosigned.path.display()).as_bytes())?;
    Ok(Status::Ok)
}
