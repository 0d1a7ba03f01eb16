// A small driver for the SIPp scenarios in this folder: runs one SIPp user over TCP to its home server (Debian's
// SIPp has no TLS, testbed-notes pitfall 1; the domain-to-domain hop is mutual TLS anyway) and parses SIPp's
// message trace so tests can assert on what really went over the wire.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes, randomInt } from 'node:crypto';
import { DOMAIN_LAYOUT, SIP_PORT, TESTBED_SRC, runPaths } from '../layout';
import type { DomainName } from '../layout';

export type SippScenario = 'message' | 'publish' | 'subscribe' | 'register-wait';

export interface SippUser {
  readonly user: string;
  readonly password: string;
  readonly domain: DomainName;
}

export interface SippOptions {
  readonly runDir: string;
  readonly scenario: SippScenario;
  readonly as: SippUser;
  /** Scenario keys ([to], [text], [basic], [note]...). `domain` is set from the user. */
  readonly keys?: Record<string, string>;
  /** Server to send to; default the user's home server on TCP 5060. */
  readonly server?: { host: string; port: number };
  /** Length of `<pause/>` (register-wait) in ms. */
  readonly pauseMs?: number;
  /** Whole-run limit. */
  readonly timeoutMs?: number;
}

export interface TraceMessage {
  readonly direction: 'sent' | 'received';
  readonly startLine: string;
  readonly headers: string;
  readonly body: string;
  /** Status code of a response, undefined for requests. */
  readonly status?: number;
  /** Method of a request (or of the CSeq of a response). */
  readonly method: string;
}

export interface SippResult {
  readonly exitCode: number | null;
  readonly messages: TraceMessage[];
  /** Status codes SIPp received, in order. */
  readonly statuses: number[];
  readonly errors: string;
}

/** Parses SIPp's -trace_msg file: blocks separated by dashed lines, each "TCP message sent/received ...". */
export function parseTrace(text: string): TraceMessage[] {
  const out: TraceMessage[] = [];
  for (const block of text.split(/^-{20,}.*$/m)) {
    const m = /^\s*\S+ message (sent|received)[^\n]*\n\n?([\s\S]*)$/.exec(block);
    if (!m) continue;
    const raw = (m[2] as string).replace(/^\s*\n/, '').replace(/\r\n/g, '\n');
    const split = raw.indexOf('\n\n');
    const head = split >= 0 ? raw.slice(0, split) : raw.trimEnd();
    const body = split >= 0 ? raw.slice(split + 2).replace(/\n+$/, '') : '';
    const startLine = head.split('\n')[0] ?? '';
    const statusMatch = /^SIP\/2\.0 (\d{3})/.exec(startLine);
    const cseqMethod = /^CSeq:\s*\d+\s+(\S+)/im.exec(head)?.[1] ?? '';
    out.push({
      direction: m[1] as 'sent' | 'received',
      startLine,
      headers: head,
      body,
      ...(statusMatch ? { status: Number(statusMatch[1]) } : {}),
      method: statusMatch ? cseqMethod : (startLine.split(' ')[0] ?? ''),
    });
  }
  return out;
}

/** A header's value from a trace message (first occurrence, case-insensitive; compact forms not handled). */
export function header(msg: TraceMessage, name: string): string | undefined {
  return new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(msg.headers)?.[1]?.trim();
}

export class SippRun {
  readonly done: Promise<SippResult>;
  private readonly traceFile: string;
  private readonly pid: number | undefined;

  constructor(private readonly opts: SippOptions) {
    const paths = runPaths(opts.runDir);
    const dir = join(paths.peers, `sipp-${opts.as.user}-${randomBytes(3).toString('hex')}`);
    mkdirSync(dir, { recursive: true });
    mkdirSync(paths.pids, { recursive: true });
    this.traceFile = join(dir, 'messages.log');
    const errorFile = join(dir, 'errors.log');
    const server = opts.server ?? { host: DOMAIN_LAYOUT[opts.as.domain].address, port: SIP_PORT };
    // One loopback address per domain's clients; a random port per run so parallel tests do not collide.
    const localIp = opts.as.domain === 'alpha.test' ? '127.0.0.21' : '127.0.0.31';
    const keys = { domain: opts.as.domain, ...opts.keys };
    const args = [
      `${server.host}:${server.port}`,
      '-sf', join(TESTBED_SRC, 'sipp', `${opts.scenario}.xml`),
      '-oocsf', join(TESTBED_SRC, 'sipp', 'ooc-answer.xml'),
      '-t', 't1',
      '-i', localIp,
      '-p', String(randomInt(20000, 40000)),
      '-cp', String(randomInt(40000, 50000)),
      '-mp', String(randomInt(50000, 60000)),
      '-s', opts.as.user,
      '-au', opts.as.user,
      '-ap', opts.as.password,
      '-m', '1',
      '-nostdin',
      '-nd',
      '-trace_msg', '-message_file', this.traceFile,
      '-trace_err', '-error_file', errorFile,
      '-recv_timeout', '8000',
      '-timeout', `${Math.ceil((opts.timeoutMs ?? 20000) / 1000)}s`,
      '-timeout_error',
      '-d', String(opts.pauseMs ?? 3000),
      ...Object.entries(keys).flatMap(([k, v]) => ['-key', k, v]),
    ];
    const child = spawn('sipp', args, { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir });
    this.pid = child.pid;
    const pidFile = paths.pidFile(`sipp-${child.pid}`);
    if (child.pid) writeFileSync(pidFile, `${child.pid}\n`);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    this.done = new Promise((resolve) => {
      child.on('exit', (code) => {
        rmSync(pidFile, { force: true });
        const errors = (existsSync(errorFile) ? readFileSync(errorFile, 'utf8') : '') + stderr;
        const messages = this.messages();
        resolve({
          exitCode: code,
          messages,
          statuses: messages.filter((m) => m.direction === 'received' && m.status !== undefined).map((m) => m.status as number),
          errors,
        });
      });
    });
  }

  /** Messages traced so far. */
  messages(): TraceMessage[] {
    return existsSync(this.traceFile) ? parseTrace(readFileSync(this.traceFile, 'utf8')) : [];
  }

  /** Resolves with the first traced message matching `pred`, polling the trace file. */
  async waitFor(pred: (m: TraceMessage) => boolean, timeoutMs = 10000): Promise<TraceMessage> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.done.then(() => (exited = true));
    for (;;) {
      const found = this.messages().find(pred);
      if (found) return found;
      if (exited || Date.now() > deadline) {
        throw new Error(`sipp ${this.opts.scenario} (${this.opts.as.user}): expected message not seen; trace:\n${this.messages().map((m) => `${m.direction}: ${m.startLine}${m.body ? `\n    ${m.body.replace(/\n/g, '\n    ')}` : ''}`).join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Ends SIPp early (SIGTERM) and waits for it. */
  async stop(): Promise<SippResult> {
    if (this.pid) {
      try {
        process.kill(this.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
    }
    return this.done;
  }
}

export function runSipp(opts: SippOptions): SippRun {
  return new SippRun(opts);
}
