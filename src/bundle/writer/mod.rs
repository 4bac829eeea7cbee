//! Writing bundles deterministically: `seal` (the first signature) and
//! `cosign` (one more, without changing a byte of what was signed before).
//!
//! Zip rules: entries sorted by byte order of their names, one fixed
//! timestamp, mode 0644, Unix host, UTF-8 names, Deflate for text and Stored
//! for attachments, no comments, no extra fields. The file is written to a
//! temporary name beside the target and renamed, never over an existing file.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Seek, Write};
use std::path::{Path, PathBuf};

use base64::Engine as _;
use ed25519_dalek::SigningKey;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::layout::{self, BagInfo};
use super::signed::{self, SignedStatement, TagManifestDigests};
use crate::digest::{Digests, Sha256Digest, Sha512Digest};
use crate::keys::{self, KeyId};
use crate::party::{PartyCode, Role};
use crate::utc::UtcTime;

mod hashing;
mod insert;

use hashing::copy_hashing;
pub use insert::{CosignOutput, add_signature_files, cosign};

/// Errors writing a bundle.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// Reading an input or writing the output failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// The output exists.
    #[error("{0} already exists; docseal never overwrites a bundle")]
    Exists(PathBuf),
    /// Two payload files would have the same name.
    #[error("two attachments are both named {0}")]
    DuplicateAttachment(String),
    /// The zip writer failed.
    #[error("writing the zip: {0}")]
    Zip(String),
    /// The key already signed this bundle.
    #[error("key {0} has already signed this bundle")]
    AlreadySigned(KeyId),
    /// No time-stamp token could be obtained; nothing was written.
    #[error(transparent)]
    Stamp(#[from] super::stamp::StampError),
}

/// Who signs, and when.
pub struct Signer<'a> {
    /// The signing key.
    pub key: &'a SigningKey,
    /// Party signed for.
    pub party: PartyCode,
    /// Who signs.
    pub signer: String,
    /// As what.
    pub role: Role,
    /// When: also the zip timestamp of the new entries.
    pub time: UtcTime,
    /// Gets a time-stamp token over the 64 signature bytes, stored as
    /// `signatures/<keyhex>.tsr` (docs/FORMAT.md §6), when given.
    pub stamp: Option<&'a Stamp<'a>>,
}

/// Gets the DER `TimeStampResp` of a token over the given signature bytes.
pub type Stamp<'a> = dyn Fn(&[u8]) -> Result<Vec<u8>, super::stamp::StampError> + 'a;

/// What goes into a new bundle.
pub struct SealInput<'a> {
    /// The statement id: the bag name.
    pub id: String,
    /// `data/statement.json`, exact bytes.
    pub statement: Vec<u8>,
    /// Canonical digest of the statement.
    pub statement_digest: Sha256Digest,
    /// `data/statement.txt`, when given.
    pub source_text: Option<PathBuf>,
    /// `data/attachments/<file name>`.
    pub attachments: Vec<PathBuf>,
    /// Schema file name (under `metadata/schema/`) and exact bytes.
    pub schema: (String, Vec<u8>),
    /// `metadata/validation.json` bytes.
    pub validation: Vec<u8>,
    /// `bag-info.txt` fields besides sizes and date.
    pub description: String,
    /// Parties, for `Source-Organization`.
    pub organization: String,
    /// The sealer.
    pub signer: Signer<'a>,
    /// Called with (payload bytes written, payload bytes in all), for a progress bar.
    pub progress: Option<crate::digest::Progress<'a>>,
}

enum Content {
    Bytes(Vec<u8>),
    File(PathBuf),
}

struct Entry {
    path: String,
    content: Content,
    deflate: bool,
}

/// Seals a new bundle at `out`. Returns its SHA-256.
///
/// One pass over the payload: each file is read once, written into the zip
/// and hashed on the way (SHA-256 and SHA-512 on two threads for large
/// files). The manifests sort after `data/`, so they are written once every
/// digest is known.
pub fn seal(input: &SealInput<'_>, out: &Path) -> Result<Sha256Digest, WriteError> {
    if out.exists() {
        return Err(WriteError::Exists(out.to_path_buf()));
    }
    let payload = payload_entries(input)?;
    let sizes = payload_sizes(&payload)?;
    let (bytes, count) = layout::oxum(&sizes);
    let info = BagInfo {
        external_identifier: input.id.clone(),
        external_description: input.description.clone(),
        source_organization: input.organization.clone(),
        bagging_date: input.signer.time.date().to_string(),
        payload_bytes: bytes,
        payload_files: count,
    };
    let zip_entries = ZipEntries {
        prefix: format!("{}/", input.id),
        time: zip_time(input.signer.time),
    };
    let mut failure: Option<WriteError> = None;
    let result = write_zip_atomic(out, true, |zip| {
        let info_text = info.text();
        for (path, bytes) in [
            ("bag-info.txt", info_text.as_bytes()),
            ("bagit.txt", layout::BAGIT_TXT.as_bytes()),
        ] {
            zip_entries.start(zip, path, true, false)?;
            zip.write_all(bytes)?;
        }
        let digests = write_payload(zip, &zip_entries, input, &payload, &sizes, &mut failure)?;
        let tags = match tag_files(input, &info_text, &digests) {
            Ok(tags) => tags,
            Err(e) => {
                failure = Some(WriteError::Stamp(e));
                return Err(io::Error::other("no time-stamp token"));
            }
        };
        for (path, bytes) in tags {
            zip_entries.start(zip, &path, true, false)?;
            zip.write_all(&bytes)?;
        }
        Ok(())
    });
    match (result, failure) {
        (Err(_), Some(failure)) => Err(failure),
        (result, _) => result,
    }
}

