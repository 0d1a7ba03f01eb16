// The chat service (IM issue): one conversation per contact, an ordered outgoing queue per conversation with a
// visible delivery state for every message, both IM modes (page MESSAGE and LCS INVITE sessions, chosen per
// contact by the capability book), incoming messages from both modes (sanitised, deduplicated, blocked senders
// refused), and typing both ways. See README.md in this folder for the rules and why.
import { randomBytes, randomUUID } from 'node:crypto';
import type { ChatStateChange, HistoryHit } from '../../../shared/ipc/contract';
import type { ChatMessage, ConversationSummary, DeliveryState, FailureReason } from '../../../shared/model/chat';
import { systemClock } from '../../sip/clock';
import type { Clock, TimerHandle } from '../../sip/clock';
import type { SipRequest, SipResponse } from '../../sip/message/message';
import { MS_TEXT_FORMAT, parseMsTextFormat } from '../../sip/im/ms-text-format';
import { MAX_FIRST_MESSAGE_CHARS, splitText } from '../../sip/im/split-text';
import { buildIsComposing, ISCOMPOSING_CONTENT_TYPE, ISCOMPOSING_DEFAULT_REFRESH_S, parseIsComposing } from '../../sip/simple/iscomposing';
import { buildKeyboardActivity, KEYBOARD_ACTIVITY_CONTENT_TYPE, parseKeyboardActivity } from '../../sip/simple/keyboard-activity';
import { answerOptions, CapabilityBook, probeCapabilities } from '../../sip/usage/capabilities';
import type { ImMode } from '../../sip/usage/capabilities';
import { IM_ACCEPT } from '../../sip/usage/im-answer';
import type { ImAnswer } from '../../sip/usage/im-answer';
import { ImSessions } from '../../sip/usage/im-session';
import type { ImSession } from '../../sip/usage/im-session';
import { newPageIdentity, Pager } from '../../sip/usage/pager';
import type { PageIdentity } from '../../sip/usage/pager';
import { ISCOMPOSING_REFRESH_S, KEYBOARD_ACTIVITY_REFRESH_MS, KEYBOARD_ACTIVITY_VALID_MS, TypingReceiver, TypingSender } from '../../sip/usage/typing';
import type { UserAgent } from '../../sip/user-agent';
import { addressOfRecord, normalizeContactUri } from '../contacts/contact-uri';
import type { EventBus } from '../event-bus';
import { CommandError } from '../ipc/dispatcher';
import type { AccountDirectory, BlockList, ChatHistory } from './chat-ports';
import { judge, notSupported } from './delivery-failure';
import type { DeliveryVerdict } from './delivery-failure';
import { decodeContent, parseMediaType } from './incoming-content';

const TEXT = 'text/plain; charset=UTF-8';
/** Item 4: a transient path failure is retried for up to 10 minutes, then the message fails. */
export const RETRY_WINDOW_MS = 10 * 60_000;
/** After a path failure, a 480 within this grace is the other domain's users still re-registering: retry. */
export const OFFLINE_GRACE_MS = 2 * 60_000;
const BACKOFF_FIRST_MS = 1000;
const BACKOFF_MAX_MS = 30_000;

export interface ChatServiceOptions {
  readonly events: EventBus;
  readonly accounts: AccountDirectory;
  readonly history: ChatHistory;
  readonly blocks?: BlockList;
  /** Protocol and retry timers (fake in tests). */
  readonly clock?: Clock;
  /** Epoch ms for message times. */
  readonly now?: () => number;
  readonly retryWindowMs?: number;
  /** An idle IM session is closed with BYE after this long (default 10 min). */
  readonly sessionIdleMs?: number;
  readonly log?: (line: string) => void;
}

interface Job {
  message: ChatMessage;
  readonly parts: string[];
  /** Index of the first part not yet delivered. */
  next: number;
  /** Page mode: one wire identity per part, kept across re-sends (pager.ts). */
  readonly identities: PageIdentity[];
  attempt: number;
  firstPathFailureAt: number | undefined;
  lastPathFailureAt: number | undefined;
}

