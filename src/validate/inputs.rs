//! The inputs of `validate`: folders expanded to the JSON files below them,
//! and the source texts (`NAME.txt`) beside them found without a lookup per
//! document.

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// Expands inputs: files as given, directories to every `*.json` below them
/// (sorted, hidden entries skipped), `-` for stdin.
pub fn expand_inputs(inputs: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for input in inputs {
        if input.is_dir() {
            walk_json(input, &mut out);
        } else {
            out.push(input.clone());
        }
    }
    out
}

/// Every `*.json` below `dir`, in path order: sorting each folder's entries
/// by name and descending into folders in that order gives the order of
/// sorting the paths (component by component), without comparing paths.
fn walk_json(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        // Unreadable folders are reported when read as files.
        out.push(dir.to_path_buf());
        return;
    };
    let mut entries: Vec<_> = entries
        .flatten()
        .filter(|e| !e.file_name().as_encoded_bytes().starts_with(b"."))
        .map(|e| (e.file_name(), e))
        .collect();
    entries.sort_unstable_by(|(a, _), (b, _)| a.as_encoded_bytes().cmp(b.as_encoded_bytes()));
    for (_, entry) in entries {
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => walk_json(&path, out),
            Ok(_) if path.extension().is_some_and(|e| e == "json") => out.push(path),
            _ => {}
        }
    }
}

/// The `*.txt` files of folders holding many of the inputs, listed once: one
/// directory read instead of one failed lookup per document. Folders with
/// few inputs are not listed (looking up their few files is cheaper).
#[derive(Debug, Default)]
pub(super) struct TextSiblings {
    listed: HashMap<PathBuf, HashSet<OsString>>,
}

impl TextSiblings {
    const LIST_FROM: usize = 16;

    pub(super) fn list(paths: &[PathBuf]) -> Self {
        let mut per_folder: HashMap<&Path, usize> = HashMap::new();
        for path in paths {
            if let Some(folder) = path.parent() {
                *per_folder.entry(folder).or_default() += 1;
            }
        }
        let listed = per_folder
            .into_iter()
            .filter(|&(_, n)| n >= Self::LIST_FROM)
            .filter_map(|(folder, _)| {
                let names = std::fs::read_dir(if folder.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    folder
                })
                .ok()?
                .flatten()
                .filter(|e| e.file_name().as_encoded_bytes().ends_with(b".txt"))
                // A link is followed, as `is_file` does.
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()) || e.path().is_file())
                .map(|e| e.file_name())
                .collect();
                Some((folder.to_path_buf(), names))
            })
            .collect();
        Self { listed }
    }

    pub(super) fn exists(&self, text: &Path) -> bool {
        let listed = text
            .parent()
            .zip(text.file_name())
            .and_then(|(folder, name)| Some(self.listed.get(folder)?.contains(name)));
        listed.unwrap_or_else(|| text.is_file())
    }
}
