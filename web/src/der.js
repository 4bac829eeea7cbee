// A strict DER reader (X.690 §10): definite lengths in their shortest form,
// low tag numbers, primitive strings, minimal INTEGERs, canonical BOOLEANs,
// and nothing after the outer element. FORMAT.md §6.2 reads every token
// structure so; a refusal is a DerError, which the token rules report as
// `timestamp.parse`. Each node keeps its bytes as received (`raw`), since
// signatures are over them.

export class DerError extends Error {}

export const TAG = {
  BOOLEAN: 0x01, INTEGER: 0x02, BIT_STRING: 0x03, OCTET_STRING: 0x04, NULL: 0x05, OID: 0x06,
  UTF8: 0x0c, UTC_TIME: 0x17, GENERALIZED_TIME: 0x18, SEQUENCE: 0x30, SET: 0x31,
};

/** One element at `at` of `bytes`: `{ tag, constructed, start, contentStart, end, raw, content }`. */
export function readNode(bytes, at = 0) {
  if (at + 2 > bytes.length) throw new DerError('an element runs past its container');
  const tag = bytes[at];
  if ((tag & 0x1f) === 0x1f) throw new DerError(`a high tag number (0x${tag.toString(16)})`);
  let len = bytes[at + 1];
  let i = at + 2;
  if (len === 0x80) throw new DerError('an indefinite length');
  if (len > 0x80) {
    const n = len & 0x7f;
    if (n > 4) throw new DerError('a length of more than 4 bytes');
    if (i + n > bytes.length) throw new DerError('a length runs past its container');
    if (bytes[i] === 0) throw new DerError('a length with a leading zero byte');
    len = 0;
    for (let k = 0; k < n; k++) len = len * 256 + bytes[i + k];
    if (len < 0x80) throw new DerError('a long-form length below 128');
    i += n;
  }
  if (i + len > bytes.length) throw new DerError('an element runs past its container');
  const node = {
    tag, constructed: (tag & 0x20) !== 0, start: at, contentStart: i, end: i + len,
    raw: bytes.subarray(at, i + len), content: bytes.subarray(i, i + len),
  };
  if (node.constructed) node.children = readAll(node.content);
  else checkPrimitive(node);
  return node;
}

/** The elements that exactly fill `bytes`. */
export function readAll(bytes) {
  const out = [];
  let at = 0;
  while (at < bytes.length) {
    const n = readNode(bytes, at);
    out.push(n);
    at = n.end;
  }
  return out;
}

/** The one element that is all of `bytes` (nothing after it). */
export function parseDer(bytes) {
  const n = readNode(bytes, 0);
  if (n.end !== bytes.length) throw new DerError(`${bytes.length - n.end} bytes after the outer element`);
  return n;
}

function checkPrimitive(n) {
  const c = n.content;
  switch (n.tag) {
    case TAG.BOOLEAN:
      if (c.length !== 1 || (c[0] !== 0 && c[0] !== 0xff)) throw new DerError('a BOOLEAN other than 0x00 or 0xff');
      break;
    case TAG.INTEGER:
      if (!c.length) throw new DerError('an empty INTEGER');
      if (c.length > 1 && ((c[0] === 0 && !(c[1] & 0x80)) || (c[0] === 0xff && c[1] & 0x80))) throw new DerError('an INTEGER not in its shortest form');
      break;
    case TAG.NULL:
      if (c.length) throw new DerError('a NULL with content');
      break;
    case TAG.BIT_STRING:
      if (!c.length || c[0] > 7 || (c.length === 1 && c[0] !== 0)) throw new DerError('a malformed BIT STRING');
      if (c[0] && c[c.length - 1] & ((1 << c[0]) - 1)) throw new DerError('a BIT STRING with unused bits set');
      break;
    case TAG.OID:
      if (!c.length || c[c.length - 1] & 0x80) throw new DerError('a malformed OBJECT IDENTIFIER');
      for (let k = 0; k < c.length; k++) if (c[k] === 0x80 && (k === 0 || !(c[k - 1] & 0x80))) throw new DerError('an OBJECT IDENTIFIER arc not in its shortest form');
      break;
    default:
  }
}

