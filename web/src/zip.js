// A strict zip reader over a Blob (FORMAT.md §5.3.1): every byte of the
// file in exactly one structure, every local header equal to its central
// entry, ZIP64, names, and the codes of §5.3.1's table. Nothing is
// extracted; entries are read in place, streamed, and checked as they are
// read (`streamEntry`). The raw header fields stay on each entry for the
// profile's zip-encoding rule (profile.js).

import { Crc32 } from './crc32.js';
import { deflatePaddingRefusal } from './inflate.js';
import { HeldFile, reading, rangeReader } from './source.js';

/** A refusal of the archive, with its §5.3.1 code (`path-traversal`, …) and the offset of the structure. */
export class UnsafeZip extends Error {
  constructor(code, entry, reason, offset = null) {
    super(`${entry ? entry + ': ' : ''}${reason}${offset === null ? '' : ` (at byte ${offset})`}`);
    this.code = code;
    this.entry = entry;
    this.reason = reason;
    this.offset = offset;
  }
}

/** A failure while reading an entry's data: `crc-mismatch`, `size-mismatch` or `bad-deflate`. */
export class EntryError extends Error {
  constructor(code, entry, reason) {
    super(`${entry}: ${reason}`);
    this.code = code;
    this.entry = entry;
  }
}

export const LIMITS = { maxEntries: 1_000_000, maxDirectory: 256 << 20, maxTotal: 2 ** 40, maxRatio: 1000, bombFloor: 1 << 20 };

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_Z64_EOCD = 0x06064b50;
const SIG_Z64_LOC = 0x07064b50;
const SIG_DESCRIPTOR = 0x08074b50;
const KNOWN_FLAGS = 0x000f | 0x0800;
const MAX_VERSION_NEEDED = 63;
/** Deflate padding is checked for entries up to this many compressed bytes (§5.3.1, `bad-deflate`). */
export const PADDING_LIMIT = 64 << 10;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

async function readAt(blob, start, length, what) {
  if (start < 0 || length < 0 || start + length > blob.size) {
    throw new UnsafeZip('truncated', '', `${what} runs past the end of the file (${start}+${length} of ${blob.size} bytes)`, start);
  }
  return new Uint8Array(await blob.slice(start, start + length).arrayBuffer());
}

