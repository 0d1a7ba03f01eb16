// The three parsers under test, behind one shape, so the benchmark and its smoke test read the same fields.
// Row 1 ("key"): what the transaction and dialog layers need on every message: Call-ID, CSeq, top Via branch,
// From/To tags and the body. Row 2 ("allVia") additionally parses every Via.
import { createRequire } from 'node:module';
import { parseMessage } from '../electron/sip/message/parser';

const require = createRequire(import.meta.url);

export interface KeyFields {
  callId: string;
  cseq: number;
  cseqMethod: string;
  branch: string | undefined;
  fromTag: string | undefined;
  toTag: string | undefined;
  body: string;
  viaCount: number;
}

export interface Adapter {
  name: string;
  /** Parse and read the row-1 fields; returns the parse result (kept alive by the heap measurement). */
  key(text: string): unknown;
  /** Parse, read the row-1 fields, then every Via. */
  allVia(text: string): unknown;
  /** Full extraction, used to check that all adapters agree before timing. */
  fields(text: string): KeyFields;
}

// ---- ours ----
export const ours: Adapter = {
  name: 'parley',
  key(text) {
    const m = parseMessage(text);
    sink(m.callId, m.cseq.seq, m.topVia.branch, m.from.tag, m.to.tag, m.body);
    return m;
  },
  allVia(text) {
    const m = parseMessage(text);
    sink(m.callId, m.cseq.seq, m.topVia.branch, m.from.tag, m.to.tag, m.body);
    const vias = m.via;
    for (let i = 0; i < vias.length; i++) sink((vias[i] as { branch?: string }).branch, '', undefined, undefined, undefined, '');
    return m;
  },
  fields(text) {
    const m = parseMessage(text);
    return { callId: m.callId, cseq: m.cseq.seq, cseqMethod: m.cseq.method, branch: m.topVia.branch, fromTag: m.from.tag, toTag: m.to.tag, body: m.body, viaCount: m.via.length };
  },
};

// ---- JsSIP 3.13 (lib/Parser.js): needs a `ua` only to store it on IncomingRequest ----
interface JsSipMsg {
  call_id: string; cseq: number; method: string; via_branch: string; from_tag: string; to_tag: string; body: string;
  getHeaders(name: string): string[]; parseHeader(name: string, idx?: number): { branch?: string } | undefined;
}
const JsSipParser = require('jssip/lib/Parser.js') as { parseMessage(data: string, ua: unknown): JsSipMsg | undefined };
const fakeUa = {};
function jsParse(text: string): JsSipMsg {
  const m = JsSipParser.parseMessage(text, fakeUa);
  if (!m) throw new Error('JsSIP failed to parse');
  return m;
}
export const jssip: Adapter = {
  name: 'JsSIP',
  key(text) {
    const m = jsParse(text);
    sink(m.call_id, m.cseq, m.via_branch, m.from_tag, m.to_tag, m.body);
    return m;
  },
  allVia(text) {
    const m = jsParse(text);
    sink(m.call_id, m.cseq, m.via_branch, m.from_tag, m.to_tag, m.body);
    const n = m.getHeaders('via').length;
    for (let i = 0; i < n; i++) sink(m.parseHeader('via', i)?.branch, '', undefined, undefined, undefined, '');
    return m;
  },
  fields(text) {
    const m = jsParse(text);
    const first = m.parseHeader('via', 0) as unknown as { branch?: string };
    // JsSIP's CSeq method of a response lives in the parsed header; requests carry it as method.
    const cseqHeader = m.parseHeader('cseq') as unknown as { method?: string } | undefined;
    return { callId: m.call_id, cseq: m.cseq, cseqMethod: cseqHeader?.method ?? m.method, branch: first.branch, fromTag: m.from_tag, toTag: m.to_tag, body: m.body, viaCount: m.getHeaders('via').length };
  },
};

// ---- kirm sip 0.0.6: sip.parse(text) parses every Via, From/To, CSeq with regexes ----
interface KirmMsg {
  headers: {
    'call-id': string; cseq: { seq: number; method: string }; via: Array<{ params: Record<string, string> }>;
    from: { params: Record<string, string> }; to: { params: Record<string, string> };
  };
  content: string;
}
const kirm = require('sip') as { parse(text: string): KirmMsg | undefined };
function kParse(text: string): KirmMsg {
  const m = kirm.parse(text);
  if (!m) throw new Error('sip failed to parse');
  return m;
}
export const kirmSip: Adapter = {
  name: 'sip',
  key(text) {
    const m = kParse(text);
    const h = m.headers;
    sink(h['call-id'], h.cseq.seq, h.via[0]?.params.branch, h.from.params.tag, h.to.params.tag, m.content);
    return m;
  },
  allVia(text) {
    const m = kParse(text);
    const h = m.headers;
    sink(h['call-id'], h.cseq.seq, h.via[0]?.params.branch, h.from.params.tag, h.to.params.tag, m.content);
    for (let i = 0; i < h.via.length; i++) sink(h.via[i]?.params.branch, '', undefined, undefined, undefined, '');
    return m;
  },
  fields(text) {
    const m = kParse(text);
    const h = m.headers;
    return { callId: h['call-id'], cseq: h.cseq.seq, cseqMethod: h.cseq.method, branch: h.via[0]?.params.branch, fromTag: h.from.params.tag, toTag: h.to.params.tag, body: m.content, viaCount: h.via.length };
  },
};

export const adapters: readonly Adapter[] = [ours, jssip, kirmSip];

/** Keeps the JIT from discarding reads whose results are unused. */
let sunk = 0;
export function sink(a: unknown, b: unknown, c: unknown, d: unknown, e: unknown, f: unknown): void {
  if (a === sunk || b === sunk || c === sunk || d === sunk || e === sunk || f === sunk) sunk++;
}
export function sinkValue(): number {
  return sunk;
}
