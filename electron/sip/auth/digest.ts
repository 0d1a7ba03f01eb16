// HTTP Digest for SIP (RFC 3261 §22, with the algorithms of RFC 8760 / RFC 7616): parses challenges, picks the
// strongest offered algorithm, answers 401 (WWW-Authenticate → Authorization, §22.2) and 407
// (Proxy-Authenticate → Proxy-Authorization, §22.3), reuses a nonce with an incrementing nonce-count
// (RFC 7616 §3.4), retries once on stale=true without counting it as a failure (RFC 7616 §3.3) and reports a
// wrong password as "rejected" after one challenge rather than looping (RFC 3261 §22.2: a UAC SHOULD NOT
// re-attempt with credentials that were just rejected).
import { createHash, randomBytes } from 'node:crypto';

export type DigestAlgorithm = 'MD5' | 'MD5-sess' | 'SHA-256' | 'SHA-256-sess' | 'SHA-512-256' | 'SHA-512-256-sess';

/** Preference order, strongest first (RFC 8760 §2.4: a UAC picks the strongest algorithm it supports). */
const ALGORITHM_STRENGTH: readonly DigestAlgorithm[] = [
  'SHA-512-256', 'SHA-512-256-sess', 'SHA-256', 'SHA-256-sess', 'MD5', 'MD5-sess',
];

const NODE_HASH: Record<string, string> = { MD5: 'md5', 'SHA-256': 'sha256', 'SHA-512-256': 'sha512-256' };

export interface AuthParamsChallenge {
  /** Scheme as received ("Digest", "NTLM", …). */
  readonly scheme: string;
  /** Parameters with lower-cased names and unquoted values. */
  readonly params: ReadonlyMap<string, string>;
}

export interface DigestChallenge {
  readonly realm: string;
  readonly nonce: string;
  readonly opaque?: string;
  readonly algorithm: DigestAlgorithm;
  /** qop options offered ("auth", "auth-int"); empty for a legacy RFC 2069 challenge. */
  readonly qop: readonly string[];
  readonly stale: boolean;
  readonly userhash: boolean;
}

export class DigestParseError extends Error {
  override readonly name = 'DigestParseError';
}