interface Conversation {
  readonly id: string;
  readonly queue: Job[];
  running: boolean;
  retryTimer: TimerHandle | undefined;
  session: { session: ImSession; binding: Binding } | undefined;
  typingOut: TypingSender | undefined;
  readonly typingIn: TypingReceiver;
  /** The contact refused an isComposing document (415/488/501): stop sending them (RFC 3994 §3 — optional). */
  noIsComposing?: boolean;
}

/** The group commit waits at most this many event-loop turns, or this many messages (see scheduleFlush). */
const GROUP_COMMIT_TURNS = 16;
const GROUP_COMMIT_MAX = 256;

/** An incoming message waiting for the group commit (see queueIncoming). */
interface PendingIncoming {
  readonly message: ChatMessage;
  readonly key: string;
  readonly displayName: string | undefined;
  readonly answer: (answer: ImAnswer) => void;
}

const ACCEPTED: ImAnswer = { status: 200 };
const STORE_FAILED: ImAnswer = { status: 500, reason: 'Server Internal Error' };

interface Binding {
  readonly accountId: string;
  readonly ua: UserAgent;
  readonly pager: Pager;
  readonly sessions: ImSessions;
  registered: boolean;
}

export class ChatService {
  private readonly clock: Clock;
  private readonly now: () => number;
  private readonly conversations = new Map<string, Conversation>();
  private readonly bindings = new Map<string, Binding>();
  /** Peers an OPTIONS probe is out for (see probe()). */
  private readonly probing = new Set<string>();
  private current: string | undefined;
  readonly book: CapabilityBook;
  private readonly unsubscribe: () => void;
  private closed = false;
  /** Incoming page-mode messages of this event-loop turn, stored together by flushIncoming. */
  private pendingIncoming: PendingIncoming[] = [];
  private flushScheduled = false;
  /**
   * Incoming message ids: a random per-process prefix (72 bits) and a counter. Duplicates are found by the
   * Call-ID/CSeq/From-tag key, not the id, so the id need not be derived from it (a SHA-256 per message was).
   */
  private readonly idPrefix = `in-${randomBytes(9).toString('base64url')}-`;
  private idCounter = 0;

  constructor(private readonly options: ChatServiceOptions) {
    this.clock = options.clock ?? systemClock;
    this.now = options.now ?? Date.now;
    this.book = new CapabilityBook(this.clock);
    this.unsubscribe = options.events.subscribe((name, payload) => {
      if (name !== 'account.state') return;
      const p = payload as { accountId: string; state: string };
      this.onAccountState(p.accountId, p.state);
    });
    // Item 4: messages still pending when Parley stopped are sent again (never silently dropped).
    for (const message of options.history.pendingOutgoing()) {
      const conv = this.conversation(message.conversationId);
      const job = this.newJob(message);
      conv.queue.push(job);
      if (message.state !== 'queued') this.setState(job, 'queued', undefined, 'Waiting to be sent again after a restart');
    }
  }

  // --- commands ----------------------------------------------------------------------------------------------

  list(): ConversationSummary[] {
    return this.options.history.conversations();
  }

  open(peer: string, limit?: number): { conversation: ConversationSummary; messages: ChatMessage[] } {
    const id = this.normalize(peer);
    this.probe(id);
    this.options.history.openConversation(id);
    const messages = this.options.history.messages(id, limit ? { limit } : {});
    this.options.history.markRead(id);
    return { conversation: this.options.history.openConversation(id), messages };
  }

  /**
   * Opening a conversation with a peer we know nothing about asks it what it supports (OPTIONS, protocol.md
   * §2.5 item 31) in the background, so the first message goes in the right mode (page MESSAGE or an LCS session).
   * At most one probe per peer at a time; the answer (or a failure) is only a hint, never a delivery decision.
   */
  private probe(peer: string): void {
    const binding = this.activeBinding();
    if (!binding || this.book.knows(peer) || this.probing.has(peer)) return;
    this.probing.add(peer);
    void probeCapabilities(binding.ua.sender, this.book, peer)
      .catch((error: unknown) => this.options.log?.(`chat: OPTIONS to ${peer} failed: ${String(error)}`))
      .finally(() => this.probing.delete(peer));
  }

