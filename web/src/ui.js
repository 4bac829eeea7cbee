// What the person sees: the verdict, who signed, the statement's text with
// homoglyphs and invisible characters marked, and every check. Untrusted
// text only ever goes into the page as text nodes.

const WORDS = {
  authentic: ['Authentic', 'Every check holds and every required party signed with a key the trust given vouches for.'],
  'intact-untrusted': ['Intact, not trusted', 'Nothing was changed since it was signed, but nothing here proves whose the keys are.'],
  'not-authentic': ['Not authentic', 'A check failed: do not rely on this bundle.'],
  'valid-bag': ['Valid BagIt bag', 'A plain BagIt bag whose every check holds; it is not a docseal bundle, so nothing in it says who made it.'],
  'invalid-bag': ['Invalid BagIt bag', 'A plain BagIt bag (not a docseal bundle) that fails a check.'],
};

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined) continue;
    if (k === 'class') node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
  return node;
}

export function renderBusy(out, name) {
  out.replaceChildren(el('p', { id: 'status', class: 'busy' }, `Checking ${name}…`), el('progress', { id: 'progress', max: '1', value: '0' }));
}

let shown = 0;

/**
 * Moves the progress bar, at most five times a second: each move is a new
 * frame painted and composited (in software where there is no GPU), and a
 * move per 4 MiB chunk cost about 0.1 s more CPU for a 200 MiB entry, in
 * the page's compositor and the GPU process (bench/web.sh).
 */
export function renderProgress(done, total) {
  const now = performance.now();
  if (done < total && now - shown < 200) return;
  shown = now;
  const bar = document.getElementById('progress');
  if (bar && total > 0) bar.value = done / total;
}

/** A failure to use the trust given, or to read the file: no verdict, as the CLI exits 2. */
export function renderError(out, message) {
  out.replaceChildren(el('section', { id: 'verdict', class: 'verdict error', 'data-verdict': 'error' },
    el('h2', {}, 'Could not check'), el('p', {}, message)));
}

export function render(out, name, report) {
  const [word, explanation] = WORDS[report.verdict];
  const verdict = el('section', { id: 'verdict', class: `verdict ${report.verdict}`, 'data-verdict': report.verdict },
    el('h2', {}, word), el('p', {}, explanation),
    el('p', { class: 'file' }, `${name} — bag ${report.bag || '(none)'} — ${report.kind}`),
    report.reasons.length ? el('ul', { id: 'reasons' }, report.reasons.map((r) => el('li', {}, r))) : null);
  out.replaceChildren(verdict, signersSection(report), statementSection(report.statement), checksSection(report.checks));
}

function signersSection(report) {
  if (report.kind !== 'docseal-bundle') return null;
  const rows = report.signers.map((s) => el('tr', { class: `trust-${s.status}` },
    el('td', {}, s.party), el('td', {}, s.status === 'trusted' && s.identity ? s.identity.signer : s.signer,
      s.status === 'trusted' ? null : el('span', { class: 'note' }, ' (as signed; not vouched for)')),
    el('td', {}, s.role),
    el('td', {}, s.signed_at, el('span', { class: 'note' }, ' claimed'),
      s.proven_time ? [el('br'), s.proven_time, el('span', { class: 'note' }, ` proven by ${s.proven_by}`)] : null),
    el('td', { class: 'mono', title: s.key }, s.key.slice(0, 23)), el('td', {}, s.status)));
  const t = report.trust;
  return el('section', { id: 'signers' }, el('h3', {}, 'Who signed'),
    report.signers.length
      ? el('table', {}, el('thead', {}, el('tr', {}, ['party', 'signer', 'role', 'signed at', 'key', 'status'].map((h) => el('th', {}, h)))), el('tbody', {}, rows))
      : el('p', {}, 'No signature.'),
    el('p', { class: 'note' }, t.given ? `Trust from ${t.source} (${t.keys} keys, ${t.tsa} time-stamp authorities).` : 'No trust given: add a keyring (trust.json with its key files and tsa/ certificates) or public keys to know whose the keys are.'));
}

