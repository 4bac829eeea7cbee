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
//! - [`schema::CompiledSchema`]: a JSON Schema (built-in or user, any draft)
//!   compiled once, resolving `$ref`s offline only.
//! - [`validate::Checker`]: validates many documents, producing
//!   [`validate::FileReport`]s that [`report`] renders as text, JSON, SARIF,
//!   JUnit or GitHub annotations.
//! - [`digest`]: streaming SHA-256/SHA-512 and the `sha256:<hex>` text form.
//! - [`canonical`]: RFC 8785 canonical bytes, the statement's identity.
//! - [`keys`], [`keyring`]: Ed25519 key files (OpenSSL-compatible) and trust.
//! - [`bundle`]: sealing, co-signing and verifying BagIt-in-zip bundles.
//! - [`import`]: plain text to a statement with exact spans.
//! - [`lint`]: what a schema cannot see (homoglyphs, numbering, dates, …).
//! - [`archive`]: content-addressed store, Merkle log, catalog.
//! - [`report_html`]: a verification report people can read.
//!
//! # Example
//!
//! Validate the reference statement, seal it with the Kazakh demo key, and
//! verify the bundle against the demo keyring:
//!
//! ```
//! use docseal::bundle::{verify, writer};
//! use docseal::validate::{CheckOptions, Checker};
//!
//! // validate
//! let statement = std::fs::read("statements/kz-rs-2026-02-27.json")?;
//! let report = Checker::new(CheckOptions::default())?.check_bytes("kz-rs.json", statement.clone());
//! assert!(report.is_valid(), "{:?}", report.findings());
//!
//! // seal
//! let key = docseal::keys::read_private_key("keys/demo/kz-demo.key.pem".as_ref(), &mut || None)?.key;
//! let schema = docseal::schema::joint_statement(Default::default())?;
//! let dir = tempfile::tempdir()?;
//! let bundle = dir.path().join("kz-rs.zip");
//! writer::seal(
//!     &writer::SealInput {
//!         id: "kz-rs-2026-02-27".into(),
//!         statement_digest: docseal::canonical::canonical_digest(&statement)?,
//!         statement,
//!         source_text: Some("statements/kz-rs-2026-02-27.txt".into()),
//!         attachments: vec![],
//!         schema: ("joint-statement.schema.json".into(), schema.bytes.to_vec()),
//!         validation: b"{}\n".to_vec(),
//!         description: "Joint statement of Kazakhstan and Serbia".into(),
//!         organization: "Republic of Kazakhstan; Republic of Serbia".into(),
//!         signer: writer::Signer {
//!             key: &key,
//!             party: "KZ".into(),
//!             signer: "Presidential Administration (demo key)".into(),
//!             role: "signatory".into(),
//!             time: time::macros::datetime!(2026-02-27 10:00 UTC),
//!         },
//!         progress: None,
//!     },
//!     &bundle,
//! )?;
//!
//! // verify, with the trust of the keyring
//! let keyring = docseal::keyring::Keyring::open("keys".as_ref())?;
//! let policy = verify::Policy { require_parties: vec!["KZ".into()], all_parties: false };
//! let checked = verify::verify_path(&bundle, keyring.policy(), &policy)?;
//! assert!(checked.ok());
//! assert!(checked.demo_keys_used, "the demo keys prove nothing, and the report says so");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod archive;
pub mod bundle;
pub mod canonical;
pub mod config;
pub mod digest;
pub mod document;
pub mod fsutil;
pub mod import;
pub mod keyring;
pub mod keys;
pub mod lint;
pub mod report;
pub mod report_html;
pub mod schema;
pub mod validate;
