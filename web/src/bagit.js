// BagIt tag files as FORMAT.md §5.3.2 reads them, per version (0.93 to
// 1.0): the declaration, text in the declared encoding, lines, metadata,
// manifest and fetch.txt lines, and manifest paths. Pure: bytes in, values
// and findings out; a refusal is a BagError with the check's code.

export const VERSIONS = ['0.93', '0.94', '0.95', '0.96', '0.97', '1.0'];
export const ALGORITHMS = { md5: 32, sha1: 40, sha224: 56, sha256: 64, sha384: 96, sha512: 128 };

/** A refusal of a tag file, with the check's code. */
export class BagError extends Error {
  constructor(code, subject, message) {
    super(message);
    this.code = code;
    this.subject = subject;
  }
}

/** Versions compare as numbers of their parts: 0.97 < 1.0. */
export function atLeast(version, than) {
  const [a, b] = version.split('.').map(Number);
  const [c, d] = than.split('.').map(Number);
  return a > c || (a === c && b >= d);
}

/** Lines ending with LF, CR or CRLF (the last may have none); an empty line is refused. */
export function lines(text, subject, code) {
  if (text === '') return [];
  const out = text.split(/\r\n|\r|\n/);
  if (out[out.length - 1] === '') out.pop();
  out.forEach((l, i) => {
    if (l === '') throw new BagError(code, subject, `line ${i + 1} is empty`);
  });
  return out;
}

/**
 * bagit.txt: UTF-8, exactly two lines. Returns `{ version, encoding, warnings }`.
 */
export function readDeclaration(bytes) {
  const warnings = [];
  let body = bytes;
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  if (bom) body = bytes.subarray(3);
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    throw new BagError('bag.declaration', 'bagit.txt', 'bagit.txt is not UTF-8');
  }
  const ls = lines(text, 'bagit.txt', 'bag.declaration');
  if (ls.length !== 2) throw new BagError('bag.declaration', 'bagit.txt', `bagit.txt has ${ls.length} lines, not 2`);
  const field = (line, label) => {
    const m = new RegExp(`^${label}([ \\t]*):([ \\t]*)(.*?)[ \\t]*$`).exec(line);
    if (!m) throw new BagError('bag.declaration', 'bagit.txt', `expected \`${label}: …\`, found ${JSON.stringify(line)}`);
    return { before: m[1], after: m[2], value: m[3], line };
  };
  const v = field(ls[0], 'BagIt-Version');
  const e = field(ls[1], 'Tag-File-Character-Encoding');
  if (!VERSIONS.includes(v.value)) throw new BagError('bag.declaration', 'bagit.txt', `BagIt-Version ${JSON.stringify(v.value)} is not one of ${VERSIONS.join(', ')}`);
  if (v.value === '1.0') {
    for (const f of [v, e]) {
      if (f.before !== '' || f.after.length !== 1 || /[ \t]$/.test(f.line)) {
        throw new BagError('bag.declaration', 'bagit.txt', `BagIt 1.0: a colon then exactly one space or tab: ${JSON.stringify(f.line)}`);
      }
    }
  }
  if (bom) {
    if (atLeast(v.value, '0.97')) throw new BagError('bag.declaration', 'bagit.txt', `a byte order mark in bagit.txt (BagIt ${v.value})`);
    warnings.push('a byte order mark in bagit.txt');
  }
  if (e.value === '') throw new BagError('bag.declaration', 'bagit.txt', 'no Tag-File-Character-Encoding');
  if (!decoderFor(e.value)) throw new BagError('bag.declaration', 'bagit.txt', `unknown Tag-File-Character-Encoding ${JSON.stringify(e.value)}`);
  return { version: v.value, encoding: e.value, warnings };
}

const BOMS = {
  'utf-8': [0xef, 0xbb, 0xbf], 'utf-16be': [0xfe, 0xff], 'utf-16le': [0xff, 0xfe],
  'utf-32be': [0, 0, 0xfe, 0xff], 'utf-32le': [0xff, 0xfe, 0, 0],
};
const starts = (b, p) => p.every((x, i) => b[i] === x);

function utf32(bytes, little) {
  if (bytes.length % 4) throw new Error('not a whole number of UTF-32 units');
  let out = '';
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  for (let i = 0; i < bytes.length; i += 4) {
    const c = v.getUint32(i, little);
    if (c > 0x10ffff || (c >= 0xd800 && c < 0xe000)) throw new Error('not a Unicode scalar value');
    out += String.fromCodePoint(c);
  }
  return out;
}

/**
 * A decoder for the declared encoding: `(bytes) => { text, bom }` where
 * `bom` says whether a byte order mark was there and not needed; null for
 * an encoding not known.
 */
