// Adapter from the certificate module's PKCS#12 import (electron/sip/tls/certificates.ts) to the PEM key + chain
// the TLS transport presents for mutual TLS (protocol.md §2.1 item 2).
import { X509Certificate } from 'node:crypto';
import { importPkcs12 } from '../tls/certificates';
import type { ClientCertificate } from './tls-settings';

/**
 * Opens a .p12/.pfx and returns the leaf plus its intermediates as one PEM chain (TLS 1.2/1.3 send the chain
 * leaf first: RFC 5246 §7.4.2, RFC 8446 §4.4.2). A self-signed root in the bundle is left out: the server must
 * already trust it, and sending it only costs bytes. Throws the certificate module's CertificateError.
 */
export function clientCertificateFromPkcs12(data: Uint8Array, passphrase: string): ClientCertificate {
  const identity = importPkcs12(data, passphrase);
  const intermediates = identity.chainPem.filter((pem) => {
    const x = new X509Certificate(pem);
    return x.subject !== x.issuer;
  });
  return { key: identity.privateKeyPem, cert: [identity.certificatePem, ...intermediates].map((p) => p.trim()).join('\n') + '\n' };
}
