// X.509 certificates and the signature algorithms of FORMAT.md §6.2 step 9
// (RSA PKCS #1 v1.5, RSASSA-PSS with explicit SHA-2 parameters, ECDSA on
// P-256/P-384), verified with WebCrypto. Certificates are read from strict
// DER (der.js); each keeps its fields' bytes as received.

import { parseDer, readNode, seq, oid, integer, octets, bitStringBytes, certificateTime, expect, TAG, DerError } from './der.js';

export const OID = {
  sha1: '1.3.14.3.2.26', sha256: '2.16.840.1.101.3.4.2.1', sha384: '2.16.840.1.101.3.4.2.2', sha512: '2.16.840.1.101.3.4.2.3',
  rsaEncryption: '1.2.840.113549.1.1.1', rsaPss: '1.2.840.113549.1.1.10', mgf1: '1.2.840.113549.1.1.8',
  sha256Rsa: '1.2.840.113549.1.1.11', sha384Rsa: '1.2.840.113549.1.1.12', sha512Rsa: '1.2.840.113549.1.1.13',
  ecdsaSha256: '1.2.840.10045.4.3.2', ecdsaSha384: '1.2.840.10045.4.3.3', ecdsaSha512: '1.2.840.10045.4.3.4',
  ecPublicKey: '1.2.840.10045.2.1', p256: '1.2.840.10045.3.1.7', p384: '1.3.132.0.34',
  subjectKeyIdentifier: '2.5.29.14', keyUsage: '2.5.29.15', subjectAltName: '2.5.29.17', issuerAltName: '2.5.29.18',
  basicConstraints: '2.5.29.19', crlDistributionPoints: '2.5.29.31', certificatePolicies: '2.5.29.32',
  authorityKeyIdentifier: '2.5.29.35', extKeyUsage: '2.5.29.37', authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  timeStamping: '1.3.6.1.5.5.7.3.8',
};

/** SHA-2 (and SHA-1, for ESS v1 only) by OID, as WebCrypto names them. */
export const HASHES = { [OID.sha1]: 'SHA-1', [OID.sha256]: 'SHA-256', [OID.sha384]: 'SHA-384', [OID.sha512]: 'SHA-512' };
const SHA2 = new Set([OID.sha256, OID.sha384, OID.sha512]);

/** An AlgorithmIdentifier: `{ oid, params (node or null) }`. */
export function algorithm(n, what) {
  const c = seq(n, what);
  if (c.length < 1 || c.length > 2) throw new DerError(`${what}: an AlgorithmIdentifier of ${c.length} elements`);
  return { oid: oid(c[0], what), params: c[1] ?? null, raw: n.raw };
}

/** A SHA-2 hash AlgorithmIdentifier (parameters absent or NULL) as its WebCrypto name, or null. */
export function sha2(alg) {
  if (!SHA2.has(alg.oid)) return null;
  if (alg.params && alg.params.tag !== TAG.NULL) return null;
  return HASHES[alg.oid];
}

/** Reads a certificate's DER. Throws DerError. */
export function parseCertificate(der) {
  const cert = parseDer(der);
  const [tbs, sigAlg, sigValue, ...more] = seq(cert, 'Certificate');
  if (more.length || !sigValue) throw new DerError('Certificate: not three elements');
  const t = seq(tbs, 'TBSCertificate');
  let i = 0;
  let version = 0n;
  if (t[i]?.tag === 0xa0) {
    version = integer(t[i].children[0], 'version');
    if (t[i].children.length !== 1) throw new DerError('version: more than one element');
    i++;
  }
  const serial = expect(t[i++], TAG.INTEGER, 'serialNumber');
  const innerAlg = algorithm(t[i++], 'signature');
  const issuer = expect(t[i++], TAG.SEQUENCE, 'issuer');
  const validity = seq(t[i++], 'validity');
  if (validity.length !== 2) throw new DerError('validity: not two times');
  const subject = expect(t[i++], TAG.SEQUENCE, 'subject');
  const spki = expect(t[i++], TAG.SEQUENCE, 'subjectPublicKeyInfo');
  const [keyAlg, keyBits] = seq(spki, 'subjectPublicKeyInfo');
  if (t[i]?.tag === 0x81) i++;
  if (t[i]?.tag === 0x82) i++;
  const extensions = new Map();
  const extensionList = [];
  if (t[i]?.tag === 0xa3) {
    if (t[i].children.length !== 1) throw new DerError('extensions: more than one element');
    for (const e of seq(t[i].children[0], 'extensions')) {
      const c = seq(e, 'Extension');
      const id = oid(c[0], 'extnID');
      let critical = false;
      let k = 1;
      if (c[k]?.tag === TAG.BOOLEAN) {
        critical = c[k].content[0] === 0xff;
        if (!critical) throw new DerError('Extension: critical FALSE written (DER leaves a DEFAULT out)');
        k++;
      }
      const value = octets(c[k], 'extnValue');
      if (c.length !== k + 1) throw new DerError('Extension: extra elements');
      if (extensions.has(id)) throw new DerError(`extension ${id} twice`);
      const ext = { id, critical, value };
      extensions.set(id, ext);
      extensionList.push(ext);
    }
    i++;
  }
  if (i !== t.length) throw new DerError('TBSCertificate: unexpected elements');
  return {
    der, tbsRaw: tbs.raw, version, serial: serial.raw, serialValue: integer(serial), innerAlgRaw: innerAlg.raw,
    sigAlg: algorithm(sigAlg, 'signatureAlgorithm'), signature: bitStringBytes(sigValue, 'signatureValue'),
    issuer: issuer.raw, subject: subject.raw, notBefore: certificateTime(validity[0], 'notBefore'), notAfter: certificateTime(validity[1], 'notAfter'),
    spki: spki.raw, keyAlg: algorithm(keyAlg, 'subjectPublicKeyInfo.algorithm'), keyBits, extensions: extensionList, extension: (id) => extensions.get(id),
  };
}

