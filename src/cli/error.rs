//! The one table from library errors to what a person sees: the exit status
//! (1 checked and failed, 2 could not check) and a `hint:` line. This is the
//! only place that names command-line flags in advice.

use docseal::archive::ArchiveError;
use docseal::bundle::cosign::CosignError;
use docseal::bundle::open::OpenError;
use docseal::bundle::seal::{IdentityError, SealError};
use docseal::bundle::stamp::{StampError, TimestampError};
use docseal::bundle::writer::WriteError;
use docseal::config::ConfigError;
use docseal::document::DocumentError;
use docseal::import::{ImportError, Missing};
use docseal::keyring::KeyringError;
use docseal::keys::KeyError;
use docseal::lint::LintError;
use docseal::party::{PartyCodeError, RoleError};
use docseal::schema::SchemaError;
use docseal::utc::TimeError;
use docseal::verify::VerifyError;

/// Exit status of a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// Everything held.
    Ok = 0,
    /// Checked, and something failed.
    Failed = 1,
    /// Could not check (usage, I/O, bad schema).
    Error = 2,
}

/// An error for the user: what went wrong, and how to fix it.
#[derive(Debug)]
pub struct CliError {
    /// What went wrong, naming what and where.
    pub message: String,
    /// How to fix it, when there is a way.
    pub hint: Option<String>,
    /// The exit status.
    pub status: Status,
}

impl CliError {
    /// Could not check (exit 2).
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            hint: None,
            status: Status::Error,
        }
    }

    /// Checked and failed (exit 1).
    pub fn failed(message: impl Into<String>) -> Self {
        Self {
            status: Status::Failed,
            ..Self::new(message)
        }
    }

    /// Adds a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    fn with_hint(mut self, hint: Option<&str>) -> Self {
        self.hint = hint.map(str::to_owned);
        self
    }
}

fn io_hint(error: &std::io::Error) -> Option<&'static str> {
    match error.kind() {
        std::io::ErrorKind::NotFound => Some("check the path"),
        std::io::ErrorKind::PermissionDenied => Some("check the file's permissions"),
        std::io::ErrorKind::StorageFull => {
            Some("free some space, or write elsewhere with -o; nothing was left behind")
        }
        _ => None,
    }
}

impl From<KeyError> for CliError {
    fn from(e: KeyError) -> Self {
        let hint = match &e {
            KeyError::Exists { .. } => {
                Some("choose another name with -o, or move the old key away yourself")
            }
            KeyError::WrongPassphrase { .. } => Some(
                "check DOCSEAL_PASSPHRASE or --passphrase-file; the passphrase is the one given when the key was generated",
            ),
            KeyError::PassphraseRequired { .. } => Some(
                "set DOCSEAL_PASSPHRASE, pass --passphrase-file FILE, or run on a terminal to be asked",
            ),
            KeyError::EmptyPassphrase => Some(
                "choose a passphrase, or write the key unencrypted on purpose with --no-passphrase",
            ),
            KeyError::NotEd25519 { .. } => Some(
                "generate an Ed25519 key: `docseal key generate` or `openssl genpkey -algorithm ed25519`",
            ),
            KeyError::PublicNotPrivate { .. } => {
                Some("use the NAME.key.pem file, not NAME.pub.pem")
            }
            KeyError::PrivateNotPublic { .. } => {
                Some("use the NAME.pub.pem file; never share the private key")
            }
            KeyError::Malformed { .. } => Some(
                "expected a PEM file such as one written by `docseal key generate` or `openssl genpkey -algorithm ed25519`",
            ),
            KeyError::Io { source, .. } => io_hint(source),
            _ => None,
        };
        CliError::new(e.to_string()).with_hint(hint)
    }
}

impl From<ImportError> for CliError {
    fn from(e: ImportError) -> Self {
        let hint = match &e {
            ImportError::NotUtf8 { .. } => {
                "convert the text to UTF-8 first, e.g. `iconv -f WINDOWS-1252 -t UTF-8`".to_string()
            }
            ImportError::Binary { .. } => {
                "import reads plain text; attach PDFs and scans with `seal --attach`".to_string()
            }
            ImportError::Missing { missing } => {
                let flags: Vec<&str> = missing.iter().map(|m| flag_for(*m)).collect();
                format!(
                    "give {} (they also override what the text says)",
                    flags.join(" and ")
                )
            }
            ImportError::BadDate { .. } => {
                "e.g. --date 2026-02-27 or --date 2026-02-26..2026-02-27".to_string()
            }
            ImportError::BadParty { .. } => {
                "e.g. --party KZ --party RS or --party US:witness".to_string()
            }
            ImportError::BadLanguage { .. } => "e.g. --language fr, --language sr-Latn".to_string(),
            ImportError::BadId { .. } => "e.g. --id kz-rs-2026-02-27".to_string(),
            _ => "give the statement's text".to_string(),
        };
        let error = if matches!(e, ImportError::Missing { .. }) {
            CliError::failed(e.to_string())
        } else {
            CliError::new(e.to_string())
        };
        error.hint(hint)
    }
}

