// A small SIP client for a testbed user on alpha.test (or beta.test), over TCP to its home server with digest
// authentication, built on the project's SIP core. It exercises the emulated LCS domain from the other side of the
// federation: IM sessions (INVITE with IM SDP, in-dialog MESSAGE/INFO, BYE), page-mode MESSAGE and presence
// subscriptions that accept NOTIFY before the 200 and BENOTIFY. It is test infrastructure, not Parley's client: it
// does exactly what a test tells it to, so tests can also make it misbehave.
import { randomBytes } from 'node:crypto';
import { DigestAuthenticator } from '../../../electron/sip/auth/digest';
import { Dialog } from '../../../electron/sip/dialog/dialog';
import { newEpid } from '../../../electron/sip/dialog/epid';
import type { SipRequest, SipResponse } from '../../../electron/sip/message/message';
import { createRequest, createResponse } from '../../../electron/sip/transaction/message-api';
import type { ServerTransaction } from '../../../electron/sip/transaction/server-transaction';
import { StreamTransport } from '../../../electron/sip/transport/stream-transport';
import type { TransportTarget } from '../../../electron/sip/transport/transport';
import { imSdp, msTextFormatHeader } from './bodies';
import { SipEndpoint } from './sip-endpoint';
import type { ImSdpForm, MsgrFormat } from './types';

export interface ClientUser {
  readonly user: string;
  readonly password: string;
  readonly domain: string;
}

export interface ReceivedRequest {
  readonly at: number;
  readonly request: SipRequest;
  /** What we answered (undefined: ACK, or BENOTIFY which gets no response). */
  readonly status?: number;
}

export interface InviteAnswer {
  /** Default 200. */
  readonly status?: number;
  /** `Supported: ms-text-format` in our 200 (default true). */
  readonly msTextFormat?: boolean;
}

export interface ClientSubscription {
  readonly callId: string;
  readonly fromTag: string;
  /** The final response to the initial SUBSCRIBE. */
  readonly response: SipResponse;
  dialog?: Dialog;
  /** NOTIFY and BENOTIFY requests of this subscription, in arrival order (one may precede the 200). */
  readonly notifies: SipRequest[];
  cseq: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const newTag = () => randomBytes(5).toString('hex');

export class AlphaClient {
  readonly aor: string;
  readonly epid = newEpid();
  readonly received: ReceivedRequest[] = [];
  /** How incoming INVITEs are answered. */
  inviteAnswer: InviteAnswer = {};
  private readonly ep: SipEndpoint;
  private readonly auth: DigestAuthenticator;
  private readonly target: TransportTarget;
  private readonly sentBy = { host: '127.0.0.1', port: 0 };
  private readonly subs = new Map<string, ClientSubscription>();
  private readonly dialogs = new Map<string, Dialog>();
  private contact = '';
  private readonly regCallId = randomBytes(8).toString('hex');
  private regCseq = 0;

  private constructor(
    readonly u: ClientUser,
    server: { host: string; port: number },
    private readonly log?: (line: string) => void,
  ) {
    this.aor = `sip:${u.user}@${u.domain}`;
    this.target = { transport: 'tcp', host: server.host, port: server.port };
    this.auth = new DigestAuthenticator({ username: u.user, password: u.password });
    const transport = new StreamTransport({ keepAliveIntervalMs: 0 });
    this.ep = new SipEndpoint({ transport, sentBy: this.sentBy, onRequest: (req, tx) => this.onRequest(req, tx), ...(log ? { log } : {}) });
  }

  /** Connects over TCP to the home server and REGISTERs (digest), so requests from other domains can reach us. */
  static async register(u: ClientUser, server: { host: string; port: number }, log?: (line: string) => void): Promise<AlphaClient> {
    const c = new AlphaClient(u, server, log);
    const id = await c.ep.transport.connect(c.target);
    const local = c.ep.transport.localEndpoint(id);
    if (!local) throw new Error('no local endpoint for the connection to the home server');
    c.sentBy.host = local.host;
    c.sentBy.port = local.port;
    c.contact = `<sip:${u.user}@${local.host}:${local.port};transport=tcp>`;
    const r = await c.registerOnce(600);
    if (r.status !== 200) throw new Error(`REGISTER ${c.aor}: ${r.status} ${r.reason}`);
    return c;
  }

  private registerOnce(expires: number): Promise<SipResponse> {
    // One Call-ID for every REGISTER, CSeq always increasing (RFC 3261 §10.2).
    const base = this.regCseq;
    this.regCseq += 10;
    return this.send((cseq) =>
      createRequest({
        method: 'REGISTER',
        uri: `sip:${this.u.domain}`,
        headers: this.baseHeaders('REGISTER', `<${this.aor}>`, `<${this.aor}>;tag=${newTag()};epid=${this.epid}`, this.regCallId, base + cseq).concat([
          ['Contact', this.contact],
          ['Expires', String(expires)],
        ]),
      }),
    );
  }

