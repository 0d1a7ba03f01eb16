// Session-mode IM, the LCS 2005 way (protocol.md §2.5 items 24–30, §3.4): an INVITE with the IM SDP sets up a
// dialog, MESSAGE and INFO (typing) flow inside it (RFC 3261 §12.2), BYE ends it.
//
// UAC: INVITE (optionally with the first message in Ms-Text-Format, item 27) → 2xx → our own ACK (RFC 3261
// §13.2.2.4: the ACK of a 2xx is the UAC core's, not the transaction's), re-sent for every 2xx retransmission
// (RFC 6026 §7.2; late ones arrive through UserAgent.strayInviteResponse). A second 2xx with another To tag (a
// fork) is ACKed and ended with BYE (§13.2.2.4). UAS: an IM INVITE is answered 200 with an SDP that mirrors the
// offered m-line form (item 25), the 2xx is retransmitted until the ACK arrives (§13.3.1.4: T1 doubling to T2,
// BYE after 64*T1 without ACK). Either side: an in-dialog 408/480/481 means the dialog is dead (item 29); the
// session ends and the owner starts a new INVITE on the next send. An idle session is closed with BYE.
import type { Clock, TimerHandle } from '../clock';
import { Dialog } from '../dialog/dialog';
import type { DialogLayer } from '../dialog/dialog-layer';
import { parseNameAddr } from '../message/headers/name-addr';
import type { SipRequest, SipResponse } from '../message/message';
import { buildImAnswer, buildImOffer, readImOffer } from '../im/sdp';
import { buildMsTextFormat, MS_TEXT_FORMAT, MS_TEXT_FORMAT_OPTION } from '../im/ms-text-format';
import { createResponse } from '../transaction/message-api';
import type { ServerTransaction } from '../transaction/server-transaction';
import type { ResponseOrigin } from '../transaction/transaction-user';
import type { ImAnswer } from './im-answer';
import { newCallId, newTag, sameRoute } from './request-sender';
import type { RequestSender, SendOutcome } from './request-sender';

export type SessionEnd = 'bye' | 'closed' | 'idle' | 'dead' | 'no-ack';

export interface ImSessionHandler {
  /**
   * An out-of-dialog IM INVITE: accept (2xx) or refuse (480, 403 …). `tookFirstMessage` says the owner displayed
   * the Ms-Text-Format ms-body, so the 200 carries `Supported: ms-text-format` (protocol.md item 27).
   */
  onIncomingSession(request: SipRequest): ImAnswer & { readonly tookFirstMessage?: boolean };
  /** A session was set up (either direction). */
  onSessionStarted?(session: ImSession): void;
  /** MESSAGE inside a session (RFC 3428 §5 / protocol.md item 28). */
  onMessage(session: ImSession, request: SipRequest): ImAnswer;
  /** INFO inside a session (typing, protocol.md item 33). */
  onInfo(session: ImSession, request: SipRequest): ImAnswer;
  onSessionEnded?(session: ImSession, why: SessionEnd): void;
}

export interface ImSessionOptions {
  readonly clock: Clock;
  /** Our Contact URI (UserAgent.contactUri). */
  readonly contact: () => string;
  /** RFC 3261 T1/T2 for the UAS 2xx retransmission (§13.3.1.4). */
  readonly T1?: number;
  readonly T2?: number;
  /** A session with no traffic for this long is closed with BYE (default 10 min). */
  readonly idleMs?: number;
}

export type InviteOutcome =
  | { readonly kind: 'established'; readonly session: ImSession; readonly firstMessageTaken: boolean; readonly response: SipResponse }
  | { readonly kind: 'failed'; readonly response: SipResponse; readonly origin: ResponseOrigin; readonly authFailure?: string };

type RegisterMethod = (method: string, handler: (request: SipRequest, tx: ServerTransaction) => void) => void;

/** Options the INVITE's Require may name that we do not support (multiparty, protocol.md item 30). */
const SUPPORTED_REQUIRE = new Set<string>();

export class ImSession {
  state: 'active' | 'ended' = 'active';
  private idleTimer: TimerHandle | undefined;
  /** UAC: the ACK we re-send for 2xx retransmissions. UAS: undefined. */
  ack: SipRequest | undefined;
  /** UAS: the 2xx retransmitted until the ACK arrives. */
  private pending2xx: { response: SipResponse; tx: ServerTransaction; timer: TimerHandle | undefined; interval: number; since: number } | undefined;

