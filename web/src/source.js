// The bundle file, read in few large reads. Each read of a File goes
// through the browser's own process and costs a round trip, whatever its
// size: a bundle's many small structures (headers, tag files, signatures)
// are read once, in a few slices held in memory, and only the data of large
// entries is read from the file as it is hashed.

/**
 * How the file is read, which the page's address can change for testing
 * (main.js): `#no-hold` reads even a small file as a large one is (its
 * large entries from the File), `#no-byob` as a browser without BYOB reads
 * of a Blob's stream does.
 */
export const reading = {
  /** Files up to this size are read whole, at once. */
  wholeLimit: 32 << 20,
  /** Whether a Blob's stream is read into the caller's memory where the browser can (`rangeReader`). */
  byob: true,
};
/** At most this much of a larger file is held in memory. */
const HELD_LIMIT = 64 << 20;
/** Two held ranges closer than this are read as one. */
const JOIN_GAP = 64 << 10;

/**
 * A Blob (a File) with some of its ranges held in memory. It has what the
 * readers use of a Blob: `size`, and `slice(start, end)` with `arrayBuffer()`
 * (a fresh buffer each time, which the caller may transfer).
 */
export class HeldFile {
  constructor(blob) {
    this.blob = blob;
    this.size = blob.size;
    this.held = [];
    this.heldBytes = 0;
  }

  /** Reads each range `[start, end)` (merged when close) into memory, within HELD_LIMIT in all. */
  async hold(ranges) {
    const sorted = ranges
      .map(([s, e]) => [Math.max(0, s), Math.min(this.size, e)])
      .filter(([s, e]) => s < e && !this.covering(s, e))
      .sort((a, b) => a[0] - b[0]);
    const merged = [];
    for (const [s, e] of sorted) {
      const last = merged[merged.length - 1];
      if (last && s <= last[1] + JOIN_GAP) last[1] = Math.max(last[1], e);
      else merged.push([s, e]);
    }
    const todo = [];
    for (const [s, e] of merged) {
      if (this.heldBytes + (e - s) > HELD_LIMIT) continue;
      this.heldBytes += e - s;
      todo.push([s, e]);
    }
    const read = await Promise.all(todo.map(([s, e]) => this.blob.slice(s, e).arrayBuffer()));
    todo.forEach(([s], i) => this.held.push({ start: s, bytes: new Uint8Array(read[i]) }));
  }

  covering(start, end) {
    return this.held.find((h) => h.start <= start && end <= h.start + h.bytes.length) ?? null;
  }

  slice(start = 0, end = this.size) {
    const s = Math.max(0, Math.min(start, this.size));
    const e = Math.max(s, Math.min(end, this.size));
    const h = this.covering(s, e);
    if (!h) return this.blob.slice(s, e);
    return { size: e - s, arrayBuffer: async () => h.bytes.slice(s - h.start, e - h.start).buffer };
  }
}

/**
 * A reader of `[start, end)` of `blob` (a Blob, or a HeldFile) into views
 * the caller gives, in order: `fill(view)` resolves to `view` filled (its
 * first bytes only where the range ends first), `close()` lets the rest go.
 * A Blob's bytes are read through its stream into the caller's own memory
 * (a BYOB read), so that a large entry is read without a fresh buffer per
 * chunk: touching fresh memory is what reading costs most (its pages
 * faulted in one by one, about 0.25 s of CPU per 200 MiB, bench/web.sh).
 * Such a read moves the view's buffer to a new ArrayBuffer object (the same
 * memory): the view returned is over it, and the one given is left
 * detached. Held ranges are copied from memory; where a Blob's stream
 * cannot be read so (an older browser), its slices are.
 */
export function rangeReader(blob, start, end) {
  if (blob instanceof HeldFile) {
    const h = blob.covering(start, end);
    if (h) return new CopyReader(h.bytes.subarray(start - h.start, end - h.start));
    blob = blob.blob;
  }
  const part = blob.slice(start, end);
  if (!reading.byob) return new SliceReader(part);
  let reader = null;
  try {
    reader = part.stream().getReader({ mode: 'byob' });
  } catch {
    return new SliceReader(part);
  }
  return new ByobReader(reader);
}

class ByobReader {
  constructor(reader) {
    this.reader = reader;
  }
  async fill(view) {
    let buffer = view.buffer;
    const offset = view.byteOffset;
    let got = 0;
    while (got < view.length) {
      // `min`: one answer per view rather than one per piece of the stream (where the browser knows it; else ignored).
      const want = view.length - got;
      const step = await this.reader.read(new Uint8Array(buffer, offset + got, want), { min: want });
      if (!step.value) throw new Error('the file could not be read');
      buffer = step.value.buffer;
      got += step.value.length; // a read that meets the end of the stream may bring bytes and `done` at once
      if (step.done) break;
    }
    return new Uint8Array(buffer, offset, got);
  }
  close() {
    this.reader.cancel().catch(() => {});
  }
}

/** The same over bytes in memory. */
class CopyReader {
  constructor(bytes) {
    this.bytes = bytes;
    this.at = 0;
  }
  async fill(view) {
    const n = Math.min(view.length, this.bytes.length - this.at);
    view.set(this.bytes.subarray(this.at, this.at + n));
    this.at += n;
    return view.subarray(0, n);
  }
  close() {}
}

/** The same over a Blob whose stream has no BYOB reader: slices of it, one read ahead. */
class SliceReader {
  constructor(blob) {
    this.blob = blob;
    this.at = 0;
    this.held = new CopyReader(new Uint8Array(0));
    this.next = this.read();
  }
  read() {
    if (this.at >= this.blob.size) return null;
    const p = this.blob.slice(this.at, this.at + (16 << 20)).arrayBuffer();
    p.catch(() => {}); // a read abandoned with the entry is not an unhandled rejection
    this.at += 16 << 20;
    return p;
  }
  async fill(view) {
    let got = 0;
    while (got < view.length) {
      if (this.held.at === this.held.bytes.length) {
        if (!this.next) break;
        this.held = new CopyReader(new Uint8Array(await this.next));
        this.next = this.read();
      }
      got += (await this.held.fill(view.subarray(got))).length;
    }
    return view.subarray(0, got);
  }
  close() {}
}
