// Shared helpers of the server-lists integration tests: cores (Parley profiles) against the testbed with its XCAP
// roots, and the XCAP root of a domain.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppCore } from '../../../electron/core/app-core';
import type { AppCore } from '../../../electron/core/app-core';
import { nodePlatform } from '../../../electron/core/platform/node-platform';
import { XcapClient } from '../../../electron/core/xcap/xcap-client';
import type { TraceEntry } from '../../../electron/core/diagnostics/sip-trace';
import type { AccountState } from '../../../shared/ipc/contract';
import type { DomainName, Testbed, TestUser } from '../../testbed/harness';
import { xcapRootOf } from '../../testbed/layout';

export const xcapRoot = xcapRootOf;

export function xcapClientFor(u: TestUser, password = u.password): XcapClient {
  return new XcapClient({ root: xcapRoot(u.domain), xui: u.aor, username: u.user, password });
}

/** A Parley profile (own directory, own SQLite) using the testbed's DNS, CA and XCAP roots. */
export function newProfile(tb: Testbed, t: { after(fn: () => unknown): void }, dir = mkdtempSync(join(tmpdir(), 'parley-xcap-'))): AppCore & { dir: string } {
  const core = createAppCore(nodePlatform('cli', dir), {
    sip: { dnsServers: [tb.dns.server], extraCaCertificates: [readFileSync(tb.pki.ca, 'utf8')] },
    xcap: { root: (id) => xcapRoot(id.slice(id.indexOf('@') + 1) as DomainName), debounceMs: 50 },
  });
  t.after(() => core.close());
  return Object.assign(core, { dir });
}

export async function signIn(core: AppCore, u: TestUser): Promise<void> {
  const r = await core.dispatch('account.signIn', { address: u.aor, password: u.password });
  if (!r.ok) throw new Error(`sign-in failed: ${r.error.message}`);
  const s = r.value as AccountState;
  if (s.state !== 'registered') throw new Error(`sign-in: ${s.state} ${s.detail ?? ''}`);
}

export async function until<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A header's value in a SIP message's text (first occurrence, case-insensitive name). */
export const header = (text: string, name: string): string | undefined => new RegExp(`\\r\\n${name}:[ \\t]*([^\\r]*)`, 'i').exec(text)?.[1];

/** Initial presence SUBSCRIBEs (no To tag) in a core's SIP log, one per Call-ID (a digest retry repeats the Call-ID). */
export function initialPresenceSubscribes(core: AppCore): TraceEntry[] {
  const seen = new Set<string>();
  return core.trace.since(0).filter((e) => {
    if (e.direction !== 'out' || !e.text.startsWith('SUBSCRIBE ') || header(e.text, 'Event')?.trim() !== 'presence' || /\r\nTo:[^\r]*;tag=/i.test(e.text)) return false;
    const callId = header(e.text, 'Call-ID') ?? '';
    if (seen.has(callId)) return false;
    seen.add(callId);
    return true;
  });
}
