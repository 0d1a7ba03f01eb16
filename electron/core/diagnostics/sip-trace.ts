// The SIP log the diagnostics UI shows: the last N messages each way, credentials redacted at
// capture time (so no code path can later show the raw header).
import { redactSipText } from './redact';

export interface TraceEntry {
  readonly seq: number;
  readonly at: number;
  readonly direction: 'in' | 'out';
  readonly remote: string;
  readonly text: string;
}

export class SipTrace {
  readonly #capacity: number;
  readonly #entries: TraceEntry[] = [];
  #seq = 0;

  constructor(capacity = 2000, private readonly now: () => number = Date.now) {
    this.#capacity = capacity;
  }

  record(direction: 'in' | 'out', remote: string, wire: string | Buffer): void {
    const text = typeof wire === 'string' ? wire : wire.toString('utf8');
    this.#entries.push({ seq: ++this.#seq, at: this.now(), direction, remote, text: redactSipText(text) });
    if (this.#entries.length > this.#capacity) this.#entries.splice(0, this.#entries.length - this.#capacity);
  }

  /** Entries newer than `afterSeq`, oldest first. */
  since(afterSeq = 0): TraceEntry[] {
    return this.#entries.filter((e) => e.seq > afterSeq);
  }
}
