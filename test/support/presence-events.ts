// Waiting for a contact's presence in a core's `presence.changed` events (the integration tests' one helper).
import type { AppCore } from '../../electron/core/app-core';
import type { EventPayload } from '../../shared/ipc/contract';
import type { ContactPresence } from '../../shared/model/presence';

/** The next presence of `uri` matching `ok`, and performance.now() when its event arrived. */
export function nextPresenceAt(core: AppCore, uri: string, ok: (p: ContactPresence) => boolean, timeoutMs = 10_000): Promise<{ p: ContactPresence; at: number }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no matching presence for ${uri} within ${timeoutMs} ms; last: ${JSON.stringify(core.presence.list().find((x) => x.uri === uri))}`));
    }, timeoutMs);
    const off = core.events.subscribe((name, payload) => {
      if (name !== 'presence.changed') return;
      const p = (payload as EventPayload<'presence.changed'>).contacts.find((c) => c.uri === uri);
      if (p && ok(p)) {
        clearTimeout(timer);
        off();
        resolve({ p, at: performance.now() });
      }
    });
  });
}

/** The next presence of `uri` matching `ok` (a change still to come). */
export async function nextPresence(core: AppCore, uri: string, ok: (p: ContactPresence) => boolean, timeoutMs = 10_000): Promise<ContactPresence> {
  return (await nextPresenceAt(core, uri, ok, timeoutMs)).p;
}

/** The presence of `uri` if it already matches `ok`, else the next one that does. */
export function presenceNowOrNext(core: AppCore, uri: string, ok: (p: ContactPresence) => boolean, timeoutMs = 10_000): Promise<ContactPresence> {
  const now = core.presence.list().find((c) => c.uri === uri);
  return now && ok(now) ? Promise.resolve(now) : nextPresence(core, uri, ok, timeoutMs);
}
