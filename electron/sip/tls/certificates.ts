// X.509 certificates for the TLS layer: import a PKCS#12 bundle, inspect a certificate, create one.
//
// Why both node-forge and node:crypto: forge reads PKCS#12 and builds/signs certificates (node:crypto can do
// neither), but forge's certificate parser only understands RSA public keys. Inspection therefore goes through
// node:crypto's X509Certificate (OpenSSL, any key type), and key generation uses node:crypto too (OpenSSL RSA
// key generation is ~100x faster than forge's pure-JS one).
//
// Federation profile (protocol.md §2.1 items 4-5): an edge certificate carries EKU serverAuth + clientAuth and
// names the domain in the CN and in SAN dNSName; a peer is matched on SAN (dNSName or URI sip:domain), falling back
// to CN only when there is no SAN (RFC 5922 §7.1). The helpers here produce and expose exactly those fields.
import { X509Certificate, createHash, createPrivateKey, createPublicKey, generateKeyPair, randomBytes, sign } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';

/** Why a certificate operation failed; `code` lets the UI pick a message without parsing text. */
export type CertificateErrorCode =
  | 'wrong-passphrase'
  | 'corrupt-pkcs12'
  | 'unsupported-pkcs12'
  | 'no-private-key'
  | 'no-certificate'
  | 'key-mismatch'
  | 'bad-certificate'
  | 'bad-key'
  | 'invalid-options';

