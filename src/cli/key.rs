//! `docseal key generate|trust|list|show|revoke`, and passphrase input.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use docseal::keyring::{Keyring, NewTrust, TrustEntry, TrustUpdate};
use docseal::keys::{self, KeyError, KeyId};
use docseal::party::{PartyCode, Role};
use docseal::utc::UtcTime;
use zeroize::Zeroizing;

use super::output::{write_json, write_stdout};
use super::settings::Settings;
use super::{CliError, OutputFormat, Status};

#[derive(Debug, clap::Subcommand)]
pub enum KeyCommand {
    /// Generate an Ed25519 key pair (encrypted with a passphrase by default).
    Generate(GenerateArgs),
    /// Add a public key to the keyring, for a party and signer (or --update one).
    Trust(TrustArgs),
    /// List the keys of the keyring.
    List(ListArgs),
    /// Show one key (a unique prefix of its id is enough).
    Show(ShowArgs),
    /// Revoke a key: signatures not proven older no longer count.
    Revoke(RevokeArgs),
    /// Trust a time-stamping authority: its CA (or TSA) certificate, under tsa/ in the keyring.
    TrustTsa(TrustTsaArgs),
}

#[derive(Debug, clap::Args)]
pub struct TrustTsaArgs {
    /// The certificate (PEM or DER): the TSA's root or intermediate CA, or its own certificate.
    certificate: PathBuf,
    /// A name for it (letters, digits, `.`, `_`, `-`).
    #[arg(long)]
    name: String,
    /// Tokens made before this do not count (RFC 3339 or YYYY-MM-DD).
    #[arg(long, value_name = "TIME")]
    valid_from: Option<String>,
    /// Tokens made after this do not count.
    #[arg(long, value_name = "TIME")]
    valid_until: Option<String>,
    #[command(flatten)]
    keyring: KeyringArg,
}

/// Where the keyring is.
#[derive(Debug, Clone, clap::Args)]
pub struct KeyringArg {
    /// Keyring folder (default: DOCSEAL_KEYRING, docseal.toml's `keyring`, else keys/).
    #[arg(long, value_name = "DIR", global = true)]
    pub keyring: Option<PathBuf>,
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
    party: PartyCode,
    /// Who holds the key.
    #[arg(long)]
    signer: String,
    /// Role of the key's signatures.
    #[arg(long, default_value = "signatory")]
    role: Role,
    /// Base name: writes BASE.key.pem and BASE.pub.pem (default: in
    /// $XDG_CONFIG_HOME/docseal/keys/, outside the keyring, named <party>-<date>).
    #[arg(short, long, value_name = "BASE")]
    output: Option<PathBuf>,
    /// Write the private key unencrypted (on purpose).
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
    /// The public key file (SPKI PEM); with --update, the key's file or id.
    public_key: String,
    /// Party the key signs for.
    #[arg(long, required_unless_present = "update")]
    party: Option<PartyCode>,
    /// Who holds the key.
    #[arg(long, required_unless_present = "update")]
    signer: Option<String>,
    /// Role of the key's signatures (default signatory).
    #[arg(long)]
    role: Option<Role>,
    /// First moment signatures count (RFC 3339 or YYYY-MM-DD; default now).
    #[arg(long, value_name = "TIME")]
    valid_from: Option<String>,
    /// Last moment signatures count.
    #[arg(long, value_name = "TIME")]
    valid_until: Option<String>,
    /// Mark as a demo key (it never gives an authentic verdict).
    #[arg(long, conflicts_with = "update")]
    demo: bool,
    /// Change a key already trusted (signer, role, validity); the change is
    /// recorded in its history. A revocation is never undone.
    #[arg(long)]
    update: bool,
    #[command(flatten)]
    keyring: KeyringArg,
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: OutputFormat,
    #[command(flatten)]
    keyring: KeyringArg,
}

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// Key id, or a unique prefix of its hex digits.
    id: String,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: OutputFormat,
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

pub fn run(command: KeyCommand, settings: &Settings) -> Result<Status, CliError> {
    match command {
        KeyCommand::Generate(args) => generate(args, settings),
        KeyCommand::Trust(args) => trust(args, settings),
        KeyCommand::List(args) => list(args, settings),
        KeyCommand::Show(args) => show(args, settings),
        KeyCommand::Revoke(args) => revoke(args, settings),
        KeyCommand::TrustTsa(args) => trust_tsa(args, settings),
    }
}

