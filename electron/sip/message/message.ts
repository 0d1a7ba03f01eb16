// SIP requests and responses (RFC 3261 §7). Following reSIProcate's LazyParser (architecture.md house rule 7):
// the message keeps the raw text, knows where each header line starts and ends, and parses a header only when
// it is first asked for (then caches it). parseMessage pre-fills the caches of the fields the transaction and
// dialog layers read on every message (Call-ID, CSeq, top Via, From, To), which also validates them.
// Headers never touched are serialized byte-for-byte from the raw text.
import { SipParseError } from './errors';
import { parseCSeq, type CSeq } from './headers/cseq';
import { displayName, headerKey } from './headers/header-names';
import { parseNameAddr, type NameAddr } from './headers/name-addr';
import { splitList, trimLws, unfold } from './headers/params';
import { parseSimpleViaLine, parseVia, type Via } from './headers/via';
import { parseUri, type SipUri } from './uri';

/** Headers whose grammar is a comma-separated list (RFC 3261 §7.3.1, §20); only these are split by headers(). */
const LIST_HEADERS = new Set([
  'via', 'contact', 'route', 'record-route', 'allow', 'supported', 'require', 'proxy-require', 'unsupported',
  'accept', 'accept-encoding', 'accept-language', 'allow-events', 'content-encoding', 'content-language',
  'in-reply-to', 'warning', 'alert-info', 'call-info', 'error-info', 'path', 'service-route', 'p-asserted-identity',
]);

/** Position of a raw header line, packed in one double: start * 2^26 + end (end = index of its CRLF). */
const PACK = 67108864;

export interface AddHeaderOptions {
  /** Insert above the existing instances of this header (e.g. a new top Via, RFC 3261 §16.6 item 8). */
  first?: boolean;
}

export abstract class SipMessageBase {
  abstract readonly kind: 'request' | 'response';

  /** @internal Raw text: start line and header lines (string input: the whole message). */
  protected raw: string;
  /** @internal End of the start line in `raw` (index of its CRLF). */
  protected startLineEnd: number;
  /**
   * @internal Canonical key of each header entry, in wire order. parseMessage only names the headers it parses
   * on receipt (Via, From, To, Call-ID, CSeq, Content-Length) and leaves the others undefined: allKeys() names
   * them on the first lookup by name, so a message that is only routed never canonicalizes its other headers.
   */
  protected keys: Array<string | undefined>;
  private keysResolved: boolean;
  /** @internal Packed raw position of each entry, -1 for an entry set by the application. */
  protected pos: number[];
  /** @internal Name and value of entries set by the application (null until the first edit). */
  protected edited: Array<[string, string] | undefined> | null = null;

  // Body: `bodyLength` bytes at `bodyStart` of `bodySrc`. bodySrc is the input Buffer, or for string input the
  // input string, whose bytes are its UTF-8 form (Content-Length counts bytes, §20.14): see stringBody().
  private bodySrc: Buffer | string | null;
  private bodyStart: number;
  private bodyLength: number;
  /** @internal Decoded body cache. */
  cBody: string | undefined;

  // Parse caches (undefined = not parsed yet).
  /** @internal */ cCallId: string | undefined;
  /** @internal */ cCSeq: CSeq | undefined;
  /** @internal */ cTopVia: Via | undefined;
  /** @internal cTopVia is the whole first Via line (one via-parm, fast path), so `via` can reuse it. */
  cTopViaIsLine: boolean;
  /** @internal */ cFrom: NameAddr | undefined;
  /** @internal */ cTo: NameAddr | undefined;
  private cVia: Via[] | undefined;

  /** @internal Use parseMessage or the builders. */
  constructor(raw: string, startLineEnd: number, keys: Array<string | undefined>, pos: number[], bodySrc: Buffer | string | null, bodyStart: number, bodyLength: number) {
    this.raw = raw;
    this.startLineEnd = startLineEnd;
    this.keys = keys;
    this.keysResolved = false;
    this.pos = pos;
    this.bodySrc = bodySrc;
    this.bodyStart = bodyStart;
    this.bodyLength = bodyLength;
    this.cBody = undefined;
    this.cCallId = undefined;
    this.cCSeq = undefined;
    this.cTopVia = undefined;
    this.cTopViaIsLine = false;
    this.cFrom = undefined;
    this.cTo = undefined;
    this.cVia = undefined;
  }

