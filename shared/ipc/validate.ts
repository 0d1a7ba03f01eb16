// Turns `unknown` input into typed values, or a plain-words reason. Main calls this on every
// renderer-supplied payload (house rule 3); the preload calls it on names only.
import type { z } from 'zod';
import { commands, events, isCommandName, isEventName } from './contract';
import type { CommandName, CommandRequest, CommandResponse, EventName, EventPayload } from './contract';

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

function check<T>(schema: z.ZodType<T>, input: unknown): Checked<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = parsed.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : '(payload)'}: ${i.message}`);
  return { ok: false, reason: issues.join('; ') };
}

export function checkRequest<K extends CommandName>(name: K, input: unknown): Checked<CommandRequest<K>> {
  return check(commands[name].req as unknown as z.ZodType<CommandRequest<K>>, input);
}

export function checkResponse<K extends CommandName>(name: K, input: unknown): Checked<CommandResponse<K>> {
  return check(commands[name].res as unknown as z.ZodType<CommandResponse<K>>, input);
}

export function checkEvent<K extends EventName>(name: K, input: unknown): Checked<EventPayload<K>> {
  return check(events[name] as unknown as z.ZodType<EventPayload<K>>, input);
}

export { isCommandName, isEventName };
