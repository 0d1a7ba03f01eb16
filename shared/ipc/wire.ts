// The frames the headless host's WebSocket carries. Electron IPC needs no framing of its own (it has
// channels), but the payloads inside are the same contract.
import { z } from 'zod';

export const clientFrame = z.object({
  type: z.literal('invoke'),
  /** Correlates the result with the call; chosen by the client. */
  id: z.number().int().nonnegative(),
  name: z.unknown(),
  payload: z.unknown(),
});

export type ClientFrame = z.infer<typeof clientFrame>;

export type ServerFrame =
  | { type: 'result'; id: number; result: unknown }
  | { type: 'event'; name: string; payload: unknown };

/** Largest frame the host accepts from a page; the contract has nothing near this size. */
export const MAX_FRAME_BYTES = 1024 * 1024;
