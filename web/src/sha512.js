// SHA-512 (FIPS 180-4 §6.4) in WebAssembly, for the large entries a worker
// hashes as they are read: WebCrypto's digest is one-shot, and hash-wasm's
// SHA-512 (a loop over the rounds, the message schedule in memory) was the
// longest thread of verifying a bundle with a large attachment. This module
// is generated here rather than compiled: the few lines below emit the
// compression function with its 80 rounds unrolled, the eight working
// variables renamed from round to round instead of moved, the schedule in
// sixteen locals, the constants inline and Maj reusing the last round's
// a ^ b (about 11 KiB of WebAssembly). 200 MiB in node 20's V8 (the engine
// of Chromium's): 0.30 to 0.43 s, hash-wasm's 0.6 s, OpenSSL's 0.28 s.
// tests/web/vectors.mjs checks it in the browser against the FIPS 180-4
// examples and WebCrypto.

const K = [
  '428a2f98d728ae22', '7137449123ef65cd', 'b5c0fbcfec4d3b2f', 'e9b5dba58189dbbc', '3956c25bf348b538', '59f111f1b605d019',
  '923f82a4af194f9b', 'ab1c5ed5da6d8118', 'd807aa98a3030242', '12835b0145706fbe', '243185be4ee4b28c', '550c7dc3d5ffb4e2',
  '72be5d74f27b896f', '80deb1fe3b1696b1', '9bdc06a725c71235', 'c19bf174cf692694', 'e49b69c19ef14ad2', 'efbe4786384f25e3',
  '0fc19dc68b8cd5b5', '240ca1cc77ac9c65', '2de92c6f592b0275', '4a7484aa6ea6e483', '5cb0a9dcbd41fbd4', '76f988da831153b5',
  '983e5152ee66dfab', 'a831c66d2db43210', 'b00327c898fb213f', 'bf597fc7beef0ee4', 'c6e00bf33da88fc2', 'd5a79147930aa725',
  '06ca6351e003826f', '142929670a0e6e70', '27b70a8546d22ffc', '2e1b21385c26c926', '4d2c6dfc5ac42aed', '53380d139d95b3df',
  '650a73548baf63de', '766a0abb3c77b2a8', '81c2c92e47edaee6', '92722c851482353b', 'a2bfe8a14cf10364', 'a81a664bbc423001',
  'c24b8b70d0f89791', 'c76c51a30654be30', 'd192e819d6ef5218', 'd69906245565a910', 'f40e35855771202a', '106aa07032bbd1b8',
  '19a4c116b8d2d0c8', '1e376c085141ab53', '2748774cdf8eeb99', '34b0bcb5e19b48a8', '391c0cb3c5c95a63', '4ed8aa4ae3418acb',
  '5b9cca4f7763e373', '682e6ff3d6b2b8a3', '748f82ee5defb2fc', '78a5636f43172f60', '84c87814a1f0ab72', '8cc702081a6439ec',
  '90befffa23631e28', 'a4506cebde82bde9', 'bef9a3f7b2c67915', 'c67178f2e372532b', 'ca273eceea26619c', 'd186b8c721c0c207',
  'eada7dd6cde0eb1e', 'f57d4f7fee6ed178', '06f067aa72176fba', '0a637dc5a2c898a6', '113f9804bef90dae', '1b710b35131c471b',
  '28db77f523047d84', '32caab7b40c72493', '3c9ebe0a15c9bebc', '431d67c49c100d4c', '4cc5d4becb3e42b6', '597f299cfc657e2a',
  '5fcb6fab3ad6faec', '6c44198c4a475817',
].map((h) => BigInt.asIntN(64, BigInt('0x' + h)));

const INITIAL = [
  '6a09e667f3bcc908', 'bb67ae8584caa73b', '3c6ef372fe94f82b', 'a54ff53a5f1d36f1',
  '510e527fade682d1', '9b05688c2b3e6c1f', '1f83d9abfb41bd6b', '5be0cd19137e2179',
].map((h) => BigInt.asIntN(64, BigInt('0x' + h)));

