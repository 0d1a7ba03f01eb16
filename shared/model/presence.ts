// UI-level presence (protocol.md §2.9 rows), shared by main and renderer. Not PIDF: the SIP layer maps every
// dialect (PIDF/RPID, XPIDF, msrtc) onto this.
import { z } from 'zod';

export const availability = z.enum(['available', 'idle', 'busy', 'do-not-disturb', 'be-right-back', 'away', 'out-to-lunch', 'in-a-call', 'offline', 'unknown']);

/** What the user can choose for themselves (peers.md: the states Office Communicator users know). */
export const ownStatus = z.enum(['available', 'busy', 'do-not-disturb', 'be-right-back', 'away', 'out-to-lunch', 'in-a-call', 'appear-offline']);

/** Why a contact may look offline or stale: presence that explains itself (presence issue item 6). */
export const presenceReason = z.enum([
  'ok',
  /** Subscribed, waiting for the first NOTIFY. */
  'pending',
  /** The contact's server answered 403, or a NOTIFY said rejected: they have not allowed us to see it. */
  'not-authorized',
  /** 404 / 604 / noresource: the address has no presence. */
  'no-such-user',
  /** The contact's domain could not be reached (408/503/504 from our server). */
  'domain-unreachable',
  /** Any other subscription failure; `detail` says which. */
  'subscription-failed',
  /** We are not signed in. */
  'signed-out',
]);

export const contactPresence = z.object({
  uri: z.string(),
  availability,
  note: z.string().optional(),
  displayName: z.string().optional(),
  /** Epoch ms of the last NOTIFY that set this state (freshness). */
  updatedAt: z.number().optional(),
  reason: presenceReason,
  /** Plain words for the reason (e.g. "beta.test did not answer"). */
  detail: z.string().optional(),
});

export type Availability = z.infer<typeof availability>;
export type OwnStatus = z.infer<typeof ownStatus>;
export type PresenceReason = z.infer<typeof presenceReason>;
export type ContactPresence = z.infer<typeof contactPresence>;
