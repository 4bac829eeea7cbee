//! Settings, resolved once per command: a flag, else the environment, else
//! `docseal.toml` (found in the current folder or above, parsed at most
//! once), else the default — like ripgrep's low-level to high-level
//! arguments. Each resolved value remembers where it came from, so reports
//! and errors can say so.

use std::cell::OnceCell;
use std::path::{Path, PathBuf};

use docseal::archive::catalog::CatalogLocation;
use docseal::archive::{Location, OpenOptions};
use docseal::config::Project;
use docseal::keyring::{GivenKey, Keyring, TrustSet};
use docseal::party::PartyCode;
use docseal::verify::{Policy, PolicyChoice, PolicyOrigin};

use super::CliError;

/// The environment variable naming the keyring folder.
pub const KEYRING_ENV: &str = "DOCSEAL_KEYRING";
/// The environment variable naming a TSA's URL.
pub const TSA_ENV: &str = "DOCSEAL_TSA";
/// The environment variable naming the archive folder.
pub const ARCHIVE_ENV: &str = "DOCSEAL_ARCHIVE";
/// The environment variable naming the archive's PostgreSQL sequencer.
pub const SEQUENCER_ENV: &str = "DOCSEAL_SEQUENCER";
/// The environment variable naming the archive's catalog.
pub const CATALOG_ENV: &str = "DOCSEAL_CATALOG";
/// The default keyring folder.
pub const DEFAULT_KEYRING: &str = "keys";
/// The default archive folder.
pub const DEFAULT_ARCHIVE: &str = "archive";

/// Where a setting came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A flag.
    Flag,
    /// An environment variable.
    Environment(&'static str),
    /// The project file.
    ConfigFile(PathBuf),
    /// The built-in default.
    Default,
}

/// A folder setting and its origin.
#[derive(Debug, Clone)]
pub struct Located {
    /// The folder.
    pub dir: PathBuf,
    /// Where the choice came from.
    pub origin: Origin,
}

/// The settings of one command.
#[derive(Debug, Default)]
pub struct Settings {
    project: OnceCell<Option<Project>>,
}

/// The policy flags shared by `verify` and `archive add`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct PolicyArgs {
    /// Require these parties' trusted signatures instead of every signatory's (repeatable).
    #[arg(
        long = "require-party",
        value_name = "PARTY",
        conflicts_with = "allow_partial"
    )]
    pub require_party: Vec<PartyCode>,
    /// Every signatory party of the statement must sign (the default; for scripts that say so).
    #[arg(long, conflicts_with_all = ["require_party", "allow_partial"])]
    pub all_parties: bool,
    /// Accept a partly signed record: whoever signed must be trusted, and the report lists who has not.
    #[arg(long)]
    pub allow_partial: bool,
}

impl Settings {
    /// `docseal.toml`, read the first time it is needed.
    pub fn project(&self) -> Result<Option<&Project>, CliError> {
        if let Some(project) = self.project.get() {
            return Ok(project.as_ref());
        }
        let found = Project::discover(Path::new("."))?;
        Ok(self.project.get_or_init(|| found).as_ref())
    }

    fn folder(
        &self,
        flag: Option<&Path>,
        env: &'static str,
        from_file: impl Fn(&Project) -> Option<PathBuf>,
        default: &str,
    ) -> Result<Located, CliError> {
        if let Some(dir) = flag {
            return Ok(Located {
                dir: dir.to_path_buf(),
                origin: Origin::Flag,
            });
        }
        if let Some(dir) = std::env::var_os(env).filter(|v| !v.is_empty()) {
            return Ok(Located {
                dir: dir.into(),
                origin: Origin::Environment(env),
            });
        }
        if let Some(project) = self.project()?
            && let Some(dir) = from_file(project)
        {
            return Ok(Located {
                dir,
                origin: Origin::ConfigFile(project.root.join(docseal::config::CONFIG_FILE)),
            });
        }
        Ok(Located {
            dir: PathBuf::from(default),
            origin: Origin::Default,
        })
    }

