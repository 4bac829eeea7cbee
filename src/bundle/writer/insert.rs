//! Adding files to a sealed bundle (a co-signature, time-stamp tokens)
//! without changing a byte of it: every old entry is copied raw.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufReader, Read, Write};
use std::path::Path;

use zip::ZipArchive;

use super::{Signer, WriteError, options, signature_files, write_zip_atomic, zip_time};
use crate::bundle::layout;
use crate::bundle::signed::TagManifestDigests;
use crate::digest::{Sha256Digest, Sha512Digest};
use crate::keys::KeyId;
use crate::utc::UtcTime;

/// Where a co-signed bundle goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CosignOutput<'a> {
    /// Replace the bundle itself, atomically (every earlier byte is kept).
    InPlace,
    /// A new file, which must not exist.
    NewFile(&'a Path),
}

/// Adds a signature to an existing bundle, copying every entry untouched.
/// The caller verifies the bundle first (see [`crate::bundle::cosign`]).
pub fn cosign(
    bundle: &Path,
    signer: &Signer<'_>,
    output: CosignOutput<'_>,
) -> Result<Sha256Digest, WriteError> {
    if let CosignOutput::NewFile(out) = output
        && out.exists()
    {
        return Err(WriteError::Exists(out.to_path_buf()));
    }
    let mut archive = open_archive(bundle)?;
    let signed = SignedParts::read(&mut archive, bundle)?;
    let key = KeyId::of(&signer.key.verifying_key());
    let own = format!("{}{}", layout::SIGNATURES_DIR, key.hex());
    if signed.names.iter().any(|n| n.contains(&own)) {
        return Err(WriteError::AlreadySigned(key));
    }
    let files = signature_files(
        &signed.root,
        signed.tagmanifest,
        signed.statement,
        signed.schema,
        signer,
    )?;
    insert(
        archive,
        &signed.root,
        &signed.names,
        files,
        signer.time,
        bundle,
        output,
    )
}

fn open_archive(bundle: &Path) -> Result<ZipArchive<BufReader<File>>, WriteError> {
    let file = File::open(bundle).map_err(|source| WriteError::Io {
        path: bundle.to_path_buf(),
        source,
    })?;
    ZipArchive::new(BufReader::new(file)).map_err(|e| WriteError::Zip(e.to_string()))
}

/// Adds files under `signatures/` to a bundle (time-stamp tokens), copying
/// every entry untouched; the new entries get the zip timestamp of `time`.
/// The caller checks the bundle first (see [`crate::bundle::stamp`]).
pub fn add_signature_files(
    bundle: &Path,
    files: Vec<(String, Vec<u8>)>,
    time: UtcTime,
    output: CosignOutput<'_>,
) -> Result<Sha256Digest, WriteError> {
    if let CosignOutput::NewFile(out) = output
        && out.exists()
    {
        return Err(WriteError::Exists(out.to_path_buf()));
    }
    let mut archive = open_archive(bundle)?;
    let signed = SignedParts::read(&mut archive, bundle)?;
    for (path, _) in &files {
        let full = format!("{}/{path}", signed.root);
        if !path.starts_with(layout::SIGNATURES_DIR) || signed.names.contains(&full) {
            return Err(WriteError::Zip(format!("{path} cannot be added")));
        }
    }
    insert(
        archive,
        &signed.root,
        &signed.names,
        files,
        time,
        bundle,
        output,
    )
}

/// Writes the bundle again with `files` inserted in name order: every old
/// entry's local header and data copied raw, so no signed byte changes.
fn insert(
    mut archive: ZipArchive<BufReader<File>>,
    root: &str,
    names: &[String],
    files: Vec<(String, Vec<u8>)>,
    time: UtcTime,
    bundle: &Path,
    output: CosignOutput<'_>,
) -> Result<Sha256Digest, WriteError> {
    let (out, replace) = match output {
        CosignOutput::InPlace => (bundle, true),
        CosignOutput::NewFile(out) => (out, false),
    };
    let new_by_name: BTreeMap<String, Vec<u8>> = files
        .into_iter()
        .map(|(p, b)| (format!("{root}/{p}"), b))
        .collect();
    // Every entry in byte order of its name: the old ones by index (copied
    // raw), the new ones by name.
    let mut order: Vec<(String, Option<usize>)> = names
        .iter()
        .cloned()
        .enumerate()
        .map(|(i, n)| (n, Some(i)))
        .collect();
    order.extend(new_by_name.keys().map(|n| (n.clone(), None)));
    order.sort_by(|a, b| a.0.cmp(&b.0));
    let time = zip_time(time);
    write_zip_atomic(out, !replace, |zip| {
        for (name, index) in &order {
            match index {
                Some(i) => {
                    let file = archive
                        .by_index_raw(*i)
                        .map_err(|e| io::Error::other(e.to_string()))?;
                    zip.raw_copy_file(file)
                        .map_err(|e| io::Error::other(e.to_string()))?;
                }
                None => {
                    zip.start_file(name.clone(), options(time, true))
                        .map_err(|e| io::Error::other(e.to_string()))?;
                    zip.write_all(&new_by_name[name])?;
                }
            }
        }
        Ok(())
    })
}

/// What a new signature binds, read from an existing bundle.
struct SignedParts {
    /// The root folder (bag name).
    root: String,
    /// Every entry name, in archive order.
    names: Vec<String>,
    tagmanifest: TagManifestDigests,
    statement: Sha256Digest,
    schema: Sha256Digest,
}

impl SignedParts {
    fn read(archive: &mut ZipArchive<BufReader<File>>, bundle: &Path) -> Result<Self, WriteError> {
        let zip_err = |e: zip::result::ZipError| WriteError::Zip(e.to_string());
        let names = (0..archive.len())
            .map(|i| {
                Ok(archive
                    .by_index_raw(i)
                    .map_err(zip_err)?
                    .name()
                    .map_err(zip_err)?
                    .into_owned())
            })
            .collect::<Result<Vec<String>, WriteError>>()?;
        let root = names
            .first()
            .and_then(|n| n.split('/').next())
            .unwrap_or_default()
            .to_string();
        let mut read = |rel: &str| -> Result<Vec<u8>, WriteError> {
            let mut bytes = Vec::new();
            archive
                .by_name(&format!("{root}/{rel}"))
                .map_err(|e| WriteError::Zip(format!("{rel}: {e}")))?
                .read_to_end(&mut bytes)
                .map_err(|source| WriteError::Io {
                    path: bundle.to_path_buf(),
                    source,
                })?;
            Ok(bytes)
        };
        let tagmanifest = TagManifestDigests {
            sha256: Sha256Digest::of_bytes(&read("tagmanifest-sha256.txt")?),
            sha512: Sha512Digest::of_bytes(&read("tagmanifest-sha512.txt")?),
        };
        let statement = crate::canonical::canonical_digest(&read(layout::STATEMENT_PATH)?)
            .map_err(|e| WriteError::Zip(format!("statement: {e}")))?;
        let schema_dir = format!("{root}/{}", layout::SCHEMA_DIR);
        let schema_name = names
            .iter()
            .find_map(|n| n.strip_prefix(&schema_dir).map(str::to_owned))
            .ok_or_else(|| WriteError::Zip("no embedded schema".into()))?;
        let schema =
            Sha256Digest::of_bytes(&read(&format!("{}{schema_name}", layout::SCHEMA_DIR))?);
        Ok(Self {
            root,
            names,
            tagmanifest,
            statement,
            schema,
        })
    }
}
