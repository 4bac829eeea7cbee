//! docseal turns a diplomatic statement — a joint statement, declaration or
//! communiqué between states — into a long-term record that anyone can check,
//! decades later and offline, with docseal or with standard tools.
//!
//! ```text
//! text ──import──▶ statement.json ──validate──▶ seal (hash + sign) ──▶ bundle.zip ──▶ archive/
//! ```
//!
//! The library never prints and never exits; the `docseal` binary is a thin
//! layer over it. The main types:
//!
//! - [`document::Document`]: a JSON document read strictly (duplicate keys
//!   refused) with its exact bytes, so errors point at `line:column`.
//! - [`finding::Finding`]: one problem found in a document, with its
//!   [`finding::Level`], its stable [`finding::RuleId`] and its position.
//! - [`schema::CompiledSchema`]: a JSON Schema (built-in or user, any draft)
//!   compiled once, resolving `$ref`s offline only.
//! - [`validate::Checker`]: validates many documents, producing
//!   [`validate::FileReport`]s that [`report`] renders as text, JSON, SARIF,
//!   JUnit or GitHub annotations.
//! - [`digest`]: streaming SHA-256/SHA-512 and the `sha256:<hex>` text form.
//! - [`canonical`]: RFC 8785 canonical bytes, the statement's identity.
//! - [`keys`], [`keyring`]: Ed25519 key files (OpenSSL-compatible); the
//!   keyring says whose each key is, as what, and when it counts.
//! - [`bundle`]: the BagIt-in-zip bundle: formats, readers, the seal and
//!   cosign workflows, inspect and extract.
//! - [`verify`]: every check, the policy, and the verdict — authentic,
//!   intact but not vouched for, or not authentic.
//! - [`party`], [`utc`]: party codes and roles; instants at second precision.
//! - [`import`]: plain text to a statement with exact spans.
//! - [`lint`]: what a schema cannot see (homoglyphs, numbering, dates, …).
//! - [`archive`]: content-addressed store, Merkle log, catalog.
//! - [`tlog`]: the log as C2SP tlog-tiles (hash tiles, entry bundles, proofs from O(log N) tiles).
//!
//! # Example
//!
//! Seal the reference statement exactly as `docseal seal` does (validation,
//! lints, the validation record, the deterministic zip), then verify it
//! against a keyring that trusts the sealer's key:
//!
//! ```
//! use docseal::bundle::seal::{self, AskedIdentity, SealRequest};
//! use docseal::keyring::{Keyring, TrustSet};
//! use docseal::verify::{self, PolicyChoice, Verdict, VerifyOptions};
//!
//! let keyring = Keyring::open("tests/data/keyring".as_ref())?;
//! let key = docseal::keys::read_private_key("tests/data/keys/kz-test.key.pem".as_ref(), &mut || None)?.key;
//! let dir = tempfile::tempdir()?;
//! let sealed = seal::seal(SealRequest {
//!     statement: "statements/kz-rs-2026-02-27.json".as_ref(),
//!     source_text: Some("statements/kz-rs-2026-02-27.txt".as_ref()),
//!     attachments: &[],
//!     lints: Default::default(),
//!     // Who signs comes from the keyring's entry for the key.
//!     signer: seal::signer_identity(&key, &keyring, AskedIdentity::default())?,
//!     time: docseal::utc::UtcTime::parse_strict("2026-02-27T10:00:00Z")?,
//!     output: Some(dir.path().join("kz-rs.zip")),
//!     progress: None,
//!     tsa: None, // no network without a time-stamping authority
//! })?;
//! assert_eq!(sealed.warnings.len(), 1, "the homoglyph in paragraph 12 is recorded");
//!
//! // Only Kazakhstan has signed: by default every signatory party must.
//! let options = VerifyOptions {
//!     trust: &TrustSet::from_keyring(&keyring),
//!     policy: &PolicyChoice::default(),
//!     evidence: None,
//!     progress: &verify::no_progress,
//! };
//! let report = verify::verify_path(&sealed.path, &options)?;
//! assert_eq!(report.verdict, Verdict::NotAuthentic);
//! assert!(report.reasons.iter().any(|r| r.contains("RS (Republic of Serbia) has not signed")));
//! assert!(report.is_intact(), "nothing was altered");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod archive;
pub mod bundle;
pub mod canonical;
pub mod config;
pub mod digest;
pub mod document;
pub mod finding;
pub mod fsutil;
pub mod import;
pub mod keyring;
pub mod keys;
pub mod lint;
pub mod party;
pub mod report;
pub mod schema;
pub mod timestamp;
pub mod tlog;
pub mod utc;
pub mod validate;
pub mod verify;
