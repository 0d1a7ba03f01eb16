// The StreamTransport's connection handling over plain TCP on loopback (the same code path serves TLS):
// framing, connection reuse, responses on the request's connection (RFC 3261 §18.2.2), CRLF keep-alive
// (RFC 5626 §4.4.1) on a fake clock, framing errors and transport failures.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { StreamTransport } from '../../../../electron/sip/transport/stream-transport';
import type { StreamTransportOptions } from '../../../../electron/sip/transport/stream-transport';
import { TransportError } from '../../../../electron/sip/transport/transport';
import type { InboundData, TransportEvents, TransportTarget } from '../../../../electron/sip/transport/transport';
import { FakeClock } from '../../../support/fake-clock';
import { startPeer } from './peer-server';

function request(callId: string, body = ''): string {
  return [
    'MESSAGE sip:bob@beta.test SIP/2.0',
    'Via: SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK' + callId,
    'Max-Forwards: 70',
    'From: <sip:alice@alpha.test>;tag=a1',
    'To: <sip:bob@beta.test>',
    `Call-ID: ${callId}`,
    'CSeq: 1 MESSAGE',
    'Content-Type: text/plain',
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}

function response(callId: string): string {
  return [
    'SIP/2.0 200 OK',
    'Via: SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK' + callId,
    'From: <sip:alice@alpha.test>;tag=a1',
    'To: <sip:bob@beta.test>;tag=b1',
    `Call-ID: ${callId}`,
    'CSeq: 1 MESSAGE',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

const cleanup: Array<{ close(): Promise<void> }> = [];
after(async () => {
  await Promise.all(cleanup.map((c) => c.close()));
});

/** A transport whose events are recorded. */
function transport(opts: StreamTransportOptions = {}) {
  const t = new StreamTransport({ keepAliveIntervalMs: 0, ...opts });
  const messages: InboundData[] = [];
  const errors: Array<{ error: Error; connectionId?: string }> = [];
  const closes: string[] = [];
  const waiters: Array<() => void> = [];
  const notify = () => [...waiters].forEach((w) => w());
  const events: TransportEvents = {
    onMessage: (d) => (messages.push(d), notify()),
    onError: (error, connectionId) => (errors.push({ error, ...(connectionId !== undefined ? { connectionId } : {}) }), notify()),
    onClose: (id) => (closes.push(id), notify()),
  };
  t.setEvents(events);
  cleanup.push(t);
  // Events notify at once; state without an event (keep-alive counters) is polled.
  const until = (pred: () => boolean, what: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (pred()) {
          waiters.splice(waiters.indexOf(check), 1);
          clearTimeout(timer);
          clearInterval(poll);
          resolve();
        }
      };
      const poll = setInterval(check, 5);
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(check), 1);
        clearInterval(poll);
        reject(new Error(`timed out waiting for ${what}`));
      }, 3000);
      waiters.push(check);
      check();
    });
  return { t, messages, errors, closes, until };
}

const tcp = (port: number, extra: Partial<TransportTarget> = {}): TransportTarget => ({ transport: 'tcp', host: '127.0.0.1', port, ...extra });