/// Where private keys go by default: outside any keyring (a keyring is
/// shared; a private key never is).
fn private_key_home() -> Result<PathBuf, CliError> {
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
        .ok_or_else(|| {
            CliError::new("neither XDG_CONFIG_HOME nor HOME is set, so there is no default place for the private key")
                .hint("say where to write it with -o BASE")
        })?;
    Ok(config.join("docseal/keys"))
}

/// `<dir>/<party>-<date>`, or `-2`, `-3`, … when taken.
fn free_base(dir: &Path, party: &PartyCode) -> PathBuf {
    let stem = format!(
        "{}-{}",
        party.as_str().to_ascii_lowercase(),
        UtcTime::now().date()
    );
    let taken = |base: &Path| {
        ["key.pem", "pub.pem"]
            .iter()
            .any(|ext| PathBuf::from(format!("{}.{ext}", base.display())).exists())
    };
    let mut base = dir.join(&stem);
    let mut n = 2;
    while taken(&base) {
        base = dir.join(format!("{stem}-{n}"));
        n += 1;
    }
    base
}

fn create_private_dir(dir: &Path) -> Result<(), CliError> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| CliError::new(format!("cannot create {}: {e}", dir.display())))
}

fn generate(args: GenerateArgs, settings: &Settings) -> Result<Status, CliError> {
    // Everything that can fail before a key exists is checked first.
    let mut ring = if args.trust {
        Some(settings.keyring_to_change(args.keyring.keyring.as_deref())?)
    } else {
        None
    };
    let base = match &args.output {
        Some(base) => base.clone(),
        None => {
            let home = private_key_home()?;
            create_private_dir(&home)?;
            free_base(&home, &args.party)
        }
    };
    if let Some(parent) = base.parent().filter(|p| !p.as_os_str().is_empty()) {
        create_private_dir(parent)?;
    }
    let passphrase = if args.no_passphrase {
        None
    } else {
        Some(args.passphrase.get("the new key", true)?)
    };
    let key = keys::generate();
    let (private, public) =
        keys::write_key_pair(&base, &key, passphrase.as_ref().map(|p| p.as_bytes()))?;
    let id = KeyId::of(&key.verifying_key());
    if let Some(ring) = &mut ring {
        let trusted = ring.trust_key(
            &public,
            NewTrust {
                party: args.party.clone(),
                signer: args.signer.clone(),
                role: args.role,
                valid_from: UtcTime::now(),
                valid_until: None,
                demo: false,
            },
        );
        if let Err(e) = trusted {
            // A failed generate leaves nothing behind.
            let _ = std::fs::remove_file(&private);
            let _ = std::fs::remove_file(&public);
            return Err(e.into());
        }
        note!(
            "trusted in {} for {} ({})",
            ring.dir.display(),
            args.party,
            args.signer
        );
    }
    note!(
        "wrote {} (private, mode 0600; keep it out of any shared folder) and {}",
        private.display(),
        public.display()
    );
    write_stdout(format!("{id}\n").as_bytes())?;
    Ok(Status::Ok)
}

fn time_arg(text: Option<&str>) -> Result<Option<UtcTime>, CliError> {
    Ok(text.map(UtcTime::parse_input).transpose()?)
}

fn trust(args: TrustArgs, settings: &Settings) -> Result<Status, CliError> {
    let mut ring = settings.keyring_to_change(args.keyring.keyring.as_deref())?;
    let from = time_arg(args.valid_from.as_deref())?;
    let until = time_arg(args.valid_until.as_deref())?;
    if args.update {
        return update(args, &mut ring, from, until);
    }
    let (Some(party), Some(signer)) = (args.party, args.signer) else {
        return Err(CliError::new("--party and --signer are required").hint("say whose key it is"));
    };
    let entry = ring.trust_key(
        Path::new(&args.public_key),
        NewTrust {
            party,
            signer,
            role: args.role.unwrap_or_default(),
            valid_from: from.unwrap_or_else(UtcTime::now),
            valid_until: until,
            demo: args.demo,
        },
    )?;
    note!(
        "trusted {} for {} ({})",
        entry.key,
        entry.party,
        entry.signer
    );
    write_stdout(format!("{}\n", entry.key).as_bytes())?;
    Ok(Status::Ok)
}

