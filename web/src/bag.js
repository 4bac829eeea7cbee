// The `bag.*` checks of FORMAT.md §5.3.2 over the entries of a zip: the
// declaration, metadata and Payload-Oxum, manifests, fetch.txt,
// completeness, the RFC's warnings, and every listed file's digests.

import { readEntry, compareBytes, EntryError } from './zip.js';
import {
  ALGORITHMS, BagError, atLeast, readDeclaration, decodeTag, parseMetadata, parseManifest, parseFetch, isSystemFile,
} from './bagit.js';
import { hashEntries } from './hashing.js';

export const TAG_LIMIT = 64 << 20;
const WEAK = new Set(['md5', 'sha1']);

/** The entries of the bag, by path relative to its root; read failures are kept for `container`. */
export class Bag {
  constructor(blob, zip) {
    this.blob = blob;
    this.zip = zip;
    this.entries = zip.entries;
    this.byPath = new Map(zip.entries.map((e) => [e.path, e]));
    this.read = new Set();
    this.readErrors = [];
  }
  has(path) {
    return this.byPath.has(path);
  }
  /** The bytes of a (small) entry; null after a read failure, which is recorded. */
  async bytes(path, limit = TAG_LIMIT) {
    const e = this.byPath.get(path);
    if (!e) return null;
    try {
      const b = await readEntry(this.blob, e, limit);
      this.read.add(path);
      return b;
    } catch (err) {
      this.failed(path, err);
      return null;
    }
  }
  failed(path, err) {
    this.read.add(path);
    if (err instanceof EntryError) this.readErrors.push(err);
    else this.readErrors.push(new EntryError('size-mismatch', this.byPath.get(path).name, err.message));
  }
}

/**
 * Runs the bag checks. Returns `{ decl, digests: Map<path, {alg: hex}>,
 * payload, manifests: {payload, tag}, metadata }` for the profile and the
 * signatures.
 */
