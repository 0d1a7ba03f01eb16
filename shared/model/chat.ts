// Conversations and messages as the UI sees them. One conversation per contact address (normalised:
// lower-case domain, no parameters, sip: not sips:), so the conversation id is that address.
import { z } from 'zod';

/** queued → sending → delivered, or retrying (transient failure, up to 10 min) → failed with a reason. */
export const deliveryState = z.enum(['queued', 'sending', 'retrying', 'delivered', 'failed']);

export const failureReason = z.enum([
  'offline', // 480
  'no-such-user', // 404 / 604
  'refused', // 403 / 603 / 606
  'busy', // 486 (Do not disturb)
  'not-federated', // 403/502 for the domain, or the domain cannot be reached at all
  'timed-out', // 408, or retries exhausted
  'too-large', // 413 / 513
  'not-supported', // 415 / 488 / 501 after every fallback
  'not-signed-in',
  'other',
]);

export const chatMessage = z.object({
  /** Stable id (ours for outgoing; derived from Call-ID/CSeq/From tag for incoming, so duplicates collapse). */
  id: z.string(),
  conversationId: z.string(),
  direction: z.enum(['in', 'out']),
  /** Plain text, always present (HTML and RTF are converted). */
  text: z.string(),
  /** Sanitised HTML when the sender sent HTML (safe to render: only b/i/u/s/br/p/span/a/ul/ol/li/em/strong/code/pre/font). */
  html: z.string().optional(),
  /** Epoch ms: when we sent it / when it arrived. */
  at: z.number(),
  state: deliveryState,
  failure: failureReason.optional(),
  /** Plain words for the state, e.g. "bob@beta.test is offline". */
  detail: z.string().optional(),
});

export const typingState = z.object({
  conversationId: z.string(),
  /** True while the contact is composing; false when they stopped or the indication timed out. */
  active: z.boolean(),
});

export const conversationSummary = z.object({
  id: z.string(),
  /** The contact's address (same as id). */
  peer: z.string(),
  displayName: z.string().optional(),
  lastMessageAt: z.number().optional(),
  lastText: z.string().optional(),
  unread: z.number().int().nonnegative(),
});

export type DeliveryState = z.infer<typeof deliveryState>;
export type FailureReason = z.infer<typeof failureReason>;
export type ChatMessage = z.infer<typeof chatMessage>;
export type TypingState = z.infer<typeof typingState>;
export type ConversationSummary = z.infer<typeof conversationSummary>;
