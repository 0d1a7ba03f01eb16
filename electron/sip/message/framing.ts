// Stream framing for TCP/TLS (RFC 3261 §18.3): a message ends Content-Length bytes after the empty line, and
// Content-Length is mandatory on streams. Between messages, CRLFCRLF is a keep-alive ping that must be answered
// with CRLF, and a lone CRLF is the pong (RFC 5626 §4.4.1; LCS clients send them, protocol.md §2.13 item 58).
// Memory is bounded: at most maxMessageBytes plus one pushed chunk is ever buffered (protocol.md §2.14).
import { SipParseError } from './errors';

export type FramerEvent =
  | { type: 'message'; bytes: Buffer }
  | { type: 'ping' } /* CRLFCRLF from peer: answer with CRLF, RFC 5626 §4.4.1 */
  | { type: 'pong' } /* lone CRLF */
  | { type: 'error'; error: SipParseError };

export interface StreamFramerOptions {
  /** Largest message accepted, headers and body together. Default 64 KiB. */
  maxMessageBytes?: number;
}

const EMPTY = Buffer.alloc(0);

/** Finds the Content-Length value in a header block (long or compact "l" form, any case). -1 if absent. */
function findContentLength(head: Buffer): number {
  const text = head.toString('latin1');
  let found = -1;
  let p = text.indexOf('\r\n') + 2;
  while (p > 1 && p < text.length) {
    let eol = text.indexOf('\r\n', p);
    if (eol < 0) eol = text.length;
    const colon = text.indexOf(':', p);
    if (colon > p && colon < eol) {
      const name = text.slice(p, colon).trim().toLowerCase();
      if (name === 'content-length' || name === 'l') {
        const v = text.slice(colon + 1, eol).trim();
        if (!/^[0-9]{1,9}$/.test(v)) throw new SipParseError(`invalid Content-Length ${JSON.stringify(v.slice(0, 20))}`);
        const n = Number(v);
        if (found >= 0 && n !== found) throw new SipParseError('conflicting Content-Length headers');
        found = n;
      }
    }
    p = eol + 2;
  }
  return found;
}

export class StreamFramer {
  readonly maxMessageBytes: number;
  private buf: Buffer = EMPTY;
  /** Where the search for CRLFCRLF resumes (avoids rescanning on every chunk). */
  private scanFrom = 0;
  /** Total length of the message being assembled, once its header block is known; -1 before that. */
  private need = -1;
  private failed = false;

  constructor(opts: StreamFramerOptions = {}) {
    this.maxMessageBytes = opts.maxMessageBytes ?? 65536;
  }

  /** Bytes currently held (for tests and diagnostics). */
  get bufferedBytes(): number {
    return this.buf.length;
  }

  /** Feeds received bytes; returns the events they complete. After an 'error' event the connection must be closed. */
  push(chunk: Buffer): FramerEvent[] {
    if (this.failed) return [{ type: 'error', error: new SipParseError('stream already failed; close the connection') }];
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const events: FramerEvent[] = [];
    try {
      this.drain(events);
    } catch (err) {
      this.failed = true;
      this.buf = EMPTY;
      events.push({ type: 'error', error: err instanceof SipParseError ? err : new SipParseError(String(err)) });
    }
    return events;
  }

  private drain(events: FramerEvent[]): void {
    for (;;) {
      const b = this.buf;
      if (this.need < 0) {
        // Keep-alives only count between messages (RFC 5626 §3.5.1).
        if (b.length >= 2 && b[0] === 13 && b[1] === 10) {
          if (b.length >= 4 && b[2] === 13 && b[3] === 10) {
            events.push({ type: 'ping' });
            this.consume(4);
            continue;
          }
          if (b.length === 2 || b[2] !== 13) {
            events.push({ type: 'pong' });
            this.consume(2);
            continue;
          }
          return; // "\r\n\r" — wait for the next byte
        }
        if (b.length === 1 && b[0] === 13) return;
        const he = b.indexOf('\r\n\r\n', Math.max(0, this.scanFrom - 3), 'latin1');
        if (he < 0) {
          this.scanFrom = b.length;
          if (b.length > this.maxMessageBytes) throw new SipParseError(`message headers exceed ${this.maxMessageBytes} bytes`);
          return;
        }
        const cl = findContentLength(b.subarray(0, he + 2));
        // RFC 3261 §18.3: on a stream the Content-Length header field MUST be used; without it the
        // message cannot be delimited.
        if (cl < 0) throw new SipParseError('missing Content-Length on a stream transport (RFC 3261 §18.3)');
        this.need = he + 4 + cl;
        if (this.need > this.maxMessageBytes) throw new SipParseError(`message of ${this.need} bytes exceeds the ${this.maxMessageBytes}-byte limit`);
      }
      if (this.buf.length < this.need) return;
      events.push({ type: 'message', bytes: Buffer.from(this.buf.subarray(0, this.need)) });
      this.consume(this.need);
      this.need = -1;
    }
  }

  private consume(n: number): void {
    this.buf = n >= this.buf.length ? EMPTY : this.buf.subarray(n);
    this.scanFrom = 0;
  }
}
