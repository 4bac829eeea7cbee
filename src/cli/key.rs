//! `docseal key generate|trust|list|show|revoke`, and passphrase input.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use docseal::config::{self, Project};
use docseal::keyring::{self, Keyring, KeyringError, TrustEntry};
use docseal::keys::{self, KeyError, KeyId};
use zeroize::Zeroizing;

use super::{CliError, Status, write_stdout};

#[derive(Debug, clap::Subcommand)]
pub enum KeyCommand {
    /// Generate an Ed25519 key pair (encrypted with a passphrase by default).
    Generate(GenerateArgs),
    /// Add a public key to the keyring, for a party and signer.
    Trust(TrustArgs),
    /// List the keys of the keyring.
    List(ListArgs),
    /// Show one key (a unique prefix of its id is enough).
    Show(ShowArgs),
    /// Revoke a key: signatures made from then on do not count.
    Revoke(RevokeArgs),
}

/// Where the keyring is.
#[derive(Debug, Clone, clap::Args)]
pub struct KeyringArg {
    /// Keyring folder (default: docseal.toml's `keyring`, else keys/).
    #[arg(long, env = "DOCSEAL_KEYRING", value_name = "DIR", global = true)]
    pub keyring: Option<PathBuf>,
}

impl KeyringArg {
    pub fn dir(&self) -> Result<PathBuf, CliError> {
        let project = Project::discover(Path::new(".")).map_err(|e| {
            CliError::new(e.to_string()).hint("fix or remove docseal.toml (see docs/CLI.md)")
        })?;
        Ok(config::keyring_dir(
            self.keyring.as_deref(),
            project.as_ref(),
        ))
    }

    pub fn open(&self) -> Result<Keyring, CliError> {
        Keyring::open(&self.dir()?).map_err(keyring_error)
    }
}

/// How to get a passphrase.
#[derive(Debug, Clone, clap::Args)]
pub struct PassphraseArgs {
    /// Read the passphrase from the first line of FILE (else DOCSEAL_PASSPHRASE, else a prompt).
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
}

impl PassphraseArgs {
    /// The passphrase from a file, the environment, or a prompt (asked twice when `confirm`).
    pub fn get(&self, what: &str, confirm: bool) -> Result<Zeroizing<String>, CliError> {
        if let Some(path) = &self.passphrase_file {
            let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|e| {
                CliError::new(format!(
                    "cannot read passphrase file {}: {e}",
                    path.display()
                ))
            })?);
            let line = text.lines().next().unwrap_or_default();
            return Ok(Zeroizing::new(line.to_string()));
        }
        if let Ok(pass) = std::env::var("DOCSEAL_PASSPHRASE") {
            return Ok(Zeroizing::new(pass));
        }
        if !std::io::stdin().is_terminal() {
            return Err(
                CliError::new(format!("a passphrase is needed for {what}")).hint(
                    "set DOCSEAL_PASSPHRASE, pass --passphrase-file FILE, or run on a terminal",
                ),
            );
        }
        let first = Zeroizing::new(
            rpassword::prompt_password(format!("Passphrase for {what}: "))
                .map_err(|e| CliError::new(format!("cannot read the passphrase: {e}")))?,
        );
        if confirm {
            let again = Zeroizing::new(
                rpassword::prompt_password("Same passphrase again: ")
                    .map_err(|e| CliError::new(format!("cannot read the passphrase: {e}")))?,
            );
            if *first != *again {
                return Err(
                    CliError::new("the two passphrases differ").hint("run the command again")
                );
            }
        }
        Ok(first)
    }
}

#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// Party the key signs for (ISO 3166-1 alpha-2, or an organisation code such as EU).
    #[arg(long)]
    party: String,
    /// Who holds the key.
    #[arg(long)]
    signer: String,
    /// Base name: writes BASE.key.pem and BASE.pub.pem (default: keys/<party>-<date>).
    #[arg(short, long, value_name = "BASE")]
    output: Option<PathBuf>,
    /// Write the private key unencrypted.
    #[arg(long)]
    no_passphrase: bool,
    /// Also add the public key to the keyring as trusted from now on.
    #[arg(long)]
    trust: bool,
    #[command(flatten)]
    passphrase: PassphraseArgs,
    #[command(flatten)]
    keyring: KeyringArg,
}

