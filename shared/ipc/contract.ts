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
import { chatMessage, conversationSummary, deliveryState, failureReason, typingState } from '../model/chat';
import { contact, contactList } from '../model/contacts';
import { contactPresence, ownStatus } from '../model/presence';

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

/** A server certificate as the trust dialog shows it. */
export const certificateSummary = z.object({
  subject: z.string(),
  issuer: z.string(),
  san: z.array(z.string()),
  notBefore: z.string(),
  notAfter: z.string(),
  fingerprint256: z.string(),
});

export const accountState = z.object({
  accountId: z.string(),
  state: z.enum(['signed-out', 'resolving', 'connecting', 'authenticating', 'registered', 'reconnecting', 'failed']),
  /** Plain-words explanation: what is happening, or why it failed. */
  detail: z.string().optional(),
  /** Set with state 'failed': which step failed, so the UI can offer the right remedy. */
  failure: z
    .object({
      kind: z.enum(['dns', 'certificate', 'credentials', 'server', 'network', 'settings']),
      /** The server (host:port) the failure concerns, when there is one. */
      server: z.string().optional(),
      /** kind 'certificate': the chain the server presented (leaf first), for the trust dialog. */
      certificateChain: z.array(certificateSummary).optional(),
      /** kind 'certificate': the SIP domain the certificate was checked against. */
      domain: z.string().optional(),
    })
    .optional(),
});

export const signInRequest = z.object({
  /** SIP address, with or without `sip:`. */
  address: z.string().min(3).max(454),
  password: z.string().max(1024),
  displayName: z.string().max(256).optional(),
  /** Optional explicit server `host[:port]`; otherwise found through DNS. */
  server: z.string().max(255).optional(),
  transport: z.enum(['tls', 'tcp']).optional(),
  rememberPassword: z.boolean().optional(),
  /** "Trust once": accept the server certificate with this SHA-256 fingerprint for this sign-in only. */
  trustOnceFingerprint256: z.string().regex(/^[0-9A-Fa-f:]{64,95}$/).optional(),
  /** Optional TLS client certificate (PKCS#12 / .p12 / .pfx), read by the renderer and sent as base64 (mutual TLS). */
  clientCertificateP12Base64: z.string().max(262_144).regex(/^[A-Za-z0-9+/=\s]*$/).optional(),
  clientCertificatePassphrase: z.string().max(1024).optional(),
});

export const sipLogEntry = z.object({
  seq: z.number(),
  at: z.number(),
  direction: z.enum(['in', 'out']),
  remote: z.string(),
  text: z.string(),
});

const noArgs = z.object({}).strict();
const empty = z.object({});
/** A contact address as typed by a person (`bob@beta.test` or `sip:bob@beta.test`); main normalises it. */
const address = z.string().min(3).max(454);
/** Outgoing IM text: protocol.md §2.14 caps a message at ~8000 characters; longer text is split by main. */
const outgoingText = z.string().min(1).max(64_000);

export const chatStateChange = z.object({
  messageId: z.string(),
  conversationId: z.string(),
  state: deliveryState,
  failure: failureReason.optional(),
  detail: z.string().optional(),
});

export const ownPresence = z.object({
  status: ownStatus,
  note: z.string().max(1024).optional(),
  /** True while Away was set automatically by idle time (shown as "idle" in the UI). */
  idle: z.boolean(),
});

/** One labelled step of "Test federation with <domain>" (DNS, TLS probe, OPTIONS), in plain words. */
export const federationTestStep = z.object({
  kind: z.enum(['dns', 'tls', 'options']),
  title: z.string(),
  outcome: z.enum(['pass', 'warn', 'fail', 'skipped']),
  summary: z.string(),
  details: z.array(z.string()),
});

export const federationTestResult = z.object({
  domain: z.string(),
  steps: z.array(federationTestStep),
});

