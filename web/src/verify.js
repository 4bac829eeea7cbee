// Verifying a bundle (FORMAT.md §5.3) in the page: container, bag, profile,
// statement, signatures with their time-stamp tokens, trust, policy, and
// the verdict in the CLI's words (§5.5). Every check is reported with its
// code; nothing stops at the first failure except a refused container
// (nothing in it can be trusted).

import { openZip, streamEntry, UnsafeZip } from './zip.js';
import { Bag, checkBag, TAG_LIMIT } from './bag.js';
import { timings } from './hashing.js';
import { HeldFile } from './source.js';
import { checkProfile } from './profile.js';
import { parseStrict, canonicalize, canonicalBytes, toPlain, JsonError } from './json.js';
import { verifyStrict } from './ed25519.js';
import { parsePublicKeyPem, hex, sha256Hex, fromBase64 } from './keys.js';
import { isSignedAt, formatTime, parseTime } from './time.js';
import { checkTokens } from './timestamp.js';
import { Validator } from '@cfworker/json-schema';

const STATEMENT_LIMIT = 64 << 20;
const SIGNATURE_FILE_LIMIT = 1 << 20;
const TOKEN_LIMIT = 256 << 10;
const SIGNED_FIELDS = ['bag', 'key', 'party', 'role', 'schema', 'signed_at', 'signer', 'statement', 'tagmanifest', 'type'];
const RECORD_FIELDS = ['version', 'checked_by', 'checked_at', 'schema', 'schema_sha256', 'statement_canonical_sha256', 'result', 'findings'];
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

class Checks {
  constructor() {
    this.list = [];
  }
  add(code, status, subject, message) {
    this.list.push({ code, status, subject: subject ?? null, message });
  }
  pass(code, subject, message) { this.add(code, 'pass', subject, message); }
  fail(code, subject, message) { this.add(code, 'fail', subject, message); }
  warn(code, subject, message) { this.add(code, 'warn', subject, message); }
}

/**
 * Verifies the bundle in `blob` against `trust` (from readTrust, or null).
 * `progress(done, total)` is called while hashing.
 */
export async function verifyBundle(blob, trust, progress = () => {}) {
  const checks = new Checks();
  const report = {
    kind: 'bagit', bag: '', verdict: 'not-authentic', reasons: [], checks: checks.list,
    signers: [], parties: [], statement: null, trust: trustSummary(trust), policy: null,
  };
  const started = performance.now();
  const lap = () => (performance.now() - started) / 1000;
  timings.read = 0;
  timings.digests = 0;
  const file = new HeldFile(blob);
  let zip;
  try {
    zip = await openZip(file);
  } catch (e) {
    if (!(e instanceof UnsafeZip)) throw e;
    checks.fail('container', e.entry || null, `refused (${e.code}): ${e.reason}${e.offset === null ? '' : ` (at byte ${e.offset})`}`);
    // A refused archive is plainly not authentic: nothing says whether it is a bag or a bundle.
    report.verdict = 'not-authentic';
    report.reasons = [`the zip container is refused (${e.code}): ${e.reason}`];
    return report;
  }
  report.bag = zip.root;
  // Seconds from the start to the end of each phase (bench/web.sh prints them).
  report.timings = { zip: lap() };
  const bag = new Bag(file, zip);
  const containerAt = checks.list.length;
  const bagOut = await checkBag(bag, checks, progress);
  report.timings.bag = lap();
  report.timings.large_entries = { ...timings };
  const docseal = bag.has('metadata/validation.json') || zip.entries.some((e) => e.path.startsWith('signatures/'));
  if (docseal) {
    report.kind = 'docseal-bundle';
    await checkProfile(bag, bagOut, checks);
    const statement = await readStatement(bag, checks);
    if (statement) {
      report.statement = statement.plain;
      report.parties = partiesOf(statement.plain);
      await checkRecord(bag, statement, checks);
    }
    report.signers = await checkSignatures(bag, zip.root, bagOut, statement, trust, checks);
  }
  // Every entry is read once, so that its CRC-32 and length are checked even when no other check reads it.
  for (const e of zip.entries) {
    if (bag.read.has(e.path)) continue;
    try {
      await streamEntry(file, e, () => {});
      bag.read.add(e.path);
    } catch (err) {
      bag.failed(e.path, err);
    }
  }
  const container = bag.readErrors.length
    ? { code: 'container', status: 'fail', subject: bag.readErrors[0].entry, message: `refused (${bag.readErrors[0].code}): ${bag.readErrors[0].message}` }
    : { code: 'container', status: 'pass', subject: null, message: 'zip archive is sound: every byte in one structure, every local header as its central entry, every entry as declared, one root folder' };
  checks.list.splice(containerAt, 0, container);
  report.timings.done = lap();
  return finish(report, trust);
}

