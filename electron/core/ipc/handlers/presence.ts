// The presence commands of the contract, over PresenceService.
import type { CommandHandlers } from '../dispatcher';
import type { PresenceService } from '../../presence/presence-service';

export function presenceHandlers(presence: PresenceService): Pick<CommandHandlers, 'presence.setOwn' | 'presence.list' | 'presence.capabilities'> {
  return {
    'presence.setOwn': async ({ status, note }) => presence.setOwn(status, note),
    'presence.list': async () => presence.list(),
    'presence.capabilities': async () => presence.capabilities(),
  };
}
