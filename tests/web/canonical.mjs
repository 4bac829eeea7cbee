// The canonical digest (FORMAT.md §2) of each file given, computed by the
// page's own strict JSON reader and RFC 8785 code in Chromium, for
// tests/web_verifier.rs to compare with `docseal hash`.
//
//   node canonical.mjs FILE...     prints [{"canonical": "sha256:…"} | {"error": "…"}], in order
import { readFileSync } from 'node:fs';
import { launch, openPage } from './verify.mjs';

const inputs = process.argv.slice(2).map((f) => [...readFileSync(f)]);
const browser = await launch();
try {
  const { page, requests, errors } = await openPage(browser);
  const out = await page.evaluate(async (inputs) => {
    const results = [];
    for (const bytes of inputs) {
      try {
        results.push({ canonical: await window.docseal.canonicalDigest(bytes) });
      } catch (e) {
        results.push({ error: e.message });
      }
    }
    return results;
  }, inputs);
  if (requests.length || errors.length) throw new Error(`requests ${requests}, errors ${errors}`);
  process.stdout.write(JSON.stringify(out) + '\n');
} finally {
  await browser.close();
}