export function decoderFor(label) {
  const name = label.trim().toLowerCase();
  const whatwg = (enc, bomOf) => (bytes) => {
    const bom = bomOf && starts(bytes, BOMS[bomOf]);
    const text = new TextDecoder(enc, { fatal: true, ignoreBOM: true }).decode(bom ? bytes.subarray(BOMS[bomOf].length) : bytes);
    return { text, bom };
  };
  if (name === 'utf-8' || name === 'utf8') return whatwg('utf-8', 'utf-8');
  if (name === 'utf-16') {
    return (bytes) => {
      if (starts(bytes, BOMS['utf-16le'])) return { text: new TextDecoder('utf-16le', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(2)), bom: false };
      const body = starts(bytes, BOMS['utf-16be']) ? bytes.subarray(2) : bytes;
      return { text: new TextDecoder('utf-16be', { fatal: true, ignoreBOM: true }).decode(body), bom: false };
    };
  }
  if (name === 'utf-16be' || name === 'utf-16le') return whatwg(name, name);
  if (name === 'utf-32') {
    return (bytes) => {
      if (starts(bytes, BOMS['utf-32le'])) return { text: utf32(bytes.subarray(4), true), bom: false };
      return { text: utf32(starts(bytes, BOMS['utf-32be']) ? bytes.subarray(4) : bytes, false), bom: false };
    };
  }
  if (name === 'utf-32be' || name === 'utf-32le') {
    return (bytes) => {
      const bom = starts(bytes, BOMS[name]);
      return { text: utf32(bom ? bytes.subarray(4) : bytes, name === 'utf-32le'), bom };
    };
  }
  // ISO-8859-1 is each byte's code point (WHATWG would read it as windows-1252); US-ASCII is 7 bits.
  if (['iso-8859-1', 'iso_8859-1', 'latin1', 'l1', 'iso-ir-100', 'cp819', 'ibm819', 'csisolatin1'].includes(name)) {
    return (bytes) => ({ text: String.fromCharCode(...bytes), bom: false });
  }
  if (['us-ascii', 'ascii', 'ansi_x3.4-1968', 'iso646-us', 'us', 'csascii'].includes(name)) {
    return (bytes) => {
      if (bytes.some((b) => b >= 0x80)) throw new Error('a byte above 0x7f in US-ASCII');
      return { text: String.fromCharCode(...bytes), bom: false };
    };
  }
  try {
    const enc = new TextDecoder(name).encoding;
    return whatwg(enc, BOMS[enc] ? enc : null);
  } catch {
    return null;
  }
}

/** A tag file's text in the bag's encoding; a byte order mark not needed fails from 0.97. */
export function decodeTag(bytes, decl, subject, code, warn) {
  let r;
  try {
    r = decoderFor(decl.encoding)(bytes);
  } catch (e) {
    throw new BagError(code, subject, `${subject} is not ${decl.encoding}: ${e.message}`);
  }
  if (r.bom) {
    if (atLeast(decl.version, '0.97')) throw new BagError(code, subject, `a byte order mark in ${subject} (BagIt ${decl.version})`);
    warn(code, subject, `a byte order mark in ${subject}`);
  }
  return r.text;
}

/** Metadata lines: `[label, value]` pairs in order, by the separator rule of the version. */
export function parseMetadata(text, decl, subject) {
  const out = [];
  for (const [i, line] of lines(text, subject, 'bag.info').entries()) {
    if (/^[ \t]/.test(line)) {
      if (!out.length) throw new BagError('bag.info', subject, `line ${i + 1} continues no value`);
      out[out.length - 1][1] += ' ' + line.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon < 1) throw new BagError('bag.info', subject, `line ${i + 1}: expected \`label: value\``);
    let label = line.slice(0, colon);
    let value = line.slice(colon + 1);
    if (decl.version === '1.0') {
      if (/[ \t]$/.test(label) || !/^[ \t]/.test(value)) {
        throw new BagError('bag.info', subject, `line ${i + 1}: BagIt 1.0 wants a colon then one space or tab, none before the colon`);
      }
      value = value.slice(1);
    } else {
      label = label.trim();
      value = value.trim();
    }
    out.push([label, value]);
  }
  return out;
}

/**
 * Resolves a manifest or fetch path inside the bag: `./`, `.`, empty and
 * inner `..` components are resolved (with a warning); a path leaving the
 * bag is refused.
 */
