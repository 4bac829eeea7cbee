//! The seal workflow: read the statement, validate it (schema and lints,
//! against its source text when given), refuse it if invalid, record what
//! was checked (`metadata/validation.json`), and write the signed bundle.
//! Exactly what `docseal seal` does; the CLI only gathers the inputs.

use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;

use super::record::ValidationRecord;
use super::writer::{self, Signer, WriteError};
use crate::digest::{Progress, Sha256Digest};
use crate::document::DocumentError;
use crate::finding::{Finding, Level};
use crate::keyring::Keyring;
use crate::keys::KeyId;
use crate::lint::LintConfig;
use crate::party::{PartyCode, Role};
use crate::schema::SchemaError;
use crate::utc::UtcTime;
use crate::validate::{CheckOptions, Checker, FileReport};

/// The schema file name inside the bundle (`metadata/schema/…`).
pub const SCHEMA_FILE: &str = "joint-statement.schema.json";

/// Who signs: the key and the identity it signs with.
#[derive(Debug)]
pub struct SignerIdentity<'a> {
    /// The key.
    pub key: &'a SigningKey,
    /// The party signed for.
    pub party: PartyCode,
    /// Who signs.
    pub signer: String,
    /// As what.
    pub role: Role,
}

/// What a person asked to sign as (flags); the keyring fills in the rest.
#[derive(Debug, Clone, Default)]
pub struct AskedIdentity {
    /// `--party`.
    pub party: Option<PartyCode>,
    /// `--signer`.
    pub signer: Option<String>,
    /// `--role`.
    pub role: Option<Role>,
}

/// The identity could not be settled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdentityError {
    /// The key is not in the keyring and the flags do not say who signs.
    #[error("key {key} is not in the keyring {keyring}, so its party and signer are unknown")]
    UnknownKey {
        /// The key.
        key: KeyId,
        /// The keyring looked in.
        keyring: PathBuf,
    },
    /// What was asked contradicts the keyring: the signature would fail.
    #[error("the keyring {keyring} says key {key} signs as {field} {expected:?}, not {found:?}")]
    Contradicts {
        /// The key.
        key: KeyId,
        /// The keyring.
        keyring: PathBuf,
        /// `party`, `signer` or `role`.
        field: &'static str,
        /// What the keyring says.
        expected: String,
        /// What was asked.
        found: String,
    },
}

/// Settles who signs: what the keyring says of the key, which the flags may
/// repeat but not contradict; for a key the keyring does not know, the
/// flags must name the party and the signer.
pub fn signer_identity<'a>(
    key: &'a SigningKey,
    keyring: &Keyring,
    asked: AskedIdentity,
) -> Result<SignerIdentity<'a>, IdentityError> {
    let id = KeyId::of(&key.verifying_key());
    let Some(entry) = keyring.entry(&id) else {
        return match (asked.party, asked.signer) {
            (Some(party), Some(signer)) => Ok(SignerIdentity {
                key,
                party,
                signer,
                role: asked.role.unwrap_or_default(),
            }),
            _ => Err(IdentityError::UnknownKey {
                key: id,
                keyring: keyring.dir.clone(),
            }),
        };
    };
    let contradicts = |field, expected: String, found: String| IdentityError::Contradicts {
        key: id,
        keyring: keyring.dir.clone(),
        field,
        expected,
        found,
    };
    if let Some(p) = &asked.party
        && *p != entry.party
    {
        return Err(contradicts("party", entry.party.to_string(), p.to_string()));
    }
    if let Some(s) = &asked.signer
        && !crate::party::same_name(s, &entry.signer)
    {
        return Err(contradicts("signer", entry.signer.clone(), s.clone()));
    }
    if let Some(r) = asked.role
        && r != entry.role
    {
        return Err(contradicts("role", entry.role.to_string(), r.to_string()));
    }
    Ok(SignerIdentity {
        key,
        party: entry.party.clone(),
        signer: entry.signer.clone(),
        role: entry.role,
    })
}

/// What to seal.
pub struct SealRequest<'a> {
    /// The statement JSON.
    pub statement: &'a Path,
    /// Its source text (stored as `data/statement.txt`, checked by the
    /// source-span lint).
    pub source_text: Option<&'a Path>,
    /// Files for `data/attachments/`.
    pub attachments: &'a [PathBuf],
    /// Lint levels.
    pub lints: LintConfig,
    /// Who signs.
    pub signer: SignerIdentity<'a>,
    /// The seal time (also the zip timestamp and the validation time).
    pub time: UtcTime,
    /// Where to write; by default `<statement id>.zip` in the current folder.
    pub output: Option<PathBuf>,
    /// Called as the payload is written.
    pub progress: Option<Progress<'a>>,
    /// A TSA to stamp the signature, when given.
    pub tsa: Option<super::stamp::Tsa<'a>>,
}

/// A sealed bundle.
#[derive(Debug)]
pub struct Sealed {
    /// Where it was written.
    pub path: PathBuf,
    /// SHA-256 of the bundle file.
    pub digest: Sha256Digest,
    /// The statement id (the bag name).
    pub id: String,
    /// Warnings found by validation (recorded in the bundle too).
    pub warnings: Vec<Finding>,
    /// The time-stamp token obtained, when a TSA was given.
    pub token: Option<super::stamp::TokenNote>,
}

