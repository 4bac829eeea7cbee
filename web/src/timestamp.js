// RFC 3161 time-stamp tokens over signatures (FORMAT.md §6): each rule of
// §6.2 in its order with its code, the proven time of §6.3, and how verify
// uses a signature's tokens (§6.1): a token that holds under the trust's TSA
// anchors proves a time; one whose only fault is that no anchor vouches for
// its TSA is a warning and proves nothing; any other fault fails.

import { parseDer, seq, oid, integer, octets, expect, generalizedTime, equalBytes, bit, TAG, DerError } from './der.js';
import {
  OID, HASHES, algorithm, sha2, parseCertificate, basicConstraints, keyUsage, subjectKeyIdentifier, subjectAltNames,
  extendedKeyUsage, verifySignature,
} from './pkix.js';
import { readEntry } from './zip.js';
import { formatTime } from './time.js';

const MAX_TOKEN = 256 << 10;
const MAX_CERTIFICATES = 32;
const MAX_PATH = 8;
const ID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const ID_CT_TSTINFO = '1.2.840.113549.1.9.16.1.4';
const ATTR_CONTENT_TYPE = '1.2.840.113549.1.9.3';
const ATTR_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const ATTR_SIGNING_CERT = '1.2.840.113549.1.9.16.2.12';
const ATTR_SIGNING_CERT_V2 = '1.2.840.113549.1.9.16.2.47';
const NS_PER_S = 1_000_000_000n;
const DAY_NS = 86_400n * NS_PER_S;
/** Critical extensions a certificate of the path may carry (extendedKeyUsage on the signing certificate only). */
const KNOWN_CRITICAL = new Set([
  OID.subjectKeyIdentifier, OID.keyUsage, OID.subjectAltName, OID.issuerAltName, OID.basicConstraints,
  OID.crlDistributionPoints, OID.certificatePolicies, OID.authorityKeyIdentifier, OID.authorityInfoAccess,
]);

/** A token refused by one rule of §6.2. */
class Refusal extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}
const refuse = (code, message) => {
  throw new Refusal(code, message);
};

async function digest(name, bytes) {
  return new Uint8Array(await crypto.subtle.digest(name, bytes));
}