export function resolvePath(raw, subject, code) {
  if (raw.includes('\\')) throw new BagError(code, subject, `${JSON.stringify(raw)} holds a backslash`);
  if (raw.startsWith('/') || raw.startsWith('~') || /^[A-Za-z]:/.test(raw)) throw new BagError(code, subject, `${JSON.stringify(raw)} leaves the bag`);
  const out = [];
  let changed = false;
  for (const part of raw.split('/')) {
    if (part === '' || part === '.') changed = true;
    else if (part === '..') {
      if (!out.length) throw new BagError(code, subject, `${JSON.stringify(raw)} leaves the bag`);
      out.pop();
      changed = true;
    } else out.push(part);
  }
  if (!out.length) throw new BagError(code, subject, `${JSON.stringify(raw)} names no file`);
  return { path: out.join('/'), changed };
}

/** RFC 8493 §2.1.3 (1.0 only): `%25`, `%0A`, `%0D` decoded in either case; any other `%` refused. */
export function decodePercent(raw, subject) {
  return raw.replace(/%(..)?/g, (m, h) => {
    const c = { 25: '%', '0a': '\n', '0d': '\r' }[(h ?? '').toLowerCase()];
    if (c === undefined) throw new BagError('bag.manifests', subject, `${JSON.stringify(raw)}: \`%\` other than %25, %0A, %0D`);
    return c;
  });
}

/**
 * Manifest lines: `{ hex, path, raw }` (hex in lower case). `warn(code,
 * subject, message)` receives the path-form warnings.
 */
export function parseManifest(text, alg, decl, subject, warn) {
  const out = [];
  const length = ALGORITHMS[alg];
  for (const [i, line] of lines(text, subject, 'bag.manifests').entries()) {
    const m = /^([^ \t]+)[ \t]+(.*)$/.exec(line);
    if (!m) throw new BagError('bag.manifests', subject, `line ${i + 1}: expected \`checksum filepath\``);
    if (m[1].length !== length || !/^[0-9a-fA-F]+$/.test(m[1])) {
      throw new BagError('bag.manifests', subject, `line ${i + 1}: ${JSON.stringify(m[1])} is not ${length} hex digits (${alg})`);
    }
    let raw = m[2];
    if (raw === '') throw new BagError('bag.manifests', subject, `line ${i + 1}: no file path`);
    if (raw.startsWith('*')) {
      raw = raw.slice(1);
      warn('bag.path-form', subject, `line ${i + 1}: md5sum's binary mark \`*\` before the path`);
    }
    const decoded = decl.version === '1.0' ? decodePercent(raw, subject) : raw;
    const { path, changed } = resolvePath(decoded, subject, 'bag.manifests');
    if (changed) warn('bag.path-form', subject, `line ${i + 1}: ${JSON.stringify(raw)} is read as ${JSON.stringify(path)}`);
    out.push({ hex: m[1].toLowerCase(), path, raw });
  }
  return out;
}

/** fetch.txt lines: `{ url, length (number or null), path }`. */
export function parseFetch(text, decl, warn) {
  const out = [];
  for (const [i, line] of lines(text, 'fetch.txt', 'bag.fetch').entries()) {
    const m = /^(\S+)[ \t]+(\S+)[ \t]+(.+)$/.exec(line);
    if (!m) throw new BagError('bag.fetch', 'fetch.txt', `line ${i + 1}: expected \`url length filepath\``);
    if (!/^[A-Za-z][A-Za-z0-9+.-]*:[^#\s]*$/.test(m[1])) throw new BagError('bag.fetch', 'fetch.txt', `line ${i + 1}: ${JSON.stringify(m[1])} is not an absolute URI`);
    if (m[2] !== '-' && !/^[0-9]+$/.test(m[2])) throw new BagError('bag.fetch', 'fetch.txt', `line ${i + 1}: length ${JSON.stringify(m[2])} is neither digits nor \`-\``);
    const decoded = decl.version === '1.0' ? decodePercent(m[3], 'fetch.txt') : m[3];
    const { path, changed } = resolvePath(decoded, 'fetch.txt', 'bag.fetch');
    if (changed) warn('bag.path-form', 'fetch.txt', `line ${i + 1}: ${JSON.stringify(m[3])} is read as ${JSON.stringify(path)}`);
    out.push({ url: m[1], length: m[2] === '-' ? null : Number(m[2]), path });
  }
  return out;
}

const SYSTEM_FILES = /(^|\/)(\.DS_Store|Thumbs\.db|ehthumbs\.db|desktop\.ini|\._[^/]*)$|(^|\/)(\.Spotlight-V100|\.Trashes|\.fseventsd|__MACOSX|\$RECYCLE\.BIN)\//;

/** RFC 8493 §6's system files (`.DS_Store`, `__MACOSX/`, …). */
export function isSystemFile(path) {
  return SYSTEM_FILES.test(path);
}