  // ---- raw header access -------------------------------------------------------------------------------

  /** @internal Value of entry i: trimmed, with line folding still in it (unfold() when parsing). */
  protected rawValue(i: number): string {
    const p = this.pos[i] as number;
    if (p < 0) return (this.edited?.[i] as [string, string])[1];
    const start = Math.floor(p / PACK);
    const end = p - start * PACK;
    const colon = this.raw.indexOf(':', start);
    return trimLws(this.raw, colon + 1, end);
  }

  /** @internal Header name of raw entry i as written, without the LWS before the colon. */
  private rawName(i: number): string {
    const p = this.pos[i] as number;
    const start = Math.floor(p / PACK);
    let end = this.raw.indexOf(':', start);
    while (end > start && (this.raw.charCodeAt(end - 1) === 32 || this.raw.charCodeAt(end - 1) === 9)) end--;
    return this.raw.slice(start, end);
  }

  /** Every entry's canonical key (names the entries parseMessage left undefined, once). */
  private allKeys(): Array<string | undefined> {
    if (!this.keysResolved) {
      const keys = this.keys;
      for (let i = 0; i < keys.length; i++) if (keys[i] === undefined) keys[i] = headerKey(this.rawName(i));
      this.keysResolved = true;
    }
    return this.keys;
  }

  /** @internal Where the value of raw entry i starts (just past its colon); -1 for an entry set by the application. */
  private rawValueStart(i: number): number {
    const p = this.pos[i] as number;
    return p < 0 ? -1 : this.raw.indexOf(':', Math.floor(p / PACK)) + 1;
  }

  private indexOf(key: string): number {
    return this.allKeys().indexOf(key);
  }

  /** First value of a header (case-insensitive name, compact forms accepted), folding replaced by SP. */
  header(name: string): string | undefined {
    const i = this.indexOf(headerKey(name));
    return i < 0 ? undefined : unfold(this.rawValue(i));
  }

