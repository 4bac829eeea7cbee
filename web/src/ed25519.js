// Ed25519 verification with the strictness of FORMAT.md §3 (ed25519-dalek's
// verify_strict): WebCrypto does the verification, but like OpenSSL it
// accepts what strict verification refuses, so the encodings are checked
// here first — S < L, canonical point encodings, no small-order key or R.

const P = 2n ** 255n - 19n;
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const D = mod(-121665n * inverse(121666n));
const SQRT_M1 = pow(2n, (P - 1n) / 4n);

function mod(a) {
  const r = a % P;
  return r < 0n ? r + P : r;
}

function pow(base, exp) {
  let result = 1n;
  let b = mod(base);
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % P;
    b = (b * b) % P;
    e >>= 1n;
  }
  return result;
}

function inverse(a) {
  return pow(a, P - 2n);
}

function littleEndian(bytes) {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]);
  return n;
}

/** decodePoint's reason for 32 bytes that encode no point at all (whatever the strictness). */
export const NOT_A_POINT = 'not a point of the curve';

/**
 * Decodes a point encoding strictly (RFC 8032 §5.1.3, refusing y ≥ p and
 * x = 0 with the sign bit set). Returns extended coordinates, or a string
 * saying why the encoding is refused.
 */
export function decodePoint(bytes) {
  if (bytes.length !== 32) return 'not 32 bytes';
  const sign = bytes[31] >> 7;
  const copy = Uint8Array.from(bytes);
  copy[31] &= 0x7f;
  const y = littleEndian(copy);
  if (y >= P) return 'non-canonical encoding (y ≥ p)';
  const y2 = (y * y) % P;
  const u = mod(y2 - 1n);
  const v = mod(D * y2 + 1n);
  // x = u v^3 (u v^7)^((p-5)/8), then fixed up by sqrt(-1) (RFC 8032 §5.1.3).
  const v3 = (v * v * v) % P;
  let x = (u * v3 * pow(u * v3 * v3 * v, (P - 5n) / 8n)) % P;
  const vx2 = (v * x * x) % P;
  if (vx2 !== u) {
    if (vx2 === mod(-u)) x = (x * SQRT_M1) % P;
    else return NOT_A_POINT;
  }
  if (x === 0n && sign === 1) return 'non-canonical encoding (x = 0 with the sign bit set)';
  if (Number(x & 1n) !== sign) x = P - x;
  return { X: x, Y: y, Z: 1n, T: (x * y) % P };
}

// Point doubling in extended coordinates (a = -1), RFC 8032 §5.1.4.
function double({ X, Y, Z }) {
  const A = (X * X) % P;
  const B = (Y * Y) % P;
  const C = (2n * Z * Z) % P;
  const H = (A + B) % P;
  const E = mod(H - mod(X + Y) ** 2n % P);
  const G = mod(A - B);
  const F = (C + G) % P;
  return { X: (E * F) % P, Y: (G * H) % P, Z: (F * G) % P, T: (E * H) % P };
}

/** Whether [8]point is the identity: the point has order 1, 2, 4 or 8. */
export function isSmallOrder(point) {
  let q = point;
  for (let i = 0; i < 3; i++) q = double(q);
  return q.X === 0n && mod(q.Y - q.Z) === 0n;
}

/**
 * Why a (key, signature) pair is refused before any verification, or null:
 * the checks that verify_strict makes and WebCrypto does not.
 */
export function strictRefusal(publicKey, signature) {
  if (publicKey.length !== 32) return 'the public key is not 32 bytes';
  if (signature.length !== 64) return 'the signature is not 64 bytes';
  const a = decodePoint(publicKey);
  if (typeof a === 'string') return `public key: ${a}`;
  if (isSmallOrder(a)) return 'public key: a point of small order';
  const r = decodePoint(signature.subarray(0, 32));
  if (typeof r === 'string') return `R: ${r}`;
  if (isSmallOrder(r)) return 'R: a point of small order';
  if (littleEndian(signature.subarray(32)) >= L) return 'S is not below the group order L (malleable)';
  return null;
}

/**
 * Verifies strictly. Returns `{ ok: true }` or `{ ok: false, reason }`.
 */
export async function verifyStrict(publicKey, message, signature) {
  const refused = strictRefusal(publicKey, signature);
  if (refused) return { ok: false, reason: refused };
  let key;
  try {
    key = await crypto.subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
  } catch (e) {
    return { ok: false, reason: `public key refused by WebCrypto: ${e.message}` };
  }
  const ok = await crypto.subtle.verify({ name: 'Ed25519' }, key, signature, message);
  return ok ? { ok: true } : { ok: false, reason: 'the Ed25519 signature does not verify' };
}
