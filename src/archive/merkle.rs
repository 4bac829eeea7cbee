//! The archive's Merkle tree: RFC 9162 §2.1 hashing, proofs and their
//! verification, which live in the pure [`crate::tlog::merkle`] (the tiles
//! of [`crate::tlog`] compute the same tree); re-exported here so that
//! `archive::merkle::*` keeps its names.

pub use crate::tlog::merkle::*;
