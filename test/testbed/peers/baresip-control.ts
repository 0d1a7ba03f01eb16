// baresip's ctrl_tcp interface: JSON objects in netstrings ("<len>:<json>,") over one TCP connection.
// baresip 1.0 accepts a single connection (testbed-notes pitfall 8), so a peer keeps this one open for its
// whole life; replies are matched to commands by their token, events ({"event":true,...}) are passed on.
import { connect } from 'node:net';
import type { Socket } from 'node:net';

export class BaresipControlError extends Error {
  override readonly name = 'BaresipControlError';
}

export interface BaresipEvent {
  readonly type?: string;
  readonly class?: string;
  readonly accountaor?: string;
  readonly param?: string;
  readonly [key: string]: unknown;
}

interface Pending {
  resolve(data: string): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
  command: string;
}

/** Splits netstrings off the front of `buf`; returns the payloads and what is left (an incomplete one). */
export function takeNetstrings(buf: Buffer): { payloads: Buffer[]; rest: Buffer } {
  const payloads: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const colon = buf.indexOf(0x3a, pos);
    if (colon < 0) break;
    const lenText = buf.subarray(pos, colon).toString('latin1');
    if (!/^\d{1,9}$/.test(lenText)) throw new BaresipControlError(`bad netstring length ${JSON.stringify(lenText.slice(0, 20))}`);
    const end = colon + 1 + Number(lenText);
    if (buf.length < end + 1) break;
    if (buf[end] !== 0x2c) throw new BaresipControlError('netstring not terminated by ","');
    payloads.push(buf.subarray(colon + 1, end));
    pos = end + 1;
  }
  return { payloads, rest: buf.subarray(pos) };
}

export function encodeNetstring(json: string): Buffer {
  const payload = Buffer.from(json, 'utf8');
  return Buffer.concat([Buffer.from(`${payload.length}:`), payload, Buffer.from(',')]);
}

export class BaresipControl {
  private buf: Buffer = Buffer.alloc(0);
  private readonly pending = new Map<string, Pending>();
  private seq = 0;
  private closed: Error | undefined;
  readonly events: BaresipEvent[] = [];

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', (err) => this.fail(new BaresipControlError(`ctrl_tcp connection: ${err.message}`)));
    socket.on('close', () => this.fail(new BaresipControlError('ctrl_tcp connection closed')));
  }

  /** Connects, retrying while the module is not listening yet. */
  static async open(host: string, port: number, timeoutMs: number): Promise<BaresipControl> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const socket = await new Promise<Socket>((resolve, reject) => {
          const s = connect({ host, port });
          s.once('connect', () => {
            s.removeListener('error', reject);
            resolve(s);
          });
          s.once('error', reject);
        });
        socket.setNoDelay(true);
        return new BaresipControl(socket);
      } catch (err) {
        if (Date.now() > deadline) throw new BaresipControlError(`cannot connect to ctrl_tcp ${host}:${port}: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  /** Runs a menu command (name without the leading '/'), resolving with the text it printed. */
  command(command: string, params = '', timeoutMs = 5000): Promise<string> {
    if (this.closed) return Promise.reject(this.closed);
    const token = `t${++this.seq}`;
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(token);
        reject(new BaresipControlError(`ctrl_tcp: no reply to ${command} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(token, { resolve, reject, timer, command });
      this.socket.write(encodeNetstring(JSON.stringify({ command, params, token })));
    });
  }

  close(): void {
    this.fail(new BaresipControlError('ctrl_tcp connection closed by us'));
    this.socket.destroy();
  }

  private onData(d: Buffer) {
    this.buf = Buffer.concat([this.buf, d]);
    let payloads: Buffer[];
    try {
      ({ payloads, rest: this.buf } = takeNetstrings(this.buf));
    } catch (err) {
      this.fail(err as Error);
      this.socket.destroy();
      return;
    }
    for (const p of payloads) {
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(p.toString('utf8')) as Record<string, unknown>;
      } catch {
        continue; // not ours to judge; baresip printed something odd
      }
      if (msg.event === true) {
        this.events.push(msg as BaresipEvent);
        continue;
      }
      const token = typeof msg.token === 'string' ? msg.token : '';
      const waiter = this.pending.get(token);
      if (!waiter) continue;
      this.pending.delete(token);
      clearTimeout(waiter.timer);
      if (msg.ok === false) waiter.reject(new BaresipControlError(`baresip refused /${waiter.command}: ${String(msg.data ?? '')}`));
      else waiter.resolve(typeof msg.data === 'string' ? msg.data : '');
    }
  }

  private fail(err: Error) {
    this.closed ??= err;
    for (const [token, w] of this.pending) {
      clearTimeout(w.timer);
      this.pending.delete(token);
      w.reject(err);
    }
  }
}