export class CertificateError extends Error {
  override readonly name = 'CertificateError';
  constructor(
    readonly code: CertificateErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** One relative distinguished name attribute, in certificate order (e.g. { type: 'CN', value: 'alpha.test' }). */
export interface NameAttribute {
  readonly type: string;
  readonly value: string;
}

export interface SubjectAltNames {
  readonly dns: readonly string[];
  readonly uri: readonly string[];
  readonly ip: readonly string[];
  readonly email: readonly string[];
}

/** The EKU purposes with a name (RFC 5280 §4.2.1.12); other purposes are reported by OID. */
export type ExtendedKeyUsage = 'serverAuth' | 'clientAuth' | 'codeSigning' | 'emailProtection' | 'timeStamping' | 'OCSPSigning';

export interface CertificateInfo {
  readonly subject: readonly NameAttribute[];
  readonly issuer: readonly NameAttribute[];
  /** Last CN of the subject, if any: the fallback identity of RFC 5922 §7.1. */
  readonly commonName: string | undefined;
  readonly subjectAltNames: SubjectAltNames;
  /** Named purposes plus any unnamed ones as dotted OIDs; empty when the extension is absent (= any purpose). */
  readonly extendedKeyUsage: readonly string[];
  readonly isCertificateAuthority: boolean;
  /** Upper-case hex, colon separated, over the DER encoding. */
  readonly fingerprintSha256: string;
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Subject and issuer are the same name (self-issued; for a root CA also self-signed). */
  readonly selfIssued: boolean;
  readonly pem: string;
}

const EKU_OIDS: Record<string, ExtendedKeyUsage> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
};

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Splits PEM text into its certificates (in file order). Text outside the blocks is ignored. */
export function splitPemCertificates(pem: string): string[] {
  return [...pem.matchAll(PEM_CERT)].map((m) => `${m[0]}\n`);
}

function derToPem(der: Buffer): string {
  const b64 = der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

/** Accepts one certificate as PEM text, a Buffer holding PEM, or DER bytes. */
function toX509(input: string | Uint8Array): X509Certificate {
  try {
    if (typeof input === 'string') {
      const first = splitPemCertificates(input)[0];
      if (!first) throw new Error('no PEM CERTIFICATE block');
      return new X509Certificate(first);
    }
    const buf = Buffer.from(input);
    const text = buf.subarray(0, 64).toString('latin1');
    if (text.includes('-----BEGIN')) return toX509(buf.toString('utf8'));
    return new X509Certificate(buf);
  } catch (err) {
    if (err instanceof CertificateError) throw err;
    throw new CertificateError('bad-certificate', `Not a readable X.509 certificate: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * OpenSSL prints names one attribute per line ("O=SIP testbed\nCN=alpha.test"), with values that contain
 * newlines or leading specials escaped by a backslash. Splitting on unescaped newlines keeps such values whole.
 */
function parseName(text: string): NameAttribute[] {
  const out: NameAttribute[] = [];
  for (const line of text.split(/(?<!\\)\n/)) {
    if (!line) continue;
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    out.push({ type: line.slice(0, eq), value: line.slice(eq + 1).replace(/\\(.)/g, '$1') });
  }
  return out;
}

/**
 * Node (>= 17.3.1, CVE-2021-44532) prints SAN entries as `DNS:a, IP Address:1.2.3.4, URI:sip:x`, quoting any
 * value containing ',' or '"' as a JSON string. We split on ", " outside quotes and unquote.
 */
function parseSubjectAltNames(text: string | undefined): SubjectAltNames {
  const dns: string[] = [];
  const uri: string[] = [];
  const ip: string[] = [];
  const email: string[] = [];
  if (!text) return { dns, uri, ip, email };
  const entries: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' && text[i - 1] !== '\\') quoted = !quoted;
    if (!quoted && c === ',' && text[i + 1] === ' ') {
      entries.push(cur);
      cur = '';
      i++;
      continue;
    }
    cur += c;
  }
  if (cur) entries.push(cur);
  for (const entry of entries) {
    const colon = entry.indexOf(':');
    if (colon < 0) continue;
    const kind = entry.slice(0, colon);
    let value = entry.slice(colon + 1);
    if (value.startsWith('"')) value = JSON.parse(value) as string;
    if (kind === 'DNS') dns.push(value);
    else if (kind === 'URI') uri.push(value);
    else if (kind === 'IP Address') ip.push(value);
    else if (kind === 'email') email.push(value);
  }
  return { dns, uri, ip, email };
}

function colonHex(buf: Buffer): string {
  return buf.toString('hex').toUpperCase().replace(/(..)(?!$)/g, '$1:');
}

/** Reads one certificate (PEM or DER) and returns the fields the TLS layer and the UI need. */
export function inspectCertificate(input: string | Uint8Array): CertificateInfo {
  const x = toX509(input);
  const subject = parseName(x.subject);
  const issuer = parseName(x.issuer);
  const cns = subject.filter((a) => a.type === 'CN');
  return {
    subject,
    issuer,
    commonName: cns[cns.length - 1]?.value,
    subjectAltNames: parseSubjectAltNames(x.subjectAltName),
    // X509Certificate.keyUsage is (despite its name) the *extended* key usage OID list, undefined when absent.
    extendedKeyUsage: (x.keyUsage ?? []).map((oid) => EKU_OIDS[oid] ?? oid),
    isCertificateAuthority: x.ca,
    fingerprintSha256: colonHex(createHash('sha256').update(x.raw).digest()),
    serialNumber: x.serialNumber.toUpperCase(),
    notBefore: new Date(x.validFrom),
    notAfter: new Date(x.validTo),
    selfIssued: x.subject === x.issuer,
    pem: derToPem(x.raw),
  };
}

/** Inspects every certificate of a PEM bundle (a chain or a CA list), in file order. */
export function inspectCertificates(pem: string): CertificateInfo[] {
  const blocks = splitPemCertificates(pem);
  if (blocks.length === 0) throw new CertificateError('bad-certificate', 'No PEM CERTIFICATE block found');
  return blocks.map((b) => inspectCertificate(b));
}

/** Whether `at` lies within the certificate's validity period (RFC 5280 §4.1.2.5). */
export function isWithinValidity(info: CertificateInfo, at: Date = new Date()): boolean {
  return at.getTime() >= info.notBefore.getTime() && at.getTime() <= info.notAfter.getTime();
}

// ---------------------------------------------------------------------------------------------------------------
// PKCS#12

export interface ImportedIdentity {
  /** PKCS#8 PEM ("BEGIN PRIVATE KEY"), unencrypted: hand it to node:tls and keep it in the secret store. */
  readonly privateKeyPem: string;
  /** The certificate whose public key matches the private key. */
  readonly certificatePem: string;
  /** The other certificates of the bundle (intermediates, maybe the root), leaf's issuer first when known. */
  readonly chainPem: readonly string[];
  readonly certificate: CertificateInfo;
}

/** SubjectPublicKeyInfo DER of a certificate or of a private key's public half, to pair key and certificate. */
function spkiOf(source: { certPem: string } | { keyPem: string }): Buffer {
  const pub = 'certPem' in source ? new X509Certificate(source.certPem).publicKey : createPublicKey(source.keyPem);
  return pub.export({ type: 'spki', format: 'der' });
}

/**
 * Opens a PKCS#12 (.p12/.pfx) bundle (RFC 7292). The MAC is checked first, so a wrong passphrase is reported as
 * such rather than as a decryption failure. The leaf is the certificate matching the private key; the others
 * form the chain.
 */
export function importPkcs12(data: Uint8Array, passphrase: string): ImportedIdentity {
  let asn1: forge.asn1.Asn1;
  try {
    asn1 = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(data).toString('binary')));
  } catch (err) {
    throw new CertificateError('corrupt-pkcs12', 'The file is not a PKCS#12 bundle (it is not valid DER).', { cause: err });
  }
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, passphrase);
  } catch (err) {
    const msg = (err as Error).message ?? String(err);
    if (/MAC could not be verified|Invalid password/i.test(msg)) {
      throw new CertificateError('wrong-passphrase', 'Wrong passphrase for this PKCS#12 file.', { cause: err });
    }
    if (/Unsupported|not supported|unknown/i.test(msg)) {
      throw new CertificateError('unsupported-pkcs12', `This PKCS#12 file uses an unsupported algorithm: ${msg}`, { cause: err });
    }
    // Without a MAC, a wrong passphrase shows up as garbage after decryption, i.e. as a parse failure.
    throw new CertificateError('corrupt-pkcs12', `The PKCS#12 file could not be read (damaged, or wrong passphrase): ${msg}`, {
      cause: err,
    });
  }

  const oids = forge.pki.oids as Record<string, string>;
  const bagsOf = (type: string) => p12.getBags({ bagType: type })[type] ?? [];
  const keyBags = [...bagsOf(oids.pkcs8ShroudedKeyBag as string), ...bagsOf(oids.keyBag as string)];
  const certBags = bagsOf(oids.certBag as string);
  const keyBag = keyBags[0];
  if (!keyBag) throw new CertificateError('no-private-key', 'The PKCS#12 file contains no private key.');
  let privateKeyPem: string;
  try {
    if (keyBag.key) {
      privateKeyPem = forge.pki.privateKeyInfoToPem(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(keyBag.key)));
    } else if (keyBag.asn1) {
      // Non-RSA key (EC, Ed25519): forge keeps the PrivateKeyInfo ASN.1, which is already PKCS#8.
      privateKeyPem = forge.pki.privateKeyInfoToPem(keyBag.asn1);
    } else {
      throw new Error('empty key bag');
    }
    createPrivateKey(privateKeyPem);
  } catch (err) {
    throw new CertificateError('bad-key', `The private key in the PKCS#12 file could not be read: ${(err as Error).message}`, {
      cause: err,
    });
  }

  const certPems: string[] = [];
  for (const bag of certBags) {
    if (bag.cert) certPems.push(forge.pki.certificateToPem(bag.cert));
    else if (bag.asn1) certPems.push(derToPem(Buffer.from(forge.asn1.toDer(bag.asn1).getBytes(), 'binary')));
  }
  if (certPems.length === 0) throw new CertificateError('no-certificate', 'The PKCS#12 file contains no certificate.');

  const keySpki = spkiOf({ keyPem: privateKeyPem });
  const leafIndex = certPems.findIndex((pem) => spkiOf({ certPem: pem }).equals(keySpki));
  if (leafIndex < 0) {
    throw new CertificateError('key-mismatch', 'No certificate in the PKCS#12 file matches its private key.');
  }
  const leafPem = certPems[leafIndex] as string;
  const leaf = inspectCertificate(leafPem);
  const others = certPems.filter((_, i) => i !== leafIndex);
  // Order the chain leaf-issuer first: repeatedly take the certificate whose subject is the last issuer.
  const chain: string[] = [];
  let issuer = new X509Certificate(leafPem).issuer;
  const pool = [...others];
  while (pool.length > 0) {
    const next = pool.findIndex((pem) => new X509Certificate(pem).subject === issuer);
    if (next < 0) break;
    const [pem] = pool.splice(next, 1) as [string];
    chain.push(pem);
    const x = new X509Certificate(pem);
    if (x.subject === x.issuer) break;
    issuer = x.issuer;
  }
  chain.push(...pool);
  return { privateKeyPem, certificatePem: leaf.pem, chainPem: chain, certificate: leaf };
}

/** Packs a key and its chain into a PKCS#12 bundle (3DES, as most importers accept). Mainly for export and tests. */
export function exportPkcs12(opts: {
  privateKeyPem: string;
  certificatePem: string;
  chainPem?: readonly string[];
  passphrase: string;
  friendlyName?: string;
}): Buffer {
  const key = forge.pki.privateKeyFromPem(opts.privateKeyPem);
  const certs = [opts.certificatePem, ...(opts.chainPem ?? [])].map((p) => forge.pki.certificateFromPem(p));
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, certs, opts.passphrase, {
    algorithm: '3des',
    ...(opts.friendlyName ? { friendlyName: opts.friendlyName } : {}),
  });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

// ---------------------------------------------------------------------------------------------------------------
// Creation

export interface DistinguishedNameInput {
  readonly commonName: string;
  readonly organization?: string;
  readonly organizationalUnit?: string;
  readonly country?: string;
}

export interface CreatedCertificate {
  readonly certificatePem: string;
  /** PKCS#8 PEM, unencrypted. */
  readonly privateKeyPem: string;
}

export interface CertificateOptions {
  readonly subject: DistinguishedNameInput;
  /** dNSName entries (RFC 5280 §4.2.1.6). */
  readonly dns?: readonly string[];
  /** URI entries, e.g. 'sip:alpha.test' (RFC 5922 §7.1). */
  readonly uri?: readonly string[];
  /** iPAddress entries, IPv4 or IPv6 text. */
  readonly ip?: readonly string[];
  /** Defaults to ['serverAuth', 'clientAuth'] (protocol.md §2.1 item 4). Pass [] to omit the extension. */
  readonly extendedKeyUsage?: readonly ExtendedKeyUsage[];
  /** Default: now minus one hour (tolerates small clock skew between hosts). */
  readonly notBefore?: Date;
  /** Default: notBefore plus `validDays`. */
  readonly notAfter?: Date;
  /** Default 825 (leaf) or 3650 (CA). */
  readonly validDays?: number;
  /** RSA modulus length; default 2048. */
  readonly keyBits?: number;
}

export interface CaOptions extends Omit<CertificateOptions, 'extendedKeyUsage' | 'dns' | 'uri' | 'ip'> {
  /** Sub-CAs below this one allowed (RFC 5280 §4.2.1.9); undefined = no limit. */
  readonly pathLength?: number;
}

function generateRsaKey(bits: number): Promise<string> {
  return new Promise((resolve, reject) => {
    generateKeyPair(
      'rsa',
      { modulusLength: bits, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } },
      (err, _pub, priv) => (err ? reject(err) : resolve(priv)),
    );
  });
}

