// `npm run bench` (node --expose-gc --import tsx bench/run.ts [--quick]): SIP parse throughput and retained heap,
// ours side by side with JsSIP and kirm `sip` in the same run (method: ../../shared/perf-baselines.md §1).
// Prints stable metric names (architecture.md house rule 10): msg-parse-per-sec, retained-bytes-per-msg.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { adapters, jssip, kirmSip, ours, sinkValue, type Adapter } from './adapters';

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 2 : 7;
const RUN_MS = quick ? 15 : 70;
const HEAP_N = 2000;

const MESSAGES = ['invite-sdp', 'notify-pidf', 'message', '200ok-5via-6rr'] as const;
const dir = fileURLToPath(new URL('./messages/', import.meta.url));
const texts = new Map(MESSAGES.map((m) => [m, readFileSync(`${dir}${m}.sip`, 'latin1')]));

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error('run with --expose-gc (npm run bench)');
  process.exit(1);
}

/** Every adapter must extract identical key fields before anything is timed. */
function checkAgreement(): void {
  for (const m of MESSAGES) {
    const t = texts.get(m) as string;
    const ref = JSON.stringify(ours.fields(t));
    for (const a of adapters) {
      const got = JSON.stringify(a.fields(t));
      if (got !== ref) throw new Error(`${a.name} disagrees on ${m}:\n  ${got}\n  ${ref}`);
    }
  }
}

/** Messages/second over about RUN_MS of wall time. */
function rate(fn: (t: string) => unknown, text: string): number {
  let n = 0;
  const t0 = process.hrtime.bigint();
  let elapsed = 0;
  const limit = RUN_MS * 1e6;
  while (elapsed < limit) {
    for (let i = 0; i < 64; i++) fn(text);
    n += 64;
    elapsed = Number(process.hrtime.bigint() - t0);
  }
  return (n / elapsed) * 1e9;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Retained heap per parsed message: fresh strings first, GC, parse and keep, GC, Δ heapUsed / N. */
function retained(a: Adapter, text: string): number {
  const inputs: string[] = [];
  for (let i = 0; i < HEAP_N; i++) inputs.push(Buffer.from(text, 'latin1').toString('latin1'));
  const keep: unknown[] = new Array(HEAP_N);
  gc?.();
  gc?.();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < HEAP_N; i++) keep[i] = a.key(inputs[i] as string);
  gc?.();
  gc?.();
  const after = process.memoryUsage().heapUsed;
  if (keep.length !== HEAP_N || inputs.length !== HEAP_N) throw new Error('unreachable');
  return (after - before) / HEAP_N;
}

type Row = 'key' | 'allVia';
const results = new Map<string, number[]>(); // `${row}|${msg}|${adapter}` → rates

function main(): void {
  const t0 = Date.now();
  checkAgreement();
  console.log(`adapters agree on Call-ID, CSeq, top Via branch, From/To tags, body and Via count for all ${MESSAGES.length} messages`);
  // Warm-up so every adapter is optimized before the first timed round.
  for (const m of MESSAGES) for (const a of adapters) for (let i = 0; i < (quick ? 200 : 2000); i++) { a.key(texts.get(m) as string); a.allVia(texts.get(m) as string); }
  for (let r = 0; r < ROUNDS; r++) {
    for (const row of ['key', 'allVia'] as Row[]) {
      for (const m of MESSAGES) {
        // Interleave the parsers within the round, rotating who goes first.
        for (let k = 0; k < adapters.length; k++) {
          const a = adapters[(k + r) % adapters.length] as Adapter;
          const fn = row === 'key' ? a.key : a.allVia;
          const id = `${row}|${m}|${a.name}`;
          const list = results.get(id) ?? [];
          list.push(rate(fn, texts.get(m) as string));
          results.set(id, list);
        }
      }
    }
  }
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  for (const row of ['key', 'allVia'] as Row[]) {
    console.log(`\nmsg-parse-per-sec (${row === 'key' ? 'row 1: Call-ID, CSeq, top Via branch, From/To tags, body' : 'row 2: row 1 + every Via'}; median of ${ROUNDS} interleaved rounds)`);
    console.log(['message'.padEnd(16), 'bytes'.padStart(6), ...adapters.map((a) => a.name.padStart(12)), 'ours/JsSIP'.padStart(11), 'ours/sip'.padStart(9)].join(' '));
    for (const m of MESSAGES) {
      const med = (a: Adapter) => median(results.get(`${row}|${m}|${a.name}`) ?? [0]);
      console.log([m.padEnd(16), String(Buffer.byteLength(texts.get(m) as string)).padStart(6), ...adapters.map((a) => fmt(med(a)).padStart(12)),
        `${(med(ours) / med(jssip)).toFixed(1)}x`.padStart(11), `${(med(ours) / med(kirmSip)).toFixed(2)}x`.padStart(9)].join(' '));
    }
  }
  console.log(`\nretained-bytes-per-msg (${HEAP_N} messages kept after row-1 reads, raw string excluded)`);
  console.log(['message'.padEnd(16), ...adapters.map((a) => a.name.padStart(10)), 'ours/JsSIP'.padStart(11)].join(' '));
  for (const m of MESSAGES) {
    const per = adapters.map((a) => retained(a, texts.get(m) as string));
    console.log([m.padEnd(16), ...per.map((b) => fmt(b).padStart(10)), ((per[0] as number) / (per[1] as number)).toFixed(2).padStart(11)].join(' '));
  }
  console.log(`\nnode ${process.version}, ${quick ? 'quick' : 'full'} run in ${((Date.now() - t0) / 1000).toFixed(1)} s (sink ${sinkValue() % 10})`);
}

main();
