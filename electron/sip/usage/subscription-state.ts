// Parsing of the Subscription-State header (RFC 6665 §8.2.3) and the subscriber's reading of termination reasons
// (RFC 6665 §4.1.3): which ones mean "subscribe again" and which ones mean "stop and tell the user".

export type SubscriptionStateValue = 'active' | 'pending' | 'terminated';

export interface ParsedSubscriptionState {
  readonly state: SubscriptionStateValue;
  /** Seconds left, from `expires=`. */
  readonly expires?: number;
  /** Lower-case reason token (RFC 6665 §4.1.3), only with `terminated`. */
  readonly reason?: string;
  /** Seconds, from `retry-after=`. */
  readonly retryAfter?: number;
}

function intParam(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number.parseInt(value, 10);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/**
 * `active;expires=600`, `terminated;reason=deactivated;retry-after=30`. A substate we do not know (RFC 6665
 * §8.2.3 allows extensions) is read as `active`: keeping the subscription is the conservative choice.
 * Undefined for a missing or empty header.
 */
export function parseSubscriptionState(value: string | undefined): ParsedSubscriptionState | undefined {
  if (value === undefined) return undefined;
  const [head, ...params] = value.split(';');
  const token = head!.trim().toLowerCase();
  if (token === '') return undefined;
  const map = new Map<string, string>();
  for (const p of params) {
    const eq = p.indexOf('=');
    const name = (eq < 0 ? p : p.slice(0, eq)).trim().toLowerCase();
    const v = eq < 0 ? '' : p.slice(eq + 1).trim().replace(/^"|"$/g, '');
    if (name) map.set(name, v);
  }
  const state: SubscriptionStateValue = token === 'pending' || token === 'terminated' ? token : 'active';
  const expires = intParam(map.get('expires'));
  const retryAfter = intParam(map.get('retry-after'));
  const reason = map.get('reason')?.toLowerCase();
  return {
    state,
    ...(expires !== undefined ? { expires } : {}),
    ...(state === 'terminated' && reason ? { reason } : {}),
    ...(retryAfter !== undefined ? { retryAfter } : {}),
  };
}

/** What the subscriber does after a `terminated` NOTIFY (RFC 6665 §4.1.3). */
export type TerminationAction = 'resubscribe-now' | 'resubscribe-later' | 'stop';

export function terminationAction(reason: string | undefined, retryAfter: number | undefined): TerminationAction {
  switch (reason) {
    // "deactivated: the subscriber SHOULD retry immediately with a new subscription" (§4.1.3); "timeout: ... MAY
    // attempt to re-subscribe immediately".
    case 'deactivated':
    case 'timeout':
      return retryAfter !== undefined ? 'resubscribe-later' : 'resubscribe-now';
    // "probation: the client MAY re-subscribe later" (after retry-after when given).
    case 'probation':
      return 'resubscribe-later';
    // "rejected" and "noresource": re-subscribing is not appropriate.
    case 'rejected':
    case 'noresource':
      return 'stop';
    // "giveup: the client MAY re-subscribe ... (after retry-after)": only when the notifier tells us when.
    case 'giveup':
      return retryAfter !== undefined ? 'resubscribe-later' : 'stop';
    // "invariant": the resource never changes; subscribing again is pointless.
    case 'invariant':
      return 'stop';
    // No reason or an unknown one: "the client MAY attempt to re-subscribe at any time".
    default:
      return 'resubscribe-later';
  }
}
