// Carrier-independent command handling: every carrier (Electron IPC, the headless host's WebSocket,
// the CLI) passes what it received, typed `unknown`, through here. Validation happens once, results
// come back as IpcResult, and nothing thrown by a handler escapes (house rules 3 and 4).
import { isCommandName } from '../../../shared/ipc/contract';
import type { CommandName, CommandRequest, CommandResponse } from '../../../shared/ipc/contract';
import { checkRequest, checkResponse } from '../../../shared/ipc/validate';
import { fail, ok } from '../../../shared/ipc/result';
import type { IpcResult } from '../../../shared/ipc/result';

export type CommandHandlers = {
  [K in CommandName]: (request: CommandRequest<K>) => Promise<CommandResponse<K>>;
};

/** An error a handler throws on purpose, with a code the UI can act on. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
  constructor(readonly code: 'unavailable' | 'invalid-payload', message: string) {
    super(message);
  }
}

export type Dispatch = (name: unknown, payload: unknown) => Promise<IpcResult<unknown>>;

export interface DispatcherOptions {
  /** Where unexpected handler failures are reported (with stack); the caller only gets the message. */
  onInternalError?: (command: string, error: unknown) => void;
}

export function createDispatcher(handlers: CommandHandlers, options: DispatcherOptions = {}): Dispatch {
  return async (name, payload) => {
    if (!isCommandName(name)) {
      return fail('unknown-command', `unknown command ${JSON.stringify(typeof name === 'string' ? name.slice(0, 64) : typeof name)}`);
    }
    const request = checkRequest(name, payload);
    if (!request.ok) return fail('invalid-payload', `${name}: ${request.reason}`);
    try {
      const handler = handlers[name] as (r: unknown) => Promise<unknown>;
      const value = await handler(request.value);
      // Checking our own output keeps the compile-time contract and the runtime one from drifting.
      const response = checkResponse(name, value);
      if (!response.ok) {
        options.onInternalError?.(name, new Error(`response breaks the contract: ${response.reason}`));
        return fail('internal', `${name} produced an invalid response`);
      }
      return ok(response.value);
    } catch (error) {
      if (error instanceof CommandError) return fail(error.code, error.message);
      options.onInternalError?.(name, error);
      return fail('internal', `${name} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
}