/** Steps 1–5: the response taken apart. */
function takeApart(tsr) {
  if (tsr.length > MAX_TOKEN) refuse('timestamp.parse', `${tsr.length} bytes, over 256 KiB`);
  const parse = (f) => {
    try {
      return f();
    } catch (e) {
      if (e instanceof DerError) refuse('timestamp.parse', e.message);
      throw e;
    }
  };
  const resp = parse(() => {
    const top = seq(parseDer(tsr), 'TimeStampResp');
    if (top.length < 1 || top.length > 2) throw new DerError('TimeStampResp: not { PKIStatusInfo, ContentInfo OPTIONAL }');
    const si = seq(top[0], 'PKIStatusInfo');
    let k = 1;
    const strings = [];
    if (si[k]?.tag === TAG.SEQUENCE) {
      for (const s of si[k].children) strings.push(new TextDecoder('utf-8', { ignoreBOM: true }).decode(expect(s, TAG.UTF8, 'statusString').content));
      k++;
    }
    const failInfo = si[k]?.tag === TAG.BIT_STRING ? si[k++] : null;
    if (k !== si.length) throw new DerError('PKIStatusInfo: unexpected elements');
    return { status: integer(si[0], 'status'), strings, failInfo, token: top[1] ?? null };
  });
  if (resp.status !== 0n && resp.status !== 1n) {
    const bits = resp.failInfo ? [...Array(32).keys()].filter((i) => bit(resp.failInfo, i)).join(', ') : '';
    refuse('timestamp.status', `the TSA did not grant it: status ${resp.status}${resp.strings.length ? ` (${resp.strings.join('; ')})` : ''}${bits ? `, failInfo bits ${bits}` : ''}`);
  }
  if (!resp.token) refuse('timestamp.token', 'the response holds no token');
  const ci = parse(() => seq(resp.token, 'ContentInfo'));
  if (parse(() => oid(ci[0], 'contentType')) !== ID_SIGNED_DATA) refuse('timestamp.content-type', 'the token is not a CMS SignedData');
  const sd = parse(() => {
    if (ci.length !== 2 || ci[1].tag !== 0xa0 || ci[1].children.length !== 1) throw new DerError('ContentInfo: not { contentType, [0] content }');
    const c = seq(ci[1].children[0], 'SignedData');
    let k = 0;
    integer(c[k++], 'SignedData.version');
    expect(c[k++], TAG.SET, 'digestAlgorithms');
    const encap = seq(c[k++], 'encapContentInfo');
    let certificates = [];
    if (c[k]?.tag === 0xa0) certificates = c[k++].children;
    if (c[k]?.tag === 0xa1) k++;
    const signerInfos = seq(c[k++], 'signerInfos', TAG.SET);
    if (k !== c.length) throw new DerError('SignedData: not { version, digestAlgorithms, encapContentInfo, [0] certificates, [1] crls, signerInfos }');
    if (certificates.length > MAX_CERTIFICATES) throw new DerError(`${certificates.length} certificates, over ${MAX_CERTIFICATES}`);
    if (signerInfos.length > MAX_CERTIFICATES) throw new DerError(`${signerInfos.length} SignerInfos, over ${MAX_CERTIFICATES}`);
    const eContentType = oid(encap[0], 'eContentType');
    if (encap.length !== 2 || encap[1].tag !== 0xa0 || encap[1].children.length !== 1) throw new DerError('the eContent is missing');
    const eContent = octets(encap[1].children[0], 'eContent');
    return { eContentType, eContent, certificates, signerInfos };
  });
  if (sd.eContentType !== ID_CT_TSTINFO) refuse('timestamp.content-type', `the eContentType is ${sd.eContentType}, not id-ct-TSTInfo`);
  const tst = parse(() => tstInfo(sd.eContent));
  const certificates = parse(() => sd.certificates.filter((n) => n.tag === TAG.SEQUENCE).map((n) => parseCertificate(n.raw)));
  if (sd.signerInfos.length !== 1) refuse('timestamp.signer-count', `${sd.signerInfos.length} SignerInfos, not exactly one`);
  const signer = parse(() => signerInfo(sd.signerInfos[0]));
  return { sd, tst, certificates, signer };
}

function tstInfo(bytes) {
  const c = seq(parseDer(bytes), 'TSTInfo');
  let k = 0;
  const version = integer(c[k++], 'TSTInfo.version');
  oid(c[k++], 'policy');
  const mi = seq(c[k++], 'messageImprint');
  if (mi.length !== 2) throw new DerError('messageImprint: not two elements');
  const imprint = { alg: algorithm(mi[0], 'hashAlgorithm'), hash: octets(mi[1], 'hashedMessage') };
  integer(c[k++], 'serialNumber');
  const genTime = generalizedTime(c[k++], 'genTime');
  let accuracy = null;
  if (c[k]?.tag === TAG.SEQUENCE) {
    accuracy = {};
    let last = -1;
    for (const a of c[k].children) {
      const which = a.tag === TAG.INTEGER ? 0 : a.tag === 0x80 ? 1 : a.tag === 0x81 ? 2 : -1;
      if (which <= last) throw new DerError('accuracy: unexpected elements');
      last = which;
      const v = integer({ ...a, tag: TAG.INTEGER }, 'accuracy');
      accuracy[['seconds', 'millis', 'micros'][which]] = v;
    }
    k++;
  }
  if (c[k]?.tag === TAG.BOOLEAN) k++;
  let nonce = null;
  if (c[k]?.tag === TAG.INTEGER) nonce = integer(c[k++], 'nonce');
  let tsa = null;
  if (c[k]?.tag === 0xa0) {
    if (c[k].children.length !== 1) throw new DerError('tsa: not one GeneralName');
    tsa = c[k++].children[0];
  }
  const extensions = [];
  if (c[k]?.tag === 0xa1) {
    for (const e of c[k++].children) {
      const x = seq(e, 'Extension');
      extensions.push({ id: oid(x[0], 'extnID'), critical: x[1]?.tag === TAG.BOOLEAN && x[1].content[0] === 0xff });
    }
  }
  if (k !== c.length) throw new DerError('TSTInfo: unexpected elements');
  return { version, imprint, genTime, accuracy, nonce, tsa, extensions };
}

