//! What the manifests and `fetch.txt` list, matched against the files
//! present: duplicates, payload and tag manifests each listing only their
//! own kind, completeness (every manifest in 1.0, at least one before),
//! files still to be fetched, and the RFC 8493 §6 warnings on names.

use std::collections::{BTreeMap, BTreeSet};

use unicode_normalization::UnicodeNormalization;

use super::lists::{self, FetchLine};
use super::text::{self, Decoded, TagEncoding, Version};
use super::{Algorithms, ByAlgorithm, TAG_FILE_LIMIT};
use crate::bundle::layout;
use crate::bundle::source::BagSource;
use crate::digest::HashAlgorithm;
use crate::verify::check::{CheckCode, Checks};

/// What the manifests and `fetch.txt` say.
#[derive(Default)]
pub struct Listed {
    /// expected[path][algorithm] = hex, keyed by the name present when a
    /// listed name matches one only after Unicode normalization.
    pub expected: BTreeMap<String, BTreeMap<HashAlgorithm, String>>,
    /// Paths each payload manifest lists.
    pub payload: ByAlgorithm,
    /// Paths each tag manifest lists.
    pub tags_by_algorithm: ByAlgorithm,
    /// Paths any tag manifest lists.
    pub tags: BTreeSet<String>,
    /// `fetch.txt`'s lines.
    pub fetch: Vec<FetchLine>,
    /// Payload files present that count (not an unlisted system file).
    pub payload_files: BTreeSet<String>,
    /// (as listed, as present) for names matched through normalization.
    pub normalized: BTreeSet<(String, String)>,
}

impl Listed {
    /// `fetch.txt` lines whose file is not present.
    pub fn to_fetch(&self, source: &BagSource) -> Vec<&FetchLine> {
        self.fetch
            .iter()
            .filter(|f| {
                !source.contains(&f.path.path)
                    && self.payload.values().any(|s| s.contains(&f.path.path))
            })
            .collect()
    }
}

/// Files operating systems add to folders they show, which no one bagged.
pub fn is_system_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    matches!(
        name,
        ".DS_Store" | "Thumbs.db" | "ehthumbs.db" | "desktop.ini" | "Desktop.ini" | "Icon\r"
    ) || name.starts_with("._")
        || path.split('/').any(|p| {
            matches!(
                p,
                ".Spotlight-V100" | ".Trashes" | ".fseventsd" | "__MACOSX" | "$RECYCLE.BIN"
            )
        })
}

/// A byte order mark in a tag file: allowed only when the encoding needs
/// one; forbidden from 0.97, a warning before (RFC 8493 §2.3).
pub fn check_bom(
    decoded: &Decoded,
    version: Version,
    encoding: TagEncoding,
    file: &str,
    checks: &mut Checks,
) {
    if !decoded.bom || text::bom_allowed(encoding) {
        return;
    }
    let code = match file {
        "fetch.txt" => CheckCode::BagFetch,
        f if f.ends_with("-info.txt") => CheckCode::BagInfo,
        _ => CheckCode::BagManifests,
    };
    let message = "begins with a byte order mark, which its encoding does not need";
    if version.forbids_bom() {
        checks.fail(
            code,
            Some(file),
            format!("{message} (BagIt {version} forbids it)"),
        );
    } else {
        checks.warn(code, Some(file), message);
    }
}

fn read_text(
    source: &BagSource,
    file: &str,
    version: Version,
    encoding: TagEncoding,
    checks: &mut Checks,
    code: CheckCode,
) -> Option<String> {
    let bytes = match source.read_small(file, TAG_FILE_LIMIT) {
        Ok(b) => b,
        Err(e) => {
            checks.fail(code, Some(file), format!("cannot read: {e}"));
            return None;
        }
    };
    match text::decode(&bytes, encoding) {
        Err(e) => {
            checks.fail(code, Some(file), e.0);
            None
        }
        Ok(d) => {
            check_bom(&d, version, encoding, file, checks);
            Some(d.text)
        }
    }
}