// WebAssembly opcodes used below (WebAssembly Core Specification 2.0, §5.4).
const OP = {
  block: 0x02, loop: 0x03, end: 0x0b, br: 0x0c, brIf: 0x0d, get: 0x20, set: 0x21, tee: 0x22,
  i64Load: 0x29, i64Store: 0x37, i32Const: 0x41, i64Const: 0x42, i32Eqz: 0x45, i32Add: 0x6a, i32Sub: 0x6b,
  add: 0x7c, and: 0x83, or: 0x84, xor: 0x85, shl: 0x86, shrU: 0x88, rotr: 0x8a,
};

function uleb(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

function sleb64(v) {
  const out = [];
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && !(b & 0x40)) || (v === -1n && b & 0x40)) return [...out, b];
    out.push(b | 0x80);
  }
}

/**
 * The body of `compress(state, data, blocks)`: hashes `blocks` blocks of
 * 128 bytes at `data` into the eight words at `state` (little-endian i64s:
 * the numbers, not the digest's bytes).
 */
function compressBody() {
  const [STATE, DATA, BLOCKS] = [0, 1, 2]; // the i32 parameters
  const S = 3; // s0..s7: the state across blocks
  const V = 11; // v0..v7: the working variables a..h, renamed each round
  const W = 19; // w0..w15: the message schedule, a window of sixteen
  const T1 = 35;
  const AB = [36, 37]; // a ^ b of this round and of the last (which is this round's b ^ c)
  const code = [];
  const get = (l) => code.push(OP.get, l);
  const set = (l) => code.push(OP.set, l);
  const k = (v) => code.push(OP.i64Const, ...sleb64(v));
  const op = (...ops) => code.push(...ops);
  const rotr = (l, n) => { get(l); k(BigInt(n)); op(OP.rotr); };
  const shr = (l, n) => { get(l); k(BigInt(n)); op(OP.shrU); };
  // Three rotations (or shifts) of one word, xored: Σ and σ of §4.1.3.
  const mix = (l, a, b, c, lastIsShift = false) => {
    rotr(l, a); rotr(l, b); op(OP.xor);
    if (lastIsShift) shr(l, c); else rotr(l, c);
    op(OP.xor);
  };

  for (let i = 0; i < 8; i++) { get(STATE); code.push(OP.i64Load, 3, ...uleb(8 * i)); set(S + i); }
  op(OP.block, 0x40, OP.loop, 0x40);
  get(BLOCKS); op(OP.i32Eqz, OP.brIf, 1);
  for (let i = 0; i < 8; i++) { get(S + i); set(V + i); }
  get(V + 1); get(V + 2); op(OP.xor); set(AB[1]); // round 0's b ^ c
  for (let t = 0; t < 80; t++) {
    const w = W + (t & 15);
    if (t < 16) {
      // The block's words are big-endian: a byte swap of the little-endian load.
      get(DATA); code.push(OP.i64Load, 0, ...uleb(8 * t)); set(w);
      get(w); k(8n); op(OP.shrU); k(0x00ff00ff00ff00ffn); op(OP.and);
      get(w); k(0x00ff00ff00ff00ffn); op(OP.and); k(8n); op(OP.shl); op(OP.or); set(w);
      get(w); k(16n); op(OP.shrU); k(0x0000ffff0000ffffn); op(OP.and);
      get(w); k(0x0000ffff0000ffffn); op(OP.and); k(16n); op(OP.shl); op(OP.or);
      k(32n); op(OP.rotr); set(w);
    } else {
      // W[t] = σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16], the last in this slot.
      mix(W + ((t - 2) & 15), 19, 61, 6, true);
      get(W + ((t - 7) & 15)); op(OP.add);
      mix(W + ((t - 15) & 15), 1, 8, 7, true); op(OP.add);
      get(w); op(OP.add); set(w);
    }
    // Round t's a..h: the variable that was a is now b, and so on; the one that was h becomes the new a.
    const [a, b, c, d, e, f, g, h] = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => V + (((i - t) % 8) + 8) % 8);
    // T1 = h + Σ1(e) + Ch(e, f, g) + K[t] + W[t]; Ch = g ^ (e & (f ^ g)).
    get(h); mix(e, 14, 18, 41); op(OP.add);
    get(g); get(e); get(f); get(g); op(OP.xor, OP.and, OP.xor, OP.add);
    k(K[t]); op(OP.add); get(w); op(OP.add); set(T1);
    // d += T1; h = T1 + Σ0(a) + Maj(a, b, c); Maj = b ^ ((a ^ b) & (b ^ c)), b ^ c being the last round's a ^ b.
    get(d); get(T1); op(OP.add); set(d);
    get(T1); mix(a, 28, 34, 39); op(OP.add);
    get(b); get(a); get(b); op(OP.xor); code.push(OP.tee, AB[t & 1]); get(AB[(t + 1) & 1]); op(OP.and, OP.xor, OP.add); set(h);
  }
  for (let i = 0; i < 8; i++) { get(S + i); get(V + i); op(OP.add); set(S + i); }
  get(DATA); code.push(OP.i32Const, 0x80, 0x01); op(OP.i32Add); set(DATA); // 128, signed LEB128
  get(BLOCKS); code.push(OP.i32Const, 1); op(OP.i32Sub); set(BLOCKS);
  op(OP.br, 0, OP.end, OP.end);
  for (let i = 0; i < 8; i++) { get(STATE); get(S + i); code.push(OP.i64Store, 3, ...uleb(8 * i)); }
  op(OP.end);
  const locals = [1, ...uleb(35), 0x7e]; // 35 i64 locals (s, v, w, T1, AB)
  return [...uleb(locals.length + code.length), ...locals, ...code];
}