  async close(): Promise<void> {
    await this.registerOnce(0).catch(() => undefined);
    await this.ep.close();
  }

  private baseHeaders(method: string, to: string, from: string, callId: string, cseq: number): Array<[string, string]> {
    return [
      ['Max-Forwards', '70'],
      ['From', from],
      ['To', to],
      ['Call-ID', callId],
      ['CSeq', `${cseq} ${method}`],
      ['User-Agent', 'parley-testbed-alpha-client'],
    ];
  }

  /** Sends an out-of-dialog request, answering 401/407 once per realm (RFC 3261 §22.2, new CSeq). */
  private async send(build: (cseq: number) => SipRequest, onProvisional?: (r: SipResponse) => void): Promise<SipResponse> {
    let cseq = 1;
    for (let attempt = 0; attempt < 3; attempt++) {
      const req = build(cseq++);
      this.auth.authorize(req);
      const { response } = await this.ep.request(req, this.target, onProvisional);
      if (response.status !== 401 && response.status !== 407) return response;
      const outcome = this.auth.handleChallenge(req, response);
      if (outcome.kind !== 'retry') return response;
    }
    throw new Error('too many challenges');
  }

  // ---- IM -----------------------------------------------------------------------------------------------------

  /**
   * INVITE with IM SDP (protocol.md §2.5 item 25). `text` goes in Ms-Text-Format (item 27). `sdp` replaces the body
   * (to offer something the LCS user does not take). On 2xx the ACK is sent and the dialog returned.
   */
  async invite(to: string, opts: { sdpForm?: ImSdpForm; text?: string; msgr?: MsgrFormat; sdp?: string } = {}): Promise<{ response: SipResponse; dialog?: Dialog; request: SipRequest }> {
    const callId = randomBytes(10).toString('hex');
    const fromTag = newTag();
    let last: SipRequest | undefined;
    const response = await this.send((cseq) => {
      const headers = this.baseHeaders('INVITE', `<${to}>`, `<${this.aor}>;tag=${fromTag};epid=${this.epid}`, callId, cseq).concat([['Contact', this.contact]]);
      if (opts.text !== undefined) headers.push(['Ms-Text-Format', msTextFormatHeader(opts.text, opts.msgr)]);
      last = createRequest({ method: 'INVITE', uri: to, headers, body: opts.sdp ?? imSdp(opts.sdpForm ?? 'message', to, this.sentBy.host), contentType: 'application/sdp' });
      return last;
    });
    const request = last as SipRequest;
    if (response.status < 200 || response.status >= 300) return { response, request };
    const dialog = Dialog.fromUacResponse(request, response);
    this.dialogs.set(dialog.key, dialog);
    await this.ep.sendStateless(dialog.createRequest('ACK', { cseq: request.cseq.seq }), this.target);
    return { response, dialog, request };
  }

  /** An in-dialog request (MESSAGE, INFO, BYE, SUBSCRIBE refresh...) through the home server. */
  async inDialog(dialog: Dialog, method: string, opts: { body?: string; contentType?: string; headers?: Array<[string, string]> } = {}): Promise<SipResponse> {
    const req = dialog.createRequest(method, opts);
    const { response } = await this.ep.request(req, this.target);
    dialog.receiveResponse(response);
    if (method === 'BYE') this.dialogs.delete(dialog.key);
    return response;
  }

  message(dialog: Dialog, text: string, contentType = 'text/plain; charset=UTF-8'): Promise<SipResponse> {
    return this.inDialog(dialog, 'MESSAGE', { body: text, contentType });
  }

  /** Page-mode MESSAGE (RFC 3428), outside any dialog. */
  pageMessage(to: string, text: string, contentType = 'text/plain; charset=UTF-8'): Promise<SipResponse> {
    const callId = randomBytes(10).toString('hex');
    const fromTag = newTag();
    return this.send((cseq) => createRequest({ method: 'MESSAGE', uri: to, headers: this.baseHeaders('MESSAGE', `<${to}>`, `<${this.aor}>;tag=${fromTag};epid=${this.epid}`, callId, cseq), body: text, contentType }));
  }

  // ---- presence -----------------------------------------------------------------------------------------------