/// The flag that supplies what import could not find.
fn flag_for(missing: Missing) -> &'static str {
    match missing {
        Missing::Parties => {
            "--party CODE[:ROLE] (once per party, e.g. --party KZ --party US:witness)"
        }
        Missing::Date => "--date YYYY-MM-DD",
        _ => "--id ID",
    }
}

impl From<KeyringError> for CliError {
    fn from(e: KeyringError) -> Self {
        let e = match e {
            KeyringError::Key(k) => return k.into(),
            other => other,
        };
        let hint = match &e {
            KeyringError::NotFound { .. } => Some(
                "check --keyring (or DOCSEAL_KEYRING, or docseal.toml's `keyring`); to start one, `docseal key trust` or `docseal key generate --trust` creates it",
            ),
            KeyringError::IsAFile { .. } => Some(
                "a keyring is a folder holding trust.json; to trust a single public key, give --trusted-key PUB.pem --party CODE",
            ),
            KeyringError::NotAKeyring { .. } => Some(
                "a keyring folder holds trust.json; give the right folder with --keyring, or a single public key with --trusted-key PUB.pem --party CODE",
            ),
            KeyringError::Invalid { .. } => {
                Some("fix the file (docs/FORMAT.md §4 describes it), or restore it from a copy")
            }
            KeyringError::KeyFile { .. } => Some(
                "put the right public key back in the keyring folder; never edit trust.json to point elsewhere",
            ),
            KeyringError::Ambiguous { .. } => Some("give more hex digits of the key id"),
            KeyringError::NoSuchKey(_) => Some("`docseal key list` shows the keys of the keyring"),
            KeyringError::AlreadyTrusted(_) => {
                Some("to change its signer, role or validity, use `docseal key trust --update KEY`")
            }
            KeyringError::AlreadyRevoked { .. } => {
                Some("a revocation is never changed; the first one stands")
            }
            KeyringError::EmptyWindow { .. } => Some("give --valid-until after --valid-from"),
            KeyringError::BadTsaName(_) => Some("choose a name such as national-tsa"),
            KeyringError::TsaAlreadyTrusted(_) => {
                Some("`docseal key list` shows the keyring's TSAs; choose another name")
            }
            KeyringError::Certificate { .. } => {
                Some("give the TSA's CA certificate in PEM (-----BEGIN CERTIFICATE-----) or DER")
            }
            KeyringError::NothingToUpdate(_) => {
                Some("give what changes: --signer, --role, --valid-from or --valid-until")
            }
            KeyringError::Io { source, .. } => io_hint(source),
            _ => None,
        };
        CliError::new(e.to_string()).with_hint(hint)
    }
}

impl From<DocumentError> for CliError {
    fn from(e: DocumentError) -> Self {
        let (status, hint) = match &e {
            DocumentError::Io { source, .. } => (Status::Error, io_hint(source)),
            DocumentError::TooLarge { .. } => {
                (Status::Error, Some("raise the limit with --max-size BYTES"))
            }
            _ => (Status::Failed, None),
        };
        CliError {
            status,
            ..CliError::new(e.to_string()).with_hint(hint)
        }
    }
}

impl From<SchemaError> for CliError {
    fn from(e: SchemaError) -> Self {
        CliError::new(e.to_string())
    }
}

impl From<WriteError> for CliError {
    fn from(e: WriteError) -> Self {
        let e = match e {
            WriteError::Stamp(stamp) => return stamp.into(),
            other => other,
        };
        match &e {
            WriteError::Exists(_) => CliError::new(e.to_string())
                .hint("choose another name with -o, or move the old bundle away"),
            WriteError::AlreadySigned(_) => {
                CliError::failed(e.to_string()).hint("each key signs a bundle once")
            }
            WriteError::Io { source, .. } => {
                let hint = io_hint(source);
                CliError::new(e.to_string()).with_hint(hint)
            }
            _ => CliError::new(e.to_string()),
        }
    }
}

