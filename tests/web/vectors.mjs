// Runs conformance vectors through the page's own code in Chromium: the
// RFC 8785 (JCS) vectors and ECMAScript number vectors of
// tests/data/vectors/jcs/, and every Wycheproof Ed25519 vector of
// tests/data/vectors/ed25519/ — through the page's strict verification, and
// through WebCrypto alone (to show what the page's own checks add) — and the
// page's own SHA-512 (web/src/sha512.js) on the FIPS 180-4 examples and
// against WebCrypto on every length from 0 to 300 bytes and around the
// hasher's 1 MiB chunks, whole and in uneven pieces.
//
//   node vectors.mjs     prints {"jcs": {...}, "numbers": {...}, "ed25519": {...}, "sha512": {...}}
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

// SHA-512 examples of FIPS 180-4 (NIST's "Examples with Intermediate Values"
// and the one-million-'a' test of FIPS 180-2 Appendix C), each also checked
// here against node's OpenSSL.
const sha512 = [
  { name: 'empty', text: '', repeat: 1, digest: 'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e' },
  { name: 'abc', text: 'abc', repeat: 1, digest: 'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f' },
  {
    name: 'two blocks (896 bits)',
    text: 'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
    repeat: 1,
    digest: '8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909',
  },
  { name: "one million 'a'", text: 'a', repeat: 1_000_000, digest: 'e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b' },
];
for (const v of sha512) {
  if (createHash('sha512').update(v.text.repeat(v.repeat)).digest('hex') !== v.digest) throw new Error(`SHA-512 example ${v.name}: not what OpenSSL gives`);
}

const browser = await launch();
try {
  const { page, requests, errors } = await openPage(browser);
  const result = await page.evaluate(async ({ jcs, numbers, ed, sha512 }) => {
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
    out.sha512 = { checked: 0, wrong: [] };
    for (const v of sha512) {
      out.sha512.checked++;
      if ((await window.docseal.sha512([new TextEncoder().encode(v.text.repeat(v.repeat))])) !== v.digest) out.sha512.wrong.push(v.name);
    }
    // Every length up to 300 (padding in one block or two), and around the hasher's 1 MiB chunks, against WebCrypto.
    const MiB = 1 << 20;
    const lengths = [...Array(301).keys(), ...[-129, -128, -1, 0, 1, 127, 128, 129].map((d) => MiB + d), 3 * MiB + 17];
    const bytes = new Uint8Array(3 * MiB + 17);
    for (let i = 0, x = 1; i < bytes.length; i++) { x = (x * 1103515245 + 12345) >>> 0; bytes[i] = x >>> 24; }
    for (const n of lengths) {
      out.sha512.checked++;
      const data = bytes.subarray(0, n);
      const want = [...new Uint8Array(await crypto.subtle.digest('SHA-512', data))].map((b) => b.toString(16).padStart(2, '0')).join('');
      const pieces = [];
      for (let at = 0, i = 1; at < n; i++) { const m = Math.min(n - at, (i * 7919) % 200_000 + 1); pieces.push(data.subarray(at, at + m)); at += m; }
      if ((await window.docseal.sha512([data])) !== want || (await window.docseal.sha512(pieces)) !== want) out.sha512.wrong.push(`${n} bytes`);
    }
    return out;
  }, { jcs, numbers, ed, sha512 });
  result.ed25519.expected = suite.numberOfTests + extra.length;
  result.ed25519.extra = extra.map((v) => v.id);
  result.requests = requests;
  result.errors = errors;
  process.stdout.write(JSON.stringify(result) + '\n');
} finally {
  await browser.close();
}