function signerInfo(n) {
  const c = seq(n, 'SignerInfo');
  let k = 0;
  integer(c[k++], 'SignerInfo.version');
  const sidNode = c[k++];
  let sid;
  if (sidNode?.tag === TAG.SEQUENCE) {
    const [issuer, serial, ...more] = sidNode.children;
    if (more.length || !serial) throw new DerError('issuerAndSerialNumber: not two elements');
    sid = { issuer: expect(issuer, TAG.SEQUENCE, 'issuer').raw, serial: expect(serial, TAG.INTEGER, 'serialNumber').raw };
  } else if (sidNode?.tag === 0x80) sid = { keyId: sidNode.content };
  else throw new DerError('SignerInfo: a sid that is neither issuerAndSerialNumber nor subjectKeyIdentifier');
  const digestAlg = algorithm(c[k++], 'digestAlgorithm');
  let signedAttrs = null;
  if (c[k]?.tag === 0xa0) signedAttrs = c[k++];
  const signatureAlg = algorithm(c[k++], 'signatureAlgorithm');
  const signature = octets(c[k++], 'signature');
  if (c[k]?.tag === 0xa1) k++;
  if (k !== c.length) throw new DerError('SignerInfo: unexpected elements');
  return { sid, digestAlg, signedAttrs, signatureAlg, signature };
}

/** Step 6: the signed attributes, each of ours at most once with one value. */
function attributes(signer) {
  if (!signer.signedAttrs) refuse('timestamp.signed-attributes', 'no signed attributes');
  const attrs = new Map();
  for (const a of signer.signedAttrs.children) {
    let type;
    let values;
    try {
      const c = seq(a, 'Attribute');
      type = oid(c[0], 'attrType');
      values = seq(c[1], 'attrValues', TAG.SET);
      if (c.length !== 2) throw new DerError('Attribute: not two elements');
    } catch (e) {
      if (e instanceof DerError) refuse('timestamp.signed-attributes', e.message);
      throw e;
    }
    const ours = [ATTR_CONTENT_TYPE, ATTR_MESSAGE_DIGEST, ATTR_SIGNING_CERT, ATTR_SIGNING_CERT_V2].includes(type);
    if (ours && (attrs.has(type) || values.length !== 1)) refuse('timestamp.signed-attributes', `attribute ${type} appears more than once or without exactly one value`);
    attrs.set(type, values[0]);
  }
  const ct = attrs.get(ATTR_CONTENT_TYPE);
  if (!ct || ct.tag !== TAG.OID || oid(ct) !== ID_CT_TSTINFO) refuse('timestamp.signed-attributes', 'no content-type attribute of id-ct-TSTInfo');
  const md = attrs.get(ATTR_MESSAGE_DIGEST);
  if (!md || md.tag !== TAG.OCTET_STRING) refuse('timestamp.signed-attributes', 'no message-digest attribute holding an OCTET STRING');
  return attrs;
}

/** The first ESSCertID(v2) of a signingCertificate(V2) attribute: `{ hash, certHash, issuerSerial }`. */
function essCertId(value, v2) {
  const certs = seq(seq(value, 'SigningCertificate')[0], 'certs');
  if (!certs.length) throw new DerError('no ESSCertID');
  const c = seq(certs[0], 'ESSCertID');
  let k = 0;
  let hash = 'SHA-1';
  if (v2) {
    hash = 'SHA-256';
    if (c[k]?.tag === TAG.SEQUENCE) {
      const alg = algorithm(c[k++], 'ESSCertIDv2.hashAlgorithm');
      hash = HASHES[alg.oid];
      if (!hash || (alg.params && alg.params.tag !== TAG.NULL)) throw new DerError(`ESSCertIDv2 hash ${alg.oid} is not SHA-1, -256, -384 or -512`);
    }
  }
  const certHash = octets(c[k++], 'certHash');
  const issuerSerial = c[k] ? seq(c[k++], 'issuerSerial') : null;
  if (k !== c.length) throw new DerError('ESSCertID: unexpected elements');
  return { hash, certHash, issuerSerial };
}

