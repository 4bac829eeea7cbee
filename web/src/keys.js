// Public key files (SPKI PEM, RFC 8410) and key ids (FORMAT.md §3), and the
// trust a person gives the page: a keyring's trust.json with its key files
// (FORMAT.md §4), or single public keys with a party.

import { parseStrict, get } from './json.js';
import { parseTime } from './time.js';
import { parseCertificate } from './pkix.js';
import { decodePoint, NOT_A_POINT } from './ed25519.js';

const SPKI_PREFIX = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];

export function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export async function sha256Hex(bytes) {
  return hex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)));
}

/** Base64 (RFC 4648 §4: standard alphabet, padded, unused bits zero) to bytes; null when it is not that. */
export function fromBase64(text) {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) return null;
  const bin = atob(text);
  // atob ignores set bits after the last byte: another text for the same bytes, which a strict decoder refuses.
  if (btoa(bin) !== text) return null;
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/** The White_Space characters that Rust's `str::trim` strips (JavaScript's trim also strips U+FEFF, and not U+0085). */
const EDGE_SPACE = /^[\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;
const PEM_LINE = 64;

/**
 * The DER of the one PEM block of `text`, labelled `label`, read as FORMAT.md
 * §3 says (RFC 7468 as docseal's reader takes it): white space around the
 * text ignored; explanatory text before the block (no NUL, up to a line
 * feed) ignored; `-----BEGIN <label>-----`, one line end (LF, CR LF or CR),
 * the base64 in lines of exactly 64 characters each ended by a line end, the
 * last one of 1 to 64 (its own line end, and at most one more, before
 * `-----END <label>-----`), and nothing after. Throws saying why not.
 */
export function pemBlock(text, label) {
  let t = text.replace(EDGE_SPACE, '');
  const begin = '-----BEGIN ';
  if (!t.startsWith(begin)) {
    const at = t.indexOf(`\n${begin}`);
    if (at < 0 || t.slice(0, at).includes('\0')) throw new Error('not PEM: no -----BEGIN line');
    t = t.slice(at + 1);
  }
  const head = `-----BEGIN ${label}-----`;
  const tail = `-----END ${label}-----`;
  if (!t.startsWith(head)) throw new Error(`not a PEM \`${label}\``);
  const eol = (x) => (x.startsWith('\n') ? 1 : x.startsWith('\r\n') ? 2 : x.startsWith('\r') ? 1 : 0);
  const afterHead = t.slice(head.length);
  if (!eol(afterHead) || !t.endsWith(tail) || t.length < head.length + tail.length) throw new Error(`not a PEM \`${label}\``);
  let body = afterHead.slice(eol(afterHead), afterHead.length - tail.length);
  const trailing = body.endsWith('\r\n') ? 2 : body.endsWith('\n') || body.endsWith('\r') ? 1 : 0;
  if (!trailing) throw new Error(`not a PEM \`${label}\`: no line end before -----END`);
  body = body.slice(0, body.length - trailing);
  if (!body.length) throw new Error('the PEM block is empty');
  let b64 = '';
  for (;;) {
    if (body.length <= PEM_LINE) {
      b64 += body.replace(/(?:\r\n|\n|\r)$/, '');
      break;
    }
    const n = eol(body.slice(PEM_LINE));
    if (!n) throw new Error(`the PEM base64 is not in lines of ${PEM_LINE} characters`);
    b64 += body.slice(0, PEM_LINE);
    body = body.slice(PEM_LINE + n);
  }
  const der = fromBase64(b64);
  if (!der) throw new Error('the PEM body is not base64');
  return der;
}

/** The 32 raw key bytes of an Ed25519 `PUBLIC KEY` PEM, or throws saying why not. */
export function parsePublicKeyPem(text) {
  const der = pemBlock(text, 'PUBLIC KEY');
  if (der.length !== 44 || SPKI_PREFIX.some((b, i) => der[i] !== b)) {
    throw new Error('not an Ed25519 SubjectPublicKeyInfo (OID 1.3.101.112, no parameters)');
  }
  const key = der.slice(12);
  // As docseal reads keys (ed25519-dalek): 32 bytes that are not a point are no key at all
  // (the encodings of a point that strict verification refuses are judged by signature.valid).
  if (decodePoint(key) === NOT_A_POINT) throw new Error(NOT_A_POINT);
  return key;
}

/**
 * The DER of a TSA certificate file, read as FORMAT.md §4 says: PEM (one
 * `CERTIFICATE` block, as `pemBlock` reads it) when the file starts with
 * `-----BEGIN`, else the DER itself; either way it must be a certificate.
 */
export function certificateDer(bytes) {
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  const der = text.startsWith('-----BEGIN') ? pemBlock(text, 'CERTIFICATE') : bytes;
  parseCertificate(der);
  return der;
}

/** Whether a file given as trust is a TSA certificate rather than a public key: PEM `CERTIFICATE`, or DER (a SEQUENCE). */
export function looksLikeCertificate(bytes) {
  return bytes[0] === 0x30 || new TextDecoder().decode(bytes).includes('-----BEGIN CERTIFICATE-----');
}

/** The two demo keys published with docseal (FORMAT.md §4): demo whatever the trust says. */
export const DEMO_KEYS = new Set([
  '079c558af2309d3cf3636ed5d38e9f0ae870278a0eaf5774b9d71509a3eb3e7f',
  'a40897a5bea2868dc61d605811fbcb9218e5030696e339d8adb4da340a319925',
]);

const ROLES = new Set(['signatory', 'witness']);
const PARTY = /^[A-Z][A-Z0-9-]{1,15}$/;
const FIELDS = {
  1: { file: ['version', 'keys'], key: ['key', 'file', 'party', 'signer', 'valid_from', 'valid_until', 'revoked', 'demo'] },
  2: { file: ['version', 'keys', 'tsa'], key: ['key', 'file', 'party', 'signer', 'role', 'valid_from', 'valid_until', 'revoked', 'demo', 'history'] },
};
const STRICT_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** A trust input that cannot be used: the page gives no verdict, as the CLI exits 2. */
export class TrustError extends Error {}

/**
 * Reads the files given as trust. Returns `{ source, entries: Map<keyhex,
 * entry>, anchors: [{ name, der, validFrom, validUntil }] }`, or null when
 * no trust is given. An entry is `{ key, party, signer|null, role,
 * validFrom|null, validUntil|null, revoked|null, demo, origin }`.
 * `singleKeys` maps a single key file's name to `{ party, signer }`;
 * without a trust.json, certificate files are TSA anchors trusted at all times.
 */
export async function readTrust(files, singleKeys = new Map()) {
  if (!files.length) return null;
  const trustFiles = files.filter((f) => baseName(f) === 'trust.json');
  if (trustFiles.length > 1) throw new TrustError('more than one trust.json given');
  if (trustFiles.length === 1) return readKeyring(trustFiles[0], files.filter((f) => f !== trustFiles[0]));
  const entries = new Map();
  const anchors = [];
  for (const f of files) {
    const bytes = new Uint8Array(await f.arrayBuffer());
    if (looksLikeCertificate(bytes)) {
      let der;
      try {
        der = certificateDer(bytes);
      } catch (e) {
        throw new TrustError(`${f.name}: ${e.message}`);
      }
      anchors.push({ name: f.name.replace(/\.(pem|crt)$/, ''), der, validFrom: null, validUntil: null });
      continue;
    }
    const raw = readKey(f, bytes);
    const id = await sha256Hex(raw);
    const given = singleKeys.get(f.name) ?? {};
    const party = (given.party ?? '').trim().toUpperCase();
    if (!party) throw new TrustError(`${f.name}: a single public key needs the party it signs for`);
    if (!PARTY.test(party)) throw new TrustError(`${f.name}: ${JSON.stringify(party)} is not a party code`);
    if (entries.has(id)) throw new TrustError(`${f.name}: the key sha256:${id} is given twice`);
    entries.set(id, {
      key: id, party, signer: given.signer?.trim() || null, role: 'signatory',
      validFrom: null, validUntil: null, revoked: null, demo: DEMO_KEYS.has(id), origin: f.name,
    });
  }
  const source = entries.size ? (anchors.length ? 'single keys and TSA certificates' : 'single keys') : 'TSA certificates';
  return { source, entries, anchors };
}

/** A public key file given as trust: UTF-8 text (a binary file is no PEM), then parsePublicKeyPem. */
function readKey(file, bytes) {
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new TrustError(`${file.name}: it is binary, not PEM`);
  }
  try {
    return parsePublicKeyPem(text);
  } catch (e) {
    throw new TrustError(`${file.name}: ${e.message}`);
  }
}

