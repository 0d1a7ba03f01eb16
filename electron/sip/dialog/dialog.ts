// One SIP dialog (RFC 3261 §12): identified by Call-ID and the local and remote tags, holding the route set,
// the remote target and both CSeq counters, and building in-dialog requests (§12.2.1.1, loose and strict
// routing) and checking inbound ones (§12.2.2). Tags and URIs compare case-insensitively because LCS varies their
// case (protocol.md §2.3 item 16).
import type { SipRequest, SipResponse } from '../message/message';
import { parseNameAddr } from '../message/headers/name-addr';
import type { NameAddr } from '../message/headers/name-addr';
import { createRequest } from '../transaction/message-api';

/** RFC 3261 §12: the dialog id. */
export interface DialogId {
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
}

/** The key under which a dialog is filed: Call-ID exact (§20.8), tags case-insensitive (protocol.md item 16). */
export function dialogKey(id: DialogId): string {
  return `${id.callId}|${id.localTag.toLowerCase()}|${id.remoteTag.toLowerCase()}`;
}

/**
 * Methods whose requests (and 2xx responses) refresh the remote target: INVITE and re-INVITE (RFC 3261 §12.2),
 * UPDATE (RFC 3311), SUBSCRIBE and NOTIFY (RFC 6665 §4: both are target-refresh requests), and REFER, which
 * creates a subscription like SUBSCRIBE (RFC 3515).
 */
export const TARGET_REFRESH_METHODS: ReadonlySet<string> = new Set(['INVITE', 'UPDATE', 'SUBSCRIBE', 'NOTIFY', 'REFER']);

export interface DialogInit {
  readonly id: DialogId;
  /** Our party as a name-addr, without tag/epid (they are added on every request). */
  readonly localUri: string;
  /** The peer as a name-addr, without tag/epid. */
  readonly remoteUri: string;
  readonly remoteTarget: string;
  /** Route set, each a name-addr text like `<sip:p1.example.com;lr>`, in the order requests must carry them. */
  readonly routeSet: readonly string[];
  readonly localSeq: number | undefined;
  readonly remoteSeq: number | undefined;
  readonly localEpid?: string | undefined;
  readonly remoteEpid?: string | undefined;
  readonly secure: boolean;
}

/** Result of checking an inbound in-dialog request (§12.2.2). */
export type InDialogCheck = { readonly ok: true } | { readonly ok: false; readonly status: number; readonly reason: string };

function bareAddress(na: NameAddr): string {
  const dn = na.displayName === undefined ? '' : `"${na.displayName.replace(/["\\]/g, (c) => `\\${c}`)}" `;
  return `${dn}<${na.uriText}>`;
}

function contactUri(message: SipRequest | SipResponse): string | undefined {
  const value = message.headers('Contact')[0];
  return value === undefined ? undefined : parseNameAddr(value, 'Contact').uriText;
}

function routeHasLr(route: string): boolean {
  return parseNameAddr(route, 'Route').uri.params.has('lr');
}

export class Dialog {
  readonly id: DialogId;
  readonly localUri: string;
  readonly remoteUri: string;
  remoteTarget: string;
  readonly routeSet: readonly string[];
  localSeq: number | undefined;
  remoteSeq: number | undefined;
  readonly localEpid: string | undefined;
  remoteEpid: string | undefined;
  readonly secure: boolean;

  constructor(init: DialogInit) {
    this.id = init.id;
    this.localUri = init.localUri;
    this.remoteUri = init.remoteUri;
    this.remoteTarget = init.remoteTarget;
    this.routeSet = init.routeSet;
    this.localSeq = init.localSeq;
    this.remoteSeq = init.remoteSeq;
    this.localEpid = init.localEpid;
    this.remoteEpid = init.remoteEpid;
    this.secure = init.secure;
  }

  get key(): string {
    return dialogKey(this.id);
  }

  /**
   * §12.1.2: the UAC side, from the request we sent and a 2xx/101-199-with-tag response. The route set is the
   * response's Record-Route in reverse order; the remote target is the response's Contact.
   */
  static fromUacResponse(request: SipRequest, response: SipResponse): Dialog {
    const remoteTag = response.to.tag;
    const localTag = request.from.tag;
    if (!remoteTag || !localTag) throw new DialogError('a dialog needs both a From tag and a To tag (RFC 3261 §12.1.2)');
    const target = contactUri(response);
    if (!target) throw new DialogError('a dialog-creating response needs a Contact (RFC 3261 §12.1.2)');
    return new Dialog({
      id: { callId: request.callId, localTag, remoteTag },
      localUri: bareAddress(request.from),
      remoteUri: bareAddress(request.to),
      remoteTarget: target,
      routeSet: [...response.headers('Record-Route')].reverse(),
      localSeq: request.cseq.seq,
      remoteSeq: undefined,
      localEpid: request.from.params.get('epid') ?? undefined,
      remoteEpid: response.to.params.get('epid') ?? undefined,
      secure: request.requestUri.scheme === 'sips',
    });
  }