function trustSummary(trust) {
  if (!trust) return { given: false, source: null, keys: 0, tsa: 0 };
  return { given: true, source: trust.source, keys: trust.entries.size, tsa: trust.anchors.length };
}

async function readStatement(bag, checks) {
  const path = 'data/statement.json';
  if (!bag.has(path)) {
    checks.fail('statement.schema', path, 'data/statement.json is missing');
    return null;
  }
  const bytes = await bag.bytes(path, STATEMENT_LIMIT);
  if (bytes === null) {
    checks.fail('statement.schema', path, 'the statement cannot be read');
    return null;
  }
  let value;
  try {
    value = parseStrict(bytes);
  } catch (e) {
    checks.fail('statement.schema', path, e instanceof JsonError ? e.message : `cannot read the statement: ${e.message}`);
    return null;
  }
  const canonical = `sha256:${await sha256Hex(canonicalBytes(value))}`;
  const plain = toPlain(value);
  const schemas = bag.entries.filter((e) => e.path.startsWith('metadata/schema/'));
  let schemaDigest = null;
  if (schemas.length !== 1) {
    checks.fail('statement.schema', 'metadata/schema/', `expected exactly one schema in metadata/schema/, found ${schemas.length}`);
  } else {
    const name = schemas[0].path;
    const schemaBytes = await bag.bytes(name, TAG_LIMIT);
    let schema;
    if (schemaBytes === null) checks.fail('statement.schema', name, 'the embedded schema cannot be read');
    else {
      schemaDigest = `sha256:${await sha256Hex(schemaBytes)}`;
      try {
        schema = toPlain(parseStrict(schemaBytes));
      } catch (e) {
        checks.fail('statement.schema', name, `the embedded schema cannot be used: ${e.message}`);
      }
    }
    if (schema !== undefined) validateStatement(schema, name, plain, path, checks);
  }
  return { bytes, value, plain, canonical, schemaDigest };
}

function validateStatement(schema, name, plain, path, checks) {
  let result;
  try {
    const draft = /draft-0?4/.test(schema.$schema ?? '') ? '4' : /draft-0?7/.test(schema.$schema ?? '') ? '7'
      : /2019-09/.test(schema.$schema ?? '') ? '2019-09' : '2020-12';
    result = new Validator(schema, draft, false).validate(plain);
  } catch (e) {
    checks.fail('statement.schema', name, `the embedded schema cannot be used: ${e.message}`);
    return;
  }
  if (result.valid) {
    checks.pass('statement.schema', path, `valid against the embedded schema ${schema.$id ?? name}`);
    return;
  }
  // The validator reports each failing keyword and the keywords around it; the leaves say what is wrong.
  const leaves = result.errors.filter((e) => !['properties', 'items', 'allOf', '$ref', 'anyOf', 'oneOf', 'prefixItems', '$defs'].includes(e.keyword));
  for (const e of (leaves.length ? leaves : result.errors).slice(0, 50)) {
    checks.fail('statement.schema', path, `[schema/${e.keyword}] ${e.error} (at ${e.instanceLocation.replace(/^#/, '') || '/'})`);
  }
}