function forgeName(dn: DistinguishedNameInput): forge.pki.CertificateField[] {
  const attrs: forge.pki.CertificateField[] = [];
  if (dn.country) attrs.push({ shortName: 'C', value: dn.country });
  if (dn.organization) attrs.push({ shortName: 'O', value: dn.organization });
  if (dn.organizationalUnit) attrs.push({ shortName: 'OU', value: dn.organizationalUnit });
  attrs.push({ shortName: 'CN', value: dn.commonName });
  return attrs;
}

/** RFC 5280 §4.1.2.2: a positive integer of at most 20 octets; 16 random bytes with the top bit cleared. */
function randomSerial(): string {
  const b = randomBytes(16);
  b[0] = (b[0] as number) & 0x7f | 0x01;
  return b.toString('hex');
}

function validity(opts: { notBefore?: Date; notAfter?: Date; validDays?: number }, defaultDays: number) {
  const notBefore = opts.notBefore ?? new Date(Date.now() - 3600_000);
  const notAfter = opts.notAfter ?? new Date(notBefore.getTime() + (opts.validDays ?? defaultDays) * 86400_000);
  if (notAfter.getTime() <= notBefore.getTime()) {
    throw new CertificateError('invalid-options', 'notAfter must be later than notBefore');
  }
  return { notBefore, notAfter };
}

