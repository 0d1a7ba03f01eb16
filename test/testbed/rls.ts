// The buddy list a user's RLS serves (RFC 4826 §4 rls-services, stored through the domain's XCAP server where
// Kamailio's rls reads it: integrated_xcap_server): service `sip:<user>-buddies@<domain>` with the given entries,
// for the presence event package. Parley writes its own from the contact list (electron/core/xcap/buddy-list-
// publisher.ts); this helper writes one directly, for tests of the list subscription itself.
import { buddyListUri } from '../../electron/core/xcap/buddy-list-uri';
import { XcapClient } from '../../electron/core/xcap/xcap-client';
import { buildRlsServices, RLS_SERVICES_AUID, RLS_SERVICES_TYPE } from '../../electron/sip/simple/resource-lists';
import { xcapRootOf } from './layout';
import type { TestUser } from './users';

/** Writes (replaces) the user's rls-services document; returns the list URI. */
export async function putBuddyList(user: TestUser, entries: readonly string[]): Promise<string> {
  const uri = buddyListUri(user.aor)!;
  await new XcapClient({ root: xcapRootOf(user.domain), xui: user.aor, username: user.user, password: user.password }).put(RLS_SERVICES_AUID, buildRlsServices([{ uri, entries: entries.map((e) => ({ uri: e })), packages: ['presence'] }]), RLS_SERVICES_TYPE);
  return uri;
}
