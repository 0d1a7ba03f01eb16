// Watcher information (RFC 3857 event package `presence.winfo`, RFC 3858 `application/watcherinfo+xml`): who is
// watching our presence, or asking to. Parsed with the safe XML parser of electron/sip/simple (limits, no DTD
// entities), matched by local name so a server's namespace variant does not hide a watcher.
import { parseXml } from '../../sip/simple/xml/tree';
import type { XmlElement } from '../../sip/simple/xml/tree';

export const WATCHERINFO_TYPE = 'application/watcherinfo+xml';

export type WatcherStatus = 'pending' | 'active' | 'waiting' | 'terminated';

export interface WatcherEntry {
  /** The watcher's address (element text, RFC 3858 §4.4). */
  readonly uri: string;
  readonly id: string;
  readonly status: WatcherStatus;
  /** What caused the status (subscribe, approved, deactivated, probation, rejected, timeout, giveup, noresource). */
  readonly event?: string;
  /** The event package being watched (watcher-list `package`), e.g. `presence`. */
  readonly package: string;
}

export interface WatcherInfoDocument {
  readonly version: number;
  readonly state: 'full' | 'partial';
  readonly watchers: readonly WatcherEntry[];
}

const STATUSES: ReadonlySet<string> = new Set(['pending', 'active', 'waiting', 'terminated']);

function children(el: XmlElement, local: string): XmlElement[] {
  return el.children.filter((c) => c.local === local);
}

/** Throws the parser's typed error for malformed or hostile XML; ignores watchers it cannot read. */
export function parseWatcherInfo(body: string): WatcherInfoDocument {
  const root = parseXml(body);
  if (root.local !== 'watcherinfo') throw new TypeError(`not a watcherinfo document (root element ${root.local})`);
  const watchers: WatcherEntry[] = [];
  for (const list of children(root, 'watcher-list')) {
    const pkg = list.attr('package') ?? '';
    for (const w of children(list, 'watcher')) {
      const status = w.attr('status') ?? '';
      const uri = w.value;
      if (!STATUSES.has(status) || !uri) continue;
      const event = w.attr('event');
      watchers.push({ uri, id: w.attr('id') ?? uri, status: status as WatcherStatus, package: pkg, ...(event ? { event } : {}) });
    }
  }
  const version = Number.parseInt(root.attr('version') ?? '0', 10);
  return { version: Number.isFinite(version) ? version : 0, state: root.attr('state') === 'partial' ? 'partial' : 'full', watchers };
}
