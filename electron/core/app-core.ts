// Composes the services that run without Electron and exposes them through the one IPC contract.
// electron/main, electron/host and electron/cli each create one AppCore with their own Platform.
import { AccountStore } from './settings/account-store';
import { createDispatcher } from './ipc/dispatcher';
import type { Dispatch } from './ipc/dispatcher';
import { EventBus } from './event-bus';
import type { Platform } from './platform/platform';

export interface AppCore {
  readonly dispatch: Dispatch;
  readonly events: EventBus;
  readonly platform: Platform;
  close(): Promise<void>;
}

export function createAppCore(platform: Platform, log: (line: string) => void = () => {}): AppCore {
  const accounts = new AccountStore(platform.profileDir);
  const events = new EventBus();
  const dispatch = createDispatcher(
    {
      'app.info': async () => ({
        name: platform.appName,
        version: platform.version,
        platform: platform.platform,
        carrier: platform.carrier,
      }),
      'account.list': async () => accounts.list(),
    },
    { onInternalError: (command, error) => log(`ipc ${command}: ${error instanceof Error ? error.stack : String(error)}`) },
  );
  return { dispatch, events, platform, close: async () => {} };
}
