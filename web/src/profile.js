// The docseal BagIt profile (FORMAT.md §5.3.3, `profile.*`): what a docseal
// bundle is beyond a BagIt bag — the exact declaration, bag-info.txt's six
// fields, the four manifests in §5.1's form, no fetch.txt, every file in its
// place, and §5.7's zip encoding, so that no byte is without a rule.

import { compareBytes } from './zip.js';

const DECLARATION = 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n';
const INFO_FIELDS = ['Bag-Software-Agent', 'Bagging-Date', 'External-Description', 'External-Identifier', 'Payload-Oxum', 'Source-Organization'];
const MANIFESTS = ['manifest-sha256.txt', 'manifest-sha512.txt', 'tagmanifest-sha256.txt', 'tagmanifest-sha512.txt'];
const TAG_FILES = new Set(['bagit.txt', 'bag-info.txt', ...MANIFESTS]);
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const UNIX_FILE_0644 = (0o100644 << 16) >>> 0;

/** Runs the profile checks; `bagOut` is what checkBag returned. */
export async function checkProfile(bag, bagOut, checks) {
  const one = (code, problems, subject, ok) => {
    if (problems.length) for (const p of problems.slice(0, 20)) checks.fail(code, subject, p);
    else checks.pass(code, subject, ok);
  };
  one('profile.declaration', await declaration(bag), 'bagit.txt', 'BagIt 1.0, UTF-8, exactly as FORMAT.md §5.1');
  one('profile.bag-info', await bagInfo(bag), 'bag-info.txt', 'the six fields of FORMAT.md §5.1, in order');
  one('profile.manifests', await manifests(bag, bagOut), null, 'sha256 and sha512 manifests and tag manifests, as FORMAT.md §5.1 writes them');
  one('profile.fetch', bag.has('fetch.txt') ? ['a docseal bundle has no fetch.txt'] : [], null, 'no fetch.txt');
  one('profile.layout', layout(bag), null, 'every file where FORMAT.md §5 puts it');
  one('profile.zip-encoding', zipEncoding(bag.zip), null, 'the zip encoding of FORMAT.md §5.7');
}

async function declaration(bag) {
  if (!bag.has('bagit.txt')) return ['bagit.txt is missing'];
  const b = await bag.bytes('bagit.txt');
  if (b === null) return ['bagit.txt cannot be read'];
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(b) === DECLARATION && b.length === DECLARATION.length ? [] : [`bagit.txt is not exactly ${JSON.stringify(DECLARATION)}`];
}

async function bagInfo(bag) {
  if (!bag.has('bag-info.txt')) return ['bag-info.txt is missing'];
  const b = await bag.bytes('bag-info.txt');
  if (b === null) return ['bag-info.txt cannot be read'];
  let text;
  try {
    text = utf8.decode(b);
  } catch {
    return ['bag-info.txt is not UTF-8'];
  }
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return ['bag-info.txt starts with a byte order mark'];
  if (text.includes('\r')) return ['bag-info.txt has a line ending other than LF'];
  if (!text.endsWith('\n')) return ['the last line of bag-info.txt has no LF'];
  const ls = text.slice(0, -1).split('\n');
  const problems = [];
  if (ls.length !== INFO_FIELDS.length) problems.push(`${ls.length} lines, not the ${INFO_FIELDS.length} fields of FORMAT.md §5.1`);
  const values = {};
  ls.forEach((line, i) => {
    const m = /^([^:]*): (.*)$/.exec(line);
    if (!m) return problems.push(`line ${i + 1} is not \`Label: value\``);
    if (m[1] !== INFO_FIELDS[i]) return problems.push(`line ${i + 1} is ${JSON.stringify(m[1])}, FORMAT.md §5.1 puts ${JSON.stringify(INFO_FIELDS[i] ?? '(nothing)')} there`);
    if (m[2] === '' || /^\s|\s$|\s\s|[\t\v\f\u0085\u2028\u2029]/u.test(m[2])) problems.push(`${m[1]}: the value must be non-empty, on one line, with single spaces`);
    values[m[1]] = m[2];
  });
  if (values['Bagging-Date'] !== undefined && !isDate(values['Bagging-Date'])) problems.push(`Bagging-Date ${JSON.stringify(values['Bagging-Date'])} is not a date YYYY-MM-DD`);
  if (values['External-Identifier'] !== undefined && values['External-Identifier'] !== bag.zip.root) {
    problems.push(`External-Identifier ${JSON.stringify(values['External-Identifier'])} is not the bag's name ${JSON.stringify(bag.zip.root)}`);
  }
  if (values['Payload-Oxum'] !== undefined && !/^[0-9]+\.[0-9]+$/.test(values['Payload-Oxum'])) problems.push(`Payload-Oxum ${JSON.stringify(values['Payload-Oxum'])} is not <bytes>.<files>`);
  return problems;
}

function isDate(s) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

