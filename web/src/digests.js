// Incremental digests (every algorithm a bag may name, and the zip CRC-32)
// in WebAssembly: SHA-512 the page's own (sha512.js, twice as fast as
// hash-wasm's), the others from hash-wasm (MIT; its C compiled to
// WebAssembly). WebCrypto's digest is one-shot, so a large
// entry is fed to these as it is read, in constant memory. The same code
// runs in the page's worker threads (`serve`) and, where a worker cannot be
// started, in the page itself.

import { createCRC32, createMD5, createSHA1, createSHA224, createSHA256, createSHA384 } from 'hash-wasm';
import { createSha512 } from './sha512.js';

const CREATE = {
  md5: createMD5, sha1: createSHA1, sha224: createSHA224, sha256: createSHA256, sha384: createSHA384, sha512: createSha512,
  crc32: createCRC32,
};

/** The manifest algorithms an incremental hasher exists for (the six of FORMAT.md §5.3.2). */
export const INCREMENTAL = new Set(['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512']);

/**
 * A fresh incremental hasher for `alg` (one of INCREMENTAL, or `crc32`, the
 * zip CRC-32, whose hex digest is the big-endian value): `update(Uint8Array)`,
 * then `digest('hex')`.
 */
export async function hasher(alg) {
  const make = CREATE[alg];
  if (!make) throw new Error(`no incremental hash for ${alg}`);
  return (await make()).init();
}

/**
 * Serves hashing jobs in a worker. Messages, in order for one job (jobs may
 * interleave: a page verifying a second file while the first is still
 * read): `{op: 'start', job, algs}`, `{op: 'data', job, bytes, offset,
 * length, reuse}` (an ArrayBuffer and the part of it to hash, answered by
 * `{op: 'ack', job, length, bytes}` once hashed, the buffer sent back if
 * `reuse`, for the page to fill again: fresh memory costs about as much to
 * touch as to hash with CRC-32), `{op: 'end', job}` (answered by
 * `{op: 'done', job, digests: {alg: hex}}`), or `{op: 'abort', job}`; a
 * failure answers `{op: 'error', job, message}`. `{op: 'ping'}` answers
 * `{op: 'pong'}` once the hashers can be made here.
 */
export function serve(scope) {
  const jobs = new Map(); // job -> [alg, hasher][]
  // Messages are handled one after another, even though making a hasher is asynchronous.
  let queue = Promise.resolve();
  const handle = async (m) => {
    if (m.op === 'ping') {
      await hasher('sha512');
      scope.postMessage({ op: 'pong' });
    } else if (m.op === 'start') {
      jobs.set(m.job, await Promise.all(m.algs.map(async (alg) => [alg, await hasher(alg)])));
    } else if (m.op === 'data') {
      const bytes = new Uint8Array(m.bytes, m.offset ?? 0, m.length ?? m.bytes.byteLength);
      for (const [, h] of jobs.get(m.job) ?? []) h.update(bytes);
      if (m.reuse) scope.postMessage({ op: 'ack', job: m.job, length: bytes.length, bytes: m.bytes }, [m.bytes]);
      else scope.postMessage({ op: 'ack', job: m.job, length: bytes.length });
    } else if (m.op === 'end') {
      const hashers = jobs.get(m.job);
      jobs.delete(m.job);
      if (!hashers) throw new Error('a job that was not started, or failed');
      scope.postMessage({ op: 'done', job: m.job, digests: Object.fromEntries(hashers.map(([alg, h]) => [alg, h.digest('hex')])) });
    } else if (m.op === 'abort') {
      jobs.delete(m.job);
    }
  };
  scope.onmessage = (e) => {
    const m = e.data;
    queue = queue.then(() => handle(m)).catch((err) => {
      jobs.delete(m.job);
      scope.postMessage({ op: 'error', job: m.job ?? null, message: String(err?.message ?? err) });
    });
  };
}