/// Reads every manifest and `fetch.txt`.
pub fn read(
    source: &BagSource,
    algs: &Algorithms,
    version: Version,
    encoding: TagEncoding,
    checks: &mut Checks,
) -> Listed {
    let mut listed = Listed::default();
    let mut by_nfc: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for e in source.entries() {
        by_nfc
            .entry(e.path.nfc().collect())
            .or_default()
            .push(&e.path);
    }
    for (prefix, list) in [("manifest-", &algs.payload), ("tagmanifest-", &algs.tag)] {
        for alg in list.iter().copied() {
            let manifest = Manifest {
                file: format!("{prefix}{}.txt", alg.name()),
                payload: prefix == "manifest-",
                alg,
                version,
            };
            let Some(text) = read_text(
                source,
                &manifest.file,
                version,
                encoding,
                checks,
                CheckCode::BagManifests,
            ) else {
                continue;
            };
            match lists::manifest(&text, version, alg) {
                Err(e) => checks.fail(
                    CheckCode::BagManifests,
                    Some(&manifest.file),
                    format!("line {}: {}", e.line, e.message),
                ),
                Ok(lines) => {
                    let names = Names {
                        source,
                        by_nfc: &by_nfc,
                    };
                    manifest.add_lines(&mut listed, &names, lines, checks);
                }
            }
        }
    }
    check_tag_manifests(&listed, algs, version, checks);
    if source.contains("fetch.txt") {
        read_fetch(source, &mut listed, version, encoding, checks);
    }
    listed
}

/// From 1.0 every tag manifest lists every payload manifest; they should
/// all list the same files.
fn check_tag_manifests(listed: &Listed, algs: &Algorithms, version: Version, checks: &mut Checks) {
    if version.every_manifest() {
        for (alg, tags) in &listed.tags_by_algorithm {
            for payload in &algs.payload {
                let name = format!("manifest-{}.txt", payload.name());
                if !tags.contains(&name) {
                    checks.fail(
                        CheckCode::BagManifests,
                        Some(&format!("tagmanifest-{alg}.txt")),
                        format!("does not list the payload manifest {name} (RFC 8493 §2.2.1)"),
                    );
                }
            }
        }
    }
    let sets: BTreeSet<&BTreeSet<String>> = listed.tags_by_algorithm.values().collect();
    if sets.len() > 1 {
        checks.warn(
            CheckCode::BagManifests,
            None,
            "the tag manifests list different files (RFC 8493 §2.2.1 says they should not)",
        );
    }
}

/// Reads `fetch.txt` into `listed.fetch`.
fn read_fetch(
    source: &BagSource,
    listed: &mut Listed,
    version: Version,
    encoding: TagEncoding,
    checks: &mut Checks,
) {
    let Some(text) = read_text(
        source,
        "fetch.txt",
        version,
        encoding,
        checks,
        CheckCode::BagFetch,
    ) else {
        return;
    };
    match lists::fetch(&text, version) {
        Ok(lines) => listed.fetch = lines,
        Err(e) => checks.fail(
            CheckCode::BagFetch,
            Some("fetch.txt"),
            format!("line {}: {}", e.line, e.message),
        ),
    }
}

/// The names present, to resolve a listed name to: as written, or the one
/// name present that it equals after Unicode normalization.
struct Names<'a> {
    source: &'a BagSource,
    by_nfc: &'a BTreeMap<String, Vec<&'a str>>,
}

impl Names<'_> {
    /// The key `path` is recorded under; a match through normalization is
    /// remembered in `listed.normalized`.
    fn resolve(&self, path: &str, listed: &mut Listed) -> String {
        if self.source.contains(path) {
            return path.to_string();
        }
        match self
            .by_nfc
            .get(&path.nfc().collect::<String>())
            .map(Vec::as_slice)
        {
            Some([one]) => {
                listed
                    .normalized
                    .insert((path.to_string(), (*one).to_string()));
                (*one).to_string()
            }
            _ => path.to_string(),
        }
    }
}