function altNames(opts: CertificateOptions): object[] {
  const names: object[] = [];
  for (const d of opts.dns ?? []) names.push({ type: 2, value: d });
  for (const u of opts.uri ?? []) names.push({ type: 6, value: u });
  for (const ip of opts.ip ?? []) {
    if (isIP(ip) === 0) throw new CertificateError('invalid-options', `Not an IP address: ${ip}`);
    names.push({ type: 7, ip });
  }
  return names;
}

/** forge exports getTBSCertificate at runtime (lib/x509.js) but its typings omit it. */
interface ForgeTbs {
  getTBSCertificate(cert: forge.pki.Certificate): forge.asn1.Asn1;
}

async function build(
  opts: CertificateOptions & { pathLength?: number },
  role: { ca: boolean; issuer?: CreatedCertificate },
): Promise<CreatedCertificate> {
  const privateKeyPem = await generateRsaKey(opts.keyBits ?? 2048);
  const key = forge.pki.privateKeyFromPem(privateKeyPem);
  const publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = randomSerial();
  const { notBefore, notAfter } = validity(opts, role.ca ? 3650 : 825);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  cert.setSubject(forgeName(opts.subject));

  let signingKeyPem = privateKeyPem;
  const extensions: object[] = [];
  if (role.ca) {
    extensions.push({
      name: 'basicConstraints',
      cA: true,
      critical: true,
      ...(opts.pathLength !== undefined ? { pathLenConstraint: opts.pathLength } : {}),
    });
    extensions.push({ name: 'keyUsage', critical: true, keyCertSign: true, cRLSign: true });
  } else {
    extensions.push({ name: 'basicConstraints', cA: false, critical: true });
    extensions.push({ name: 'keyUsage', critical: true, digitalSignature: true, keyEncipherment: true });
    const eku = opts.extendedKeyUsage ?? ['serverAuth', 'clientAuth'];
    if (eku.length > 0) {
      extensions.push({ name: 'extKeyUsage', ...Object.fromEntries(eku.map((p) => [p, true])) });
    }
    const san = altNames(opts);
    if (san.length > 0) extensions.push({ name: 'subjectAltName', altNames: san });
  }
  extensions.push({ name: 'subjectKeyIdentifier' });

  if (role.issuer) {
    const issuerCert = forge.pki.certificateFromPem(role.issuer.certificatePem);
    signingKeyPem = role.issuer.privateKeyPem;
    cert.setIssuer(issuerCert.subject.attributes);
    const issuerSki = issuerCert.generateSubjectKeyIdentifier().getBytes();
    extensions.push({ name: 'authorityKeyIdentifier', keyIdentifier: issuerSki });
  } else {
    cert.setIssuer(forgeName(opts.subject));
    extensions.push({ name: 'authorityKeyIdentifier', keyIdentifier: true });
  }
  cert.setExtensions(extensions);
  // forge builds the TBSCertificate; OpenSSL signs it (forge's pure-JS RSA signing costs ~150 ms per certificate).
  // The same fields forge's own cert.sign() would set: RFC 5280 §4.1.1.2 signatureAlgorithm = §4.1.2.3 signature.
  const sha256WithRsa = forge.pki.oids.sha256WithRSAEncryption as string;
  cert.signatureOid = sha256WithRsa;
  cert.siginfo.algorithmOid = sha256WithRsa;
  cert.tbsCertificate = (forge.pki as unknown as ForgeTbs).getTBSCertificate(cert);
  const tbsDer = Buffer.from(forge.asn1.toDer(cert.tbsCertificate).getBytes(), 'binary');
  cert.signature = sign('sha256', tbsDer, signingKeyPem).toString('binary');
  return { certificatePem: forge.pki.certificateToPem(cert), privateKeyPem };
}

/** A root certificate authority (self-signed, basicConstraints CA:TRUE critical, keyCertSign + cRLSign). */
export function createCertificateAuthority(opts: CaOptions): Promise<CreatedCertificate> {
  return build({ ...opts }, { ca: true });
}

/** A subordinate CA signed by `issuer`. */
export function createIntermediateAuthority(opts: CaOptions, issuer: CreatedCertificate): Promise<CreatedCertificate> {
  return build({ ...opts }, { ca: true, issuer });
}

/** An end-entity certificate signed by `issuer`, with SAN and EKU (default serverAuth + clientAuth). */
export function createLeafCertificate(opts: CertificateOptions, issuer: CreatedCertificate): Promise<CreatedCertificate> {
  return build(opts, { ca: false, issuer });
}

/** A self-signed end-entity certificate (e.g. a peer trusted by pinning rather than by a CA). */
export function createSelfSignedCertificate(opts: CertificateOptions): Promise<CreatedCertificate> {
  return build(opts, { ca: false });
}
