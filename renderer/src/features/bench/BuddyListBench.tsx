// Test-only entry (`?bench=buddy-list`, used by bench/ui/): the real BuddyList fed with synthetic contacts and
// presence through the store, with `window.parleyBench` for the measuring script. Nothing here talks to a core.
import { useContactsStore } from '../../store/contacts-store';
import type { Availability, ContactPresence } from '../../../../shared/model/presence';
import { availability } from '../../../../shared/model/presence';
import { BuddyList } from '../buddy-list/BuddyList';

declare global {
  interface Window {
    parleyBench?: {
      load(count: number, groups: number): void;
      burst(count: number, batch?: number, intervalMs?: number): Promise<void>;
    };
  }
}

const states = availability.options.filter((a) => a !== 'unknown') as Availability[];
let round = 0;

window.parleyBench = {
  load(count, groups) {
    const groupNames = Array.from({ length: groups }, (_, i) => `Group ${i + 1}`);
    const contacts = Array.from({ length: count }, (_, i) => ({
      uri: `sip:user${i}@${i % 3 === 0 ? 'beta.test' : 'alpha.test'}`,
      displayName: `Person ${String(i).padStart(5, '0')}`,
      group: groupNames[i % groups]!,
      blocked: false,
    }));
    useContactsStore.getState().setList({ groups: groupNames, contacts });
  },
  async burst(count, batch = 100, intervalMs = 0) {
    const { contacts } = useContactsStore.getState();
    round++;
    const changes: ContactPresence[] = [];
    for (let i = 0; i < count; i++) {
      const c = contacts[(i * 7 + round * 13) % contacts.length]!;
      changes.push({ uri: c.uri, availability: states[(i + round) % states.length]!, note: i % 5 ? undefined : `note ${round}`, updatedAt: Date.now(), reason: 'ok' });
    }
    // Delivered as main does: presence.changed is coalesced to one event per 50 ms, so a burst of NOTIFYs arrives
    // in batches; intervalMs 0 applies every batch in the same task (the worst case).
    for (let i = 0; i < changes.length; i += batch) {
      useContactsStore.getState().applyPresence(changes.slice(i, i + batch));
      if (intervalMs > 0) await new Promise((r) => setTimeout(r, intervalMs));
    }
  },
};

export function BuddyListBench() {
  return (
    <main className="bench">
      <aside className="sidebar" style={{ height: '100vh' }}>
        <BuddyList onOpenChat={() => {}} />
      </aside>
    </main>
  );
}
