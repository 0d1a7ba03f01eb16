// `parley contacts list|add|remove` (issue 9 item 5): the server-side contact list from a terminal. Signs in, lets
// the list follow the server (resource-lists over XCAP: merged with the local copy), acts through the IPC contract
// like the UI does, waits until the change is on the server, prints the list (JSON with --json) and signs out.
// Without an XCAP server (none given with --xcap-root, none found through DNS) it works on the local list and says so.
import type { AppCore, AppCoreOptions } from '../../core/app-core';
import type { ContactList } from '../../../shared/model/contacts';
import { CliFailure, CliUsageError, readFirstLine, reportCliError, signInFromOptions } from '../sign-in-options';
import type { SignInValues } from '../sign-in-options';

export const CONTACTS_HELP = `  contacts list        sign in and print the contact list (kept on the server where it offers XCAP)
  contacts add <uri> [--name <display name>] [--group <group>]
  contacts remove <uri>
                       sign in, change the list, exit 0 once the server has it
                       (--xcap-root <url>: the XCAP root, else found through DNS _xcap._tcp)
`;

export const CONTACTS_OPTIONS = {
  name: { type: 'string' },
  group: { type: 'string' },
  'xcap-root': { type: 'string' },
} as const;

export interface ContactsValues extends SignInValues {
  readonly json?: boolean | undefined;
  readonly name?: string | undefined;
  readonly group?: string | undefined;
  readonly 'xcap-root'?: string | undefined;
}

/** The core options the command needs on top of the sign-in ones (the XCAP root). */
export function contactsCoreOptions(values: ContactsValues): Partial<AppCoreOptions> {
  const root = values['xcap-root'];
  if (root === undefined) return {};
  if (!/^https?:\/\/[^\s/]+/i.test(root)) throw new CliUsageError(`--xcap-root ${root}: expected an http(s) URL`);
  return { xcap: { root: () => root } };
}

export interface ContactsIo {
  out(line: string): void;
  err(line: string): void;
  stdin?: NodeJS.ReadableStream;
}

function text(list: ContactList): string {
  if (list.contacts.length === 0) return 'no contacts';
  return list.groups
    .map((g) => [`${g}:`, ...list.contacts.filter((c) => c.group === g).map((c) => `  ${c.uri.slice(4)}${c.displayName ? `  ${c.displayName}` : ''}${c.blocked ? '  (blocked)' : ''}`)].join('\n'))
    .join('\n');
}

export async function contactsCommand(core: AppCore, positionals: readonly string[], values: ContactsValues, io: ContactsIo): Promise<number> {
  try {
    const verb = positionals[1];
    const arity = verb === 'list' ? 2 : verb === 'add' || verb === 'remove' ? 3 : -1;
    if (positionals.length !== arity) throw new CliUsageError('usage: parley contacts list | add <uri> [--name N] [--group G] | remove <uri>');
    const accountId = await signInFromOptions(core, values, () => readFirstLine(io.stdin ?? process.stdin));
    await core.serverLists.idle(accountId);
    const onServer = core.serverLists.hasServerList(accountId);
    if (!onServer) io.err(`parley: no XCAP server for ${accountId.slice(4)}${core.serverLists.lastError(accountId) ? ` (${core.serverLists.lastError(accountId)})` : ''}: using the local list`);
    if (verb === 'add') {
      const r = await core.dispatch('contacts.add', { uri: positionals[2]!, ...(values.name !== undefined ? { displayName: values.name } : {}), ...(values.group !== undefined ? { group: values.group } : {}) });
      if (!r.ok) throw r.error.code === 'invalid-payload' ? new CliUsageError(r.error.message) : new CliFailure(r.error.message);
    } else if (verb === 'remove') {
      const r = await core.dispatch('contacts.remove', { uri: positionals[2]! });
      if (!r.ok) throw r.error.code === 'invalid-payload' ? new CliUsageError(r.error.message) : new CliFailure(r.error.message);
    }
    if (onServer && verb !== 'list') {
      // Edits are pushed after a short debounce: push now and require that it reached the server.
      const result = await core.serverLists.sync(accountId);
      if (!result) throw new CliFailure(`the change is saved locally but did not reach the server: ${core.serverLists.lastError(accountId) ?? 'unknown error'}`);
    }
    const list = await core.dispatch('contacts.list', {});
    if (!list.ok) throw new CliFailure(list.error.message);
    const value = list.value as ContactList;
    io.out(values.json ? JSON.stringify({ ...value, server: onServer }) : text(value));
    await core.dispatch('account.signOut', { accountId });
    return 0;
  } catch (error) {
    return reportCliError(error, io.err);
  }
}
