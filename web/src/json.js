// Strict JSON (FORMAT.md §2) and its RFC 8785 canonical form. JSON.parse is
// not enough: it keeps the last of two equal keys, accepts lone surrogates
// and rounds big integers silently, and each of those would let a signature
// cover an ambiguous record.

/** A document refused before canonicalization (syntax, duplicate key, …). */
export class JsonError extends Error {
  constructor(message, offset) {
    super(offset === undefined ? message : `${message} (at byte ${offset})`);
    this.offset = offset;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
/** Arrays and objects nest at most this deep (FORMAT.md §2): the 128th level is refused. */
const MAX_NESTING = 127;

/**
 * Parses UTF-8 bytes strictly. Objects become `Map`s (so that any key,
 * `__proto__` included, is kept as written and key order is the source's),
 * arrays `Array`s, numbers `Number`s.
 */
export function parseStrict(bytes) {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    throw new JsonError('a UTF-8 byte order mark is refused', 0);
  }
  let text;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new JsonError('not UTF-8');
  }
  const p = new Parser(text);
  p.ws();
  const value = p.value(0);
  p.ws();
  if (p.i !== text.length) p.fail('text after the JSON value');
  return value;
}

class Parser {
  constructor(text) {
    this.t = text;
    this.i = 0;
  }

  fail(message) {
    throw new JsonError(message, new TextEncoder().encode(this.t.slice(0, this.i)).length);
  }

  ws() {
    const t = this.t;
    while (this.i < t.length) {
      const c = t.charCodeAt(this.i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.i++;
      else break;
    }
  }

  value(depth) {
    const c = this.t[this.i];
    if ((c === '{' || c === '[') && depth >= MAX_NESTING) this.fail(`arrays and objects nested more than ${MAX_NESTING} levels deep`);
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    if (c === 't') return this.word('true', true);
    if (c === 'f') return this.word('false', false);
    if (c === 'n') return this.word('null', null);
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    return this.fail(c === undefined ? 'unexpected end of the document' : `unexpected character ${JSON.stringify(c)}`);
  }

  word(w, v) {
    if (this.t.startsWith(w, this.i)) {
      this.i += w.length;
      return v;
    }
    return this.fail('invalid literal');
  }

  object(depth) {
    this.i++;
    const map = new Map();
    this.ws();
    if (this.t[this.i] === '}') {
      this.i++;
      return map;
    }
    for (;;) {
      this.ws();
      if (this.t[this.i] !== '"') this.fail('expected a key');
      const at = this.i;
      const key = this.string();
      if (map.has(key)) {
        this.i = at;
        this.fail(`duplicate key ${JSON.stringify(key)}`);
      }
      this.ws();
      if (this.t[this.i] !== ':') this.fail('expected `:`');
      this.i++;
      this.ws();
      map.set(key, this.value(depth + 1));
      this.ws();
      const c = this.t[this.i++];
      if (c === '}') return map;
      if (c !== ',') {
        this.i--;
        this.fail('expected `,` or `}`');
      }
    }
  }

  array(depth) {
    this.i++;
    const out = [];
    this.ws();
    if (this.t[this.i] === ']') {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      out.push(this.value(depth + 1));
      this.ws();
      const c = this.t[this.i++];
      if (c === ']') return out;
      if (c !== ',') {
        this.i--;
        this.fail('expected `,` or `]`');
      }
    }
  }

  string() {
    const t = this.t;
    this.i++;
    let out = '';
    let run = this.i;
    for (;;) {
      if (this.i >= t.length) this.fail('unterminated string');
      const c = t.charCodeAt(this.i);
      if (c === 0x22) {
        out += t.slice(run, this.i);
        this.i++;
        break;
      }
      if (c < 0x20) this.fail('control character in a string');
      if (c === 0x5c) {
        out += t.slice(run, this.i);
        const e = t[this.i + 1];
        this.i += 2;
        const simple = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' }[e];
        if (simple !== undefined) out += simple;
        else if (e === 'u') {
          const hex = t.slice(this.i, this.i + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('bad \\u escape');
          out += String.fromCharCode(parseInt(hex, 16));
          this.i += 4;
        } else {
          this.i -= 2;
          this.fail('bad escape');
        }
        run = this.i;
        continue;
      }
      this.i++;
    }
    if (!out.isWellFormed()) this.fail('a lone surrogate in a string');
    return out;
  }

  number() {
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(this.t.slice(this.i, this.i + 400));
    if (!m) this.fail('invalid number');
    const literal = m[0];
    const n = Number(literal);
    if (!Number.isFinite(n)) this.fail(`number out of range: ${literal}`);
    if (!m[2] && !m[3] && !Number.isSafeInteger(n) && BigInt(literal) !== BigInt(n)) {
      this.fail(`integer ${literal} is beyond 2^53 and has no exact IEEE 754 double`);
    }
    this.i += literal.length;
    return n;
  }
}

/** RFC 8785 canonical text of a value from parseStrict. */
export function canonicalize(value) {
  const parts = [];
  write(value, parts);
  return parts.join('');
}

/** The canonical UTF-8 bytes. */
export function canonicalBytes(value) {
  return new TextEncoder().encode(canonicalize(value));
}

function write(v, out) {
  if (v === null || v === true || v === false) out.push(String(v));
  else if (typeof v === 'number') out.push(JSON.stringify(v)); // ECMAScript Number::toString, -0 as 0
  else if (typeof v === 'string') out.push(JSON.stringify(v)); // minimal escaping, lower-case \u00xx
  else if (Array.isArray(v)) {
    out.push('[');
    v.forEach((x, i) => {
      if (i) out.push(',');
      write(x, out);
    });
    out.push(']');
  } else if (v instanceof Map) {
    // Sorted by UTF-16 code units: the order of JavaScript's string comparison.
    const keys = [...v.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    out.push('{');
    keys.forEach((k, i) => {
      if (i) out.push(',');
      out.push(JSON.stringify(k), ':');
      write(v.get(k), out);
    });
    out.push('}');
  } else throw new JsonError(`cannot canonicalize a ${typeof v}`);
}

/** A parsed value as plain JavaScript (objects instead of Maps), e.g. for the schema validator. */
export function toPlain(v) {
  if (Array.isArray(v)) return v.map(toPlain);
  if (v instanceof Map) {
    const o = {};
    // defineProperty, not assignment: a key `__proto__` stays an ordinary member.
    for (const [k, x] of v) Object.defineProperty(o, k, { value: toPlain(x), enumerable: true, writable: true, configurable: true });
    return o;
  }
  return v;
}

/** Member `key` of an object from parseStrict, or undefined. */
export function get(v, key) {
  return v instanceof Map ? v.get(key) : undefined;
}