/** The module: one memory of `pages` 64 KiB pages, exported with `compress`. */
function moduleBytes(pages) {
  const section = (id, bytes) => [id, ...uleb(bytes.length), ...bytes];
  const name = (s) => [...uleb(s.length), ...new TextEncoder().encode(s)];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 3, 0x7f, 0x7f, 0x7f, 0]), // type: (i32, i32, i32) -> ()
    ...section(3, [1, 0]),
    ...section(5, [1, 0, ...uleb(pages)]),
    ...section(7, [2, ...name('compress'), 0, 0, ...name('memory'), 2, 0]),
    ...section(10, [1, ...compressBody()]),
  ]);
}

/** Bytes hashed per call into the module: its memory holds the state, then this much input. */
const CHUNK = 1 << 20;
const DATA_AT = 128;

let compiled = null;

/**
 * A SHA-512 hasher with hash-wasm's interface: `init()`, `update(Uint8Array)`,
 * `digest('hex')`. Each has its own instance of the module (and 1 MiB of memory).
 */
export async function createSha512() {
  compiled ??= WebAssembly.compile(moduleBytes(Math.ceil((DATA_AT + CHUNK) / 65536)));
  const instance = await WebAssembly.instantiate(await compiled);
  return new Sha512(instance.exports);
}

class Sha512 {
  constructor({ compress, memory }) {
    this.compress = compress;
    this.bytes = new Uint8Array(memory.buffer);
    this.state = new DataView(memory.buffer, 0, 64); // WebAssembly's memory is little-endian whatever the host
    this.init();
  }
  init() {
    INITIAL.forEach((w, i) => this.state.setBigInt64(8 * i, w, true));
    this.pending = 0; // bytes at DATA_AT not yet hashed (under 128)
    this.length = 0;
    return this;
  }
  update(data) {
    this.length += data.length;
    for (let at = 0; at < data.length;) {
      const n = Math.min(CHUNK - this.pending, data.length - at);
      this.bytes.set(data.subarray(at, at + n), DATA_AT + this.pending);
      at += n;
      const held = this.pending + n;
      const blocks = held >>> 7;
      if (blocks) this.compress(0, DATA_AT, blocks);
      this.pending = held & 127;
      if (this.pending && blocks) this.bytes.copyWithin(DATA_AT, DATA_AT + (blocks << 7), DATA_AT + held);
    }
    return this;
  }
  digest(format) {
    if (format !== 'hex') throw new Error('only hex digests');
    // Padding (§5.1.2): 0x80, zeros, and the length in bits as 128 bits big-endian.
    const end = this.pending < 112 ? 128 : 256;
    this.bytes.fill(0, DATA_AT + this.pending, DATA_AT + end);
    this.bytes[DATA_AT + this.pending] = 0x80;
    const view = new DataView(this.bytes.buffer, DATA_AT + end - 16, 16);
    view.setBigUint64(0, BigInt(this.length) >> 61n);
    view.setBigUint64(8, BigInt.asUintN(64, BigInt(this.length) << 3n));
    this.compress(0, DATA_AT, end >>> 7);
    return INITIAL.map((_, i) => this.state.getBigUint64(8 * i, true).toString(16).padStart(16, '0')).join('');
  }
}