  send(to: string, text: string): ChatMessage {
    const conversationId = this.normalize(to);
    const message: ChatMessage = { id: randomUUID(), conversationId, direction: 'out', text, at: this.now(), state: 'queued' };
    this.options.history.appendOutgoing(message);
    this.options.events.emit('chat.message', message);
    const conv = this.conversation(conversationId);
    conv.typingOut?.messageSent();
    conv.queue.push(this.newJob(message));
    void this.pump(conv);
    return message;
  }

  retry(messageId: string): ChatMessage {
    const message = this.options.history.get(messageId);
    if (!message || message.direction !== 'out') throw new CommandError('invalid-payload', `no message ${messageId} to send again`);
    if (message.state !== 'failed') return message;
    const conv = this.conversation(message.conversationId);
    const job = this.newJob(message);
    conv.queue.push(job);
    this.setState(job, 'queued');
    void this.pump(conv);
    return job.message;
  }

  typing(conversationId: string, active: boolean): void {
    const conv = this.conversation(this.normalize(conversationId));
    conv.typingOut ??= new TypingSender({
      clock: this.clock,
      // LCS KeyboardActivity is refreshed every few seconds (item 33); isComposing announces its refresh (item 34).
      refreshMs: () => (this.liveSession(conv) ? KEYBOARD_ACTIVITY_REFRESH_MS : ISCOMPOSING_REFRESH_S * 1000),
      send: (a) => this.sendTyping(conv, a),
    });
    conv.typingOut.setActive(active);
  }

  markRead(conversationId: string): void {
    this.options.history.markRead(this.normalize(conversationId));
  }

  search(query: string, options: { conversationId?: string; limit?: number } = {}): HistoryHit[] {
    return this.options.history.search(query, options);
  }

  /** Closes IM sessions (BYE) and stops timers; pending messages stay in history for the next start. */
  async close(): Promise<void> {
    // What arrived in this turn is stored and answered before we stop.
    this.flushIncoming();
    this.closed = true;
    this.unsubscribe();
    for (const conv of this.conversations.values()) {
      if (conv.retryTimer) this.clock.clearTimeout(conv.retryTimer);
      conv.retryTimer = undefined;
      conv.typingOut?.dispose();
      conv.typingIn.dispose();
    }
    const byes = [...this.bindings.values()].flatMap((b) => (b.registered ? b.sessions.active().map((s) => s.close()) : []));
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([Promise.allSettled(byes), new Promise((r) => (timer = setTimeout(r, 2000)))]);
    clearTimeout(timer);
  }

  // --- accounts ----------------------------------------------------------------------------------------------

  private onAccountState(accountId: string, state: string): void {
    if (this.closed) return;
    if (state === 'registered') {
      const ua = this.options.accounts.userAgentOf(accountId);
      if (!ua) return;
      let binding = this.bindings.get(accountId);
      if (!binding || binding.ua !== ua) {
        binding = this.bind(accountId, ua);
        this.bindings.set(accountId, binding);
      }
      binding.registered = true;
      this.current = accountId;
      for (const conv of this.conversations.values()) void this.pump(conv);
      return;
    }
    const binding = this.bindings.get(accountId);
    if (binding) binding.registered = false;
    if (state === 'signed-out' || state === 'failed') {
      this.bindings.delete(accountId);
      for (const conv of this.conversations.values()) if (conv.session?.binding === binding) conv.session = undefined;
      if (this.current === accountId) this.current = [...this.bindings.values()].find((b) => b.registered)?.accountId;
    }
  }

  private activeBinding(): Binding | undefined {
    const b = this.current ? this.bindings.get(this.current) : undefined;
    return b?.registered ? b : undefined;
  }