  constructor(
    private readonly owner: ImSessions,
    readonly dialog: Dialog,
    /** The peer's address (the AOR we invited, or the From URI of their INVITE). */
    readonly peer: string,
    readonly direction: 'out' | 'in',
  ) {}

  /** MESSAGE in the dialog (RFC 3261 §12.2.1.1); a 408/480/481 ends the session (protocol.md item 29). */
  async sendMessage(body: string, contentType: string, headers?: Array<[string, string]>): Promise<SendOutcome> {
    return this.owner.sendInDialog(this, 'MESSAGE', body, contentType, headers);
  }

  /** INFO in the dialog (typing, protocol.md item 33); same dead-dialog rule (item 35). */
  async sendInfo(body: string, contentType: string): Promise<SendOutcome> {
    return this.owner.sendInDialog(this, 'INFO', body, contentType);
  }

  /** Ends the session with BYE (RFC 3261 §15.1.1); resolves once answered or failed. */
  close(): Promise<void> {
    return this.owner.close(this, 'closed');
  }

  /** @internal */
  touch(clock: Clock, idleMs: number): void {
    if (this.state !== 'active') return;
    if (this.idleTimer) clock.clearTimeout(this.idleTimer);
    this.idleTimer = clock.setTimeout(() => void this.owner.close(this, 'idle'), idleMs);
  }

  /** @internal */
  stopTimers(clock: Clock): void {
    if (this.idleTimer) clock.clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.stopRetransmitting(clock);
  }

  /** @internal §13.3.1.4: retransmit the 2xx, T1 doubling up to T2, until ACK; BYE after 64*T1. */
  retransmit2xx(clock: Clock, response: SipResponse, tx: ServerTransaction, T1: number, T2: number, onGiveUp: () => void): void {
    this.pending2xx = { response, tx, timer: undefined, interval: T1, since: clock.now() };
    const schedule = (): void => {
      const p = this.pending2xx;
      if (!p) return;
      p.timer = clock.setTimeout(() => {
        if (!this.pending2xx) return;
        if (clock.now() - p.since >= 64 * T1) {
          this.pending2xx = undefined;
          onGiveUp();
          return;
        }
        p.tx.respond(p.response);
        p.interval = Math.min(p.interval * 2, T2);
        schedule();
      }, p.interval);
    };
    schedule();
  }

  /** @internal */
  stopRetransmitting(clock: Clock): void {
    if (this.pending2xx?.timer) clock.clearTimeout(this.pending2xx.timer);
    this.pending2xx = undefined;
  }

  get awaitingAck(): boolean {
    return this.pending2xx !== undefined;
  }
}

export class ImSessions {
  private readonly byCallId = new Map<string, ImSession>();
  private readonly T1: number;
  private readonly T2: number;
  private readonly idleMs: number;

  constructor(
    private readonly sender: RequestSender,
    private readonly dialogs: DialogLayer,
    register: RegisterMethod,
    private readonly handler: ImSessionHandler,
    private readonly options: ImSessionOptions,
  ) {
    this.T1 = options.T1 ?? 500;
    this.T2 = options.T2 ?? 4000;
    this.idleMs = options.idleMs ?? 10 * 60_000;
    register('INVITE', (request, tx) => this.receiveInvite(request, tx));
  }

  get size(): number {
    return this.byCallId.size;
  }

  /** Sessions still up, e.g. to close them all on sign-out. */
  active(): ImSession[] {
    return [...this.byCallId.values()].filter((s) => s.state === 'active');
  }

  // --- UAC -------------------------------------------------------------------------------------------------

