// Contact addresses as people type them: `bob@beta.test`, `sip:bob@beta.test`, `Bob <sip:bob@Beta.Test>`.
// Federated domains are ordinary domains: any syntactically valid host is accepted; whether it federates is for
// the diagnostics page to find out (peers.md: a mistyped federated contact otherwise just shows "Offline").

const USER = /^[A-Za-z0-9\-_.!~*'()&=+$,;?/%]+$/; // RFC 3261 §25.1 user (unreserved / escaped / user-unreserved)
const LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

export type AddressCheck = { ok: true; uri: string; user: string; domain: string } | { ok: false; reason: 'empty' | 'no-at' | 'user' | 'domain' };

export function checkSipAddress(input: string): AddressCheck {
  let s = input.trim();
  const angle = /<([^>]*)>/.exec(s);
  if (angle) s = angle[1]!.trim();
  s = s.replace(/^sips?:/i, '');
  if (!s) return { ok: false, reason: 'empty' };
  const at = s.lastIndexOf('@');
  if (at <= 0) return { ok: false, reason: 'no-at' };
  const user = s.slice(0, at);
  const domain = s.slice(at + 1).toLowerCase().replace(/\.$/, '');
  if (!USER.test(user) || user.length > 256) return { ok: false, reason: 'user' };
  const labels = domain.split('.');
  if (domain.length > 253 || labels.length < 2 || !labels.every((l) => LABEL.test(l)) || /^\d+$/.test(labels[labels.length - 1]!)) {
    return { ok: false, reason: 'domain' };
  }
  return { ok: true, uri: `sip:${user}@${domain}`, user, domain };
}

/** `sip:bob@beta.test` → `bob@beta.test` (what the UI shows). */
export function displayAddress(uri: string): string {
  return uri.replace(/^sips?:/i, '');
}

/** The same normalisation main uses for conversation ids (lower-case domain, `sip:`, no parameters). */
export function normalizeUri(input: string): string {
  const c = checkSipAddress(input.replace(/;.*$/, ''));
  return c.ok ? c.uri : input;
}

export function domainOf(uri: string): string {
  return uri.slice(uri.lastIndexOf('@') + 1).replace(/[;>].*$/, '').toLowerCase();
}