  private bind(accountId: string, ua: UserAgent): Binding {
    const register = (method: string, handler: Parameters<UserAgent['onRequestMethod']>[1]) => ua.onRequestMethod(method, handler);
    const pager = new Pager(ua.sender, register, { onMessage: (request) => this.receive(accountId, request, undefined) });
    const binding: Binding = { accountId, ua, pager, sessions: undefined as unknown as ImSessions, registered: false };
    const sessions = new ImSessions(
      ua.sender,
      ua.dialogs,
      register,
      {
        onIncomingSession: (request) => this.incomingSession(accountId, request),
        onSessionStarted: (session) => {
          if (session.direction !== 'in') return;
          const aor = addressOfRecord(session.peer);
          // LCS users reply in the session they opened (protocol.md item 24): our answers go there too.
          if (aor) this.conversation(aor.uri).session = { session, binding };
        },
        onMessage: (session, request) => this.receive(accountId, request, session),
        onInfo: (session, request) => this.receiveInfo(session, request),
        onSessionEnded: (session) => {
          for (const conv of this.conversations.values()) if (conv.session?.session === session) conv.session = undefined;
        },
      },
      { clock: this.clock, contact: () => ua.contactUri(), ...(this.options.sessionIdleMs ? { idleMs: this.options.sessionIdleMs } : {}) },
    );
    (binding as { sessions: ImSessions }).sessions = sessions;
    ua.strayInviteResponse = (response) => sessions.strayResponse(response);
    // protocol.md §2.5 item 31: OPTIONS → Allow + the IM SDP.
    ua.onRequestMethod('OPTIONS', (request, tx) => answerOptions(request, tx, ua.sender.account.aor, ua.contactUri()));
    return binding;
  }

  // --- sending -----------------------------------------------------------------------------------------------

  private newJob(message: ChatMessage): Job {
    const parts = splitText(message.text);
    return { message, parts, next: 0, identities: parts.map(() => newPageIdentity()), attempt: 0, firstPathFailureAt: undefined, lastPathFailureAt: undefined };
  }

  /** Sends the conversation's queue head; one message at a time keeps the order (item 4). */
  private async pump(conv: Conversation): Promise<void> {
    if (this.closed || conv.running || conv.retryTimer || conv.queue.length === 0) return;
    const job = conv.queue[0]!;
    const binding = this.activeBinding();
    if (!binding) {
      if (job.message.state !== 'queued') this.setState(job, 'queued', undefined, 'Waiting for the connection to your server');
      return;
    }
    conv.running = true;
    if (job.message.state !== 'sending') this.setState(job, 'sending');
    let verdict: DeliveryVerdict;
    try {
      verdict = await this.deliver(binding, conv, job);
    } catch (error) {
      this.options.log?.(`chat: delivery of ${job.message.id} threw: ${error instanceof Error ? error.stack : String(error)}`);
      verdict = { kind: 'transient', detail: 'Sending failed unexpectedly; retrying' };
    }
    conv.running = false;
    if (this.closed) return;
    const t = this.clock.now();
    if (verdict.kind === 'failed' && verdict.reason === 'offline' && job.lastPathFailureAt !== undefined && t - job.lastPathFailureAt < OFFLINE_GRACE_MS) {
      // The other domain just came back; its users are still registering again. Keep trying for a while.
      verdict = { kind: 'transient', detail: `${conv.id.slice(4)} is not back online yet; retrying` };
    }
    switch (verdict.kind) {
      case 'delivered':
        conv.queue.shift();
        this.setState(job, 'delivered');
        break;
      case 'failed':
        conv.queue.shift();
        this.setState(job, 'failed', verdict.reason, verdict.detail);
        break;
      case 'mode-refused': {
        conv.queue.shift();
        const v = notSupported(conv.id) as { reason: FailureReason; detail: string };
        this.setState(job, 'failed', v.reason, v.detail);
        break;
      }
      case 'disconnected':
        this.setState(job, 'queued', undefined, verdict.detail);
        // The account service reports the loss and the reconnect; until then a slow poll covers a missed event.
        this.later(conv, 2000);
        return;
      case 'transient': {
        job.firstPathFailureAt ??= t;
        if (!(verdict.detail.includes('not back online'))) job.lastPathFailureAt = t;
        const window = this.options.retryWindowMs ?? RETRY_WINDOW_MS;
        if (t - job.firstPathFailureAt >= window) {
          conv.queue.shift();
          this.setState(job, 'failed', 'timed-out', `Could not reach ${conv.id.slice(4)} for ${Math.round(window / 60_000)} minutes`);
          break;
        }
        const delay = Math.min(BACKOFF_FIRST_MS * 2 ** job.attempt, BACKOFF_MAX_MS);
        job.attempt++;
        this.setState(job, 'retrying', undefined, verdict.detail);
        this.later(conv, delay);
        return;
      }
    }
    void this.pump(conv);
  }

