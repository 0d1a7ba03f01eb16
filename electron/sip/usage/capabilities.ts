// Which IM mode works with whom (protocol.md §2.5 items 23–24, 31–32; §2.12 rows 415/488/501), and the OPTIONS
// answer that lets peers find out about us.
//
// Decision (documented in electron/core/chat/README.md):
//   - what a contact taught us (a session or a page that was delivered, or refused with 415/488/501) wins, for
//     CONTACT_TTL_MS;
//   - otherwise a domain known to run LCS (it set up INVITE IM sessions with us, or its Server/User-Agent says
//     "LCS", "Live Communications", "RTC/" or "Office Communicator") gets a session first, for DOMAIN_TTL_MS;
//   - otherwise page mode (RFC 3428), the mode every standards client has (item 23).
// The fallback is always the other mode; when both are refused the message fails as "not supported".
import type { Clock } from '../clock';
import type { SipRequest, SipResponse } from '../message/message';
import { buildCapabilitySdp } from '../im/sdp';
import { createResponse } from '../transaction/message-api';
import type { ServerTransaction } from '../transaction/server-transaction';
import { newTag } from './request-sender';
import type { RequestSender } from './request-sender';

export type ImMode = 'session' | 'page';

/** protocol.md §2.5 item 31: what we answer to OPTIONS. */
export const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, MESSAGE, INFO, SUBSCRIBE, NOTIFY';
export const CONTACT_TTL_MS = 24 * 3600_000;
export const DOMAIN_TTL_MS = 7 * 24 * 3600_000;

/** Statuses that mean "this IM mode is not accepted here" (BCP §6.3; protocol.md §2.12). */
export function refusesMode(status: number): boolean {
  return status === 415 || status === 488 || status === 501 || status === 405;
}

/** Server / User-Agent products of Microsoft's RTC family (LCS 2005, Communicator, Windows Messenger 5). */
export function looksLikeLcs(product: string | undefined): boolean {
  return product !== undefined && /\bLCS\b|Live Communications|\bRTC\/|Office Communicator|Windows RTC/i.test(product);
}

function domainOf(aor: string): string {
  const at = aor.lastIndexOf('@');
  return (at < 0 ? aor : aor.slice(at + 1)).split(/[;:>]/)[0]!.toLowerCase();
}

interface Learned<T> {
  readonly value: T;
  readonly until: number;
}

export class CapabilityBook {
  private readonly contacts = new Map<string, Learned<ImMode>>();
  private readonly lcsDomains = new Map<string, Learned<true>>();

  constructor(private readonly clock: Pick<Clock, 'now'>) {}

  /** The mode to try first with `peer` (a normalised AOR). */
  preferredMode(peer: string): ImMode {
    const now = this.clock.now();
    const c = this.contacts.get(peer);
    if (c && c.until > now) return c.value;
    const d = this.lcsDomains.get(domainOf(peer));
    if (d && d.until > now) return 'session';
    return 'page';
  }

  /** Whether anything is known (and fresh) about this peer or its domain: if not, an OPTIONS probe may teach it. */
  knows(peer: string): boolean {
    const now = this.clock.now();
    const c = this.contacts.get(peer);
    const d = this.lcsDomains.get(domainOf(peer));
    return (c !== undefined && c.until > now) || (d !== undefined && d.until > now);
  }

  /** Whether the domain is known to be LCS (for typing: KeyboardActivity vs isComposing). */
  isLcsDomain(peer: string): boolean {
    const d = this.lcsDomains.get(domainOf(peer));
    return d !== undefined && d.until > this.clock.now();
  }

  /** A message got through in this mode. */
  worked(peer: string, mode: ImMode): void {
    this.contacts.set(peer, { value: mode, until: this.clock.now() + CONTACT_TTL_MS });
  }

  /** This mode was refused (415/488/501): remember the other one. */
  refused(peer: string, mode: ImMode): void {
    this.contacts.set(peer, { value: mode === 'session' ? 'page' : 'session', until: this.clock.now() + CONTACT_TTL_MS });
  }

  markLcsDomain(peer: string): void {
    this.lcsDomains.set(domainOf(peer), { value: true, until: this.clock.now() + DOMAIN_TTL_MS });
  }

  /** An incoming request teaches: an IM INVITE means the peer's domain uses sessions (LCS style). */
  learnFromRequest(peer: string, request: SipRequest): void {
    if (request.method === 'INVITE' || looksLikeLcs(request.header('User-Agent')) || looksLikeLcs(request.header('Server'))) {
      this.markLcsDomain(peer);
    }
  }

  /** A response teaches through its Server / User-Agent, and an OPTIONS answer through Allow and SDP. */
  learnFromResponse(peer: string, response: SipResponse): void {
    if (looksLikeLcs(response.header('Server')) || looksLikeLcs(response.header('User-Agent'))) this.markLcsDomain(peer);
    if (response.cseq.method !== 'OPTIONS' || response.status < 200 || response.status >= 300) return;
    const allow = response.headers('Allow').join(',').toUpperCase().split(/\s*,\s*/);
    const hasMessage = allow.includes('MESSAGE');
    const hasInvite = allow.includes('INVITE');
    const sdpIm = /^m=(message|x-ms-message)\s/im.test(response.body);
    // Only an OPTIONS answer that rules a mode out teaches a contact mode; "both" keeps the domain default.
    if (allow.length > 1 && !hasMessage && (hasInvite || sdpIm)) this.worked(peer, 'session');
    else if (allow.length > 1 && hasMessage && !hasInvite) this.worked(peer, 'page');
  }
}

/** Answers OPTIONS (protocol.md §2.5 item 31): 200, Allow, Accept, and an SDP with our IM m-line. */
export function answerOptions(request: SipRequest, tx: ServerTransaction, ownAor: string, contact: string): void {
  const m = /^sips?:(?:[^@]+@)?(\[[^\]]+\]|[^:;]+)(?::(\d+))?/i.exec(contact);
  const host = (m?.[1] ?? '0.0.0.0').replace(/^\[|\]$/g, '');
  const port = Number(m?.[2] ?? 5061);
  tx.respond(
    createResponse(request, 200, 'OK', {
      toTag: newTag(),
      headers: [
        ['Allow', ALLOW],
        ['Accept', 'application/sdp, text/plain, text/html, text/rtf, application/im-iscomposing+xml'],
        ['Contact', `<${contact}>`],
      ],
      body: buildCapabilitySdp(host, port, ownAor),
      contentType: 'application/sdp',
    }),
  );
}

/** Asks a peer what it supports (OPTIONS, RFC 3261 §11) and records what the answer teaches. */
export async function probeCapabilities(sender: RequestSender, book: CapabilityBook, peer: string): Promise<SipResponse> {
  const outcome = await sender.send({ method: 'OPTIONS', uri: peer, to: `<${peer}>`, headers: [['Accept', 'application/sdp']] });
  book.learnFromResponse(peer, outcome.response);
  return outcome.response;
}
