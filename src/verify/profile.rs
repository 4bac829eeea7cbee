//! The docseal BagIt profile (`schemas/docseal-bundle.bagit-profile.json`,
//! docs/FORMAT.md §5, §5.1), enforced on every docseal bundle on top of
//! RFC 8493: `bagit.txt` exactly as written, `bag-info.txt` with exactly
//! its six fields, exactly the sha256 and sha512 manifests and tag
//! manifests in their written form, no `fetch.txt`, nothing outside the
//! layout. One check code per rule.

use super::bag::{TAG_FILE_LIMIT, lists, text};
use super::check::{CheckCode, Checks};
use crate::bundle::layout;
use crate::bundle::source::BagSource;
use crate::digest::HashAlgorithm;

/// The labels of `bag-info.txt`, in order (FORMAT.md §5.1).
pub const BAG_INFO_LABELS: [&str; 6] = [
    "Bag-Software-Agent",
    "Bagging-Date",
    "External-Description",
    "External-Identifier",
    "Payload-Oxum",
    "Source-Organization",
];

/// The manifests of a bundle, and nothing else named like one.
pub const MANIFESTS: [&str; 4] = [
    "manifest-sha256.txt",
    "manifest-sha512.txt",
    "tagmanifest-sha256.txt",
    "tagmanifest-sha512.txt",
];

/// Runs every profile check.
pub fn check_profile(source: &BagSource, checks: &mut Checks) {
    check_declaration(source, checks);
    check_bag_info(source, checks);
    check_manifests(source, checks);
    if source.contains("fetch.txt") {
        checks.fail(
            CheckCode::ProfileFetch,
            Some("fetch.txt"),
            "a docseal bundle holds every file: fetch.txt is not allowed",
        );
    }
    check_layout(source, checks);
    if let BagSource::Zip { index, .. } = source {
        check_zip_encoding(index, checks);
    }
}

/// FORMAT.md §5.7: Unix host, zip 1.0 for Stored, 2.0 for Deflate, 4.5
/// with ZIP64 (made by and needed alike), mode 0644, no
/// internal attributes, the UTF-8 flag exactly for non-ASCII names, no
/// extra field but ZIP64, no comments, no folder entries, names in byte
/// order. Fields no container rule judges, so that no byte of a bundle is
/// without a rule.
fn check_zip_encoding(index: &crate::bundle::source::ZipIndex, checks: &mut Checks) {
    const CODE: CheckCode = CheckCode::ProfileZipEncoding;
    const ZIP64: u16 = 0x0001;
    let mut ok = true;
    let mut fail = |checks: &mut Checks, name: &str, why: String| {
        ok = false;
        checks.fail(CODE, Some(name), why);
    };
    if index.comment_len() != 0 {
        fail(checks, "(archive)", "an archive comment".into());
    }
    let mut previous: Option<&str> = None;
    for (name, is_dir, deflated, e) in index.encodings() {
        let zip64 = e.extra_ids.contains(&ZIP64);
        let version = match (zip64, deflated) {
            (true, _) => 45,
            (false, true) => 20,
            (false, false) => 10,
        };
        let utf8 = if name.is_ascii() { 0 } else { 0x0800 };
        let why = if is_dir {
            Some("a folder entry".to_string())
        } else if e.made_by != (3 << 8) | version || e.needed != version {
            Some(format!(
                "made by 0x{:04x}, needs {}: a bundle's entries are Unix, zip {}.{}",
                e.made_by,
                e.needed,
                version / 10,
                version % 10
            ))
        } else if e.external != 0o100_644 << 16 || e.internal != 0 {
            Some(format!(
                "attributes 0x{:08x}/0x{:04x}: a bundle's entries are regular files, mode 0644",
                e.external, e.internal
            ))
        } else if e.flags != utf8 {
            Some(format!("flags 0x{:04x}, not 0x{utf8:04x}", e.flags))
        } else if e.extra_ids.iter().any(|id| *id != ZIP64) || e.comment_len != 0 {
            Some("an extra field other than ZIP64, or a comment".to_string())
        } else if previous.is_some_and(|p| p.as_bytes() >= name.as_bytes()) {
            Some("not in the byte order of names".to_string())
        } else {
            None
        };
        if let Some(why) = why {
            fail(checks, name, why);
        }
        previous = Some(name);
    }
    if ok {
        checks.pass(CODE, None, "the zip encoding of FORMAT.md §5.7");
    }
}

