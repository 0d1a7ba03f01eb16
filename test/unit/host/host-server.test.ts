import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createAppCore } from '../../../electron/core/app-core';
import type { AppCore } from '../../../electron/core/app-core';
import { nodePlatform } from '../../../electron/core/platform/node-platform';
import { startHost } from '../../../electron/host/host-server';
import type { RunningHost } from '../../../electron/host/host-server';

let core: AppCore;
let host: RunningHost;
const log: string[] = [];

before(async () => {
  const profile = await mkdtemp(join(tmpdir(), 'parley-host-profile-'));
  const rendererDir = await mkdtemp(join(tmpdir(), 'parley-host-renderer-'));
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
  core = createAppCore(nodePlatform('web', profile));
  host = await startHost({ core, rendererDir, log: (l) => log.push(l) });
});
after(async () => {
  await host.close();
});

/** Opens a socket and resolves with 'open' or the HTTP status of the refusal. */
function connect(path: string, origin: string | undefined): Promise<{ outcome: 'open'; ws: WebSocket } | { outcome: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}${path}`, origin ? { origin } : {});
    ws.on('open', () => resolve({ outcome: 'open', ws }));
    ws.on('unexpected-response', (_req, res) => resolve({ outcome: res.statusCode ?? 0 }));
    ws.on('error', () => resolve({ outcome: -1 }));
  });
}

function call(ws: WebSocket, frame: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    ws.once('message', (data) => resolve(JSON.parse(data.toString())));
    ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  });
}

describe('headless host', () => {
  test('listens on loopback only and prints a URL with a token', () => {
    assert.match(host.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
  });

  test('a WebSocket without the token is refused', async () => {
    const r = await connect('/bridge', host.origin);
    assert.equal(r.outcome, 403);
    const wrong = await connect('/bridge?token=' + 'x'.repeat(32), host.origin);
    assert.equal(wrong.outcome, 403);
    assert.ok(log.some((l) => /missing or wrong token/.test(l)));
  });

  test('a WebSocket from a foreign Origin is refused, even with the token', async () => {
    for (const origin of ['http://evil.example', 'http://localhost:' + host.port, 'null', undefined]) {
      const r = await connect(`/bridge?token=${host.token}`, origin);
      assert.equal(r.outcome, 403, String(origin));
    }
  });

  test('the right token and Origin reach the contract', async () => {
    const r = await connect(`/bridge?token=${host.token}`, host.origin);
    assert.equal(r.outcome, 'open');
    if (r.outcome !== 'open') return;
    const reply = (await call(r.ws, { type: 'invoke', id: 1, name: 'app.info', payload: {} })) as { id: number; result: { ok: boolean; value: { carrier: string } } };
    assert.equal(reply.id, 1);
    assert.equal(reply.result.ok, true);
    assert.equal(reply.result.value.carrier, 'web');
    r.ws.close();
  });

  test('a malformed payload gets a typed error and the host keeps serving', async () => {
    const r = await connect(`/bridge?token=${host.token}`, host.origin);
    if (r.outcome !== 'open') assert.fail('socket refused');
    const bad = (await call(r.ws, { type: 'invoke', id: 2, name: 'account.list', payload: { drop: 'tables' } })) as { result: { ok: boolean; error: { code: string } } };
    assert.equal(bad.result.ok, false);
    assert.equal(bad.result.error.code, 'invalid-payload');
    // Not JSON at all, then a frame of the wrong shape: dropped, the socket stays usable.
    r.ws.send('{{{ not json');
    r.ws.send(JSON.stringify({ type: 'invoke', id: -5 }));
    const good = (await call(r.ws, { type: 'invoke', id: 3, name: 'account.list', payload: {} })) as { id: number; result: { ok: boolean } };
    assert.equal(good.id, 3);
    assert.equal(good.result.ok, true);
    r.ws.close();
  });

  test('events from the core reach connected pages', async () => {
    const r = await connect(`/bridge?token=${host.token}`, host.origin);
    if (r.outcome !== 'open') assert.fail('socket refused');
    const got = new Promise((resolve) => r.ws.once('message', (d) => resolve(JSON.parse(d.toString()))));
    core.events.emit('account.state', { accountId: 'a1', state: 'registered' });
    assert.deepEqual(await got, { type: 'event', name: 'account.state', payload: { accountId: 'a1', state: 'registered' } });
    r.ws.close();
  });

  test('static files: CSP header, no path traversal, foreign Host refused', async () => {
    const get = (path: string, hostHeader = `127.0.0.1:${host.port}`) =>
      new Promise<{ status: number; csp?: string }>((resolve) => {
        request({ host: '127.0.0.1', port: host.port, path, headers: { host: hostHeader } }, (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, csp: res.headers['content-security-policy'] as string | undefined });
        }).end();
      });
    const index = await get('/');
    assert.equal(index.status, 200);
    assert.match(index.csp ?? '', /script-src 'self'/);
    assert.equal((await get('/../../etc/passwd')).status, 404);
    assert.equal((await get('/%2e%2e/%2e%2e/etc/passwd')).status, 404);
    assert.equal((await get('/', 'rebind.example:80')).status, 403);
  });
});