  private later(conv: Conversation, ms: number): void {
    if (conv.retryTimer) this.clock.clearTimeout(conv.retryTimer);
    conv.retryTimer = this.clock.setTimeout(() => {
      conv.retryTimer = undefined;
      void this.pump(conv);
    }, ms);
  }

  /** Tries the preferred mode, then the other one when the first is refused (415/488/501, BCP §6.3). */
  private async deliver(binding: Binding, conv: Conversation, job: Job): Promise<DeliveryVerdict> {
    const peer = conv.id;
    const mode: ImMode = this.liveSession(conv) === binding ? 'session' : this.book.preferredMode(peer);
    const first = await this.deliverIn(mode, binding, conv, job);
    if (first.kind === 'delivered') this.book.worked(peer, mode);
    if (first.kind !== 'mode-refused') return first;
    this.book.refused(peer, mode);
    const other: ImMode = mode === 'session' ? 'page' : 'session';
    const second = await this.deliverIn(other, binding, conv, job);
    if (second.kind === 'delivered') this.book.worked(peer, other);
    return second.kind === 'mode-refused' ? notSupported(peer) : second;
  }

  private deliverIn(mode: ImMode, binding: Binding, conv: Conversation, job: Job): Promise<DeliveryVerdict> {
    return mode === 'page' ? this.deliverPage(binding, conv, job) : this.deliverSession(binding, conv, job);
  }

  private async deliverPage(binding: Binding, conv: Conversation, job: Job): Promise<DeliveryVerdict> {
    while (job.next < job.parts.length) {
      const i = job.next;
      const outcome = await binding.pager.send(conv.id, job.parts[i]!, { contentType: TEXT, identity: job.identities[i]! });
      const verdict = this.verdict(conv.id, outcome.response, outcome.origin);
      if (verdict.kind !== 'delivered') return verdict;
      job.next++;
    }
    return { kind: 'delivered' };
  }

  private async deliverSession(binding: Binding, conv: Conversation, job: Job): Promise<DeliveryVerdict> {
    let reinvited = false;
    for (;;) {
      let session = conv.session?.binding === binding && conv.session.session.state === 'active' ? conv.session.session : undefined;
      if (!session) {
        const part = job.parts[job.next]!;
        // Item 27: the first message rides in Ms-Text-Format when small (§2.14: ≤ 800 characters).
        const carried = part.length <= MAX_FIRST_MESSAGE_CHARS ? part : undefined;
        const outcome = await binding.sessions.invite(conv.id, carried);
        if (outcome.kind === 'failed') return this.verdict(conv.id, outcome.response, outcome.origin);
        this.book.learnFromResponse(conv.id, outcome.response);
        session = outcome.session;
        conv.session = { session, binding };
        // No `Supported: ms-text-format` in the 200: the text is sent again as the first MESSAGE after the ACK.
        if (carried !== undefined && outcome.firstMessageTaken) job.next++;
      }
      let dead = false;
      while (job.next < job.parts.length) {
        const outcome = await session.sendMessage(job.parts[job.next]!, TEXT);
        const verdict = this.verdict(conv.id, outcome.response, outcome.origin);
        if (verdict.kind === 'delivered') {
          job.next++;
          continue;
        }
        // Item 29: 408/480/481 in the dialog → it is dead; a new INVITE on the next send (once per attempt).
        if (session.state === 'ended' && !reinvited) {
          dead = true;
          break;
        }
        return verdict;
      }
      if (!dead) return { kind: 'delivered' };
      reinvited = true;
    }
  }

