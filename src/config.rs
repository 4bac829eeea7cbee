//! `docseal.toml`: the project file, found in the current folder or above.
//! Paths in it are relative to the folder that holds it.
//!
//! ```toml
//! keyring = "keys"        # default keyring folder
//! archive = "archive"     # default archive folder
//! # or, for an archive in a bucket with PostgreSQL (instead of the line above):
//! # [archive]
//! # url = "s3://bucket/prefix"
//! # sequencer = "postgres://docseal@db/docseal"
//! # catalog = "postgres://docseal@db/docseal"
//!
//! [verify]
//! require_parties = ["KZ", "RS"]   # or allow_partial = true
//! ```
//!
//! The CLI reads it once per command (`cli/settings.rs`): flags win over
//! the environment, which wins over this file, which wins over defaults.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// File name of the project file.
pub const CONFIG_FILE: &str = "docseal.toml";

/// The project file's settings (all optional).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Keyring folder.
    pub keyring: Option<PathBuf>,
    /// Archive folder (`archive = "DIR"`), or where and how (`[archive]`).
    pub archive: Option<ArchiveSetting>,
    /// Default verification policy.
    #[serde(default)]
    pub verify: VerifyConfig,
    /// Time-stamp tokens.
    #[serde(default)]
    pub timestamp: TimestampConfig,
    /// Lint levels by lint name (`deny`, `warn`, `allow`); an unknown name
    /// or level is an error of the file, with the closest name suggested.
    #[serde(default)]
    pub lints: std::collections::BTreeMap<crate::lint::LintName, crate::lint::LintLevel>,
}

/// `archive =`: a folder, or an `[archive]` table.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum ArchiveSetting {
    /// `archive = "DIR"`.
    Folder(PathBuf),
    /// `[archive]`.
    Table(ArchiveConfig),
}

/// `[archive]` settings.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ArchiveConfig {
    /// A folder, or `s3://BUCKET/PREFIX` (endpoint, region and credentials
    /// from the `AWS_*` variables).
    pub url: Option<String>,
    /// A PostgreSQL sequencer, `postgres://…`, for several writers.
    pub sequencer: Option<String>,
    /// The catalog: a SQLite file, or `postgres://…` shared by every node.
    pub catalog: Option<String>,
}

impl ArchiveSetting {
    /// The archive's location as written (a folder or a URL).
    pub fn url(&self) -> Option<String> {
        match self {
            Self::Folder(dir) => Some(dir.display().to_string()),
            Self::Table(t) => t.url.clone(),
        }
    }

    /// The `[archive]` table, if that is the form.
    pub fn table(&self) -> Option<&ArchiveConfig> {
        match self {
            Self::Table(t) => Some(t),
            Self::Folder(_) => None,
        }
    }
}

/// `[timestamp]` settings.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TimestampConfig {
    /// The TSA that `seal`, `cosign`, `timestamp` and `archive add` ask
    /// for tokens (`http://` or `https://`); none by default: no network.
    pub tsa: Option<String>,
    /// Seconds a TSA may take to answer (default 30).
    pub timeout_seconds: Option<u64>,
}

/// `[verify]` settings.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct VerifyConfig {
    /// Parties that must have a trusted signature.
    #[serde(default)]
    pub require_parties: Vec<String>,
    /// Every signatory party of the statement must have a trusted signature
    /// (the default anyway; kept so older files still read).
    #[serde(default)]
    pub all_parties: bool,
    /// Accept partly signed records (whoever signed must be trusted).
    #[serde(default)]
    pub allow_partial: bool,
}

/// A loaded project file and where it was found.
#[derive(Debug, Clone)]
pub struct Project {
    /// The folder holding `docseal.toml` (paths are relative to it).
    pub root: PathBuf,
    /// Its settings.
    pub config: Config,
}

/// The project file could not be used.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ConfigError {
    /// The file.
    pub path: PathBuf,
    /// What is wrong.
    pub message: String,
}

impl Project {
    /// Looks for `docseal.toml` in `start` and its parents.
    pub fn discover(start: &Path) -> Result<Option<Self>, ConfigError> {
        let start = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
        for dir in start.ancestors() {
            let path = dir.join(CONFIG_FILE);
            if path.is_file() {
                let text = std::fs::read_to_string(&path).map_err(|e| ConfigError {
                    path: path.clone(),
                    message: e.to_string(),
                })?;
                let config: Config = toml::from_str(&text).map_err(|e| ConfigError {
                    path: path.clone(),
                    message: e.to_string(),
                })?;
                return Ok(Some(Self {
                    root: dir.to_path_buf(),
                    config,
                }));
            }
        }
        Ok(None)
    }

    /// A path from the file, resolved against the file's folder.
    pub fn resolve(&self, path: &Path) -> PathBuf {
        self.root.join(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn found_in_a_parent_and_paths_are_relative_to_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(CONFIG_FILE),
            "keyring = \"ring\"\n[verify]\nrequire_parties = [\"KZ\"]\n",
        )
        .unwrap();
        let deep = dir.path().join("a/b");
        std::fs::create_dir_all(&deep).unwrap();
        let project = Project::discover(&deep).unwrap().unwrap();
        assert_eq!(
            project.resolve(project.config.keyring.as_deref().unwrap()),
            project.root.join("ring")
        );
        assert_eq!(project.config.verify.require_parties, vec!["KZ"]);
    }

    #[test]
    fn lint_levels_are_read_typed() {
        use crate::lint::{LintLevel, LintName};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(CONFIG_FILE);
        std::fs::write(
            &path,
            "[lints]\nmixed-script = \"deny\"\nparties = \"allow\"\n",
        )
        .unwrap();
        let project = Project::discover(dir.path()).unwrap().unwrap();
        let lints: Vec<_> = project.config.lints.into_iter().collect();
        assert_eq!(
            lints,
            [
                (LintName::MixedScript, LintLevel::Deny),
                (LintName::Parties, LintLevel::Allow)
            ]
        );
        // A misspelt name or level is an error naming the file, the line,
        // and what was meant.
        std::fs::write(&path, "[lints]\nmixd-script = \"deny\"\n").unwrap();
        let error = Project::discover(dir.path()).unwrap_err();
        assert_eq!(error.path, path);
        let message = error.to_string();
        assert!(message.contains(&path.display().to_string()), "{message}");
        assert!(message.contains("line 2"), "{message}");
        assert!(
            message.contains(r#"unknown lint "mixd-script"; did you mean "mixed-script"?"#),
            "{message}"
        );
        std::fs::write(&path, "[lints]\nmixed-script = \"deyn\"\n").unwrap();
        let message = Project::discover(dir.path()).unwrap_err().to_string();
        assert!(
            message.contains(r#""deyn" is not a lint level (deny, warn, allow)"#),
            "{message}"
        );
    }

    #[test]
    fn unknown_settings_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(CONFIG_FILE), "keyrnig = \"typo\"\n").unwrap();
        assert!(Project::discover(dir.path()).is_err());
    }
}
