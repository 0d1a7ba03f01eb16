// The name of an account's buddy list on its Resource List Server. Written by the buddy-list publisher (the
// rls-services service) and subscribed to by the presence service (RFC 4662), so it lives in neither.

/** `sip:alice@alpha.test` → `sip:alice-buddies@alpha.test`: the list URI Parley writes and watches for each user. */
export function buddyListUri(aor: string): string | undefined {
  const m = /^(sips?):([^@;>]+)@([^;>]+)/i.exec(aor);
  return m ? `${m[1]}:${m[2]}-buddies@${m[3]}` : undefined;
}