/** §5.1's path encoding in manifests: `%` as `%25`, CR as `%0D`, LF as `%0A`. */
function encodePath(p) {
  return p.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

async function manifests(bag, bagOut) {
  const problems = [];
  for (const e of bag.entries) {
    if (/^(tag)?manifest-[^/]*\.txt$/.test(e.path) && !MANIFESTS.includes(e.path)) problems.push(`${e.path}: a docseal bundle has exactly the sha256 and sha512 manifests`);
  }
  for (const name of MANIFESTS) {
    if (!bag.has(name)) {
      problems.push(`${name} is missing`);
      continue;
    }
    const b = await bag.bytes(name);
    const lines = bagOut.lists.get(name);
    if (b === null || !lines) {
      problems.push(`${name} cannot be read`);
      continue;
    }
    const sorted = [...lines].sort((x, y) => compareBytes(x.path, y.path));
    const rewritten = sorted.map((l) => `${l.hex}  ${encodePath(l.path)}\n`).join('');
    if (new TextDecoder('utf-8', { ignoreBOM: true }).decode(b) !== rewritten || new TextEncoder().encode(rewritten).length !== b.length) {
      problems.push(`${name} is not in FORMAT.md §5.1's form (lower-case hex, two spaces, sorted paths, \\n endings)`);
    }
  }
  const want = ['bag-info.txt', 'bagit.txt', 'manifest-sha256.txt', 'manifest-sha512.txt',
    ...bag.entries.filter((e) => e.path.startsWith('metadata/')).map((e) => e.path)].sort(compareBytes);
  for (const name of ['tagmanifest-sha256.txt', 'tagmanifest-sha512.txt']) {
    const lines = bagOut.lists.get(name);
    if (!lines) continue;
    const got = lines.map((l) => l.path).sort(compareBytes);
    if (got.join('\n') !== want.join('\n')) problems.push(`${name} does not list exactly bag-info.txt, bagit.txt, both payload manifests and every file under metadata/`);
  }
  return problems;
}

function layout(bag) {
  const problems = [];
  const schemas = [];
  for (const e of bag.entries) {
    const p = e.path;
    if (TAG_FILES.has(p) || p === 'fetch.txt' || p === 'data/statement.json' || p === 'data/statement.txt' || p === 'metadata/validation.json') continue;
    if (/^(tag)?manifest-[^/]*\.txt$/.test(p)) continue; // profile.manifests judges them
    if (/^data\/attachments\/[^/]+$/.test(p)) continue;
    if (/^metadata\/schema\/[^/]+$/.test(p)) {
      schemas.push(p);
      continue;
    }
    if (/^signatures\/[^/]+$/.test(p)) continue; // signature.files judges them
    problems.push(`${p}: FORMAT.md §5 puts no file there`);
  }
  if (schemas.length > 1) problems.push(`${schemas.length} files under metadata/schema/, where FORMAT.md §5 puts one`);
  for (const p of ['data/statement.json', 'metadata/validation.json']) if (!bag.has(p)) problems.push(`${p} is missing`);
  return problems;
}

/** §5.7: no comments, no folder entries, names in byte order, and each header exactly as docseal writes it. */
function zipEncoding(zip) {
  const problems = [];
  if (zip.end.commentLength) problems.push('the archive has a comment');
  for (const f of zip.folders) problems.push(`${f.name}: a folder entry`);
  const order = [...zip.central].sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < zip.central.length; i++) {
    if (compareBytes(zip.central[i - 1].name, zip.central[i].name) >= 0) problems.push(`${zip.central[i].name}: the central directory is not in the byte order of the names`);
    if (compareBytes(order[i - 1].name, order[i].name) >= 0) problems.push(`${order[i].name}: the entries are not in the byte order of the names`);
  }
  for (const e of zip.central) {
    const zip64 = e.extra.has(0x0001);
    const version = zip64 ? 45 : e.method === 0 ? 10 : 20;
    const said = [];
    if (e.madeBy !== ((3 << 8) | version)) said.push(`made by 0x${e.madeBy.toString(16)}, not zip ${version / 10} on Unix`);
    if (e.needed !== version) said.push(`needs version ${e.needed / 10}, not ${version / 10}`);
    if (e.external !== UNIX_FILE_0644) said.push(`external attributes 0x${e.external.toString(16)}, not 0o100644 << 16`);
    if (e.internal !== 0) said.push('internal attributes not 0');
    const nonAscii = e.rawName.some((b) => b >= 0x80);
    if (e.flags !== (nonAscii ? 0x0800 : 0)) said.push(`flags 0x${e.flags.toString(16)}`);
    if ([...e.extra.keys()].some((id) => id !== 0x0001) || [...(e.local?.extra?.keys() ?? [])].some((id) => id !== 0x0001)) said.push('an extra field other than ZIP64');
    if (e.commentLength) said.push('an entry comment');
    if (said.length) problems.push(`${e.name}: ${said.join('; ')}`);
  }
  return problems;
}
