// Via header values (RFC 3261 §20.42, §18.2.1, RFC 3581 rport). LCS 2005 appends received, ms-received-port,
// ms-received-cid, branched and ms-internal-info (protocol.md item 13): they are kept, opaque, in `params`.
import { SipParseError } from '../errors';
import { LINE_END, TOKEN_CLASS, findParam, isTokenChar, isWsp, paramsToString, parseParams, sameNameAt, splitList, unfold } from './params';

export class Via {
  /** e.g. 'SIP/2.0' (always SIP/2.0 for a message we accept, §8.2.2). */
  protocol: string;
  /** Upper-cased transport token: UDP, TCP, TLS, SCTP, WS, WSS or an extension (§20.42 other-transport). */
  transport: string;
  host: string;
  port?: number;
  /** @internal Validated parameter text, turned into `params` on first access. */
  private paramText: string;
  private paramMap: Map<string, string | null> | undefined;
  /** @internal The branch found while validating `paramText` (NOT_SCANNED until then): saves a rescan. */
  scannedBranch: string | null | undefined | typeof NOT_SCANNED;

  constructor(transport: string, host: string, port?: number, params?: Map<string, string | null> | string, protocol = 'SIP/2.0') {
    this.protocol = protocol;
    this.transport = transport;
    this.host = host;
    if (port !== undefined) this.port = port;
    if (typeof params === 'string') {
      this.paramText = params;
      this.paramMap = undefined;
    } else {
      this.paramText = '';
      this.paramMap = params ?? new Map();
    }
    this.scannedBranch = NOT_SCANNED;
  }

  /** Every parameter, names lower-cased, values as written (null when valueless). */
  get params(): Map<string, string | null> {
    if (this.paramMap === undefined) {
      this.paramMap = new Map();
      parseParams(this.paramText, 0, this.paramMap, 'Via');
    }
    return this.paramMap;
  }

  get branch(): string | undefined {
    // Once `params` exists it is the truth (it may have been edited); before that, the text is.
    if (this.paramMap !== undefined) return this.paramMap.get('branch') ?? undefined;
    const b = this.scannedBranch === NOT_SCANNED ? findParam(this.paramText, 'branch') : this.scannedBranch;
    return b ?? undefined;
  }

  get received(): string | undefined {
    return this.params.get('received') ?? undefined;
  }

  /** RFC 3581: undefined if absent, null if present without a value (a request for it), else the port. */
  get rport(): number | null | undefined {
    if (!this.params.has('rport')) return undefined;
    const v = this.params.get('rport');
    return v == null ? null : Number(v);
  }

  toString(): string {
    const port = this.port === undefined ? '' : `:${this.port}`;
    return `${this.protocol}/${this.transport} ${this.host}${port}${paramsToString(this.params)}`;
  }
}

/** Marks a lazily scanned field that has not been scanned yet (undefined means "absent"). */
const NOT_SCANNED = Symbol('not scanned');

function skipLws(s: string, pos: number): number {
  while (pos < s.length && isWsp(s.charCodeAt(pos))) pos++;
  return pos;
}

function tokenEnd(s: string, pos: number, what: string): number {
  const start = pos;
  while (pos < s.length && isTokenChar(s.charCodeAt(pos))) pos++;
  if (pos === start) throw new SipParseError(`Via: expected ${what}`);
  return pos;
}

/** Upper-cased transport s[start, end); the common ones are interned constants (no string is made for them). */
function transportName(s: string, start: number, end: number): string {
  if (sameNameAt(s, start, end, 'tls')) return 'TLS';
  if (sameNameAt(s, start, end, 'tcp')) return 'TCP';
  if (sameNameAt(s, start, end, 'udp')) return 'UDP';
  return s.slice(start, end).toUpperCase();
}

/** sent-protocol text: 'SIP/2.0' (the only one we accept, checked by the caller) without slicing it out. */
function protocolName(s: string, ns: number, ne: number, vs: number, ve: number): string {
  if (sameNameAt(s, ns, ne, 'sip') && ve - vs === 3 && s.startsWith('2.0', vs)) return 'SIP/2.0';
  return `${s.slice(ns, ne).toUpperCase()}/${s.slice(vs, ve)}`;
}