  /** SUBSCRIBE presence (protocol.md §2.7 item 36); NOTIFY/BENOTIFY are collected on the returned subscription. */
  async subscribe(
    to: string,
    opts: { accept?: string; supported?: string; expires?: number; headers?: Array<[string, string]> } = {},
  ): Promise<ClientSubscription> {
    const callId = randomBytes(10).toString('hex');
    const fromTag = newTag();
    const notifies: SipRequest[] = [];
    // Filed before sending: a NOTIFY may arrive before the 200 (§2.7 item 39).
    const pending = { callId, fromTag, notifies } as unknown as ClientSubscription;
    this.subs.set(callId, pending);
    let last: SipRequest | undefined;
    const response = await this.send((cseq) => {
      const headers = this.baseHeaders('SUBSCRIBE', `<${to}>`, `<${this.aor}>;tag=${fromTag};epid=${this.epid}`, callId, cseq).concat([
        ['Contact', this.contact],
        ['Event', 'presence'],
        ['Accept', opts.accept ?? 'application/pidf+xml, application/xpidf+xml'],
        ['Expires', String(opts.expires ?? 3600)],
      ]);
      if (opts.supported) headers.push(['Supported', opts.supported]);
      headers.push(...(opts.headers ?? []));
      last = createRequest({ method: 'SUBSCRIBE', uri: to, headers });
      return last;
    });
    const sub: ClientSubscription = { callId, fromTag, response, notifies, cseq: (last as SipRequest).cseq.seq };
    if (response.status >= 200 && response.status < 300 && response.headers('Contact').length > 0) sub.dialog = Dialog.fromUacResponse(last as SipRequest, response);
    this.subs.set(callId, sub);
    return sub;
  }

  /** Re-SUBSCRIBE in the dialog (Expires: 0 ends it). */
  async refresh(sub: ClientSubscription, expires: number): Promise<SipResponse> {
    if (!sub.dialog) throw new Error('subscription has no dialog');
    return this.inDialog(sub.dialog, 'SUBSCRIBE', { headers: [['Event', 'presence'], ['Expires', String(expires)], ['Contact', this.contact]] });
  }

  async waitForNotify(sub: ClientSubscription, pred: (n: SipRequest) => boolean = () => true, timeoutMs = 10_000): Promise<SipRequest> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = sub.notifies.find(pred);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`no matching NOTIFY on ${sub.callId} within ${timeoutMs} ms (got ${sub.notifies.length})`);
      await sleep(30);
    }
  }

  async waitForRequest(pred: (r: ReceivedRequest) => boolean, timeoutMs = 10_000): Promise<ReceivedRequest> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.received.find(pred);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`${this.aor}: no matching request within ${timeoutMs} ms (got ${this.received.map((r) => r.request.method).join(', ') || 'nothing'})`);
      await sleep(30);
    }
  }

  /** The dialog of an incoming session (an INVITE we accepted), by Call-ID. */
  dialogByCallId(callId: string): Dialog | undefined {
    return [...this.dialogs.values()].find((d) => d.id.callId === callId);
  }

  // ---- incoming -----------------------------------------------------------------------------------------------

  private onRequest(req: SipRequest, tx: ServerTransaction | undefined): void {
    const answer = (status: number, extra: { toTag?: string; headers?: Array<[string, string]>; body?: string; contentType?: string } = {}) => {
      this.received.push({ at: Date.now(), request: req, status });
      if (tx) this.ep.respond(tx, createResponse(req, status, undefined, { ...extra, toTag: extra.toTag ?? newTag() }));
    };
    if (req.method === 'ACK') {
      this.received.push({ at: Date.now(), request: req });
      return;
    }
    if (req.method === 'NOTIFY' || req.method === 'BENOTIFY') {
      const sub = this.subs.get(req.callId);
      if (sub && req.to.tag?.toLowerCase() === sub.fromTag.toLowerCase()) sub.notifies.push(req);
      // [MS-SIP] §3.5.5.3: BENOTIFY gets no response. A NOTIFY of an unknown subscription gets 481 (RFC 6665 §4.1.3).
      if (req.method === 'BENOTIFY') {
        this.received.push({ at: Date.now(), request: req });
        return;
      }
      answer(sub ? 200 : 481);
      return;
    }
    if (req.method === 'INVITE' && !req.to.tag) {
      const status = this.inviteAnswer.status ?? 200;
      if (status !== 200) return answer(status);
      const toTag = newTag();
      const dialog = Dialog.fromUasRequest(req, toTag, this.epid);
      this.dialogs.set(dialog.key, dialog);
      const headers: Array<[string, string]> = [['Contact', this.contact], ...req.headers('Record-Route').map((r): [string, string] => ['Record-Route', r])];
      if (this.inviteAnswer.msTextFormat !== false) headers.push(['Supported', 'ms-text-format']);
      const from = `sip:${req.from.uri.user ?? ''}@${req.from.uri.host}`;
      return answer(200, { toTag: `${toTag};epid=${this.epid}`, headers, body: imSdp('message', from, this.sentBy.host), contentType: 'application/sdp' });
    }
    if (req.to.tag) {
      const d = [...this.dialogs.values()].find((x) => x.id.callId === req.callId && x.id.localTag.toLowerCase() === req.to.tag?.toLowerCase());
      if (!d) return answer(481);
      d.receiveRequest(req);
      if (req.method === 'BYE') this.dialogs.delete(d.key);
      return answer(200);
    }
    if (req.method === 'MESSAGE' || req.method === 'OPTIONS') return answer(200);
    answer(405, { headers: [['Allow', 'INVITE, ACK, BYE, MESSAGE, INFO, NOTIFY, OPTIONS']] });
  }
}
