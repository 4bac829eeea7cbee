// Runs web/verify.html in Debian's Chromium, headless and offline, on each
// job given, the way a person would: the page opened from file://, the
// bundle set on #bundle, trust on #keys (with the party of single keys in
// #party / #signer), then the verdict read from #verdict[data-verdict].
//
//   node verify.mjs JOBS.json      JOBS: [{"bundle": PATH, "keys": [PATH...], "party": "KZ", "signer": "…",
//                                          "parties": {"kz.pub.pem": "KZ"}, "hash": "#stream-all"}]
//                                  (parties: of each single key; hash: the page's address fragment)
//
// Prints one JSON list: [{"verdict", "checks": [{code, status, subject, message}], "signers": [{key, status, proven_time}], "seconds"}].
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
/** The page: web/verify.html, or another build of it named by DOCSEAL_PAGE (to compare two). */
export const PAGE = pathToFileURL(process.env.DOCSEAL_PAGE || join(here, '../../web/verify.html')).href;

/** Debian's Chromium, headless, no sandbox (root in a container), no background traffic. */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.DOCSEAL_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A page of the verifier in a context with the network switched off; any request is recorded. */
export async function openPage(browser, hash = '') {
  const context = await browser.newContext({ offline: true });
  const page = await context.newPage();
  const requests = [];
  page.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('blob:')) requests.push(r.url()); });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(PAGE + hash);
  await page.waitForSelector('body[data-state="ready"]');
  return { context, page, requests, errors };
}

/** Verifies one job; `hash` (or the job's own `hash`) is the page address's fragment, which chooses a hashing path. */
export async function verifyJob(browser, job, hash = job.hash ?? '') {
  const { context, page, requests, errors } = await openPage(browser, hash);
  try {
    if (job.party) await page.fill('#party', job.party);
    if (job.signer) await page.fill('#signer', job.signer);
    if (job.keys?.length) await page.setInputFiles('#keys', job.keys);
    for (const [file, party] of Object.entries(job.parties ?? {})) {
      await page.fill(`.key-party[data-file="${file}"]`, party);
    }
    await page.setInputFiles('#bundle', job.bundle);
    await page.waitForSelector('body[data-state="done"]', { timeout: job.timeout ?? 600_000 });
    const verdict = await page.getAttribute('#verdict', 'data-verdict');
    const report = await page.evaluate(() => window.docseal.lastReport);
    if (requests.length) errors.push(`the page made network requests: ${requests.join(', ')}`);
    const signers = (report?.signers ?? []).map((s) => ({ key: s.key, status: s.status, proven_time: s.proven_time }));
    return { verdict, checks: report?.checks ?? [], reasons: report?.reasons ?? [], signers, seconds: report?.seconds ?? null, timings: report?.timings ?? null, errors };
  } finally {
    await context.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const jobs = JSON.parse(readFileSync(process.argv[2], 'utf8'));
  const browser = await launch();
  const results = [];
  try {
    for (const job of jobs) results.push(await verifyJob(browser, job));
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(results) + '\n');
}