impl From<TimestampError> for CliError {
    fn from(e: TimestampError) -> Self {
        match e {
            TimestampError::Open(e) => e.into(),
            TimestampError::Stamp(e) => e.into(),
            TimestampError::Write(e) => e.into(),
            TimestampError::Broken { .. } => {
                CliError::failed(e.to_string()).hint("`docseal verify` shows every check")
            }
            TimestampError::NoSuchSignature { .. } => CliError::failed(e.to_string())
                .hint("attach the reply to the bundle whose request it answers"),
            other => CliError::new(other.to_string()),
        }
    }
}

impl From<StampError> for CliError {
    fn from(e: StampError) -> Self {
        use docseal::timestamp::FetchError;
        let hint = match &e {
            StampError::Fetch(FetchError::Unreachable { .. } | FetchError::TimedOut { .. }) => {
                "check the URL and the network; without network, `docseal timestamp BUNDLE --request-out DIR` writes requests to carry to the TSA, and `--reply FILE.tsr` attaches its answer"
            }
            StampError::Fetch(_) => "check that the URL is the TSA's RFC 3161 endpoint",
            StampError::Refused { .. } => {
                "the TSA's answer is not a valid token for this signature: try again, or another TSA"
            }
            _ => "try again",
        };
        CliError::new(format!("{e}; nothing was written")).hint(hint)
    }
}

impl From<IdentityError> for CliError {
    fn from(e: IdentityError) -> Self {
        let hint = match &e {
            IdentityError::UnknownKey { .. } => {
                "pass --party and --signer, or add the key with `docseal key trust`"
            }
            IdentityError::Contradicts { .. } => {
                "leave out --party/--signer/--role (the keyring's identity is used), or change the keyring with `docseal key trust --update`"
            }
            _ => "check the keyring",
        };
        CliError::new(e.to_string()).hint(hint)
    }
}

impl From<SealError> for CliError {
    fn from(e: SealError) -> Self {
        match e {
            SealError::Read(e) => e.into(),
            SealError::Write(e) => e.into(),
            SealError::Schema(e) => e.into(),
            SealError::Invalid { .. } => {
                CliError::failed(e.to_string()).hint("fix the errors above, then seal again")
            }
            SealError::NotAParty { .. } => CliError::failed(e.to_string()).hint(
                "sign with a key of one of the statement's parties, or correct the statement's `parties`",
            ),
            other => CliError::failed(other.to_string()),
        }
    }
}

impl From<CosignError> for CliError {
    fn from(e: CosignError) -> Self {
        match e {
            CosignError::Open(e) => e.into(),
            CosignError::Write(e) => e.into(),
            CosignError::Broken { .. } => {
                CliError::failed(e.to_string()).hint("`docseal verify` shows every check")
            }
            CosignError::AlreadySigned(_) => {
                CliError::failed(e.to_string()).hint("each key signs a bundle once")
            }
            CosignError::NotAParty { .. } => CliError::failed(e.to_string())
                .hint("sign with a key of one of the statement's parties"),
            other => CliError::failed(other.to_string()),
        }
    }
}

impl From<VerifyError> for CliError {
    fn from(e: VerifyError) -> Self {
        let hint = match &e {
            VerifyError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
                Some("give a bundle (.zip) or a bag folder")
            }
            VerifyError::Io { source, .. } => io_hint(source),
            _ => None,
        };
        CliError::new(e.to_string()).with_hint(hint)
    }
}

impl From<OpenError> for CliError {
    fn from(e: OpenError) -> Self {
        use docseal::bundle::source::SourceError;
        match &e {
            OpenError::Source(SourceError::Io { source, .. }) => {
                let hint = io_hint(source);
                CliError::new(e.to_string()).with_hint(hint)
            }
            OpenError::Source(_) | OpenError::Entry { .. } => CliError::failed(e.to_string())
                .hint("`docseal verify` says what is wrong with the bundle"),
            OpenError::Exists(_) => CliError::new(e.to_string()).hint("choose another -o folder"),
            OpenError::Write { source, .. } => {
                let hint = io_hint(source);
                CliError::new(e.to_string()).with_hint(hint)
            }
            _ => CliError::new(e.to_string()),
        }
    }
}

