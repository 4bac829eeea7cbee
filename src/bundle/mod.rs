//! Sealed bundles: a BagIt 1.0 bag inside a deterministic zip, signed by one
//! party and co-signed by the others, verifiable offline with docseal or with
//! `unzip`, `bagit.py` and `openssl`. The format is in `docs/FORMAT.md`.
//!
//! - [`layout`]: the text formats (pure).
//! - [`source`]: reading a bag from a folder or a zip, hardened.
//! - [`writer`]: `seal` and `cosign`.
//! - [`verify`]: every check, with stable codes.

pub mod layout;
pub mod source;
pub mod verify;
pub mod writer;
