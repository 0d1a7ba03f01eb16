// What a final response to our MESSAGE/INVITE means for delivery (protocol.md §2.12), in the terms of
// shared/model/chat.ts: delivered, a permanent failure with a reason and plain words, a transient path failure
// to retry with backoff (408/500/503/504 and Kamailio's 477/478 "could not reach the next hop"), or our own
// connection being down (wait for the reconnect instead of counting retries).
import type { FailureReason } from '../../../shared/model/chat';
import type { ResponseOrigin } from '../../sip/transaction/transaction-user';

export type DeliveryVerdict =
  | { readonly kind: 'delivered' }
  | { readonly kind: 'transient'; readonly detail: string }
  | { readonly kind: 'disconnected'; readonly detail: string }
  | { readonly kind: 'mode-refused'; readonly status: number }
  | { readonly kind: 'failed'; readonly reason: FailureReason; readonly detail: string };

const TRANSIENT = new Set([408, 477, 478, 500, 502, 503, 504]);

/** `peer` is shown without `sip:`; `reason` is the response's reason phrase. */
export function judge(status: number, origin: ResponseOrigin, peer: string, reasonPhrase = ''): DeliveryVerdict {
  const who = peer.replace(/^sips?:/i, '');
  if (status >= 200 && status < 300) return { kind: 'delivered' };
  // RFC 3261 §8.1.3.1: a synthesized 503 is our own transport failing — our connection, not the path.
  if (origin === 'transport-error') return { kind: 'disconnected', detail: 'Waiting for the connection to your server' };
  if (status === 415 || status === 488 || status === 501 || status === 405) return { kind: 'mode-refused', status };
  if (TRANSIENT.has(status)) {
    const why = origin === 'timeout' || status === 408 ? 'no answer in time' : `${status} ${reasonPhrase}`.trim();
    return { kind: 'transient', detail: `Could not reach ${who} yet (${why}); retrying` };
  }
  switch (status) {
    case 480:
      return { kind: 'failed', reason: 'offline', detail: `${who} is offline` };
    case 404:
    case 604:
      return { kind: 'failed', reason: 'no-such-user', detail: `There is no user ${who}` };
    case 486:
    case 600:
      return { kind: 'failed', reason: 'busy', detail: `${who} does not want to be disturbed` };
    case 413:
    case 513:
      return { kind: 'failed', reason: 'too-large', detail: 'The message is too large for the other side' };
    case 403:
      if (/federat|domain|not allowed|use your home/i.test(reasonPhrase)) {
        return { kind: 'failed', reason: 'not-federated', detail: `Your server does not exchange messages with ${who.slice(who.indexOf('@') + 1)}` };
      }
      return { kind: 'failed', reason: 'refused', detail: `${who} refused the message` };
    case 603:
    case 606:
      return { kind: 'failed', reason: 'refused', detail: `${who} refused the message${reasonPhrase ? ` (${reasonPhrase})` : ''}` };
    case 401:
    case 407:
      return { kind: 'failed', reason: 'not-signed-in', detail: 'Your server did not accept the sign-in credentials for this message' };
    case 420:
      return { kind: 'failed', reason: 'not-supported', detail: `${who} does not support what this message needs` };
    default:
      return { kind: 'failed', reason: 'other', detail: `The message was not delivered (${status} ${reasonPhrase})`.trim() };
  }
}

/** The words for a failure after both IM modes were refused. */
export function notSupported(peer: string): DeliveryVerdict {
  return { kind: 'failed', reason: 'not-supported', detail: `${peer.replace(/^sips?:/i, '')} accepts neither instant-message mode Parley speaks` };
}
