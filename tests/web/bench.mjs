// Times web/verify.html on one bundle in Chromium, as bench/web.sh needs:
// the page's own time from choosing the file to the verdict (best of RUNS),
// the CPU time all the browser's processes spent meanwhile, where the
// page's time went (its report's `timings`), and the peak resident memory
// of the browser's processes.
//
//   node bench.mjs BUNDLE [RUNS] [HASH]     HASH: the page address's fragment: '' (default),
//                                          '#stream-all' (every entry streamed through the workers),
//                                          '#no-workers' (the same hashes in the page)
//
// Prints {"verdict", "seconds": [...], "best", "cpu_seconds" (of the best run), "timings" (of the best run), "peak_rss_mib"}.
import { readFileSync, readdirSync } from 'node:fs';
import { launch, openPage } from './verify.mjs';

const [bundle, runs = '3', hash = ''] = process.argv.slice(2);

/** The browser's processes: every descendant of this one. */
function descendants() {
  const children = (pid) => {
    try {
      return readdirSync(`/proc/${pid}/task`).flatMap((t) => readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').split(' ').filter(Boolean));
    } catch {
      return [];
    }
  };
  const out = [];
  const todo = children(process.pid);
  while (todo.length) {
    const pid = todo.pop();
    out.push(pid);
    todo.push(...children(pid));
  }
  return out;
}

function read(pid, file) {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return null; // the process ended
  }
}

/** Sum of VmRSS over the browser's processes, in MiB. */
function browserRss() {
  let kib = 0;
  for (const pid of descendants()) {
    const m = /VmRSS:\s+(\d+) kB/.exec(read(pid, 'status') ?? '');
    if (m) kib += Number(m[1]);
  }
  return kib / 1024;
}

/** User and system CPU time of the browser's processes so far, in seconds (clock ticks of 1/100 s). */
function browserCpu() {
  let ticks = 0;
  for (const pid of descendants()) {
    const stat = read(pid, 'stat');
    if (!stat) continue;
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks / 100;
}

/**
 * Waits until the browser's processes are idle (under 20 ms of CPU in 250 ms,
 * at most 10 s): a new context opens a window, whose own pages (Chromium's
 * omnibox popup, a WebUI page in a renderer of its own) take about 0.5 s of
 * CPU in the second after it — time the page would otherwise be measured
 * with, on a machine of few cores.
 */
async function settle() {
  for (let i = 0, last = browserCpu(); i < 40; i++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const now = browserCpu();
    if (now - last < 0.02) return;
    last = now;
  }
}

const browser = await launch();
let peak = 0;
const sampler = setInterval(() => { peak = Math.max(peak, browserRss()); }, 50);
const results = [];
let verdict = null;
try {
  for (let i = 0; i < Number(runs); i++) {
    const { context, page, errors } = await openPage(browser, hash);
    await settle();
    const before = browserCpu();
    await page.setInputFiles('#bundle', bundle);
    await page.waitForSelector('body[data-state="done"]', { timeout: 600_000 });
    const cpu = browserCpu() - before;
    const report = await page.evaluate(() => window.docseal.lastReport);
    await context.close();
    if (errors.length || !report) throw new Error(errors.join('; ') || 'no report');
    verdict = report.verdict;
    results.push({ seconds: report.seconds, cpu, timings: report.timings });
  }
} finally {
  clearInterval(sampler);
  await browser.close();
}
const best = results.reduce((a, b) => (b.seconds < a.seconds ? b : a));
process.stdout.write(JSON.stringify({
  verdict, seconds: results.map((r) => r.seconds), best: best.seconds, cpu_seconds: best.cpu, timings: best.timings, peak_rss_mib: Math.round(peak),
}) + '\n');
