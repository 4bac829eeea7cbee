// The bundle file, read in few large reads. Each read of a File goes
// through the browser's own process and costs a round trip, whatever its
// size: a bundle's many small structures (headers, tag files, signatures)
// are read once, in a few slices held in memory, and only the data of large
// entries is read from the file as it is hashed.

/** Files up to this size are read whole, at once. */
export const WHOLE_LIMIT = 32 << 20;
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
