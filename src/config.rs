//! `docseal.toml`: the project file, found in the current folder or above.
//! Paths in it are relative to the folder that holds it.
//!
//! ```toml
//! keyring = "keys"        # default keyring folder
//! archive = "archive"     # default archive folder
//!
//! [verify]
//! require_parties = ["KZ", "RS"]
//! ```

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
    /// Archive folder.
    pub archive: Option<PathBuf>,
    /// Default verification policy.
    #[serde(default)]
    pub verify: VerifyConfig,
    /// Lint levels by lint name (`deny`, `warn`, `allow`).
    #[serde(default)]
    pub lints: std::collections::BTreeMap<String, String>,
}

/// `[verify]` settings.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct VerifyConfig {
    /// Parties that must have a trusted signature.
    #[serde(default)]
    pub require_parties: Vec<String>,
    /// Every signatory party of the statement must have a trusted signature.
    #[serde(default)]
    pub all_parties: bool,
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

/// The keyring folder: explicit, else `DOCSEAL_KEYRING` (handled by the
/// caller), else the project file's, else `keys/`.
pub fn keyring_dir(explicit: Option<&Path>, project: Option<&Project>) -> PathBuf {
    if let Some(dir) = explicit {
        return dir.to_path_buf();
    }
    project
        .and_then(|p| p.config.keyring.as_deref().map(|k| p.resolve(k)))
        .unwrap_or_else(|| PathBuf::from("keys"))
}

/// The archive folder, by the same rules (default `archive/`).
pub fn archive_dir(explicit: Option<&Path>, project: Option<&Project>) -> PathBuf {
    if let Some(dir) = explicit {
        return dir.to_path_buf();
    }
    project
        .and_then(|p| p.config.archive.as_deref().map(|k| p.resolve(k)))
        .unwrap_or_else(|| PathBuf::from("archive"))
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
        assert_eq!(keyring_dir(None, Some(&project)), project.root.join("ring"));
        assert_eq!(project.config.verify.require_parties, vec!["KZ"]);
        assert_eq!(
            keyring_dir(Some(Path::new("x")), Some(&project)),
            PathBuf::from("x")
        );
    }

    #[test]
    fn unknown_settings_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(CONFIG_FILE), "keyrnig = \"typo\"\n").unwrap();
        assert!(Project::discover(dir.path()).is_err());
    }
}
