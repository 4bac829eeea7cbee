//! Sealed bundles: a BagIt 1.0 bag inside a deterministic zip, signed by one
//! party and co-signed by the others, verifiable offline with docseal or with
//! `unzip`, `bagit.py` and `openssl`. The format is in `docs/FORMAT.md`.
//!
//! Formats (pure): [`layout`] (paths, tag files), [`signed`] (the signed
//! statement), [`record`] (the validation record). Reading: [`source`].
//! Writing: [`writer`]. Workflows: [`seal`], [`cosign`], [`open`] (inspect,
//! extract). Verifying is [`crate::verify`].

pub mod cosign;
pub mod layout;
pub mod open;
pub mod record;
pub mod seal;
pub mod signed;
pub mod source;
pub mod stamp;
pub mod writer;
