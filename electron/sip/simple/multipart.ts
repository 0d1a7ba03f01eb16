// multipart/related bodies (RFC 2046 §5.1 syntax, RFC 2387 semantics) as RLS NOTIFYs carry them (RFC 4662 §5.3):
// the root part (the `start` parameter's Content-ID, else the first part) is the RLMI document, the others are
// the resources' state documents referenced by `cid:` URLs (RFC 2392).
// Bodies arrive decoded as text; boundaries and part headers are ASCII, so the split works on the string.
// Everything is bounded: a hostile body is refused with a `MultipartError`, never parsed without limits.
import { SimpleBodyError } from './errors';
import { parseMediaType } from './media-type';

export type MultipartErrorCode = 'not-multipart' | 'no-boundary' | 'bad-boundary' | 'too-large' | 'too-many-parts' | 'part-too-large' | 'bad-part-headers' | 'no-close-delimiter' | 'no-parts' | 'no-root';

/** A multipart body we refuse, and why. */
export class MultipartError extends SimpleBodyError {
  override readonly name = 'MultipartError';
  readonly code: MultipartErrorCode;
  constructor(code: MultipartErrorCode, reason: string) {
    super(`multipart: ${reason}`);
    this.code = code;
  }
}

export interface MultipartLimits {
  /** Whole body, in UTF-16 code units. An RLS NOTIFY for 1000 resources with a PIDF each is about 1 MB. */
  readonly maxLength: number;
  readonly maxParts: number;
  /** One part's body. */
  readonly maxPartLength: number;
  /** Header lines per part. */
  readonly maxPartHeaders: number;
}

export const DEFAULT_MULTIPART_LIMITS: MultipartLimits = Object.freeze({
  maxLength: 4 * 1024 * 1024,
  maxParts: 5000,
  maxPartLength: 256 * 1024,
  maxPartHeaders: 32,
});

export interface MimePart {
  /** Header names lower-cased; the last value wins for repeated ones. */
  readonly headers: ReadonlyMap<string, string>;
  readonly contentType: string | undefined;
  /** Without the angle brackets (RFC 2392 §2: `cid:` URLs name it without them). */
  readonly contentId: string | undefined;
  readonly body: string;
}

export interface MultipartRelated {
  /** The `type` parameter (RFC 2387 §3.1: the root's media type), lower-cased. */
  readonly type: string | undefined;
  readonly parts: readonly MimePart[];
  readonly root: MimePart;
  /** Content-ID → part. */
  byContentId(cid: string): MimePart | undefined;
}

/** `<abc@x>` or `abc@x` → `abc@x`; `cid:` URLs are %-decoded (RFC 2392 §2). */
export function normaliseContentId(value: string): string {
  let v = value.trim();
  if (v.toLowerCase().startsWith('cid:')) {
    v = v.slice(4);
    try {
      v = decodeURIComponent(v);
    } catch {
      // a malformed escape stays as written: it simply matches no part
    }
  }
  if (v.startsWith('<') && v.endsWith('>')) v = v.slice(1, -1);
  return v.trim();
}

/** RFC 2046 §5.1.1: 1–70 characters of bchars, not ending in a space. */
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;

function parseHeaders(block: string, limits: MultipartLimits): Map<string, string> {
  const headers = new Map<string, string>();
  if (block.length === 0) return headers;
  // RFC 5322 §2.2.3 unfolding: a line starting with white space continues the previous one.
  const lines: string[] = [];
  for (const line of block.split(/\r?\n/)) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && lines.length) lines[lines.length - 1] += ` ${line.trim()}`;
    else lines.push(line);
    if (lines.length > limits.maxPartHeaders) throw new MultipartError('bad-part-headers', `more than ${limits.maxPartHeaders} header lines in a part`);
  }
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new MultipartError('bad-part-headers', `part header line without a name: ${JSON.stringify(line.slice(0, 40))}`);
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

/**
 * Splits a multipart/related body. `contentType` is the message's Content-Type header. Throws only `MultipartError`.
 * The preamble and epilogue are ignored (RFC 2046 §5.1.1); a body without its close delimiter is refused, since a
 * truncated NOTIFY would otherwise look like a complete, smaller list.
 */
