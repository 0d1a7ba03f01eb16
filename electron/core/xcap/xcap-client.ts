// XCAP client (RFC 4825) over node:http / node:https: whole-document GET, PUT and DELETE in the users tree, with
// ETag concurrency (§7.11: If-Match on every write, If-None-Match: * to create) and HTTP Digest (RFC 7616) when the
// server challenges. One client per account; the digest nonce is reused with an incrementing nonce-count.
import { request as httpRequest } from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { randomBytes } from 'node:crypto';
import { computeDigestResponse, parseDigestChallenges, strongestPerRealm } from '../../sip/auth/digest';
import type { DigestChallenge } from '../../sip/auth/digest';
import { XcapAuthError, XcapConflictError, XcapError, XcapUnreachableError } from './xcap-errors';

export interface XcapClientOptions {
  /** The XCAP root URI (RFC 4825 §6.1), e.g. `http://127.0.0.2:8080/xcap-root`. */
  readonly root: string;
  /** The XUI: the user's SIP AOR, `sip:alice@alpha.test` (§4). */
  readonly xui: string;
  readonly username: string;
  readonly password: string;
  /** Extra trust anchors (PEM) for https roots. */
  readonly ca?: string | Buffer;
  readonly timeoutMs?: number;
  /** Refuse documents larger than this (bytes; default 4 MiB): a hostile server cannot exhaust memory. */
  readonly maxBodyBytes?: number;
}

export interface XcapDocument {
  readonly body: string;
  /** The entity tag without quotes; undefined when the server sent none. */
  readonly etag: string | undefined;
  readonly contentType: string | undefined;
}

export interface XcapWriteOptions {
  /** Write only if the document still has this ETag (§7.11); a mismatch is XcapConflictError. */
  readonly ifMatch?: string;
  /** Create only: fails with XcapConflictError if the document exists (If-None-Match: *). */
  readonly createOnly?: boolean;
}