#[derive(Debug, clap::Args)]
pub struct TrustArgs {
    /// The public key file (SPKI PEM).
    public_key: PathBuf,
    /// Party the key signs for.
    #[arg(long)]
    party: String,
    /// Who holds the key.
    #[arg(long)]
    signer: String,
    /// First moment signatures count (RFC 3339 or YYYY-MM-DD; default now).
    #[arg(long, value_name = "TIME")]
    valid_from: Option<String>,
    /// Last moment signatures count.
    #[arg(long, value_name = "TIME")]
    valid_until: Option<String>,
    /// Mark as a demo key (every verification relying on it says so).
    #[arg(long)]
    demo: bool,
    #[command(flatten)]
    keyring: KeyringArg,
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: super::OutputFormat,
    #[command(flatten)]
    keyring: KeyringArg,
}

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// Key id, or a unique prefix of its hex digits.
    id: String,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: super::OutputFormat,
    #[command(flatten)]
    keyring: KeyringArg,
}

#[derive(Debug, clap::Args)]
pub struct RevokeArgs {
    /// Key id, or a unique prefix of its hex digits.
    id: String,
    /// Why (kept in the trust file).
    #[arg(long)]
    reason: String,
    /// From when signatures no longer count (default now).
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
    #[command(flatten)]
    keyring: KeyringArg,
}

pub fn run(command: KeyCommand) -> Result<Status, CliError> {
    match command {
        KeyCommand::Generate(args) => generate(args),
        KeyCommand::Trust(args) => trust(args),
        KeyCommand::List(args) => list(args),
        KeyCommand::Show(args) => show(args),
        KeyCommand::Revoke(args) => revoke(args),
    }
}

fn generate(args: GenerateArgs) -> Result<Status, CliError> {
    let base = match &args.output {
        Some(base) => base.clone(),
        None => args.keyring.dir()?.join(format!(
            "{}-{}",
            args.party.to_ascii_lowercase(),
            time::OffsetDateTime::now_utc().date()
        )),
    };
    if let Some(parent) = base.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| CliError::new(format!("cannot create {}: {e}", parent.display())))?;
    }
    let passphrase = if args.no_passphrase {
        None
    } else {
        Some(args.passphrase.get("the new key", true)?)
    };
    let key = keys::generate();
    let (private, public) =
        keys::write_key_pair(&base, &key, passphrase.as_ref().map(|p| p.as_bytes()))
            .map_err(key_error)?;
    let id = KeyId::of(&key.verifying_key());
    note!(
        "wrote {} (private, mode 0600) and {}",
        private.display(),
        public.display()
    );
    if args.trust {
        let mut ring = args.keyring.open()?;
        let now = time::OffsetDateTime::now_utc();
        ring.trust_key(&public, &args.party, &args.signer, now, None, false)
            .map_err(keyring_error)?;
        note!(
            "trusted in {} for {} ({})",
            ring.dir.display(),
            args.party,
            args.signer
        );
    }
    write_stdout(format!("{id}\n").as_bytes())?;
    Ok(Status::Ok)
}

fn time_arg(text: Option<&str>) -> Result<Option<time::OffsetDateTime>, CliError> {
    text.map(|t| keyring::parse_time(t).map_err(CliError::new))
        .transpose()
}

fn trust(args: TrustArgs) -> Result<Status, CliError> {
    let mut ring = args.keyring.open()?;
    let from = time_arg(args.valid_from.as_deref())?.unwrap_or_else(time::OffsetDateTime::now_utc);
    let until = time_arg(args.valid_until.as_deref())?;
    let entry = ring
        .trust_key(
            &args.public_key,
            &args.party,
            &args.signer,
            from,
            until,
            args.demo,
        )
        .map_err(keyring_error)?;
    note!(
        "trusted {} for {} ({})",
        entry.key,
        entry.party,
        entry.signer
    );
    write_stdout(format!("{}\n", entry.key).as_bytes())?;
    Ok(Status::Ok)
}