export function parseMultipartRelated(contentType: string | undefined, body: string, limits: Partial<MultipartLimits> = {}): MultipartRelated {
  const lim: MultipartLimits = { ...DEFAULT_MULTIPART_LIMITS, ...limits };
  const media = parseMediaType(contentType ?? '');
  if (!media.type.startsWith('multipart/')) throw new MultipartError('not-multipart', `Content-Type is ${media.type || 'missing'}`);
  const boundary = media.params.get('boundary');
  if (boundary === undefined) throw new MultipartError('no-boundary', 'Content-Type has no boundary parameter');
  if (!BOUNDARY.test(boundary)) throw new MultipartError('bad-boundary', 'boundary is not 1–70 valid characters (RFC 2046 §5.1.1)');
  if (body.length > lim.maxLength) throw new MultipartError('too-large', `body is ${body.length} characters, the limit is ${lim.maxLength}`);

  const delimiter = `--${boundary}`;
  // The first delimiter may start the body; every other one follows a CRLF (RFC 2046 §5.1.1). LF alone is
  // accepted too (bodies rewritten by some proxies), and transport padding after the delimiter is skipped.
  const parts: MimePart[] = [];
  let pos = body.startsWith(delimiter) ? 0 : findDelimiter(body, delimiter, 0);
  if (pos < 0) throw new MultipartError('no-parts', 'no boundary delimiter in the body');
  let closed = false;
  for (;;) {
    let after = pos + delimiter.length;
    if (body.startsWith('--', after)) {
      closed = true;
      break;
    }
    while (body[after] === ' ' || body[after] === '\t') after++;
    if (body.startsWith('\r\n', after)) after += 2;
    else if (body[after] === '\n') after += 1;
    else throw new MultipartError('bad-boundary', 'delimiter line does not end after the boundary');
    const next = findDelimiter(body, delimiter, after);
    if (next < 0) break;
    // The CRLF before the next delimiter belongs to the delimiter.
    const end = body[next - 1] === '\n' ? (body[next - 2] === '\r' ? next - 2 : next - 1) : next;
    const raw = body.slice(after, Math.max(after, end));
    if (raw.length > lim.maxPartLength) throw new MultipartError('part-too-large', `a part is ${raw.length} characters, the limit is ${lim.maxPartLength}`);
    if (parts.length >= lim.maxParts) throw new MultipartError('too-many-parts', `more than ${lim.maxParts} parts`);
    parts.push(makePart(raw, lim));
    pos = next;
  }
  if (!closed) throw new MultipartError('no-close-delimiter', 'the close delimiter is missing (truncated body?)');
  if (parts.length === 0) throw new MultipartError('no-parts', 'no body parts');

  const index = new Map<string, MimePart>();
  for (const p of parts) if (p.contentId !== undefined && !index.has(p.contentId)) index.set(p.contentId, p);
  // RFC 2387 §3.2: `start` names the root; without it the root is the first part.
  const start = media.params.get('start');
  const root = start !== undefined ? index.get(normaliseContentId(start)) : parts[0];
  if (!root) throw new MultipartError('no-root', `no part has the start Content-ID ${start ?? ''}`);
  const type = media.params.get('type')?.toLowerCase();
  return { type, parts, root, byContentId: (cid) => index.get(normaliseContentId(cid)) };
}

/** Position of the next delimiter that starts a line at or after `from`, or -1. */
function findDelimiter(body: string, delimiter: string, from: number): number {
  let i = from;
  for (;;) {
    const at = body.indexOf(delimiter, i);
    if (at < 0) return -1;
    if (at === 0 || body[at - 1] === '\n') return at;
    i = at + 1;
  }
}

function makePart(raw: string, limits: MultipartLimits): MimePart {
  // RFC 2046 §5.1.1: headers, an empty line, the body; a part with no headers starts with the empty line.
  let headerBlock: string;
  let body: string;
  if (raw.startsWith('\r\n')) [headerBlock, body] = ['', raw.slice(2)];
  else if (raw.startsWith('\n')) [headerBlock, body] = ['', raw.slice(1)];
  else {
    const crlf = raw.indexOf('\r\n\r\n');
    const lf = raw.indexOf('\n\n');
    if (crlf >= 0 && (lf < 0 || crlf < lf)) [headerBlock, body] = [raw.slice(0, crlf), raw.slice(crlf + 4)];
    else if (lf >= 0) [headerBlock, body] = [raw.slice(0, lf), raw.slice(lf + 2)];
    else [headerBlock, body] = [raw, ''];
  }
  const headers = parseHeaders(headerBlock, limits);
  const cid = headers.get('content-id');
  const ct = headers.get('content-type');
  return { headers, contentType: ct, contentId: cid !== undefined ? normaliseContentId(cid) : undefined, body };
}
