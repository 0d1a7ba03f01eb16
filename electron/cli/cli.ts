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

export const HELP = `Usage: parley <command> [options]

Commands:
  info                 show the version, platform and carrier
  accounts list        list configured accounts

Options:
  --json               print machine-readable JSON
  --profile <dir>      profile directory (default: $PARLEY_PROFILE or ~/.config/parley)
  --version            print the version and exit
  --help               print this help and exit
`;

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        profile: { type: 'string' },
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

  const core = createAppCore(nodePlatform('cli', values.profile), (line) => io.err(line));
  try {
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

function report(result: IpcResult<unknown>, json: boolean, io: CliIo, text: (value: unknown) => string): number {
  if (!result.ok) {
    if (json) io.out(JSON.stringify(result));
    else io.err(`parley: ${result.error.message}`);
    return 1;
  }
  io.out(json ? JSON.stringify(result.value) : text(result.value));
  return 0;
}
