//! Where each tile and entry bundle lives: the C2SP tlog-tiles coordinates
//! ([`TileId`], [`BundleId`]), their paths written and parsed strictly
//! (docs/FORMAT.md §7.3), and which tile or bundle holds what in a tree of a
//! given size. (Past 600 lines with its tests: the grammar's vectors and one
//! refusal per rule are kept beside the parser they pin.)

use std::fmt;
use std::str::FromStr;

/// Tree levels spanned by one tile: a tile holds up to 2⁸ hashes.
pub const TILE_HEIGHT: u32 = 8;
/// Hashes in a full tile, entries in a full entry bundle.
pub const TILE_WIDTH: u16 = 1 << TILE_HEIGHT;
/// The highest tile level a path may name (C2SP: 0 to 63).
pub const MAX_LEVEL: u8 = 63;

/// The prefix of every path.
const PREFIX: &str = "tile/";
/// The level element of entry bundles' paths.
const ENTRIES: &str = "entries";
/// Decimal digits in each element of an index.
const GROUP: u64 = 1000;

/// A hash tile: at `level` L, the `index`-th run of up to 256 consecutive
/// hashes of complete subtrees of height 8·L (level 0: leaf hashes), `width`
/// of them (256 = full; fewer = the partial tile at the tree's right edge).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TileId {
    level: u8,
    index: u64,
    width: u16,
}

/// An entry bundle: the entries hashed into level-0 tile `index`, `width`
/// of them (256 = full).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BundleId {
    index: u64,
    width: u16,
}

/// Anything a tiled log stores under `tile/`: a hash tile or an entry bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Resource {
    /// A hash tile, `tile/<L>/<N>[.p/<W>]`.
    Tile(TileId),
    /// An entry bundle, `tile/entries/<N>[.p/<W>]`.
    Bundle(BundleId),
}

/// A coordinate out of range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdError {
    /// Levels go from 0 to 63.
    #[error("tile level {0} is not between 0 and {MAX_LEVEL}")]
    Level(u8),
    /// Widths go from 1 to 256.
    #[error("tile width {0} is not between 1 and {TILE_WIDTH}")]
    Width(u16),
}

/// A path that is not the canonical path of a tile or entry bundle.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path:?} is not a tile path: {rule}")]
pub struct PathError {
    /// The path as given.
    pub path: String,
    /// The rule it breaks.
    pub rule: PathRule,
}

/// The rules of the path grammar (docs/FORMAT.md §7.3), one per refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PathRule {
    /// Paths start with `tile/`.
    #[error("it does not start with \"tile/\"")]
    Prefix,
    /// A level is `entries` or a decimal 0 to 63 without leading zeros.
    #[error("the level is not \"entries\" or 0 to 63 without leading zeros")]
    Level,
    /// An index has at least one element; all but the last are `x` and 3
    /// digits, the last is 3 digits.
    #[error("an index element is not x followed by 3 digits (or 3 digits, last)")]
    IndexElement,
    /// The first element of a multi-element index is not `x000`.
    #[error("the index starts with x000 (it has a shorter form)")]
    IndexLeadingZeros,
    /// An index fits in 64 bits.
    #[error("the index does not fit in 64 bits")]
    IndexTooLarge,
    /// A `.p/` width is a decimal 1 to 255 without leading zeros (a full
    /// tile has no `.p/`).
    #[error("the width after .p/ is not 1 to 255 without leading zeros")]
    Width,
}

impl TileId {
    /// A tile at `level` (0 to 63), `index`, `width` (1 to 256).
    pub fn new(level: u8, index: u64, width: u16) -> Result<Self, IdError> {
        if level > MAX_LEVEL {
            return Err(IdError::Level(level));
        }
        check_width(width)?;
        Ok(Self {
            level,
            index,
            width,
        })
    }

    /// The tile's level: its hashes are of subtrees of height 8 · level.
    pub fn level(&self) -> u8 {
        self.level
    }

    /// The tile's position in its level.
    pub fn index(&self) -> u64 {
        self.index
    }

    /// How many hashes it holds (256 for a full tile).
    pub fn width(&self) -> u16 {
        self.width
    }

    /// Whether it holds fewer than 256 hashes.
    pub fn is_partial(&self) -> bool {
        self.width < TILE_WIDTH
    }