fn describe(entry: &TrustEntry) -> String {
    let mut text = format!(
        "{}  {}  {}{}\n  key:        {}\n  file:       {}\n  valid from: {}\n",
        entry.key.short(),
        entry.party,
        entry.signer,
        if entry.demo { "  [DEMO KEY]" } else { "" },
        entry.key,
        entry.file,
        keyring::format_time(entry.valid_from),
    );
    if let Some(until) = entry.valid_until {
        text.push_str(&format!("  valid until: {}\n", keyring::format_time(until)));
    }
    if let Some(r) = &entry.revoked {
        text.push_str(&format!(
            "  REVOKED at {}: {}\n",
            keyring::format_time(r.at),
            r.reason
        ));
    }
    text
}

fn list(args: ListArgs) -> Result<Status, CliError> {
    let ring = args.keyring.open()?;
    match args.format {
        super::OutputFormat::Json => super::write_json(&serde_json::json!({
            "keyring": ring.dir.display().to_string(),
            "keys": ring.trust.keys,
        }))?,
        super::OutputFormat::Human => {
            if ring.trust.keys.is_empty() {
                note!("the keyring {} has no keys", ring.dir.display());
            }
            let text: String = ring.trust.keys.iter().map(describe).collect();
            write_stdout(text.as_bytes())?;
        }
    }
    Ok(Status::Ok)
}

fn show(args: ShowArgs) -> Result<Status, CliError> {
    let ring = args.keyring.open()?;
    let entry = ring.find(&args.id).map_err(keyring_error)?;
    match args.format {
        super::OutputFormat::Json => {
            super::write_json(&serde_json::to_value(entry).unwrap_or_default())?
        }
        super::OutputFormat::Human => write_stdout(describe(entry).as_bytes())?,
    }
    Ok(Status::Ok)
}

fn revoke(args: RevokeArgs) -> Result<Status, CliError> {
    let mut ring = args.keyring.open()?;
    let at = time_arg(args.at.as_deref())?.unwrap_or_else(time::OffsetDateTime::now_utc);
    let entry = ring
        .revoke(&args.id, at, &args.reason)
        .map_err(keyring_error)?;
    note!("revoked {} from {}", entry.key, keyring::format_time(at));
    Ok(Status::Ok)
}

pub fn key_error(error: KeyError) -> CliError {
    let hint = error.hint();
    let mut e = CliError::new(error.to_string());
    e.hint = hint;
    e
}

pub fn keyring_error(error: KeyringError) -> CliError {
    match error {
        KeyringError::Key(k) => key_error(k),
        KeyringError::Ambiguous { .. } => {
            CliError::new(error.to_string()).hint("give more hex digits of the key id")
        }
        KeyringError::NoSuchKey(_) => CliError::new(error.to_string())
            .hint("`docseal key list` shows the keys of the keyring"),
        KeyringError::AlreadyRevoked { .. } => CliError::new(error.to_string())
            .hint("a revocation is never changed; the first one stands"),
        other => CliError::new(other.to_string()),
    }
}

/// Loads a signing key, asking for the passphrase only when it is encrypted.
pub fn load_signing_key(
    path: &Path,
    passphrase: &PassphraseArgs,
) -> Result<ed25519_dalek::SigningKey, CliError> {
    let mut failure = None;
    let what = path.display().to_string();
    let loaded = keys::read_private_key(path, &mut || match passphrase.get(&what, false) {
        Ok(p) => Some(p),
        Err(e) => {
            failure = Some(e);
            None
        }
    });
    match loaded {
        Ok(loaded) => {
            for warning in loaded.warnings {
                eprintln!("warning: {warning}");
            }
            Ok(loaded.key)
        }
        Err(KeyError::PassphraseRequired { .. }) if failure.is_some() => {
            Err(failure.unwrap_or_else(|| CliError::new("no passphrase")))
        }
        Err(e) => Err(key_error(e)),
    }
}