/// One manifest file being read.
struct Manifest {
    file: String,
    /// A payload manifest (else a tag manifest).
    payload: bool,
    alg: HashAlgorithm,
    version: Version,
}

impl Manifest {
    /// Adds the manifest's lines: each is checked for its path's form and
    /// for belonging in this kind of manifest, then recorded once.
    fn add_lines(
        &self,
        listed: &mut Listed,
        names: &Names<'_>,
        lines: Vec<lists::ManifestLine>,
        checks: &mut Checks,
    ) {
        let mut seen: BTreeMap<String, (String, String)> = BTreeMap::new();
        for line in lines {
            self.warn_path_form(&line, checks);
            if let Some(reason) = self.misplaced(&line.path.path) {
                checks.fail(
                    CheckCode::BagManifests,
                    Some(&self.file),
                    format!("line {}: {reason}", line.line),
                );
                continue;
            }
            let key = names.resolve(&line.path.path, listed);
            if let Some(first) = seen.get(&key) {
                self.report_repeat(&line, first, checks);
                continue;
            }
            seen.insert(key.clone(), (line.path.path.clone(), line.hex.clone()));
            self.record(listed, key, line.hex);
        }
        // An empty manifest still counts as one that lists nothing.
        if self.payload {
            listed.payload.entry(self.alg).or_default();
        } else {
            listed.tags_by_algorithm.entry(self.alg).or_default();
        }
    }

    /// Relative forms (`./data/a`) and md5sum's `*` are read, with a warning.
    fn warn_path_form(&self, line: &lists::ManifestLine, checks: &mut Checks) {
        let p = &line.path;
        if p.relative_form {
            checks.warn(
                CheckCode::BagPathForm,
                Some(&self.file),
                format!("line {}: {:?} is read as {}", line.line, p.written, p.path),
            );
        }
        if p.star {
            checks.warn(
                CheckCode::BagPathForm,
                Some(&self.file),
                format!(
                    "line {}: md5sum's `*` before {}: accepted, but the bag fails strict validation (RFC 8493 §6.4)",
                    line.line, p.path
                ),
            );
        }
    }

    /// Why `path` does not belong in this manifest, if it does not: payload
    /// manifests list payload files, tag manifests the rest but (from 1.0)
    /// no tag manifest.
    fn misplaced(&self, path: &str) -> Option<String> {
        let in_payload = path.starts_with("data/");
        if self.payload && !in_payload {
            Some(format!("{path} is outside the payload folder data/"))
        } else if !self.payload && in_payload {
            Some(format!("a tag manifest lists the payload file {path}"))
        } else if !self.payload && self.version.every_manifest() && path.starts_with("tagmanifest-")
        {
            Some(format!("a tag manifest lists the tag manifest {path}"))
        } else {
            None
        }
    }

    /// A name listed a second time (`first`: as first written, its digest).
    fn report_repeat(
        &self,
        line: &lists::ManifestLine,
        (written, hex): &(String, String),
        checks: &mut Checks,
    ) {
        const CODE: CheckCode = CheckCode::BagManifests;
        let file = Some(self.file.as_str());
        let message = format!("line {}: {} is listed twice", line.line, line.path.path);
        if *hex != line.hex {
            checks.fail(CODE, file, format!("{message}, with different digests"));
        } else if *written != line.path.path {
            checks.warn(
                CheckCode::BagNameNormalization,
                file,
                format!("{message}, in two Unicode normalization forms"),
            );
        } else if self.version.every_manifest() {
            // RFC 8493 §2.1.3: every payload file exactly once.
            checks.fail(CODE, file, message);
        } else {
            checks.warn(CODE, file, format!("{message}, with the same digest"));
        }
    }

    /// Records that this manifest lists `key` with digest `hex`.
    fn record(&self, listed: &mut Listed, key: String, hex: String) {
        let target = if self.payload {
            &mut listed.payload
        } else {
            &mut listed.tags_by_algorithm
        };
        target.entry(self.alg).or_default().insert(key.clone());
        if !self.payload {
            listed.tags.insert(key.clone());
        }
        listed
            .expected
            .entry(key)
            .or_default()
            .insert(self.alg, hex);
    }
}