/** `metadata/validation.json` (FORMAT.md §5.1): what was checked at sealing, about this statement and schema. */
async function checkRecord(bag, statement, checks) {
  const path = 'metadata/validation.json';
  const fail = (m) => checks.fail('statement.validation-record', path, m);
  if (!bag.has(path)) return fail('metadata/validation.json is missing');
  const bytes = await bag.bytes(path);
  if (bytes === null) return fail('the record cannot be read');
  let v;
  try {
    v = parseStrict(bytes);
  } catch (e) {
    return fail(`not strict JSON: ${e.message}`);
  }
  if (!(v instanceof Map)) return fail('not a JSON object');
  for (const k of v.keys()) if (!RECORD_FIELDS.includes(k)) return fail(`unknown field ${k}`);
  for (const k of RECORD_FIELDS) if (!v.has(k)) return fail(`missing field ${k}`);
  const r = toPlain(v);
  if (r.version !== 1) return fail(`version ${JSON.stringify(r.version)}, not 1`);
  for (const k of ['checked_by', 'checked_at', 'schema', 'schema_sha256', 'statement_canonical_sha256', 'result']) {
    if (typeof r[k] !== 'string') return fail(`${k} is not a string`);
  }
  if (!Array.isArray(r.findings)) return fail('findings is not a list');
  if (r.result !== 'valid') return fail(`result ${JSON.stringify(r.result)}, not "valid"`);
  if (r.statement_canonical_sha256 !== statement.canonical) return fail(`statement_canonical_sha256 is not the statement's canonical digest ${statement.canonical}`);
  if (statement.schemaDigest !== null && r.schema_sha256 !== statement.schemaDigest) return fail(`schema_sha256 is not the embedded schema's digest ${statement.schemaDigest}`);
  checks.pass('statement.validation-record', path, `checked ${r.result} by ${r.checked_by} at ${r.checked_at}`);
}

function partiesOf(statement) {
  const list = Array.isArray(statement?.parties) ? statement.parties : [];
  return list
    .filter((p) => p && typeof p.id === 'string')
    .map((p) => ({ id: p.id, name: typeof p.name === 'string' ? p.name : '', role: typeof p.role === 'string' ? p.role : '' }));
}

/** The token files of a key: `<keyhex>.tsr`, `<keyhex>.<n>.tsr` (n ≥ 2, no leading zero). */
function tokenNumber(rest) {
  if (rest === 'tsr') return 1;
  const m = /^([1-9][0-9]*)\.tsr$/.exec(rest);
  return m && Number(m[1]) >= 2 ? Number(m[1]) : null;
}

/** Groups `signatures/`: each key's files; anything else fails signature.files. */
function signatureKeys(bag, checks) {
  const keys = new Map();
  for (const e of bag.entries) {
    if (!e.path.startsWith('signatures/')) continue;
    const name = e.path.slice('signatures/'.length);
    const m = /^([0-9a-f]{64})\.(.+)$/.exec(name);
    const kind = m && (['json', 'sig', 'pub.pem'].includes(m[2]) ? m[2] : tokenNumber(m[2]) !== null ? 'tsr' : null);
    if (!kind) {
      checks.fail('signature.files', e.path, 'a file signature.files does not know in signatures/');
      continue;
    }
    if (!keys.has(m[1])) keys.set(m[1], { files: new Set(), tokens: [] });
    const k = keys.get(m[1]);
    if (kind === 'tsr') k.tokens.push({ path: e.path, name, n: tokenNumber(m[2]) });
    else k.files.add(kind);
  }
  for (const k of keys.values()) k.tokens.sort((a, b) => a.n - b.n);
  return keys;
}

async function checkSignatures(bag, bagName, bagOut, statement, trust, checks) {
  const signers = [];
  const keys = signatureKeys(bag, checks);
  if (!keys.size) {
    checks.fail('signature.present', null, 'the bundle holds no signature');
    return signers;
  }
  for (const keyhex of [...keys.keys()].sort()) {
    const s = await checkOne(bag, keyhex, keys.get(keyhex), bagName, bagOut, statement, trust, checks);
    if (s) signers.push(s);
  }
  return signers;
}

/** The three files of one signature, in the forms of §5.2; null (and a signature.files failure) otherwise. */
async function parseFiles(bag, keyhex, files, subject, checks) {
  const fail = (m) => {
    checks.fail('signature.files', subject, m);
    return null;
  };
  if (!files.has('json') || !files.has('sig') || !files.has('pub.pem')) return fail('needs .json, .sig and .pub.pem');
  const base = `signatures/${keyhex}`;
  const [json, sigBytes, pemBytes] = [
    await bag.bytes(`${base}.json`, SIGNATURE_FILE_LIMIT), await bag.bytes(`${base}.sig`, SIGNATURE_FILE_LIMIT), await bag.bytes(`${base}.pub.pem`, SIGNATURE_FILE_LIMIT),
  ];
  if (!json || !sigBytes || !pemBytes) return fail('cannot be read');
  let publicKey;
  try {
    // Read as text with U+FFFD for bytes that are not UTF-8, and a byte order mark kept, as docseal reads it.
    publicKey = parsePublicKeyPem(new TextDecoder('utf-8', { ignoreBOM: true }).decode(pemBytes));
  } catch (e) {
    return fail(`public key: ${e.message}`);
  }
  let signed;
  try {
    signed = parseSigned(json);
  } catch (e) {
    return fail(`signed statement: ${e.message}`);
  }
  // Exactly padded base64 of 64 bytes, then one `\n`: no other whitespace.
  const sigText = new TextDecoder('utf-8', { ignoreBOM: true }).decode(sigBytes);
  const signature = sigText.endsWith('\n') ? fromBase64(sigText.slice(0, -1)) : null;
  if (!signature || signature.length !== 64) return fail('the .sig file is not base64 of 64 bytes followed by one newline');
  return { publicKey, signed, json, signature };
}

