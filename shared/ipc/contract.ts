// The single list of every IPC command (request → response) and event (payload) between the renderer
// and main, with their runtime schemas. It is the source of truth for every carrier: Electron IPC
// through the preload, the headless host's WebSocket, and the CLI. Nothing that is not listed here can
// be reached from the renderer (architecture.md house rule 3).
//
// Naming scheme, fixed here and checked by test/unit/shared/ipc/contract.test.ts:
//   commands  `area.verb`   e.g. `app.info`, `account.list`, later `chat.send`, `presence.set`
//   events    `area.event`  e.g. `account.state`, later `presence.changed`, `chat.received`
// where `area` is one lower-case word and the rest is lowerCamelCase.
import { z } from 'zod';

const carrier = z.enum(['electron', 'web', 'cli']);

export const appInfo = z.object({
  name: z.string(),
  version: z.string(),
  /** process.platform of the machine running main (linux, win32, darwin). */
  platform: z.string(),
  carrier,
});

/** A configured account as the UI sees it: no secrets ever cross IPC. */
export const accountSummary = z.object({
  id: z.string(),
  /** The SIP address of record, e.g. `sip:alice@alpha.test`. */
  aor: z.string(),
  displayName: z.string(),
  /** Optional explicit server; otherwise found through DNS. */
  server: z.string().optional(),
  transport: z.enum(['tls', 'tcp']),
  /** Whether a password is stored in the OS keychain for this account ("remember me"). */
  rememberPassword: z.boolean(),
});

export const accountState = z.object({
  accountId: z.string(),
  state: z.enum(['signed-out', 'resolving', 'connecting', 'authenticating', 'registered', 'failed']),
  /** Plain-words explanation for the UI when state is 'failed'. */
  detail: z.string().optional(),
});

const noArgs = z.object({}).strict();

export const commands = {
  'app.info': { req: noArgs, res: appInfo },
  'account.list': { req: noArgs, res: z.array(accountSummary) },
} as const;

export const events = {
  'account.state': accountState,
} as const;

export type CommandName = keyof typeof commands;
export type EventName = keyof typeof events;
export type CommandRequest<K extends CommandName> = z.infer<(typeof commands)[K]['req']>;
export type CommandResponse<K extends CommandName> = z.infer<(typeof commands)[K]['res']>;
export type EventPayload<K extends EventName> = z.infer<(typeof events)[K]>;
export type AppInfo = z.infer<typeof appInfo>;
export type AccountSummary = z.infer<typeof accountSummary>;
export type AccountState = z.infer<typeof accountState>;

export const commandNames = Object.keys(commands) as CommandName[];
export const eventNames = Object.keys(events) as EventName[];

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(commands, name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);
}