const TOKEN_CHAR = /[A-Za-z0-9\-.!%*_+`'~]/;

/**
 * Parses one or more challenges (RFC 3261 §25.1 `challenge`, RFC 7235 §2.1) from a header value. Several
 * challenges may be comma-joined in one value, and one challenge may arrive split over several values (a message
 * layer that split the header at commas), so callers may pass the values joined with ", ". Handles quoted strings
 * with escapes and commas, optional whitespace, and case-insensitive parameter names.
 */
export function parseChallengeList(value: string): AuthParamsChallenge[] {
  const out: { scheme: string; params: Map<string, string> }[] = [];
  let i = 0;
  const n = value.length;
  const skipSpace = (): void => {
    while (i < n && (value[i] === ' ' || value[i] === '\t' || value[i] === '\r' || value[i] === '\n')) i++;
  };
  const readToken = (): string => {
    const start = i;
    while (i < n && TOKEN_CHAR.test(value[i]!)) i++;
    return value.slice(start, i);
  };
  for (;;) {
    while (i < n && (value[i] === ',' || /\s/.test(value[i]!))) i++;
    if (i >= n) break;
    const token = readToken();
    if (!token) throw new DigestParseError(`unexpected character ${JSON.stringify(value[i])} at ${i}`);
    skipSpace();
    if (value[i] === '=') {
      // auth-param = token "=" ( token / quoted-string )
      i++;
      skipSpace();
      let v: string;
      if (value[i] === '"') {
        i++;
        let buf = '';
        for (;;) {
          if (i >= n) throw new DigestParseError('unterminated quoted string');
          const c = value[i]!;
          if (c === '\\' && i + 1 < n) {
            buf += value[i + 1];
            i += 2;
          } else if (c === '"') {
            i++;
            break;
          } else {
            buf += c;
            i++;
          }
        }
        v = buf;
      } else {
        const start = i;
        while (i < n && value[i] !== ',' && !/\s/.test(value[i]!)) i++;
        v = value.slice(start, i);
      }
      const current = out[out.length - 1];
      if (!current) throw new DigestParseError('auth-param before any scheme');
      current.params.set(token.toLowerCase(), v);
    } else {
      out.push({ scheme: token, params: new Map() });
    }
  }
  return out;
}

function normaliseAlgorithm(raw: string | undefined): DigestAlgorithm | undefined {
  // RFC 7616 §3.3: absent algorithm means MD5. Names compare case-insensitively.
  if (raw === undefined) return 'MD5';
  const lower = raw.toLowerCase();
  return ALGORITHM_STRENGTH.find((a) => a.toLowerCase() === lower);
}

/** The Digest challenges we can answer (unknown schemes and algorithms are skipped, RFC 8760 §2.4). */
export function parseDigestChallenges(headerValues: readonly string[]): DigestChallenge[] {
  const result: DigestChallenge[] = [];
  for (const c of parseChallengeList(headerValues.join(', '))) {
    if (c.scheme.toLowerCase() !== 'digest') continue;
    const realm = c.params.get('realm');
    const nonce = c.params.get('nonce');
    const algorithm = normaliseAlgorithm(c.params.get('algorithm'));
    if (realm === undefined || nonce === undefined || !algorithm) continue;
    const qopRaw = c.params.get('qop');
    const opaque = c.params.get('opaque');
    result.push({
      realm,
      nonce,
      ...(opaque !== undefined ? { opaque } : {}),
      algorithm,
      qop: qopRaw ? qopRaw.split(',').map((q) => q.trim().toLowerCase()).filter(Boolean) : [],
      stale: (c.params.get('stale') ?? '').toLowerCase() === 'true',
      userhash: (c.params.get('userhash') ?? '').toLowerCase() === 'true',
    });
  }
  return result;
}

/** Picks, for each realm, the challenge with the strongest algorithm (RFC 8760 §2.4). Keeps first-seen realm order. */
export function strongestPerRealm(challenges: readonly DigestChallenge[]): DigestChallenge[] {
  const byRealm = new Map<string, DigestChallenge>();
  for (const c of challenges) {
    const prev = byRealm.get(c.realm);
    if (!prev || ALGORITHM_STRENGTH.indexOf(c.algorithm) < ALGORITHM_STRENGTH.indexOf(prev.algorithm)) {
      byRealm.set(c.realm, c);
    }
  }
  return [...byRealm.values()];
}

function hash(algorithm: DigestAlgorithm, data: string): string {
  const base = algorithm.replace(/-sess$/, '');
  return createHash(NODE_HASH[base]!).update(data, 'utf8').digest('hex');
}

export interface DigestResponseInput {
  readonly algorithm: DigestAlgorithm;
  readonly username: string;
  readonly password: string;
  readonly realm: string;
  readonly method: string;
  readonly uri: string;
  readonly nonce: string;
  /** 'auth' | 'auth-int' | undefined (legacy RFC 2069 computation). */
  readonly qop?: 'auth' | 'auth-int' | undefined;
  readonly cnonce?: string;
  /** 8 hex digits, e.g. '00000001'. */
  readonly nc?: string;
  /** Message body, for qop=auth-int (RFC 7616 §3.4.3). */
  readonly body?: string;
}

/** The request-digest (RFC 7616 §3.4.1; RFC 3261 §22.4 for the no-qop form of RFC 2069). */
export function computeDigestResponse(input: DigestResponseInput): string {
  const { algorithm: alg } = input;
  // RFC 7616 §3.4.2: A1 = user:realm:pass; for -sess, H(user:realm:pass):nonce:cnonce.
  let ha1 = hash(alg, `${input.username}:${input.realm}:${input.password}`);
  if (alg.endsWith('-sess')) ha1 = hash(alg, `${ha1}:${input.nonce}:${input.cnonce ?? ''}`);
  // RFC 7616 §3.4.3: A2 = method:uri (qop=auth or none); method:uri:H(body) for auth-int.
  const a2 = input.qop === 'auth-int' ? `${input.method}:${input.uri}:${hash(alg, input.body ?? '')}` : `${input.method}:${input.uri}`;
  const ha2 = hash(alg, a2);
  if (!input.qop) return hash(alg, `${ha1}:${input.nonce}:${ha2}`);
  return hash(alg, `${ha1}:${input.nonce}:${input.nc ?? '00000001'}:${input.cnonce ?? ''}:${input.qop}:${ha2}`);
}

function quote(s: string): string {
  return `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

export interface DigestCredentials {
  /** Authentication user name (often the AOR user part). */
  readonly username: string;
  readonly password: string;
}

/** What the UAC should do with a 401/407. */
export type ChallengeOutcome =
  | { readonly kind: 'retry'; readonly stale: boolean }
  /** The credentials were refused (RFC 3261 §22.2: do not retry them). */
  | { readonly kind: 'rejected'; readonly detail: string }
  /** No challenge we can answer (no Digest, unknown algorithm, or malformed). */
  | { readonly kind: 'unsupported'; readonly detail: string };

/** How a request was authorized for one realm, to tell a wrong password from an expired nonce. */
type Use = 'preemptive' | 'answer' | 'stale-answer';

interface RealmState {
  challenge: DigestChallenge;
  /** 401 → Authorization; 407 → Proxy-Authorization (RFC 3261 §22.2 / §22.3). */
  header: 'Authorization' | 'Proxy-Authorization';
  nc: number;
  cnonce: string;
  /** Set by a challenge, consumed by the next authorize(): the request answers that challenge. */
  pending: Use | undefined;
}

/** Minimal view of the request being authorized (the message layer's SipRequest satisfies it). */
export interface AuthorizableRequest {
  readonly method: string;
  readonly uri: string;
  readonly body: string;
  setHeader(name: string, value: string): unknown;
  addHeader(name: string, value: string): unknown;
  removeHeader(name: string): unknown;
}

/** Minimal view of a 401/407 (the message layer's SipResponse satisfies it). */
export interface ChallengeResponse {
  readonly status: number;
  headers(name: string): string[];
}

/**
 * Per-account digest state: remembers each realm's nonce so later requests are authorized up front with an
 * incrementing nc (RFC 7616 §3.4), and decides retry vs. rejected on each challenge.
 */
export class DigestAuthenticator {
  private readonly realms = new Map<string, RealmState>();
  private readonly used = new WeakMap<object, Map<string, Use>>();

  constructor(
    private readonly credentials: DigestCredentials,
    private readonly newCnonce: () => string = () => randomBytes(12).toString('hex'),
  ) {}

  /**
   * Handles a 401/407 to `request` (which this authenticator may have authorized). After 'retry' the caller
   * builds the next request (new CSeq, same Call-ID, RFC 3261 §22.2) and calls authorize() on it.
   */
  handleChallenge(request: object, response: ChallengeResponse): ChallengeOutcome {
    const header = response.status === 407 ? 'Proxy-Authorization' : 'Authorization';
    const challengeHeader = response.status === 407 ? 'Proxy-Authenticate' : 'WWW-Authenticate';
    let challenges: DigestChallenge[];
    try {
      challenges = strongestPerRealm(parseDigestChallenges(response.headers(challengeHeader)));
    } catch (e) {
      return { kind: 'unsupported', detail: `malformed ${challengeHeader}: ${(e as Error).message}` };
    }
    if (challenges.length === 0) return { kind: 'unsupported', detail: `no usable Digest challenge in ${response.status}` };
    const uses = this.used.get(request);
    let stale = false;
    for (const c of challenges) {
      const use = uses?.get(c.realm);
      if (use === 'answer' && !c.stale) {
        // RFC 3261 §22.2: credentials just sent in answer to a fresh challenge were refused.
        return { kind: 'rejected', detail: `credentials rejected by realm "${c.realm}"` };
      }
      if (use === 'stale-answer') {
        // One stale retry per request chain: a server that keeps saying stale is treated as a refusal (no loop).
        return { kind: 'rejected', detail: `realm "${c.realm}" refused a fresh nonce` };
      }
      // RFC 7616 §3.3 stale=true: the password was right, only the nonce expired — retry without counting it.
      const pending: Use = c.stale && use !== undefined ? 'stale-answer' : 'answer';
      if (c.stale) stale = true;
      this.realms.set(c.realm, { challenge: c, header, nc: 0, cnonce: this.newCnonce(), pending });
    }
    return { kind: 'retry', stale };
  }

  /** Adds Authorization / Proxy-Authorization for every realm with a known nonce (incrementing nc). */
  authorize(request: AuthorizableRequest): void {
    request.removeHeader('Authorization');
    request.removeHeader('Proxy-Authorization');
    const uses = new Map<string, Use>();
    const values: Record<'Authorization' | 'Proxy-Authorization', string[]> = { Authorization: [], 'Proxy-Authorization': [] };
    for (const [realm, st] of this.realms) {
      uses.set(realm, st.pending ?? 'preemptive');
      st.pending = undefined;
      values[st.header].push(this.credentialsFor(st, request));
    }
    for (const name of ['Authorization', 'Proxy-Authorization'] as const) {
      const [first, ...rest] = values[name];
      if (first === undefined) continue;
      // One header per realm; setHeader then append keeps them as separate header fields (RFC 3261 §20.7).
      request.setHeader(name, first);
      for (const v of rest) request.addHeader(name, v);
    }
    this.used.set(request, uses);
  }

  /** Forgets every nonce (e.g. after the credentials change or on sign-out). */
  reset(): void {
    this.realms.clear();
  }

  get hasCredentials(): boolean {
    return this.realms.size > 0;
  }

  private credentialsFor(st: RealmState, request: AuthorizableRequest): string {
    const c = st.challenge;
    // RFC 7616 §3.4: prefer qop=auth; auth-int only if that is all the server offers; none for RFC 2069 servers.
    const qop = c.qop.includes('auth') ? 'auth' : c.qop.includes('auth-int') ? 'auth-int' : undefined;
    st.nc += 1;
    const nc = st.nc.toString(16).padStart(8, '0');
    const response = computeDigestResponse({
      algorithm: c.algorithm,
      username: this.credentials.username,
      password: this.credentials.password,
      realm: c.realm,
      method: request.method,
      uri: request.uri,
      nonce: c.nonce,
      qop,
      cnonce: st.cnonce,
      nc,
      body: request.body,
    });
    // RFC 7616 §3.4.4: with userhash=true the username field carries H(user:realm).
    const username = c.userhash ? hash(c.algorithm, `${this.credentials.username}:${c.realm}`) : this.credentials.username;
    const parts = [
      `username=${quote(username)}`,
      `realm=${quote(c.realm)}`,
      `nonce=${quote(c.nonce)}`,
      `uri=${quote(request.uri)}`,
      `response=${quote(response)}`,
      `algorithm=${c.algorithm}`,
    ];
    if (c.opaque !== undefined) parts.push(`opaque=${quote(c.opaque)}`);
    if (qop) parts.push(`qop=${qop}`, `nc=${nc}`, `cnonce=${quote(st.cnonce)}`);
    if (c.userhash) parts.push('userhash=true');
    return `Digest ${parts.join(', ')}`;
  }
}