/** basicConstraints: `{ ca, pathLen (BigInt or null) }`, or null when absent. */
export function basicConstraints(cert) {
  const e = cert.extension(OID.basicConstraints);
  if (!e) return null;
  const c = seq(parseDer(e.value), 'basicConstraints');
  let k = 0;
  let ca = false;
  if (c[k]?.tag === TAG.BOOLEAN) {
    ca = c[k].content[0] === 0xff;
    k++;
  }
  const pathLen = c[k] ? integer(c[k], 'pathLenConstraint') : null;
  return { ca, pathLen };
}

/** keyUsage as a BIT STRING node, or null when absent. */
export function keyUsage(cert) {
  const e = cert.extension(OID.keyUsage);
  return e ? expect(parseDer(e.value), TAG.BIT_STRING, 'keyUsage') : null;
}

/** The subjectKeyIdentifier's bytes, or null. */
export function subjectKeyIdentifier(cert) {
  const e = cert.extension(OID.subjectKeyIdentifier);
  return e ? octets(parseDer(e.value), 'subjectKeyIdentifier') : null;
}

/** Each subjectAltName GeneralName as received, or []. */
export function subjectAltNames(cert) {
  const e = cert.extension(OID.subjectAltName);
  return e ? seq(parseDer(e.value), 'subjectAltName').map((n) => n.raw) : [];
}

/** extendedKeyUsage: `{ critical, purposes: [oid] }`, or null. */
export function extendedKeyUsage(cert) {
  const e = cert.extension(OID.extKeyUsage);
  return e ? { critical: e.critical, purposes: seq(parseDer(e.value), 'extendedKeyUsage').map((n) => oid(n)) } : null;
}

function bitLength(bytes) {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i]));
}

/** Why the key of `cert` is not one §6.2 allows, or null; and its kind. */
function keyKind(cert) {
  const a = cert.keyAlg;
  if (a.oid === OID.rsaEncryption) {
    if (!a.params || a.params.tag !== TAG.NULL) return { error: 'an RSA key whose parameters are not NULL' };
    const [modulus] = seq(parseDer(bitStringBytes(cert.keyBits, 'subjectPublicKey')), 'RSAPublicKey');
    const bits = bitLength(expect(modulus, TAG.INTEGER, 'modulus').content);
    if (bits < 2048 || bits > 8192) return { error: `an RSA key of ${bits} bits (2048 to 8192 are accepted)` };
    return { kind: 'rsa' };
  }
  if (a.oid === OID.ecPublicKey) {
    const curve = a.params && a.params.tag === TAG.OID ? oid(a.params) : null;
    if (curve === OID.p256) return { kind: 'ec', curve: 'P-256', size: 32 };
    if (curve === OID.p384) return { kind: 'ec', curve: 'P-384', size: 48 };
    return { error: 'an EC key on a curve other than P-256 and P-384' };
  }
  return { error: `a key of algorithm ${a.oid}` };
}

/** The WebCrypto parameters of a signature algorithm (`hash` for rsaEncryption), or a reason it is refused. */
function scheme(alg, hashForRsa) {
  const noParams = !alg.params || alg.params.tag === TAG.NULL;
  switch (alg.oid) {
    case OID.rsaEncryption:
      if (!noParams) return { error: 'rsaEncryption with parameters' };
      if (!hashForRsa) return { error: 'rsaEncryption without a SHA-2 digest algorithm' };
      return { kind: 'rsa', name: 'RSASSA-PKCS1-v1_5', hash: hashForRsa };
    case OID.sha256Rsa: case OID.sha384Rsa: case OID.sha512Rsa:
      if (!noParams) return { error: 'an RSA signature algorithm with parameters other than NULL' };
      return { kind: 'rsa', name: 'RSASSA-PKCS1-v1_5', hash: { [OID.sha256Rsa]: 'SHA-256', [OID.sha384Rsa]: 'SHA-384', [OID.sha512Rsa]: 'SHA-512' }[alg.oid] };
    case OID.ecdsaSha256: case OID.ecdsaSha384: case OID.ecdsaSha512:
      if (alg.params) return { error: 'ECDSA with parameters' };
      return { kind: 'ec', name: 'ECDSA', hash: { [OID.ecdsaSha256]: 'SHA-256', [OID.ecdsaSha384]: 'SHA-384', [OID.ecdsaSha512]: 'SHA-512' }[alg.oid] };
    case OID.rsaPss:
      return pss(alg);
    default:
      return { error: `signature algorithm ${alg.oid} is not accepted (SHA-1 and others are refused)` };
  }
}

