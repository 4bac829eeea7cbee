// Digests of zip entries, each entry read once, on every core — as
// `docseal verify` hashes the algorithms of one large file on separate
// threads. A small entry is read whole and hashed by WebCrypto (native, and
// all its algorithms at once). A large one is streamed: its chunks go to
// worker threads, each running the WebAssembly hashes (digests.js) of some
// of its algorithms and its CRC-32, while the page reads and inflates the
// next chunk. Up to `oneShotLimit` the entry is also gathered whole for
// WebCrypto's one-shot digest of the algorithm it computes fastest
// (SHA-256, with the CPU's SHA instructions), which then runs beside the
// workers; above that limit every algorithm is streamed, so memory stays
// bounded whatever the size of an attachment. Why this split (bench/web.sh
// measures it): for 200 MiB, reading the File costs about 0.2 s of CPU,
// WebCrypto's SHA-256 0.2 s and its SHA-512 0.35 s but one after the other
// on one thread, hash-wasm's SHA-512 0.35 s and SHA-256 0.5 s, CRC-32
// 0.1 s — so SHA-512 and the CRC stream on a worker while the page reads,
// and only WebCrypto's SHA-256 is left after the last chunk.

import { streamEntry, checkCrc } from './zip.js';
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
/** Bytes sent to a worker at once (small chunks of inflated data are gathered to this). */
const BATCH = 4 << 20;
/** Bytes in flight to one worker (sent, not yet hashed) before reading waits. */
const IN_FLIGHT = 32 << 20;

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

/** Starts a worker ahead of the first large entry (the page calls it when a large file is chosen). */
export function prepareWorkers() {
  workers(1);
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

/** One entry's streamed algorithms, spread over the workers, each worker fed every chunk. */
class Lanes {
  static async open(algs) {
    // One worker per digest; the CRC-32, cheap, joins the last one rather than cost a copy of every chunk.
    const digests = algs.filter((a) => a !== 'crc32');
    const pool = algs.length ? await workers(Math.max(1, digests.length)) : null;
    if (!pool) return new LocalLanes(await Promise.all(algs.map(async (a) => [a, await hasher(a)])));
    const groups = pool.slice(0, Math.max(1, digests.length)).map(() => []);
    digests.forEach((a, i) => groups[i % groups.length].push(a));
    if (algs.includes('crc32')) groups[groups.length - 1].push('crc32');
    return new Lanes(groups.map((g, i) => new Lane(pool[i], g)));
  }
  constructor(lanes) {
    this.lanes = lanes;
    this.batch = null;
    this.filled = 0;
  }
  /** Sends a chunk, which may then be detached (transferred to a worker); waits while too much is in flight. */
  async push(chunk) {
    if (chunk.length >= BATCH && !this.filled) return this.send(chunk);
    let at = 0;
    while (at < chunk.length) {
      this.batch ??= new Uint8Array(BATCH);
      const n = Math.min(BATCH - this.filled, chunk.length - at);
      this.batch.set(chunk.subarray(at, at + n), this.filled);
      this.filled += n;
      at += n;
      if (this.filled === BATCH) await this.flush();
    }
  }
  async flush() {
    if (!this.filled) return;
    const batch = this.batch.subarray(0, this.filled);
    this.batch = null;
    this.filled = 0;
    await this.send(batch);
  }
  async send(bytes) {
    // Every lane but the last gets a copy; the last one the buffer itself.
    const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
    for (let i = 0; i < this.lanes.length; i++) {
      const last = i === this.lanes.length - 1;
      this.lanes[i].send(last ? own.buffer : own.slice().buffer);
    }
    await Promise.all(this.lanes.map((l) => l.room()));
  }
  async finish() {
    await this.flush();
    const parts = await Promise.all(this.lanes.map((l) => l.finish()));
    return Object.assign({}, ...parts);
  }
  abort() {
    for (const l of this.lanes) l.abort();
  }
}

/** One worker's part of a job. */
class Lane {
  constructor(worker, algs) {
    this.worker = worker;
    this.job = ++jobs;
    this.inFlight = 0;
    this.waiting = null;
    this.error = null;
    this.done = null;
    this.result = new Promise((resolve, reject) => { this.done = { resolve, reject }; });
    this.result.catch(() => {});
    this.stop = worker.listen((m) => {
      if (m.job !== this.job && m.job !== null) return;
      if (m.op === 'ack') this.inFlight -= m.length;
      else if (m.op === 'done') {
        this.stop();
        this.done.resolve(m.digests);
      } else if (m.op === 'error') {
        this.stop();
        this.error = new Error(`hashing failed: ${m.message}`);
        this.done.reject(this.error);
      }
      if (this.waiting && (this.inFlight <= IN_FLIGHT || this.error)) {
        this.waiting();
        this.waiting = null;
      }
    });
    worker.post({ op: 'start', job: this.job, algs });
  }
  send(buffer) {
    this.inFlight += buffer.byteLength;
    this.worker.post({ op: 'data', job: this.job, bytes: buffer }, [buffer]);
  }
  async room() {
    if (this.inFlight > IN_FLIGHT && !this.error) await new Promise((resolve) => { this.waiting = resolve; });
    if (this.error) throw this.error;
  }
  finish() {
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
  }
  async push(chunk) {
    for (const [, h] of this.hashers) h.update(chunk);
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
  const lanes = await Lanes.open([...wanted.filter((a) => a !== direct), 'crc32']);
  const whole = direct ? new Uint8Array(entry.size) : null;
  let at = 0;
  const started = performance.now();
  try {
    await streamEntry(blob, entry, async (chunk) => {
      whole?.set(chunk, at);
      at += chunk.length;
      await lanes.push(chunk);
      onProgress(at);
    }, null);
  } catch (e) {
    lanes.abort();
    throw e;
  }
  const read = performance.now();
  const [own, { crc32, ...streamed }] = await Promise.all([
    direct ? crypto.subtle.digest(WEBCRYPTO[direct], whole) : null,
    lanes.finish(),
  ]);
  timings.read += (read - started) / 1000;
  timings.digests += (performance.now() - read) / 1000;
  checkCrc(entry, parseInt(crc32, 16));
  return direct ? { ...streamed, [direct]: hex(new Uint8Array(own)) } : streamed;
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