/// Every payload file listed (in every payload manifest from 1.0, in at
/// least one before), everything listed present or to be fetched.
pub fn check_completeness(
    source: &BagSource,
    algs: &Algorithms,
    listed: &mut Listed,
    version: Version,
    checks: &mut Checks,
) {
    let in_any: BTreeSet<String> = listed.payload.values().flatten().cloned().collect();
    listed.payload_files = payload_files(source, &in_any, checks);
    let mut complete = check_payload_listed(listed, version, checks);
    complete &= check_listed_present(source, listed, &in_any, checks);
    check_fetch(source, listed, version, checks);
    if complete && !algs.payload.is_empty() {
        let to_fetch = listed.to_fetch(source).len();
        let fetched = if to_fetch > 0 {
            format!(", {to_fetch} more to be fetched")
        } else {
            String::new()
        };
        checks.pass(
            CheckCode::BagComplete,
            None,
            format!(
                "{} payload files present, all listed{fetched}",
                listed.payload_files.len()
            ),
        );
    }
    if !algs.tag.is_empty() {
        warn_unlisted_tag_files(source, listed, checks);
    }
}

/// The payload files that count: all under `data/` but the files an
/// operating system adds that no manifest lists (`in_any`).
fn payload_files(
    source: &BagSource,
    in_any: &BTreeSet<String>,
    checks: &mut Checks,
) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for e in source
        .entries()
        .iter()
        .filter(|e| e.path.starts_with("data/"))
    {
        if is_system_file(&e.path) {
            if in_any.contains(&e.path) {
                checks.warn(
                    CheckCode::BagSystemFile,
                    Some(&e.path),
                    "a file an operating system adds is part of the payload",
                );
            } else {
                checks.warn(
                    CheckCode::BagSystemFile,
                    Some(&e.path),
                    "a file an operating system adds, listed in no manifest: not part of the bag, ignored",
                );
                continue;
            }
        }
        out.insert(e.path.clone());
    }
    out
}

/// Every payload file present is listed (in every payload manifest from
/// 1.0, in one before); false if one is not.
fn check_payload_listed(listed: &Listed, version: Version, checks: &mut Checks) -> bool {
    let mut complete = true;
    for file in &listed.payload_files {
        let missing_from: Vec<&HashAlgorithm> = listed
            .payload
            .iter()
            .filter(|(_, files)| !files.contains(file))
            .map(|(a, _)| a)
            .collect();
        let unlisted = if version.every_manifest() {
            !missing_from.is_empty()
        } else {
            missing_from.len() == listed.payload.len() && !listed.payload.is_empty()
        };
        if unlisted {
            complete = false;
            let names: Vec<String> = missing_from
                .iter()
                .map(|a| format!("manifest-{a}.txt"))
                .collect();
            checks.fail(
                CheckCode::BagComplete,
                Some(file),
                format!("payload file not listed in {}", names.join(", ")),
            );
        }
    }
    complete
}

/// Everything a manifest lists (`in_any`: the payload manifests) is
/// present, or a payload file to be fetched; false if one is missing.
fn check_listed_present(
    source: &BagSource,
    listed: &Listed,
    in_any: &BTreeSet<String>,
    checks: &mut Checks,
) -> bool {
    const CODE: CheckCode = CheckCode::BagComplete;
    let fetch: BTreeMap<&str, &FetchLine> = listed
        .fetch
        .iter()
        .map(|f| (f.path.path.as_str(), f))
        .collect();
    let mut complete = true;
    for listed_file in in_any {
        if source.contains(listed_file) {
            continue;
        }
        if let Some(f) = fetch.get(listed_file.as_str()) {
            checks.warn(
                CheckCode::BagFetch,
                Some(listed_file),
                format!(
                    "not present: to be fetched from {} (fetch.txt line {})",
                    f.url, f.line
                ),
            );
        } else {
            complete = false;
            checks.fail(
                CODE,
                Some(listed_file),
                "listed in a payload manifest but not present",
            );
        }
    }
    for tag in &listed.tags {
        if !source.contains(tag) {
            complete = false;
            checks.fail(CODE, Some(tag), "listed in a tag manifest but not present");
        }
    }
    complete
}