/// How every entry of a new bundle starts: under the root folder, with the one timestamp.
struct ZipEntries {
    prefix: String,
    time: zip::DateTime,
}

impl ZipEntries {
    fn start(
        &self,
        zip: &mut ZipWriter<File>,
        path: &str,
        deflate: bool,
        large: bool,
    ) -> io::Result<()> {
        zip.start_file(
            format!("{}{path}", self.prefix),
            options(self.time, deflate).large_file(large),
        )
        .map_err(|e| io::Error::other(e.to_string()))
    }
}

fn payload_sizes(payload: &[Entry]) -> Result<BTreeMap<String, u64>, WriteError> {
    let mut sizes = BTreeMap::new();
    for entry in payload {
        let size = match &entry.content {
            Content::Bytes(b) => b.len() as u64,
            Content::File(path) => std::fs::metadata(path)
                .map_err(|source| WriteError::Io {
                    path: path.clone(),
                    source,
                })?
                .len(),
        };
        sizes.insert(entry.path.clone(), size);
    }
    Ok(sizes)
}

/// Writes the payload, hashing each file once on the way. A file whose
/// length changed since it was measured sets `failure`.
fn write_payload(
    zip: &mut ZipWriter<File>,
    entries: &ZipEntries,
    input: &SealInput<'_>,
    payload: &[Entry],
    sizes: &BTreeMap<String, u64>,
    failure: &mut Option<WriteError>,
) -> io::Result<Vec<(String, Digests)>> {
    let total: u64 = sizes.values().sum();
    let mut digests = Vec::with_capacity(payload.len());
    let mut written = 0u64;
    for entry in payload {
        // ZIP64 only for entries that need it (4 GiB or more), so that
        // ordinary bundles stay readable by the oldest unzip.
        let large = sizes[&entry.path] >= u64::from(u32::MAX);
        entries.start(zip, &entry.path, entry.deflate, large)?;
        let found = match &entry.content {
            Content::Bytes(bytes) => {
                zip.write_all(bytes)?;
                Digests::of_bytes(bytes)
            }
            Content::File(path) => {
                let before = written;
                let report = |n: u64| {
                    if let Some(progress) = input.progress {
                        progress(before + n, total);
                    }
                };
                copy_hashing(File::open(path)?, zip, sizes[&entry.path], &report)?
            }
        };
        if found.length != sizes[&entry.path] {
            *failure = Some(WriteError::Io {
                path: PathBuf::from(&entry.path),
                source: io::Error::other("the file changed while it was being sealed"),
            });
            return Err(io::Error::other("input changed"));
        }
        written += found.length;
        digests.push((entry.path.clone(), found));
    }
    Ok(digests)
}

/// The payload: statement, source text, attachments, sorted by path.
fn payload_entries(input: &SealInput<'_>) -> Result<Vec<Entry>, WriteError> {
    let mut payload = vec![Entry {
        path: layout::STATEMENT_PATH.into(),
        content: Content::Bytes(input.statement.clone()),
        deflate: true,
    }];
    if let Some(text) = &input.source_text {
        payload.push(Entry {
            path: layout::SOURCE_PATH.into(),
            content: Content::File(text.clone()),
            deflate: true,
        });
    }
    for file in &input.attachments {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let path = format!("{}{name}", layout::ATTACHMENTS_DIR);
        if payload.iter().any(|e| e.path == path) {
            return Err(WriteError::DuplicateAttachment(name));
        }
        payload.push(Entry {
            path,
            content: Content::File(file.clone()),
            deflate: is_text(&name),
        });
    }
    payload.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(payload)
}

