// Incremental CRC-32 (ISO-HDLC, the zip one), eight bytes per step
// ("slicing-by-8") so that checking a large entry costs little next to hashing it.

const TABLES = (() => {
  const t = new Int32Array(256 * 8);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n];
    for (let k = 1; k < 8; k++) {
      c = t[c & 0xff] ^ (c >>> 8);
      t[k * 256 + n] = c;
    }
  }
  return t;
})();

/** CRC-32 of a stream: `update(Uint8Array)`, then `value()` (an unsigned 32-bit number). */
export class Crc32 {
  constructor() {
    this.crc = -1;
  }

  update(d) {
    const t = TABLES;
    let c = this.crc;
    let i = 0;
    const n = d.length;
    const end8 = n - (n & 7);
    for (; i < end8; i += 8) {
      const a = c ^ (d[i] | (d[i + 1] << 8) | (d[i + 2] << 16) | (d[i + 3] << 24));
      c =
        t[1792 + (a & 0xff)] ^ t[1536 + ((a >>> 8) & 0xff)] ^ t[1280 + ((a >>> 16) & 0xff)] ^
        t[1024 + (a >>> 24)] ^ t[768 + d[i + 4]] ^ t[512 + d[i + 5]] ^ t[256 + d[i + 6]] ^ t[d[i + 7]];
    }
    for (; i < n; i++) c = t[(c ^ d[i]) & 0xff] ^ (c >>> 8);
    this.crc = c;
    return this;
  }

  value() {
    return ~this.crc >>> 0;
  }
}
