//! The check model: one check has a stable code, a status, what it is about
//! and a message. Verify and the archive audit share the shape, each with its
//! own code enum.

use std::fmt;

use serde::Serialize;

/// Result of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    /// Holds.
    Pass,
    /// Does not hold.
    Fail,
    /// Worth knowing; does not fail anything.
    Warn,
}

/// The stable codes of verify's checks (docs/FORMAT.md §5.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum CheckCode {
    /// The zip container is safe and consistent.
    Container,
    /// `bagit.txt`.
    BagDeclaration,
    /// `bag-info.txt`.
    BagInfo,
    /// Which manifests exist and can be read.
    BagManifests,
    /// Every payload file listed, nothing listed missing.
    BagComplete,
    /// Payload digests.
    BagPayloadDigest,
    /// Tag-file digests.
    BagTagDigest,
    /// `Payload-Oxum`.
    BagOxum,
    /// A tag file no tag manifest lists (a warning).
    BagUnlistedTagFile,
    /// `fetch.txt`: its lines, and files to be fetched that are not present (a warning).
    BagFetch,
    /// Files whose names differ only in case (a warning, RFC 8493 §6.2.1).
    BagNameCase,
    /// Names that match only after Unicode normalization (a warning, RFC 8493 §6.2.2).
    BagNameNormalization,
    /// Paths written with `./`, `.`, `//`, `..` or md5sum's `*` (a warning, RFC 8493 §6.4, §7.1).
    BagPathForm,
    /// Files an operating system adds (`.DS_Store`, `Thumbs.db`, …) (a warning).
    BagSystemFile,
    /// The docseal profile: `bagit.txt` is exactly FORMAT.md's bytes.
    ProfileDeclaration,
    /// The docseal profile: `bag-info.txt` holds exactly FORMAT.md's fields.
    ProfileBagInfo,
    /// The docseal profile: exactly the sha256 and sha512 manifests and tag
    /// manifests, in FORMAT.md's form, the tag manifests listing what it says.
    ProfileManifests,
    /// The docseal profile: no `fetch.txt`.
    ProfileFetch,
    /// The docseal profile: nothing outside FORMAT.md §5's layout.
    ProfileLayout,
    /// The docseal profile: the zip encoding of FORMAT.md §5.7 (hosts,
    /// versions, modes, flags, no extra fields, comments or folder entries,
    /// names in byte order).
    ProfileZipEncoding,
    /// The statement is valid against the embedded schema.
    StatementSchema,
    /// The statement's lints.
    StatementLints,
    /// `metadata/validation.json`.
    ValidationRecord,
    /// At least one signature.
    SignaturePresent,
    /// Each signature's files.
    SignatureFiles,
    /// The Ed25519 signature verifies.
    SignatureValid,
    /// The signature binds this bag.
    SignatureBinding,
    /// The signature's claims agree with what the keyring says of its key.
    SignatureIdentity,
    /// The party signed for is one the statement names, in its role.
    SignatureParty,
    /// The key is trusted at the signature's time.
    SignatureTrust,
    /// A time-stamp token over the signature holds (or its TSA is not vouched for).
    SignatureTimestamp,
    /// A time-stamp token fails one of its rules (docs/FORMAT.md §6.2).
    Timestamp(crate::timestamp::TokenCheck),
    /// The required parties signed.
    Policy,
}

impl CheckCode {
    /// The stable code, e.g. `bag.payload-digest`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Container => "container",
            Self::BagDeclaration => "bag.declaration",
            Self::BagInfo => "bag.info",
            Self::BagManifests => "bag.manifests",
            Self::BagComplete => "bag.complete",
            Self::BagPayloadDigest => "bag.payload-digest",
            Self::BagTagDigest => "bag.tag-digest",
            Self::BagOxum => "bag.oxum",
            Self::BagUnlistedTagFile => "bag.unlisted-tag-file",
            Self::BagFetch => "bag.fetch",
            Self::BagNameCase => "bag.name-case",
            Self::BagNameNormalization => "bag.name-normalization",
            Self::BagPathForm => "bag.path-form",
            Self::BagSystemFile => "bag.system-file",
            Self::ProfileDeclaration => "profile.declaration",
            Self::ProfileBagInfo => "profile.bag-info",
            Self::ProfileManifests => "profile.manifests",
            Self::ProfileFetch => "profile.fetch",
            Self::ProfileLayout => "profile.layout",
            Self::ProfileZipEncoding => "profile.zip-encoding",
            Self::StatementSchema => "statement.schema",
            Self::StatementLints => "statement.lints",
            Self::ValidationRecord => "statement.validation-record",
            Self::SignaturePresent => "signature.present",
            Self::SignatureFiles => "signature.files",
            Self::SignatureValid => "signature.valid",
            Self::SignatureBinding => "signature.binding",
            Self::SignatureIdentity => "signature.identity",
            Self::SignatureParty => "signature.party",
            Self::SignatureTrust => "signature.trust",
            Self::SignatureTimestamp => "signature.timestamp",
            Self::Timestamp(check) => check.code(),
            Self::Policy => "policy",
        }
    }

    /// Whether a failure of this check means the bundle was altered or is
    /// broken (as opposed to a question of trust or policy).
    pub fn is_integrity(self) -> bool {
        !matches!(
            self,
            Self::SignatureIdentity | Self::SignatureParty | Self::SignatureTrust | Self::Policy
        )
    }
}

impl fmt::Display for CheckCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for CheckCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// One check and its result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check<C = CheckCode> {
    /// Stable code.
    pub code: C,
    /// Result.
    pub status: CheckStatus,
    /// What the check is about (a file, a key id), when not the whole bag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Explanation.
    pub message: String,
}

/// Checks collected in order.
#[derive(Debug, Clone)]
pub struct Checks<C = CheckCode>(pub Vec<Check<C>>);

impl<C> Default for Checks<C> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<C: Copy> Checks<C> {
    /// Adds a check.
    pub fn push(
        &mut self,
        code: C,
        status: CheckStatus,
        subject: Option<&str>,
        message: impl Into<String>,
    ) {
        self.0.push(Check {
            code,
            status,
            subject: subject.map(str::to_owned),
            message: message.into(),
        });
    }

    /// A check that holds.
    pub fn pass(&mut self, code: C, subject: Option<&str>, message: impl Into<String>) {
        self.push(code, CheckStatus::Pass, subject, message);
    }

    /// A check that fails.
    pub fn fail(&mut self, code: C, subject: Option<&str>, message: impl Into<String>) {
        self.push(code, CheckStatus::Fail, subject, message);
    }

    /// A warning.
    pub fn warn(&mut self, code: C, subject: Option<&str>, message: impl Into<String>) {
        self.push(code, CheckStatus::Warn, subject, message);
    }

    /// No check failed.
    pub fn none_failed(&self) -> bool {
        self.0.iter().all(|c| c.status != CheckStatus::Fail)
    }
}