/** What the presence feature can and cannot do here, for the UI to say so (presence issue, privacy). */
export const presenceCapabilities = z.object({
  /** False until server-side presence rules exist: blocking a contact stops their IMs, not their view of our presence. */
  blockingHidesPresence: z.boolean(),
  /** The sentence the UI shows next to "Block" (plain words). */
  blockingNote: z.string(),
  /** Watcher information (RFC 3857): 'unavailable' when our server refuses presence.winfo (e.g. 489). */
  watcherInfo: z.enum(['unknown', 'available', 'unavailable']),
  watcherInfoDetail: z.string().optional(),
});

/** Someone watches, or asks to watch, our presence (RFC 3857/3858 watcher information). */
export const presenceWatcher = z.object({
  /** The watcher's address. */
  watcher: z.string(),
  status: z.enum(['pending', 'active', 'waiting', 'terminated']),
  /** What caused the status (RFC 3858 §4.4: subscribe, approved, rejected, timeout…). */
  event: z.string().optional(),
});

export const historyHit = z.object({
  message: chatMessage,
  /** The matching text with the hits wrapped in «…» (plain text, no HTML). */
  snippet: z.string(),
});

/** Settings the core applies (UI-only ones such as the theme stay in the renderer). Kept in the profile dir. */
export const appSettings = z.object({
  /** Minutes without input before automatic Away; 0 = never. */
  idleMinutes: z.number().int().min(0).max(240),
  notifications: z.object({
    enabled: z.boolean(),
    sound: z.boolean(),
    /** Show the message text in the notification (off: only who wrote). */
    showPreview: z.boolean(),
  }),
});

/** settings.set: any subset; what is left out keeps its value. */
export const appSettingsChange = z
  .object({
    idleMinutes: appSettings.shape.idleMinutes.optional(),
    notifications: appSettings.shape.notifications.partial().strict().optional(),
  })
  .strict();

export const commands = {
  'app.info': { req: noArgs, res: appInfo },
  /** The user did something (key, pointer) in a UI without OS idle time (browser): feeds automatic Away. Throttled by the UI. */
  'app.activity': { req: noArgs, res: empty },
  'settings.get': { req: noArgs, res: appSettings },
  /** Stores and applies the change; answers with the settings now in force. */
  'settings.set': { req: appSettingsChange, res: appSettings },
  'account.list': { req: noArgs, res: z.array(accountSummary) },
  /** Signs in and resolves once registered or failed (progress arrives as `account.state` events). */
  'account.signIn': { req: signInRequest, res: accountState },
  'account.signOut': { req: z.object({ accountId: z.string() }).strict(), res: accountState },
  /** "Trust always": pins this certificate for this SIP domain (a changed certificate later fails loudly). */
  'certificate.trust': { req: z.object({ domain: z.string().min(1).max(255), fingerprint256: z.string().regex(/^[0-9A-Fa-f:]{64,95}$/) }).strict(), res: z.object({}) },
  /** The SIP log (credentials redacted), entries after `afterSeq`. */
  'diagnostics.sipLog': { req: z.object({ afterSeq: z.number().int().nonnegative().optional() }).strict(), res: z.array(sipLogEntry) },
  /** DNS chain, read-only TLS probe of the edge found, and an OPTIONS round trip through the home server. */
  'diagnostics.testFederation': { req: z.object({ domain: z.string().min(1).max(255), accountId: z.string().optional() }).strict(), res: federationTestResult },

  // Chat (IM issue). Sending answers at once with the queued message; its progress arrives as chat.state.
  'chat.list': { req: noArgs, res: z.array(conversationSummary) },
  /** Opens (or creates) the conversation with a contact: recent messages, oldest first; marks it read. */
  'chat.open': { req: z.object({ peer: address, limit: z.number().int().min(1).max(1000).optional() }).strict(), res: z.object({ conversation: conversationSummary, messages: z.array(chatMessage) }) },
  'chat.send': { req: z.object({ to: address, text: outgoingText }).strict(), res: chatMessage },
  /** Sends a failed message again (same id). */
  'chat.retry': { req: z.object({ messageId: z.string() }).strict(), res: chatMessage },
  /** The user is (or stopped) typing in this conversation; main sends and refreshes the indication. */
  'chat.typing': { req: z.object({ conversationId: z.string(), active: z.boolean() }).strict(), res: empty },
  'chat.markRead': { req: z.object({ conversationId: z.string() }).strict(), res: empty },
  'history.search': { req: z.object({ query: z.string().min(1).max(256), conversationId: z.string().optional(), limit: z.number().int().min(1).max(500).optional() }).strict(), res: z.array(historyHit) },
  'history.delete': { req: z.object({ conversationId: z.string() }).strict(), res: empty },
  'history.export': { req: z.object({ conversationId: z.string(), format: z.enum(['text', 'json']) }).strict(), res: z.object({ filename: z.string(), content: z.string() }) },

  // Presence (presence issue).
  'presence.setOwn': { req: z.object({ status: ownStatus, note: z.string().max(1024).optional() }).strict(), res: ownPresence },
  /** Current state of every watched contact (events keep it fresh). */
  'presence.list': { req: noArgs, res: z.array(contactPresence) },
  'presence.capabilities': { req: noArgs, res: presenceCapabilities },
  /** The answer to "X wants to see your presence": allow, or block politely (the watcher sees offline). */
  'presence.answerWatcher': { req: z.object({ watcher: address, allow: z.boolean() }).strict(), res: empty },

  // Contact list (presence issue item 4; server-stored lists: their own issue).
  'contacts.list': { req: noArgs, res: contactList },
  'contacts.add': { req: z.object({ uri: address, displayName: z.string().max(256).optional(), group: z.string().min(1).max(256).optional() }).strict(), res: contact },
  'contacts.update': { req: z.object({ uri: z.string(), displayName: z.string().max(256).optional(), group: z.string().min(1).max(256).optional(), blocked: z.boolean().optional() }).strict(), res: contact },
  'contacts.remove': { req: z.object({ uri: z.string() }).strict(), res: empty },
  'contacts.renameGroup': { req: z.object({ from: z.string(), to: z.string().min(1).max(256) }).strict(), res: empty },
} as const;