export async function checkBag(bag, checks, progress) {
  const warn = (code, subject, message) => checks.warn(code, subject, message);
  const out = { decl: null, digests: new Map(), metadata: null, payloadAlgs: [], tagAlgs: [], lists: new Map() };
  // Declaration.
  let decl = { version: '1.0', encoding: 'UTF-8' };
  const declBytes = await bag.bytes('bagit.txt');
  if (!bag.has('bagit.txt')) checks.fail('bag.declaration', 'bagit.txt', 'bagit.txt is missing');
  else if (declBytes) {
    try {
      decl = readDeclaration(declBytes);
      out.decl = decl;
      for (const w of decl.warnings) warn('bag.declaration', 'bagit.txt', w);
      checks.pass('bag.declaration', 'bagit.txt', `BagIt ${decl.version}, tag files in ${decl.encoding}`);
    } catch (e) {
      if (!(e instanceof BagError)) throw e;
      checks.fail(e.code, e.subject, e.message);
    }
  }
  const text = async (path, code) => {
    const b = await bag.bytes(path);
    if (b === null) return null;
    try {
      return decodeTag(b, decl, path, code, warn);
    } catch (e) {
      if (!(e instanceof BagError)) throw e;
      checks.fail(e.code, e.subject, e.message);
      return null;
    }
  };
  // Metadata.
  const infoName = atLeast(decl.version, '0.96') ? 'bag-info.txt' : 'package-info.txt';
  if (bag.has(infoName)) {
    const t = await text(infoName, 'bag.info');
    if (t !== null) {
      try {
        out.metadata = parseMetadata(t, decl, infoName);
        checks.pass('bag.info', infoName, `${out.metadata.length} metadata elements`);
      } catch (e) {
        if (!(e instanceof BagError)) throw e;
        checks.fail(e.code, e.subject, e.message);
      }
    }
  }
  // Manifests.
  const manifestFiles = bag.entries.map((e) => /^(tag)?manifest-([^/]*)\.txt$/.exec(e.path)).filter(Boolean);
  let manifestsOk = true;
  for (const m of manifestFiles) {
    if (!(m[2] in ALGORITHMS)) {
      checks.fail('bag.manifests', m[0], `algorithm ${JSON.stringify(m[2])} is not one that can be checked`);
      manifestsOk = false;
    } else (m[1] ? out.tagAlgs : out.payloadAlgs).push(m[2]);
  }
  const order = Object.keys(ALGORITHMS);
  out.payloadAlgs.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  out.tagAlgs.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  if (!out.payloadAlgs.length) {
    checks.fail('bag.manifests', null, 'no payload manifest (manifest-<algorithm>.txt)');
    manifestsOk = false;
  } else if (out.payloadAlgs.every((a) => WEAK.has(a))) {
    warn('bag.manifests', null, `only ${out.payloadAlgs.join(', ')}: integrity is not proven against tampering`);
  }
  const expected = new Map();
  const listedBy = new Map();
  for (const [prefix, algs] of [['manifest-', out.payloadAlgs], ['tagmanifest-', out.tagAlgs]]) {
    for (const alg of algs) {
      const file = `${prefix}${alg}.txt`;
      const t = await text(file, 'bag.manifests');
      if (t === null) {
        manifestsOk = false;
        continue;
      }
      let parsed;
      try {
        parsed = parseManifest(t, alg, decl, file, warn);
      } catch (e) {
        if (!(e instanceof BagError)) throw e;
        checks.fail(e.code, e.subject, e.message);
        manifestsOk = false;
        continue;
      }
      out.lists.set(file, parsed);
      const listed = new Set();
      const forms = new Map();
      for (const line of parsed) {
        const payload = prefix === 'manifest-';
        if (payload && !line.path.startsWith('data/')) {
          checks.fail('bag.manifests', file, `${line.path}: a payload manifest lists only files under data/`);
          manifestsOk = false;
        }
        if (!payload && line.path.startsWith('data/')) {
          checks.fail('bag.manifests', file, `${line.path}: a tag manifest lists no file under data/`);
          manifestsOk = false;
        }
        if (!payload && decl.version === '1.0' && /^tagmanifest-[^/]*\.txt$/.test(line.path)) {
          checks.fail('bag.manifests', file, `${line.path}: in BagIt 1.0 a tag manifest lists no tag manifest`);
          manifestsOk = false;
        }
        if (listed.has(line.path)) {
          const same = expected.get(line.path)?.get(alg) === line.hex;
          if (decl.version !== '1.0' && same) warn('bag.manifests', file, `${line.path} is listed twice`);
          else {
            checks.fail('bag.manifests', file, `${line.path} is listed twice`);
            manifestsOk = false;
          }
        }
        const nfc = line.path.normalize('NFC');
        if (forms.has(nfc) && forms.get(nfc) !== line.path) warn('bag.name-normalization', file, `${line.path} is listed in two normalization forms`);
        forms.set(nfc, line.path);
        listed.add(line.path);
        if (!expected.has(line.path)) expected.set(line.path, new Map());
        expected.get(line.path).set(alg, line.hex);
      }
      listedBy.set(file, listed);
      if (prefix === 'tagmanifest-' && decl.version === '1.0') {
        for (const p of out.payloadAlgs) {
          if (!listed.has(`manifest-${p}.txt`)) {
            checks.fail('bag.manifests', file, `manifest-${p}.txt is not listed: in BagIt 1.0 a tag manifest lists every payload manifest`);
            manifestsOk = false;
          }
        }
      }
    }
  }
  if (manifestsOk) checks.pass('bag.manifests', null, `payload manifests: ${out.payloadAlgs.join(', ')}; tag manifests: ${out.tagAlgs.join(', ') || 'none'}`);
  // fetch.txt.
  let fetch = [];
  if (bag.has('fetch.txt')) {
    const t = await text('fetch.txt', 'bag.fetch');
    try {
      fetch = t === null ? [] : parseFetch(t, decl, warn);
      const seen = new Set();
      let ok = t !== null;
      for (const f of fetch) {
        const inManifests = out.payloadAlgs.filter((a) => listedBy.get(`manifest-${a}.txt`)?.has(f.path));
        const enough = decl.version === '1.0' ? inManifests.length === out.payloadAlgs.length : inManifests.length > 0;
        if (!f.path.startsWith('data/') || !enough) {
          checks.fail('bag.fetch', 'fetch.txt', `${f.path} is not a payload file listed in ${decl.version === '1.0' ? 'every' : 'a'} payload manifest`);
          ok = false;
        }
        if (seen.has(f.path)) {
          checks.fail('bag.fetch', 'fetch.txt', `${f.path} is listed twice`);
          ok = false;
        }
        seen.add(f.path);
        const present = bag.byPath.get(f.path);
        if (present && f.length !== null && present.size !== f.length) warn('bag.fetch', f.path, `present with ${present.size} bytes, fetch.txt says ${f.length}`);
      }
      if (ok) checks.pass('bag.fetch', 'fetch.txt', `${fetch.length} files to fetch`);
    } catch (e) {
      if (!(e instanceof BagError)) throw e;
      checks.fail(e.code, e.subject, e.message);
    }
  }
  const fetched = new Set(fetch.map((f) => f.path));
  // Completeness.
  const present = new Map(bag.entries.map((e) => [e.path, e]));
  const nfcPresent = new Map(bag.entries.map((e) => [e.path.normalize('NFC'), e.path]));
  const payload = bag.entries.filter((e) => e.path.startsWith('data/')).map((e) => e.path);
  let complete = true;
  if (!payload.length && !bag.zip.folders.some((f) => f.name === `${bag.zip.root}/data/`)) {
    checks.fail('bag.complete', 'data/', 'there is no data/ folder');
    complete = false;
  }
  const resolve = (listed) => {
    if (present.has(listed)) return listed;
    const other = nfcPresent.get(listed.normalize('NFC'));
    if (other !== undefined) {
      warn('bag.name-normalization', listed, `listed as ${JSON.stringify(listed)}, present as ${JSON.stringify(other)} (equal after Unicode NFC)`);
      return other;
    }
    return null;
  };
  const listedFiles = new Map(); // present path -> expected digests
  for (const [listed, algs] of expected) {
    const p = resolve(listed);
    if (p === null) {
      if (fetched.has(listed)) warn('bag.fetch', listed, 'not present: to be fetched (fetch.txt)');
      else {
        checks.fail('bag.complete', listed, 'listed in a manifest but not in the bag');
        complete = false;
      }
      continue;
    }
    if (!listedFiles.has(p)) listedFiles.set(p, new Map());
    for (const [a, h] of algs) listedFiles.get(p).set(a, h);
  }
  const payloadManifests = out.payloadAlgs.map((a) => [a, new Set([...(listedBy.get(`manifest-${a}.txt`) ?? [])].map((l) => resolve(l) ?? l))]);
  for (const p of payload) {
    const inThem = payloadManifests.filter(([, set]) => set.has(p)).map(([a]) => a);
    const enough = decl.version === '1.0' ? inThem.length === payloadManifests.length : inThem.length > 0;
    if (enough) continue;
    if (!inThem.length && isSystemFile(p)) continue;
    checks.fail('bag.complete', p, decl.version === '1.0' ? `not listed in ${payloadManifests.filter(([, s]) => !s.has(p)).map(([a]) => `manifest-${a}.txt`).join(', ')}` : 'not listed in any payload manifest');
    complete = false;
  }
  if (complete) checks.pass('bag.complete', null, `${payload.length} payload files present, all listed`);
  // The RFC's warnings.
  const byCase = new Map();
  const byNfc = new Map();
  for (const e of bag.entries) {
    const lower = e.path.toLowerCase();
    if (byCase.has(lower) && byCase.get(lower) !== e.path) warn('bag.name-case', e.path, `differs from ${byCase.get(lower)} only in case`);
    byCase.set(lower, e.path);
    const n = e.path.normalize('NFC');
    if (byNfc.has(n) && byNfc.get(n) !== e.path) warn('bag.name-normalization', e.path, `differs from ${byNfc.get(n)} only in Unicode normalization`);
    byNfc.set(n, e.path);
    if (isSystemFile(e.path)) warn('bag.system-file', e.path, listedFiles.has(e.path) ? 'a system file, listed' : 'a system file, not listed: ignored');
  }
  if (out.tagAlgs.length) {
    for (const e of bag.entries) {
      const p = e.path;
      if (p.startsWith('data/') || /^tagmanifest-[^/]*\.txt$/.test(p) || p.startsWith('signatures/') || listedFiles.has(p) || isSystemFile(p)) continue;
      warn('bag.unlisted-tag-file', p, 'a tag file no tag manifest lists');
    }
  }
  // Digests: what the manifests list, and the tag manifests for the signatures' bindings.
  const wanted = new Map();
  for (const [p, algs] of listedFiles) wanted.set(p, new Set(algs.keys()));
  for (const [p, alg] of [['tagmanifest-sha256.txt', 'sha256'], ['tagmanifest-sha512.txt', 'sha512']]) {
    if (bag.has(p)) wanted.set(p, new Set([...(wanted.get(p) ?? []), alg]));
  }
  const paths = [...wanted.keys()].sort(compareBytes);
  const found = await hashEntries(bag.blob, paths.map((p) => [bag.byPath.get(p), wanted.get(p)]), progress);
  let badPayload = 0;
  let badTags = 0;
  let payloadChecked = 0;
  let tagsChecked = 0;
  paths.forEach((p, i) => {
    const r = found[i];
    bag.read.add(p);
    const code = p.startsWith('data/') ? 'bag.payload-digest' : 'bag.tag-digest';
    if (r.error) {
      bag.failed(p, r.error);
      if (code === 'bag.payload-digest') badPayload++; else badTags++;
      checks.fail(code, p, `cannot be read: ${r.error.message}`);
      return;
    }
    out.digests.set(p, r.digests);
    if (code === 'bag.payload-digest') payloadChecked++; else if (listedFiles.has(p)) tagsChecked++;
    for (const [alg, hexExpected] of listedFiles.get(p) ?? []) {
      const got = r.digests[alg];
      if (got === undefined) warn(code, p, `${alg} is not computed in the browser: not checked here — check with docseal`);
      else if (got !== hexExpected) {
        if (code === 'bag.payload-digest') badPayload++; else badTags++;
        checks.fail(code, p, `the ${alg} digest differs from the manifest's`);
      }
    }
  });
  if (!badPayload) checks.pass('bag.payload-digest', null, `${payloadChecked} payload files match every manifest (${out.payloadAlgs.join(', ')})`);
  if (!badTags && out.tagAlgs.length) checks.pass('bag.tag-digest', null, `${tagsChecked} tag files match every tag manifest (${out.tagAlgs.join(', ')})`);
  checkOxum(bag, out.metadata, decl, infoName, payload, fetch, checks);
  out.payload = payload;
  return out;
}