/// `key trust --update`: the key by its file, else by its id (or a unique prefix).
fn update(
    args: TrustArgs,
    ring: &mut Keyring,
    from: Option<UtcTime>,
    until: Option<UtcTime>,
) -> Result<Status, CliError> {
    let id = match keys::read_public_key(Path::new(&args.public_key)) {
        Ok(key) => KeyId::of(&key).to_string(),
        Err(KeyError::Io { .. }) => args.public_key.clone(),
        Err(e) => return Err(e.into()),
    };
    let current = ring.find(&id)?.party.clone();
    if args.party.as_ref().is_some_and(|p| *p != current) {
        return Err(CliError::new(format!(
            "a key's party is not changed by --update (it is {current})"
        ))
        .hint("revoke the key and trust a new one for the other party"));
    }
    let entry = ring.update(
        &id,
        TrustUpdate {
            signer: args.signer,
            role: args.role,
            valid_from: from,
            valid_until: until.map(Some),
        },
        UtcTime::now(),
    )?;
    note!(
        "updated {} ({} change(s) recorded)",
        entry.key,
        entry.history.len()
    );
    write_stdout(format!("{}\n", entry.key).as_bytes())?;
    Ok(Status::Ok)
}

fn describe(entry: &TrustEntry) -> String {
    let demo = entry.demo || keys::is_demo_key(&entry.key);
    let mut text = format!(
        "{}  {}  {} ({}){}\n  key:        {}\n  file:       {}\n  valid from: {}\n",
        entry.key.short(),
        entry.party,
        entry.signer,
        entry.role,
        if demo { "  [DEMO KEY]" } else { "" },
        entry.key,
        entry.file,
        entry.valid_from,
    );
    if let Some(until) = entry.valid_until {
        text.push_str(&format!("  valid until: {until}\n"));
    }
    if let Some(r) = &entry.revoked {
        text.push_str(&format!("  REVOKED at {}: {}\n", r.at, r.reason));
    }
    for c in &entry.history {
        text.push_str(&format!(
            "  changed {} at {}: {} → {}\n",
            c.field,
            c.at,
            c.from.as_deref().unwrap_or("(none)"),
            c.to.as_deref().unwrap_or("(none)")
        ));
    }
    text
}

fn list(args: ListArgs, settings: &Settings) -> Result<Status, CliError> {
    let ring = settings.keyring(args.keyring.keyring.as_deref())?;
    match args.format {
        OutputFormat::Json => write_json(&serde_json::json!({
            "keyring": ring.dir.display().to_string(),
            "keys": ring.trust.keys,
            "tsa": ring.trust.tsa,
        }))?,
        OutputFormat::Human => {
            if ring.trust.keys.is_empty() {
                note!("the keyring {} has no keys", ring.dir.display());
            }
            let mut text: String = ring.trust.keys.iter().map(describe).collect();
            for tsa in &ring.trust.tsa {
                text.push_str(&format!(
                    "TSA {}  {}  ({})\n",
                    tsa.name, tsa.file, tsa.certificate
                ));
            }
            write_stdout(text.as_bytes())?;
        }
    }
    Ok(Status::Ok)
}

fn show(args: ShowArgs, settings: &Settings) -> Result<Status, CliError> {
    let ring = settings.keyring(args.keyring.keyring.as_deref())?;
    let entry = ring.find(&args.id)?;
    match args.format {
        OutputFormat::Json => write_json(entry)?,
        OutputFormat::Human => write_stdout(describe(entry).as_bytes())?,
    }
    Ok(Status::Ok)
}

fn revoke(args: RevokeArgs, settings: &Settings) -> Result<Status, CliError> {
    let mut ring: Keyring = settings.keyring(args.keyring.keyring.as_deref())?;
    let at = time_arg(args.at.as_deref())?.unwrap_or_else(UtcTime::now);
    let entry = ring.revoke(&args.id, at, &args.reason)?;
    note!("revoked {} from {at}", entry.key);
    Ok(Status::Ok)
}

fn trust_tsa(args: TrustTsaArgs, settings: &Settings) -> Result<Status, CliError> {
    let mut ring = settings.keyring_to_change(args.keyring.keyring.as_deref())?;
    let from = time_arg(args.valid_from.as_deref())?;
    let until = time_arg(args.valid_until.as_deref())?;
    let entry = ring.trust_tsa(&args.certificate, &args.name, from, until)?;
    note!(
        "trusted the TSA {} ({}) in {}",
        entry.name,
        entry.certificate,
        ring.dir.display()
    );
    write_stdout(format!("{}\n", entry.certificate).as_bytes())?;
    Ok(Status::Ok)
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
        Err(e) => Err(e.into()),
    }
}
