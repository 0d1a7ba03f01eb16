// The sign-in options every signed-in CLI command shares (`send`, `listen`, and later `presence set`, `watch`):
//   --profile DIR  --account URI  --password-stdin  --server host:port  --ca FILE  --dns ip[:port]
// Use: spread SIGN_IN_OPTIONS into parseArgs, build the core with coreOptionsFor(values), then
// `const accountId = await signInFromOptions(core, values, io)` — it signs in and waits until registered, or
// throws CliFailure with the reason (exit code 1) / CliUsageError (exit code 2).
import { readFileSync } from 'node:fs';
import type { AppCore, AppCoreOptions } from '../core/app-core';
import type { AccountState } from '../../shared/ipc/contract';

export const SIGN_IN_OPTIONS = {
  profile: { type: 'string' },
  account: { type: 'string' },
  'password-stdin': { type: 'boolean', default: false },
  server: { type: 'string' },
  ca: { type: 'string' },
  dns: { type: 'string' },
} as const;

export const SIGN_IN_HELP = `Sign-in options (send, listen):
  --account <uri>      the account to sign in with, e.g. alice@example.com
  --password-stdin     read the password from the first line of standard input
  --server <host:port> use this server instead of finding it through DNS
  --ca <file>          trust this CA (PEM) in addition to the system's
  --dns <ip[:port]>    use this DNS server for SIP lookups
  --profile <dir>      profile directory (default: $PARLEY_PROFILE or ~/.config/parley)
`;

export interface SignInValues {
  readonly profile?: string | undefined;
  readonly account?: string | undefined;
  readonly 'password-stdin'?: boolean | undefined;
  readonly server?: string | undefined;
  readonly ca?: string | undefined;
  readonly dns?: string | undefined;
}

export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

export class CliFailure extends Error {
  override readonly name = 'CliFailure';
}

/**
 * The one place that turns a command's error into what the user sees and the exit code (2 usage error,
 * 1 the command failed). An invalid address caught by the core's own validation is a usage error too.
 */
export function reportCliError(error: unknown, err: (line: string) => void): 2 | 1 {
  if (error instanceof CliUsageError || (error as { code?: string } | undefined)?.code === 'invalid-payload') {
    err(`parley: ${(error as Error).message}`);
    return 2;
  }
  err(`parley: ${error instanceof CliFailure ? error.message : String(error)}`);
  return 1;
}

/** Long-running commands (listen, watch) run until the signal aborts, then run `cleanup`. */
export function untilAborted(stop: AbortSignal, cleanup: () => void): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      cleanup();
      resolve();
    };
    if (stop.aborted) done();
    else stop.addEventListener('abort', done, { once: true });
  });
}

/** The core's SIP settings from --dns and --ca. */
export function coreOptionsFor(values: SignInValues): AppCoreOptions {
  const sip: { dnsServers?: string[]; extraCaCertificates?: string[] } = {};
  if (values.dns) {
    if (!/^[0-9.]+(:\d{1,5})?$|^\[[0-9a-f:]+\](:\d{1,5})?$/i.test(values.dns)) throw new CliUsageError(`--dns ${values.dns}: expected ip or ip:port`);
    sip.dnsServers = [values.dns];
  }
  if (values.ca) {
    let pem: string;
    try {
      pem = readFileSync(values.ca, 'utf8');
    } catch (error) {
      throw new CliUsageError(`--ca ${values.ca}: ${(error as Error).message}`);
    }
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new CliUsageError(`--ca ${values.ca}: not a PEM certificate file`);
    sip.extraCaCertificates = [pem];
  }
  return Object.keys(sip).length > 0 ? { sip } : {};
}

/** The first line of standard input (the password, never from argv where `ps` would show it). */
export async function readFirstLine(stream: NodeJS.ReadableStream): Promise<string> {
  let data = '';
  for await (const chunk of stream) {
    data += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
    const nl = data.indexOf('\n');
    if (nl >= 0) return data.slice(0, nl).replace(/\r$/, '');
  }
  return data.replace(/\r?\n$/, '');
}

/** Signs in with the options and resolves with the account id once registered. */
export async function signInFromOptions(core: AppCore, values: SignInValues, readPassword: () => Promise<string>): Promise<string> {
  if (!values.account) throw new CliUsageError('--account is required');
  if (!values['password-stdin']) throw new CliUsageError('--password-stdin is required (the password is read from standard input)');
  const password = await readPassword();
  if (password.length === 0) throw new CliUsageError('no password on standard input');
  const result = await core.dispatch('account.signIn', {
    address: values.account,
    password,
    ...(values.server ? { server: values.server } : {}),
  });
  if (!result.ok) throw new CliFailure(result.error.message);
  const state = result.value as AccountState;
  if (state.state !== 'registered') throw new CliFailure(state.detail ?? `sign-in ended in state ${state.state}`);
  return state.accountId;
}