fn check_declaration(source: &BagSource, checks: &mut Checks) {
    const CODE: CheckCode = CheckCode::ProfileDeclaration;
    let subject = Some("bagit.txt");
    let Ok(bytes) = source.read_small("bagit.txt", TAG_FILE_LIMIT) else {
        return checks.fail(CODE, subject, "no bagit.txt");
    };
    if bytes == layout::BAGIT_TXT.as_bytes() {
        return checks.pass(CODE, subject, "BagIt 1.0, UTF-8, exactly as FORMAT.md §5.1");
    }
    let why = match text::declaration(&bytes) {
        Ok((d, _)) if d.version != text::Version::V1_0 => {
            format!("BagIt {}: a docseal bundle is BagIt 1.0", d.version)
        }
        Ok((_, name)) if name != "UTF-8" => {
            format!("tag files in {name}: a docseal bundle's are UTF-8")
        }
        Ok(_) => format!(
            "{:?} is not exactly {:?}",
            String::from_utf8_lossy(&bytes),
            layout::BAGIT_TXT
        ),
        Err(e) => e,
    };
    checks.fail(CODE, subject, why);
}

fn check_bag_info(source: &BagSource, checks: &mut Checks) {
    const CODE: CheckCode = CheckCode::ProfileBagInfo;
    let subject = Some("bag-info.txt");
    let Ok(bytes) = source.read_small("bag-info.txt", TAG_FILE_LIMIT) else {
        return checks.fail(CODE, subject, "no bag-info.txt");
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return checks.fail(CODE, subject, "not UTF-8");
    };
    let Some(body) = text.strip_suffix('\n') else {
        return checks.fail(CODE, subject, "does not end with a line feed");
    };
    let mut labels = Vec::new();
    for (i, line) in body.split('\n').enumerate() {
        match bag_info_line(source, line) {
            Ok(label) => labels.push(label),
            Err(why) => return checks.fail(CODE, subject, format!("line {}: {why}", i + 1)),
        }
    }
    if labels != BAG_INFO_LABELS {
        return checks.fail(
            CODE,
            subject,
            format!(
                "fields {labels:?}; a docseal bundle has exactly {BAG_INFO_LABELS:?}, in that order"
            ),
        );
    }
    checks.pass(CODE, subject, "the six fields of FORMAT.md §5.1, in order");
}

/// One line of `bag-info.txt`: `Label: value` on one line with single
/// spaces, the value in its field's form; returns the label, or why not.
fn bag_info_line<'l>(source: &BagSource, line: &'l str) -> Result<&'l str, String> {
    let Some((label, value)) = line.split_once(": ") else {
        return Err("not `Label: value` with LF endings".into());
    };
    let folded = value.split_whitespace().collect::<Vec<_>>().join(" ");
    if value.is_empty() || folded != value {
        return Err(format!(
            "{label}: the value is empty or not on one line with single spaces"
        ));
    }
    let wrong = match label {
        "Bagging-Date" => time::Date::parse(
            value,
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .is_err()
        .then(|| format!("Bagging-Date {value:?} is not YYYY-MM-DD")),
        "External-Identifier" if value != source.name() => Some(format!(
            "External-Identifier {value:?} is not the bag's name {:?}",
            source.name()
        )),
        "Payload-Oxum" => text::oxum_parts(value)
            .is_none()
            .then(|| format!("Payload-Oxum {value:?} is not OctetCount.StreamCount")),
        _ => None,
    };
    wrong.map_or(Ok(label), Err)
}

fn check_manifests(source: &BagSource, checks: &mut Checks) {
    const CODE: CheckCode = CheckCode::ProfileManifests;
    let mut ok = check_manifest_names(source, checks);
    let mut tag_lists = Vec::new();
    for file in MANIFESTS {
        match written_manifest(source, file) {
            Err(why) => {
                ok = false;
                checks.fail(CODE, Some(file), why);
            }
            Ok(paths) if file.starts_with("tagmanifest-") => tag_lists.push((file, paths)),
            Ok(_) => {}
        }
    }
    let wanted = tag_manifest_contents(source);
    for (file, mut paths) in tag_lists {
        paths.sort();
        if paths != wanted {
            ok = false;
            checks.fail(
                CODE,
                Some(file),
                format!(
                    "lists {paths:?}; a docseal bundle's tag manifests list exactly {wanted:?}"
                ),
            );
        }
    }
    if ok {
        checks.pass(
            CODE,
            None,
            "sha256 and sha512 manifests and tag manifests, as FORMAT.md §5.1 writes them",
        );
    }
}