const u16 = (b, i) => b[i] | (b[i + 1] << 8);
const u32 = (b, i) => (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
function u64(b, i, what, at) {
  const lo = u32(b, i);
  const hi = u32(b, i + 4);
  if (hi >= 0x200000) throw new UnsafeZip('zip-bomb', '', `${what} is over 2^53`, at);
  return hi * 0x100000000 + lo;
}

/** The extra field as a list of (id, data), refusing a malformed one or an id twice. */
function parseExtra(bytes, name, at) {
  const fields = new Map();
  let i = 0;
  while (i < bytes.length) {
    if (i + 4 > bytes.length) throw new UnsafeZip('bad-extra-field', name, 'the extra field ends inside a field header', at);
    const id = u16(bytes, i);
    const size = u16(bytes, i + 2);
    if (i + 4 + size > bytes.length) throw new UnsafeZip('bad-extra-field', name, `extra field 0x${id.toString(16)} runs past the extra field`, at);
    if (fields.has(id)) throw new UnsafeZip('bad-extra-field', name, `extra field 0x${id.toString(16)} twice`, at);
    fields.set(id, bytes.subarray(i + 4, i + 4 + size));
    i += 4 + size;
  }
  return fields;
}

/** Applies a central ZIP64 field: it holds exactly the marked fields, in APPNOTE 4.5.3's order. */
function applyZip64(e, extra, at) {
  const wanted = [
    ['size', e.size === 0xffffffff, 8],
    ['compressedSize', e.compressedSize === 0xffffffff, 8],
    ['offset', e.offset === 0xffffffff, 8],
    ['disk', e.disk === 0xffff, 4],
  ].filter((w) => w[1]);
  const z = extra.get(0x0001);
  if (!wanted.length) {
    if (z) throw new UnsafeZip('bad-extra-field', e.name, 'a ZIP64 field while no field of the header is marked', at);
    return;
  }
  if (!z) throw new UnsafeZip('zip64', e.name, `${wanted.map((w) => w[0]).join(', ')} marked for ZIP64 without a ZIP64 field`, at);
  let i = 0;
  for (const [field, , width] of wanted) {
    if (i + width > z.length) throw new UnsafeZip('bad-extra-field', e.name, 'the ZIP64 field is shorter than the fields its header marks', at);
    e[field] = width === 8 ? u64(z, i, field, at) : u32(z, i);
    i += width;
  }
  if (i !== z.length) throw new UnsafeZip('bad-extra-field', e.name, 'the ZIP64 field holds more than the fields its header marks', at);
}

/** Checks one entry name (FORMAT.md §5.3.1); returns it decoded. */
export function checkName(raw, flags, at) {
  let name;
  try {
    name = utf8.decode(raw);
  } catch {
    throw new UnsafeZip('bad-name', new TextDecoder('utf-8', { ignoreBOM: true }).decode(raw.subarray(0, 200)), 'the name is not UTF-8', at);
  }
  if (name === '') throw new UnsafeZip('bad-name', name, 'an empty name', at);
  if (!(flags & 0x0800) && raw.some((b) => b >= 0x80)) {
    throw new UnsafeZip('bad-name', name, 'a non-ASCII name without the UTF-8 flag (bit 11): readers would decode it as CP437', at);
  }
  if (name.includes('\0')) throw new UnsafeZip('bad-name', name, 'the name holds NUL', at);
  if (name.includes('\\')) throw new UnsafeZip('bad-name', name, 'the name holds a backslash', at);
  if (name.startsWith('/')) throw new UnsafeZip('absolute-path', name, 'an absolute path', at);
  if (/^[A-Za-z]:/.test(name)) throw new UnsafeZip('absolute-path', name, 'a drive letter', at);
  const trimmed = name.endsWith('/') ? name.slice(0, -1) : name;
  const parts = trimmed.split('/');
  if (parts.includes('..')) throw new UnsafeZip('path-traversal', name, 'a `..` component', at);
  if (parts.some((p) => p === '' || p === '.')) throw new UnsafeZip('bad-name', name, 'an empty or `.` component', at);
  return name;
}

/** The end record (the last occurrence of its signature), and the ZIP64 records when present. */
async function readEnd(blob, structures) {
  const size = blob.size;
  if (size < 22) throw new UnsafeZip('not-a-zip', '', `${size} bytes: fewer than an end record's 22`, 0);
  // The last occurrence of the signature in the file, searched backwards in slices.
  let eocdAt = -1;
  const step = 1 << 20;
  for (let end = size; end > 0 && eocdAt < 0; end -= step - 3) {
    const start = Math.max(0, end - step);
    const b = await readAt(blob, start, end - start, 'the file');
    for (let i = b.length - 4; i >= 0; i--) {
      if (b[i] === 0x50 && b[i + 1] === 0x4b && b[i + 2] === 5 && b[i + 3] === 6) {
        eocdAt = start + i;
        break;
      }
    }
    if (start === 0) break;
  }
  if (eocdAt < 0) throw new UnsafeZip('not-a-zip', '', 'no end-of-central-directory record', null);
  if (eocdAt + 22 > size) throw new UnsafeZip('truncated', '', 'the end record runs past the end of the file', eocdAt);
  const rec = await readAt(blob, eocdAt, 22, 'the end record');
  const commentLength = u16(rec, 20);
  const eocdEnd = eocdAt + 22 + commentLength;
  if (eocdEnd > size) throw new UnsafeZip('truncated', '', "the end record's comment runs past the end of the file", eocdAt);
  if (eocdEnd < size) throw new UnsafeZip('trailing-data', '', `${size - eocdEnd} bytes after the end record`, eocdEnd);
  structures.push([eocdAt, eocdEnd, 'the end record']);
  const end = {
    at: eocdAt,
    disk: u16(rec, 4), cdDisk: u16(rec, 6), countDisk: u16(rec, 8), count: u16(rec, 10),
    cdSize: u32(rec, 12), cdOffset: u32(rec, 16), commentLength, zip64: false,
  };
  const marked = end.countDisk === 0xffff || end.count === 0xffff || end.cdSize === 0xffffffff || end.cdOffset === 0xffffffff;
  const hasLocator = eocdAt >= 20 && u32(await readAt(blob, eocdAt - 20, 4, 'the ZIP64 locator'), 0) === SIG_Z64_LOC;
  if (!hasLocator) {
    if (marked) throw new UnsafeZip('zip64', '', 'end-record fields marked for ZIP64 without a ZIP64 end record', eocdAt);
    if (end.disk !== 0 || end.cdDisk !== 0) throw new UnsafeZip('multi-disk', '', `disk ${end.disk}, central directory on disk ${end.cdDisk}`, eocdAt);
    if (end.countDisk !== end.count) throw new UnsafeZip('multi-disk', '', `${end.countDisk} entries on this disk of ${end.count}`, eocdAt);
    return end;
  }
  const locAt = eocdAt - 20;
  const loc = await readAt(blob, locAt, 20, 'the ZIP64 locator');
  structures.push([locAt, eocdAt, 'the ZIP64 end-record locator']);
  if (u32(loc, 4) !== 0 || u32(loc, 16) !== 1) throw new UnsafeZip('multi-disk', '', `the ZIP64 locator counts ${u32(loc, 16)} disks`, locAt);
  const recAt = u64(loc, 8, 'the ZIP64 end record offset', locAt);
  if (recAt + 56 > size) throw new UnsafeZip('zip64', '', 'no ZIP64 end record where its locator points', locAt);
  const z = await readAt(blob, recAt, 56, 'the ZIP64 end record');
  if (u32(z, 0) !== SIG_Z64_EOCD) throw new UnsafeZip('zip64', '', 'no ZIP64 end record where its locator points', recAt);
  if (u64(z, 4, 'ZIP64 record size', recAt) !== 44) throw new UnsafeZip('zip64', '', 'a ZIP64 end record of a size other than 44 (an extensible data sector)', recAt);
  structures.push([recAt, recAt + 56, 'the ZIP64 end record']);
  if (u32(z, 16) !== 0 || u32(z, 20) !== 0 || end.disk !== 0 || end.cdDisk !== 0) {
    throw new UnsafeZip('multi-disk', '', 'a disk number other than 0', recAt);
  }
  const zv = {
    countDisk: u64(z, 24, 'entry count', recAt), count: u64(z, 32, 'entry count', recAt),
    cdSize: u64(z, 40, 'central directory size', recAt), cdOffset: u64(z, 48, 'central directory offset', recAt),
  };
  const agree = (classic, sentinel, value) => classic === sentinel || classic === value;
  if (!agree(end.countDisk, 0xffff, zv.countDisk) || !agree(end.count, 0xffff, zv.count) ||
      !agree(end.cdSize, 0xffffffff, zv.cdSize) || !agree(end.cdOffset, 0xffffffff, zv.cdOffset)) {
    throw new UnsafeZip('zip64', '', 'the end record and the ZIP64 end record disagree', eocdAt);
  }
  if (zv.countDisk !== zv.count) throw new UnsafeZip('multi-disk', '', `${zv.countDisk} entries on this disk of ${zv.count}`, recAt);
  return { ...end, ...zv, zip64: true };
}

/** Reads one central header at `i` of the directory bytes `cd` (which starts at file offset `base`). */
function centralAt(cd, i, base) {
  const at = base + i;
  if (i + 46 > cd.length || u32(cd, i) !== SIG_CENTRAL) {
    throw new UnsafeZip('bad-central-directory', '', 'the central directory holds fewer headers than its declared count', at);
  }
  const nameLen = u16(cd, i + 28);
  const extraLen = u16(cd, i + 30);
  const commentLen = u16(cd, i + 32);
  const length = 46 + nameLen + extraLen + commentLen;
  if (i + length > cd.length) throw new UnsafeZip('bad-central-directory', '', 'a central header runs past the declared size of the directory', at);
  return {
    at, length,
    rawName: cd.slice(i + 46, i + 46 + nameLen),
    madeBy: u16(cd, i + 4), needed: u16(cd, i + 6), flags: u16(cd, i + 8), method: u16(cd, i + 10),
    time: u16(cd, i + 12), date: u16(cd, i + 14), crc: u32(cd, i + 16),
    compressedSize: u32(cd, i + 20), size: u32(cd, i + 24), commentLength: commentLen,
    disk: u16(cd, i + 34), internal: u16(cd, i + 36), external: u32(cd, i + 38), offset: u32(cd, i + 42),
    extraRaw: cd.slice(i + 46 + nameLen, i + 46 + nameLen + extraLen),
  };
}

/** The checks of one central entry that need no other entry. */
function checkCentral(e, limits) {
  const at = e.at;
  e.name = checkName(e.rawName, e.flags, at);
  e.extra = parseExtra(e.extraRaw, e.name, at);
  applyZip64(e, e.extra, at);
  if (e.extra.has(0x0017) || e.flags & 0x0001 || e.flags & 0x0040 || e.flags & 0x2000) {
    throw new UnsafeZip('encrypted', e.name, 'an encrypted entry', at);
  }
  if (e.flags & ~KNOWN_FLAGS) throw new UnsafeZip('bad-flags', e.name, `general-purpose flags 0x${e.flags.toString(16).padStart(4, '0')}`, at);
  if ((e.needed & 0xff) > MAX_VERSION_NEEDED) throw new UnsafeZip('unsupported-version', e.name, `needs zip version ${(e.needed & 0xff) / 10}`, at);
  if (e.method !== 0 && e.method !== 8) {
    throw new UnsafeZip('unsupported-compression', e.name, `compression method ${e.method}; only Stored (0) and Deflate (8) are read`, at);
  }
  if (e.disk !== 0) throw new UnsafeZip('multi-disk', e.name, `an entry starting on disk ${e.disk}`, at);
  const unicode = e.extra.get(0x7075);
  if (unicode) {
    const crc = new Crc32();
    crc.update(e.rawName);
    const same = unicode.length >= 5 && unicode[0] === 1 && u32(unicode, 1) === crc.value() && equalBytes(unicode.subarray(5), e.rawName);
    if (!same) throw new UnsafeZip('bad-extra-field', e.name, 'an Info-ZIP Unicode Path field that does not name the entry itself (version 1)', at);
  }
  const host = e.madeBy >> 8;
  const type = (e.external >>> 16) & 0o170000;
  if (host === 3 || host === 19) {
    if (type === 0o120000) throw new UnsafeZip('symlink', e.name, 'a symbolic link', at);
    if (type !== 0 && type !== 0o100000 && type !== 0o040000) throw new UnsafeZip('special-file', e.name, `file type 0o${type.toString(8)}: only regular files and folders are read`, at);
    if (type === 0o040000 && !e.name.endsWith('/')) throw new UnsafeZip('inconsistent-header', e.name, 'a folder mode on a name without `/`', at);
  }
  if (e.name.endsWith('/') && (e.size !== 0 || e.compressedSize !== 0)) throw new UnsafeZip('inconsistent-header', e.name, 'a folder entry with data', at);
  if (e.method === 0 && e.size !== e.compressedSize) throw new UnsafeZip('inconsistent-header', e.name, 'a Stored entry whose sizes differ', at);
  if (e.size > limits.bombFloor && e.size > limits.maxRatio * e.compressedSize) {
    throw new UnsafeZip('zip-bomb', e.name, `${e.size} bytes from ${e.compressedSize} (more than ${limits.maxRatio}×)`, at);
  }
}

/**
 * Opens a zip archive held in a Blob (a File), or a HeldFile over one (which
 * it fills; later reads should go through it). Returns
 * `{ root, entries, folders, end, central }`: `entries` the files (`path`
 * relative to the one root folder, `size`, `method`, `compressedSize`,
 * `dataStart`, `crc`, and the raw `central` / `local` header fields), in
 * central-directory order. Throws UnsafeZip for anything refused.
 */
export async function openZip(file, limits = LIMITS) {
  // Every structure is read from memory: a small file whole, a larger one's end, then its headers and small entries.
  const blob = file instanceof HeldFile ? file : new HeldFile(file);
  await blob.hold([blob.size <= reading.wholeLimit ? [0, blob.size] : [blob.size - (1 << 20), blob.size]]);
  const structures = [];
  const end = await readEnd(blob, structures);
  if (end.count > limits.maxEntries) throw new UnsafeZip('too-many-entries', '', `${end.count} entries, more than ${limits.maxEntries}`, end.at);
  if (end.cdSize > limits.maxDirectory) throw new UnsafeZip('too-many-entries', '', `a central directory of ${end.cdSize} bytes, over 256 MiB`, end.at);
  if (end.count === 0 && end.cdOffset !== 0) throw new UnsafeZip('prepended-data', '', `${end.cdOffset} bytes before the central directory of an empty archive`, 0);
  const cd = await readAt(blob, end.cdOffset, end.cdSize, 'the central directory');
  structures.push([end.cdOffset, end.cdOffset + end.cdSize, 'the central directory']);
  const central = [];
  let i = 0;
  while (central.length < end.count) {
    const e = centralAt(cd, i, end.cdOffset);
    central.push(e);
    i += e.length;
  }
  if (i !== cd.length) throw new UnsafeZip('bad-central-directory', '', `${cd.length - i} bytes in the central directory after its ${end.count} headers`, end.cdOffset + i);
  const seen = new Set();
  const seenNfc = new Set();
  let total = 0;
  for (const e of central) {
    checkCentral(e, limits);
    if (seen.has(e.name)) throw new UnsafeZip('duplicate-name', e.name, 'the name appears twice', e.at);
    seen.add(e.name);
    const nfc = e.name.normalize('NFC');
    if (seenNfc.has(nfc)) throw new UnsafeZip('duplicate-name', e.name, 'the name equals another after Unicode NFC', e.at);
    seenNfc.add(nfc);
    total += e.size;
    if (total > limits.maxTotal) throw new UnsafeZip('zip-bomb', e.name, 'over 1 TiB in all', e.at);
  }
  checkNames(central);
  await blob.hold(central.map((e) => {
    const header = e.offset + 30 + e.rawName.length + 1024;
    return [e.offset, e.compressedSize < (1 << 20) ? header + e.compressedSize + 24 : header];
  }));
  const starts = new Set();
  for (const e of central) {
    if (starts.has(e.offset)) throw new UnsafeZip('overlapping-entries', e.name, 'two central entries point at one local header', e.at);
    starts.add(e.offset);
    await checkLocal(blob, e, structures);
  }
  checkTiling(structures, blob.size);
  const root = central.length ? central[0].name.split('/')[0] : '';
  const entries = [];
  const folders = [];
  for (const e of central) {
    if (e.name.endsWith('/')) {
      folders.push(e);
      continue;
    }
    entries.push({
      path: e.name.slice(root.length + 1), name: e.name, size: e.size, method: e.method,
      compressedSize: e.compressedSize, dataStart: e.dataStart, crc: e.crc, central: e,
    });
  }
  return { root, entries, folders, end, central };
}

/** One root folder, no file at the top, no name both a file and a folder. */
function checkNames(central) {
  if (!central.length) return;
  const root = central[0].name.split('/')[0];
  const files = new Set();
  const folders = new Set();
  for (const e of central) {
    const parts = e.name.split('/');
    if (parts[0] !== root) throw new UnsafeZip('outside-root', e.name, `outside the root folder ${root}/`, e.at);
    if (parts.length === 1) throw new UnsafeZip('outside-root', e.name, 'a file at the top of the archive', e.at);
    const isFolder = e.name.endsWith('/');
    const own = isFolder ? parts.slice(0, -1) : parts;
    for (let k = 1; k < own.length; k++) folders.add(own.slice(0, k).join('/'));
    if (isFolder) folders.add(own.join('/'));
    else files.add(e.name);
  }
  for (const e of central) {
    if (!e.name.endsWith('/') && folders.has(e.name)) throw new UnsafeZip('name-conflict', e.name, 'both a file and a folder', e.at);
  }
}

/** Reads and checks an entry's local header (and data descriptor) against its central entry. */
async function checkLocal(blob, e, structures) {
  const name = e.name;
  if (e.offset + 30 > blob.size) throw new UnsafeZip('local-header-mismatch', name, 'no local header where the central entry points', e.offset);
  const head = await readAt(blob, e.offset, 30, 'a local header');
  if (u32(head, 0) !== SIG_LOCAL) throw new UnsafeZip('local-header-mismatch', name, 'no local header where the central entry points', e.offset);
  const nameLen = u16(head, 26);
  const extraLen = u16(head, 28);
  const rest = await readAt(blob, e.offset + 30, nameLen + extraLen, 'a local header');
  const local = {
    needed: u16(head, 4), flags: u16(head, 6), method: u16(head, 8), time: u16(head, 10), date: u16(head, 12),
    crc: u32(head, 14), compressedSize: u32(head, 18), size: u32(head, 22),
    rawName: rest.subarray(0, nameLen), extraRaw: rest.slice(nameLen),
  };
  e.local = local;
  const differs = [];
  for (const f of ['needed', 'flags', 'method', 'time', 'date']) if (local[f] !== e[f]) differs.push(f);
  if (!equalBytes(local.rawName, e.rawName)) differs.push('name');
  local.extra = parseExtra(local.extraRaw, name, e.offset);
  const z = local.extra.get(0x0001);
  const marked = local.compressedSize === 0xffffffff || local.size === 0xffffffff;
  if (marked) {
    if (!z) throw new UnsafeZip('zip64', name, 'local sizes marked for ZIP64 without a ZIP64 field', e.offset);
    if (z.length !== 16) throw new UnsafeZip('bad-extra-field', name, 'a local ZIP64 field holding other than exactly both sizes', e.offset);
    local.size = u64(z, 0, name, e.offset);
    local.compressedSize = u64(z, 8, name, e.offset);
  } else if (z) {
    throw new UnsafeZip('zip64', name, 'a local ZIP64 field while the local sizes are not marked', e.offset);
  }
  const described = (e.flags & 0x0008) !== 0;
  for (const f of ['crc', 'compressedSize', 'size']) {
    if (local[f] !== e[f] && !(described && local[f] === 0)) differs.push(f);
  }
  if (differs.length) throw new UnsafeZip('local-header-mismatch', name, `the local header's ${differs.join(', ')} differ from the central entry's`, e.offset);
  const dataStart = e.offset + 30 + nameLen + extraLen;
  structures.push([e.offset, dataStart, `the local header of ${name}`]);
  const dataEnd = dataStart + e.compressedSize;
  structures.push([dataStart, dataEnd, `the data of ${name}`]);
  e.dataStart = dataStart;
  if (!described) return;
  const wide = z !== undefined;
  const body = wide ? 20 : 12;
  const tail = await readAt(blob, dataEnd, Math.min(body + 4, Math.max(0, blob.size - dataEnd)), 'a data descriptor');
  const matches = (at) => tail.length >= at + body && u32(tail, at) === e.crc &&
    (wide ? u64(tail, at + 4, name, dataEnd) : u32(tail, at + 4)) === e.compressedSize &&
    (wide ? u64(tail, at + 12, name, dataEnd) : u32(tail, at + 8)) === e.size;
  let length;
  if (tail.length >= 4 && u32(tail, 0) === SIG_DESCRIPTOR && matches(4)) length = body + 4;
  else if (matches(0)) length = body;
  else throw new UnsafeZip('data-descriptor', name, 'flag bit 3 without a data descriptor equal to the central entry', dataEnd);
  structures.push([dataEnd, dataEnd + length, `the data descriptor of ${name}`]);
}

/** Every byte of the file belongs to exactly one structure: no gap, no overlap, nothing before. */
function checkTiling(structures, size) {
  structures.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let at = 0;
  let before = null;
  for (const [start, end, what] of structures) {
    if (start < at) throw new UnsafeZip('overlapping-entries', what, `${what} overlaps ${before}`, start);
    if (start > at) {
      throw new UnsafeZip(at === 0 ? 'prepended-data' : 'gap', what,
        `${start - at} bytes ${at === 0 ? 'before the first local header' : `between ${before} and ${what}`} belong to no structure`, at);
    }
    at = end;
    before = what;
  }
  if (at !== size) throw new UnsafeZip('trailing-data', '', `${size - at} bytes after the end record`, at);
}

export function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const encoder = new TextEncoder();

/** Orders strings by their UTF-8 bytes (the manifests' order), not by UTF-16. */
export function compareBytes(a, b) {
  if (a === b) return 0;
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

/** Bytes read from the file at once: few, large reads are what a File reads fastest. */
const SLICE = 16 << 20;

/** The bytes of `blob` from `start` to `end`, in slices of SLICE bytes, the next one read while the last is used. */
async function* slices(blob, start, end) {
  const read = (at) => {
    const p = blob.slice(at, Math.min(end, at + SLICE)).arrayBuffer();
    p.catch(() => {}); // a read abandoned with the entry is not an unhandled rejection
    return p;
  };
  let next = start < end ? read(start) : null;
  for (let at = start; at < end;) {
    const bytes = new Uint8Array(await next);
    at += bytes.length;
    next = at < end ? read(at) : null;
    yield bytes;
  }
}

/**
 * Streams an entry's uncompressed bytes to `sink(chunk)`, checking its
 * length, CRC-32 and Deflate stream against the headers (a lying header
 * cannot inflate without limit: reading stops past the declared size).
 * `crc` is an incremental CRC-32 (`update`, `value`), or null when the
 * caller computes it from the chunks and calls `checkCrc`; the sink may keep
 * or transfer each chunk, which is not used after it. With `into(left)`
 * (which gives, or promises, a view of the caller's memory to fill next, of
 * any length: `left` bytes remain), a Stored entry is read into those views
 * instead of fresh buffers: each chunk is the view given, filled, over the
 * buffer that now holds it (source.js's `rangeReader` may move it). Throws
 * EntryError.
 */
export async function streamEntry(blob, entry, sink, crc = new Crc32(), into = null) {
  let count = 0;
  const start = entry.dataStart;
  const end = start + entry.compressedSize;
  const take = async (chunk) => {
    count += chunk.length;
    if (count > entry.size) throw new EntryError('size-mismatch', entry.name, `more than the ${entry.size} bytes its headers declare`);
    crc?.update(chunk);
    await sink(chunk);
  };
  if (entry.method === 8 && entry.compressedSize <= PADDING_LIMIT) {
    const refusal = deflatePaddingRefusal(new Uint8Array(await blob.slice(start, end).arrayBuffer()));
    if (refusal) throw new EntryError('bad-deflate', entry.name, refusal);
  }
  if (entry.method === 0 && into) {
    const reader = rangeReader(blob, start, end);
    try {
      for (let left = end - start; left > 0;) {
        const view = await into(left);
        const chunk = await reader.fill(view.length > left ? view.subarray(0, left) : view);
        if (!chunk.length) break; // the file ended early: the count below says so
        left -= chunk.length;
        await take(chunk);
      }
    } finally {
      reader.close();
    }
  } else if (entry.method === 0) {
    for await (const chunk of slices(blob, start, end)) await take(chunk);
  } else {
    const compressed = slices(blob, start, end);
    const raw = new ReadableStream({
      async pull(controller) {
        const step = await compressed.next();
        if (step.done) controller.close();
        else controller.enqueue(step.value);
      },
    }, { highWaterMark: 0 });
    const reader = raw.pipeThrough(new DecompressionStream('deflate-raw')).getReader();
    try {
      for (;;) {
        let step;
        try {
          step = await reader.read();
        } catch (err) {
          throw new EntryError('bad-deflate', entry.name, `invalid Deflate data: ${err.message}`);
        }
        if (step.done) break;
        await take(step.value);
      }
    } catch (err) {
      reader.cancel().catch(() => {});
      throw err;
    }
  }
  if (count !== entry.size) throw new EntryError('size-mismatch', entry.name, `${count} bytes where its headers say ${entry.size}`);
  if (crc) checkCrc(entry, crc.value());
}

/** Bytes read at once into a buffer of the reader's own (then copied where they go). */
const READ_BUFFER = 4 << 20;

/**
 * Reads an entry whole into `whole` (`entry.size` bytes), checked as
 * streamEntry checks it but for the CRC-32 (the caller computes it from the
 * bytes); `onRead(n)` is called as the first `n` bytes are in. A large
 * Stored entry is read by two readers at once, each over one half: one
 * stream of a File waits at each of its pieces for the browser's process,
 * and reads 200 MiB in 0.35 to 0.8 s where two read it in 0.2 s, with less
 * CPU (bench/web.sh). Each reader reads into a small buffer of its own, used
 * again for every chunk (see `gathered` in hashing.js for why not into
 * `whole` itself).
 */
export async function readWhole(blob, entry, whole, onRead) {
  const start = entry.dataStart;
  const half = Math.ceil(entry.size / 2 / READ_BUFFER) * READ_BUFFER;
  if (entry.method !== 0 || entry.compressedSize !== entry.size || entry.size < 2 * READ_BUFFER) {
    let at = 0;
    let buffer = new Uint8Array(READ_BUFFER);
    await streamEntry(blob, entry, (chunk) => {
      whole.set(chunk, at);
      if (entry.method === 0) buffer = new Uint8Array(chunk.buffer); // a read may have moved it
      at += chunk.length;
      onRead(at);
    }, null, () => buffer);
    return;
  }
  const read = [0, 0];
  let failed = false;
  const part = async (i, from, to) => {
    const reader = rangeReader(blob, start + from, start + to);
    let buffer = new Uint8Array(READ_BUFFER);
    try {
      while (from + read[i] < to && !failed) {
        const chunk = await reader.fill(buffer.subarray(0, Math.min(buffer.length, to - from - read[i])));
        if (!chunk.length) throw new EntryError('size-mismatch', entry.name, `the file ends inside its ${entry.size} bytes`);
        whole.set(chunk, from + read[i]);
        buffer = new Uint8Array(chunk.buffer);
        read[i] += chunk.length;
        if (i === 0 || read[0] === half) onRead(read[0] === half ? half + read[1] : read[0]);
      }
    } catch (err) {
      failed = true;
      throw err;
    } finally {
      reader.close();
    }
  };
  await Promise.all([part(0, 0, half), part(1, half, entry.size)]);
}

/** Throws EntryError (`crc-mismatch`) unless `value` is the CRC-32 the entry's headers declare. */
export function checkCrc(entry, value) {
  if (value !== entry.crc) throw new EntryError('crc-mismatch', entry.name, 'its CRC-32 differs from its headers');
}

/** Reads a whole (small) entry into memory, checked like streamEntry. */
export async function readEntry(blob, entry, limit) {
  if (entry.size > limit) throw new Error(`${entry.name}: larger than ${limit} bytes`);
  const out = new Uint8Array(entry.size);
  let at = 0;
  await streamEntry(blob, entry, (chunk) => {
    out.set(chunk, at);
    at += chunk.length;
  });
  return out;
}