export const events = {
  'account.state': accountState,
  /** A message arrived, or one we sent was created (its later progress comes as chat.state). */
  'chat.message': chatMessage,
  'chat.state': chatStateChange,
  'chat.typing': typingState,
  /** Coalesced: at most one event per 50 ms, carrying every contact that changed since the last. */
  'presence.changed': z.object({ contacts: z.array(contactPresence) }),
  'presence.own': ownPresence,
  /** "X wants to see your presence" (status pending/waiting), or a watcher that was let in or left. */
  'presence.watcher': presenceWatcher,
  'contacts.changed': contactList,
} as const;

export type CommandName = keyof typeof commands;
export type EventName = keyof typeof events;
export type CommandRequest<K extends CommandName> = z.infer<(typeof commands)[K]['req']>;
export type CommandResponse<K extends CommandName> = z.infer<(typeof commands)[K]['res']>;
export type EventPayload<K extends EventName> = z.infer<(typeof events)[K]>;
export type AppInfo = z.infer<typeof appInfo>;
export type AccountSummary = z.infer<typeof accountSummary>;
export type AccountState = z.infer<typeof accountState>;
export type SignInRequest = z.infer<typeof signInRequest>;
export type CertificateSummary = z.infer<typeof certificateSummary>;
export type ChatStateChange = z.infer<typeof chatStateChange>;
export type OwnPresence = z.infer<typeof ownPresence>;
export type PresenceCapabilities = z.infer<typeof presenceCapabilities>;
export type PresenceWatcher = z.infer<typeof presenceWatcher>;
export type HistoryHit = z.infer<typeof historyHit>;
export type AppSettings = z.infer<typeof appSettings>;
export type AppSettingsChange = z.infer<typeof appSettingsChange>;
export type FederationTestResult = z.infer<typeof federationTestResult>;
export type FederationTestStep = z.infer<typeof federationTestStep>;

export const commandNames = Object.keys(commands) as CommandName[];
export const eventNames = Object.keys(events) as EventName[];

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(commands, name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);
}
