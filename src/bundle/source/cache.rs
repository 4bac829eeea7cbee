//! The inflated bytes of a zip's small entries, kept after their first
//! read. A verification reads each tag file several times (hashed for the
//! tag manifests, parsed by the bag checks, again by the profile checks)
//! and the statement, signatures and records twice (hashed, then parsed):
//! inflating them once instead is about a sixth of an archive audit's CPU
//! (bench/archive.sh). Only a read that passed every check of the entry
//! (length, CRC-32, Deflate stream, padding) is kept, so a later read of
//! the same entry gets the same bytes or, if the first failed, the same
//! failure again from a fresh read.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Entries up to this size are kept: every tag file and statement of a
/// bundle, not a typical attachment.
pub(super) const ENTRY_LIMIT: u64 = 1 << 20;
/// Most bytes kept per open zip: what a bag with thousands of small files
/// may hold in memory at once.
const TOTAL_LIMIT: usize = 16 << 20;

/// Inflated entries by index in the central directory.
#[derive(Debug, Default)]
pub(super) struct EntryCache {
    inner: Mutex<Kept>,
}

#[derive(Debug, Default)]
struct Kept {
    bytes: HashMap<usize, Arc<[u8]>>,
    total: usize,
}

impl EntryCache {
    /// The bytes of entry `index`, if a read kept them.
    pub(super) fn get(&self, index: usize) -> Option<Arc<[u8]>> {
        self.lock().bytes.get(&index).cloned()
    }

    /// Keeps the checked bytes of entry `index` while the budget allows.
    pub(super) fn keep(&self, index: usize, bytes: Arc<[u8]>) {
        let mut kept = self.lock();
        if kept.total + bytes.len() > TOTAL_LIMIT || kept.bytes.contains_key(&index) {
            return;
        }
        kept.total += bytes.len();
        kept.bytes.insert(index, bytes);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Kept> {
        // A thread that panicked while holding the lock left a consistent
        // map (insertions are single operations): keep using it.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_bounds_what_is_kept() {
        let cache = EntryCache::default();
        let big: Arc<[u8]> = vec![0u8; TOTAL_LIMIT - 10].into();
        cache.keep(0, big);
        cache.keep(1, vec![1u8; 11].into());
        assert!(cache.get(1).is_none(), "an entry over the budget was kept");
        cache.keep(2, vec![2u8; 10].into());
        assert_eq!(cache.get(2).as_deref(), Some(&[2u8; 10][..]));
        assert_eq!(cache.get(0).map(|b| b.len()), Some(TOTAL_LIMIT - 10));
    }
}
