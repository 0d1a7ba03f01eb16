// The emulated LCS 2005 SP1 deployment as a federated partner sees it: one process playing the Access Proxy (mutual
// TLS on 5061, peer identity by `_sipfederationtls._tcp`, protocol.md §1, §2.1–§2.2), the home server (presence
// notifier with the ACL, §2.7, §2.10) and its users' Communicator clients (session IM, §2.5–§2.6). Only what crosses
// the federation link is emulated; what happens inside an LCS pool is not. README.md lists every switch.
import { Resolver } from 'node:dns/promises';
import { randomBytes } from 'node:crypto';
import { Dialog, dialogKey } from '../../../electron/sip/dialog/dialog';
import { newEpid } from '../../../electron/sip/dialog/epid';
import { parseNameAddr } from '../../../electron/sip/message/headers/name-addr';
import type { SipRequest, SipResponse } from '../../../electron/sip/message/message';
import { createRequest, createResponse } from '../../../electron/sip/transaction/message-api';
import type { ServerTransaction } from '../../../electron/sip/transaction/server-transaction';
import { parseKeyboardActivity, buildKeyboardActivity, KEYBOARD_ACTIVITY_CONTENT_TYPE } from '../../../electron/sip/simple/keyboard-activity';
import { StreamTransport } from '../../../electron/sip/transport/stream-transport';
import { checkSipIdentity } from '../../../electron/sip/transport/tls-identity';
import type { InboundData, TransportTarget } from '../../../electron/sip/transport/transport';
import { answerImSdp, decodeMsgr, encodeMsgr, imSdp, mediaLines, msgrParam, msTextFormatHeader, parseMsTextFormat, presenceDocument } from './bodies';
import { SipEndpoint } from './sip-endpoint';
import { DEFAULT_SWITCHES } from './types';
import type {
  ConnectionEvent, ImSdpForm, LcsPresence, LcsStats, LcsSwitches, OpenImRequest, OpenImResult, ReceivedRecord, RequestResult,
  SendImRequest, SessionInfo, SubscribeEvent, SwitchPatch, TerminateReason, WatcherInfo,
} from './types';

export class LcsError extends Error {
  override readonly name = 'LcsError';
  constructor(message: string, readonly status = 400) {
    super(message);
  }
}

export interface LcsEdgeOptions {
  readonly domain: string;
  readonly edgeFqdn: string;
  readonly address: string;
  readonly port: number;
  /** PEM key and certificate the edge presents, as server and as client (protocol.md §2.1 items 3–4). */
  readonly key: string;
  readonly cert: string;
  /** PEM of the CA partners' certificates must chain to. */
  readonly ca: string;
  /** "127.0.0.10:53": where `_sipfederationtls._tcp.<partner>` is looked up. */
  readonly dnsServer: string;
  readonly log?: (line: string) => void;
}

interface UserState {
  readonly name: string;
  readonly aor: string;
  readonly epid: string;
  presence: LcsPresence;
  switches: LcsSwitches;
  readonly received: Array<ReceivedRecord & { status?: number }>;
}

interface Session {
  readonly id: string;
  readonly user: UserState;
  readonly peer: string;
  readonly direction: 'incoming' | 'outgoing';
  readonly sdpForm: ImSdpForm;
  dialog: Dialog;
  state: 'confirmed' | 'terminated';
}

interface Watcher {
  readonly user: UserState;
  readonly watcher: string;
  readonly accept: readonly string[];
  readonly blocked: boolean;
  dialog: Dialog;
  expiresAt: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  notifies: number;
  ended: boolean;
}

type DialogEntry = { kind: 'im'; session: Session } | { kind: 'presence'; watcher: Watcher };

const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, MESSAGE, INFO, SUBSCRIBE, NOTIFY, BENOTIFY';
const MAX_TIMER_MS = 2 ** 31 - 1;

const tag = () => randomBytes(5).toString('hex');
const lower = (s: string) => s.toLowerCase();

/** `sip:user@host` in lower case (LCS varies URI case, protocol.md §2.3 item 16), from a URI or a name-addr. */
export function aorOf(text: string): string {
  const na = parseNameAddr(text.includes('<') ? text : `<${text}>`);
  const u = na.uri;
  return `sip:${u.user ? `${u.user.toLowerCase()}@` : ''}${u.host.toLowerCase()}`;
}

function domainOf(aor: string): string {
  return aor.slice(aor.indexOf('@') + 1);
}

function baseType(contentType: string | undefined): string {
  return lower((contentType ?? '').split(';')[0]?.trim() ?? '');
}

/** ACE scope match (protocol.md §2.10 item 50): a user (`sip:x@d`) or a whole domain (`d`). */
function matches(list: readonly string[], watcher: string): boolean {
  const d = domainOf(watcher);
  return list.some((e) => {
    const x = lower(e.trim());
    return x === watcher || x === `sip:${watcher.replace(/^sip:/, '')}` || x === d;
  });
}

