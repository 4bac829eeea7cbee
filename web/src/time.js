// RFC 3339 instants at second precision, as numbers of seconds since 1970.

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Seconds since the epoch (fractions dropped), or null when `text` is not an RFC 3339 time. */
export function parseTime(text) {
  const m = RFC3339.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || s > 60) return null;
  let offset = 0;
  if (!/^[Zz]$/.test(m[8])) {
    const sign = m[8][0] === '-' ? -1 : 1;
    const [oh, om] = m[8].slice(1).split(':').map(Number);
    if (oh > 23 || om > 59) return null;
    offset = sign * (oh * 3600 + om * 60);
  }
  return Date.UTC(y, mo - 1, d, h, mi, Math.min(s, 59)) / 1000 - offset;
}

/** `signed_at` form (FORMAT.md §5.2): UTC, seconds, a `Z`. */
export function isSignedAt(text) {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(text) && parseTime(text) !== null;
}

export function formatTime(seconds) {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

function daysIn(y, m) {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}