function baseName(file) {
  return (file.webkitRelativePath || file.name).split('/').pop();
}

/** The given file for a trust entry's `file` (matched by relative path, else by its last component). */
function findFile(files, path) {
  const exact = files.filter((f) => f.webkitRelativePath && f.webkitRelativePath.split('/').slice(1).join('/') === path);
  if (exact.length === 1) return exact[0];
  const base = path.split('/').pop();
  const byName = files.filter((f) => baseName(f) === base);
  if (byName.length > 1) throw new TrustError(`trust.json: more than one file named ${base} was given`);
  return byName[0] ?? null;
}

async function readKeyring(trustFile, given) {
  let doc;
  try {
    doc = parseStrict(new Uint8Array(await trustFile.arrayBuffer()));
  } catch (e) {
    throw new TrustError(`trust.json: ${e.message}`);
  }
  const bad = (m) => new TrustError(`trust.json: ${m}`);
  if (!(doc instanceof Map)) throw bad('not a JSON object');
  const version = get(doc, 'version');
  if (version !== 1 && version !== 2) throw bad(`version ${JSON.stringify(version)} is not known here (1 and 2 are)`);
  const fields = FIELDS[version];
  for (const k of doc.keys()) if (!fields.file.includes(k)) throw bad(`unknown field ${k}`);
  const list = get(doc, 'keys');
  if (!Array.isArray(list)) throw bad('`keys` is not a list');
  const time = (obj, k, at, required) => {
    const v = get(obj, k);
    if (v === undefined && !required) return null;
    if (typeof v !== 'string') throw bad(`${at}.${k} must be a time`);
    if (version === 2 && !STRICT_TIME.test(v)) throw bad(`${at}.${k}: ${JSON.stringify(v)} is not YYYY-MM-DDTHH:MM:SSZ`);
    const t = parseTime(v);
    if (t === null) throw bad(`${at}.${k}: ${JSON.stringify(v)} is not an RFC 3339 time`);
    return t;
  };
  const str = (obj, k, at, required) => {
    const v = get(obj, k);
    if (v === undefined && !required) return null;
    if (typeof v !== 'string') throw bad(`${at}.${k} must be a string`);
    return v;
  };
  const entries = new Map();
  for (const [i, e] of list.entries()) {
    const at = `keys[${i}]`;
    if (!(e instanceof Map)) throw bad(`${at} is not an object`);
    for (const k of e.keys()) if (!fields.key.includes(k)) throw bad(`${at}: unknown field ${k}`);
    const key = str(e, 'key', at, true);
    const m = /^sha256:([0-9a-f]{64})$/.exec(key);
    if (!m) throw bad(`${at}.key: ${JSON.stringify(key)} is not a key id`);
    if (entries.has(m[1])) throw bad(`the key ${key} is listed twice`);
    const party = str(e, 'party', at, true);
    if (!PARTY.test(party)) throw bad(`${at}.party: ${JSON.stringify(party)} is not a party code`);
    const role = str(e, 'role', at, false) ?? 'signatory';
    if (!ROLES.has(role)) throw bad(`${at}.role: ${JSON.stringify(role)} is neither signatory nor witness`);
    const demo = get(e, 'demo') ?? false;
    if (typeof demo !== 'boolean') throw bad(`${at}.demo must be true or false`);
    let revoked = null;
    const r = get(e, 'revoked');
    if (r !== undefined) {
      if (!(r instanceof Map)) throw bad(`${at}.revoked is not an object`);
      for (const k of r.keys()) if (k !== 'at' && k !== 'reason') throw bad(`${at}.revoked: unknown field ${k}`);
      revoked = { at: time(r, 'at', `${at}.revoked`, true), reason: str(r, 'reason', `${at}.revoked`, true) };
    }
    const history = get(e, 'history');
    if (history !== undefined) {
      if (!Array.isArray(history)) throw bad(`${at}.history is not a list`);
      for (const [j, h] of history.entries()) {
        const hat = `${at}.history[${j}]`;
        if (!(h instanceof Map)) throw bad(`${hat} is not an object`);
        for (const k of h.keys()) if (!['at', 'field', 'from', 'to'].includes(k)) throw bad(`${hat}: unknown field ${k}`);
        time(h, 'at', hat, true);
        if (!['signer', 'role', 'valid_from', 'valid_until'].includes(str(h, 'field', hat, true))) throw bad(`${hat}.field is not signer, role, valid_from or valid_until`);
        str(h, 'from', hat, false);
        str(h, 'to', hat, false);
      }
    }
    const entry = {
      key: m[1], party, signer: str(e, 'signer', at, true), role,
      validFrom: time(e, 'valid_from', at, true), validUntil: time(e, 'valid_until', at, false), revoked,
      demo: demo || DEMO_KEYS.has(m[1]), origin: str(e, 'file', at, true),
    };
    if (entry.validUntil !== null && entry.validUntil < entry.validFrom) throw bad(`${at}: valid_until is before valid_from`);
    const file = findFile(given, entry.origin);
    if (!file) throw bad(`${at}: its key file ${entry.origin} was not given (add it with trust.json)`);
    const raw = readKey(file, new Uint8Array(await file.arrayBuffer()));
    if ((await sha256Hex(raw)) !== entry.key) throw bad(`${at}: ${entry.origin} holds another key than ${key}`);
    entries.set(entry.key, entry);
  }
  const anchors = [];
  const tsa = get(doc, 'tsa') ?? [];
  if (!Array.isArray(tsa)) throw bad('`tsa` is not a list');
  for (const [i, t] of tsa.entries()) {
    const at = `tsa[${i}]`;
    if (!(t instanceof Map)) throw bad(`${at} is not an object`);
    for (const k of t.keys()) if (!['name', 'file', 'certificate', 'valid_from', 'valid_until'].includes(k)) throw bad(`${at}: unknown field ${k}`);
    const name = str(t, 'name', at, true);
    if (anchors.some((a) => a.name === name)) throw bad(`the TSA ${JSON.stringify(name)} is listed twice`);
    const path = str(t, 'file', at, true);
    const digest = str(t, 'certificate', at, true);
    if (!/^sha256:[0-9a-f]{64}$/.test(digest)) throw bad(`${at}.certificate is not a sha256:<hex> digest`);
    const validFrom = time(t, 'valid_from', at, false);
    const validUntil = time(t, 'valid_until', at, false);
    const file = findFile(given, path);
    if (!file) throw bad(`${at}: its certificate ${path} was not given (add the keyring's tsa/ files with trust.json)`);
    let der;
    try {
      der = certificateDer(new Uint8Array(await file.arrayBuffer()));
    } catch (e) {
      throw bad(`${path}: ${e.message}`);
    }
    if (`sha256:${await sha256Hex(der)}` !== digest) throw bad(`${path} is not the certificate ${digest}`);
    anchors.push({ name, der, validFrom, validUntil });
  }
  return { source: 'keyring trust.json', entries, anchors };
}