async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('delivery and connection reuse', () => {
  test('a request is framed and delivered with its connection; the response goes back on that connection', async () => {
    const server = transport();
    const { port } = await server.t.listen({ transport: 'tcp', host: '127.0.0.1' });
    const client = transport();
    const wire = request('reuse-1', 'hello');
    const clientConn = await client.t.send(wire, tcp(port));
    await server.until(() => server.messages.length === 1, 'the request');
    const inbound = server.messages[0]!;
    assert.equal(inbound.bytes.toString(), wire, 'bytes exactly as sent');
    assert.equal(inbound.transport, 'tcp');
    assert.equal(inbound.remoteAddress, '127.0.0.1');
    assert.equal(inbound.remotePort, client.t.localEndpoint(clientConn)!.port);
    assert.equal(inbound.localPort, port);

    // RFC 3261 §18.2.2: the response reuses the inbound connection even though host/port name somewhere else.
    const used = await server.t.send(response('reuse-1'), { transport: 'tcp', host: '127.0.0.1', port: 9, connectionId: inbound.connectionId });
    assert.equal(used, inbound.connectionId);
    await client.until(() => client.messages.length === 1, 'the response');
    assert.equal(client.messages[0]!.connectionId, clientConn);
    assert.match(client.messages[0]!.bytes.toString(), /^SIP\/2\.0 200 OK/);
    assert.equal(server.t.connectionIds().length, 1);
  });

  test('messages to one target share one connection, also when sent concurrently', async () => {
    const peer = await startPeer('tcp');
    cleanup.push(peer);
    const c = transport();
    const ids = await Promise.all([c.t.send(request('c1'), tcp(peer.port)), c.t.send(request('c2'), tcp(peer.port))]);
    const third = await c.t.send(request('c3'), tcp(peer.port));
    assert.equal(new Set([...ids, third]).size, 1);
    await peer.waitFor((text) => text.includes('Call-ID: c3'));
    assert.equal(peer.sockets.length, 1);
  });

  test('localAddress binds the source address of outbound connections', async () => {
    const server = transport();
    const { port } = await server.t.listen({ transport: 'tcp', host: '127.0.0.1' });
    const c = transport({ localAddress: '127.0.0.5' });
    const id = await c.t.send(request('src-1'), tcp(port));
    await server.until(() => server.messages.length === 1, 'the request');
    assert.equal(server.messages[0]!.remoteAddress, '127.0.0.5');
    assert.equal(c.t.localEndpoint(id)!.host, '127.0.0.5');
  });

  test('two messages in one chunk and one message split over chunks are framed', async () => {
    const peer = await startPeer('tcp');
    cleanup.push(peer);
    const c = transport();
    await c.t.send(request('split-0'), tcp(peer.port));
    await peer.waitFor((t) => t.includes('split-0'));
    const s = peer.sockets[0]!;
    s.write(response('a') + response('b'));
    const third = response('c');
    s.write(third.slice(0, 20));
    await new Promise((r) => setTimeout(r, 20));
    s.write(third.slice(20));
    await c.until(() => c.messages.length === 3, 'three messages');
    assert.deepEqual(c.messages.map((m) => /Call-ID: (\w+)/.exec(m.bytes.toString())![1]), ['a', 'b', 'c']);
  });

  test('after the peer closes, onClose fires and the next send opens a new connection', async () => {
    const peer = await startPeer('tcp');
    cleanup.push(peer);
    const c = transport();
    const first = await c.t.send(request('x1'), tcp(peer.port));
    await peer.waitFor((t) => t.includes('x1'));
    peer.sockets[0]!.end();
    await c.until(() => c.closes.includes(first), 'onClose');
    // The caller still names the old connection: RFC 3261 §18.2.2 says open a new one to the address.
    const second = await c.t.send(request('x2'), tcp(peer.port, { connectionId: first }));
    assert.notEqual(second, first);
    await peer.waitFor((t, i) => i === 1 && t.includes('x2'));
  });

  test('a closed connection with no address to reconnect to is a TransportError', async () => {
    const c = transport();
    await assert.rejects(c.t.send(request('gone'), { transport: 'tcp', host: '', port: 0, connectionId: 'tcp-out-999' }), (err: unknown) => {
      assert.ok(err instanceof TransportError);
      assert.equal(err.code, 'ECONNGONE');
      return true;
    });
  });
});

describe('failures become TransportErrors (→ 503, RFC 3261 §8.1.3.1)', () => {
  test('sending to a dead port', async () => {
    const port = await deadPort();
    const c = transport();
    await assert.rejects(c.t.send(request('dead'), tcp(port)), (err: unknown) => {
      assert.ok(err instanceof TransportError);
      assert.equal(err.code, 'ECONNREFUSED');
      assert.equal(err.message, `cannot connect to tcp:127.0.0.1:${port}: ECONNREFUSED`);
      return true;
    });
    await assert.rejects(c.t.send(request('dead'), { ...tcp(port), transport: 'tls', tlsServerName: 'alpha.test' }), (err: unknown) => {
      assert.ok(err instanceof TransportError);
      assert.equal(err.code, 'ECONNREFUSED');
      return true;
    });
  });

  test('a TLS server that never completes the handshake hits the connect timeout (fake clock)', async () => {
    const silent = await startPeer('tcp'); // speaks no TLS at all
    cleanup.push(silent);
    const clock = new FakeClock();
    const c = transport({ clock, connectTimeoutMs: 5000 });
    const sent = c.t.send(request('slow'), { transport: 'tls', host: '127.0.0.1', port: silent.port, tlsServerName: 'alpha.test' });
    await silent.waitFor((t) => t.length > 0); // the ClientHello arrived; nobody answers
    clock.advance(5000);
    await assert.rejects(sent, (err: unknown) => err instanceof TransportError && err.code === 'ECONNTIMEOUT');
  });

  test('after close(), send rejects', async () => {
    const c = transport();
    await c.t.close();
    await assert.rejects(c.t.send(request('closed'), tcp(9)), (err: unknown) => err instanceof TransportError && err.code === 'ECLOSED');
  });

  test('a framing error closes the connection and is reported with its id', async () => {
    const peer = await startPeer('tcp');
    cleanup.push(peer);
    const c = transport();
    const id = await c.t.send(request('f1'), tcp(peer.port));
    await peer.waitFor((t) => t.includes('f1'));
    peer.sockets[0]!.write('SIP/2.0 200 OK\r\nCall-ID: f1\r\nContent-Length: lots\r\n\r\n');
    await c.until(() => c.closes.includes(id), 'the connection to close');
    const e = c.errors.find((x) => x.connectionId === id);
    assert.ok(e && e.error instanceof TransportError);
    assert.equal((e.error as TransportError).code, 'EFRAMING');
    assert.match(e.error.message, /cannot frame the stream from tcp:127\.0\.0\.1:\d+: invalid Content-Length/);
    assert.equal(c.messages.length, 0);
  });

  test('an oversized message is a framing error (maxMessageBytes)', async () => {
    const peer = await startPeer('tcp');
    cleanup.push(peer);
    const c = transport({ maxMessageBytes: 1024 });
    const id = await c.t.send(request('big'), tcp(peer.port));
    await peer.waitFor((t) => t.includes('big'));
    peer.sockets[0]!.write(request('big', 'x'.repeat(4096)));
    await c.until(() => c.closes.includes(id), 'the connection to close');
    assert.equal((c.errors[0]!.error as TransportError).code, 'EFRAMING');
  });
});