/// Every tag file after the payload, sorted by path: manifests, metadata,
/// the sealer's signature files, tag manifests.
fn tag_files(
    input: &SealInput<'_>,
    bag_info: &str,
    digests: &[(String, Digests)],
) -> Result<BTreeMap<String, Vec<u8>>, super::stamp::StampError> {
    let mut tags: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    tags.insert("bagit.txt".into(), layout::BAGIT_TXT.as_bytes().to_vec());
    tags.insert("bag-info.txt".into(), bag_info.as_bytes().to_vec());
    tags.insert(
        "manifest-sha256.txt".into(),
        layout::manifest_text(digests.iter().map(|(p, d)| (p.as_str(), d.sha256.hex())))
            .into_bytes(),
    );
    tags.insert(
        "manifest-sha512.txt".into(),
        layout::manifest_text(digests.iter().map(|(p, d)| (p.as_str(), d.sha512.hex())))
            .into_bytes(),
    );
    tags.insert(
        format!("{}{}", layout::SCHEMA_DIR, input.schema.0),
        input.schema.1.clone(),
    );
    tags.insert(layout::VALIDATION_PATH.into(), input.validation.clone());
    let tag_digests: Vec<(String, Digests)> = tags
        .iter()
        .map(|(p, b)| (p.clone(), Digests::of_bytes(b)))
        .collect();
    let tm256 = layout::manifest_text(
        tag_digests
            .iter()
            .map(|(p, d)| (p.as_str(), d.sha256.hex())),
    );
    let tm512 = layout::manifest_text(
        tag_digests
            .iter()
            .map(|(p, d)| (p.as_str(), d.sha512.hex())),
    );
    let bound = TagManifestDigests {
        sha256: Sha256Digest::of_bytes(tm256.as_bytes()),
        sha512: Sha512Digest::of_bytes(tm512.as_bytes()),
    };
    tags.insert("tagmanifest-sha256.txt".into(), tm256.into_bytes());
    tags.insert("tagmanifest-sha512.txt".into(), tm512.into_bytes());
    let schema_digest = Sha256Digest::of_bytes(&input.schema.1);
    tags.extend(signature_files(
        &input.id,
        bound,
        input.statement_digest,
        schema_digest,
        &input.signer,
    )?);
    // Already written before the payload.
    tags.remove("bagit.txt");
    tags.remove("bag-info.txt");
    Ok(tags)
}

/// The three files of one signature.
fn signature_files(
    bag: &str,
    tagmanifest: TagManifestDigests,
    statement: Sha256Digest,
    schema: Sha256Digest,
    signer: &Signer<'_>,
) -> Result<Vec<(String, Vec<u8>)>, super::stamp::StampError> {
    let key = KeyId::of(&signer.key.verifying_key());
    let signed = SignedStatement {
        kind: signed::SIGNATURE_TYPE.into(),
        bag: bag.into(),
        tagmanifest,
        statement,
        schema,
        key,
        party: signer.party.clone(),
        signer: signer.signer.clone(),
        role: signer.role,
        signed_at: signer.time,
    };
    let bytes = signed.signing_bytes();
    let signature = keys::sign(signer.key, &bytes);
    let mut sig_text = base64::engine::general_purpose::STANDARD.encode(signature);
    sig_text.push('\n');
    let base = format!("{}{}", layout::SIGNATURES_DIR, key.hex());
    let mut files = vec![
        (format!("{base}.json"), bytes),
        (
            format!("{base}.pub.pem"),
            keys::public_key_pem(&signer.key.verifying_key()).into_bytes(),
        ),
        (format!("{base}.sig"), sig_text.into_bytes()),
    ];
    if let Some(stamp) = signer.stamp {
        files.push((format!("{base}.tsr"), stamp(&signature)?));
    }
    Ok(files)
}

fn is_text(name: &str) -> bool {
    let ext = name
        .rsplit('.')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    matches!(
        ext.as_str(),
        "txt" | "json" | "xml" | "html" | "htm" | "csv" | "md" | "tsv"
    )
}

fn options(time: zip::DateTime, deflate: bool) -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(if deflate {
            CompressionMethod::Deflated
        } else {
            CompressionMethod::Stored
        })
        .last_modified_time(time)
        .unix_permissions(0o644)
        .system(zip::System::Unix)
        .large_file(false)
}

/// The zip timestamp of a time (clamped to what DOS times can hold).
fn zip_time(t: UtcTime) -> zip::DateTime {
    let t = t.datetime();
    let year = t.year().clamp(1980, 2107) as u16;
    zip::DateTime::from_date_and_time(
        year,
        t.month() as u8,
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
    )
    .unwrap_or_default()
}

fn write_zip_atomic(
    out: &Path,
    no_clobber: bool,
    fill: impl FnOnce(&mut ZipWriter<File>) -> io::Result<()>,
) -> Result<Sha256Digest, WriteError> {
    let io_err = |source| WriteError::Io {
        path: out.to_path_buf(),
        source,
    };
    crate::fsutil::write_atomic_with(out, no_clobber, |file| {
        let handle = file.try_clone()?;
        let mut zip = ZipWriter::new(handle);
        if let Err(e) = fill(&mut zip) {
            // Dropping an unfinished ZipWriter makes it try to finish the
            // archive and print to stderr; the temporary file is discarded
            // anyway, so skip its Drop (this leaks one file handle).
            std::mem::forget(zip);
            return Err(e);
        }
        let mut inner = zip.finish().map_err(|e| io::Error::other(e.to_string()))?;
        inner.flush()?;
        Ok(())
    })
    .map_err(|e| {
        if e.kind() == io::ErrorKind::AlreadyExists {
            WriteError::Exists(out.to_path_buf())
        } else {
            io_err(e)
        }
    })?;
    let mut file = File::open(out).map_err(io_err)?;
    file.rewind().map_err(io_err)?;
    Sha256Digest::of_reader(file).map_err(io_err)
}