export class LcsEdge {
  readonly users = new Map<string, UserState>();
  private readonly sessions = new Map<string, Session>();
  private readonly dialogs = new Map<string, DialogEntry>();
  private readonly subscribes: SubscribeEvent[] = [];
  private readonly connections = new Map<string, ConnectionEvent>();
  private readonly identityRefusals: Array<{ at: number; fromDomain: string; presented: string }> = [];
  private handshakeFailures = 0;
  private seq = 0;
  private readonly resolver = new Resolver({ timeout: 1000, tries: 2 });
  private readonly targets = new Map<string, { target: TransportTarget; until: number }>();
  private readonly transport: StreamTransport;
  private readonly ep: SipEndpoint;
  private readonly log: (line: string) => void;

  constructor(private readonly opts: LcsEdgeOptions) {
    this.log = opts.log ?? (() => undefined);
    this.resolver.setServers([opts.dnsServer]);
    this.transport = new StreamTransport({
      // protocol.md §2.1 items 2–4: the same certificate on every connection, as server and as client; partners are
      // checked against the testbed CA only; the server certificate may name the SRV target (item 5).
      tls: { extraCaCertificates: [opts.ca], useSystemCa: false, clientCertificate: { key: opts.key, cert: opts.cert }, acceptSrvTargetName: true },
      localAddress: opts.address,
      // §2.13 item 59: edge to edge, no CRLF keep-alives.
      keepAliveIntervalMs: 0,
    });
    this.ep = new SipEndpoint({
      transport: this.transport,
      sentBy: { host: opts.edgeFqdn, port: opts.port },
      onRequest: (req, tx, inbound) => void this.onRequest(req, tx, inbound).catch((err: unknown) => {
        this.log(`handling ${req.method} failed: ${(err as Error).stack ?? String(err)}`);
        if (tx && !tx.lastSent) tx.respond(createResponse(req, 500, 'Server Internal Error'));
      }),
      onError: (err) => {
        if (/inbound TLS handshake failed/.test(err.message)) this.handshakeFailures++;
      },
      log: this.log,
    });
  }

  async start(): Promise<void> {
    await this.transport.listen({
      transport: 'tls',
      host: this.opts.address,
      port: this.opts.port,
      // §2.1 item 2: mutual TLS. OpenSSL refuses a client certificate that does not chain to the CA or lacks EKU
      // clientAuth; the name is checked per request against the From domain (peerIdentity).
      tls: { key: this.opts.key, cert: this.opts.cert, ca: [this.opts.ca], requestCert: true, rejectUnauthorized: true },
    });
  }

  async stop(): Promise<void> {
    for (const e of this.dialogs.values()) if (e.kind === 'presence' && e.watcher.timer) clearTimeout(e.watcher.timer);
    await this.ep.close();
  }

  // ---- users --------------------------------------------------------------------------------------------------

  createUser(name: string, init: { presence?: LcsPresence; switches?: Partial<LcsSwitches> } = {}): { name: string; aor: string } {
    if (!/^[a-z0-9][a-z0-9._-]{0,62}$/i.test(name)) throw new LcsError(`invalid user name ${name}`);
    const key = lower(name);
    if (this.users.has(key)) throw new LcsError(`user ${name} exists`, 409);
    const u: UserState = {
      name: key,
      aor: `sip:${key}@${this.opts.domain}`,
      epid: newEpid().slice(0, 10),
      presence: init.presence ?? { availability: 'available' },
      switches: { ...DEFAULT_SWITCHES, ...init.switches },
      received: [],
    };
    this.users.set(key, u);
    return { name: key, aor: u.aor };
  }

  deleteUser(name: string): void {
    const u = this.user(name);
    for (const [k, e] of this.dialogs) {
      if ((e.kind === 'im' ? e.session.user : e.watcher.user) !== u) continue;
      if (e.kind === 'presence' && e.watcher.timer) clearTimeout(e.watcher.timer);
      this.dialogs.delete(k);
    }
    for (const [id, s] of this.sessions) if (s.user === u) this.sessions.delete(id);
    this.users.delete(u.name);
  }

  user(name: string): UserState {
    const u = this.users.get(lower(name));
    if (!u) throw new LcsError(`no LCS user ${name}`, 404);
    return u;
  }

