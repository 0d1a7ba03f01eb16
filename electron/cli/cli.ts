// `parley`: the same core as the desktop app, from a terminal. Every command goes through the IPC
// contract's dispatcher, so the CLI exercises exactly what the UI does.
//
// Model (README "Command line"): one-shot commands act and exit (`info`, `accounts list`; later
// `send`, `presence set`, which sign in, act, wait for the outcome and sign out); long-running ones
// (later `listen`, `watch`) stay signed in and print one JSON object per line until stopped.
// Exit codes: 0 done, 1 the command failed, 2 usage error.
import { parseArgs } from 'node:util';
import { createAppCore } from '../core/app-core';
import { nodePlatform } from '../core/platform/node-platform';
import { APP_NAME, APP_VERSION } from '../core/platform/app-version';
import type { IpcResult } from '../../shared/ipc/result';
import { CliUsageError, coreOptionsFor, readFirstLine, reportCliError, SIGN_IN_HELP, SIGN_IN_OPTIONS, signInFromOptions } from './sign-in-options';
import { sendAndWait } from './commands/send';
import { listen } from './commands/listen';
import { PRESENCE_HELP, presenceCommand } from './commands/presence';
import { CONTACTS_HELP, CONTACTS_OPTIONS, contactsCommand, contactsCoreOptions } from './commands/contacts';

export const HELP = `Usage: parley <command> [options]

Commands:
  info                 show the version, platform and carrier
  accounts list        list configured accounts
  send <uri> <text>    sign in, send one message, exit 0 once delivered (1 with the reason if not)
  listen               sign in and print incoming messages, typing and delivery states until stopped
${PRESENCE_HELP}${CONTACTS_HELP}
Options:
  --json               print machine-readable JSON
  --profile <dir>      profile directory (default: $PARLEY_PROFILE or ~/.config/parley)
  --version            print the version and exit
  --help               print this help and exit

${SIGN_IN_HELP}`;

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Where --password-stdin reads from (default process.stdin). */
  stdin?: NodeJS.ReadableStream;
  /** Stops `listen` (default: SIGINT/SIGTERM). */
  stop?: AbortSignal;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        ...SIGN_IN_OPTIONS,
        note: { type: 'string' },
        ...CONTACTS_OPTIONS,
        version: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    io.err(`parley: ${(error as Error).message}\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.version) {
    io.out(`${APP_NAME} ${APP_VERSION}`);
    return 0;
  }
  if (values.help || positionals.length === 0) {
    io.out(HELP);
    return values.help ? 0 : 2;
  }

  let coreOptions;
  try {
    coreOptions = { ...coreOptionsFor(values), ...contactsCoreOptions(values) };
  } catch (error) {
    io.err(`parley: ${(error as Error).message}`);
    return 2;
  }
  const core = createAppCore(nodePlatform('cli', values.profile), { ...coreOptions, log: (line) => io.err(line) });
  try {
    if (positionals[0] === 'send' || positionals[0] === 'listen') return await signedIn(core, positionals, values, io);
    if (positionals[0] === 'contacts') return await contactsCommand(core, positionals, values, io);
    if (positionals[0] === 'presence' || positionals[0] === 'watch') return await presenceCommand(core, positionals, values, io, () => io.stop ?? stopOnSignals());
    const command = positionals.join(' ');
    switch (command) {
      case 'info':
        return report(await core.dispatch('app.info', {}), values.json, io, (v) => {
          const info = v as { name: string; version: string; platform: string; carrier: string };
          return `${info.name} ${info.version} on ${info.platform} (${info.carrier})`;
        });
      case 'accounts list':
        return report(await core.dispatch('account.list', {}), values.json, io, (v) => {
          const accounts = v as Array<{ aor: string; displayName: string }>;
          return accounts.length === 0 ? 'no accounts configured' : accounts.map((a) => `${a.aor}  ${a.displayName}`).join('\n');
        });
      default:
        io.err(`parley: unknown command "${command}"\n${HELP}`);
        return 2;
    }
  } finally {
    await core.close();
  }
}

/** `send` and `listen`: sign in with the common options, act, and map failures to exit codes 1 and 2. */
async function signedIn(core: ReturnType<typeof createAppCore>, positionals: string[], values: Parameters<typeof signInFromOptions>[1] & { json: boolean }, io: CliIo): Promise<number> {
  try {
    if (positionals[0] === 'send' && positionals.length !== 3) throw new CliUsageError('usage: parley send <uri> <text>');
    if (positionals[0] === 'listen' && positionals.length !== 1) throw new CliUsageError('usage: parley listen [--json]');
    await signInFromOptions(core, values, () => readFirstLine(io.stdin ?? process.stdin));
    if (positionals[0] === 'send') {
      const { message, final } = await sendAndWait(core, positionals[1]!, positionals[2]!);
      if (values.json) io.out(JSON.stringify({ ...message, state: final.state, ...(final.failure ? { failure: final.failure } : {}), ...(final.detail ? { detail: final.detail } : {}) }));
      if (final.state === 'delivered') {
        if (!values.json) io.out(`delivered to ${message.conversationId.slice(4)}`);
        return 0;
      }
      if (!values.json) io.err(`parley: not delivered: ${final.detail ?? final.failure ?? 'failed'}${final.failure ? ` (${final.failure})` : ''}`);
      return 1;
    }
    const stop = io.stop ?? stopOnSignals();
    await listen(core, (line) => io.out(line), values.json, stop);
    return 0;
  } catch (error) {
    return reportCliError(error, io.err);
  }
}

function stopOnSignals(): AbortSignal {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return controller.signal;
}

function report(result: IpcResult<unknown>, json: boolean, io: CliIo, text: (value: unknown) => string): number {
  if (!result.ok) {
    if (json) io.out(JSON.stringify(result));
    else io.err(`parley: ${result.error.message}`);
    return 1;
  }
  io.out(json ? JSON.stringify(result.value) : text(result.value));
  return 0;
}