/** Parses one via-parm: sent-protocol LWS sent-by *( SEMI via-params ), LWS allowed around "/" (§25.1 SLASH). */
export function parseViaParm(input: string): Via {
  const s = unfold(input);
  let pos = skipLws(s, 0);
  const nameStart = pos;
  const nameEnd = tokenEnd(s, pos, 'protocol name');
  pos = skipLws(s, nameEnd);
  if (s.charCodeAt(pos) !== 47) throw new SipParseError('Via: expected "/" after protocol name');
  pos = skipLws(s, pos + 1);
  const versionStart = pos;
  const versionEnd = tokenEnd(s, pos, 'protocol version');
  pos = skipLws(s, versionEnd);
  if (s.charCodeAt(pos) !== 47) throw new SipParseError('Via: expected "/" after protocol version');
  pos = skipLws(s, pos + 1);
  const transportStart = pos;
  pos = tokenEnd(s, pos, 'transport');
  const transport = transportName(s, transportStart, pos);
  const afterTransport = pos;
  pos = skipLws(s, pos);
  if (pos === afterTransport) throw new SipParseError('Via: missing LWS before sent-by');
  let port: number | undefined;
  const hostStart = pos;
  if (s.charCodeAt(pos) === 91) {
    const close = s.indexOf(']', pos);
    if (close < 0) throw new SipParseError('Via: unterminated IPv6 reference');
    pos = close + 1;
  } else {
    while (pos < s.length) {
      const c = s.charCodeAt(pos);
      if (c === 58 || c === 59 || isWsp(c)) break;
      if (!isTokenChar(c)) throw new SipParseError(`Via: invalid character "${s[pos]}" in sent-by`);
      pos++;
    }
  }
  const host = s.slice(hostStart, pos);
  if (host.length === 0) throw new SipParseError('Via: missing sent-by host');
  pos = skipLws(s, pos);
  if (s.charCodeAt(pos) === 58) {
    pos = skipLws(s, pos + 1);
    const ps = pos;
    port = 0;
    while (pos < s.length && s.charCodeAt(pos) >= 48 && s.charCodeAt(pos) <= 57) port = port * 10 + s.charCodeAt(pos++) - 48;
    if (pos === ps || pos - ps > 5) throw new SipParseError('Via: invalid sent-by port');
    if (port > 65535) throw new SipParseError('Via: invalid sent-by port');
  }
  const branch = parseParams(s, pos, null, 'Via', 'branch');
  const via = new Via(transport, host, port, s.slice(pos), protocolName(s, nameStart, nameEnd, versionStart, versionEnd));
  via.scannedBranch = branch;
  return via;
}

// The shape nearly every Via has on the wire: `SIP/2.0/TLS host[:port];params` with one via-parm per line,
// no LWS inside, nothing quoted. One sticky RegExp validates and splits it natively, which is several times
// faster than the character loop of parseViaParm. It accepts a strict subset of what parseViaParm accepts and
// yields the same Via; anything else (IPv6, LWS, quoted or odd parameter values, commas, folding, errors)
// goes through parseViaParm. Group 5 is the branch when it is the first parameter (it nearly always is).
const VIA_VALUE = "[-.!%*_+`'~0-9A-Za-z:\\[\\]]+";
const SIMPLE_VIA = new RegExp(
  `[ \\t]*SIP/2\\.0/(TLS|TCP|UDP) ([-.0-9A-Za-z]+)(?::([0-9]{1,5}))?` +
  `((?:;branch=(${VIA_VALUE}))?(?:;${TOKEN_CLASS}+(?:=${VIA_VALUE})?)*)${LINE_END}`, 'y');

/**
 * Fast path for the receive hot path: the Via whose value starts at s[valueStart] and runs to the end of its
 * line, or undefined when it is not in the simple shape above (then the caller uses parseViaParm).
 */
export function parseSimpleViaLine(s: string, valueStart: number): Via | undefined {
  SIMPLE_VIA.lastIndex = valueStart;
  const m = SIMPLE_VIA.exec(s);
  if (m === null) return undefined;
  const port = m[3] === undefined ? undefined : Number(m[3]);
  if (port !== undefined && port > 65535) return undefined;
  const t = m[1] as string;
  const via = new Via(t === 'TLS' ? 'TLS' : t === 'TCP' ? 'TCP' : 'UDP', m[2] as string, port, m[4] as string, 'SIP/2.0');
  if (m[5] !== undefined) via.scannedBranch = m[5];
  return via;
}

/** Parses a Via header value, which may hold several comma-separated via-parms (§7.3.1). */
export function parseVia(value: string): Via[] {
  const out: Via[] = [];
  for (const part of splitList(unfold(value))) {
    if (part.length === 0) throw new SipParseError('Via: empty value');
    out.push(parseViaParm(part));
  }
  return out;
}