  /** Sets up a session with `peer` (an AOR), optionally carrying the first message (protocol.md item 27). */
  invite(peer: string, firstMessage?: string): Promise<InviteOutcome> {
    const callId = newCallId();
    const fromTag = newTag();
    const contact = this.options.contact();
    const { host, port } = hostPortOf(contact);
    const headers: Array<[string, string]> = [['Contact', `<${contact}>`]];
    if (firstMessage !== undefined) headers.push([MS_TEXT_FORMAT, buildMsTextFormat(firstMessage)]);
    let cseq = 1;
    const build = (): SipRequest =>
      this.sender.build(
        { method: 'INVITE', uri: peer, to: `<${peer}>`, headers, body: buildImOffer(host, port, peer), contentType: 'application/sdp' },
        callId,
        fromTag,
        cseq++,
      );
    return new Promise((resolve) => {
      const attempt = (challenges: number): void => {
        const request = build();
        this.sender.auth?.authorize(request);
        let settled = false;
        this.sender.layer.sendRequest(request, this.sender.account.target, {
          onResponse: (response, origin) => {
            if (response.status < 200) return;
            if (response.status < 300) {
              if (!settled) {
                settled = true;
                resolve(this.established(request, response, peer));
              } else {
                this.onExtra2xx(response);
              }
              return;
            }
            if (settled) return;
            settled = true;
            if (origin === 'network' && (response.status === 401 || response.status === 407) && this.sender.auth && challenges < 3) {
              // RFC 3261 §22.2: answer the challenge with a new CSeq and the same Call-ID.
              const outcome = this.sender.auth.handleChallenge(request, response);
              if (outcome.kind === 'retry') {
                attempt(challenges + 1);
                return;
              }
              resolve({ kind: 'failed', response, origin, authFailure: outcome.detail });
              return;
            }
            resolve({ kind: 'failed', response, origin });
          },
        });
      };
      attempt(0);
    });
  }

  private established(invite: SipRequest, response: SipResponse, peer: string): InviteOutcome {
    let dialog: Dialog;
    try {
      dialog = Dialog.fromUacResponse(invite, response);
    } catch {
      // A 2xx without Contact or tag cannot carry a dialog: treat like a refusal the owner can fall back from.
      return { kind: 'failed', response, origin: 'network' };
    }
    const session = new ImSession(this, dialog, peer, 'out');
    session.ack = this.withOutboundProxy(dialog.createRequest('ACK', { cseq: invite.cseq.seq }));
    this.sendAck(session.ack);
    this.byCallId.set(dialog.id.callId, session);
    this.dialogs.add(dialog, { onRequest: (request, tx) => this.receiveInDialog(session, request, tx) });
    session.touch(this.options.clock, this.idleMs);
    this.handler.onSessionStarted?.(session);
    const firstMessageTaken = response
      .headers('Supported')
      .some((v) => v.split(',').some((o) => o.trim().toLowerCase() === MS_TEXT_FORMAT_OPTION));
    return { kind: 'established', session, firstMessageTaken, response };
  }

  /** A 2xx after the first (retransmission, RFC 6026 §7.2; or another fork, §13.2.2.4). */
  private onExtra2xx(response: SipResponse): void {
    const session = this.byCallId.get(response.callId);
    const toTag = response.to.tag ?? '';
    if (session && session.ack && session.dialog.id.remoteTag.toLowerCase() === toTag.toLowerCase()) {
      this.sendAck(session.ack);
      return;
    }
    // A fork we do not want (or a session already gone): ACK it and end it with BYE (RFC 3261 §13.2.2.4).
    if (!session) return;
    try {
      const other = Dialog.fromUacResponse(this.rebuildInviteView(session, response), response);
      this.sendAck(this.withOutboundProxy(other.createRequest('ACK', { cseq: response.cseq.seq })));
      void this.sender.sendInDialog(other, 'BYE');
    } catch {
      // Unusable 2xx: nothing to acknowledge.
    }
  }

  /** For a forked 2xx we need a request view with our From; the first INVITE's dialog gives what we need. */
  private rebuildInviteView(session: ImSession, response: SipResponse): SipRequest {
    return this.sender.build(
      { method: 'INVITE', uri: session.peer, to: `<${session.peer}>` },
      response.callId,
      session.dialog.id.localTag,
      response.cseq.seq,
    );
  }

  /** UserAgent.strayInviteResponse: a 2xx retransmission after the INVITE transaction ended. */
  strayResponse(response: SipResponse): void {
    if (response.status >= 200 && response.status < 300) this.onExtra2xx(response);
  }

