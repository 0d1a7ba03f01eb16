// Parley's own buddy list on the Resource List Server: the account's rls-services document (RFC 4826 §4, over XCAP,
// RFC 4825) gets one service, `buddyListUri(aor)`, whose inline list is the synced contact list, for the presence
// package. The RLS then answers one SUBSCRIBE with `Supported: eventlist` (RFC 4662) for the whole list. Other
// services in the document (other clients' lists) are kept as they were. Written only when ours differs; If-Match
// with the ETag read (a new document: If-None-Match: *), and a 412 is read again, merged again, written again
// (RFC 4825 §7.11) — never a blind overwrite.
import { buildRlsServices, parseRlsServices, RLS_SERVICES_AUID, RLS_SERVICES_TYPE } from '../../sip/simple/resource-lists';
import type { ResourceListEntry, RlsService } from '../../sip/simple/resource-lists';
import { SimpleBodyError } from '../../sip/simple/errors';
import { buddyListUri } from './buddy-list-uri';
import type { XcapClient } from './xcap-client';
import { XcapConflictError, XcapError } from './xcap-errors';

/** The part of XcapClient the publisher uses (a test can pass an in-memory server). */
export type BuddyListXcap = Pick<XcapClient, 'get' | 'put'>;

export interface BuddyListResult {
  /** The list's SIP URI (the service uri). */
  readonly uri: string;
  /** True when the document was written. */
  readonly written: boolean;
  /** True when the write created the document (there was none). */
  readonly created: boolean;
  /** True when the write added our service (the document had none for our list URI): the list is new on the RLS. */
  readonly added: boolean;
  /** Entries in our service after the call. */
  readonly entries: number;
  /** 412s lost on the way (each one re-read and retried). */
  readonly conflicts: number;
}

/** The server's rls-services document cannot be used as it is: rewriting it would lose somebody else's lists. */
export class BuddyListDocumentError extends XcapError {
  override readonly name = 'BuddyListDocumentError';
}

export interface PublishBuddyListOptions {
  /** Write attempts before giving up on a busy document (default 5, as the contact list sync). */
  readonly maxAttempts?: number;
}

const PACKAGE = 'presence';

/** RFC 3261 §19.1.4: scheme and host compare case-insensitively, the user part exactly (ours has no parameters). */
function sameServiceUri(a: string, b: string): boolean {
  const at = (u: string) => u.lastIndexOf('@');
  const [ia, ib] = [at(a), at(b)];
  const scheme = (u: string) => u.slice(0, u.indexOf(':') + 1).toLowerCase();
  return ia > 0 && ib > 0 && scheme(a) === scheme(b) && a.slice(scheme(a).length, ia) === b.slice(scheme(b).length, ib) && a.slice(ia).toLowerCase() === b.slice(ib).toLowerCase();
}

/** Our service as it should be: every contact once, with its display name. */
function wantedEntries(contacts: readonly ResourceListEntry[]): ResourceListEntry[] {
  const seen = new Set<string>();
  const out: ResourceListEntry[] = [];
  for (const c of contacts) {
    if (seen.has(c.uri)) continue;
    seen.add(c.uri);
    out.push({ uri: c.uri, ...(c.displayName ? { displayName: c.displayName } : {}) });
  }
  return out;
}

/** Same members and names, in any order: order means nothing to an RLS, so a reordering is no reason to write. */
function sameService(current: RlsService, entries: readonly ResourceListEntry[]): boolean {
  if (current.resourceList !== undefined || !current.entries) return false;
  // §4.3: our service names the presence package; a service offering something else is rewritten.
  if (!current.packages || current.packages.length !== 1 || current.packages[0] !== PACKAGE) return false;
  if (current.entries.length !== entries.length) return false;
  const have = new Map(current.entries.map((e) => [e.uri, e.displayName ?? '']));
  return entries.every((e) => have.get(e.uri) === (e.displayName ?? ''));
}

/**
 * Makes the account's rls-services document hold exactly one service `buddyListUri(aor)` listing `contacts`.
 * No document and no contacts: nothing to serve, nothing is written. Throws XcapError (network, refusal, the
 * document kept changing) or BuddyListDocumentError (the stored document is not one we can safely rewrite).
 */
export async function publishBuddyList(client: BuddyListXcap, aor: string, contacts: readonly ResourceListEntry[], options: PublishBuddyListOptions = {}): Promise<BuddyListResult> {
  const uri = buddyListUri(aor);
  if (!uri) throw new XcapError(`no buddy list URI for ${aor}`);
  const entries = wantedEntries(contacts);
  const maxAttempts = options.maxAttempts ?? 5;
  let conflicts = 0;
  for (let attempt = 1; ; attempt++) {
    const doc = await client.get(RLS_SERVICES_AUID);
    let services: RlsService[] = [];
    if (doc) {
      try {
        services = [...parseRlsServices(doc.body).services];
      } catch (err) {
        if (!(err instanceof SimpleBodyError)) throw err;
        // Bad input loses nothing: a document we cannot read is left alone, and the caller is told why.
        throw new BuddyListDocumentError(`the server's rls-services document cannot be read (${err.message}); the buddy list is not written`);
      }
    }
    const ours = services.filter((s) => sameServiceUri(s.uri, uri));
    if (ours.length === 1 && sameService(ours[0] as RlsService, entries)) return { uri, written: false, created: false, added: false, entries: entries.length, conflicts };
    if (ours.length === 0 && entries.length === 0) return { uri, written: false, created: false, added: false, entries: 0, conflicts };
    // Ours replaces the first service with our URI (RFC 4826 §4.1: a URI names one service; duplicates dropped);
    // every other service is written back exactly as read.
    const mine: RlsService = { uri, entries, packages: [PACKAGE] };
    const at = services.findIndex((s) => sameServiceUri(s.uri, uri));
    const next = at < 0 ? [...services, mine] : services.flatMap((s, i) => (i === at ? [mine] : sameServiceUri(s.uri, uri) ? [] : [s]));
    const body = buildRlsServices(next);
    // RFC 4825 §7.11: If-Match with the ETag read; no document yet: If-None-Match: * (somebody else may create it first).
    const condition = doc ? (doc.etag !== undefined ? { ifMatch: doc.etag } : {}) : { createOnly: true };
    try {
      await client.put(RLS_SERVICES_AUID, body, RLS_SERVICES_TYPE, condition);
      return { uri, written: true, created: !doc, added: ours.length === 0, entries: entries.length, conflicts };
    } catch (err) {
      if (!(err instanceof XcapConflictError)) throw err;
      conflicts++;
      if (attempt >= maxAttempts) throw new XcapError(`the buddy list kept changing on the server (${conflicts} conflicts); try again`, 412);
    }
  }
}