/// Nothing at the top is named like a manifest but the four; false if one is.
fn check_manifest_names(source: &BagSource, checks: &mut Checks) -> bool {
    let mut ok = true;
    for e in source.entries() {
        let named_like = (e.path.starts_with("manifest-") || e.path.starts_with("tagmanifest-"))
            && !e.path.contains('/');
        if named_like && !MANIFESTS.contains(&e.path.as_str()) {
            ok = false;
            checks.fail(
                CheckCode::ProfileManifests,
                Some(&e.path),
                "a docseal bundle has only the sha256 and sha512 manifests",
            );
        }
    }
    ok
}

/// The paths a manifest lists, if it is present and exactly in the form
/// docseal writes; else why not.
fn written_manifest(source: &BagSource, file: &str) -> Result<Vec<String>, &'static str> {
    let Ok(bytes) = source.read_small(file, TAG_FILE_LIMIT) else {
        return Err("missing: a docseal bundle has all four manifests");
    };
    let alg = if file.contains("sha256") {
        HashAlgorithm::Sha256
    } else {
        HashAlgorithm::Sha512
    };
    let lines = std::str::from_utf8(&bytes)
        .ok()
        .and_then(|t| lists::manifest(t, text::Version::V1_0, alg).ok());
    let canonical = lines.as_ref().map(|lines| {
        layout::manifest_text(lines.iter().map(|l| (l.path.path.as_str(), l.hex.clone())))
    });
    if canonical.as_deref().map(str::as_bytes) != Some(&bytes[..]) {
        return Err(
            "not in FORMAT.md §5.1's form (`<lower-case hex>  <path>` lines, LF, sorted by path, only %, CR and LF encoded)",
        );
    }
    Ok(lines
        .unwrap_or_default()
        .into_iter()
        .map(|l| l.path.path)
        .collect())
}

/// What a bundle's tag manifests list, sorted: the tag files and every
/// file under `metadata/`.
fn tag_manifest_contents(source: &BagSource) -> Vec<String> {
    let mut wanted: Vec<String> = [
        "bag-info.txt",
        "bagit.txt",
        "manifest-sha256.txt",
        "manifest-sha512.txt",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain(
        source
            .entries()
            .iter()
            .filter(|e| e.path.starts_with("metadata/"))
            .map(|e| e.path.clone()),
    )
    .collect();
    wanted.sort();
    wanted
}

/// Where a file may be in a bundle (FORMAT.md §5); `signatures/` is
/// `signature.files`' concern.
fn in_layout(path: &str) -> bool {
    let one_level = |dir: &str| {
        path.strip_prefix(dir)
            .is_some_and(|rest| !rest.is_empty() && !rest.contains('/'))
    };
    matches!(
        path,
        "bagit.txt"
            | "bag-info.txt"
            | layout::STATEMENT_PATH
            | layout::SOURCE_PATH
            | layout::VALIDATION_PATH
    ) || ((path.starts_with("manifest-") || path.starts_with("tagmanifest-"))
        // `profile.manifests` judges which there are.
        && !path.contains('/'))
        || one_level(layout::ATTACHMENTS_DIR)
        || one_level(layout::SCHEMA_DIR)
        || path.starts_with(layout::SIGNATURES_DIR)
        // `profile.fetch` judges it.
        || path == "fetch.txt"
}

fn check_layout(source: &BagSource, checks: &mut Checks) {
    const CODE: CheckCode = CheckCode::ProfileLayout;
    let mut ok = true;
    for e in source.entries() {
        if !in_layout(&e.path) {
            ok = false;
            checks.fail(CODE, Some(&e.path), "outside the layout of FORMAT.md §5");
        }
    }
    for required in [layout::STATEMENT_PATH, layout::VALIDATION_PATH] {
        if !source.contains(required) {
            ok = false;
            checks.fail(CODE, Some(required), "missing: every docseal bundle has it");
        }
    }
    let schemas = source
        .entries()
        .iter()
        .filter(|e| e.path.starts_with(layout::SCHEMA_DIR))
        .count();
    if schemas != 1 {
        ok = false;
        checks.fail(
            CODE,
            Some(layout::SCHEMA_DIR),
            format!("{schemas} schemas; a bundle embeds exactly one"),
        );
    }
    if ok {
        checks.pass(CODE, None, "every file where FORMAT.md §5 puts it");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_layout() {
        for p in [
            "bagit.txt",
            "data/statement.json",
            "data/attachments/a.pdf",
            "metadata/schema/s.json",
            "signatures/x",
        ] {
            assert!(in_layout(p), "{p}");
        }
        for p in [
            "data/other.json",
            "data/attachments/sub/a.pdf",
            "metadata/x",
            "README",
        ] {
            assert!(!in_layout(p), "{p}");
        }
    }
}
