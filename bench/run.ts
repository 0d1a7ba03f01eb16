// `npm run bench` (node --expose-gc --import tsx bench/run.ts [--quick]): SIP parse throughput and retained heap,
// ours side by side with JsSIP and kirm `sip` in the same run (method: ../../shared/perf-baselines.md §1).
// Prints stable metric names (architecture.md house rule 10): msg-parse-per-sec, retained-bytes-per-msg.
//
// Timing is the CPU time of the main thread (Linux schedstat), not wall time: the bench machines are shared, and
// under load a wall-clock window mostly measures how long the other tenants held the CPU (the same adapter swung
// 5× between windows, ratios from 0.8× to 190×). Main-thread CPU time is what wall time would be on an idle
// machine: the parse and its GC pauses, without other processes and without V8's background compiler and
// concurrent-marking threads (which run beside the main thread there too). Every adapter is timed the same way.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { adapters, jssip, kirmSip, ours, sinkValue, type Adapter } from './adapters';
import { cpuClockName, cpuNs } from './cpu-clock';

const quick = process.argv.includes('--quick');
/**
 * Interleaved rounds; every round times every (row, message, adapter) once, the adapters of one (row, message)
 * back to back. Many short windows rather than a few long ones: contention on a shared machine (a busy sibling
 * hyperthread, cache pressure) still changes CPU speed from second to second, and adjacent windows share it,
 * so the ratios below are medians of per-round ratios.
 */
const ROUNDS = quick ? 5 : 41;
/** CPU milliseconds per timed window. */
const WINDOW_MS = quick ? 5 : 6;
/**
 * Warm-up parses per (row, message, adapter) before anything is timed (8 × 700 = 5,600 per adapter). By count,
 * not time: JsSIP's generated grammar needs about 5,000 parses to reach its steady rate (it is 5× slower after
 * 500), and timing it before that would flatter us. --quick is a smoke run and does not get there.
 */
const WARM_N = quick ? 300 : 700;
const HEAP_N = quick ? 1000 : 2000;

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


/**
 * Runs fn(text) for about `ms` of CPU time; returns messages per CPU second. Batches grow until one takes
 * about a millisecond, so reading the clock (a few µs) stays out of the measurement.
 */
function rate(fn: (t: string) => unknown, text: string, ms: number): number {
  let n = 0;
  let batch = 4;
  const t0 = cpuNs();
  const limit = ms * 1e6;
  let elapsed = 0;
  while (elapsed < limit) {
    for (let i = 0; i < batch; i++) fn(text);
    n += batch;
    const now = cpuNs() - t0;
    if (now - elapsed < 1e6 && batch < 65536) batch *= 2;
    elapsed = now;
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
const ROWS: Row[] = ['key', 'allVia'];
const results = new Map<string, number[]>(); // `${row}|${msg}|${adapter}` → rates

function timeAll(): void {
  for (const row of ROWS) {
    for (const m of MESSAGES) for (const a of adapters) for (let i = 0; i < WARM_N; i++) (row === 'key' ? a.key : a.allVia)(texts.get(m) as string);
  }
  for (let r = 0; r < ROUNDS; r++) {
    for (const row of ROWS) {
      for (const m of MESSAGES) {
        // Interleave the parsers within the round, rotating who goes first.
        for (let k = 0; k < adapters.length; k++) {
          const a = adapters[(k + r) % adapters.length] as Adapter;
          const id = `${row}|${m}|${a.name}`;
          const list = results.get(id) ?? [];
          list.push(rate(row === 'key' ? a.key : a.allVia, texts.get(m) as string, WINDOW_MS));
          results.set(id, list);
        }
      }
    }
  }
}

/** Median over rounds of ours' rate divided by `other`'s rate in the same round. */
function ratio(row: Row, m: string, other: Adapter): number {
  const a = results.get(`${row}|${m}|${ours.name}`) ?? [];
  const b = results.get(`${row}|${m}|${other.name}`) ?? [];
  return median(a.map((x, i) => x / (b[i] as number)));
}

function printRates(): void {
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  for (const row of ROWS) {
    console.log(`\nmsg-parse-per-sec (${row === 'key' ? 'row 1: Call-ID, CSeq, top Via branch, From/To tags, body' : 'row 2: row 1 + every Via'}; per main-thread CPU second, median of ${ROUNDS} interleaved rounds; ratios: median of per-round ratios)`);
    console.log(['message'.padEnd(16), 'bytes'.padStart(6), ...adapters.map((a) => a.name.padStart(12)), 'ours/JsSIP'.padStart(11), 'ours/sip'.padStart(9)].join(' '));
    for (const m of MESSAGES) {
      const med = (a: Adapter) => median(results.get(`${row}|${m}|${a.name}`) ?? [0]);
      console.log([m.padEnd(16), String(Buffer.byteLength(texts.get(m) as string)).padStart(6), ...adapters.map((a) => fmt(med(a)).padStart(12)),
        `${ratio(row, m, jssip).toFixed(1)}x`.padStart(11), `${ratio(row, m, kirmSip).toFixed(2)}x`.padStart(9)].join(' '));
    }
  }
}

function printHeap(): void {
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  console.log(`\nretained-bytes-per-msg (${HEAP_N} messages kept after row-1 reads, raw string excluded)`);
  console.log(['message'.padEnd(16), ...adapters.map((a) => a.name.padStart(10)), 'ours/JsSIP'.padStart(11)].join(' '));
  for (const m of MESSAGES) {
    const per = adapters.map((a) => retained(a, texts.get(m) as string));
    console.log([m.padEnd(16), ...per.map((b) => fmt(b).padStart(10)), ((per[0] as number) / (per[1] as number)).toFixed(2).padStart(11)].join(' '));
  }
}

function main(): void {
  const wall0 = Date.now();
  const cpu0 = cpuNs();
  checkAgreement();
  console.log(`adapters agree on Call-ID, CSeq, top Via branch, From/To tags, body and Via count for all ${MESSAGES.length} messages`);
  timeAll();
  printRates();
  printHeap();
  const cpuS = (cpuNs() - cpu0) / 1e9;
  const clock = cpuClockName;
  console.log(`\nnode ${process.version}, ${quick ? 'quick' : 'full'} run: ${((Date.now() - wall0) / 1000).toFixed(1)} s wall, ${cpuS.toFixed(1)} s ${clock} (sink ${sinkValue() % 10})`);
}

main();
