// Commands of the contract whose service is being built in parallel (chat: IM issue; presence and
// contacts: presence issue). They answer `unavailable` with a plain reason until their module replaces
// them. test/unit/core/ipc/completeness.test.ts lists what is still pending, so none can be forgotten.
import { CommandError } from '../dispatcher';
import type { CommandHandlers } from '../dispatcher';
import type { CommandName } from '../../../../shared/ipc/contract';

export function pendingHandlers<K extends CommandName>(names: readonly K[], area: string): Pick<CommandHandlers, K> {
  const out = {} as Record<K, () => Promise<never>>;
  for (const name of names) {
    out[name] = async () => {
      throw new CommandError('unavailable', `${name}: ${area} is not available in this build yet`);
    };
  }
  return out as unknown as Pick<CommandHandlers, K>;
}