/** Steps 14–17 share the path: from the signing certificate to an anchor. */
async function buildPath(signing, certificates, anchors) {
  const path = [signing];
  let anchor = null;
  for (;;) {
    const current = path[path.length - 1];
    const a = anchors.find((x) => x.cert && equalBytes(x.der, current.der));
    if (a) {
      anchor = a;
      break;
    }
    if (path.length >= MAX_PATH) return { path, anchor, error: `no anchor within ${MAX_PATH} certificates` };
    const candidates = [...anchors.filter((x) => x.cert).map((x) => ({ cert: x.cert, anchor: x })), ...certificates.map((c) => ({ cert: c, anchor: null }))];
    let next = null;
    const why = [];
    for (const cand of candidates) {
      const c = cand.cert;
      if (!equalBytes(c.subject, current.issuer) || path.some((p) => equalBytes(p.der, c.der))) continue;
      const bc = basicConstraints(c);
      if (!bc || !bc.ca) { why.push('an issuer that is not a CA'); continue; }
      const under = path.length - 1;
      if (bc.pathLen !== null && bc.pathLen < BigInt(under)) { why.push('an issuer whose pathLenConstraint is exceeded'); continue; }
      const ku = keyUsage(c);
      if (ku && !bit(ku, 5)) { why.push('an issuer without keyCertSign'); continue; }
      if (!equalBytes(current.innerAlgRaw, current.sigAlg.raw)) { why.push('a certificate whose two signature algorithm fields differ'); continue; }
      const bad = await verifySignature(c, current.sigAlg, null, current.tbsRaw, current.signature);
      if (bad) { why.push(`an issuer whose key does not verify the certificate: ${bad}`); continue; }
      next = cand;
      break;
    }
    if (!next) return { path, anchor, error: why.length ? `no issuer: ${why.join('; ')}` : 'no anchor issued the signing certificate' };
    path.push(next.cert);
    if (next.anchor) {
      anchor = next.anchor;
      break;
    }
  }
  return { path, anchor, error: null };
}

/**
 * Checks one token (§6.2) over `stamped` with `anchors` ([{ name, der,
 * validFrom, validUntil }], seconds). Returns `{ genTime, latest, tsa,
 * anchor }` (times in nanoseconds) or throws a Refusal.
 */
export async function verifyToken(tsr, stamped, anchors) {
  try {
    return await verifyTokenRules(tsr, stamped, anchors);
  } catch (e) {
    if (e instanceof DerError) throw new Refusal('timestamp.parse', e.message);
    throw e;
  }
}