function statementSection(statement) {
  if (!statement) return null;
  const parties = Array.isArray(statement.parties) ? statement.parties : [];
  const body = Array.isArray(statement.body) ? statement.body : [];
  const text = body.filter((b) => b && typeof b.text === 'string');
  const marks = text.reduce((n, b) => n + countMarks(b.text), 0);
  return el('section', { id: 'statement' }, el('h3', {}, 'The statement'),
    el('p', {}, `${str(statement.id)} — ${str(statement.type)}${statement.date ? ' — ' + dateText(statement.date) : ''}`),
    typeof statement.title === 'string' ? el('p', { class: 'title' }, marked(statement.title)) : null,
    el('p', {}, 'Parties: ', parties.map((p, i) => [i ? '; ' : '', `${str(p?.name)} (${str(p?.id)}, ${str(p?.role)})`])),
    el('p', { id: 'marks', class: marks ? 'warn' : 'note' }, marks
      ? `${marks} character${marks > 1 ? 's' : ''} marked: letters of another script inside a word (homoglyphs), or invisible characters. They are part of the signed text.`
      : 'No homoglyph or invisible character in the text.'),
    el('div', { id: 'text', lang: str(statement.language) }, text.map((b) => el('p', { class: `block ${str(b.kind)}` }, marked(b.text)))));
}

function dateText(d) {
  if (typeof d === 'string') return d;
  if (d && typeof d === 'object' && typeof d.start === 'string') {
    return (typeof d.end === 'string' && d.end !== d.start ? `${d.start} – ${d.end}` : d.start) + (d.inferred === true ? ' (inferred)' : '');
  }
  return str(d);
}

function str(v) {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v);
}

const SCRIPTS = ['Latin', 'Cyrillic', 'Greek', 'Armenian', 'Georgian', 'Arabic', 'Hebrew', 'Han', 'Hiragana', 'Katakana', 'Hangul', 'Thai', 'Devanagari'];
const SCRIPT_RE = SCRIPTS.map((s) => [s, new RegExp(`\\p{Script=${s}}`, 'u')]);
const INVISIBLE = /[\p{Cf}\u00ad\u034f\u115f\u1160\u3164\uffa0]/u;

function scriptOf(ch) {
  for (const [name, re] of SCRIPT_RE) if (re.test(ch)) return name;
  return /\p{L}/u.test(ch) ? 'Other' : null;
}

/** Letters of a minority script in a mixed word, and invisible characters, with why. */
function findMarks(text) {
  const marks = new Map();
  for (const m of text.matchAll(/[\p{L}\p{M}\p{Cf}\u00ad]+/gu)) {
    const chars = [...m[0]];
    const counts = new Map();
    for (const c of chars) {
      const s = scriptOf(c);
      if (s) counts.set(s, (counts.get(s) ?? 0) + 1);
    }
    const main = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
    let at = m.index;
    for (const c of chars) {
      const s = scriptOf(c);
      if (INVISIBLE.test(c)) marks.set(at, `invisible character ${codePoint(c)}`);
      else if (counts.size > 1 && s && s !== main) marks.set(at, `${s} letter ${codePoint(c)} in a ${main} word`);
      at += c.length;
    }
  }
  return marks;
}

function countMarks(text) {
  return findMarks(text).size;
}

function codePoint(c) {
  return 'U+' + c.codePointAt(0).toString(16).toUpperCase().padStart(4, '0');
}

function marked(text) {
  const marks = findMarks(text);
  if (!marks.size) return [text];
  const out = [];
  let from = 0;
  for (const [at, why] of [...marks.entries()].sort((a, b) => a[0] - b[0])) {
    const c = String.fromCodePoint(text.codePointAt(at));
    out.push(text.slice(from, at));
    out.push(el('mark', { class: 'homoglyph', title: why }, INVISIBLE.test(c) ? `⟨${codePoint(c)}⟩` : c));
    from = at + c.length;
  }
  out.push(text.slice(from));
  return out;
}

function checksSection(checks) {
  return el('section', { id: 'checks' }, el('h3', {}, 'Every check'),
    el('table', {}, el('thead', {}, el('tr', {}, ['', 'code', 'subject', 'message'].map((h) => el('th', {}, h)))),
      el('tbody', {}, checks.map((c) => el('tr', { class: `check ${c.status}`, 'data-code': c.code, 'data-status': c.status },
        el('td', {}, { pass: 'ok', fail: 'FAIL', warn: 'warn' }[c.status]), el('td', { class: 'mono code' }, c.code),
        el('td', { class: 'mono' }, c.subject ?? ''), el('td', {}, c.message))))));
}

/** The rows asking a party (and optionally a signer) for each single public key given. */
export function renderSingleKeys(container, files, defaults) {
  container.replaceChildren(...files.map((f) => el('div', { class: 'single-key' },
    el('span', { class: 'mono' }, f.name), ' party ',
    el('input', { class: 'key-party', 'data-file': f.name, value: defaults.party, size: '6', 'aria-label': `party of ${f.name}` }),
    ' signer (optional) ',
    el('input', { class: 'key-signer', 'data-file': f.name, value: defaults.signer, size: '30', 'aria-label': `signer of ${f.name}` }))));
}