    /// Its length in bytes: 32 per hash.
    pub fn byte_len(&self) -> usize {
        usize::from(self.width) * super::HASH_SIZE
    }

    /// The full tile at the same place (what a partial tile becomes).
    pub fn full(&self) -> Self {
        Self {
            width: TILE_WIDTH,
            ..*self
        }
    }

    /// This tile as it is in a tree of `size` leaves, or `None` if the tree
    /// has none there.
    pub fn for_size(level: u8, index: u64, size: u64) -> Option<Self> {
        let width = width_in(hashes_at(level, size), index)?;
        (level <= MAX_LEVEL).then_some(Self {
            level,
            index,
            width,
        })
    }

    /// The level-0 tile holding leaf `leaf`'s hash in a tree of `size`, and
    /// the leaf's position in it.
    pub fn for_leaf(leaf: u64, size: u64) -> Option<(Self, usize)> {
        if leaf >= size {
            return None;
        }
        let tile = Self::for_size(0, leaf >> TILE_HEIGHT, size)?;
        Some((tile, position(leaf)))
    }

    /// Every tile of a tree of `size` leaves: level by level, full ones then
    /// the partial one (the tiles a reader of that tree may ask for).
    pub fn all(size: u64) -> impl Iterator<Item = Self> {
        (0..=MAX_LEVEL)
            .take_while(move |&level| hashes_at(level, size) > 0)
            .flat_map(move |level| {
                let count = hashes_at(level, size);
                (0..count.div_ceil(u64::from(TILE_WIDTH)))
                    .filter_map(move |index| Self::for_size(level, index, size))
            })
    }

    /// The partial tiles of a tree of `size` leaves, lowest level first: the
    /// right edge, from which its root is computed.
    pub fn partials(size: u64) -> impl Iterator<Item = Self> {
        (0..=MAX_LEVEL)
            .take_while(move |&level| hashes_at(level, size) > 0)
            .filter_map(move |level| {
                let index = hashes_at(level, size) >> TILE_HEIGHT;
                Self::for_size(level, index, size).filter(Self::is_partial)
            })
    }

    /// The path: `tile/<L>/<N>[.p/<W>]`.
    pub fn path(&self) -> String {
        format!(
            "{PREFIX}{}/{}",
            self.level,
            coordinates(self.index, self.width)
        )
    }

    /// Parses the path of a hash tile (refusing entry bundles' paths).
    pub fn parse(path: &str) -> Result<Self, PathError> {
        match Resource::parse(path)? {
            Resource::Tile(tile) => Ok(tile),
            Resource::Bundle(_) => Err(PathError {
                path: path.to_string(),
                rule: PathRule::Level,
            }),
        }
    }
}

impl BundleId {
    /// The bundle at `index` holding `width` (1 to 256) entries.
    pub fn new(index: u64, width: u16) -> Result<Self, IdError> {
        check_width(width)?;
        Ok(Self { index, width })
    }

    /// The bundle's position: it holds entries from 256 · index.
    pub fn index(&self) -> u64 {
        self.index
    }

    /// How many entries it holds (256 for a full bundle).
    pub fn width(&self) -> u16 {
        self.width
    }

    /// Whether it holds fewer than 256 entries.
    pub fn is_partial(&self) -> bool {
        self.width < TILE_WIDTH
    }

    /// The full bundle at the same place.
    pub fn full(&self) -> Self {
        Self {
            width: TILE_WIDTH,
            ..*self
        }
    }

    /// The index of its first entry.
    pub fn first_entry(&self) -> u64 {
        self.index << TILE_HEIGHT
    }

    /// The level-0 tile whose hashes are its entries' leaf hashes.
    pub fn tile(&self) -> TileId {
        TileId {
            level: 0,
            index: self.index,
            width: self.width,
        }
    }

    /// This bundle as it is in a log of `size` entries, or `None`.
    pub fn for_size(index: u64, size: u64) -> Option<Self> {
        let width = width_in(size, index)?;
        Some(Self { index, width })
    }

    /// The bundle holding entry `entry` in a log of `size`, and its position
    /// in the bundle.
    pub fn for_entry(entry: u64, size: u64) -> Option<(Self, usize)> {
        if entry >= size {
            return None;
        }
        let bundle = Self::for_size(entry >> TILE_HEIGHT, size)?;
        Some((bundle, position(entry)))
    }

