// The UAC core shared by the usages (registration, pager, subscription, publication): builds out-of-dialog
// requests per RFC 3261 §8.1.1 (Max-Forwards 70, From with tag and epid, To, Call-ID, CSeq, the pre-loaded Route to
// the home server of §8.1.2 — nothing goes directly to another domain), sends them through the transaction layer to
// the home server, and answers 401/407 digest challenges (§22.2/§22.3) with a new CSeq and the same Call-ID.
import { randomBytes } from 'node:crypto';
import { DigestAuthenticator } from '../auth/digest';
import type { DigestCredentials } from '../auth/digest';
import type { Dialog } from '../dialog/dialog';
import { parseNameAddr } from '../message/headers/name-addr';
import type { SipRequest, SipResponse } from '../message/message';
import { createRequest } from '../transaction/message-api';
import type { TransactionLayer } from '../transaction/transaction-layer';
import type { ResponseOrigin } from '../transaction/transaction-user';
import type { TransportTarget } from '../transport/transport';

export interface AccountIdentity {
  /** Our address of record, e.g. 'sip:alice@example.net'. */
  readonly aor: string;
  readonly displayName?: string;
  /** Stable per installation (protocol.md §2.3 item 15); see dialog/epid.ts. */
  readonly epid: string;
  /** The home server as a loose route, e.g. '<sip:proxy.example.net:5061;transport=tls;lr>' (RFC 3261 §8.1.2). */
  readonly outboundProxy: string;
  /** The resolved home-server hop every request is sent to. */
  readonly target: TransportTarget;
  readonly credentials?: DigestCredentials;
  readonly userAgent?: string;
}

export interface OutOfDialogRequest {
  readonly method: string;
  readonly uri: string;
  /** The To header value (name-addr), without tag. */
  readonly to: string;
  /** Reused across a registration's REGISTERs (§10.2) or a subscription's refreshes; fresh otherwise. */
  readonly callId?: string;
  readonly fromTag?: string;
  /** CSeq number of the first attempt; each digest retry adds one (§22.2). */
  readonly cseq?: number;
  readonly headers?: ReadonlyArray<[string, string]>;
  readonly body?: string;
  readonly contentType?: string;
}

export interface SendOutcome {
  /** The final response (408/503 synthesized by the transaction layer on timeout or transport failure). */
  readonly response: SipResponse;
  readonly origin: ResponseOrigin;
  /** The last request sent (its CSeq is the last number used). */
  readonly request: SipRequest;
  /** Set when a 401/407 could not be answered: the password was rejected or no usable challenge was offered. */
  readonly authFailure?: { readonly kind: 'rejected' | 'unsupported'; readonly detail: string };
}

export function newTag(): string {
  return randomBytes(6).toString('hex');
}

export function newCallId(): string {
  return `${randomBytes(12).toString('hex')}`;
}

/** Retries beyond this many challenges per request are refused outright (two realms + one stale at most). */
const MAX_CHALLENGES = 3;

export class RequestSender {
  readonly auth: DigestAuthenticator | undefined;

  constructor(
    readonly layer: TransactionLayer,
    readonly account: AccountIdentity,
    options: { cnonce?: () => string } = {},
  ) {
    this.auth = account.credentials ? new DigestAuthenticator(account.credentials, options.cnonce) : undefined;
  }

  /** The From header value for our requests: display name, AOR, tag and epid (protocol.md §2.3 items 15–16). */
  fromHeader(tag: string): string {
    const dn = this.account.displayName ? `"${this.account.displayName.replace(/["\\]/g, (c) => `\\${c}`)}" ` : '';
    return `${dn}<${this.account.aor}>;tag=${tag};epid=${this.account.epid}`;
  }

  /** Builds an out-of-dialog request (§8.1.1) with the pre-loaded Route to the home server (§8.1.2). */
  build(req: OutOfDialogRequest, callId: string, fromTag: string, cseq: number): SipRequest {
    const headers: Array<[string, string]> = [
      ['Max-Forwards', '70'],
      ['Route', this.account.outboundProxy],
      ['From', this.fromHeader(fromTag)],
      ['To', req.to],
      ['Call-ID', callId],
      ['CSeq', `${cseq} ${req.method}`],
    ];
    if (this.account.userAgent) headers.push(['User-Agent', this.account.userAgent]);
    headers.push(...(req.headers ?? []));
    return createRequest({
      method: req.method,
      uri: req.uri,
      headers,
      ...(req.body !== undefined ? { body: req.body } : {}),
      ...(req.contentType !== undefined ? { contentType: req.contentType } : {}),
    });
  }

  /** Sends an out-of-dialog request, answering digest challenges; resolves with the final outcome. */
  async send(req: OutOfDialogRequest, onProvisional?: (response: SipResponse) => void): Promise<SendOutcome> {
    const callId = req.callId ?? newCallId();
    const fromTag = req.fromTag ?? newTag();
    let cseq = req.cseq ?? 1;
    return this.sendWithAuth(() => this.build(req, callId, fromTag, cseq++), onProvisional);
  }

  /**
   * Sends an in-dialog request built by the dialog (§12.2.1.1). The home server stays the first hop: if the
   * route set does not already start with it, the outbound proxy is put in front (RFC 5626 §5.2 / §8.1.2).
   */
  async sendInDialog(
    dialog: Dialog,
    method: string,
    opts: { headers?: Array<[string, string]>; body?: string; contentType?: string } = {},
    onProvisional?: (response: SipResponse) => void,
  ): Promise<SendOutcome> {
    return this.sendWithAuth(() => {
      const request = dialog.createRequest(method, opts);
      const firstRoute = request.headers('Route')[0];
      if (!firstRoute || !sameRoute(firstRoute, this.account.outboundProxy)) {
        request.addHeader('Route', this.account.outboundProxy, { first: true });
      }
      return request;
    }, onProvisional);
  }

  private async sendWithAuth(next: () => SipRequest, onProvisional?: (response: SipResponse) => void): Promise<SendOutcome> {
    for (let attempt = 0; ; attempt++) {
      const request = next();
      this.auth?.authorize(request);
      const { response, origin } = await this.transact(request, onProvisional);
      if (origin !== 'network' || (response.status !== 401 && response.status !== 407)) return { response, origin, request };
      if (!this.auth) return { response, origin, request, authFailure: { kind: 'unsupported', detail: `${response.status} but no credentials configured` } };
      if (attempt >= MAX_CHALLENGES) return { response, origin, request, authFailure: { kind: 'rejected', detail: 'too many challenges' } };
      const outcome = this.auth.handleChallenge(request, response);
      if (outcome.kind !== 'retry') return { response, origin, request, authFailure: outcome };
    }
  }

  private transact(request: SipRequest, onProvisional?: (response: SipResponse) => void): Promise<{ response: SipResponse; origin: ResponseOrigin }> {
    return new Promise((resolve) => {
      this.layer.sendRequest(request, this.account.target, {
        onResponse: (response, origin) => {
          if (response.status < 200) onProvisional?.(response);
          else resolve({ response, origin });
        },
      });
    });
  }
}

/** Compares two Route values by URI host and port, case-insensitively (protocol.md §2.3 item 16). */
export function sameRoute(a: string, b: string): boolean {
  try {
    const ua = parseNameAddr(a, 'Route').uri;
    const ub = parseNameAddr(b, 'Route').uri;
    return ua.host.toLowerCase() === ub.host.toLowerCase() && (ua.port ?? 0) === (ub.port ?? 0);
  } catch {
    return false;
  }
}
