//! The archive log's tlog-tiles formats: resource paths (`tile/…`), entry
//! bundles, and hash tiles read back into roots and proofs.
#![no_main]

use docseal::tlog::{self, MemoryTiles, Resource, TileId};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    if let Ok(text) = std::str::from_utf8(rest) {
        if let Ok(resource) = Resource::parse(text) {
            // Only canonical paths are accepted: one name per resource.
            assert_eq!(resource.path(), text);
        }
        let _ = tlog::BundleId::parse(text);
        let _ = TileId::parse(text);
    }
    let width = usize::from(selector) + 1;
    if let Ok(entries) = tlog::decode_bundle(rest, width) {
        assert_eq!(tlog::encode_bundle(&entries).ok().as_deref(), Some(rest));
    }
    // The bytes as the level-0 hash tile of a tree of `width` entries.
    let mut tiles = MemoryTiles::new();
    if let Ok(id) = TileId::new(0, 0, selector.max(1).into()) {
        tiles.insert(Resource::Tile(id), rest.to_vec());
        let size = u64::from(selector.max(1));
        let _ = tlog::root(&tiles, size);
        let _ = tlog::inclusion_proof(&tiles, size / 2, size);
        let _ = tlog::consistency_proof(&tiles, size / 2, size);
    }
});