async function checkOne(bag, keyhex, group, bagName, bagOut, statement, trust, checks) {
  const subject = `sha256:${keyhex}`;
  const parsed = await parseFiles(bag, keyhex, group.files, subject, checks);
  if (!parsed) return null;
  const { publicKey, signed, json, signature } = parsed;
  const valid = await verifyStrict(publicKey, json, signature);
  if (valid.ok) checks.pass('signature.valid', subject, 'the Ed25519 signature is valid');
  else checks.fail('signature.valid', subject, `the Ed25519 signature does not verify: ${valid.reason}`);
  const problems = [];
  const keyId = await sha256Hex(publicKey);
  if (keyId !== keyhex || signed.key !== subject) problems.push('the key id does not match the public key and file name');
  if (signed.bag !== bagName) problems.push(`signed for bag ${JSON.stringify(signed.bag)}, this bag is ${JSON.stringify(bagName)}`);
  const tm256 = bagOut.digests.get('tagmanifest-sha256.txt')?.sha256;
  const tm512 = bagOut.digests.get('tagmanifest-sha512.txt')?.sha512;
  if (signed.tagmanifest.sha256 !== `sha256:${tm256}` || signed.tagmanifest.sha512 !== `sha512:${tm512}`) problems.push('the tag manifests differ from those signed');
  if (statement) {
    if (statement.canonical !== signed.statement) problems.push("the statement's canonical digest differs from the one signed");
    if (statement.schemaDigest !== signed.schema) problems.push('the embedded schema differs from the one signed');
  }
  if (!problems.length) checks.pass('signature.binding', subject, "binds this bag's tag manifests, statement, schema and key");
  else checks.fail('signature.binding', subject, problems.join('; '));
  const proven = await checkTokens(bag, group.tokens, signature, trust?.anchors ?? [], subject, checks, TOKEN_LIMIT);
  const claimed = parseTime(signed.signed_at);
  const assessed = judge(trust, signed, claimed, proven, statement, subject, checks);
  return {
    key: subject, party: signed.party, signer: signed.signer, role: signed.role, signed_at: signed.signed_at,
    proven_time: proven === null ? null : formatTime(proven.time), proven_by: proven?.by ?? null,
    intact: valid.ok && !problems.length, status: valid.ok && !problems.length ? assessed.status : 'invalid',
    trust: assessed.trust, identity: assessed.entry ? { party: assessed.entry.party, signer: assessed.entry.signer, role: assessed.entry.role } : null,
  };
}