  /** Every value of a header, in order; list-valued headers (Via, Contact, Route...) are split on commas. */
  headers(name: string): string[] {
    const key = headerKey(name);
    const out: string[] = [];
    const split = LIST_HEADERS.has(key);
    const keys = this.allKeys();
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] !== key) continue;
      const v = unfold(this.rawValue(i));
      if (split) {
        for (const part of splitList(v)) if (part.length > 0) out.push(part);
      } else out.push(v);
    }
    return out;
  }

  hasHeader(name: string): boolean {
    return this.indexOf(headerKey(name)) >= 0;
  }

  /** Header names in wire order, as written (for diagnostics and generic forwarding). */
  headerNames(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.keys.length; i++) {
      const p = this.pos[i] as number;
      if (p < 0) out.push((this.edited?.[i] as [string, string])[0]);
      else {
        const start = Math.floor(p / PACK);
        out.push(this.raw.slice(start, this.raw.indexOf(':', start)).trim());
      }
    }
    return out;
  }

  // ---- key fields (lazy, cached; parseMessage pre-fills them) -----------------------------------------------

  /** Raw value of a key header; these keys are always named (see `keys`), so no allKeys() here. */
  private required(key: string, what: string): string {
    const i = this.keys.indexOf(key);
    // RFC 3261 §8.1.1: To, From, CSeq, Call-ID, Max-Forwards and Via are mandatory in requests.
    if (i < 0) throw new SipParseError(`missing ${what} header`);
    return this.rawValue(i);
  }

  get callId(): string {
    return (this.cCallId ??= unfold(this.required('call-id', 'Call-ID')));
  }

  get cseq(): CSeq {
    return (this.cCSeq ??= parseCSeq(this.required('cseq', 'CSeq')));
  }

  /** Every Via (all header lines, comma-separated values split), parsed on first access and cached. */
  get via(): readonly Via[] {
    if (this.cVia === undefined) {
      const all: Via[] = [];
      for (let i = 0; i < this.keys.length; i++) {
        if (this.keys[i] !== 'via') continue;
        if (all.length === 0 && this.cTopViaIsLine && this.cTopVia !== undefined) {
          all.push(this.cTopVia);
          continue;
        }
        // A received line in the common one-via-parm shape takes the fast path (same result as parseVia).
        const at = this.rawValueStart(i);
        const simple = at >= 0 ? parseSimpleViaLine(this.raw, at) : undefined;
        if (simple !== undefined) all.push(simple);
        else for (const v of parseVia(this.rawValue(i))) all.push(v);
      }
      if (all.length === 0) throw new SipParseError('missing Via header');
      this.cVia = all;
      this.cTopVia = all[0];
    }
    return this.cVia;
  }

  get topVia(): Via {
    if (this.cTopVia === undefined) this.cTopVia = parseVia(this.required('via', 'Via'))[0] as Via;
    return this.cTopVia;
  }

  get from(): NameAddr {
    return (this.cFrom ??= parseNameAddr(this.required('from', 'From'), 'From'));
  }

  get to(): NameAddr {
    return (this.cTo ??= parseNameAddr(this.required('to', 'To'), 'To'));
  }

  /** Contact values parsed as name-addr (empty if none; `*` is returned as a NameAddr with uriText '*'). */
  get contacts(): NameAddr[] {
    return this.headers('contact').map((v) => (v === '*' ? parseStar() : parseNameAddr(v, 'Contact')));
  }

  // ---- body ---------------------------------------------------------------------------------------------

  get bodyBytes(): Buffer {
    if (typeof this.bodySrc === 'string') {
      const text = this.stringBody(this.bodySrc);
      if (typeof this.bodySrc === 'string') return Buffer.from(text, 'utf8');
    }
    const src = this.bodySrc;
    if (src === null) return Buffer.alloc(0);
    return src.subarray(this.bodyStart, this.bodyStart + this.bodyLength);
  }

  /** Body decoded as UTF-8 ('' when none). */
  get body(): string {
    if (this.cBody === undefined) {
      const src = this.bodySrc;
      if (src === null) this.cBody = '';
      else if (typeof src === 'string') this.cBody = this.stringBody(src);
      else this.cBody = src.toString('utf8', this.bodyStart, this.bodyStart + this.bodyLength);
    }
    return this.cBody;
  }

  /**
   * The body of a message parsed from a string: the first bodyLength bytes of the UTF-8 form of the text from
   * bodyStart. Nearly always the body is ASCII and this is a slice; otherwise the tail is encoded once and the
   * body continues as a Buffer. Done here, not in parseMessage, so that a message whose body is never read
   * does not pay for the byte count.
   */
  private stringBody(src: string): string {
    const len = this.bodyLength;
    const text = src.slice(this.bodyStart, this.bodyStart + len);
    // byteLength ≥ length, so equality means: all ASCII, or (clamped) exactly the rest of the text.
    if (Buffer.byteLength(text, 'utf8') === len) return text;
    const bytes = Buffer.from(src.slice(this.bodyStart), 'utf8');
    this.bodySrc = bytes;
    this.bodyStart = 0;
    return bytes.toString('utf8', 0, len);
  }

  // ---- mutation (outgoing messages) -----------------------------------------------------------------------

  private invalidate(key: string): void {
    switch (key) {
      case 'call-id': this.cCallId = undefined; break;
      case 'cseq': this.cCSeq = undefined; break;
      case 'via': this.cVia = undefined; this.cTopVia = undefined; this.cTopViaIsLine = false; break;
      case 'from': this.cFrom = undefined; break;
      case 'to': this.cTo = undefined; break;
    }
  }

  private insertAt(index: number, key: string, name: string, value: string): void {
    if (this.edited === null) this.edited = new Array<[string, string] | undefined>(this.keys.length).fill(undefined);
    this.keys.splice(index, 0, key);
    this.pos.splice(index, 0, -1);
    this.edited.splice(index, 0, [name, value]);
  }

  private removeAt(index: number): void {
    this.keys.splice(index, 1);
    this.pos.splice(index, 1);
    this.edited?.splice(index, 1);
  }

  /** Replaces every instance of a header with one value (appended if it was absent). */
  setHeader(name: string, value: string): void {
    const key = headerKey(name);
    const i = this.indexOf(key);
    this.removeHeader(name);
    this.insertAt(i < 0 ? this.keys.length : Math.min(i, this.keys.length), key, displayName(name), value);
    this.invalidate(key);
  }

  /** Adds one header value: below the existing instances, or above them with `{ first: true }`. */
  addHeader(name: string, value: string, opts: AddHeaderOptions = {}): void {
    const key = headerKey(name);
    let at = this.keys.length;
    if (opts.first) {
      const i = this.indexOf(key);
      at = i < 0 ? 0 : i;
    } else {
      const i = this.allKeys().lastIndexOf(key);
      if (i >= 0) at = i + 1;
    }
    this.insertAt(at, key, displayName(name), value);
    this.invalidate(key);
  }

  removeHeader(name: string): void {
    const key = headerKey(name);
    const keys = this.allKeys();
    for (let i = keys.length - 1; i >= 0; i--) if (keys[i] === key) this.removeAt(i);
    this.invalidate(key);
  }

  /** Sets the body and keeps Content-Length (in bytes) right; sets Content-Type when given. */
  setBody(body: string | Buffer, contentType?: string): void {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    this.bodySrc = bytes;
    this.bodyStart = 0;
    this.bodyLength = bytes.length;
    this.cBody = typeof body === 'string' ? body : undefined;
    this.setHeader('Content-Length', String(bytes.length));
    if (contentType !== undefined) this.setHeader('Content-Type', contentType);
    else if (bytes.length === 0) this.removeHeader('Content-Type');
  }

  // ---- serialization ------------------------------------------------------------------------------------

  /** @internal Start line without its CRLF. */
  protected startLine(): string {
    return this.raw.slice(0, this.startLineEnd);
  }

  private headerBlock(): string {
    let out = this.startLine() + '\r\n';
    for (let i = 0; i < this.keys.length; i++) {
      const p = this.pos[i] as number;
      if (p < 0) {
        const [n, v] = this.edited?.[i] as [string, string];
        out += `${n}: ${v}\r\n`;
      } else {
        const start = Math.floor(p / PACK);
        out += this.raw.slice(start, p - start * PACK + 2);
      }
    }
    return out + '\r\n';
  }

  /** Wire text; untouched headers are byte-exact as received. The body is decoded as UTF-8 (see toBuffer). */
  serialize(): string {
    return this.headerBlock() + this.body;
  }

  /** Wire bytes, with the body bytes exactly as they are (binary bodies survive). */
  toBuffer(): Buffer {
    return Buffer.concat([Buffer.from(this.headerBlock(), 'utf8'), this.bodyBytes]);
  }

  toString(): string {
    return this.serialize();
  }
}

