// Builds web/verify.html, one self-contained file: web/src/page.html with
// the bundled script (web/src/*.js and @cfworker/json-schema) and the style
// inlined, and a Content-Security-Policy that allows exactly those two
// (by their SHA-256), WebAssembly compiled from the script's own bytes
// (hash-wasm's digests), and workers from blob: URLs (the page starts its
// hashing workers from its own script text) — and nothing else: no network,
// no other script.
//
//   cd web && npm ci && node build.mjs          # writes verify.html
//   node build.mjs --check                      # fails if verify.html is not what the sources give
//
// Reproducible: the same sources and the same locked dependencies give the same bytes.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const cargo = readFileSync(join(here, '../Cargo.toml'), 'utf8');
const version = /^version = "([^"]+)"/m.exec(cargo)[1];

const bundled = await build({
  entryPoints: [join(here, 'src/main.js')],
  bundle: true,
  format: 'iife',
  target: 'es2022',
  charset: 'utf8',
  legalComments: 'inline',
  write: false,
  define: { VERSION: JSON.stringify(version) },
  logLevel: 'warning',
  absWorkingDir: here,
});
// Paths in esbuild's module comments are relative to the working folder: make them relative to web/.
let script = bundled.outputFiles[0].text;
if (/<\/script|<!--/i.test(script)) throw new Error('the bundled script contains </script or <!--: it cannot be inlined');
const style = readFileSync(join(here, 'src/style.css'), 'utf8');
const hash = (text) => `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
const page = readFileSync(join(here, 'src/page.html'), 'utf8')
  .replace('{{CSP_SCRIPT}}', hash(script))
  .replace('{{CSP_STYLE}}', hash(style))
  .replace('{{STYLE}}', () => style)
  .replace('{{SCRIPT}}', () => script)
  .replaceAll('{{VERSION}}', version);
const out = join(here, 'verify.html');
if (process.argv.includes('--check')) {
  const now = readFileSync(out, 'utf8');
  if (now !== page) {
    console.error('web/verify.html is not what web/src gives: run `node web/build.mjs` and commit it');
    process.exit(1);
  }
  console.log(`web/verify.html is up to date (${version}, ${hash(page).slice(7)})`);
} else {
  writeFileSync(out, page);
  console.log(`wrote web/verify.html: docseal ${version}, ${page.length} characters, SHA-256 ${createHash('sha256').update(page).digest('hex')}`);
}
