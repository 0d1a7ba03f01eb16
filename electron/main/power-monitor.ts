// Feeds Electron's powerMonitor into the PresenceLifecycle rules and hands the resulting actions to the
// core's PresenceControl. Lock events come as events on macOS and Windows; on Linux they do not exist,
// so the idle poll's 'locked' answer stands in (power-rules.ts treats both the same).
import { powerMonitor } from 'electron';
import type { OwnPresence, PresenceControl } from '../core/platform/desktop-facilities';
import { IDLE_POLL_MS, PresenceLifecycle, idleThresholdSeconds } from './power-rules';
import type { PowerAction, PowerEvent } from './power-rules';

export function applyPowerActions(actions: readonly PowerAction[], control: PresenceControl): void {
  for (const action of actions) {
    if (action.type === 'setPresence') control.setPresence(action.presence, 'automatic');
    else if (action.type === 'reconnect') control.reconnect();
    else control.resubscribe();
  }
}

export interface PowerWatcher {
  /** Tell the rules that the user picked a status (so an automatic Away is not undone over it). */
  userChose(presence: OwnPresence): void;
  readonly lifecycle: PresenceLifecycle;
  stop(): void;
}

export function watchPower(control: PresenceControl, idleMinutes: number, initial: OwnPresence = 'available'): PowerWatcher {
  const lifecycle = new PresenceLifecycle(initial);
  const feed = (event: PowerEvent) => applyPowerActions(lifecycle.handle(event), control);
  const onSuspend = () => feed({ type: 'suspend' });
  const onResume = () => feed({ type: 'resume' });
  const onShutdown = () => feed({ type: 'shutdown' });
  const onLock = () => feed({ type: 'lock-screen' });
  const onUnlock = () => feed({ type: 'unlock-screen' });
  powerMonitor.on('suspend', onSuspend);
  powerMonitor.on('resume', onResume);
  powerMonitor.on('shutdown', onShutdown);
  powerMonitor.on('lock-screen', onLock);
  powerMonitor.on('unlock-screen', onUnlock);
  const threshold = idleThresholdSeconds(idleMinutes);
  const timer = setInterval(() => feed({ type: 'idle-state', state: powerMonitor.getSystemIdleState(threshold) }), IDLE_POLL_MS);
  timer.unref();
  return {
    lifecycle,
    userChose: (presence) => feed({ type: 'user-presence', presence }),
    stop: () => {
      clearInterval(timer);
      powerMonitor.removeListener('suspend', onSuspend);
      powerMonitor.removeListener('resume', onResume);
      powerMonitor.removeListener('shutdown', onShutdown);
      powerMonitor.removeListener('lock-screen', onLock);
      powerMonitor.removeListener('unlock-screen', onUnlock);
    },
  };
}