/** Expects `n` to have tag `tag`; returns it. */
export function expect(n, tag, what) {
  if (!n || n.tag !== tag) throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, found ${n ? '0x' + n.tag.toString(16) : 'nothing'}`);
  return n;
}

/** The children of a SEQUENCE (or SET) `n`, expecting `tag`. */
export function seq(n, what, tag = TAG.SEQUENCE) {
  return expect(n, tag, what).children;
}

export function oid(n, what = 'an OBJECT IDENTIFIER') {
  const c = expect(n, TAG.OID, what).content;
  const arcs = [];
  let v = 0n;
  for (const b of c) {
    v = (v << 7n) | BigInt(b & 0x7f);
    if (!(b & 0x80)) {
      arcs.push(v);
      v = 0n;
    }
  }
  const first = arcs[0] < 80n ? [arcs[0] / 40n, arcs[0] % 40n] : [2n, arcs[0] - 80n];
  return [...first, ...arcs.slice(1)].join('.');
}

/** An INTEGER as a BigInt (two's complement). */
export function integer(n, what = 'an INTEGER') {
  const c = expect(n, TAG.INTEGER, what).content;
  let v = 0n;
  for (const b of c) v = (v << 8n) | BigInt(b);
  if (c[0] & 0x80) v -= 1n << BigInt(c.length * 8);
  return v;
}

/** The content of a primitive node with tag `tag` (OCTET STRING, or an IMPLICIT one). */
export function octets(n, what, tag = TAG.OCTET_STRING) {
  const node = expect(n, tag, what);
  if (node.constructed) throw new DerError(`${what}: a constructed string`);
  return node.content;
}

/** The bytes of a BIT STRING with no unused bits. */
export function bitStringBytes(n, what) {
  const c = expect(n, TAG.BIT_STRING, what).content;
  if (c[0] !== 0) throw new DerError(`${what}: unused bits`);
  return c.subarray(1);
}

/** Bit `i` (0 = the first, most significant) of a BIT STRING. */
export function bit(n, i) {
  const c = n.content;
  const byte = 1 + (i >> 3);
  return byte < c.length && (c[byte] & (0x80 >> (i & 7))) !== 0;
}

export function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d{0,8}[1-9]))?Z$/;

/**
 * A GeneralizedTime `YYYYMMDDhhmmss[.f]Z` (fraction of 1 to 9 digits, no
 * trailing zero), as nanoseconds since 1970 (BigInt).
 */
export function generalizedTime(n, what) {
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(expect(n, TAG.GENERALIZED_TIME, what).content);
  const m = TIME.exec(text);
  if (!m) throw new DerError(`${what}: ${JSON.stringify(text)} is not YYYYMMDDhhmmss[.f]Z`);
  return instant(m, m[7] ?? '', what, text);
}

/** A certificate's Time: UTCTime `YYMMDDhhmmssZ` (years 1950–2049) or GeneralizedTime `YYYYMMDDhhmmssZ`. */
export function certificateTime(n, what) {
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(n.content);
  if (n.tag === TAG.UTC_TIME) {
    const m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
    if (!m) throw new DerError(`${what}: ${JSON.stringify(text)} is not YYMMDDhhmmssZ`);
    const yy = Number(m[1]);
    return instant([null, String(yy < 50 ? 2000 + yy : 1900 + yy), ...m.slice(2)], '', what, text);
  }
  if (n.tag === TAG.GENERALIZED_TIME) {
    const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
    if (!m) throw new DerError(`${what}: ${JSON.stringify(text)} is not YYYYMMDDhhmmssZ`);
    return instant(m, '', what, text);
  }
  throw new DerError(`${what}: neither UTCTime nor GeneralizedTime`);
}

function instant(m, fraction, what, text) {
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    throw new DerError(`${what}: ${JSON.stringify(text)} is not a valid instant`);
  }
  return BigInt(ms) * 1_000_000n + BigInt((fraction + '000000000').slice(0, 9));
}