    /// Every bundle of a log of `size` entries, in order.
    pub fn all(size: u64) -> impl Iterator<Item = Self> {
        (0..size.div_ceil(u64::from(TILE_WIDTH)))
            .filter_map(move |index| Self::for_size(index, size))
    }

    /// The path: `tile/entries/<N>[.p/<W>]`.
    pub fn path(&self) -> String {
        format!("{PREFIX}{ENTRIES}/{}", coordinates(self.index, self.width))
    }

    /// Parses the path of an entry bundle (refusing hash tiles' paths).
    pub fn parse(path: &str) -> Result<Self, PathError> {
        match Resource::parse(path)? {
            Resource::Bundle(bundle) => Ok(bundle),
            Resource::Tile(_) => Err(PathError {
                path: path.to_string(),
                rule: PathRule::Level,
            }),
        }
    }
}

impl Resource {
    /// The path under the log's prefix.
    pub fn path(&self) -> String {
        match self {
            Self::Tile(tile) => tile.path(),
            Self::Bundle(bundle) => bundle.path(),
        }
    }

    /// The full resource at the same place.
    pub fn full(&self) -> Self {
        match self {
            Self::Tile(tile) => Self::Tile(tile.full()),
            Self::Bundle(bundle) => Self::Bundle(bundle.full()),
        }
    }

    /// Whether it is a partial tile or bundle.
    pub fn is_partial(&self) -> bool {
        match self {
            Self::Tile(tile) => tile.is_partial(),
            Self::Bundle(bundle) => bundle.is_partial(),
        }
    }

    /// Parses a path; only the canonical path of a resource is accepted, so
    /// that each resource has exactly one name (docs/FORMAT.md §7.3).
    pub fn parse(path: &str) -> Result<Self, PathError> {
        let refuse = |rule| PathError {
            path: path.to_string(),
            rule,
        };
        let rest = path.strip_prefix(PREFIX).ok_or(refuse(PathRule::Prefix))?;
        let (level, rest) = rest.split_once('/').ok_or(refuse(PathRule::Level))?;
        let level = if level == ENTRIES {
            None
        } else {
            Some(parse_decimal(level, u64::from(MAX_LEVEL), true).ok_or(refuse(PathRule::Level))?)
        };
        let (index, width) = match rest.split_once(".p/") {
            Some((index, width)) => {
                let width = parse_decimal(width, u64::from(TILE_WIDTH) - 1, false)
                    .ok_or(refuse(PathRule::Width))?;
                (index, width)
            }
            None => (rest, u64::from(TILE_WIDTH)),
        };
        let index = parse_index(index).map_err(refuse)?;
        // Both are in range: checked by parse_decimal's limits.
        let width = u16::try_from(width).map_err(|_| refuse(PathRule::Width))?;
        Ok(match level {
            None => Self::Bundle(BundleId { index, width }),
            Some(level) => Self::Tile(TileId {
                level: u8::try_from(level).map_err(|_| refuse(PathRule::Level))?,
                index,
                width,
            }),
        })
    }
}

impl From<TileId> for Resource {
    fn from(tile: TileId) -> Self {
        Self::Tile(tile)
    }
}

impl From<BundleId> for Resource {
    fn from(bundle: BundleId) -> Self {
        Self::Bundle(bundle)
    }
}

impl fmt::Display for TileId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path())
    }
}

impl fmt::Display for BundleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path())
    }
}

impl fmt::Display for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path())
    }
}

