// The XCAP client against a local HTTP server that behaves like RFC 4825 §7.11 (ETags, If-Match, If-None-Match)
// and RFC 7616 digest (qop=auth): requests, headers and error types.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { XcapClient } from '../../../../electron/core/xcap/xcap-client';
import { XcapAuthError, XcapConflictError, XcapError, XcapUnreachableError } from '../../../../electron/core/xcap/xcap-errors';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const docs = new Map<string, { body: string; etag: string }>();
const seen: { method: string; url: string; headers: IncomingMessage['headers'] }[] = [];
let n = 0;
let server: Server;
let root: string;

function authorized(req: IncomingMessage): boolean {
  const h = req.headers.authorization ?? '';
  const p = Object.fromEntries([...h.matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]+))/g)].map((m) => [m[1], m[2] ?? m[3]]));
  if (p.username !== 'alice' || p.realm !== 'x.test' || p.nonce !== 'n1') return false;
  const ha1 = md5('alice:x.test:secret');
  const ha2 = md5(`${req.method}:${p.uri}`);
  return p.response === md5(`${ha1}:n1:${p.nc}:${p.cnonce}:auth:${ha2}`);
}

before(async () => {
  server = createServer((req, res) => {
    seen.push({ method: req.method!, url: req.url!, headers: req.headers });
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (!authorized(req)) {
        res.writeHead(401, { 'WWW-Authenticate': 'Digest realm="x.test", nonce="n1", qop="auth"' }).end();
        return;
      }
      if (req.url!.includes('/huge/')) {
        res.writeHead(200).end('x'.repeat(5000));
        return;
      }
      const cur = docs.get(req.url!);
      const ifMatch = req.headers['if-match'];
      if ((ifMatch && ifMatch !== `"${cur?.etag}"`) || (req.headers['if-none-match'] === '*' && cur)) {
        res.writeHead(412).end();
        return;
      }
      if (req.method === 'GET') {
        if (!cur) res.writeHead(404).end();
        else res.writeHead(200, { ETag: `"${cur.etag}"`, 'Content-Type': 'application/resource-lists+xml' }).end(cur.body);
      } else if (req.method === 'PUT') {
        const etag = `e${++n}`;
        docs.set(req.url!, { body, etag });
        res.writeHead(cur ? 200 : 201, { ETag: `"${etag}"` }).end();
      } else {
        docs.delete(req.url!);
        res.writeHead(200).end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  root = `http://127.0.0.1:${(server.address() as AddressInfo).port}/xcap-root`;
});
after(() => server.close());

const client = (password = 'secret', extra = {}) => new XcapClient({ root, xui: 'sip:alice@x.test', username: 'alice', password, ...extra });

describe('XcapClient', () => {
  test('document URI, digest on challenge, ETag round trip, If-Match / If-None-Match, 404 → undefined', async () => {
    const c = client();
    assert.equal(c.documentPath('resource-lists'), '/xcap-root/resource-lists/users/sip:alice@x.test/index');
    assert.equal(await c.get('resource-lists'), undefined);
    const e1 = await c.put('resource-lists', '<a/>', 'application/resource-lists+xml', { createOnly: true });
    assert.equal(seen.at(-1)!.headers['if-none-match'], '*');
    assert.equal(seen.at(-1)!.headers['content-type'], 'application/resource-lists+xml');
    const got = await c.get('resource-lists');
    assert.deepEqual(got, { body: '<a/>', etag: e1, contentType: 'application/resource-lists+xml' });
    const e2 = await c.put('resource-lists', '<b/>', 'application/resource-lists+xml', { ifMatch: e1! });
    assert.equal(seen.at(-1)!.headers['if-match'], `"${e1}"`);
    await assert.rejects(c.put('resource-lists', '<c/>', 'application/resource-lists+xml', { ifMatch: e1! }), XcapConflictError);
    await assert.rejects(c.put('resource-lists', '<c/>', 'application/resource-lists+xml', { createOnly: true }), XcapConflictError);
    await c.delete('resource-lists', { ifMatch: e2! });
    assert.equal(await c.get('resource-lists'), undefined);
    // After the first challenge the nonce is reused with a growing nonce-count (no second 401 round trip).
    const counts = seen.slice(-3).map((s) => /nc=(\w+)/.exec(s.headers.authorization ?? '')?.[1]);
    assert.ok(counts.every(Boolean) && new Set(counts).size === 3);
  });
  test('wrong password → XcapAuthError 401; no server → XcapUnreachableError; oversize → XcapError', async () => {
    await assert.rejects(client('nope').get('pres-rules'), (e: unknown) => e instanceof XcapAuthError && e.status === 401);
    await assert.rejects(new XcapClient({ root: 'http://127.0.0.1:1/xcap-root', xui: 'sip:a@x', username: 'a', password: 'b' }).get('x'), XcapUnreachableError);
    await assert.rejects(client('secret', { maxBodyBytes: 1000 }).get('huge'), (e: unknown) => e instanceof XcapError && /larger than 1000/.test((e as Error).message));
    assert.throws(() => new XcapClient({ root: 'ftp://x/', xui: 'sip:a@x', username: 'a', password: 'b' }), XcapError);
  });
});