/// Unlisted tag files are worth a warning, not a failure; signatures are
/// outside the tag manifests by design.
fn warn_unlisted_tag_files(source: &BagSource, listed: &Listed, checks: &mut Checks) {
    for e in source.entries() {
        if !e.path.starts_with("data/")
            && !e.path.starts_with("tagmanifest-")
            && !e.path.starts_with(layout::SIGNATURES_DIR)
            && !listed.tags.contains(&e.path)
        {
            if is_system_file(&e.path) {
                checks.warn(
                    CheckCode::BagSystemFile,
                    Some(&e.path),
                    "a file an operating system adds: not part of the bag, ignored",
                );
            } else {
                checks.warn(
                    CheckCode::BagUnlistedTagFile,
                    Some(&e.path),
                    "tag file not listed in any tag manifest",
                );
            }
        }
    }
}

/// `fetch.txt` (RFC 8493 §2.2.3): payload files only, each listed in every
/// payload manifest (in one before 1.0), once.
fn check_fetch(source: &BagSource, listed: &Listed, version: Version, checks: &mut Checks) {
    const CODE: CheckCode = CheckCode::BagFetch;
    let mut seen = BTreeSet::new();
    let mut ok = true;
    for f in &listed.fetch {
        let path = &f.path.path;
        let at = format!("line {}: {path}", f.line);
        if !path.starts_with("data/") {
            ok = false;
            checks.fail(
                CODE,
                Some("fetch.txt"),
                format!("{at} is a tag file; fetch.txt lists payload files only"),
            );
            continue;
        }
        if !seen.insert(path.as_str()) {
            ok = false;
            checks.fail(CODE, Some("fetch.txt"), format!("{at} is listed twice"));
        }
        let listing = listed.payload.values().filter(|s| s.contains(path)).count();
        let enough = if version.every_manifest() {
            listing == listed.payload.len()
        } else {
            listing > 0
        };
        if !enough {
            ok = false;
            checks.fail(
                CODE,
                Some("fetch.txt"),
                format!("{at} is not listed in every payload manifest"),
            );
        }
        if let Some(e) = source.entries().iter().find(|e| e.path == *path)
            && let Some(len) = f.length
            && len != e.size
        {
            checks.warn(
                CODE,
                Some(path),
                format!("present with {} bytes; fetch.txt says {len}", e.size),
            );
        }
    }
    if ok && source.contains("fetch.txt") {
        checks.pass(
            CODE,
            Some("fetch.txt"),
            format!(
                "{} files to fetch, all payload files listed in the manifests",
                listed.fetch.len()
            ),
        );
    }
}

/// RFC 8493 §6.2: names that differ only in case or in Unicode
/// normalization are warnings.
pub fn check_names(source: &BagSource, listed: &Listed, checks: &mut Checks) {
    let mut by_case: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    let mut by_nfc: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for e in source.entries() {
        by_case
            .entry(e.path.to_lowercase())
            .or_default()
            .push(&e.path);
        by_nfc
            .entry(e.path.nfc().collect())
            .or_default()
            .push(&e.path);
    }
    for names in by_case.values().filter(|n| n.len() > 1) {
        checks.warn(
            CheckCode::BagNameCase,
            Some(names[0]),
            format!("names that differ only in case: {}", names.join(", ")),
        );
    }
    for names in by_nfc.values().filter(|n| n.len() > 1) {
        checks.warn(
            CheckCode::BagNameNormalization,
            Some(names[0]),
            format!("names that differ only in Unicode normalization: {names:?}"),
        );
    }
    for (as_listed, present) in &listed.normalized {
        checks.warn(
            CheckCode::BagNameNormalization,
            Some(present),
            format!("listed as {as_listed:?}, present as {present:?}: the same name after Unicode normalization"),
        );
    }
}
