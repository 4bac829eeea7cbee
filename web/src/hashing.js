// Digests of zip entries, each entry read once, on every core — as
// `docseal verify` hashes the algorithms of one large file on separate
// threads. A small entry is read whole and hashed by WebCrypto (native, and
// all its algorithms at once). A large one is hashed by worker threads as it
// is read, each running the WebAssembly hashes (digests.js) of some of its
// algorithms and its CRC-32. Up to `oneShotLimit` the entry is also gathered
// whole for WebCrypto's one-shot digest of the algorithm it computes fastest
// (SHA-256, with the CPU's SHA instructions): the reading never waits for the
// workers (they are sent copies as they can take them), WebCrypto starts as
// soon as the last byte is in, and the workers go on beside it (a single
// worker is then given the rest of the entry's buffer itself). Above that
// limit every algorithm is streamed to the workers in buffers they send
// back, so memory stays bounded whatever the size.
//
// What 200 MiB costs in Chromium 156 on the 2-core machine (2026-12-02, each
// part measured alone; bench/web.sh measures the whole): reading the File
// 0.19 s through one stream or two, 0.3 s of CPU (half of it in the
// browser's own process); WebCrypto's SHA-256 0.2 s, inside the call, on the
// calling thread (its copy of the bytes, fresh memory, is half of that; two
// digests never overlap); in WebAssembly, the page's own SHA-512 0.3 s
// (sha512.js; hash-wasm's 0.6 s), CRC-32 0.12 s, SHA-256 0.9 s. So SHA-512
// and the CRC-32 on one worker are about as long as reading and SHA-256 on
// the page's thread: about 1.1 s of CPU on two cores, where `docseal
// verify` needs 0.4 s. (Computing the CRC-32 in the page as the entry is
// read ended the worker's wait, 0.62 s in all instead of 0.7, but the page
// then stalled before its verdict in about one run of 40 — not understood,
// so not done.)

import { streamEntry, readWhole, checkCrc } from './zip.js';
import { hex } from './keys.js';
import { hasher, INCREMENTAL } from './digests.js';

/**
 * The thresholds, which the page's address can change for measuring and
 * testing (main.js): `#stream-all` streams every entry through the workers,
 * `#no-workers` runs the same hashes in the page.
 */
export const settings = {
  /** Entries from this size on are hashed by workers while they are read. */
  splitSize: 8 << 20,
  /**
   * Largest entry also gathered whole for WebCrypto (which copies it: twice
   * its size in memory): 256 MiB, less on a device that says it has under
   * 8 GiB (navigator.deviceMemory, in GiB, where the browser tells it).
   */
  oneShotLimit: Math.min(256 << 20, (globalThis.navigator?.deviceMemory ?? 8) * (32 << 20)),
  /** How many workers at most (fewer where the computer has fewer cores). */
  workers: 4,
};

/**
 * Where the time of large entries went, in seconds (for bench/web.sh; verify.js
 * resets it): reading, inflating and handing on the chunks, then waiting for
 * the digests after the last one.
 */
export const timings = { read: 0, digests: 0 };

const WEBCRYPTO = { sha1: 'SHA-1', sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };
/** WebCrypto's algorithm for a large entry, fastest first: SHA-256 has CPU instructions of its own. */
const DIRECT_ORDER = ['sha256', 'sha1', 'sha512', 'sha384'];
/** Bytes sent to a worker at once, and read at once when streamed (small chunks of inflated data are gathered to this). */
const BATCH = 4 << 20;
/**
 * Bytes in flight to one worker (sent, not yet hashed): its buffers. A
 * streamed entry's reading waits for one of them to come back; a gathered
 * one's reading goes on, the worker fed from the entry's buffer later.
 */
const IN_FLIGHT = 32 << 20;
/**
 * The same for a gathered entry, over all its workers. WebCrypto's digest
 * hashes inside the call (Chromium 156: 0.4 s for 200 MiB), the page feeding
 * no worker meanwhile: what is in flight then is all a worker has to do
 * until it ends, so more here is less idle time (64 MiB keeps the page's
 * memory where it was before these buffers, which were then two 16 MiB
 * slices read ahead and 32 MiB in flight).
 */
const GATHERED_IN_FLIGHT = 64 << 20;

let source = null;

/** The page's own script, from which the workers are started (main.js sets it). */
export function setWorkerSource(text) {
  source = text;
}