    /// The keyring folder.
    pub fn keyring_dir(&self, flag: Option<&Path>) -> Result<Located, CliError> {
        self.folder(
            flag,
            KEYRING_ENV,
            |p| p.config.keyring.as_deref().map(|k| p.resolve(k)),
            DEFAULT_KEYRING,
        )
    }

    /// The archive folder (for commands that work on folders only).
    pub fn archive_dir(&self, flag: Option<&str>) -> Result<Located, CliError> {
        let (options, origin) = self.archive_options(flag, None, None)?;
        match options.location {
            Location::Folder(dir) => Ok(Located { dir, origin }),
            other => Err(CliError::new(format!(
                "{other} is not a folder; this command works on an archive folder"
            ))
            .hint("`docseal archive mirror --from URL --to DIR` makes a local copy")),
        }
    }

    /// Where the archive is and how to open it: each of the location, the
    /// sequencer and the catalog from its flag, else its environment
    /// variable, else docseal.toml (`archive = "DIR"` or `[archive]`).
    pub fn archive_options(
        &self,
        flag: Option<&str>,
        sequencer: Option<&str>,
        catalog: Option<&str>,
    ) -> Result<(OpenOptions, Origin), CliError> {
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let setting = self
            .project()?
            .and_then(|p| p.config.archive.clone().map(|a| (p, a)));
        // A folder in docseal.toml is relative to the file's folder.
        let resolve = |project: &Project, text: String| -> String {
            if text.contains("://") {
                text
            } else {
                project.resolve(Path::new(&text)).display().to_string()
            }
        };
        let (text, origin) = if let Some(flag) = flag {
            (flag.to_string(), Origin::Flag)
        } else if let Some(value) = env(ARCHIVE_ENV) {
            (value, Origin::Environment(ARCHIVE_ENV))
        } else if let Some((project, url)) =
            setting.as_ref().and_then(|(p, a)| a.url().map(|u| (p, u)))
        {
            (
                resolve(project, url),
                Origin::ConfigFile(project.root.join(docseal::config::CONFIG_FILE)),
            )
        } else {
            (DEFAULT_ARCHIVE.to_string(), Origin::Default)
        };
        let table = setting
            .as_ref()
            .and_then(|(p, a)| a.table().map(|t| (*p, t.clone())));
        let sequencer = sequencer
            .map(str::to_owned)
            .or_else(|| env(SEQUENCER_ENV))
            .or_else(|| table.as_ref().and_then(|(_, t)| t.sequencer.clone()));
        let catalog = catalog
            .map(str::to_owned)
            .or_else(|| env(CATALOG_ENV))
            .or_else(|| {
                table
                    .as_ref()
                    .and_then(|(p, t)| t.catalog.clone().map(|c| resolve(p, c)))
            });
        let mut options = OpenOptions::at(Location::parse(&text)?);
        options.sequencer = sequencer;
        options.catalog = catalog.as_deref().map(CatalogLocation::parse);
        Ok((options, origin))
    }

    /// The keyring, which must exist (for commands that use it to sign or
    /// to read its keys).
    pub fn keyring(&self, flag: Option<&Path>) -> Result<Keyring, CliError> {
        let located = self.keyring_dir(flag)?;
        Ok(Keyring::open(&located.dir)?)
    }

    /// The keyring to add to: created on first use.
    pub fn keyring_to_change(&self, flag: Option<&Path>) -> Result<Keyring, CliError> {
        let located = self.keyring_dir(flag)?;
        Ok(Keyring::open_or_create(&located.dir)?)
    }