  /** §12.1.1: the UAS side, from a request we accept with our To tag. The route set is Record-Route in order. */
  static fromUasRequest(request: SipRequest, localTag: string, localEpid?: string): Dialog {
    const remoteTag = request.from.tag;
    if (!remoteTag) throw new DialogError('a dialog needs a From tag (RFC 3261 §12.1.1)');
    const target = contactUri(request);
    if (!target) throw new DialogError('a dialog-creating request needs a Contact (RFC 3261 §12.1.1)');
    return new Dialog({
      id: { callId: request.callId, localTag, remoteTag },
      localUri: bareAddress(request.to),
      remoteUri: bareAddress(request.from),
      remoteTarget: target,
      routeSet: [...request.headers('Record-Route')],
      localSeq: undefined,
      remoteSeq: request.cseq.seq,
      localEpid,
      remoteEpid: request.from.params.get('epid') ?? undefined,
      secure: request.requestUri.scheme === 'sips',
    });
  }

  /**
   * Builds an in-dialog request (§12.2.1.1): To/From with the dialog's tags (and epids, protocol.md item 15),
   * the Call-ID, the next local CSeq, and Request-URI/Route from the remote target and route set — loose routing
   * when the first route has `lr`, else strict routing (Request-URI = first route, remote target appended as the
   * last Route). No Via: the transaction layer adds it. ACK and CANCEL reuse a CSeq number, so `cseq` overrides.
   */
  createRequest(
    method: string,
    opts: { headers?: Array<[string, string]>; body?: string; contentType?: string; cseq?: number } = {},
  ): SipRequest {
    let seq = opts.cseq;
    if (seq === undefined) {
      // §12.2.1.1: increment the local sequence number; an empty one (UAS side) starts at an arbitrary value.
      seq = this.localSeq === undefined ? 1 : this.localSeq + 1;
      this.localSeq = seq;
    }
    const { uri, routes } = this.requestUriAndRoutes();
    const from = `${this.localUri};tag=${this.id.localTag}${this.localEpid ? `;epid=${this.localEpid}` : ''}`;
    const to = `${this.remoteUri};tag=${this.id.remoteTag}${this.remoteEpid ? `;epid=${this.remoteEpid}` : ''}`;
    const headers: Array<[string, string]> = [
      ['Max-Forwards', '70'],
      ['From', from],
      ['To', to],
      ['Call-ID', this.id.callId],
      ['CSeq', `${seq} ${method}`],
    ];
    for (const r of routes) headers.push(['Route', r]);
    headers.push(...(opts.headers ?? []));
    return createRequest({
      method,
      uri,
      headers,
      ...(opts.body !== undefined ? { body: opts.body } : {}),
      ...(opts.contentType !== undefined ? { contentType: opts.contentType } : {}),
    });
  }

  /** §12.2.1.1 loose vs. strict routing. */
  requestUriAndRoutes(): { uri: string; routes: string[] } {
    const [first, ...rest] = this.routeSet;
    if (first === undefined) return { uri: this.remoteTarget, routes: [] };
    if (routeHasLr(first)) return { uri: this.remoteTarget, routes: [...this.routeSet] };
    // Strict router: the first route becomes the Request-URI (parameters not allowed in a Request-URI stripped,
    // §12.2.1.1 / §19.1.1 — only `method` and header parts, which a route never has, so the URI is kept as is).
    const firstUri = parseNameAddr(first, 'Route').uriText;
    return { uri: firstUri, routes: [...rest, `<${this.remoteTarget}>`] };
  }

  /**
   * §12.2.2: checks an inbound in-dialog request's CSeq (lower than the remote sequence number → 500) and, for a
   * target-refresh request with a Contact, updates the remote target. ACK and CANCEL carry the INVITE's number and
   * are not checked.
   */
  receiveRequest(request: SipRequest): InDialogCheck {
    if (request.method !== 'ACK' && request.method !== 'CANCEL') {
      const seq = request.cseq.seq;
      if (this.remoteSeq !== undefined && seq < this.remoteSeq) {
        return { ok: false, status: 500, reason: 'Server Internal Error (CSeq out of order)' };
      }
      this.remoteSeq = seq;
    }
    if (TARGET_REFRESH_METHODS.has(request.method)) {
      const target = contactUri(request);
      if (target) this.remoteTarget = target;
    }
    const epid = request.from.params.get('epid');
    if (epid) this.remoteEpid = epid;
    return { ok: true };
  }

  /** §12.2.1.2: a 2xx to a target-refresh request replaces the remote target with its Contact. */
  receiveResponse(response: SipResponse): void {
    if (response.status >= 200 && response.status < 300 && TARGET_REFRESH_METHODS.has(response.cseq.method)) {
      const target = contactUri(response);
      if (target) this.remoteTarget = target;
    }
  }
}

export class DialogError extends Error {
  override readonly name = 'DialogError';
}