impl From<ArchiveError> for CliError {
    fn from(e: ArchiveError) -> Self {
        use docseal::archive::storage::StorageError;
        let message = e.to_string();
        match &e {
            ArchiveError::NotFound(_) => CliError::new(message)
                .hint("`docseal archive list` shows what the archive holds"),
            ArchiveError::Ambiguous(_) => CliError::new(message),
            ArchiveError::NotAnArchive(_) => CliError::new(message)
                .hint("create it with `docseal archive init`, or give --archive DIR"),
            ArchiveError::NeedsUpgrade(_) => CliError::new(message)
                .hint("`docseal archive upgrade` converts it in place (its roots are checked first)"),
            ArchiveError::Damaged { .. }
            | ArchiveError::Log(_)
            | ArchiveError::Unbacked { .. } => {
                CliError::failed(message).hint("run `docseal archive audit` for a full report")
            }
            ArchiveError::SupersedeRequired { id, .. } => CliError::failed(message).hint(format!(
                "if it replaces the archived statement, say so with `--supersede {id}`; if not, give it another id"
            )),
            ArchiveError::BadCheckpointFile { .. } => CliError::failed(message).hint(
                "the archive is not at fault: the file given is not a checkpoint this archive signed",
            ),
            ArchiveError::NoTrust => CliError::new(message),
            ArchiveError::Trust(_) => CliError::new(message)
                .hint("`docseal archive trust --show` lists the keys the archive trusts"),
            ArchiveError::Catalog {
                source: docseal::archive::catalog::CatalogError::Postgres(_),
                ..
            } => CliError::new(message).hint(
                "is the database running and reachable? check the --catalog URL (or DOCSEAL_CATALOG); then run the command again",
            ),
            ArchiveError::Catalog { .. } => {
                CliError::new(message).hint("rebuild it with `docseal archive reindex`")
            }
            ArchiveError::BadLocation(_) => CliError::new(message)
                .hint("give --archive a folder or s3://BUCKET/PREFIX (endpoint and credentials from AWS_ENDPOINT, AWS_ACCESS_KEY_ID, …)"),
            ArchiveError::Storage(StorageError::Remote { .. }) => CliError::new(message).hint(
                "nothing was lost: what was written is written once and checked on the next run; when the server answers again, run the same command again",
            ),
            ArchiveError::Storage(StorageError::Lock { .. }) => CliError::new(message).hint(
                "another writer holds or took the archive's lock; run the command again (`docs/DEPLOY.md` says what each failure means)",
            ),
            ArchiveError::Storage(StorageError::Conflict { .. }) => CliError::failed(message)
                .hint("run `docseal archive audit`: a file the archive writes once is already there with other bytes"),
            ArchiveError::Storage(s) => {
                let hint = s.io().and_then(io_hint);
                CliError::new(message).with_hint(hint)
            }
            ArchiveError::Io { source, .. } => {
                let hint = io_hint(source);
                CliError::new(message).with_hint(hint)
            }
            ArchiveError::Stamp(_) => CliError::new(message).hint(
                "check the TSA's URL and the network; without network, `docseal archive timestamp --request-out FILE.tsq` writes the request to carry to the TSA, and `--reply FILE.tsr` attaches its answer",
            ),
            _ => CliError::new(message),
        }
    }
}

impl From<ConfigError> for CliError {
    fn from(e: ConfigError) -> Self {
        CliError::new(e.to_string()).hint("fix or remove docseal.toml (docs/CLI.md describes it)")
    }
}

impl From<LintError> for CliError {
    fn from(e: LintError) -> Self {
        let hint = match &e {
            LintError::UnknownName {
                suggestion: Some(name),
                ..
            } => format!("did you mean \"{name}\"? (`docseal validate --help` lists the lints)"),
            LintError::UnknownName { .. } => format!(
                "the lints are: {} (`docseal validate --help` says what each finds)",
                docseal::lint::all_names()
            ),
            _ => "the levels are deny, warn and allow".into(),
        };
        CliError::new(e.to_string()).hint(hint)
    }
}

impl From<TimeError> for CliError {
    fn from(e: TimeError) -> Self {
        CliError::new(e.to_string())
    }
}

impl From<PartyCodeError> for CliError {
    fn from(e: PartyCodeError) -> Self {
        CliError::new(e.to_string())
    }
}

impl From<RoleError> for CliError {
    fn from(e: RoleError) -> Self {
        CliError::new(e.to_string())
    }
}
