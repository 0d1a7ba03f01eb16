// Resource List Meta-Information (RFC 4662 §5.3, `application/rlmi+xml`): the root of an RLS NOTIFY. It says which
// resources the list holds, each resource's instances (back-end subscriptions) with their state, and, through
// `cid`, which body part carries an instance's state document.
// `ListVersions` applies the version rules of §5.3.1/§5.5: a document older than (or equal to) the last one is
// ignored, a full-state document replaces everything, a partial one updates only the resources it names.
import { PresenceDocumentError } from './errors';
import { resolveLimits } from './xml/limits';
import type { XmlLimits } from './xml/limits';
import { parseXml } from './xml/tree';
import type { XmlElement } from './xml/tree';

export const NS_RLMI = 'urn:ietf:params:xml:ns:rlmi';
export const RLMI_TYPE = 'application/rlmi+xml';

export type InstanceState = 'active' | 'pending' | 'terminated';

export interface RlmiInstance {
  readonly id: string;
  readonly state: InstanceState;
  /** RFC 4662 §5.3: for terminated instances, the RFC 6665 reason (e.g. `resubscribe`, `rejected`, `noresource`). */
  readonly reason?: string;
  /** Content-ID of the part with this instance's state document, without angle brackets. */
  readonly cid?: string;
}

export interface RlmiResource {
  readonly uri: string;
  readonly names: readonly string[];
  readonly instances: readonly RlmiInstance[];
}

export interface RlmiList {
  readonly uri: string;
  readonly version: number;
  readonly fullState: boolean;
  readonly names: readonly string[];
  readonly resources: readonly RlmiResource[];
}

/** Lists of 1000+ resources: the RLMI alone is ~150 bytes and 3 elements per resource. */
const RLMI_LIMITS: Partial<XmlLimits> = { maxLength: 2 * 1024 * 1024, maxElements: 40_000 };

const STATES: ReadonlySet<string> = new Set(['active', 'pending', 'terminated']);

function required(el: XmlElement, name: string): string {
  const v = el.attr(name);
  if (v === undefined || v.trim() === '') throw new PresenceDocumentError('rlmi', `<${el.local}> without ${name}`);
  return v.trim();
}

function names(el: XmlElement): string[] {
  return el.children.filter((c) => c.ns === NS_RLMI && c.local === 'name').map((c) => c.value);
}

/** Parses an RLMI document. Throws `XmlParseError` or `PresenceDocumentError` (both `SimpleBodyError`). */
export function parseRlmi(body: string | Uint8Array, limits?: Partial<XmlLimits>): RlmiList {
  const root = parseXml(body, resolveLimits({ ...RLMI_LIMITS, ...limits }));
  if (root.ns !== NS_RLMI || root.local !== 'list') throw new PresenceDocumentError('rlmi', `root element is {${root.ns}}${root.local}, not rlmi:list`);
  const uri = required(root, 'uri');
  const versionText = required(root, 'version');
  // §5.3.1: version is an unsigned integer incremented with every notification of the subscription.
  if (!/^\d{1,15}$/.test(versionText)) throw new PresenceDocumentError('rlmi', `version ${JSON.stringify(versionText)} is not a number`);
  const full = required(root, 'fullState').toLowerCase();
  if (full !== 'true' && full !== 'false' && full !== '1' && full !== '0') throw new PresenceDocumentError('rlmi', `fullState ${JSON.stringify(full)} is not a boolean`);
  const resources: RlmiResource[] = [];
  for (const r of root.children) {
    if (r.ns !== NS_RLMI || r.local !== 'resource') continue;
    const instances: RlmiInstance[] = [];
    for (const i of r.children) {
      if (i.ns !== NS_RLMI || i.local !== 'instance') continue;
      const state = required(i, 'state').toLowerCase();
      if (!STATES.has(state)) throw new PresenceDocumentError('rlmi', `instance state ${JSON.stringify(state)}`);
      const reason = i.attr('reason')?.trim().toLowerCase();
      const cid = i.attr('cid')?.trim();
      instances.push({ id: required(i, 'id'), state: state as InstanceState, ...(reason ? { reason } : {}), ...(cid ? { cid: cid.replace(/^<|>$/g, '') } : {}) });
    }
    resources.push({ uri: required(r, 'uri'), names: names(r), instances });
  }
  return { uri, version: Number(versionText), fullState: full === 'true' || full === '1', names: names(root), resources };
}

/**
 * The subscriber's view of one list subscription (RFC 4662 §5.5): feed it every RLMI document; it returns the
 * resources to apply, or undefined for a document to ignore (out of order or a repeat).
 */
export class ListVersions {
  private last: number | undefined;
  private readonly known = new Map<string, RlmiResource>();

  /** RFC 4662 §5.5: a new subscription (fresh dialog) starts the numbering again. */
  reset(): void {
    this.last = undefined;
    this.known.clear();
  }

  /** The resources the list holds, as far as the documents so far said. */
  get resources(): ReadonlyMap<string, RlmiResource> {
    return this.known;
  }

  apply(list: RlmiList): { readonly changed: readonly RlmiResource[]; readonly removed: readonly string[] } | undefined {
    // §5.3.1: versions increase by one per NOTIFY; one not above the last seen is stale (reordered) and ignored.
    // A partial document before any full one cannot be applied either (§5.5: the first NOTIFY has full state).
    if (this.last !== undefined && list.version <= this.last) return undefined;
    if (this.last === undefined && !list.fullState) return undefined;
    this.last = list.version;
    const removed: string[] = [];
    if (list.fullState) {
      // §5.5: full state lists every resource; one missing from it left the list.
      const present = new Set(list.resources.map((r) => r.uri));
      for (const uri of this.known.keys()) if (!present.has(uri)) removed.push(uri);
      for (const uri of removed) this.known.delete(uri);
    }
    for (const r of list.resources) this.known.set(r.uri, r);
    return { changed: list.resources, removed };
  }
}