/** Reads a signed statement (FORMAT.md §5.2): exactly its canonical form, exactly its fields. */
function parseSigned(bytes) {
  const value = parseStrict(bytes);
  if (!(value instanceof Map)) throw new Error('not a JSON object');
  if (canonicalize(value) !== utf8.decode(bytes)) throw new Error('not in its RFC 8785 canonical form');
  for (const k of value.keys()) if (!SIGNED_FIELDS.includes(k)) throw new Error(`unknown field ${k}`);
  for (const k of SIGNED_FIELDS) if (!value.has(k)) throw new Error(`missing field ${k}`);
  const s = toPlain(value);
  if (s.type !== 'docseal-signature/1') throw new Error(`type ${JSON.stringify(s.type)} is not docseal-signature/1`);
  for (const k of ['bag', 'key', 'party', 'role', 'schema', 'signed_at', 'signer', 'statement']) {
    if (typeof s[k] !== 'string') throw new Error(`${k} is not a string`);
  }
  if (!/^[A-Z][A-Z0-9-]{1,15}$/.test(s.party)) throw new Error(`party ${JSON.stringify(s.party)} is not a party code`);
  if (s.role !== 'signatory' && s.role !== 'witness') throw new Error(`role ${JSON.stringify(s.role)} is neither signatory nor witness`);
  if (!isSignedAt(s.signed_at)) throw new Error(`signed_at ${JSON.stringify(s.signed_at)} is not YYYY-MM-DDTHH:MM:SSZ`);
  const tm = s.tagmanifest;
  if (!tm || typeof tm !== 'object' || Array.isArray(tm) || Object.keys(tm).sort().join() !== 'sha256,sha512' ||
      !/^sha256:[0-9a-f]{64}$/.test(tm.sha256) || !/^sha512:[0-9a-f]{128}$/.test(tm.sha512)) {
    throw new Error('tagmanifest must be {"sha256": "sha256:<hex>", "sha512": "sha512:<hex>"}');
  }
  for (const k of ['key', 'schema', 'statement']) {
    if (!/^sha256:[0-9a-f]{64}$/.test(s[k])) throw new Error(`${k} is not a sha256:<64 hex> digest`);
  }
  return s;
}

/** Signer names compare with runs of whitespace folded to one space and in Unicode NFC. */
function sameSigner(a, b) {
  const fold = (s) => s.trim().replace(/\s+/gu, ' ').normalize('NFC');
  return fold(a) === fold(b);
}

/**
 * Party, identity and trust of one signature (FORMAT.md §5.3, §4.2):
 * reports signature.party, signature.identity and signature.trust, and
 * returns `{ status, trust, entry }`.
 */
function judge(trust, signed, claimed, proven, statement, subject, checks) {
  const entry = trust?.entries.get(signed.key.slice('sha256:'.length)) ?? null;
  let status = null;
  // signature.party: a party the statement names, with the role it gives it.
  const named = statement ? partiesOf(statement.plain).find((p) => p.id === signed.party) : undefined;
  if (!statement) {
    checks.fail('signature.party', subject, 'the statement cannot be read, so the party cannot be checked');
    status = 'not-a-party';
  } else if (!named) {
    checks.fail('signature.party', subject, `the statement does not name ${signed.party} as a party`);
    status = 'not-a-party';
  } else if (named.role !== signed.role) {
    checks.fail('signature.party', subject, `the statement makes ${signed.party} a ${named.role}, not a ${signed.role}`);
    status = 'not-a-party';
  } else checks.pass('signature.party', subject, `${signed.party} (${named.name}) is a ${named.role} of the statement`);
  // signature.identity: whenever the trust has an entry for the key, demo keys included.
  if (entry) {
    const wrong = [];
    if (entry.party !== signed.party) wrong.push(`the trust says ${entry.party}, the signature claims ${signed.party}`);
    if (entry.role !== signed.role) wrong.push(`the trust says ${entry.role}, the signature claims ${signed.role}`);
    if (entry.signer !== null && !sameSigner(entry.signer, signed.signer)) wrong.push(`the trust says the signer is ${JSON.stringify(entry.signer)}, the signature claims ${JSON.stringify(signed.signer)}`);
    if (wrong.length) {
      checks.fail('signature.identity', subject, `${wrong.join('; ')}: the claim is not who signed`);
      // A contradiction of the trust outranks a party the statement does not give (the CLI's status too).
      status = 'identity-mismatch';
    } else checks.pass('signature.identity', subject, `the trust's identity of the key: ${entry.party} (${entry.signer ?? 'any signer'}), ${entry.role}`);
  }
  const t = keyStatus(entry, signed.key, claimed, proven);
  const failing = ['not-yet-valid', 'expired', 'revoked'].includes(t.trust);
  if (status === null || failing) {
    const level = t.trust === 'trusted' ? 'pass' : failing ? 'fail' : 'warn';
    checks.add('signature.trust', level, subject, t.message);
  }
  return { status: status ?? t.trust, trust: t.trust, entry };
}