/// Why nothing was sealed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SealError {
    /// The statement or its source text cannot be read.
    #[error(transparent)]
    Read(#[from] DocumentError),
    /// The statement is not valid; the report says why.
    #[error("{path} is not valid; nothing was sealed")]
    Invalid {
        /// The statement.
        path: PathBuf,
        /// Every finding.
        report: Box<FileReport>,
    },
    /// The signer's party is not one the statement names in that role: the
    /// signature would never count.
    #[error(
        "{path} does not name {party} as a {role}, so a signature for it would not count; nothing was sealed"
    )]
    NotAParty {
        /// The statement.
        path: PathBuf,
        /// The party.
        party: PartyCode,
        /// The role.
        role: Role,
    },
    /// The statement has no canonical form (it passed validation, so this
    /// means a number or string JSON allows and RFC 8785 does not).
    #[error(transparent)]
    Canonical(#[from] crate::canonical::CanonicalError),
    /// The built-in schema cannot be used (a build problem).
    #[error(transparent)]
    Schema(#[from] SchemaError),
    /// Writing the bundle failed (nothing is left behind).
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// Seals a statement: validates it, records the validation, writes the bundle.
pub fn seal(request: SealRequest<'_>) -> Result<Sealed, SealError> {
    let (bytes, report) = validated(&request)?;
    // Valid against the schema: strict JSON with an id, parties and a canonical form.
    let value = crate::document::parse_strict(&bytes)?;
    check_party(&value, &request)?;
    let id = value["id"].as_str().unwrap_or_default().to_string();
    let statement_digest = crate::canonical::canonical_digest(&bytes)?;
    let schema = crate::schema::joint_statement(Default::default())?;
    let warnings: Vec<Finding> = report
        .findings()
        .iter()
        .filter(|f| f.level == Level::Warning)
        .cloned()
        .collect();
    let record = ValidationRecord::new(
        request.time,
        &schema.name,
        schema.digest,
        statement_digest,
        report.findings(),
    );
    let (description, organization) = bag_info_texts(&value);
    let stamping = request.tsa.map(super::stamp::Stamping::new);
    let stamp = stamping.as_ref().map(|s| move |sig: &[u8]| s.stamp(sig));
    let input = writer::SealInput {
        id: id.clone(),
        statement: bytes,
        statement_digest,
        source_text: request.source_text.map(Path::to_path_buf),
        attachments: request.attachments.to_vec(),
        schema: (SCHEMA_FILE.into(), schema.bytes.to_vec()),
        validation: record.to_bytes(),
        description,
        organization,
        signer: Signer {
            key: request.signer.key,
            party: request.signer.party,
            signer: request.signer.signer,
            role: request.signer.role,
            time: request.time,
            stamp: stamp.as_ref().map(|f| f as &writer::Stamp<'_>),
        },
        progress: request.progress,
    };
    let path = request
        .output
        .unwrap_or_else(|| PathBuf::from(format!("{id}.zip")));
    let digest = writer::seal(&input, &path)?;
    Ok(Sealed {
        path,
        digest,
        id,
        warnings,
        token: stamping.and_then(|s| s.note()),
    })
}

/// Reads and validates the statement (against its source text when given);
/// an invalid statement is an error carrying the whole report.
fn validated(request: &SealRequest<'_>) -> Result<(Vec<u8>, FileReport), SealError> {
    let max = crate::document::DEFAULT_MAX_SIZE;
    let bytes = crate::document::read_limited(request.statement, max)?;
    let source_text = request
        .source_text
        .map(|p| crate::document::read_limited(p, max))
        .transpose()?;
    let checker = Checker::new(CheckOptions {
        lints: request.lints.clone(),
        ..CheckOptions::default()
    })?;
    let report = checker.check_with_source(
        &request.statement.display().to_string(),
        bytes.clone(),
        source_text.as_deref(),
    );
    if !report.is_valid() {
        return Err(SealError::Invalid {
            path: request.statement.to_path_buf(),
            report: Box::new(report),
        });
    }
    Ok((bytes, report))
}

fn check_party(value: &serde_json::Value, request: &SealRequest<'_>) -> Result<(), SealError> {
    let named = value["parties"].as_array().into_iter().flatten().any(|p| {
        p["id"].as_str() == Some(request.signer.party.as_str())
            && p["role"].as_str() == Some(request.signer.role.as_str())
    });
    if named {
        Ok(())
    } else {
        Err(SealError::NotAParty {
            path: request.statement.to_path_buf(),
            party: request.signer.party.clone(),
            role: request.signer.role,
        })
    }
}

/// `External-Description` (the title, else `<type> of <party names>`) and
/// `Source-Organization` (the party names) of `bag-info.txt`.
fn bag_info_texts(value: &serde_json::Value) -> (String, String) {
    let parties: Vec<String> = value["parties"]
        .as_array()
        .map(|ps| {
            ps.iter()
                .filter_map(|p| p["name"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let description = value["title"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| {
            format!(
                "{} of {}",
                value["type"].as_str().unwrap_or("statement"),
                parties.join(" and ")
            )
        });
    (description, parties.join("; "))
}