  private verdict(peer: string, response: SipResponse, origin: Parameters<typeof judge>[1]): DeliveryVerdict {
    this.book.learnFromResponse(peer, response);
    return judge(response.status, origin, peer, response.reason);
  }

  private liveSession(conv: Conversation): Binding | undefined {
    const s = conv.session;
    return s && s.session.state === 'active' && s.binding.registered ? s.binding : undefined;
  }

  private async sendTyping(conv: Conversation, active: boolean): Promise<void> {
    const binding = this.activeBinding();
    if (!binding) return;
    if (this.liveSession(conv) === binding) {
      // protocol.md item 33: INFO with KeyboardActivity inside the LCS session.
      await conv.session!.session.sendInfo(buildKeyboardActivity(active ? 'type' : 'idle'), KEYBOARD_ACTIVITY_CONTENT_TYPE);
      return;
    }
    // Item 34: RFC 3994 isComposing in page mode — not to a contact we talk to in sessions (no INVITE for typing).
    if (this.book.preferredMode(conv.id) !== 'page' || conv.noIsComposing) return;
    const outcome = await binding.pager.send(conv.id, buildIsComposing(active ? { state: 'active', refresh: ISCOMPOSING_REFRESH_S } : { state: 'idle' }), {
      contentType: ISCOMPOSING_CONTENT_TYPE,
    });
    // A client without RFC 3994 (baresip, for one) answers 415: typing is best-effort, so stop offering it.
    if ([415, 488, 501].includes(outcome.response.status)) conv.noIsComposing = true;
  }

  private setState(job: Job, state: DeliveryState, failure?: FailureReason, detail?: string): void {
    const m = job.message;
    const next: ChatMessage = { id: m.id, conversationId: m.conversationId, direction: m.direction, text: m.text, at: m.at, state, ...(m.html ? { html: m.html } : {}), ...(failure ? { failure } : {}), ...(detail ? { detail } : {}) };
    job.message = next;
    try {
      this.options.history.updateState(m.id, state, failure, detail);
    } catch (error) {
      this.options.log?.(`chat: could not store state of ${m.id}: ${String(error)}`);
    }
    const change: ChatStateChange = { messageId: m.id, conversationId: m.conversationId, state, ...(failure ? { failure } : {}), ...(detail ? { detail } : {}) };
    this.options.events.emit('chat.state', change);
  }

  // --- receiving ---------------------------------------------------------------------------------------------

  private incomingSession(accountId: string, request: SipRequest): ImAnswer & { tookFirstMessage?: boolean } {
    const aor = addressOfRecord(request.from.uriText);
    if (!aor) return { status: 400, reason: 'Bad Request (From is not user@domain)' };
    // protocol.md §2.10 item 52: a blocked sender gets a polite 480 (they see us as offline), nothing is shown.
    if (this.options.blocks?.isBlocked(accountId, aor.uri)) return { status: 480, reason: 'Temporarily Unavailable' };
    this.book.learnFromRequest(aor.uri, request);
    const mtf = request.header(MS_TEXT_FORMAT);
    if (mtf === undefined) return { status: 200 };
    const parsed = parseMsTextFormat(mtf);
    if (parsed.body === undefined || parsed.body.length === 0) return { status: 200 };
    const typeWithMsgr = parsed.msgr ? `${parsed.contentType}; msgr=${parsed.msgr}` : parsed.contentType;
    const content = decodeContent(typeWithMsgr, parsed.body);
    if (!content) return { status: 200 };
    this.storeNow(this.incomingMessage(aor.uri, content), request, `${request.cseq.seq} INVITE`);
    return { status: 200, tookFirstMessage: true };
  }

