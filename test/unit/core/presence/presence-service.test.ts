// PresenceService over the loop transport with a scripted presence server and a fake clock: it follows the account
// (registered → PUBLISH + paced SUBSCRIBEs), maps NOTIFYs to ContactPresence with freshness and reasons, coalesces
// events, follows the contact list, refuses hostile XML while the watcher keeps working, caches 604, and reads
// watcher information.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EventBus } from '../../../../electron/core/event-bus';
import { PresenceService } from '../../../../electron/core/presence/presence-service';
import type { PresenceServiceOptions, WatchedContactChange, WatchedContactSource } from '../../../../electron/core/presence/presence-service';
import type { EventName, EventPayload } from '../../../../shared/ipc/contract';
import type { SipRequest } from '../../../../electron/sip/message/message';
import { accept, makeNotifierBench, PIDF_OPEN, reject, settle } from '../../sip/usage/subscription-notifier';
import type { NotifierBench } from '../../sip/usage/subscription-notifier';

const FIXTURES = resolve(import.meta.dirname, '../../../fixtures/presence');
const ALICE = 'sip:alice@example.net';

class Contacts implements WatchedContactSource {
  uris: string[] = [];
  private listeners = new Set<(c: WatchedContactChange) => void>();
  list() {
    return { contacts: this.uris.map((uri) => ({ uri })) };
  }
  onChange(listener: (c: WatchedContactChange) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  add(uri: string) {
    this.uris.push(uri);
    for (const l of this.listeners) l({ kind: 'added', accountId: ALICE, contact: { uri } });
  }
  remove(uri: string) {
    this.uris = this.uris.filter((u) => u !== uri);
    for (const l of this.listeners) l({ kind: 'removed', accountId: ALICE, contact: { uri } });
  }
}

function setup(uris: string[], extra: Partial<PresenceServiceOptions> = {}) {
  const bench = makeNotifierBench();
  bench.script = (r) => (r.method === 'PUBLISH' ? accept(r, [['SIP-ETag', 'e1'], ['Expires', '3600']]) : accept(r, [['Expires', '3600']]));
  const events = new EventBus();
  const seen: Array<{ name: EventName; payload: unknown; at: number }> = [];
  events.subscribe((name, payload) => seen.push({ name, payload, at: bench.clock.now() }));
  const contacts = new Contacts();
  contacts.uris = [...uris];
  let wall = 1_700_000_000_000;
  const service = new PresenceService({
    accounts: { session: () => ({ userAgent: bench.ua }) },
    events,
    contacts,
    clock: bench.clock,
    now: () => wall++,
    watcherInfo: false,
    ...extra,
  });
  const signIn = async () => {
    events.emit('account.state', { accountId: ALICE, state: 'registered' });
    await settle();
  };
  const changed = () => seen.filter((e) => e.name === 'presence.changed').map((e) => e.payload as EventPayload<'presence.changed'>);
  const row = (uri: string) => service.list().find((p) => p.uri === uri)!;
  return { bench, events, seen, contacts, service, signIn, changed, row };
}

const subscribesTo = (b: NotifierBench, uri?: string) => b.seen.filter((r) => r.method === 'SUBSCRIBE' && !r.to.tag && (!uri || r.uri === uri));
const lastSubscribe = (b: NotifierBench, uri: string): SipRequest => subscribesTo(b, uri).at(-1)!;

async function advance(b: NotifierBench, ms: number) {
  for (let t = 0; t < ms; t += 10) {
    b.clock.advance(Math.min(10, ms - t));
    await settle();
  }
}

describe('presence service', () => {
  test('sign-in: PUBLISH of our state (PIDF, LCS form) and one SUBSCRIBE per contact, paced at 25/s', async () => {
    const uris = Array.from({ length: 30 }, (_, i) => `sip:c${i}@example.org`);
    const { bench, signIn, row } = setup(uris);
    await signIn();
    const publish = bench.seen.find((r) => r.method === 'PUBLISH')!;
    assert.equal(publish.header('Event'), 'presence');
    assert.match(publish.body, /<basic>open<\/basic>/);
    assert.equal(subscribesTo(bench).length, 1, 'only the first goes at once');
    assert.deepEqual({ reason: row(uris[0]!).reason, availability: row(uris[0]!).availability }, { reason: 'pending', availability: 'unknown' });
    await advance(bench, 1000);
    assert.equal(subscribesTo(bench).length, 26, '25 per second after the first');
    await advance(bench, 200);
    assert.equal(subscribesTo(bench).length, 30);
    assert.deepEqual(subscribesTo(bench).map((r) => r.uri), uris, 'in list order (visible rows first)');
  });

  test('NOTIFY → available with freshness; changes coalesced to one event per 50 ms carrying every contact', async () => {
    const uris = ['sip:bob@example.org', 'sip:carol@example.org', 'sip:dave@example.org'];
    const { bench, signIn, changed, row } = setup(uris, { subscribesPerSecond: 1000 });
    await signIn();
    await advance(bench, 20);
    const before = changed().length;
    for (const uri of uris) bench.notify(lastSubscribe(bench, uri), { state: 'active;expires=3600', body: PIDF_OPEN.replace('bob@example.org', uri.slice(4)) });
    await settle();
    await advance(bench, 60);
    const events = changed().slice(before);
    assert.equal(events.length, 1, `one coalesced event, got ${events.length}`);
    assert.deepEqual(events[0]!.contacts.map((c) => c.uri).sort(), [...uris].sort());
    assert.equal(row(uris[0]!).availability, 'available');
    assert.equal(row(uris[0]!).reason, 'ok');
    assert.ok((row(uris[0]!).updatedAt ?? 0) >= 1_700_000_000_000);
  });

  test('hostile XML in a NOTIFY (billion laughs, external entity, 10 MB, deep nesting) is refused; the watcher keeps working', async () => {
    const uri = 'sip:bob@example.org';
    const { bench, signIn, row, service } = setup([uri]);
    await signIn();
    const sub = lastSubscribe(bench, uri);
    bench.notify(sub, { state: 'active', body: PIDF_OPEN, cseq: 1 });
    await settle();
    const hostile = [
      readFileSync(join(FIXTURES, 'billion-laughs.xml'), 'utf8'),
      readFileSync(join(FIXTURES, 'xxe-file.xml'), 'utf8'),
      `<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:bob@example.org">${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}</presence>`,
      `<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:bob@example.org"><note>${'x'.repeat(10 * 1024 * 1024)}</note></presence>`,
    ];
    let cseq = 2;
    for (const body of hostile) bench.notify(sub, { state: 'active', body, cseq: cseq++ });
    await settle();
    assert.equal(service.stats.refusedDocuments, 4);
    assert.ok(bench.answers.every((a) => a.status === 200), 'each NOTIFY answered 200 (RFC 6665 §4.2.2: an error could end the subscription)');
    assert.equal(row(uri).availability, 'available', 'the last good state stays');
    assert.doesNotMatch(JSON.stringify(service.list()), /root:|lol/);
    bench.notify(sub, { state: 'active', cseq: cseq++, body: readFileSync(join(FIXTURES, 'baresip-publish-busy.xml'), 'utf8') });
    await settle();
    await advance(bench, 60);
    assert.equal(row(uri).availability, 'busy', 'and later documents still apply');
  });

  test('reasons: 403 → not-authorized, 404 → no-such-user, 408 → domain-unreachable (with retry), empty active NOTIFY → offline', async () => {
    const uris = ['sip:deny@example.org', 'sip:ghost@example.org', 'sip:far@unreachable.example', 'sip:quiet@example.org'];
    const { bench, signIn, row } = setup(uris, { subscribesPerSecond: 1000 });
    bench.script = (r) => {
      if (r.method === 'PUBLISH') return accept(r, [['SIP-ETag', 'e1']]);
      if (r.uri === uris[0]) return reject(r, 403, 'Forbidden');
      if (r.uri === uris[1]) return reject(r, 404, 'Not Found');
      if (r.uri === uris[2]) return reject(r, 408, 'Request Timeout');
      return accept(r);
    };
    await signIn();
    await advance(bench, 20);
    bench.notify(lastSubscribe(bench, uris[3]!), { state: 'active;expires=3600' });
    await settle();
    assert.equal(row(uris[0]!).reason, 'not-authorized');
    assert.equal(row(uris[1]!).reason, 'no-such-user');
    assert.equal(row(uris[2]!).reason, 'domain-unreachable');
    assert.match(row(uris[2]!).detail!, /unreachable\.example did not answer \(408\)\. Trying again in \d+ s\./);
    assert.deepEqual({ a: row(uris[3]!).availability, r: row(uris[3]!).reason }, { a: 'offline', r: 'ok' });
  });

  test('604 is remembered (persisted) for 30 days: no SUBSCRIBE after a restart', async () => {
    const profileDir = mkdtempSync(join(tmpdir(), 'parley-604-'));
    const uri = 'sip:list@example.org';
    const one = setup([uri], { profileDir });
    one.bench.script = (r) => (r.method === 'PUBLISH' ? accept(r, [['SIP-ETag', 'e1']]) : reject(r, 604, 'Does Not Exist Anywhere'));
    await one.signIn();
    await settle();
    assert.equal(one.row(uri).reason, 'no-such-user');
    await one.service.close();
    for (let i = 0; i < 200 && !existsSync(join(profileDir, 'presence-604.json')); i++) await new Promise((r) => setTimeout(r, 10));
    const two = setup([uri], { profileDir });
    await two.signIn();
    await advance(two.bench, 100);
    // The cache is read from disk (real I/O, not the fake clock): wait for the row it produces.
    for (let i = 0; i < 200 && !two.service.list().some((p) => p.uri === uri); i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(subscribesTo(two.bench, uri).length, 0);
    assert.equal(two.row(uri).reason, 'no-such-user');
    assert.match(two.row(uri).detail!, /604/);
  });

  test('contact list changes: add → SUBSCRIBE, remove → SUBSCRIBE Expires: 0 in the dialog', async () => {
    const { bench, signIn, contacts, service } = setup([]);
    await signIn();
    contacts.add('sip:new@example.org');
    await settle();
    const sub = lastSubscribe(bench, 'sip:new@example.org');
    assert.ok(sub);
    contacts.remove('sip:new@example.org');
    await settle();
    const un = bench.seen.filter((r) => r.method === 'SUBSCRIBE').at(-1)!;
    assert.equal(un.header('Expires'), '0');
    assert.equal(un.to.tag, 'srv1');
    assert.equal(service.list().length, 0);
  });

  test('reconnect: after reconnecting → registered, every subscription starts again and we publish again', async () => {
    const uri = 'sip:bob@example.org';
    const { bench, signIn, events } = setup([uri]);
    await signIn();
    events.emit('account.state', { accountId: ALICE, state: 'registered' });
    await settle();
    assert.equal(subscribesTo(bench, uri).length, 1, 'a registration refresh changes nothing');
    events.emit('account.state', { accountId: ALICE, state: 'reconnecting' });
    events.emit('account.state', { accountId: ALICE, state: 'registered' });
    await advance(bench, 100); // fresh SUBSCRIBEs go through the pacer too
    assert.equal(subscribesTo(bench, uri).length, 2);
    const publishes = bench.seen.filter((r) => r.method === 'PUBLISH');
    assert.equal(publishes.length, 2);
    assert.equal(publishes[1]!.hasHeader('SIP-If-Match'), false, 'republished from scratch');
  });

  test('signed out: every row says so, and keeps when it was last known', async () => {
    const uri = 'sip:bob@example.org';
    const { bench, signIn, events, row } = setup([uri]);
    await signIn();
    bench.notify(lastSubscribe(bench, uri), { state: 'active', body: PIDF_OPEN });
    await settle();
    const known = row(uri).updatedAt;
    events.emit('account.state', { accountId: ALICE, state: 'signed-out' });
    assert.equal(row(uri).reason, 'signed-out');
    assert.equal(row(uri).updatedAt, known);
  });

  test('own presence: setOwn publishes (modify with SIP-If-Match), emits presence.own; appear-offline publishes closed', async () => {
    const { bench, signIn, service, seen } = setup([]);
    await signIn();
    service.setOwn('do-not-disturb', 'Writing');
    await settle();
    const modify = bench.seen.filter((r) => r.method === 'PUBLISH').at(-1)!;
    assert.equal(modify.header('SIP-If-Match'), 'e1');
    assert.match(modify.body, /<es:activity>busy<\/es:activity>/);
    assert.match(modify.body, /<note>Writing<\/note>/);
    assert.deepEqual(seen.filter((e) => e.name === 'presence.own').at(-1)!.payload, { status: 'do-not-disturb', note: 'Writing', idle: false });
    service.setOwn('appear-offline', 'hidden');
    await settle();
    const hidden = bench.seen.filter((r) => r.method === 'PUBLISH').at(-1)!;
    assert.match(hidden.body, /<basic>closed<\/basic>/);
    assert.doesNotMatch(hidden.body, /hidden/, 'the note is not published while invisible');
  });

  test('watcher information: NOTIFY with a pending watcher → presence.watcher event; 489 → unavailable', async () => {
    const one = setup([], { watcherInfo: true });
    await one.signIn();
    const winfo = one.bench.seen.find((r) => r.header('Event') === 'presence.winfo')!;
    assert.equal(winfo.uri, ALICE);
    assert.equal(winfo.header('Accept'), 'application/watcherinfo+xml');
    const doc =
      '<?xml version="1.0"?><watcherinfo xmlns="urn:ietf:params:xml:ns:watcherinfo" version="0" state="full">' +
      `<watcher-list resource="${ALICE}" package="presence"><watcher id="w1" event="subscribe" status="pending">sip:eve@example.org</watcher></watcher-list></watcherinfo>`;
    one.bench.notify(winfo, { state: 'active', body: doc, contentType: 'application/watcherinfo+xml' });
    await settle();
    assert.deepEqual(one.seen.filter((e) => e.name === 'presence.watcher').map((e) => e.payload), [{ watcher: 'sip:eve@example.org', status: 'pending', event: 'subscribe' }]);
    assert.equal(one.service.capabilities().watcherInfo, 'available');

    const two = setup([], { watcherInfo: true });
    two.bench.script = (r) => (r.method === 'PUBLISH' ? accept(r, [['SIP-ETag', 'e1']]) : reject(r, 489, 'Bad Event'));
    await two.signIn();
    const caps = two.service.capabilities();
    assert.equal(caps.watcherInfo, 'unavailable');
    assert.match(caps.watcherInfoDetail!, /489/);
    assert.equal(caps.blockingHidesPresence, false);
    assert.match(caps.blockingNote, /does not hide your presence/);
  });
});
