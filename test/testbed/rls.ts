// The buddy list a user's RLS serves (RFC 4826 §4 rls-services, stored through the domain's XCAP server where
// Kamailio's rls reads it: integrated_xcap_server): service `sip:<user>-buddies@<domain>` with the given entries,
// for the presence event package. Parley subscribes to that URI with `Supported: eventlist` (RFC 4662).
import { XcapClient } from '../../electron/core/xcap/xcap-client';
import { escapeAttr } from '../../electron/sip/simple/xml/escape';
import { DOMAIN_LAYOUT, XCAP_PORT, XCAP_ROOT_PATH } from './layout';
import type { TestUser } from './users';

export const RLS_SERVICES_AUID = 'rls-services';
export const RLS_SERVICES_TYPE = 'application/rls-services+xml';

export function buddyListUriOf(user: Pick<TestUser, 'user' | 'domain'>): string {
  return `sip:${user.user}-buddies@${user.domain}`;
}

export function rlsServicesDocument(serviceUri: string, entries: readonly string[]): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<rls-services xmlns="urn:ietf:params:xml:ns:rls-services" xmlns:rl="urn:ietf:params:xml:ns:resource-lists">',
    `<service uri="${escapeAttr(serviceUri)}">`,
    '<list name="buddies">',
    ...entries.map((e) => `<rl:entry uri="${escapeAttr(e)}"/>`),
    '</list>',
    '<packages><package>presence</package></packages>',
    '</service>',
    '</rls-services>',
  ].join('\n');
}

/** Writes (replaces) the user's rls-services document; returns the list URI. */
export async function putBuddyList(user: TestUser, entries: readonly string[]): Promise<string> {
  const root = `http://${DOMAIN_LAYOUT[user.domain].address}:${XCAP_PORT}${XCAP_ROOT_PATH}`;
  const uri = buddyListUriOf(user);
  await new XcapClient({ root, xui: user.aor, username: user.user, password: user.password }).put(RLS_SERVICES_AUID, rlsServicesDocument(uri, entries), RLS_SERVICES_TYPE);
  return uri;
}