/** RSASSA-PSS-params with SHA-2 (RFC 4055): the hash, MGF1 with the same hash, the salt as declared, trailer 1. */
function pss(alg) {
  if (!alg.params || alg.params.tag !== TAG.SEQUENCE) return { error: 'RSASSA-PSS without explicit parameters (the SHA-1 defaults are refused)' };
  const fields = {};
  let last = -1;
  for (const f of alg.params.children) {
    const k = f.tag - 0xa0;
    if (k < 0 || k > 3 || k <= last || f.children.length !== 1) return { error: 'malformed RSASSA-PSS parameters' };
    last = k;
    fields[k] = f.children[0];
  }
  if (!fields[0]) return { error: 'RSASSA-PSS with the SHA-1 default hash' };
  const hashAlg = algorithm(fields[0], 'RSASSA-PSS hashAlgorithm');
  const hash = sha2(hashAlg);
  if (!hash) return { error: 'RSASSA-PSS with a hash other than SHA-256/384/512' };
  if (!fields[1]) return { error: 'RSASSA-PSS with the MGF1-SHA-1 default' };
  const mgf = algorithm(fields[1], 'RSASSA-PSS maskGenAlgorithm');
  if (mgf.oid !== OID.mgf1 || !mgf.params || sha2(algorithm(mgf.params, 'MGF1 hash')) !== hash) return { error: 'RSASSA-PSS whose mask generation is not MGF1 with the same hash' };
  const salt = fields[2] ? integer(fields[2], 'saltLength') : 20n;
  const trailer = fields[3] ? integer(fields[3], 'trailerField') : 1n;
  if (trailer !== 1n) return { error: 'RSASSA-PSS with a trailer field other than 1' };
  if (salt < 0n || salt > 1024n) return { error: 'RSASSA-PSS with an impossible salt length' };
  return { kind: 'rsa', name: 'RSA-PSS', hash, saltLength: Number(salt) };
}

/** ECDSA-Sig-Value (DER) to the fixed-size r ‖ s WebCrypto verifies; null when malformed. */
function ecdsaRaw(sig, size) {
  let r;
  let s;
  try {
    const c = seq(parseDer(sig), 'ECDSA-Sig-Value');
    if (c.length !== 2) return null;
    r = expect(c[0], TAG.INTEGER, 'r').content;
    s = expect(c[1], TAG.INTEGER, 's').content;
  } catch {
    return null;
  }
  const fit = (x) => {
    if (x[0] & 0x80) return null;
    const v = x[0] === 0 ? x.subarray(1) : x;
    if (v.length > size) return null;
    const out = new Uint8Array(size);
    out.set(v, size - v.length);
    return out;
  };
  const a = fit(r);
  const b = fit(s);
  if (!a || !b) return null;
  const out = new Uint8Array(size * 2);
  out.set(a);
  out.set(b, size);
  return out;
}

/**
 * Verifies `signature` over `data` with the key of `cert` and algorithm
 * `alg`. Returns null when it holds, else why not.
 */
export async function verifySignature(cert, alg, hashForRsa, data, signature) {
  let k;
  let sch;
  try {
    k = keyKind(cert);
    sch = scheme(alg, hashForRsa);
  } catch (e) {
    return e.message;
  }
  if (k.error) return k.error;
  if (sch.error) return sch.error;
  if (k.kind !== sch.kind) return `a ${k.kind.toUpperCase()} key with a ${sch.name} signature`;
  let key;
  try {
    key = await crypto.subtle.importKey('spki', cert.spki, sch.kind === 'ec' ? { name: 'ECDSA', namedCurve: k.curve } : { name: sch.name, hash: sch.hash }, false, ['verify']);
  } catch (e) {
    return `the key cannot be used: ${e.message}`;
  }
  let sig = signature;
  let params = { name: sch.name };
  if (sch.kind === 'ec') {
    sig = ecdsaRaw(signature, k.size);
    if (!sig) return 'a malformed ECDSA signature';
    params = { name: 'ECDSA', hash: sch.hash };
  } else if (sch.name === 'RSA-PSS') params = { name: 'RSA-PSS', saltLength: sch.saltLength };
  const ok = await crypto.subtle.verify(params, key, sig, data);
  return ok ? null : 'the signature does not verify';
}

export { readNode };