  /** Applies a patch; a `null` value puts that switch back to its default (JSON has no undefined). */
  setSwitches(name: string, patch: SwitchPatch): LcsSwitches {
    const u = this.user(name);
    const next: Record<string, unknown> = { ...u.switches };
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) {
        const d = (DEFAULT_SWITCHES as unknown as Record<string, unknown>)[k];
        if (d === undefined) delete next[k];
        else next[k] = d;
      } else if (v !== undefined) next[k] = v;
    }
    u.switches = next as unknown as LcsSwitches;
    return u.switches;
  }

  received(name: string, after = 0): ReceivedRecord[] {
    return this.user(name).received.filter((r) => r.seq > after);
  }

  sessionsOf(name: string): SessionInfo[] {
    const u = this.user(name);
    return [...this.sessions.values()].filter((s) => s.user === u).map((s) => this.info(s));
  }

  watchersOf(name: string): WatcherInfo[] {
    const u = this.user(name);
    const out: WatcherInfo[] = [];
    for (const e of this.dialogs.values()) {
      if (e.kind !== 'presence' || e.watcher.user !== u || e.watcher.ended) continue;
      out.push({ watcher: e.watcher.watcher, callId: e.watcher.dialog.id.callId, expiresAt: e.watcher.expiresAt, blocked: e.watcher.blocked, notifies: e.watcher.notifies });
    }
    return out;
  }

  stats(): LcsStats {
    const open = new Set(this.transport.connectionIds());
    const connections = [...this.connections.values()];
    return {
      now: Date.now(),
      subscribes: [...this.subscribes],
      connections,
      openConnections: connections.filter((c) => open.has(c.id)),
      handshakeFailures: this.handshakeFailures,
      identityRefusals: [...this.identityRefusals],
    };
  }

  // ---- presence (§2.7, §2.10) ------------------------------------------------------------------------------------

  /** Changes a user's presence and tells its current watchers (NOTIFY or BENOTIFY per its switch). */
  async setPresence(name: string, p: LcsPresence): Promise<number> {
    const u = this.user(name);
    u.presence = p;
    const ws = this.watchersFor(u).filter((w) => !w.blocked);
    await Promise.all(ws.map((w) => this.notify(w, { state: 'active' })));
    return ws.length;
  }

  /** Ends every current subscription to the user with `Subscription-State: terminated;reason=<reason>`. */
  async endSubscriptions(name: string, reason: TerminateReason): Promise<number> {
    const ws = this.watchersFor(this.user(name));
    await Promise.all(ws.map((w) => this.notify(w, { state: 'terminated', reason })));
    return ws.length;
  }

  private watchersFor(u: UserState): Watcher[] {
    const out: Watcher[] = [];
    for (const e of this.dialogs.values()) if (e.kind === 'presence' && e.watcher.user === u && !e.watcher.ended) out.push(e.watcher);
    return out;
  }

  private async handleSubscribe(u: UserState, req: SipRequest, tx: ServerTransaction, rec: Rec): Promise<void> {
    const sw = u.switches;
    const watcher = aorOf(req.header('From') ?? '');
    const event = lower(req.header('Event')?.split(';')[0]?.trim() ?? '');
    const expiresHeader = req.header('Expires');
    const requested = expiresHeader !== undefined && /^\d+$/.test(expiresHeader.trim()) ? Number(expiresHeader.trim()) : 3600;
    const stat = (status: number) => {
      this.subscribes.push({ at: Date.now(), watcher, presentity: u.aor, callId: req.callId, inDialog: false, expires: expiresHeader !== undefined ? requested : undefined, status });
    };
    if (event !== 'presence') {
      // RFC 6665 §4.2.1 / protocol.md §2.8 item 48: unknown event package.
      stat(489);
      return this.reply(tx, req, rec, 489, 'Bad Event', { headers: [['Allow-Events', 'presence']] });
    }
    const unsupported = req.headers('Proxy-Require').concat(req.headers('Require')).filter((x) => lower(x) !== 'ms-benotify');
    if (unsupported.length > 0) {
      stat(420);
      return this.reply(tx, req, rec, 420, 'Bad Extension', { headers: [['Unsupported', unsupported.join(', ')]] });
    }
    if (sw.subscribeStatus !== undefined) {
      // §2.7 item 42, §2.8 item 47: 403 (ACL), 404 (no such user), 604 (never has presence).
      stat(sw.subscribeStatus);
      return this.reply(tx, req, rec, sw.subscribeStatus);
    }
    if (matches(sw.denyWatchers, watcher)) {
      stat(403);
      return this.reply(tx, req, rec, 403, 'Forbidden');
    }
    const blocked = matches(sw.blockWatchers, watcher);
    const toTag = tag();
    const dialog = Dialog.fromUasRequest(req, toTag);
    const granted = requested === 0 ? 0 : (sw.grantExpires ?? requested);
    const w: Watcher = {
      user: u,
      watcher,
      accept: req.headers('Accept'),
      blocked,
      dialog,
      expiresAt: Date.now() + granted * 1000,
      timer: undefined,
      notifies: 0,
      ended: false,
    };
    const supported = req.headers('Supported').map(lower);
    const piggy = requested > 0 && (sw.piggyback === 'always' || (sw.piggyback === 'auto' && supported.includes('ms-piggyback-first-notify')));
    const doc = this.document(w);
    const headers: Array<[string, string]> = [
      ['Contact', this.poolContact()],
      ['Expires', String(granted)],
      ...req.headers('Record-Route').map((r): [string, string] => ['Record-Route', r]),
    ];
    if (sw.eventIn200) headers.push(['Event', 'presence']);
    if (piggy) {
      // [MS-SIP] §3.4, protocol.md §3.1: the first state rides in the 200.
      headers.push(['subscription-state', `active;expires=${granted}`], ['ms-piggyback-cseq', '1'], ['Supported', 'ms-piggyback-first-notify']);
    }
    if (requested > 0) this.dialogs.set(dialog.key, { kind: 'presence', watcher: w });
    const respond = () => {
      stat(200);
      this.reply(tx, req, rec, 200, 'OK', { toTag, headers, ...(piggy ? { body: doc.body, contentType: doc.contentType } : {}) });
    };
    if (requested === 0) {
      // A fetch (RFC 6665 §4.4.3): the state, then the end.
      respond();
      await this.notify(w, { state: 'terminated', reason: 'timeout' });
      return;
    }
    if (sw.notifyBefore200) {
      // §2.7 item 39: the NOTIFY reaches the watcher (and is answered) before the 200 is sent.
      await this.notify(w, { state: 'active' });
      respond();
    } else {
      respond();
      if (!piggy) await this.notify(w, { state: 'active' });
    }
    if (sw.terminate) {
      await this.notify(w, { state: 'terminated', reason: sw.terminate });
      return;
    }
    this.armExpiry(w, granted);
  }

  private async handleResubscribe(w: Watcher, req: SipRequest, tx: ServerTransaction, rec: Rec): Promise<void> {
    const expiresHeader = req.header('Expires');
    const requested = expiresHeader !== undefined && /^\d+$/.test(expiresHeader.trim()) ? Number(expiresHeader.trim()) : 3600;
    const granted = requested === 0 ? 0 : (w.user.switches.grantExpires ?? requested);
    this.subscribes.push({ at: Date.now(), watcher: w.watcher, presentity: w.user.aor, callId: req.callId, inDialog: true, expires: expiresHeader !== undefined ? requested : undefined, status: 200 });
    const headers: Array<[string, string]> = [['Contact', this.poolContact()], ['Expires', String(granted)]];
    if (w.user.switches.eventIn200) headers.push(['Event', 'presence']);
    this.reply(tx, req, rec, 200, 'OK', { headers });
    if (requested === 0) {
      await this.notify(w, { state: 'terminated', reason: 'timeout' });
      return;
    }
    // RFC 6665 §4.2.1.2: a refresh is followed by a NOTIFY with the current state.
    w.expiresAt = Date.now() + granted * 1000;
    this.armExpiry(w, granted);
    await this.notify(w, { state: 'active' });
  }

  private armExpiry(w: Watcher, seconds: number): void {
    if (w.timer) clearTimeout(w.timer);
    w.timer = setTimeout(() => void this.notify(w, { state: 'terminated', reason: 'timeout' }), Math.min(seconds * 1000, MAX_TIMER_MS));
    w.timer.unref();
  }

  private document(w: Watcher): { contentType: string; body: string } {
    // §2.10 item 51: a politely blocked watcher sees the user offline, nothing else.
    const p: LcsPresence = w.blocked ? { availability: 'offline' } : w.user.presence;
    return presenceDocument(w.user.switches.presenceFormat, w.accept, w.user.aor, p);
  }

  private async notify(w: Watcher, s: { state: 'active' } | { state: 'terminated'; reason: TerminateReason }): Promise<void> {
    if (w.ended) return;
    if (s.state === 'terminated') {
      w.ended = true;
      if (w.timer) clearTimeout(w.timer);
      this.dialogs.delete(w.dialog.key);
    }
    const method = w.user.switches.notifyMethod;
    const remaining = Math.max(0, Math.round((w.expiresAt - Date.now()) / 1000));
    const state = s.state === 'active' ? `active;expires=${remaining}` : `terminated;reason=${s.reason}${s.reason === 'probation' || s.reason === 'giveup' ? ';retry-after=3600' : ''}`;
    const withBody = s.state === 'active' || (s.reason !== 'rejected' && s.reason !== 'noresource');
    const doc = this.document(w);
    const req = w.dialog.createRequest(method, {
      headers: [['Event', 'presence'], ['Subscription-State', state], ['Contact', this.poolContact()]],
      ...(withBody ? { body: doc.body, contentType: doc.contentType } : {}),
    });
    w.notifies++;
    const target = await this.peerTarget(domainOf(w.watcher));
    if (method === 'BENOTIFY') {
      // [MS-SIP] §3.5.5.3: a BENOTIFY gets no response, so it is sent without a transaction.
      await this.ep.sendStateless(req, target);
      return;
    }
    const { response } = await this.ep.request(req, target);
    // RFC 6665 §4.2.2: a failure response to NOTIFY ends the subscription.
    if (response.status >= 300 && !w.ended) {
      w.ended = true;
      if (w.timer) clearTimeout(w.timer);
      this.dialogs.delete(w.dialog.key);
    }
  }

  private poolContact(): string {
    return `<sip:${this.opts.edgeFqdn}:${this.opts.port};transport=tls>`;
  }

  // ---- IM (§2.5, §2.6) --------------------------------------------------------------------------------------------

  /** The LCS user opens an IM session: INVITE with IM SDP, the first text in Ms-Text-Format (§2.5 item 27). */
  async openIm(name: string, r: OpenImRequest): Promise<OpenImResult> {
    const u = this.user(name);
    const to = aorOf(r.to);
    const form = r.sdpForm ?? 'message';
    const headers: Array<[string, string]> = [
      ['Max-Forwards', '70'],
      ['From', `<${u.aor}>;tag=${tag()};epid=${u.epid}`],
      ['To', `<${to}>`],
      ['Call-ID', `${randomBytes(10).toString('hex')}@${this.opts.edgeFqdn}`],
      ['CSeq', '1 INVITE'],
      ['Contact', this.userContact(u)],
      // The Access Proxy stays on the path of every dialog it carries (protocol.md §2.3 item 17).
      ['Record-Route', `<sip:${this.opts.edgeFqdn}:${this.opts.port};transport=tls;lr>`],
      ['Allow', ALLOW],
    ];
    const inHeader = r.text !== undefined && r.msTextFormat !== false;
    if (inHeader) headers.push(['Ms-Text-Format', msTextFormatHeader(r.text as string, r.msgr)]);
    const invite = createRequest({ method: 'INVITE', uri: to, headers, body: imSdp(form, to, this.opts.address), contentType: 'application/sdp' });
    const target = await this.peerTarget(domainOf(to));
    const { response } = await this.ep.request(invite, target);
    const peerSupportsMsTextFormat = response.headers('Supported').map(lower).includes('ms-text-format');
    if (response.status < 200 || response.status >= 300) {
      return { status: response.status, reason: response.reason, peerSupportsMsTextFormat, textResentAsMessage: false, responseWire: response.serialize() };
    }
    const dialog = this.withoutOwnRoutes(Dialog.fromUacResponse(invite, response));
    const ack = dialog.createRequest('ACK', { cseq: invite.cseq.seq });
    await this.ep.sendStateless(ack, target);
    const session: Session = { id: `s${++this.seq}`, user: u, peer: to, direction: 'outgoing', sdpForm: form, dialog, state: 'confirmed' };
    this.sessions.set(session.id, session);
    this.dialogs.set(dialog.key, { kind: 'im', session });
    let textResentAsMessage = false;
    if (r.text !== undefined && (!inHeader || !peerSupportsMsTextFormat)) {
      // §2.5 item 27: without `Supported: ms-text-format` in the 200 the text goes as the first in-dialog MESSAGE.
      await this.sendIm(session.id, { text: r.text, ...(r.msgr ? { msgr: r.msgr } : {}) });
      textResentAsMessage = inHeader;
    }
    return { status: response.status, reason: response.reason, sessionId: session.id, peerSupportsMsTextFormat, textResentAsMessage, responseWire: response.serialize() };
  }

  async sendIm(sessionId: string, m: SendImRequest): Promise<RequestResult> {
    const ct = `${m.contentType ?? 'text/plain'}; charset=UTF-8${m.msgr ? `;msgr=${encodeMsgr(m.msgr)}` : ''}`;
    return this.inDialog(sessionId, 'MESSAGE', { body: m.text, contentType: ct });
  }

  async typing(sessionId: string, state: 'type' | 'idle'): Promise<RequestResult> {
    return this.inDialog(sessionId, 'INFO', { body: buildKeyboardActivity(state), contentType: KEYBOARD_ACTIVITY_CONTENT_TYPE });
  }

  async bye(sessionId: string): Promise<RequestResult> {
    const r = await this.inDialog(sessionId, 'BYE', {});
    this.endSession(this.session(sessionId));
    return r;
  }

  private session(id: string): Session {
    const s = this.sessions.get(id);
    if (!s) throw new LcsError(`no IM session ${id}`, 404);
    return s;
  }

  private async inDialog(sessionId: string, method: string, opts: { body?: string; contentType?: string }): Promise<RequestResult> {
    const s = this.session(sessionId);
    if (s.state !== 'confirmed') throw new LcsError(`IM session ${sessionId} has ended`, 409);
    const req = s.dialog.createRequest(method, opts);
    const { response } = await this.ep.request(req, await this.peerTarget(domainOf(s.peer)));
    // §2.5 item 29: 408, 480 or 481 in a dialog means the dialog is dead.
    if ([408, 480, 481].includes(response.status)) this.endSession(s);
    return { status: response.status, reason: response.reason, responseWire: response.serialize() };
  }

  private endSession(s: Session): void {
    s.state = 'terminated';
    this.dialogs.delete(s.dialog.key);
  }

  private userContact(u: UserState): string {
    return `<sip:${u.name}@${this.opts.edgeFqdn}:${this.opts.port};transport=tls>`;
  }

  private async handleInvite(u: UserState, req: SipRequest, tx: ServerTransaction, rec: Rec): Promise<void> {
    const sw = u.switches;
    // §2.12: 480 when the user is offline, 486 when it does not want to be disturbed.
    if (u.presence.availability === 'offline') return this.reply(tx, req, rec, 480, 'Temporarily Unavailable');
    if (u.presence.availability === 'do-not-disturb') return this.reply(tx, req, rec, 486, 'Busy Here');
    const offer = baseType(req.header('Content-Type')) === 'application/sdp' ? mediaLines(req.body) : [];
    rec.media = offer;
    const from = aorOf(req.header('From') ?? '');
    const answer = answerImSdp(offer, sw.imSdpForms, from, this.opts.address);
    const mtf = req.header('Ms-Text-Format');
    if (mtf !== undefined) {
      const parsed = parseMsTextFormat(mtf);
      if (parsed.text !== undefined) rec.text = parsed.text;
      if (parsed.msgr !== undefined) this.addMsgr(rec, parsed.msgr);
    }
    if (!answer) {
      // §2.5 item 32: 488 with a Warning naming what is taken; or 415 (§2.12).
      const forms = sw.imSdpForms.map((f) => `m=${f}`).join(', ') || 'nothing';
      return this.reply(tx, req, rec, sw.inviteRejectStatus, undefined, {
        headers: sw.inviteRejectStatus === 488 ? [['Warning', `399 ${this.opts.edgeFqdn} "IM sessions only: ${forms}"`]] : [['Accept', 'application/sdp']],
      });
    }
    const toTag = tag();
    const dialog = Dialog.fromUasRequest(req, toTag, u.epid);
    const session: Session = { id: `s${++this.seq}`, user: u, peer: from, direction: 'incoming', sdpForm: answer.form, dialog, state: 'confirmed' };
    this.sessions.set(session.id, session);
    this.dialogs.set(dialog.key, { kind: 'im', session });
    rec.sessionId = session.id;
    const headers: Array<[string, string]> = [
      ['Record-Route', `<sip:${this.opts.edgeFqdn}:${this.opts.port};transport=tls;lr>`],
      ...req.headers('Record-Route').map((r): [string, string] => ['Record-Route', r]),
      ['Contact', this.userContact(u)],
      ['Allow', ALLOW],
    ];
    if (sw.msTextFormat) headers.push(['Supported', 'ms-text-format']);
    // The To tag carries the user's epid too (protocol.md §2.3 item 15, §3.4).
    this.reply(tx, req, rec, 200, 'OK', { toTag: `${toTag};epid=${u.epid}`, headers, body: answer.sdp, contentType: 'application/sdp' });
  }

  private handleInSession(s: Session, req: SipRequest, tx: ServerTransaction, rec: Rec): void {
    rec.sessionId = s.id;
    const sw = s.user.switches;
    switch (req.method) {
      case 'MESSAGE': {
        const ct = req.header('Content-Type');
        if (!sw.messageContentTypes.includes(baseType(ct))) {
          // §2.5 item 28: a type the client does not take.
          return this.reply(tx, req, rec, 415, 'Unsupported Media Type', { headers: [['Accept', sw.messageContentTypes.join(', ')]] });
        }
        rec.text = req.body;
        const msgr = msgrParam(ct);
        if (msgr) this.addMsgr(rec, msgr);
        return this.reply(tx, req, rec, 200, 'OK');
      }
      case 'INFO': {
        try {
          rec.typing = parseKeyboardActivity(req.body);
        } catch {
          /* typing is best-effort (§2.6 item 35): still 200 */
        }
        return this.reply(tx, req, rec, 200, 'OK');
      }
      case 'BYE':
        this.endSession(s);
        return this.reply(tx, req, rec, 200, 'OK');
      case 'INVITE':
        return this.reply(tx, req, rec, 488, 'Not Acceptable Here', { headers: [['Warning', `399 ${this.opts.edgeFqdn} "no re-INVITE in IM sessions"`]] });
      default:
        return this.reply(tx, req, rec, 405, 'Method Not Allowed', { headers: [['Allow', ALLOW]] });
    }
  }

  private addMsgr(rec: Rec, value: string): void {
    const d = decodeMsgr(value);
    if (!d) return;
    rec.msgr = d.text;
    rec.msgrFormat = d.format;
  }

  // ---- inbound dispatch ------------------------------------------------------------------------------------------

  private async onRequest(req: SipRequest, tx: ServerTransaction | undefined, inbound: InboundData): Promise<void> {
    this.noteConnection(inbound);
    if (req.method === 'ACK') {
      const e = this.dialogFor(req);
      if (e?.kind === 'im') this.record(e.session.user, req).sessionId = e.session.id;
      return;
    }
    if (!tx) return;
    if (req.method === 'BENOTIFY') return; // never answered ([MS-SIP] §3.5.5.3)
    if (req.method === 'CANCEL') {
      tx.respond(createResponse(req, 481, 'Call/Transaction Does Not Exist'));
      return;
    }
    const fromDomain = domainOf(aorOf(req.header('From') ?? ''));
    const identity = await this.peerIdentity(inbound, fromDomain);
    if (!identity.ok) {
      this.identityRefusals.push({ at: Date.now(), fromDomain, presented: identity.detail });
      this.log(`refused ${req.method} from ${fromDomain}: ${identity.detail}`);
      tx.respond(createResponse(req, 403, 'Peer identity mismatch', { toTag: tag() }));
      return;
    }
    if (req.to.tag) {
      const e = this.dialogFor(req);
      if (!e) {
        tx.respond(createResponse(req, 481, 'Call/Transaction Does Not Exist'));
        return;
      }
      if (e.kind === 'im') {
        if (e.session.dialog.receiveRequest(req).ok === false) return void tx.respond(createResponse(req, 500, 'CSeq out of order'));
        return this.handleInSession(e.session, req, tx, this.record(e.session.user, req));
      }
      const rec = this.record(e.watcher.user, req);
      if (req.method === 'SUBSCRIBE') return this.handleResubscribe(e.watcher, req, tx, rec);
      return this.reply(tx, req, rec, 405, 'Method Not Allowed', { headers: [['Allow', ALLOW]] });
    }
    const ruri = req.requestUri;
    const host = lower(ruri.host);
    if (![this.opts.domain, this.opts.edgeFqdn, this.opts.address].includes(host)) {
      tx.respond(createResponse(req, 403, 'Relaying denied', { toTag: tag() }));
      return;
    }
    if (req.method === 'OPTIONS' && !ruri.user) {
      // §2.5 item 31: capabilities, with the IM m-line.
      tx.respond(createResponse(req, 200, 'OK', { toTag: tag(), headers: [['Allow', ALLOW], ['Accept', 'application/sdp']], body: imSdp('message', aorOf(req.header('From') ?? ''), this.opts.address), contentType: 'application/sdp' }));
      return;
    }
    const u = ruri.user ? this.users.get(lower(ruri.user)) : undefined;
    if (!u) {
      tx.respond(createResponse(req, 404, 'Not Found', { toTag: tag() }));
      return;
    }
    const rec = this.record(u, req);
    switch (req.method) {
      case 'INVITE':
        return this.handleInvite(u, req, tx, rec);
      case 'SUBSCRIBE':
        return this.handleSubscribe(u, req, tx, rec);
      case 'MESSAGE': {
        if (!u.switches.acceptPageMode) return this.reply(tx, req, rec, 415, 'Unsupported Media Type', { headers: [['Accept', 'application/sdp']] });
        if (u.presence.availability === 'offline') return this.reply(tx, req, rec, 480, 'Temporarily Unavailable');
        rec.text = req.body;
        return this.reply(tx, req, rec, 200, 'OK');
      }
      case 'OPTIONS':
        return this.reply(tx, req, rec, 200, 'OK', { headers: [['Allow', ALLOW]], body: imSdp('message', aorOf(req.header('From') ?? ''), this.opts.address), contentType: 'application/sdp' });
      default:
        return this.reply(tx, req, rec, 405, 'Method Not Allowed', { headers: [['Allow', ALLOW]] });
    }
  }

  private dialogFor(req: SipRequest): DialogEntry | undefined {
    const localTag = req.to.tag;
    const remoteTag = req.from.tag;
    if (!localTag || !remoteTag) return undefined;
    return this.dialogs.get(dialogKey({ callId: req.callId, localTag, remoteTag }));
  }

  private record(u: UserState, req: SipRequest): Rec {
    const ct = req.header('Content-Type');
    const rec: Rec = {
      seq: ++this.seq,
      at: Date.now(),
      method: req.method,
      from: aorOf(req.header('From') ?? ''),
      to: aorOf(req.header('To') ?? ''),
      callId: req.callId,
      cseq: req.cseq.seq,
      wire: req.serialize(),
      ...(ct !== undefined ? { contentType: ct } : {}),
      body: req.body,
    };
    u.received.push(rec);
    return rec;
  }

  private reply(
    tx: ServerTransaction,
    req: SipRequest,
    rec: Rec,
    status: number,
    reason?: string,
    opts: { toTag?: string; headers?: Array<[string, string]>; body?: string; contentType?: string } = {},
  ): void {
    rec.status = status;
    const res: SipResponse = createResponse(req, status, reason, { toTag: opts.toTag ?? tag(), ...opts });
    this.ep.respond(tx, res);
  }

  // ---- federation: peer identity and routing (§2.1, §2.2) ---------------------------------------------------------

  private noteConnection(inbound: InboundData): void {
    if (this.connections.has(inbound.connectionId)) return;
    const info = this.transport.connectionInfo(inbound.connectionId);
    if (!info || info.direction !== 'inbound') return;
    const subject = info.clientChain?.[0]?.subject ?? '';
    this.connections.set(inbound.connectionId, { id: inbound.connectionId, at: Date.now(), remoteAddress: inbound.remoteAddress, peer: /(?:^|, )CN=([^,]+)/.exec(subject)?.[1] ?? '' });
  }

  /**
   * Does the TLS peer speak for `fromDomain`? The certificate (client certificate on connections the partner opened,
   * server certificate on ours) must name the domain, or the target of its `_sipfederationtls._tcp` SRV record —
   * the rule Microsoft edges apply (protocol.md §2.1 item 5, §4 item 5) — per RFC 5922 §7.1 (SAN first, CN only
   * without SAN).
   */
  private async peerIdentity(inbound: InboundData, fromDomain: string): Promise<{ ok: boolean; detail: string }> {
    const info = this.transport.connectionInfo(inbound.connectionId);
    if (!info) return { ok: false, detail: 'connection already closed' };
    if (fromDomain === this.opts.domain) return { ok: false, detail: `a partner cannot speak for ${this.opts.domain}` };
    if (info.direction === 'outbound') {
      const named = lower(info.tlsServerName ?? '');
      return named === fromDomain ? { ok: true, detail: `our connection to ${named}` } : { ok: false, detail: `request from ${fromDomain} on our connection to ${named}` };
    }
    const leaf = info.clientChain?.[0];
    if (!leaf) return { ok: false, detail: 'no client certificate' };
    const dnsNames = leaf.san.filter((s) => s.startsWith('DNS:')).map((s) => s.slice(4));
    const uris = leaf.san.filter((s) => s.startsWith('URI:')).map((s) => s.slice(4));
    const cn = /(?:^|, )CN=([^,]+)/.exec(leaf.subject)?.[1];
    const srvTargets = await this.srvTargets(fromDomain).catch(() => []);
    const r = checkSipIdentity({ dnsNames, uris, ...(cn !== undefined ? { commonName: cn } : {}) }, fromDomain, srvTargets);
    return { ok: r.ok, detail: r.detail };
  }

  private async srvTargets(domain: string): Promise<string[]> {
    const recs = await this.resolver.resolveSrv(`_sipfederationtls._tcp.${domain}`);
    return recs.sort((a, b) => a.priority - b.priority || b.weight - a.weight).map((r) => lower(r.name));
  }

  /** Where requests for a partner domain go: its `_sipfederationtls._tcp` SRV target (§2.2 item 9), then A. */
  private async peerTarget(domain: string): Promise<TransportTarget> {
    const cached = this.targets.get(domain);
    if (cached && cached.until > Date.now()) return cached.target;
    const recs = await this.resolver.resolveSrv(`_sipfederationtls._tcp.${domain}`).catch(() => []);
    const best = recs.sort((a, b) => a.priority - b.priority || b.weight - a.weight)[0];
    if (!best) throw new LcsError(`no _sipfederationtls._tcp.${domain} SRV record: not a federated partner`, 502);
    const [address] = await this.resolver.resolve4(best.name);
    if (!address) throw new LcsError(`no address for ${best.name}`, 502);
    const target: TransportTarget = { transport: 'tls', host: address, port: best.port, tlsServerName: domain, srvTargetName: best.name };
    this.targets.set(domain, { target, until: Date.now() + 30_000 });
    return target;
  }

  /** Our own Record-Route entries are not routes for us (we are the edge and the endpoint at once). */
  private withoutOwnRoutes(d: Dialog): Dialog {
    const own = new Set([this.opts.edgeFqdn, this.opts.address].map(lower));
    const routeSet = d.routeSet.filter((r) => !own.has(lower(parseNameAddr(r, 'Route').uri.host)));
    return new Dialog({
      id: d.id,
      localUri: d.localUri,
      remoteUri: d.remoteUri,
      remoteTarget: d.remoteTarget,
      routeSet,
      localSeq: d.localSeq,
      remoteSeq: d.remoteSeq,
      localEpid: d.localEpid,
      remoteEpid: d.remoteEpid,
      secure: d.secure,
    });
  }

  private info(s: Session): SessionInfo {
    return { id: s.id, user: s.user.name, peer: s.peer, callId: s.dialog.id.callId, direction: s.direction, state: s.state, sdpForm: s.sdpForm };
  }
}

type Rec = { -readonly [K in keyof ReceivedRecord]: ReceivedRecord[K] };
