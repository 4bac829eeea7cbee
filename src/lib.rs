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
//!
//! # Example
//!
//! ```
//! use docseal::validate::{CheckOptions, Checker};
//!
//! let checker = Checker::new(CheckOptions::default())?;
//! let bytes = std::fs::read("statements/kz-rs-2026-02-27.json")?;
//! let report = checker.check_bytes("kz-rs-2026-02-27.json", bytes);
//! assert!(report.is_valid(), "{:?}", report.findings());
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
pub mod schema;
pub mod validate;
