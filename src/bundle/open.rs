//! Looking inside a bundle without verifying it (`inspect`), and unpacking
//! it safely (`extract`): every name is checked when the archive is opened,
//! so nothing can land outside the target, and the files appear all at once
//! (written into a temporary folder, then renamed) or not at all.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::layout;
use super::signed::{self, SignedStatement};
use super::source::{BagSource, Limits, SourceError};

/// A party as the statement names it.
#[derive(Debug, Clone, Serialize)]
pub struct PartySummary {
    /// Its code.
    pub id: serde_json::Value,
    /// Its name.
    pub name: serde_json::Value,
    /// Its role.
    pub role: serde_json::Value,
}

/// A signature as it claims to be (not verified).
#[derive(Debug, Clone, Serialize)]
pub struct SignatureSummary {
    /// Key id.
    pub key: String,
    /// Claimed party.
    pub party: String,
    /// Claimed signer.
    pub signer: String,
    /// Claimed role.
    pub role: String,
    /// Claimed time.
    pub signed_at: String,
}

/// What a bundle holds, as it says — nothing here is verified.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// The bundle file.
    pub bundle: String,
    /// The bag's name.
    pub bag: String,
    /// The statement's id.
    pub id: serde_json::Value,
    /// Its type.
    #[serde(rename = "type")]
    pub kind: serde_json::Value,
    /// Its title.
    pub title: serde_json::Value,
    /// Its date.
    pub date: serde_json::Value,
    /// Its parties.
    pub parties: Option<Vec<PartySummary>>,
    /// Every readable signature's claims.
    pub signatures: Vec<SignatureSummary>,
    /// Number of files.
    pub files: usize,
    /// Bytes under `data/`.
    pub payload_bytes: u64,
    /// `bag-info.txt`.
    pub bag_info: BTreeMap<String, String>,
    /// Always false: inspect never verifies.
    pub verified: bool,
}

/// Errors opening or extracting.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OpenError {
    /// The bundle cannot be read, or is refused as unsafe.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// Extract reads zip bundles only.
    #[error("{0} is a folder; extract reads zip bundles")]
    NotAZip(PathBuf),
    /// The target exists.
    #[error("{0} already exists; extract never overwrites")]
    Exists(PathBuf),
    /// Writing failed; nothing was left behind.
    #[error("{path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// An entry could not be read (its data does not match its header).
    #[error("{entry}: {source}")]
    Entry {
        /// The entry.
        entry: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// Opens a bundle through the hardened reader.
pub fn open(path: &Path) -> Result<BagSource, OpenError> {
    Ok(BagSource::open(path, Limits::default())?)
}

/// What a bundle holds, without verifying it.
pub fn inspect(path: &Path) -> Result<Summary, OpenError> {
    let source = open(path)?;
    let statement: serde_json::Value = source
        .read_small(layout::STATEMENT_PATH, crate::document::DEFAULT_MAX_SIZE)
        .ok()
        .and_then(|b| crate::document::parse_strict(&b).ok())
        .unwrap_or_default();
    let signatures = source
        .entries()
        .iter()
        .filter(|e| e.path.starts_with(layout::SIGNATURES_DIR) && e.path.ends_with(".json"))
        .filter_map(|e| source.read_small(&e.path, signed::MAX_SIZE).ok())
        .filter_map(|b| SignedStatement::parse(&b).ok())
        .map(|s| SignatureSummary {
            key: s.key.to_string(),
            party: s.party.to_string(),
            signer: s.signer,
            role: s.role.to_string(),
            signed_at: s.signed_at.to_string(),
        })
        .collect();
    let info = source
        .read_small("bag-info.txt", 1 << 20)
        .ok()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let payload_bytes = source
        .entries()
        .iter()
        .filter(|e| e.path.starts_with("data/"))
        .map(|e| e.size)
        .sum();
    let parties = statement["parties"].as_array().map(|ps| {
        ps.iter()
            .map(|p| PartySummary {
                id: p["id"].clone(),
                name: p["name"].clone(),
                role: p["role"].clone(),
            })
            .collect()
    });
    Ok(Summary {
        bundle: path.display().to_string(),
        bag: source.name(),
        id: statement["id"].clone(),
        kind: statement["type"].clone(),
        title: statement["title"].clone(),
        date: statement["date"].clone(),
        parties,
        signatures,
        files: source.entries().len(),
        payload_bytes,
        bag_info: layout::parse_tags("bag-info.txt", &info)
            .unwrap_or_default()
            .into_iter()
            .collect(),
        verified: false,
    })
}

/// An extracted bundle.
#[derive(Debug)]
pub struct Extracted {
    /// The bag's folder (inside the target).
    pub root: PathBuf,
    /// Files written.
    pub files: usize,
}

/// Extracts a zip bundle into `target/<bag name>/`. The files are written
/// into a temporary folder beside it, renamed into place at the end: on any
/// failure nothing is left.
pub fn extract(bundle: &Path, target: &Path) -> Result<Extracted, OpenError> {
    let source = open(bundle)?;
    if !matches!(source, BagSource::Zip { .. }) {
        return Err(OpenError::NotAZip(bundle.to_path_buf()));
    }
    let root = target.join(source.name());
    if root.exists() {
        return Err(OpenError::Exists(root));
    }
    let write = |path: &Path| {
        let path = path.to_path_buf();
        move |source| OpenError::Write { path, source }
    };
    std::fs::create_dir_all(target).map_err(write(target))?;
    let temp = crate::fsutil::TempDir::new_in(target).map_err(write(target))?;
    let mut opener = source.opener().map_err(write(bundle))?;
    for e in source.entries() {
        let file_path = temp.path().join(Path::new(&e.path));
        if let Some(parent) = file_path.parent() {
            std::fs::create_dir_all(parent).map_err(write(parent))?;
        }
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&file_path)
            .map_err(write(&file_path))?;
        opener
            .with_reader(&e.path, &mut |r: &mut dyn Read| {
                std::io::copy(r, &mut file).map(|_| ())
            })
            .map_err(|source| OpenError::Entry {
                entry: e.path.clone(),
                source,
            })?;
    }
    // No replacing: a folder that appeared meanwhile is not overwritten.
    temp.persist(&root).map_err(write(&root))?;
    Ok(Extracted {
        root,
        files: source.entries().len(),
    })
}