    /// The trust a verification runs under. Keys given on the command line
    /// are trusted for this run; with them, only an explicit `--keyring` is
    /// added. Without them, the keyring from the flag, the environment or
    /// docseal.toml must exist (a misspelled folder is an error); the
    /// default `keys/` is used only if it is a keyring, and otherwise the
    /// report says plainly that nothing vouches for any signer.
    pub fn trust(&self, flag: Option<&Path>, given: &[GivenKey]) -> Result<TrustSet, CliError> {
        let mut trust = if !given.is_empty() {
            match flag {
                Some(dir) => TrustSet::from_keyring(&Keyring::open(dir)?),
                None => TrustSet::none(Vec::new()),
            }
        } else {
            let located = self.keyring_dir(flag)?;
            match located.origin {
                Origin::Default => match Keyring::open(&located.dir) {
                    Ok(ring) => TrustSet::from_keyring(&ring),
                    Err(docseal::keyring::KeyringError::NotFound { .. })
                    | Err(docseal::keyring::KeyringError::NotAKeyring { .. }) => {
                        TrustSet::none(vec![
                            "--keyring (not given)".into(),
                            format!("{KEYRING_ENV} (not set)"),
                            "docseal.toml (none found, or no `keyring` in it)".into(),
                            format!("{}/ (no keyring there)", located.dir.display()),
                        ])
                    }
                    Err(e) => return Err(e.into()),
                },
                _ => TrustSet::from_keyring(&Keyring::open(&located.dir)?),
            }
        };
        for key in given {
            trust.add_key(key)?;
        }
        Ok(trust)
    }

    /// The TSA to ask for tokens: `--tsa`, else `DOCSEAL_TSA`, else
    /// docseal.toml's `[timestamp] tsa`; none means no network at all.
    pub fn tsa_url(&self, flag: Option<&str>) -> Result<Option<String>, CliError> {
        if let Some(url) = flag {
            return Ok(Some(url.to_string()));
        }
        if let Some(url) = std::env::var(TSA_ENV).ok().filter(|v| !v.is_empty()) {
            return Ok(Some(url));
        }
        Ok(self.project()?.and_then(|p| p.config.timestamp.tsa.clone()))
    }

    /// How long a TSA may take: docseal.toml's `[timestamp] timeout_seconds`, else 30 s.
    pub fn tsa_timeout(&self) -> Result<std::time::Duration, CliError> {
        Ok(self
            .project()?
            .and_then(|p| p.config.timestamp.timeout_seconds)
            .map_or(
                docseal::bundle::stamp::DEFAULT_TIMEOUT,
                std::time::Duration::from_secs,
            ))
    }

    /// The verification policy: the flags, else docseal.toml's `[verify]`,
    /// else every signatory party.
    pub fn policy(&self, flags: &PolicyArgs) -> Result<PolicyChoice, CliError> {
        let from_flags = if !flags.require_party.is_empty() {
            Some(Policy::Parties(flags.require_party.clone()))
        } else if flags.allow_partial {
            Some(Policy::AllowPartial)
        } else if flags.all_parties {
            Some(Policy::AllSignatories)
        } else {
            None
        };
        if let Some(policy) = from_flags {
            return Ok(PolicyChoice {
                policy,
                origin: PolicyOrigin::CommandLine,
            });
        }
        let Some(project) = self.project()? else {
            return Ok(PolicyChoice::default());
        };
        let path = project.root.join(docseal::config::CONFIG_FILE);
        let verify = &project.config.verify;
        let policy = if !verify.require_parties.is_empty() {
            let parties = verify
                .require_parties
                .iter()
                .map(|p| p.parse::<PartyCode>())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| {
                    CliError::new(format!("{}: [verify] require_parties: {e}", path.display()))
                })?;
            Policy::Parties(parties)
        } else if verify.allow_partial {
            Policy::AllowPartial
        } else if verify.all_parties {
            Policy::AllSignatories
        } else {
            return Ok(PolicyChoice::default());
        };
        Ok(PolicyChoice {
            policy,
            origin: PolicyOrigin::ConfigFile { path },
        })
    }
}

/// The time of a seal or co-signature: `SOURCE_DATE_EPOCH` when set (for
/// reproducible bundles), else now.
pub fn seal_time() -> Result<docseal::utc::UtcTime, CliError> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) => {
            let seconds: i64 = v.trim().parse().map_err(|_| {
                CliError::new(format!(
                    "SOURCE_DATE_EPOCH={v:?} is not a number of seconds"
                ))
            })?;
            Ok(docseal::utc::UtcTime::from_unix(seconds)?)
        }
        Err(_) => Ok(docseal::utc::UtcTime::now()),
    }
}
