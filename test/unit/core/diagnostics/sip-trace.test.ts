import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SipTrace } from '../../../../electron/core/diagnostics/sip-trace';
import { redactSipText } from '../../../../electron/core/diagnostics/redact';

const register = [
  'REGISTER sip:alpha.test SIP/2.0',
  'Via: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bK1',
  'Authorization: Digest username="alice", realm="alpha.test", nonce="abc,def", uri="sip:alpha.test", response="0123456789abcdef0123456789abcdef", algorithm=MD5, cnonce="xyz", qop=auth, nc=00000001',
  'proxy-authorization:Digest username="alice",response="feedface",nonce="n"',
  'Content-Length: 0',
  '',
  'Authorization: this is body text, not a header',
].join('\r\n');

test('Authorization and Proxy-Authorization lose their secrets, keep what helps debugging', () => {
  const out = redactSipText(register);
  assert.doesNotMatch(out, /0123456789abcdef|feedface|abc,def|xyz/);
  assert.match(out, /Authorization: Digest username="alice", realm="alpha.test", nonce=\[redacted\], uri="sip:alpha.test", response=\[redacted\], algorithm=MD5, cnonce=\[redacted\], qop=auth, nc=00000001/);
  assert.match(out, /proxy-authorization: Digest username="alice", response=\[redacted\], nonce=\[redacted\]/);
  assert.match(out, /\r\n\r\nAuthorization: this is body text, not a header$/);
});

test('the trace is a bounded ring of redacted entries', () => {
  const trace = new SipTrace(3, () => 42);
  for (let i = 0; i < 5; i++) trace.record(i % 2 ? 'in' : 'out', '127.0.0.2:5061', register);
  const entries = trace.since();
  assert.deepEqual(entries.map((e) => e.seq), [3, 4, 5]);
  assert.ok(entries.every((e) => !e.text.includes('feedface') && e.at === 42));
  assert.deepEqual(trace.since(4).map((e) => e.seq), [5]);
});