  private receive(accountId: string, request: SipRequest, session: ImSession): ImAnswer;
  private receive(accountId: string, request: SipRequest, session: undefined): ImAnswer | Promise<ImAnswer>;
  private receive(accountId: string, request: SipRequest, session: ImSession | undefined): ImAnswer | Promise<ImAnswer> {
    const aor = addressOfRecord(request.from.uriText);
    if (!aor) return { status: 400, reason: 'Bad Request (From is not user@domain)' };
    if (!session && this.options.blocks?.isBlocked(accountId, aor.uri)) return { status: 480, reason: 'Temporarily Unavailable' };
    const contentType = request.header('Content-Type');
    const media = parseMediaType(contentType);
    if (media.type === ISCOMPOSING_CONTENT_TYPE) {
      // RFC 3994 §4; a broken document is ignored (typing is best-effort, item 35) but still answered 200.
      try {
        const state = parseIsComposing(request.body);
        this.conversation(aor.uri).typingIn.indicate(state.state === 'active', (state.refresh ?? ISCOMPOSING_DEFAULT_REFRESH_S) * 1000);
      } catch {
        /* ignored */
      }
      return { status: 200 };
    }
    if (request.body.length === 0) return { status: 200 };
    const content = decodeContent(contentType, request.body);
    if (!content) return { status: 415, reason: 'Unsupported Media Type', headers: [['Accept', IM_ACCEPT]] };
    const message = this.incomingMessage(aor.uri, content);
    // Page mode: stored in the group commit of this turn, answered once stored (the pager waits for the promise).
    if (!session) {
      this.book.learnFromRequest(aor.uri, request);
      return this.queueIncoming(message, request, String(request.cseq.seq));
    }
    // In a session the usage answers synchronously: stored now (after whatever is queued, to keep the order).
    try {
      this.storeNow(message, request, String(request.cseq.seq));
    } catch (error) {
      // Never acknowledge what we could not keep: a 500 makes the sender try again.
      this.options.log?.(`chat: could not store an incoming message: ${String(error)}`);
      return STORE_FAILED;
    }
    return ACCEPTED;
  }

  private receiveInfo(session: ImSession, request: SipRequest): ImAnswer {
    const aor = addressOfRecord(session.peer);
    const media = parseMediaType(request.header('Content-Type'));
    if (request.body.length === 0) return { status: 200 };
    if (media.type === KEYBOARD_ACTIVITY_CONTENT_TYPE || media.type === 'text/xml') {
      try {
        const state = parseKeyboardActivity(request.body);
        if (aor) this.conversation(aor.uri).typingIn.indicate(state === 'type', KEYBOARD_ACTIVITY_VALID_MS);
      } catch {
        /* best-effort (item 35) */
      }
      return { status: 200 };
    }
    return { status: 415, reason: 'Unsupported Media Type', headers: [['Accept', KEYBOARD_ACTIVITY_CONTENT_TYPE]] };
  }

  private incomingMessage(conversationId: string, content: { text: string; html?: string }): ChatMessage {
    const id = `${this.idPrefix}${(this.idCounter++).toString(36)}`;
    return { id, conversationId, direction: 'in', text: content.text, ...(content.html ? { html: content.html } : {}), at: this.now(), state: 'delivered' };
  }

  /**
   * Group commit. "A message is never lost" means no 200 before the message is stored (RFC 3428 §7: the 200 says
   * we took it). Storing each message in its own transaction made SQLite most of the cost of receiving one (the
   * commit and the search index flush are per transaction), so the messages that arrive in one event-loop turn are
   * queued here and stored in one transaction on setImmediate; each is answered (200 or 500) only after that
   * commit returned. A quiet conversation pays one turn of delay; a burst shares one commit.
   */
  private queueIncoming(message: ChatMessage, request: SipRequest, cseq: string): Promise<ImAnswer> {
    const key = JSON.stringify([request.callId, cseq, request.from.tag ?? '']);
    const displayName = request.from.displayName?.trim() || undefined;
    return new Promise<ImAnswer>((answer) => {
      this.pendingIncoming.push({ message, key, displayName, answer });
      if (this.flushScheduled) return;
      this.flushScheduled = true;
      this.scheduleFlush();
    });
  }

