// From SIP facts to what a buddy row shows (shared/model/presence.ts ContactPresence): a parsed document gives the
// availability; a subscription that failed or ended gives a reason in plain words (peers.md (c)5: "Offline" kept
// apart from "not authorised", "no such user", "domain unreachable", "subscription failed").
import type { ContactPresence } from '../../../shared/model/presence';
import type { PresenceState } from '../../sip/simple/presence-model';
import type { SubscriptionStatus } from '../../sip/usage/subscription';

function domainOf(uri: string): string {
  const at = uri.lastIndexOf('@');
  return at < 0 ? uri : uri.slice(at + 1).replace(/[;>].*$/, '');
}

/** Before anything is known (signed in: pending; signed out: signed-out). */
export function initialPresence(uri: string, signedIn: boolean): ContactPresence {
  return signedIn
    ? { uri, availability: 'unknown', reason: 'pending', detail: 'Asking for presence…' }
    : { uri, availability: 'unknown', reason: 'signed-out', detail: 'Not signed in.' };
}

/** A document arrived (NOTIFY, BENOTIFY or piggybacked 200). */
export function fromDocument(uri: string, state: PresenceState, at: number): ContactPresence {
  return {
    uri,
    availability: state.availability,
    ...(state.note ? { note: state.note } : {}),
    ...(state.displayName ? { displayName: state.displayName } : {}),
    updatedAt: at,
    reason: 'ok',
  };
}

/**
 * The subscription changed. Returns undefined when the row should keep what it shows (e.g. a refresh, or a
 * resubscription after a reconnect while the last state is still the best we know).
 */
export function fromSubscription(previous: ContactPresence, status: SubscriptionStatus, at: number): ContactPresence | undefined {
  const { uri } = previous;
  const domain = domainOf(uri);
  switch (status.kind) {
    case 'subscribing':
    case 'pending':
      // RFC 6665 / protocol.md §2.7 item 41: a 2xx is not authorisation; wait for the first NOTIFY.
      return previous.reason === 'ok' ? undefined : { uri, availability: 'unknown', reason: 'pending', detail: `Waiting for ${domain} to send presence…` };
    case 'active':
      // An active NOTIFY without a document (Kamailio when nothing is published, RFC 3856 §6.6.1 leaves it to
      // the server): the subscription works and there is no presence to show, i.e. offline — known, not pending.
      return previous.reason === 'ok' ? undefined : { uri, availability: 'offline', updatedAt: at, reason: 'ok', detail: 'Nothing published.' };
    case 'terminated': {
      const retry = status.retryInMs !== undefined ? ` Trying again in ${Math.max(1, Math.ceil(status.retryInMs / 1000))} s.` : '';
      const code = status.status !== undefined ? ` (${status.status})` : '';
      switch (status.cause) {
        case 'unsubscribed':
          return undefined;
        case 'rejected':
          return { uri, availability: 'unknown', reason: 'not-authorized', detail: `${uri.replace(/^sips?:/, '')} has not allowed you to see their presence${code}.` };
        case 'noresource':
          return { uri, availability: 'unknown', reason: 'no-such-user', detail: `${domain} says there is no such user${code}.` };
        case 'unreachable':
        case 'network':
          return { uri, availability: 'unknown', reason: 'domain-unreachable', detail: `${domain} did not answer${code}.${retry}` };
        case 'notifier-ended':
          // deactivated / probation / timeout: the usage subscribes again; until then the last state may be stale.
          if (status.retryInMs !== undefined) {
            return previous.reason === 'ok' ? undefined : { uri, availability: 'unknown', reason: 'pending', detail: `${domain} ended the subscription (${status.reason ?? 'no reason'}).${retry}` };
          }
          return { uri, availability: 'unknown', reason: 'subscription-failed', detail: `${domain} ended the subscription (${status.reason ?? 'no reason'}).` };
        case 'bad-event':
          return { uri, availability: 'unknown', reason: 'subscription-failed', detail: `${domain} does not offer presence${code}.` };
        case 'auth-failed':
          return { uri, availability: 'unknown', reason: 'subscription-failed', detail: `Our server did not accept our credentials for the subscription${code}.` };
        case 'failed':
          return { uri, availability: 'unknown', reason: 'subscription-failed', detail: `Subscribing failed: ${status.detail}.${retry}` };
      }
    }
  }
}