  private sendAck(ack: SipRequest): void {
    // A fresh Via branch per ACK of a 2xx (§13.2.2.4: it is a new transaction-less request); same CSeq number.
    ack.removeHeader('Via');
    this.sender.layer.sendStateless(ack, this.sender.account.target).catch(() => {
      // A lost ACK is recovered by the peer's 2xx retransmission, answered again above.
    });
  }

  // --- UAS -------------------------------------------------------------------------------------------------

  private receiveInvite(request: SipRequest, tx: ServerTransaction): void {
    // RFC 3261 §8.2.2.3: an option in Require we do not support → 420 with Unsupported (protocol.md item 30).
    const required = request
      .headers('Require')
      .flatMap((v) => v.split(','))
      .map((o) => o.trim().toLowerCase())
      .filter((o) => o && !SUPPORTED_REQUIRE.has(o));
    if (required.length > 0) {
      tx.respond(createResponse(request, 420, 'Bad Extension', { toTag: newTag(), headers: [['Unsupported', required.join(', ')]] }));
      return;
    }
    const contentType = (request.header('Content-Type') ?? '').split(';')[0]!.trim().toLowerCase();
    const offer = contentType === 'application/sdp' ? readImOffer(request.body) : undefined;
    if (!offer?.form) {
      // RFC 3264 §6 / protocol.md item 32: no IM media offered → 488 with a Warning naming what we do.
      tx.respond(
        createResponse(request, 488, 'Not Acceptable Here', {
          toTag: newTag(),
          headers: [['Warning', '304 parley "Only instant messaging sessions (m=message) are supported"']],
        }),
      );
      return;
    }
    let answer: ImAnswer & { tookFirstMessage?: boolean };
    try {
      answer = this.handler.onIncomingSession(request);
    } catch {
      answer = { status: 500, reason: 'Server Internal Error' };
    }
    const localTag = newTag();
    if (answer.status >= 300 || answer.status < 200) {
      tx.respond(createResponse(request, answer.status, answer.reason, { toTag: localTag, headers: [...(answer.headers ?? [])] }));
      return;
    }
    let dialog: Dialog;
    try {
      dialog = Dialog.fromUasRequest(request, localTag, this.sender.account.epid);
    } catch (error) {
      tx.respond(createResponse(request, 400, `Bad Request (${(error as Error).message})`, { toTag: localTag }));
      return;
    }
    const contact = this.options.contact();
    const { host, port } = hostPortOf(contact);
    // RFC 3261 §12.1.1: a dialog-creating 2xx copies every Record-Route of the request, in order, so the peer's
    // in-dialog requests come back through the proxies that asked to stay on the path.
    const recordRoutes = request.headers('Record-Route').map((v): [string, string] => ['Record-Route', v]);
    const headers: Array<[string, string]> = [...recordRoutes, ['Contact', `<${contact}>`], ...(answer.headers ?? [])];
    if (answer.tookFirstMessage) headers.push(['Supported', MS_TEXT_FORMAT_OPTION]);
    // Our To carries our epid like the From of our requests (protocol.md item 15).
    const response = createResponse(request, 200, 'OK', {
      toTag: `${localTag};epid=${this.sender.account.epid}`,
      headers,
      body: buildImAnswer(offer, host, port, this.sender.account.aor),
      contentType: 'application/sdp',
    });
    const session = new ImSession(this, dialog, request.from.uriText, 'in');
    this.byCallId.set(dialog.id.callId, session);
    this.dialogs.add(dialog, { onRequest: (req, t) => this.receiveInDialog(session, req, t) });
    tx.respond(response);
    session.retransmit2xx(this.options.clock, response, tx, this.T1, this.T2, () => void this.close(session, 'no-ack'));
    session.touch(this.options.clock, this.idleMs);
    this.handler.onSessionStarted?.(session);
  }

