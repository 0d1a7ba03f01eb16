// Shared set-up of the IM acceptance tests: Parley cores signed in to the testbed, and waiting for chat events.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppCore } from '../../../electron/core/app-core';
import type { AppCore } from '../../../electron/core/app-core';
import { nodePlatform } from '../../../electron/core/platform/node-platform';
import type { AccountState, ChatStateChange, EventName } from '../../../shared/ipc/contract';
import type { ChatMessage, TypingState } from '../../../shared/model/chat';
import type { Testbed, TestUser } from '../../testbed/harness';

export interface ChatCore extends AppCore {
  readonly profileDir: string;
  readonly log: Array<{ name: EventName; payload: unknown }>;
  incoming(): ChatMessage[];
}

export function newCore(tb: Testbed, t: { after(fn: () => unknown): void }, profileDir = mkdtempSync(join(tmpdir(), 'parley-im-'))): ChatCore {
  const core = createAppCore(nodePlatform('cli', profileDir), {
    sip: { dnsServers: [tb.dns.server], extraCaCertificates: [readFileSync(tb.pki.ca, 'utf8')] },
  });
  const log: Array<{ name: EventName; payload: unknown }> = [];
  core.events.subscribe((name, payload) => log.push({ name, payload }));
  let closed = false;
  const close = core.close;
  const wrapped = Object.assign(core, {
    profileDir,
    log,
    incoming: () => log.filter((e) => e.name === 'chat.message' && (e.payload as ChatMessage).direction === 'in').map((e) => e.payload as ChatMessage),
    close: async () => {
      if (closed) return;
      closed = true;
      await close();
    },
  });
  t.after(() => wrapped.close());
  return wrapped;
}

export async function signIn(core: AppCore, user: TestUser): Promise<void> {
  const r = await core.dispatch('account.signIn', { address: user.aor, password: user.password });
  const state = (r as { ok: true; value: AccountState }).value;
  if (!r.ok || state.state !== 'registered') throw new Error(`sign-in of ${user.aor} failed: ${JSON.stringify(r)}`);
}

export async function send(core: AppCore, to: string, text: string): Promise<ChatMessage> {
  const r = await core.dispatch('chat.send', { to, text });
  if (!r.ok) throw new Error(`chat.send failed: ${r.error.message}`);
  return r.value as ChatMessage;
}

export function waitFor<T>(core: ChatCore, name: EventName, match: (p: T) => boolean, timeoutMs: number, what: string = name): Promise<T> {
  return new Promise((resolve, reject) => {
    const hit = core.log.find((e) => e.name === name && match(e.payload as T));
    if (hit) return resolve(hit.payload as T);
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${what} within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = core.events.subscribe((n, p) => {
      if (n === name && match(p as T)) {
        clearTimeout(timer);
        off();
        resolve(p as T);
      }
    });
  });
}

export const finalState = (core: ChatCore, id: string, timeoutMs = 15_000) =>
  waitFor<ChatStateChange>(core, 'chat.state', (c) => c.messageId === id && (c.state === 'delivered' || c.state === 'failed'), timeoutMs, `final state of ${id}`);

export const typing = (core: ChatCore, active: boolean, timeoutMs = 10_000) => waitFor<TypingState>(core, 'chat.typing', (c) => c.active === active, timeoutMs, `typing ${active}`);