  /**
   * The group commit's window: while messages keep arriving turn after turn (a burst spread over event-loop
   * turns, as a busy TLS connection delivers them), wait — at most GROUP_COMMIT_TURNS turns or GROUP_COMMIT_MAX
   * messages — so they share one transaction; flush as soon as a turn brings nothing new. The 200s wait for the
   * commit either way, so this trades microseconds of answer latency for far fewer commits.
   */
  private scheduleFlush(): void {
    let seen = this.pendingIncoming.length;
    let turns = 0;
    const tick = (): void => {
      turns++;
      const queued = this.pendingIncoming.length;
      if (queued > seen && turns < GROUP_COMMIT_TURNS && queued < GROUP_COMMIT_MAX) {
        seen = queued;
        setImmediate(tick);
        return;
      }
      this.flushIncoming();
    };
    setImmediate(tick);
  }

  /** Stores the queued incoming messages in one transaction, then answers and announces each. Never throws. */
  private flushIncoming(): void {
    this.flushScheduled = false;
    const batch = this.pendingIncoming;
    if (batch.length === 0) return;
    this.pendingIncoming = [];
    const history = this.options.history;
    const insert = (p: PendingIncoming) => history.insertIncoming(p.message, p.key, p.displayName ? { displayName: p.displayName } : {});
    let stored: boolean[] | undefined;
    try {
      stored = history.batch(() => batch.map(insert));
    } catch (error) {
      // The whole group was rolled back: store them one by one, so one bad message costs only its own 200.
      this.options.log?.(`chat: storing ${batch.length} incoming messages together failed, one by one now: ${String(error)}`);
    }
    for (const [i, p] of batch.entries()) {
      let isNew: boolean;
      try {
        isNew = stored ? stored[i]! : insert(p);
      } catch (error) {
        // Never acknowledge what we could not keep: a 500 makes the sender try again.
        this.options.log?.(`chat: could not store an incoming message: ${String(error)}`);
        p.answer(STORE_FAILED);
        continue;
      }
      p.answer(ACCEPTED);
      this.announce(p.message, isNew);
    }
  }

  /** Stores one incoming message in its own transaction (session mode answers synchronously). Throws if it cannot. */
  private storeNow(message: ChatMessage, request: SipRequest, cseq: string): void {
    this.flushIncoming();
    const key = JSON.stringify([request.callId, cseq, request.from.tag ?? '']);
    const displayName = request.from.displayName?.trim();
    const isNew = this.options.history.insertIncoming(message, key, displayName ? { displayName } : {});
    this.announce(message, isNew);
  }

  /** A stored message clears the sender's typing indication; a new one (not a duplicate) is shown. */
  private announce(message: ChatMessage, isNew: boolean): void {
    try {
      this.conversation(message.conversationId).typingIn.messageReceived();
      if (isNew) this.options.events.emit('chat.message', message);
    } catch (error) {
      // Stored and answered already: a listener's failure must not cost the other messages of the group.
      this.options.log?.(`chat: could not announce ${message.id}: ${String(error)}`);
    }
  }

  // --- helpers -----------------------------------------------------------------------------------------------

  private normalize(address: string): string {
    try {
      return normalizeContactUri(address);
    } catch (error) {
      throw new CommandError('invalid-payload', error instanceof Error ? error.message : String(error));
    }
  }

  private conversation(id: string): Conversation {
    let conv = this.conversations.get(id);
    if (!conv) {
      const created: Conversation = {
        id,
        queue: [],
        running: false,
        retryTimer: undefined,
        session: undefined,
        typingOut: undefined,
        typingIn: new TypingReceiver({ clock: this.clock, onChange: (active) => this.options.events.emit('chat.typing', { conversationId: id, active }) }),
      };
      conv = created;
      this.conversations.set(id, conv);
    }
    return conv;
  }
}