  private receiveInDialog(session: ImSession, request: SipRequest, tx: ServerTransaction | undefined): void {
    const clock = this.options.clock;
    if (request.method === 'ACK') {
      // §13.3.1.4: the ACK stops the 2xx retransmissions.
      session.stopRetransmitting(clock);
      return;
    }
    if (!tx) return;
    session.touch(clock, this.idleMs);
    let answer: ImAnswer;
    switch (request.method) {
      case 'BYE':
        // §15.1.2: answer 200 and end the session.
        tx.respond(createResponse(request, 200, 'OK'));
        this.end(session, 'bye');
        return;
      case 'MESSAGE':
        answer = this.safely(() => this.handler.onMessage(session, request));
        break;
      case 'INFO':
        answer = this.safely(() => this.handler.onInfo(session, request));
        break;
      case 'INVITE': {
        // A re-INVITE (session refresh): answer with the same kind of SDP; no new dialog state is kept.
        const offer = readImOffer(request.body);
        const { host, port } = hostPortOf(this.options.contact());
        if (!offer.form) {
          tx.respond(createResponse(request, 488, 'Not Acceptable Here'));
          return;
        }
        tx.respond(
          createResponse(request, 200, 'OK', {
            headers: [...request.headers('Record-Route').map((v): [string, string] => ['Record-Route', v]), ['Contact', `<${this.options.contact()}>`]],
            body: buildImAnswer(offer, host, port, this.sender.account.aor),
            contentType: 'application/sdp',
          }),
        );
        return;
      }
      default:
        // §8.2.1 inside a dialog: a method this usage does not handle.
        tx.respond(createResponse(request, 405, 'Method Not Allowed', { headers: [['Allow', 'INVITE, ACK, BYE, CANCEL, MESSAGE, INFO, OPTIONS']] }));
        return;
    }
    tx.respond(createResponse(request, answer.status, answer.reason, { headers: [...(answer.headers ?? [])] }));
  }

  private safely(fn: () => ImAnswer): ImAnswer {
    try {
      return fn();
    } catch {
      return { status: 500, reason: 'Server Internal Error' };
    }
  }

  // --- both --------------------------------------------------------------------------------------------------

  /** @internal ImSession.sendMessage / sendInfo. */
  async sendInDialog(session: ImSession, method: 'MESSAGE' | 'INFO', body: string, contentType: string, headers?: Array<[string, string]>): Promise<SendOutcome> {
    if (session.state !== 'active') {
      throw new ImSessionError('the IM session has ended');
    }
    session.touch(this.options.clock, this.idleMs);
    const outcome = await this.sender.sendInDialog(session.dialog, method, { body, contentType, ...(headers ? { headers } : {}) });
    const status = outcome.response.status;
    // protocol.md items 29 and 35: 408, 480 or 481 inside the dialog → the dialog is dead. sipe also sends BYE.
    if (status === 408 || status === 480 || status === 481) {
      if (status !== 481 && outcome.origin === 'network') void this.sender.sendInDialog(session.dialog, 'BYE').catch(() => undefined);
      this.end(session, 'dead');
    }
    return outcome;
  }

  /** @internal Ends a session with BYE (§15.1.1). */
  async close(session: ImSession, why: SessionEnd): Promise<void> {
    if (session.state !== 'active') return;
    const dialog = session.dialog;
    this.end(session, why);
    try {
      await this.sender.sendInDialog(dialog, 'BYE');
    } catch {
      // BYE is best effort: the dialog is forgotten locally either way.
    }
  }

  private end(session: ImSession, why: SessionEnd): void {
    if (session.state !== 'active') return;
    session.state = 'ended';
    session.stopTimers(this.options.clock);
    this.dialogs.remove(session.dialog);
    if (this.byCallId.get(session.dialog.id.callId) === session) this.byCallId.delete(session.dialog.id.callId);
    this.handler.onSessionEnded?.(session, why);
  }

  /** Puts the home server first in the route set (RFC 3261 §8.1.2; as RequestSender.sendInDialog does). */
  private withOutboundProxy(request: SipRequest): SipRequest {
    const proxy = this.sender.account.outboundProxy;
    const first = request.headers('Route')[0];
    if (!first || !sameRoute(first, proxy)) request.addHeader('Route', proxy, { first: true });
    return request;
  }
}

function hostPortOf(contact: string): { host: string; port: number } {
  try {
    const uri = parseNameAddr(`<${contact}>`, 'Contact').uri;
    return { host: uri.host.replace(/^\[|\]$/g, ''), port: uri.port ?? 5061 };
  } catch {
    return { host: '0.0.0.0', port: 5061 };
  }
}

export class ImSessionError extends Error {
  override readonly name = 'ImSessionError';
}
