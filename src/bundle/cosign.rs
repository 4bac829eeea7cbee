//! The cosign workflow: verify the bundle first — it must be intact, every
//! signature valid and bound, whatever the trust says —, check that the new
//! signer is a party of the statement, then add the signature without
//! changing a byte of what was signed before.

use std::path::{Path, PathBuf};

use super::seal::SignerIdentity;
use super::writer::{self, CosignOutput, Signer, WriteError};
use crate::digest::Sha256Digest;
use crate::keyring::TrustSet;
use crate::keys::KeyId;
use crate::party::{PartyCode, Role};
use crate::utc::UtcTime;
use crate::verify::{self, Policy, PolicyChoice, VerifyError, VerifyOptions, VerifyReport};

/// What to co-sign.
pub struct CosignRequest<'a> {
    /// The bundle.
    pub bundle: &'a Path,
    /// Who signs.
    pub signer: SignerIdentity<'a>,
    /// When.
    pub time: UtcTime,
    /// A new file, or (`None`) the bundle replaced atomically.
    pub output: Option<&'a Path>,
    /// The trust the bundle is checked under (for the report only: an
    /// unknown earlier signer does not stop a co-signature).
    pub trust: &'a TrustSet,
    /// A TSA to stamp the new signature, when given.
    pub tsa: Option<super::stamp::Tsa<'a>>,
}

/// A co-signed bundle.
#[derive(Debug)]
pub struct Cosigned {
    /// Where it was written.
    pub path: PathBuf,
    /// SHA-256 of the new bundle file.
    pub digest: Sha256Digest,
    /// The time-stamp token obtained, when a TSA was given.
    pub token: Option<super::stamp::TokenNote>,
}

/// Why nothing was co-signed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CosignError {
    /// The bundle cannot be read.
    #[error(transparent)]
    Open(#[from] VerifyError),
    /// The bundle is altered or a signature in it fails: adding to it would
    /// vouch for something broken.
    #[error("{path} does not verify; refusing to co-sign it")]
    Broken {
        /// The bundle.
        path: PathBuf,
        /// The verification.
        report: Box<VerifyReport>,
    },
    /// The key has signed this bundle already.
    #[error("key {0} has already signed this bundle")]
    AlreadySigned(KeyId),
    /// The signer's party is not one the statement names in that role.
    #[error(
        "the statement of {path} does not name {party} as a {role}, so a signature for it would not count"
    )]
    NotAParty {
        /// The bundle.
        path: PathBuf,
        /// The party.
        party: PartyCode,
        /// The role.
        role: Role,
    },
    /// Writing failed (nothing is left behind; the bundle is unchanged).
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// Verifies, then co-signs.
pub fn cosign(request: CosignRequest<'_>) -> Result<Cosigned, CosignError> {
    let policy = PolicyChoice {
        policy: Policy::AllowPartial,
        origin: verify::PolicyOrigin::Default,
    };
    let report = verify::verify_path(
        request.bundle,
        &VerifyOptions {
            trust: request.trust,
            policy: &policy,
            evidence: None,
            progress: &verify::no_progress,
        },
    )?;
    if !report.is_intact() {
        return Err(CosignError::Broken {
            path: request.bundle.to_path_buf(),
            report: Box::new(report),
        });
    }
    let key = KeyId::of(&request.signer.key.verifying_key());
    if report.signers.iter().any(|s| s.key == key) {
        return Err(CosignError::AlreadySigned(key));
    }
    let named = report
        .parties
        .iter()
        .any(|p| p.id == request.signer.party && p.role == request.signer.role);
    if !named {
        return Err(CosignError::NotAParty {
            path: request.bundle.to_path_buf(),
            party: request.signer.party,
            role: request.signer.role,
        });
    }
    let stamping = request.tsa.map(super::stamp::Stamping::new);
    let stamp = stamping.as_ref().map(|s| move |sig: &[u8]| s.stamp(sig));
    let signer = Signer {
        key: request.signer.key,
        party: request.signer.party,
        signer: request.signer.signer,
        role: request.signer.role,
        time: request.time,
        stamp: stamp.as_ref().map(|f| f as &writer::Stamp<'_>),
    };
    let (output, path) = match request.output {
        Some(out) => (CosignOutput::NewFile(out), out.to_path_buf()),
        None => (CosignOutput::InPlace, request.bundle.to_path_buf()),
    };
    let digest = writer::cosign(request.bundle, &signer, output)?;
    Ok(Cosigned {
        path,
        digest,
        token: stamping.and_then(|s| s.note()),
    })
}