interface RawResponse {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

const unquote = (etag: string | undefined) => (etag === undefined ? undefined : etag.replace(/^W\//, '').replace(/^"(.*)"$/, '$1'));

export class XcapClient {
  private readonly root: URL;
  private challenge: DigestChallenge | undefined;
  private nc = 0;

  constructor(private readonly opts: XcapClientOptions) {
    this.root = new URL(opts.root.endsWith('/') ? opts.root : `${opts.root}/`);
    if (this.root.protocol !== 'http:' && this.root.protocol !== 'https:') throw new XcapError(`XCAP root must be http(s): ${opts.root}`);
  }

  /** The document URI (§6): <root>/<auid>/users/<xui>/<file>. The XUI's ':' and '@' are legal in a path segment. */
  documentPath(auid: string, file = 'index'): string {
    const seg = (s: string) => encodeURIComponent(s).replace(/%3A/gi, ':').replace(/%40/g, '@');
    return `${this.root.pathname}${seg(auid)}/users/${seg(this.opts.xui)}/${seg(file)}`;
  }

  /** The document, or undefined when it does not exist (404). */
  async get(auid: string, file = 'index'): Promise<XcapDocument | undefined> {
    const r = await this.send('GET', this.documentPath(auid, file), {});
    if (r.status === 404) return undefined;
    this.check(r, 'GET', auid);
    return { body: r.body, etag: unquote(header(r, 'etag')), contentType: header(r, 'content-type') };
  }

  /** Stores the whole document; returns the new ETag. */
  async put(auid: string, body: string, contentType: string, options: XcapWriteOptions = {}, file = 'index'): Promise<string | undefined> {
    const headers: OutgoingHttpHeaders = { 'Content-Type': contentType };
    if (options.ifMatch !== undefined) headers['If-Match'] = `"${options.ifMatch}"`;
    if (options.createOnly) headers['If-None-Match'] = '*';
    const r = await this.send('PUT', this.documentPath(auid, file), headers, body);
    this.check(r, 'PUT', auid);
    return unquote(header(r, 'etag'));
  }

  /** Deletes the document; a missing document is not an error. */
  async delete(auid: string, options: XcapWriteOptions = {}, file = 'index'): Promise<void> {
    const headers: OutgoingHttpHeaders = {};
    if (options.ifMatch !== undefined) headers['If-Match'] = `"${options.ifMatch}"`;
    const r = await this.send('DELETE', this.documentPath(auid, file), headers);
    if (r.status === 404) return;
    this.check(r, 'DELETE', auid);
  }

  private check(r: RawResponse, method: string, auid: string): void {
    if (r.status >= 200 && r.status < 300) return;
    const what = `XCAP ${method} ${auid}: ${r.status}`;
    if (r.status === 412) throw new XcapConflictError(`${what} (the document changed on the server)`, r.status);
    if (r.status === 401 || r.status === 403) throw new XcapAuthError(`${what} (credentials refused or not your document)`, r.status);
    throw new XcapError(what, r.status);
  }

  /** One request, answering at most one Digest challenge (a second 401 means the password is wrong). */
  private async send(method: string, path: string, headers: OutgoingHttpHeaders, body?: string): Promise<RawResponse> {
    let r = await this.once(method, path, this.withAuth(method, path, headers), body);
    if (r.status === 401) {
      const stale = this.challenge !== undefined;
      const offered = strongestPerRealm(parseDigestChallenges(headerList(r, 'www-authenticate')));
      const c = offered[0];
      if (!c) return r;
      // A challenge after a pre-emptive answer only means the nonce expired (RFC 7616 §3.3); retry once either way.
      this.challenge = c;
      this.nc = 0;
      r = await this.once(method, path, this.withAuth(method, path, headers), body);
      if (r.status === 401 && !stale) this.challenge = undefined;
    }
    return r;
  }

  private withAuth(method: string, path: string, headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
    const c = this.challenge;
    if (!c) return headers;
    const qop = c.qop.includes('auth') ? 'auth' : undefined;
    const nc = (++this.nc).toString(16).padStart(8, '0');
    const cnonce = randomBytes(12).toString('hex');
    const response = computeDigestResponse({
      algorithm: c.algorithm, username: this.opts.username, password: this.opts.password, realm: c.realm, method, uri: path, nonce: c.nonce,
      ...(qop ? { qop, nc, cnonce } : {}),
    });
    const q = (s: string) => `"${s.replace(/["\\]/g, (ch) => `\\${ch}`)}"`;
    const parts = [`username=${q(this.opts.username)}`, `realm=${q(c.realm)}`, `nonce=${q(c.nonce)}`, `uri=${q(path)}`, `algorithm=${c.algorithm}`, `response=${q(response)}`];
    if (c.opaque !== undefined) parts.push(`opaque=${q(c.opaque)}`);
    if (qop) parts.push(`qop=${qop}`, `nc=${nc}`, `cnonce=${q(cnonce)}`);
    return { ...headers, Authorization: `Digest ${parts.join(', ')}` };
  }

  private once(method: string, path: string, headers: OutgoingHttpHeaders, body?: string): Promise<RawResponse> {
    const max = this.opts.maxBodyBytes ?? 4 * 1024 * 1024;
    const payload = body === undefined ? undefined : Buffer.from(body, 'utf8');
    const https = this.root.protocol === 'https:';
    const req = (https ? httpsRequest : httpRequest)({
      host: this.root.hostname,
      port: this.root.port || (https ? 443 : 80),
      method,
      path,
      headers: { ...headers, ...(payload ? { 'Content-Length': payload.length } : {}) },
      timeout: this.opts.timeoutMs ?? 10_000,
      ...(https && this.opts.ca ? { ca: this.opts.ca } : {}),
    });
    return new Promise<RawResponse>((resolve, reject) => {
      req.on('timeout', () => req.destroy(new XcapUnreachableError(`XCAP ${method}: no answer from ${this.root.host}`)));
      req.on('error', (err) => reject(err instanceof XcapError ? err : new XcapUnreachableError(`XCAP ${method}: ${err.message}`)));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let tooBig = false;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= max) {
            chunks.push(c);
          } else if (!tooBig) {
            tooBig = true;
            chunks.length = 0;
            reject(new XcapError(`XCAP ${method}: document larger than ${max} bytes`));
            res.destroy();
          }
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (err) => reject(new XcapUnreachableError(`XCAP ${method}: ${err.message}`)));
      });
      req.end(payload);
    });
  }
}

function header(r: RawResponse, name: string): string | undefined {
  const v = r.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function headerList(r: RawResponse, name: string): string[] {
  const v = r.headers[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}