impl FromStr for TileId {
    type Err = PathError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl FromStr for BundleId {
    type Err = PathError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl FromStr for Resource {
    type Err = PathError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

fn check_width(width: u16) -> Result<(), IdError> {
    if width == 0 || width > TILE_WIDTH {
        return Err(IdError::Width(width));
    }
    Ok(())
}

/// How many hashes level `level` has in a tree of `size` leaves: one per
/// complete subtree of height 8 · level.
pub(crate) fn hashes_at(level: u8, size: u64) -> u64 {
    size.checked_shr(TILE_HEIGHT * u32::from(level))
        .unwrap_or(0)
}

/// The width of tile `index` in a level of `count` hashes, if it has any.
fn width_in(count: u64, index: u64) -> Option<u16> {
    let start = index.checked_mul(u64::from(TILE_WIDTH))?;
    let left = count.checked_sub(start).filter(|&n| n > 0)?;
    // At most 256: fits.
    u16::try_from(left.min(u64::from(TILE_WIDTH))).ok()
}

/// The position of item `n` in its tile or bundle.
fn position(n: u64) -> usize {
    // Below 256: fits.
    (n % u64::from(TILE_WIDTH)) as usize
}

/// `<N>[.p/<W>]`: the index in 3-digit elements, all but the last with `x`.
fn coordinates(index: u64, width: u16) -> String {
    let mut groups = vec![index % GROUP];
    let mut rest = index / GROUP;
    while rest > 0 {
        groups.push(rest % GROUP);
        rest /= GROUP;
    }
    let mut out = String::new();
    for (i, group) in groups.iter().enumerate().rev() {
        if i > 0 {
            out.push_str(&format!("x{group:03}/"));
        } else {
            out.push_str(&format!("{group:03}"));
        }
    }
    if width < TILE_WIDTH {
        out.push_str(&format!(".p/{width}"));
    }
    out
}

/// A decimal of ASCII digits only, without leading zeros (`0` allowed where
/// `zero_ok`), at most `max`.
fn parse_decimal(text: &str, max: u64, zero_ok: bool) -> Option<u64> {
    let digits_only = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    if !digits_only || text.len() > 3 || (text.starts_with('0') && (text.len() > 1 || !zero_ok)) {
        return None;
    }
    text.parse::<u64>().ok().filter(|&n| n <= max)
}

fn parse_index(text: &str) -> Result<u64, PathRule> {
    let elements: Vec<&str> = text.split('/').collect();
    let last = elements.len() - 1;
    let mut index: u64 = 0;
    for (i, element) in elements.iter().enumerate() {
        let digits = if i < last {
            element.strip_prefix('x').ok_or(PathRule::IndexElement)?
        } else {
            element
        };
        if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PathRule::IndexElement);
        }
        if i == 0 && last > 0 && digits == "000" {
            return Err(PathRule::IndexLeadingZeros);
        }
        let group: u64 = digits.parse().map_err(|_| PathRule::IndexElement)?;
        index = index
            .checked_mul(GROUP)
            .and_then(|n| n.checked_add(group))
            .ok_or(PathRule::IndexTooLarge)?;
    }
    Ok(index)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn tile(level: u8, index: u64, width: u16) -> TileId {
        TileId::new(level, index, width).unwrap()
    }

    /// Paths as C2SP tlog-tiles writes them (its example: 1234067 →
    /// x001/x234/067), and as Go's sumdb/tlog writes them without the height.
    #[test]
    fn path_vectors() {
        let cases: &[(TileId, &str)] = &[
            (tile(0, 0, 256), "tile/0/000"),
            (tile(0, 0, 1), "tile/0/000.p/1"),
            (tile(0, 1234067, 256), "tile/0/x001/x234/067"),
            (tile(4, 1234067, 1), "tile/4/x001/x234/067.p/1"),
            (tile(1, 999, 255), "tile/1/999.p/255"),
            (tile(1, 1000, 17), "tile/1/x001/000.p/17"),
            (tile(63, 5, 256), "tile/63/005"),
            (tile(2, 1_000_000, 256), "tile/2/x001/x000/000"),
            (
                tile(0, u64::MAX, 256),
                "tile/0/x018/x446/x744/x073/x709/x551/615",
            ),
        ];
        for (id, path) in cases {
            assert_eq!(id.path(), *path);
            assert_eq!(TileId::parse(path).unwrap(), *id, "{path}");
            assert_eq!(Resource::parse(path).unwrap(), Resource::Tile(*id));
        }
        let bundle = BundleId::new(1234067, 112).unwrap();
        assert_eq!(bundle.path(), "tile/entries/x001/x234/067.p/112");
        assert_eq!(
            BundleId::parse("tile/entries/x001/x234/067.p/112").unwrap(),
            bundle
        );
        assert_eq!(BundleId::new(7, 256).unwrap().path(), "tile/entries/007");
    }

    /// Each rule of the grammar refuses what it should, with its own reason.
    #[test]
    fn refusals() {
        let cases: &[(&str, PathRule)] = &[
            ("tiles/0/000", PathRule::Prefix),
            ("/tile/0/000", PathRule::Prefix),
            ("tile/000", PathRule::Level),
            ("tile/00/000", PathRule::Level),
            ("tile/01/000", PathRule::Level),
            ("tile/64/000", PathRule::Level),
            ("tile/-1/000", PathRule::Level),
            ("tile/+1/000", PathRule::Level),
            ("tile/data/000", PathRule::Level),
            ("tile/8/0/000", PathRule::IndexElement), // Go's path, with the height
            ("tile/0/00", PathRule::IndexElement),
            ("tile/0/0000", PathRule::IndexElement),
            ("tile/0/x000", PathRule::IndexElement),
            ("tile/0/001/002", PathRule::IndexElement),
            ("tile/0/x001/x002", PathRule::IndexElement),
            ("tile/0/x1/000", PathRule::IndexElement),
            ("tile/0/x001//000", PathRule::IndexElement),
            ("tile/0/000/", PathRule::IndexElement),
            ("tile/0/0a0", PathRule::IndexElement),
            ("tile/0/x000/001", PathRule::IndexLeadingZeros),
            ("tile/entries/x000/x001/002", PathRule::IndexLeadingZeros),
            (
                "tile/0/x018/x446/x744/x073/x709/x551/616",
                PathRule::IndexTooLarge,
            ),
            (
                "tile/0/x001/x018/x446/x744/x073/x709/x551/615",
                PathRule::IndexTooLarge,
            ),
            ("tile/0/000.p/0", PathRule::Width),
            ("tile/0/000.p/256", PathRule::Width),
            ("tile/0/000.p/300", PathRule::Width),
            ("tile/0/000.p/01", PathRule::Width),
            ("tile/0/000.p/", PathRule::Width),
            ("tile/0/000.p/1/", PathRule::Width),
            ("tile/0/000.p/1.p/2", PathRule::Width),
            ("tile/entries/000.p/256", PathRule::Width),
        ];
        for (path, rule) in cases {
            assert_eq!(Resource::parse(path).unwrap_err().rule, *rule, "{path}");
        }
        assert_eq!(
            TileId::parse("tile/entries/000").unwrap_err().rule,
            PathRule::Level
        );
        assert_eq!(
            BundleId::parse("tile/0/000").unwrap_err().rule,
            PathRule::Level
        );
    }

    #[test]
    fn ids_out_of_range_are_refused() {
        assert_eq!(TileId::new(64, 0, 1), Err(IdError::Level(64)));
        assert_eq!(TileId::new(0, 0, 0), Err(IdError::Width(0)));
        assert_eq!(TileId::new(0, 0, 257), Err(IdError::Width(257)));
        assert_eq!(BundleId::new(0, 0), Err(IdError::Width(0)));
    }

    /// The C2SP example: a tree of 70,000 leaves is 273 full level-0 tiles, a
    /// partial one of width 112, a full level-1 tile, a partial one of width
    /// 17 and a partial level-2 tile of width 1; a tree of 256 leaves is one
    /// full level-0 tile and a partial level-1 tile of width 1.
    #[test]
    fn tiles_of_a_tree() {
        let all: Vec<TileId> = TileId::all(70_000).collect();
        assert_eq!(all.len(), 273 + 1 + 1 + 1 + 1);
        assert_eq!(
            all.iter()
                .filter(|t| t.level == 0 && !t.is_partial())
                .count(),
            273
        );
        assert_eq!(
            TileId::partials(70_000).collect::<Vec<_>>(),
            [tile(0, 273, 112), tile(1, 1, 17), tile(2, 0, 1)]
        );
        assert!(all.contains(&tile(1, 0, 256)));
        assert_eq!(
            TileId::all(256).collect::<Vec<_>>(),
            [tile(0, 0, 256), tile(1, 0, 1)]
        );
        assert_eq!(TileId::partials(256).collect::<Vec<_>>(), [tile(1, 0, 1)]);
        assert_eq!(TileId::all(0).count(), 0);
        assert_eq!(
            TileId::for_leaf(69_999, 70_000),
            Some((tile(0, 273, 112), 111))
        );
        assert_eq!(TileId::for_leaf(70_000, 70_000), None);
        assert_eq!(
            BundleId::for_entry(513, 600),
            Some((BundleId::new(2, 88).unwrap(), 1))
        );
        assert_eq!(BundleId::all(513).count(), 3);
        assert_eq!(TileId::partials(u64::MAX).count(), 8);
    }
}
