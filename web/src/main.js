// Wires the page: the bundle and trust inputs, drag and drop, and a small
// API (`window.docseal`) through which the browser tests reach the page's
// own canonicalization and Ed25519 code. The same script is also the
// page's hashing worker (started from a Blob of its own text, so that the
// page stays one file): there it only serves digests.js's jobs.

import { verifyBundle } from './verify.js';
import { readTrust, TrustError, looksLikeCertificate, sha256Hex } from './keys.js';
import { settings, setWorkerSource, prepareWorkers } from './hashing.js';
import { reading } from './source.js';
import { serve, hasher } from './digests.js';
import { parseStrict, canonicalize, canonicalBytes } from './json.js';
import { verifyStrict, strictRefusal } from './ed25519.js';
import { render, renderBusy, renderError, renderProgress, renderSingleKeys } from './ui.js';

if (typeof document === 'undefined') serve(self);
else startPage(document.currentScript?.textContent ?? null);

/**
 * The page. Its address may ask for other hashing and reading paths, for
 * measuring and testing, several at once (`#stream-all,no-hold`):
 * `#stream-all` (every entry streamed through the workers, none gathered
 * whole), `#no-workers` (the streamed hashes run in the page), `#no-hold`
 * (even a small file read as a large one is, its large entries from the
 * File), `#no-byob` (the File read in slices, as where a Blob's stream
 * cannot be read into the page's own buffers).
 */
function startPage(ownScript) {
  setWorkerSource(ownScript);
  const options = new Set(location.hash.slice(1).split(','));
  if (options.has('stream-all')) {
    settings.splitSize = 0;
    settings.oneShotLimit = -1;
  }
  if (options.has('no-workers')) settings.workers = 0;
  if (options.has('no-hold')) reading.wholeLimit = -1;
  if (options.has('no-byob')) reading.byob = false;

  const $ = (id) => document.getElementById(id);
  let bundle = null;
  let run = 0;

  function keyFiles() {
    return [...$('keys').files];
  }

  let certificateFiles = new Set();

  /** The files given as single public keys: no trust.json given, and not a certificate. */
  function singleKeyFiles() {
    const files = keyFiles();
    return files.some((f) => f.name === 'trust.json') ? [] : files.filter((f) => !certificateFiles.has(f));
  }

  function singleKeyIdentities() {
    const map = new Map();
    for (const f of singleKeyFiles()) {
      const party = document.querySelector(`.key-party[data-file="${CSS.escape(f.name)}"]`)?.value ?? $('party').value;
      const signer = document.querySelector(`.key-signer[data-file="${CSS.escape(f.name)}"]`)?.value ?? $('signer').value;
      map.set(f.name, { party, signer });
    }
    return map;
  }

  async function verify() {
    if (!bundle) return;
    if (bundle.size >= settings.splitSize) prepareWorkers(bundle.size);
    const mine = ++run;
    const out = $('result');
    document.body.dataset.state = 'running';
    renderBusy(out, bundle.name);
    const started = performance.now();
    try {
      const trust = await readTrust(keyFiles(), singleKeyIdentities());
      const report = await verifyBundle(bundle, trust, renderProgress);
      if (mine !== run) return;
      report.seconds = (performance.now() - started) / 1000;
      window.docseal.lastReport = report;
      render(out, bundle.name, report);
    } catch (e) {
      if (mine !== run) return;
      renderError(out, e instanceof TrustError ? `The trust given cannot be used: ${e.message}` : `${e.message}`);
    }
    document.body.dataset.state = 'done';
  }

  $('bundle').addEventListener('change', () => {
    bundle = $('bundle').files[0] ?? null;
    verify();
  });
  $('keys').addEventListener('change', async () => {
    const given = keyFiles();
    const heads = await Promise.all(given.map(async (f) => new Uint8Array(await f.slice(0, 1 << 20).arrayBuffer())));
    certificateFiles = new Set(given.filter((f, i) => looksLikeCertificate(heads[i])));
    renderSingleKeys($('single-keys'), singleKeyFiles(), { party: $('party').value, signer: $('signer').value });
    verify();
  });
  $('single-keys').addEventListener('change', verify);
  for (const id of ['party', 'signer']) {
    $(id).addEventListener('change', () => {
      for (const input of document.querySelectorAll(id === 'party' ? '.key-party' : '.key-signer')) input.value = $(id).value;
      verify();
    });
  }
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const file = e.dataTransfer.files[0];
    if (file) {
      bundle = file;
      verify();
    }
  });
  // A file dropped anywhere else must not make the browser navigate away from the page.
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => e.preventDefault());

  window.docseal = {
    version: VERSION,
    canonicalize: (text) => canonicalize(parseStrict(new TextEncoder().encode(text))),
    /** The canonical digest (FORMAT.md §2) of a file's bytes (a list of numbers), or throws why it has none. */
    canonicalDigest: async (bytes) => `sha256:${await sha256Hex(canonicalBytes(parseStrict(Uint8Array.from(bytes))))}`,
    serializeNumber: (x) => canonicalize(x),
    verifyStrict: async (pk, msg, sig) => (await verifyStrict(pk, msg, sig)).ok,
    strictRefusal,
    /** The SHA-512 (hex) of `parts` (Uint8Arrays) fed one after another to the incremental hasher the workers use. */
    sha512: async (parts) => {
      const h = await hasher('sha512');
      for (const p of parts) h.update(p);
      return h.digest('hex');
    },
    lastReport: null,
  };
  document.body.dataset.state = 'ready';
}