async function verifyTokenRules(tsr, stamped, anchors) {
  const { sd, tst, certificates, signer } = takeApart(tsr);
  const attrs = attributes(signer);
  const mdHash = sha2(signer.digestAlg);
  if (!mdHash) refuse('timestamp.message-digest', `the SignerInfo's digest algorithm ${signer.digestAlg.oid} is not SHA-256, SHA-384 or SHA-512`);
  if (!equalBytes(attrs.get(ATTR_MESSAGE_DIGEST).content, await digest(mdHash, sd.eContent))) refuse('timestamp.message-digest', `the message-digest attribute is not the ${mdHash} of the TSTInfo`);
  const signing = certificates.find((c) => (signer.sid.keyId ? (() => {
    const ski = subjectKeyIdentifier(c);
    return ski && equalBytes(ski, signer.sid.keyId);
  })() : equalBytes(c.issuer, signer.sid.issuer) && equalBytes(c.serial, signer.sid.serial)));
  if (!signing) refuse('timestamp.signing-certificate', 'none of the token\'s certificates is the one its SignerInfo names');
  const signedBytes = Uint8Array.from(signer.signedAttrs.raw);
  signedBytes[0] = 0x31;
  const bad = await verifySignature(signing, signer.signatureAlg, mdHash, signedBytes, signer.signature);
  if (bad) refuse('timestamp.signature', `the TSA's signature: ${bad}`);
  const v1 = attrs.get(ATTR_SIGNING_CERT);
  const v2 = attrs.get(ATTR_SIGNING_CERT_V2);
  if (!v1 && !v2) refuse('timestamp.signing-certificate', 'no SigningCertificate or SigningCertificateV2 attribute');
  for (const [value, isV2] of [[v1, false], [v2, true]]) {
    if (!value) continue;
    let id;
    try {
      id = essCertId(value, isV2);
    } catch (e) {
      if (e instanceof DerError) refuse('timestamp.signing-certificate', e.message);
      throw e;
    }
    if (!equalBytes(id.certHash, await digest(id.hash, signing.der))) refuse('timestamp.signing-certificate', `the ESSCertID${isV2 ? 'v2' : ''} hash is not that of the signing certificate`);
    if (id.issuerSerial) {
      const [names, serial] = id.issuerSerial;
      const dir = (names?.children ?? []).filter((g) => g.tag === 0xa4).map((g) => g.children[0]?.raw);
      if (!serial || !equalBytes(serial.raw, signing.serial) || !dir.some((d) => d && equalBytes(d, signing.issuer))) {
        refuse('timestamp.signing-certificate', "the ESSCertID's issuerSerial is not the signing certificate's issuer and serial number");
      }
    }
  }
  const eku = extendedKeyUsage(signing);
  if (!eku || !eku.critical || eku.purposes.length !== 1 || eku.purposes[0] !== OID.timeStamping) {
    refuse('timestamp.eku', 'the signing certificate\'s extendedKeyUsage is not critical and exactly { timeStamping }');
  }
  const ku = keyUsage(signing);
  if (ku && !bit(ku, 0) && !bit(ku, 1)) refuse('timestamp.key-usage', 'the signing certificate\'s keyUsage has neither digitalSignature nor nonRepudiation');
  if (tst.tsa) {
    const asSubject = tst.tsa.tag === 0xa4 && tst.tsa.children?.length === 1 && equalBytes(tst.tsa.children[0].raw, signing.subject);
    if (!asSubject && !subjectAltNames(signing).some((n) => equalBytes(n, tst.tsa.raw))) refuse('timestamp.tsa-name', 'the TSTInfo\'s tsa name is neither the certificate\'s subject nor one of its subjectAltNames');
  }
  const chain = await buildPath(signing, certificates, anchors);
  for (const [i, c] of chain.path.entries()) {
    for (const e of c.extensions) {
      if (e.critical && !KNOWN_CRITICAL.has(e.id) && !(i === 0 && e.id === OID.extKeyUsage)) refuse('timestamp.critical-extension', `a certificate of the path has the unknown critical extension ${e.id}`);
    }
  }
  if (chain.error) {
    const broken = anchors.filter((a) => !a.cert).map((a) => `the anchor ${a.name} is not a certificate`);
    refuse('timestamp.chain', [chain.error, ...broken].join('; '));
  }
  for (const c of chain.path) {
    if (tst.genTime < c.notBefore * 1n || tst.genTime > c.notAfter) refuse('timestamp.certificate-validity', `genTime is outside a certificate's validity (${formatTime(Number(c.notBefore / NS_PER_S))} to ${formatTime(Number(c.notAfter / NS_PER_S))})`);
  }
  const a = chain.anchor;
  if ((a.validFrom !== null && BigInt(a.validFrom) * NS_PER_S > tst.genTime) || (a.validUntil !== null && tst.genTime > BigInt(a.validUntil) * NS_PER_S)) {
    refuse('timestamp.anchor-validity', `genTime is outside the trust's window for ${a.name}`);
  }
  if (tst.version !== 1n) refuse('timestamp.version', `TSTInfo version ${tst.version}, not 1`);
  const imprintHash = sha2(tst.imprint.alg);
  if (!imprintHash) refuse('timestamp.imprint-algorithm', `the imprint's hash ${tst.imprint.alg.oid} is not SHA-256, SHA-384 or SHA-512`);
  if (!equalBytes(tst.imprint.hash, await digest(imprintHash, stamped))) refuse('timestamp.imprint', 'the token is over other bytes than this signature');
  if (tst.extensions.some((e) => e.critical)) refuse('timestamp.critical-extension', 'the TSTInfo has a critical extension');
  let accuracy = 0n;
  if (tst.accuracy) {
    const { seconds = 0n, millis, micros } = tst.accuracy;
    if (seconds < 0n || (millis !== undefined && (millis < 1n || millis > 999n)) || (micros !== undefined && (micros < 1n || micros > 999n))) refuse('timestamp.accuracy', 'an accuracy out of its ranges');
    accuracy = seconds * NS_PER_S + (millis ?? 0n) * 1_000_000n + (micros ?? 0n) * 1000n;
    if (accuracy > DAY_NS) refuse('timestamp.accuracy', 'an accuracy of more than one day');
  }
  return { genTime: tst.genTime, latest: tst.genTime + accuracy, tsa: subjectText(signing), anchor: a.name };
}

