//! Reading tiles and bundles from wherever the log keeps them: the
//! [`TileReader`] trait that a store implements, an in-memory store, and the
//! one loader the rest of the module reads through (length checks, and the
//! full tile in place of a partial one that is gone).

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};

use super::path::Resource;
use super::{Appended, Error, HASH_SIZE};

/// An error of the store behind a [`TileReader`], kept as the source of
/// [`Error::Read`].
pub type StoreError = Box<dyn std::error::Error + Send + Sync>;

/// Where a log's tiles and entry bundles are read from. The store decides
/// where each lives (a folder, an object store, memory); this module asks for
/// them by [`Resource`] and never writes: what to write is returned by
/// [`append`](super::append).
pub trait TileReader {
    /// The bytes stored for `resource`, or `None` if there are none.
    fn read(&self, resource: Resource) -> Result<Option<Vec<u8>>, StoreError>;

    /// The bytes of each resource, in order. Every operation asks for all it
    /// needs in one call, so a store that can fetch concurrently (an object
    /// store) overrides this.
    fn read_all(&self, resources: &[Resource]) -> Result<Vec<Option<Vec<u8>>>, StoreError> {
        resources.iter().map(|r| self.read(*r)).collect()
    }
}

impl<T: TileReader + ?Sized> TileReader for &T {
    fn read(&self, resource: Resource) -> Result<Option<Vec<u8>>, StoreError> {
        (**self).read(resource)
    }

    fn read_all(&self, resources: &[Resource]) -> Result<Vec<Option<Vec<u8>>>, StoreError> {
        (**self).read_all(resources)
    }
}

/// A store in memory, which counts what is read from it: for tests, and for
/// holding what an append returns until it is written.
#[derive(Debug, Default)]
pub struct MemoryTiles {
    resources: BTreeMap<Resource, Vec<u8>>,
    reads: AtomicU64,
}

impl MemoryTiles {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Stores `bytes` as `resource` (replacing what was there).
    pub fn insert(&mut self, resource: Resource, bytes: Vec<u8>) {
        self.resources.insert(resource, bytes);
    }

    /// Stores every tile and bundle of an append. Older partial tiles stay,
    /// as they do on a store of immutable objects.
    pub fn apply(&mut self, appended: Appended) {
        for (tile, bytes) in appended.tiles {
            self.insert(tile.into(), bytes);
        }
        for (bundle, bytes) in appended.bundles {
            self.insert(bundle.into(), bytes);
        }
    }

    /// Removes a resource, returning its bytes.
    pub fn remove(&mut self, resource: &Resource) -> Option<Vec<u8>> {
        self.resources.remove(resource)
    }

    /// The bytes of a resource, without counting a read.
    pub fn get(&self, resource: &Resource) -> Option<&[u8]> {
        self.resources.get(resource).map(Vec::as_slice)
    }

    /// Every resource stored, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&Resource, &[u8])> {
        self.resources.iter().map(|(r, b)| (r, b.as_slice()))
    }

    /// How many resources are stored.
    pub fn len(&self) -> usize {
        self.resources.len()
    }

    /// Whether nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.resources.is_empty()
    }

    /// How many resources have been read (each one asked for counts, found or
    /// not) since the store was made or [`reset_reads`](Self::reset_reads).
    pub fn reads(&self) -> u64 {
        self.reads.load(Ordering::Relaxed)
    }

    /// Starts counting reads from zero.
    pub fn reset_reads(&self) {
        self.reads.store(0, Ordering::Relaxed);
    }
}

impl TileReader for MemoryTiles {
    fn read(&self, resource: Resource) -> Result<Option<Vec<u8>>, StoreError> {
        self.reads.fetch_add(1, Ordering::Relaxed);
        Ok(self.resources.get(&resource).cloned())
    }
}

/// What the loader read for a resource: its bytes and the resource they came
/// from (the full one, if the partial one asked for was gone).
pub(crate) struct Loaded {
    pub(crate) from: Resource,
    pub(crate) bytes: Vec<u8>,
}

/// Reads `resources` in one call (and their full versions in a second, for
/// partial ones the store no longer has, as C2SP allows a log to delete
/// them). Hash tiles are cut to the width asked for and checked for length;
/// entry bundles are returned as read, for [`decode_bundle`](super::decode_bundle).
pub(crate) fn load<R: TileReader + ?Sized>(
    reader: &R,
    resources: &[Resource],
) -> Result<HashMap<Resource, Loaded>, Error> {
    let mut found = HashMap::with_capacity(resources.len());
    let mut gone = Vec::new();
    for (resource, bytes) in resources.iter().zip(read_checked(reader, resources)?) {
        match bytes {
            Some(bytes) => {
                found.insert(*resource, checked(*resource, *resource, bytes)?);
            }
            None if resource.is_partial() => gone.push(*resource),
            None => {
                return Err(Error::Missing {
                    path: resource.path(),
                });
            }
        }
    }
    let fulls: Vec<Resource> = gone.iter().map(Resource::full).collect();
    for ((resource, full), bytes) in gone.iter().zip(&fulls).zip(read_checked(reader, &fulls)?) {
        let bytes = bytes.ok_or_else(|| Error::Missing {
            path: resource.path(),
        })?;
        found.insert(*resource, checked(*resource, *full, bytes)?);
    }
    Ok(found)
}

fn read_checked<R: TileReader + ?Sized>(
    reader: &R,
    resources: &[Resource],
) -> Result<Vec<Option<Vec<u8>>>, Error> {
    if resources.is_empty() {
        return Ok(Vec::new());
    }
    let read = reader.read_all(resources).map_err(|source| Error::Read {
        path: resources.first().map(Resource::path).unwrap_or_default(),
        count: resources.len(),
        source,
    })?;
    if read.len() != resources.len() {
        return Err(Error::ReadCount {
            expected: resources.len(),
            found: read.len(),
        });
    }
    Ok(read)
}

/// A hash tile read as `from` must be exactly `from`'s length; it is then
/// cut to the width `wanted` asks for (the same, or a prefix of a full tile).
fn checked(wanted: Resource, from: Resource, mut bytes: Vec<u8>) -> Result<Loaded, Error> {
    if let Resource::Tile(tile) = from {
        if bytes.len() != tile.byte_len() {
            return Err(Error::TileLength {
                path: from.path(),
                expected: tile.byte_len(),
                found: bytes.len(),
            });
        }
        if let Resource::Tile(wanted) = wanted {
            bytes.truncate(usize::from(wanted.width()) * HASH_SIZE);
        }
    }
    Ok(Loaded { from, bytes })
}