/** §4.2: what the trust says of a key at the signature's proven time, else its claimed time. */
function keyStatus(entry, key, claimed, proven) {
  const t = proven ? proven.time : claimed;
  const when = proven ? `${formatTime(t)} (proven by ${proven.by})` : `${formatTime(t)} (claimed)`;
  if (!entry) return { trust: 'unknown', message: 'the trust given does not list this key: nothing says whose it is' };
  if (entry.revoked && (!proven || proven.time >= entry.revoked.at)) {
    return {
      trust: 'revoked',
      message: proven
        ? `the key was revoked at ${formatTime(entry.revoked.at)} (${entry.revoked.reason}), before the proven time ${when}`
        : `the key has been revoked (${formatTime(entry.revoked.at)}, ${entry.revoked.reason}) and nothing proves this signature was made before: its time ${when} is only claimed`,
    };
  }
  if (entry.validFrom !== null && t < entry.validFrom) return { trust: 'not-yet-valid', message: `signed at ${when}, before the key's validity (${formatTime(entry.validFrom)})` };
  if (entry.validUntil !== null && entry.validUntil < t) return { trust: 'expired', message: `signed at ${when}, after the key's validity (${formatTime(entry.validUntil)})` };
  if (entry.demo) return { trust: 'demo', message: 'DEMO KEY: signed with a published demo key; this proves nothing about who signed' };
  return { trust: 'trusted', message: `the key is trusted at ${when}` };
}

/** The policy (all signatories), each party's standing and the verdict, with its reasons (FORMAT.md §5.5). */
function finish(report, trust) {
  const failed = report.checks.filter((c) => c.status === 'fail');
  const reasons = [];
  if (report.kind === 'bagit') {
    report.verdict = failed.length ? 'invalid-bag' : 'valid-bag';
    for (const c of failed) reasons.push(`${c.code}${c.subject ? ' ' + c.subject : ''}: ${c.message}`);
    if (!failed.length) reasons.push('a plain BagIt bag: every bag check holds (nothing in it says who made it)');
    report.reasons = reasons;
    return report;
  }
  if (report.statement) {
    const required = report.parties.filter((p) => p.role === 'signatory').map((p) => p.id);
    const standing = report.parties.map((p) => {
      const by = report.signers.filter((s) => s.party === p.id);
      const counts = by.some((s) => s.intact && s.status === 'trusted' && s.role === p.role);
      const signed = !by.length ? 'missing' : counts ? 'trusted'
        : by.every((s) => !s.intact || !['unknown', 'demo'].includes(s.status)) ? 'failed' : 'unvouched';
      return { ...p, required: required.includes(p.id), signed };
    });
    report.parties = standing;
    report.policy = { kind: 'all-signatories', required };
    for (const p of standing.filter((x) => x.required)) {
      if (p.signed === 'missing' || p.signed === 'failed') {
        report.checks.push({ code: 'policy', status: 'fail', subject: p.id, message: `${p.id} is a signatory of the statement and ${p.signed === 'missing' ? 'has no signature' : 'its only signatures fail'}` });
      }
    }
    const untrusted = standing.filter((x) => x.required && x.signed === 'unvouched');
    if (!report.checks.some((c) => c.code === 'policy')) {
      if (untrusted.length) report.checks.push({ code: 'policy', status: 'warn', subject: null, message: `signed for ${required.join(', ')}, but ${untrusted.map((p) => p.id).join(', ')} with keys nobody vouched for` });
      else report.checks.push({ code: 'policy', status: 'pass', subject: null, message: `every signatory party signed with a trusted key: ${required.join(', ')}` });
    }
  }
  const failures = report.checks.filter((c) => c.status === 'fail');
  if (failures.length) {
    report.verdict = 'not-authentic';
    for (const c of failures) reasons.push(`${c.code}${c.subject ? ' ' + c.subject : ''}: ${c.message}`);
  } else {
    if (!trust) reasons.push('no trust was given: nothing says whose the keys are');
    for (const s of report.signers) {
      if (s.status === 'demo') reasons.push(`the signature for ${s.party} is by a published demo key, which proves nothing`);
      if (s.status === 'unknown') reasons.push(`the signature for ${s.party} is by a key the trust given does not list`);
    }
    if (!report.signers.some((s) => s.intact && s.status === 'trusted')) reasons.push('no signature counts: none is by a trusted key');
    report.verdict = reasons.length ? 'intact-untrusted' : 'authentic';
    if (!reasons.length) reasons.push(`intact; signed by ${report.signers.map((s) => `${s.party} (${s.identity?.signer ?? s.signer})`).join(' and ')}`);
  }
  report.reasons = reasons;
  return report;
}