/** A worker running digests.js's `serve`, and whoever listens to its messages. */
class HashWorker {
  constructor(worker) {
    this.worker = worker;
    this.listeners = new Set();
    worker.onmessage = (e) => {
      for (const l of [...this.listeners]) l(e.data);
    };
    worker.onerror = (e) => {
      e.preventDefault();
      for (const l of [...this.listeners]) l({ op: 'error', job: null, message: e.message || 'the worker failed' });
    };
  }
  listen(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
  post(message, transfer = []) {
    this.worker.postMessage(message, transfer);
  }
}

/**
 * Starts workers ahead of the first large entry (the page calls it when a
 * large file is chosen), rather than on its way: one, or two where the file
 * is larger than an entry gathered for WebCrypto may be (its largest entry
 * is then likely streamed, a docseal bundle's SHA-256 and SHA-512 each on a
 * worker of its own).
 */
export function prepareWorkers(size) {
  workers(size > settings.oneShotLimit ? 2 : 1);
}

/** A started worker, or null where none can run; started once, then reused. */
function startWorker() {
  return (async () => {
    if (!source || typeof Worker === 'undefined') return null;
    const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    let w = null;
    try {
      w = new HashWorker(new Worker(url));
      // It answers once it can make its hashers (the script read, WebAssembly allowed).
      await new Promise((resolve, reject) => {
        const stop = w.listen((m) => {
          stop();
          if (m.op === 'pong') resolve();
          else reject(new Error(m.message));
        });
        w.post({ op: 'ping' });
      });
      return w;
    } catch {
      w?.worker.terminate();
      return null;
    } finally {
      URL.revokeObjectURL(url);
    }
  })();
}

const started = [];

/** Up to `wanted` workers (no more than `settings.workers` and the computer's cores); null if none can run. */
async function workers(wanted) {
  const cap = Math.min(settings.workers, navigator.hardwareConcurrency || 2);
  while (started.length < Math.min(wanted, cap)) started.push(startWorker());
  const ready = (await Promise.all(started.slice(0, Math.max(1, Math.min(wanted, cap))))).filter(Boolean);
  return cap >= 1 && ready.length ? ready : null;
}

let jobs = 0;

/**
 * Relative cost of each algorithm per byte in WebAssembly (measured in a
 * worker in Chromium, hash-wasm's: MD5 0.61 s for 200 MiB, SHA-1 0.88,
 * SHA-256 1.2, SHA-384 1.19, CRC-32 0.26; the page's own SHA-512 half of
 * hash-wasm's 0.94), for spreading an entry's algorithms over the workers so
 * that none waits long for the slowest.
 */
const COST = { md5: 1, sha1: 1.4, sha224: 2, sha256: 2, sha384: 1.6, sha512: 0.8, crc32: 0.4 };

/**
 * One entry's streamed algorithms, spread over the workers, each worker fed
 * every byte. Bytes reach the workers in two ways: `send` and `push`
 * (streamed: each chunk read into, or copied into, buffers that each worker
 * sends back once hashed, so that the memory in flight is bounded and warm,
 * not fresh), or `follow` (gathered: the
 * entry is read whole into one buffer anyway, and the workers are fed from
 * it as they can, the reading never waiting for them).
 */
class Lanes {
  static async open(algs, gathered = false) {
    const digests = algs.filter((a) => a !== 'crc32');
    const pool = algs.length ? await workers(Math.max(1, digests.length)) : null;
    if (!pool) return new LocalLanes(await Promise.all(algs.map(async (a) => [a, await hasher(a)])));
    // The costliest first, each to the least loaded worker.
    const groups = pool.slice(0, Math.max(1, digests.length)).map(() => ({ algs: [], cost: 0 }));
    for (const a of [...algs].sort((x, y) => COST[y] - COST[x])) {
      const g = groups.reduce((x, y) => (y.cost < x.cost ? y : x));
      g.algs.push(a);
      g.cost += COST[a];
    }
    const buffers = Math.max(1, Math.floor((gathered ? GATHERED_IN_FLIGHT / groups.length : IN_FLIGHT) / BATCH));
    return new Lanes(groups.map((g, i) => new Lane(pool[i], g.algs, buffers)));
  }
  constructor(lanes) {
    this.lanes = lanes;
  }
  /** A buffer to read the next chunk into, for `send` (streamed): waits while the first worker has too much in flight. */
  buffer() {
    return this.lanes[0].take();
  }
  /** Sends a chunk read into `buffer()`'s buffer: moved to the first worker, copied for the others. */
  async send(chunk) {
    for (const lane of this.lanes.slice(1)) await lane.write(chunk);
    this.lanes[0].send(chunk); // last: it detaches the chunk
  }
  /** Sends a chunk of any size, copied (streamed); waits while too much is in flight. */
  async push(chunk) {
    for (const lane of this.lanes) await lane.write(chunk);
  }
  /**
   * Gathered: `bytes[0, end)` is read; each worker is sent what it has room
   * for now. `final`: that is all of it, and `bytes` is used by nobody else
   * from now on — where a single worker hashes, the rest is moved to it.
   */
  follow(bytes, end, final = false) {
    for (const lane of this.lanes) lane.follow(bytes, end, final, final && this.lanes.length === 1);
  }
  async finish() {
    const parts = await Promise.all(this.lanes.map((l) => l.finish()));
    return Object.assign({}, ...parts);
  }
  abort() {
    for (const l of this.lanes) l.abort();
  }
}

/** One worker's part of a job. */
class Lane {
  constructor(worker, algs, buffers) {
    this.worker = worker;
    this.buffers = buffers; // at most this many, of BATCH bytes
    this.job = ++jobs;
    this.free = []; // buffers back from the worker, to fill again
    this.made = 0;
    this.waiting = [];
    this.batch = null; // { bytes, filled }: being filled by `write`
    this.source = null; // { bytes, end, final, movable }: what `follow` feeds from
    this.sent = 0;
    this.error = null;
    this.done = null;
    this.result = new Promise((resolve, reject) => { this.done = { resolve, reject }; });
    this.result.catch(() => {});
    this.stop = worker.listen((m) => {
      if (m.job !== this.job && m.job !== null) return;
      if (m.op === 'ack') {
        if (m.bytes) this.free.push(new Uint8Array(m.bytes));
      } else if (m.op === 'done') {
        this.stop();
        this.done.resolve(m.digests);
      } else if (m.op === 'error') {
        this.stop();
        this.error = new Error(`hashing failed: ${m.message}`);
        this.done.reject(this.error);
      }
      for (const wake of this.waiting.splice(0)) wake();
      if (this.source) this.pump();
    });
    worker.post({ op: 'start', job: this.job, algs });
  }
  /** A free buffer of BATCH bytes, or null when all are in flight. */
  spare() {
    if (this.free.length) return this.free.pop();
    if (this.made < this.buffers) {
      this.made++;
      return new Uint8Array(BATCH);
    }
    return null;
  }
  /** A free buffer, once there is one. */
  async take() {
    for (;;) {
      if (this.error) throw this.error;
      const b = this.spare();
      if (b) return b;
      await new Promise((resolve) => this.waiting.push(resolve));
    }
  }
  /** Sends `view`, moving its buffer to the worker, which sends it back for reuse if it is one of the pool's. */
  send(view) {
    const reuse = view.buffer.byteLength === BATCH;
    this.worker.post({ op: 'data', job: this.job, bytes: view.buffer, offset: view.byteOffset, length: view.length, reuse }, [view.buffer]);
  }
  async write(chunk) {
    for (let at = 0; at < chunk.length;) {
      this.batch ??= { bytes: await this.take(), filled: 0 };
      const n = Math.min(BATCH - this.batch.filled, chunk.length - at);
      this.batch.bytes.set(chunk.subarray(at, at + n), this.batch.filled);
      this.batch.filled += n;
      at += n;
      if (this.batch.filled === BATCH) this.flush();
    }
  }
  flush() {
    if (this.batch?.filled) this.send(this.batch.bytes.subarray(0, this.batch.filled));
    this.batch = null;
  }
  follow(bytes, end, final, movable) {
    this.source = { bytes, end, final, movable };
    if (final) this.sentAll = new Promise((resolve) => { this.whenSent = resolve; });
    this.pump();
  }
  /** Sends what `follow` gave as far as there is room: full batches, then the rest once final. */
  pump() {
    const s = this.source;
    while (this.sent < s.end && !this.error) {
      if (s.movable) {
        this.send(new Uint8Array(s.bytes.buffer, s.bytes.byteOffset + this.sent, s.end - this.sent));
        this.sent = s.end;
        break;
      }
      const n = Math.min(BATCH, s.end - this.sent);
      if (n < BATCH && !s.final) break;
      const b = this.spare();
      if (!b) break; // resumed by the next chunk read, or by a buffer coming back
      b.set(s.bytes.subarray(this.sent, this.sent + n));
      this.send(b.subarray(0, n));
      this.sent += n;
    }
    if (s.final && (this.sent === s.end || this.error)) this.whenSent?.();
  }
  async finish() {
    this.flush();
    await this.sentAll;
    if (this.error) throw this.error;
    this.worker.post({ op: 'end', job: this.job });
    return this.result;
  }
  abort() {
    this.stop();
    this.worker.post({ op: 'abort', job: this.job });
  }
}

/** The same, in the page: no worker could be started. */
class LocalLanes {
  constructor(hashers) {
    this.hashers = hashers;
    this.sent = 0;
  }
  buffer() {
    this.own ??= new Uint8Array(BATCH);
    return this.own;
  }
  async send(chunk) {
    this.own = new Uint8Array(chunk.buffer); // a read may have moved it
    await this.push(chunk);
  }
  async push(chunk) {
    for (const [, h] of this.hashers) h.update(chunk);
  }
  follow(bytes, end) {
    this.push(bytes.subarray(this.sent, end));
    this.sent = end;
  }
  async finish() {
    return Object.fromEntries(this.hashers.map(([a, h]) => [a, h.digest('hex')]));
  }
  abort() {}
}

/** `{ alg: hex }` for each algorithm of `algs` (the six of FORMAT.md §5.3.2). */
export async function hashEntry(blob, entry, algs, onProgress = () => {}) {
  const wanted = [...new Set(algs)].filter((a) => a in WEBCRYPTO || INCREMENTAL.has(a));
  if (entry.size < settings.splitSize) return hashWhole(blob, entry, wanted, onProgress);
  const direct = entry.size <= settings.oneShotLimit ? DIRECT_ORDER.find((a) => wanted.includes(a)) : undefined;
  const lanes = await Lanes.open([...wanted.filter((a) => a !== direct), 'crc32'], Boolean(direct));
  const started = performance.now();
  let own = null;
  try {
    own = direct ? await gathered(blob, entry, lanes, WEBCRYPTO[direct], onProgress) : await streamed(blob, entry, lanes, onProgress);
  } catch (e) {
    lanes.abort();
    throw e;
  }
  const read = performance.now();
  const [digest, { crc32, ...streamedDigests }] = await Promise.all([own, lanes.finish()]);
  timings.read += (read - started) / 1000;
  timings.digests += (performance.now() - read) / 1000;
  checkCrc(entry, parseInt(crc32, 16));
  return direct ? { ...streamedDigests, [direct]: hex(new Uint8Array(digest)) } : streamedDigests;
}

/**
 * Reads the entry whole, feeding the workers as it goes (the reading never
 * waits for them); then starts WebCrypto's one-shot digest of it
 * (`webcrypto`, the algorithm) and returns its promise, the workers still
 * hashing beside it.
 */
async function gathered(blob, entry, lanes, webcrypto, onProgress) {
  const whole = new Uint8Array(entry.size);
  await readWhole(blob, entry, whole, (n) => {
    lanes.follow(whole, n);
    onProgress(n);
  });
  // WebCrypto copies its input before this returns (WebCrypto API, digest(): "a copy of the bytes held by data"): the workers may then have it.
  const digest = crypto.subtle.digest(webcrypto, whole);
  lanes.follow(whole, entry.size, true);
  return digest;
}

/** Reads the entry in chunks of BATCH bytes, each sent to the workers: bounded memory. */
async function streamed(blob, entry, lanes, onProgress) {
  let at = 0;
  await streamEntry(blob, entry, async (chunk) => {
    at += chunk.length;
    if (chunk.buffer.byteLength === BATCH && entry.method === 0) await lanes.send(chunk);
    else await lanes.push(chunk);
    onProgress(at);
  }, null, () => lanes.buffer());
  return null;
}

/** A small entry: read whole, then WebCrypto (and WebAssembly for md5 and sha224, which WebCrypto lacks). */
async function hashWhole(blob, entry, wanted, onProgress) {
  const bytes = new Uint8Array(entry.size);
  let at = 0;
  await streamEntry(blob, entry, (chunk) => {
    bytes.set(chunk, at);
    at += chunk.length;
    onProgress(at);
  });
  const digests = await Promise.all(wanted.map(async (a) => {
    if (a in WEBCRYPTO) return hex(new Uint8Array(await crypto.subtle.digest(WEBCRYPTO[a], bytes)));
    return (await hasher(a)).update(bytes).digest('hex');
  }));
  return Object.fromEntries(wanted.map((a, i) => [a, digests[i]]));
}

/** Hashes each `[entry, algs]`; returns `[{ digests } | { error }]` in the same order. */
export async function hashEntries(blob, jobs, progress = () => {}) {
  const total = jobs.reduce((n, [e]) => n + e.size, 0);
  let done = 0;
  const out = [];
  for (const [entry, algs] of jobs) {
    try {
      out.push({ digests: await hashEntry(blob, entry, algs, (n) => progress(done + n, total)) });
    } catch (error) {
      out.push({ error });
    }
    done += entry.size;
    progress(done, total);
  }
  return out;
}