describe('CRLF keep-alive (RFC 5626 §4.4.1)', () => {
  test('a ping goes out only after the interval with nothing sent; a pong is counted', async () => {
    const peer = await startPeer('tcp');
    cleanup.push(peer);
    const clock = new FakeClock();
    const c = transport({ clock, keepAliveIntervalMs: 30_000 });
    const id = await c.t.send(request('k1'), tcp(peer.port));
    await peer.waitFor((t) => t.includes('k1'));
    clock.advance(20_000);
    await c.t.send(request('k2'), tcp(peer.port)); // activity: the idle timer restarts
    await peer.waitFor((t) => t.includes('k2'));
    clock.advance(20_000);
    assert.equal(c.t.connectionInfo(id)!.pingsSent, 0, 'only 20 s idle');
    clock.advance(10_000);
    assert.equal(c.t.connectionInfo(id)!.pingsSent, 1);
    await peer.waitFor((t) => t.endsWith(request('k2') + '\r\n\r\n'));
    peer.sockets[0]!.write('\r\n');
    await c.until(() => c.t.connectionInfo(id)!.pongsReceived === 1, 'the pong');
    assert.equal(c.t.connectionInfo(id)!.lastPongAt, 50_000);
    assert.equal(c.messages.length, 0, 'keep-alives are not messages');
    // and again one interval later
    clock.advance(30_000);
    await peer.waitFor((t) => t.endsWith('\r\n\r\n\r\n\r\n'));
  });

  test('a ping from the peer is answered with a single CRLF', async () => {
    const peer = await startPeer('tcp');
    cleanup.push(peer);
    const c = transport();
    const id = await c.t.send(request('p1'), tcp(peer.port));
    await peer.waitFor((t) => t.includes('p1'));
    const before = peer.received[0]!.length;
    peer.sockets[0]!.write('\r\n\r\n');
    await peer.waitFor((t) => t.length > before);
    assert.equal(peer.received[0]!.slice(before), '\r\n');
    assert.equal(c.t.connectionInfo(id)!.pingsAnswered, 1);
  });

  test('no pong within pongTimeoutMs: the flow is failed and closed', async () => {
    const peer = await startPeer('tcp');
    cleanup.push(peer);
    const clock = new FakeClock();
    const c = transport({ clock, keepAliveIntervalMs: 30_000, pongTimeoutMs: 10_000 });
    const id = await c.t.send(request('n1'), tcp(peer.port));
    clock.advance(30_000);
    await peer.waitFor((t) => t.endsWith('\r\n\r\n\r\n'));
    clock.advance(9_999);
    assert.equal(c.errors.length, 0);
    clock.advance(1);
    await c.until(() => c.closes.includes(id), 'the close');
    assert.equal((c.errors[0]!.error as TransportError).code, 'EKEEPALIVE');
  });

  test('setKeepAliveInterval adopts a server-given interval (ms-keep-alive timeout=)', async () => {
    const peer = await startPeer('tcp');
    cleanup.push(peer);
    const clock = new FakeClock();
    const c = transport({ clock, keepAliveIntervalMs: 60_000 });
    const id = await c.t.send(request('m1'), tcp(peer.port));
    c.t.setKeepAliveInterval(id, 5_000);
    clock.advance(5_000);
    assert.equal(c.t.connectionInfo(id)!.pingsSent, 1);
    assert.equal(c.t.connectionInfo(id)!.keepAliveIntervalMs, 5_000);
  });
});