function checkOxum(bag, metadata, decl, infoName, payload, fetch, checks) {
  if (!metadata) return;
  const values = metadata.filter(([l]) => l.toLowerCase() === 'payload-oxum').map(([, v]) => v);
  if (!values.length) return;
  if (values.length > 1) {
    if (decl.version === '1.0') {
      checks.fail('bag.oxum', infoName, 'Payload-Oxum twice');
      return;
    }
    checks.warn('bag.oxum', infoName, 'Payload-Oxum twice: the first counts');
  }
  const m = /^([0-9]+)\.([0-9]+)$/.exec(values[0]);
  if (!m) {
    checks.fail('bag.oxum', infoName, `Payload-Oxum ${JSON.stringify(values[0])} is not <bytes>.<files>`);
    return;
  }
  const presentSet = new Set(payload);
  const toFetch = fetch.filter((f) => !presentSet.has(f.path));
  if (toFetch.some((f) => f.length === null)) {
    checks.warn('bag.oxum', infoName, 'not checked: a file to fetch has no length');
    return;
  }
  const bytes = payload.reduce((n, p) => n + bag.byPath.get(p).size, 0) + toFetch.reduce((n, f) => n + f.length, 0);
  const files = payload.length + toFetch.length;
  if (BigInt(m[1]) === BigInt(bytes) && BigInt(m[2]) === BigInt(files)) checks.pass('bag.oxum', infoName, `Payload-Oxum ${values[0]}`);
  else checks.fail('bag.oxum', infoName, `Payload-Oxum says ${values[0]}, the payload is ${bytes}.${files}`);
}
