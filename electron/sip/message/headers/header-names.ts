// Header-name canonicalization. Names are case-insensitive and several have a compact form
// (RFC 3261 §7.3.3 and §20; RFC 3265 §7.2 for o/u; RFC 3515 r; RFC 3892 b; RFC 4028 x; RFC 3841 y...).
// Canonical keys are lower-case long names; they are interned constants, so the hot path allocates nothing
// for a known name.

const COMPACT: Record<string, string> = {
  i: 'call-id', m: 'contact', e: 'content-encoding', l: 'content-length', c: 'content-type',
  f: 'from', s: 'subject', k: 'supported', t: 'to', v: 'via', o: 'event', u: 'allow-events',
  r: 'refer-to', b: 'referred-by', x: 'session-expires', y: 'identity', a: 'accept-contact',
  j: 'reject-contact', d: 'request-disposition', n: 'identity-info',
};

/** Exact spellings seen on the wire, mapped straight to the key (avoids toLowerCase on the hot path). */
const EXACT = new Map<string, string>();
const CANONICAL_DISPLAY = new Map<string, string>();
for (const display of [
  'Via', 'From', 'To', 'Call-ID', 'CSeq', 'Contact', 'Max-Forwards', 'Content-Length', 'Content-Type',
  'Record-Route', 'Route', 'Allow', 'Supported', 'Require', 'Proxy-Require', 'Unsupported', 'User-Agent',
  'Server', 'Expires', 'Event', 'Subscription-State', 'Allow-Events', 'Accept', 'Accept-Encoding',
  'Accept-Language', 'Authorization', 'Proxy-Authorization', 'WWW-Authenticate', 'Proxy-Authenticate',
  'Authentication-Info', 'Date', 'Subject', 'Session-Expires', 'Min-SE', 'Refer-To', 'Referred-By',
  'Content-Encoding', 'Content-Disposition', 'Content-Language', 'Warning', 'Retry-After', 'Timestamp',
  'Organization', 'Priority', 'Reply-To', 'In-Reply-To', 'Min-Expires', 'Identity', 'Path', 'Service-Route',
  'Privacy', 'P-Asserted-Identity', 'SIP-ETag', 'SIP-If-Match', 'Ms-Text-Format', 'Ms-Conversation-ID',
  'Ms-Keep-Alive', 'Accept-Contact', 'Reject-Contact', 'Request-Disposition', 'Identity-Info',
]) {
  const key = display.toLowerCase();
  CANONICAL_DISPLAY.set(key, display);
  EXACT.set(display, key);
  EXACT.set(key, key);
  EXACT.set(display.toUpperCase(), key);
}
EXACT.set('Call-Id', 'call-id');
EXACT.set('Cseq', 'cseq');
EXACT.set('CSEQ', 'cseq');
for (const [short, long] of Object.entries(COMPACT)) {
  EXACT.set(short, long);
  EXACT.set(short.toUpperCase(), long);
  if (!CANONICAL_DISPLAY.has(long)) CANONICAL_DISPLAY.set(long, long);
}

/** Canonical lower-case key for a header name as written (compact forms expanded). */
export function headerKey(name: string): string {
  const hit = EXACT.get(name);
  if (hit !== undefined) return hit;
  const lower = name.toLowerCase();
  return EXACT.get(lower) ?? lower;
}

/** The conventional spelling for a header we generate (e.g. 'call-id' → 'Call-ID'); unknown keys as given. */
export function displayName(name: string): string {
  const key = headerKey(name);
  return CANONICAL_DISPLAY.get(key) ?? name;
}
