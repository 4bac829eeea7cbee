// Walks a raw Deflate stream (RFC 1951) without producing its output, to
// find where its final block ends: FORMAT.md §5.3.1 (`bad-deflate`) refuses a
// set bit after it, in the last byte, for entries up to 64 KiB compressed.
// The bytes themselves are inflated by DecompressionStream; this only decodes
// the block structure and the symbols (after puff.c, zlib's reference decoder).

const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
const ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

class Bits {
  constructor(bytes) {
    this.b = bytes;
    this.pos = 0; // in bits
  }
  need(n) {
    if (this.pos + n > this.b.length * 8) throw new Error('the stream ends inside a block');
  }
  bits(n) {
    this.need(n);
    let v = 0;
    for (let i = 0; i < n; i++, this.pos++) v |= ((this.b[this.pos >> 3] >> (this.pos & 7)) & 1) << i;
    return v;
  }
}

/** Canonical Huffman decoding table from code lengths: counts per length and symbols in order. */
function huffman(lengths) {
  const count = new Uint16Array(16);
  for (const l of lengths) count[l]++;
  count[0] = 0;
  const offs = new Uint16Array(16);
  for (let l = 1; l < 16; l++) offs[l] = offs[l - 1] + count[l - 1];
  const symbol = new Uint16Array(lengths.length);
  lengths.forEach((l, s) => { if (l) symbol[offs[l]++] = s; });
  return { count, symbol };
}

function decode(bits, h) {
  let code = 0;
  let first = 0;
  let index = 0;
  for (let len = 1; len < 16; len++) {
    code |= bits.bits(1);
    const count = h.count[len];
    if (code - count < first) return h.symbol[index + (code - first)];
    index += count;
    first = (first + count) << 1;
    code <<= 1;
  }
  throw new Error('an invalid Huffman code');
}

const FIXED = (() => {
  const l = new Array(288);
  l.fill(8, 0, 144); l.fill(9, 144, 256); l.fill(7, 256, 280); l.fill(8, 280, 288);
  return { lit: huffman(l), dist: huffman(new Array(30).fill(5)) };
})();

function codes(bits, lit, dist) {
  for (;;) {
    const s = decode(bits, lit);
    if (s < 256) continue;
    if (s === 256) return;
    const k = s - 257;
    if (k >= 29) throw new Error('an invalid length symbol');
    bits.bits(LENGTH_EXTRA[k]);
    const d = decode(bits, dist);
    if (d >= 30) throw new Error('an invalid distance symbol');
    bits.bits(DIST_EXTRA[d]);
  }
}

function dynamic(bits) {
  const nlen = bits.bits(5) + 257;
  const ndist = bits.bits(5) + 1;
  const ncode = bits.bits(4) + 4;
  if (nlen > 286 || ndist > 30) throw new Error('too many codes in a dynamic block');
  const cl = new Array(19).fill(0);
  for (let i = 0; i < ncode; i++) cl[ORDER[i]] = bits.bits(3);
  const clh = huffman(cl);
  const lengths = [];
  while (lengths.length < nlen + ndist) {
    const s = decode(bits, clh);
    if (s < 16) lengths.push(s);
    else {
      let rep;
      let value = 0;
      if (s === 16) {
        if (!lengths.length) throw new Error('a repeat with no previous length');
        value = lengths[lengths.length - 1];
        rep = 3 + bits.bits(2);
      } else if (s === 17) rep = 3 + bits.bits(3);
      else rep = 11 + bits.bits(7);
      if (lengths.length + rep > nlen + ndist) throw new Error('too many code lengths');
      for (let i = 0; i < rep; i++) lengths.push(value);
    }
  }
  codes(bits, huffman(lengths.slice(0, nlen)), huffman(lengths.slice(nlen)));
}

/**
 * Why the Deflate stream `bytes` is refused for its padding, or null: a set
 * bit after the final block in its last byte. Other faults (invalid data, a
 * stream ending before or after the bytes) are left to DecompressionStream,
 * which refuses them while inflating; here they give null.
 */
export function deflatePaddingRefusal(bytes) {
  const bits = new Bits(bytes);
  try {
    for (;;) {
      const last = bits.bits(1);
      const type = bits.bits(2);
      if (type === 0) {
        bits.pos = (bits.pos + 7) & ~7;
        const len = bits.bits(16);
        bits.bits(16);
        bits.need(len * 8);
        bits.pos += len * 8;
      } else if (type === 1) codes(bits, FIXED.lit, FIXED.dist);
      else if (type === 2) dynamic(bits);
      else return null;
      if (last) break;
    }
  } catch {
    return null;
  }
  if ((bits.pos >> 3) !== bytes.length - 1 || (bits.pos & 7) === 0) return null;
  const rest = bytes[bytes.length - 1] >> (bits.pos & 7);
  return rest ? `bits set after the end of the final Deflate block (last byte 0x${bytes[bytes.length - 1].toString(16).padStart(2, '0')})` : null;
}
