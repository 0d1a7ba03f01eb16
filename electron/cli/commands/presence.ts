// `parley presence set <state> [--note TEXT]` and `parley watch <uri>… [--json]` (presence issue item 4).
// - presence set: sign in, publish, and exit 0 once the server accepted the PUBLISH (1 with the reason). The
//   publication is left valid until it expires (RFC 3903): exiting does not withdraw it.
// - watch: sign in, subscribe to each address, print one line per state change (JSON with --json) until stopped.
import type { AppCore } from '../../core/app-core';
import type { EventPayload } from '../../../shared/ipc/contract';
import { ownStatus } from '../../../shared/model/presence';
import type { OwnStatus } from '../../../shared/model/presence';
import { normalizeAddress } from '../../core/account/account-service';
import { CliFailure, CliUsageError, readFirstLine, reportCliError, signInFromOptions, untilAborted } from '../sign-in-options';
import type { SignInValues } from '../sign-in-options';

export const PRESENCE_HELP = `  presence set <state> [--note <text>]
                       sign in and publish your presence (${ownStatus.options.join(', ')});
                       it stays published until it expires (1 hour)
  watch <uri>...       sign in and print each contact's presence changes until stopped
`;

export interface PresenceCliIo {
  out(line: string): void;
  err(line: string): void;
  stdin?: NodeJS.ReadableStream;
}

export async function presenceCommand(
  core: AppCore,
  positionals: readonly string[],
  values: SignInValues & { json?: boolean | undefined; note?: string | undefined },
  io: PresenceCliIo,
  stop: () => AbortSignal,
): Promise<number> {
  try {
    if (positionals[0] === 'presence') {
      if (positionals[1] !== 'set' || positionals.length !== 3) throw new CliUsageError('usage: parley presence set <state> [--note <text>]');
      const parsed = ownStatus.safeParse(positionals[2]);
      if (!parsed.success) throw new CliUsageError(`unknown state "${positionals[2]}"; one of: ${ownStatus.options.join(', ')}`);
      if (values.note !== undefined && values.note.length > 1024) throw new CliUsageError('--note is limited to 1024 characters');
      return await setPresence(core, parsed.data, values, io);
    }
    const uris = positionals.slice(1).map((u) => normalizeAddress(u));
    if (uris.length === 0) throw new CliUsageError('usage: parley watch <uri>... [--json]');
    await signInFromOptions(core, values, () => readFirstLine(io.stdin ?? process.stdin));
    await watch(core, uris, (line) => io.out(line), values.json ?? false, stop());
    return 0;
  } catch (error) {
    return reportCliError(error, io.err);
  }
}

async function setPresence(core: AppCore, status: OwnStatus, values: SignInValues & { json?: boolean | undefined; note?: string | undefined }, io: PresenceCliIo): Promise<number> {
  // Chosen before signing in, so the first PUBLISH already carries it.
  const set = await core.dispatch('presence.setOwn', { status, ...(values.note !== undefined ? { note: values.note } : {}) });
  if (!set.ok) throw new CliFailure(set.error.message);
  await signInFromOptions(core, values, () => readFirstLine(io.stdin ?? process.stdin));
  const outcome = await core.presence.publishNow();
  if (outcome.kind !== 'published') {
    const detail = outcome.kind === 'failed' ? outcome.detail : outcome.kind;
    if (values.json) io.out(JSON.stringify({ published: false, status, detail }));
    else io.err(`parley: presence not published: ${detail}`);
    return 1;
  }
  if (values.json) io.out(JSON.stringify({ published: true, status, ...(values.note ? { note: values.note } : {}), expires: outcome.expires }));
  else io.out(`published ${status}${values.note ? ` ("${values.note}")` : ''} for ${outcome.expires} s`);
  return 0;
}

/** Prints every change of the watched addresses until `stop` aborts. */
export function watch(core: AppCore, uris: readonly string[], out: (line: string) => void, json: boolean, stop: AbortSignal): Promise<void> {
  const wanted = new Set(uris);
  const last = new Map<string, string>();
  const off = core.events.subscribe((name, payload) => {
    if (name !== 'presence.changed') return;
    for (const p of (payload as EventPayload<'presence.changed'>).contacts) {
      if (!wanted.has(p.uri)) continue;
      const key = `${p.availability}|${p.reason}|${p.note ?? ''}`;
      if (last.get(p.uri) === key) continue;
      last.set(p.uri, key);
      out(json ? JSON.stringify({ event: 'presence', ...p }) : `${p.uri.slice(4)}: ${p.reason === 'ok' ? p.availability : `${p.reason} (${p.detail ?? ''})`}${p.note ? ` — ${p.note}` : ''}`);
    }
  });
  core.presence.watch(uris);
  return untilAborted(stop, off);
}