function parseStar(): NameAddr {
  // RFC 3261 §10.2.2: "Contact: *" (remove all bindings) is not a name-addr.
  const na = parseNameAddr('<sip:*>');
  na.uriText = '*';
  na.angle = false;
  return na;
}

export class SipRequest extends SipMessageBase {
  readonly kind = 'request' as const;
  readonly method: string;
  /** Request-URI exactly as written. */
  readonly uri: string;
  private cRequestUri: SipUri | undefined;

  /** @internal */
  constructor(method: string, uri: string, raw: string, startLineEnd: number, keys: Array<string | undefined>, pos: number[], bodySrc: Buffer | string | null, bodyStart: number, bodyLength: number) {
    super(raw, startLineEnd, keys, pos, bodySrc, bodyStart, bodyLength);
    this.method = method;
    this.uri = uri;
    this.cRequestUri = undefined;
  }

  /** Parsed Request-URI (cached); throws SipParseError 416 for an unsupported scheme (RFC 3261 §8.2.2.1). */
  get requestUri(): SipUri {
    return (this.cRequestUri ??= parseUri(this.uri));
  }
}

export class SipResponse extends SipMessageBase {
  readonly kind = 'response' as const;
  readonly status: number;
  readonly reason: string;

  /** @internal */
  constructor(status: number, reason: string, raw: string, startLineEnd: number, keys: Array<string | undefined>, pos: number[], bodySrc: Buffer | string | null, bodyStart: number, bodyLength: number) {
    super(raw, startLineEnd, keys, pos, bodySrc, bodyStart, bodyLength);
    this.status = status;
    this.reason = reason;
  }
}

export type SipMessage = SipRequest | SipResponse;
