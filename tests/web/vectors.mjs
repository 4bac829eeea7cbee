// Runs conformance vectors through the page's own code in Chromium: the
// RFC 8785 (JCS) vectors and ECMAScript number vectors of
// tests/data/vectors/jcs/, and every Wycheproof Ed25519 vector of
// tests/data/vectors/ed25519/ — through the page's strict verification, and
// through WebCrypto alone (to show what the page's own checks add).
//
//   node vectors.mjs     prints {"jcs": {...}, "numbers": {...}, "ed25519": {...}}
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { launch, openPage } from './verify.mjs';

const data = join(dirname(fileURLToPath(import.meta.url)), '../data/vectors');
const jcs = readdirSync(join(data, 'jcs/input')).sort().map((f) => ({
  name: f,
  input: readFileSync(join(data, 'jcs/input', f), 'utf8'),
  output: readFileSync(join(data, 'jcs/output', f), 'utf8'),
}));
const numbers = readFileSync(join(data, 'jcs/es6-numbers-1k.txt'), 'utf8').split('\n').filter(Boolean).map((l) => l.split(','));
const suite = JSON.parse(readFileSync(join(data, 'ed25519/wycheproof-ed25519_test.json'), 'utf8'));
const ed = suite.testGroups.flatMap((g) => g.tests.map((t) => ({ id: t.tcId, pk: g.publicKey.pk, msg: t.msg, sig: t.sig, valid: t.result === 'valid' })));

// Beyond Wycheproof: what verify_strict refuses and a cofactorless verifier
// alone may accept. B is the base point, 1 the identity (order 1).
const B = '5866666666666666666666666666666666666666666666666666666666666666';
const ONE = '01' + '00'.repeat(31);
const ONE_NONCANONICAL = 'ee' + 'ff'.repeat(30) + '7f'; // y = p + 1
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const leHex = (n) => { let h = ''; for (let i = 0; i < 32; i++) { h += (n & 0xffn).toString(16).padStart(2, '0'); n >>= 8n; } return h; };
const le = (buf) => buf.reduceRight((n, b) => (n << 8n) | BigInt(b), 0n);
// A small-order R: with the secret scalar a known, S = k·a makes [S]B = R + [k]A hold for R = identity.
const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const pkRaw = publicKey.export({ format: 'der', type: 'spki' }).subarray(12);
const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(16);
const hseed = createHash('sha512').update(seed).digest();
hseed[0] &= 248; hseed[31] &= 127; hseed[31] |= 64;
const a = le(hseed.subarray(0, 32));
const msg = Buffer.from('docseal');
const k = le(createHash('sha512').update(Buffer.from(ONE, 'hex')).update(pkRaw).update(msg).digest()) % L;
const extra = [
  { id: 'small-order key (identity), any message', pk: ONE, msg: '00', sig: B + ONE, valid: false },
  { id: 'non-canonical key encoding (y = p + 1)', pk: ONE_NONCANONICAL, msg: '00', sig: B + ONE, valid: false },
  { id: 'small-order R (identity)', pk: pkRaw.toString('hex'), msg: msg.toString('hex'), sig: ONE + leHex((k * a) % L), valid: false },
];
ed.push(...extra);

const browser = await launch();
try {
  const { page, requests, errors } = await openPage(browser);
  const result = await page.evaluate(async ({ jcs, numbers, ed }) => {
    const unhex = (h) => Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16));
    const out = { jcs: { checked: 0, wrong: [] }, numbers: { checked: 0, wrong: [] }, ed25519: { checked: 0, wrong: [], webcrypto_alone_wrong: [] } };
    for (const v of jcs) {
      out.jcs.checked++;
      let got;
      try { got = window.docseal.canonicalize(v.input); } catch (e) { got = `error: ${e.message}`; }
      if (got !== v.output) out.jcs.wrong.push(v.name);
    }
    for (const [bits, text] of numbers) {
      out.numbers.checked++;
      const view = new DataView(new ArrayBuffer(8));
      view.setBigUint64(0, BigInt('0x' + bits));
      const got = window.docseal.serializeNumber(view.getFloat64(0));
      if (got !== text) out.numbers.wrong.push(bits);
    }
    for (const v of ed) {
      out.ed25519.checked++;
      const [pk, msg, sig] = [unhex(v.pk), unhex(v.msg), unhex(v.sig)];
      if ((await window.docseal.verifyStrict(pk, msg, sig)) !== v.valid) out.ed25519.wrong.push(v.id);
      let alone;
      try {
        const key = await crypto.subtle.importKey('raw', pk, { name: 'Ed25519' }, false, ['verify']);
        alone = await crypto.subtle.verify({ name: 'Ed25519' }, key, sig, msg);
      } catch { alone = false; }
      if (alone !== v.valid) out.ed25519.webcrypto_alone_wrong.push(v.id);
    }
    return out;
  }, { jcs, numbers, ed });
  result.ed25519.expected = suite.numberOfTests + extra.length;
  result.ed25519.extra = extra.map((v) => v.id);
  result.requests = requests;
  result.errors = errors;
  process.stdout.write(JSON.stringify(result) + '\n');
} finally {
  await browser.close();
}