/** The anchors as certificates (an anchor that is not one is kept, and refused by timestamp.chain). */
function withCertificates(anchors) {
  return anchors.map((a) => {
    try {
      return { ...a, cert: parseCertificate(a.der) };
    } catch {
      return { ...a, cert: null };
    }
  });
}

/** A Name's common name, for messages. */
function subjectText(cert) {
  const m = /\x06\x03\x55\x04\x03[\x0c\x13\x14\x16]([\s\S])/.exec(String.fromCharCode(...cert.subject));
  if (!m) return 'the TSA';
  const at = m.index + m[0].length;
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(cert.subject.subarray(at, at + m[1].charCodeAt(0)));
}

/** The signing certificate of a token, as an anchor of its own (the check of "only the TSA is not vouched for"). */
function ownAnchor(tsr) {
  try {
    const { certificates, signer } = takeApart(tsr);
    const c = certificates.find((x) => (signer.sid.keyId ? equalBytes(subjectKeyIdentifier(x) ?? new Uint8Array(), signer.sid.keyId) : equalBytes(x.issuer, signer.sid.issuer) && equalBytes(x.serial, signer.sid.serial)));
    return c ? [{ name: 'its own signing certificate', der: c.der, cert: c, validFrom: null, validUntil: null }] : null;
  } catch {
    return null;
  }
}

/**
 * The tokens of one signature (§6.1): reports `signature.timestamp` (pass or
 * warn) or the failing rule's code for each, and returns the proven time
 * `{ time (seconds), by }` — the earliest `latest` of those that hold — or null.
 */
export async function checkTokens(bag, tokens, signature, anchors, subject, checks, limit) {
  const certified = withCertificates(anchors);
  let proven = null;
  for (const t of tokens) {
    const entry = bag.byPath.get(t.path);
    let tsr;
    try {
      tsr = await readEntry(bag.blob, entry, limit);
      bag.read.add(t.path);
    } catch (e) {
      if (entry.size > limit) checks.fail('timestamp.parse', subject, `${t.name}: ${entry.size} bytes, over 256 KiB`);
      else bag.failed(t.path, e);
      continue;
    }
    try {
      const ok = await verifyToken(tsr, signature, certified);
      const latest = Number(ok.latest / NS_PER_S);
      const by = `a time-stamp by ${ok.tsa} (${ok.anchor})`;
      checks.pass('signature.timestamp', subject, `${t.name}: the signature existed by ${formatTime(latest)}, proven by ${by}`);
      if (!proven || latest < proven.time) proven = { time: latest, by };
    } catch (e) {
      if (!(e instanceof Refusal)) throw e;
      const own = ownAnchor(tsr);
      let failure = e;
      if (own) {
        try {
          const ok = await verifyToken(tsr, signature, own);
          checks.warn('signature.timestamp', subject, `${t.name}: a genuine token from ${ok.tsa} at ${formatTime(Number(ok.genTime / NS_PER_S))}, but the trust used does not vouch for its TSA, so it proves nothing here`);
          continue;
        } catch (e2) {
          if (!(e2 instanceof Refusal)) throw e2;
          if (['timestamp.chain', 'timestamp.certificate-validity', 'timestamp.anchor-validity', 'timestamp.critical-extension'].includes(e.code)) failure = e2;
        }
      }
      checks.fail(failure.code, subject, `${t.name}: ${failure.message}`);
    }
  }
  return proven;
}
