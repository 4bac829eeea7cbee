//! Writing bundles deterministically: `seal` (the first signature) and
//! `cosign` (one more, without changing a byte of what was signed before).
//!
//! Zip rules: entries sorted by byte order of their names, one fixed
//! timestamp, mode 0644, Unix host, UTF-8 names, Deflate for text and Stored
//! for attachments, no comments, no extra fields. The file is written to a
//! temporary name beside the target and renamed, never over an existing file.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, Write};
use std::path::{Path, PathBuf};

use base64::Engine as _;
use ed25519_dalek::SigningKey;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::layout::{self, BagInfo};
use super::signed::{self, SignedStatement, TagManifestDigests};
use crate::digest::{Digests, Sha256Digest, Sha512Digest};
use crate::keys::{self, KeyId};
use crate::party::{PartyCode, Role};
use crate::utc::UtcTime;

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

/// Copies `reader` into `out` while hashing it. Large inputs are hashed by
/// two threads (one per algorithm) while this one reads and writes.
fn copy_hashing(
    reader: impl Read,
    out: &mut dyn Write,
    size: u64,
    progress: &dyn Fn(u64),
) -> io::Result<Digests> {
    if size < 8 << 20 {
        copy_hashing_small(reader, out, progress)
    } else {
        copy_hashing_large(reader, out, progress)
    }
}

fn copy_hashing_small(
    mut reader: impl Read,
    out: &mut dyn Write,
    progress: &dyn Fn(u64),
) -> io::Result<Digests> {
    let mut hasher = crate::digest::DualHasher::new();
    let mut copied = 0u64;
    let mut buffer = vec![0u8; 256 * 1024];
    loop {
        let n = match reader.read(&mut buffer) {
            Ok(0) => return Ok(hasher.finish()),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buffer[..n]);
        out.write_all(&buffer[..n])?;
        copied += n as u64;
        progress(copied);
    }
}

/// Reads a chunk of up to `CHUNK` bytes (fewer only at the end).
fn read_chunk(reader: &mut impl Read) -> io::Result<Vec<u8>> {
    const CHUNK: usize = 1 << 20;
    let mut buffer = vec![0u8; CHUNK];
    let mut filled = 0;
    while filled < CHUNK {
        match reader.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    buffer.truncate(filled);
    Ok(buffer)
}

fn copy_hashing_large(
    mut reader: impl Read,
    out: &mut dyn Write,
    progress: &dyn Fn(u64),
) -> io::Result<Digests> {
    use sha2::Digest as _;
    use std::sync::Arc;
    use std::sync::mpsc::sync_channel;
    std::thread::scope(|scope| {
        let (tx256, rx256) = sync_channel::<Arc<Vec<u8>>>(4);
        let (tx512, rx512) = sync_channel::<Arc<Vec<u8>>>(4);
        let h256 = scope.spawn(move || {
            let mut h = sha2::Sha256::new();
            rx256.into_iter().for_each(|chunk| h.update(&chunk[..]));
            Sha256Digest(h.finalize().into())
        });
        let h512 = scope.spawn(move || {
            let mut h = sha2::Sha512::new();
            rx512.into_iter().for_each(|chunk| h.update(&chunk[..]));
            Sha512Digest(h.finalize().into())
        });
        let mut length = 0u64;
        let copied: io::Result<()> = (|| loop {
            let chunk = read_chunk(&mut reader)?;
            if chunk.is_empty() {
                return Ok(());
            }
            out.write_all(&chunk)?;
            length += chunk.len() as u64;
            progress(length);
            let chunk = Arc::new(chunk);
            // A hasher thread only stops early if it panicked; join reports that.
            let _ = tx256.send(Arc::clone(&chunk));
            let _ = tx512.send(chunk);
        })();
        drop(tx256);
        drop(tx512);
        let sha256 = h256
            .join()
            .map_err(|_| io::Error::other("SHA-256 thread failed"))?;
        let sha512 = h512
            .join()
            .map_err(|_| io::Error::other("SHA-512 thread failed"))?;
        copied?;
        Ok(Digests {
            sha256,
            sha512,
            length,
        })
    })
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
