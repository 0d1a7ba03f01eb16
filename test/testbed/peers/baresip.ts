// A baresip 1.0 user as a standards SIP/SIMPLE peer of the testbed: it registers over TLS to its home server,
// found through `_sips._tcp` SRV on the testbed DNS (RFC 3263 §4.2), sends everything through that server as
// outbound proxy (testbed-notes pitfall 2), exchanges MESSAGEs (RFC 3428), PUBLISHes its presence (RFC 3903)
// and watches contacts with SUBSCRIBE (RFC 3856).
//
//   const bob = await startBaresip(tb, await tb.createUser('beta.test', { cleanup: t }), { presence: true, cleanup: t });
//   await bob.sendMessage(alice.aor, 'hi');           // alice.aor must be among opts.contacts / opts.watch
//   const m = await bob.waitForMessage((m) => m.text === 'hello', 5000);
//
// How baresip 1.0 is driven (testbed-notes pitfall 8): commands go over ctrl_tcp (one persistent connection,
// JSON netstrings); what it receives is only printed by the stdio UI, whose stdin must be a FIFO (/dev/null
// makes epoll_ctl fail); everything it prints is kept in <dir>/baresip.log. It does NOT check the server
// certificate although sip_cafile is set (pitfall 12), so it must not be used for certificate tests.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes, randomInt } from 'node:crypto';
import { join } from 'node:path';
import type { Testbed } from '../harness';
import type { TestUser } from '../users';
import { runPaths } from '../layout';
import { BaresipControl } from './baresip-control';
import { leaseAddress, loopbackRange } from './address-lease';
import type { AddressLease } from './address-lease';
import { readSipdump } from './sipdump';

export class BaresipError extends Error {
  override readonly name = 'BaresipError';
}

/** Client addresses of baresip peers. 127.0.0.21/.31 are SIPp's (sipp/driver.ts); .2-.10 are servers and DNS. */
export const BARESIP_ADDRESSES = loopbackRange(32, 61);

export type PresenceState = 'online' | 'offline';
/** A contact's state as baresip's contact list shows it. */
export type ContactStatus = 'unknown' | 'online' | 'offline' | 'busy';

export interface ReceivedMessage {
  /** The From URI (baresip prints the address without display name), e.g. sip:alice@alpha.test */
  readonly from: string;
  readonly text: string;
  readonly at: number;
}

export interface ContactStatusChange {
  readonly uri: string;
  readonly from: ContactStatus;
  readonly to: ContactStatus;
  readonly at: number;
}

export interface BaresipOptions {
  /** Publish own presence (account pubint) so watchers see it, and allow setPresence. Default false. */
  readonly presence?: boolean;
  /**
   * URIs this peer may send MESSAGEs to. baresip 1.0 can only message an entry of its contacts file, which
   * it reads once at start, so every target must be named here (or in `watch`).
   */
  readonly contacts?: readonly string[];
  /** URIs to watch: contacts entries with `presence=p2p`, i.e. a SUBSCRIBE to each (RFC 3856). */
  readonly watch?: readonly string[];
  /** The peer is stopped in this context's after() hook, also when the test fails. */
  readonly cleanup?: { after(fn: () => unknown): void };
  /** How long to wait for the 200 to REGISTER. Default 8000 ms. */
  readonly registerTimeoutMs?: number;
}

type Tb = Pick<Testbed, 'runDir' | 'pki' | 'dns'>;

interface PeerSetup {
  readonly user: TestUser;
  readonly address: string;
  readonly sipPort: number;
  readonly controlPort: number;
  readonly dir: string;
  readonly child: ChildProcess;
  readonly lease: AddressLease;
  readonly fifo: string;
  readonly pidFile: string;
  readonly opts: BaresipOptions;
  readonly sipdumpDir: string;
}

const ANSI = /\x1b\[[0-9;]*m/g;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** baresip prints bare URIs, angle-bracketed ones and ones with parameters; compare on scheme:user@host. */
export function sameUri(a: string, b: string): boolean {
  const norm = (u: string) => u.trim().replace(/^<|>$/g, '').split(';')[0]?.toLowerCase() ?? '';
  return norm(a) === norm(b);
}

function toStatus(word: string): ContactStatus {
  const w = word.toLowerCase();
  return w === 'online' || w === 'offline' || w === 'busy' ? w : 'unknown';
}

/** Parses the output of /contacts: one line per contact, `>` marks the current one. */
export function parseContacts(text: string): { uri: string; status: ContactStatus; current: boolean }[] {
  const out: { uri: string; status: ContactStatus; current: boolean }[] = [];
  for (const raw of text.replace(ANSI, '').split('\n')) {
    // ">     Online  <sip:bob@beta.test>"; the status column exists only while the presence module is loaded.
    const m = /^(>)?\s*(?:(unknown|online|offline|busy)\s+)?.*<([^>]+)>\s*$/i.exec(raw);
    if (m) out.push({ current: m[1] === '>', status: toStatus(m[2] ?? 'unknown'), uri: m[3] as string });
  }
  return out;
}

// Processes still running when this Node process exits (a crash, or a test runner killed mid-test) are killed
// synchronously: an 'exit' handler cannot wait for the TERM escalation.
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const c of live) {
      try {
        c.kill('SIGKILL');
      } catch {
        /* gone */
      }
    }
  });
}

export class BaresipPeer {
  readonly messages: ReceivedMessage[] = [];
  readonly statusChanges: ContactStatusChange[] = [];
  /** Lines baresip printed about failures (registration, publication, subscriptions). */
  readonly problems: string[] = [];
  /** Transport of the accepted REGISTER, from baresip's `{0/TLS/v4} 200 OK` line. */
  registeredTransport: string | undefined;
  readonly logFile: string;

  private control: BaresipControl | undefined;
  private readonly listeners = new Set<() => void>();
  private pendingMessage: { from: string; lines: string[] } | undefined;
  private exited = false;
  private exitInfo = '';
  private queue: Promise<unknown> = Promise.resolve();
  private stopping: Promise<void> | undefined;
  private readonly exitPromise: Promise<void>;

  readonly user: TestUser;
  readonly address: string;
  readonly sipPort: number;
  readonly controlPort: number;
  /** Config directory (config, accounts, contacts, baresip.log). */
  readonly dir: string;
  private readonly child: ChildProcess;
  private readonly lease: AddressLease;
  private readonly fifo: string;
  private readonly pidFile: string;
  private readonly opts: BaresipOptions;
  /** The home server's sipdump, where the 200s to our PUBLISHes are seen (baresip prints nothing for them). */
  private readonly sipdumpDir: string;
  private presenceState: PresenceState | undefined;

  constructor(setup: PeerSetup) {
    ({
      user: this.user,
      address: this.address,
      sipPort: this.sipPort,
      controlPort: this.controlPort,
      dir: this.dir,
      child: this.child,
      lease: this.lease,
      fifo: this.fifo,
      pidFile: this.pidFile,
      opts: this.opts,
      sipdumpDir: this.sipdumpDir,
    } = setup);
    const child = setup.child;
    this.logFile = join(this.dir, 'baresip.log');
    this.exitPromise = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exited = true;
        this.exitInfo = signal ? `signal ${signal}` : `code ${code}`;
        live.delete(child);
        this.notify();
        resolve();
      });
    });
    for (const stream of [child.stdout, child.stderr]) {
      let partial = '';
      stream?.on('data', (d: Buffer) => {
        const s = d.toString('utf8');
        appendFileSync(this.logFile, s);
        const lines = (partial + s).split('\n');
        partial = lines.pop() ?? '';
        for (const l of lines) this.onLine(l);
      });
    }
  }

  /** The last lines of the log, for error messages. */
  logTail(lines = 30): string {
    if (!existsSync(this.logFile)) return '(no output)';
    return readFileSync(this.logFile, 'utf8').replace(ANSI, '').trimEnd().split('\n').slice(-lines).join('\n');
  }

  private onLine(raw: string) {
    const line = raw.replace(ANSI, '').replace(/\r/g, '');
    if (this.pendingMessage) {
      // A text with line breaks continues until a line ending with the closing quote.
      const p = this.pendingMessage;
      if (line.endsWith('"') || p.lines.length > 500) {
        p.lines.push(line.endsWith('"') ? line.slice(0, -1) : line);
        this.pendingMessage = undefined;
        this.messages.push({ from: p.from, text: p.lines.join('\n'), at: Date.now() });
      } else {
        p.lines.push(line);
      }
      this.notify();
      return;
    }
    let m: RegExpExecArray | null;
    if ((m = /^\S+: \{\d+\/(\w+)\/v[46]\} 200 OK/.exec(line))) {
      this.registeredTransport = m[1];
    } else if ((m = /^(sips?:[^\s"]+): "(.*)$/.exec(line))) {
      // menu module's incoming-MESSAGE line: `<from uri>: "<text>"` (text/plain bodies only, RFC 3428 §9)
      const rest = m[2] as string;
      if (rest.endsWith('"')) this.messages.push({ from: m[1] as string, text: rest.slice(0, -1), at: Date.now() });
      else this.pendingMessage = { from: m[1] as string, lines: [rest] };
    } else if ((m = /^<([^>]+)> changed status from (\w+) to (\w+)/.exec(line))) {
      this.statusChanges.push({ uri: m[1] as string, from: toStatus(m[2] as string), to: toStatus(m[3] as string), at: Date.now() });
    } else if (/^reg: |publisher got error|subscriber closed|could not|failed/i.test(line)) {
      this.problems.push(line);
    }
    this.notify();
  }

  private notify() {
    for (const l of [...this.listeners]) l();
  }

  /** Resolves with the first non-undefined value of `check`, evaluated now and after every output line. */
  private waitOutput<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const done = (fn: () => void) => {
        clearTimeout(timer);
        this.listeners.delete(listener);
        fn();
      };
      const listener = () => {
        let v: T | undefined;
        try {
          v = check();
        } catch (err) {
          done(() => reject(err as Error));
          return;
        }
        if (v !== undefined) done(() => resolve(v));
        else if (this.exited) done(() => reject(new BaresipError(`${this.user.aor}: baresip exited (${this.exitInfo}) before ${what}\n${this.logTail()}`)));
      };
      const timer = setTimeout(() => done(() => reject(new BaresipError(`${this.user.aor}: no ${what} within ${timeoutMs} ms\n${this.logTail()}`))), timeoutMs);
      this.listeners.add(listener);
      listener();
    });
  }

  /** @internal used by startBaresip */
  async waitRegistered(timeoutMs: number): Promise<void> {
    await this.waitOutput(
      () => {
        if (this.registeredTransport) return true;
        const failed = this.problems.find((p) => p.startsWith('reg: '));
        if (failed) throw new BaresipError(`${this.user.aor}: registration failed: ${failed}\n${this.logTail()}`);
        return undefined;
      },
      timeoutMs,
      'successful REGISTER',
    );
  }

  /** @internal used by startBaresip */
  async connectControl(timeoutMs: number): Promise<void> {
    this.control = await BaresipControl.open(this.address, this.controlPort, timeoutMs);
  }

  /** Runs a baresip menu command (without '/') over ctrl_tcp and returns what it printed. */
  command(name: string, params = ''): Promise<string> {
    if (!this.control) return Promise.reject(new BaresipError('not connected to ctrl_tcp'));
    if (this.exited) return Promise.reject(new BaresipError(`${this.user.aor}: baresip has exited (${this.exitInfo})`));
    return this.control.command(name, params);
  }

  /** Commands that move the "current contact" must not interleave. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Makes `uri` baresip's current contact (the target of /message). */
  private async selectContact(uri: string): Promise<void> {
    const list = parseContacts(await this.command('contacts'));
    if (!list.some((c) => sameUri(c.uri, uri))) {
      throw new BaresipError(`${uri} is not a contact of ${this.user.aor}; baresip 1.0 can only message its contacts: pass it in startBaresip's contacts/watch`);
    }
    if (list.find((c) => c.current && sameUri(c.uri, uri))) return;
    for (const step of ['contact_next', 'contact_prev']) {
      for (let i = 0; i < list.length; i++) {
        const printed = await this.command(step);
        const current = /<([^>]+)>/.exec(printed.replace(ANSI, ''))?.[1];
        if (current && sameUri(current, uri)) return;
      }
    }
    throw new BaresipError(`could not make ${uri} the current contact of ${this.user.aor}`);
  }

  /**
   * Sends a text/plain MESSAGE (RFC 3428) through the home server. Resolves when baresip has taken the
   * command; baresip 1.0 prints nothing about the reply, so delivery is checked at the receiver.
   */
  sendMessage(toUri: string, text: string): Promise<void> {
    return this.serial(async () => {
      await this.selectContact(toUri);
      await this.command('message', text);
    });
  }

  /** Resolves with the first received MESSAGE (past or future) matching `pred`. */
  waitForMessage(pred: (m: ReceivedMessage) => boolean = () => true, timeoutMs = 5000): Promise<ReceivedMessage> {
    return this.waitOutput(() => this.messages.find(pred), timeoutMs, 'matching MESSAGE');
  }

  /** How many 200s the home server has sent to this user's PUBLISHes (RFC 3903 §6: the ETag-bearing answer). */
  private publishAcks(): number {
    const to = new RegExp(`^To:\\s*<sip:${this.user.user.replace(/\./g, '\\.')}@${this.user.domain.replace(/\./g, '\\.')}>`, 'im');
    return readSipdump(this.sipdumpDir).filter((r) => r.tag === 'snd' && r.method === 'PUBLISH' && r.status === 200 && to.test(r.text)).length;
  }

  /** Waits until the home server has accepted more than `count` PUBLISHes of this user. */
  private async waitPublishAcks(count: number, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.publishAcks() > count) return;
      const refused = this.problems.find((p) => /publisher got error/.test(p));
      if (refused) throw new BaresipError(`${this.user.aor}: PUBLISH refused: ${refused}`);
      if (this.exited || Date.now() > deadline) throw new BaresipError(`${this.user.aor}: ${what} not accepted within ${timeoutMs} ms\n${this.logTail()}`);
      await sleep(50);
    }
  }

  /**
   * Sets own presence and waits until the home server accepted the PUBLISH (RFC 3903 §4, PIDF basic
   * open/closed), so a watcher's NOTIFY follows. Needs `presence: true`.
   */
  async setPresence(state: PresenceState, timeoutMs = 5000): Promise<void> {
    if (!this.opts.presence) throw new BaresipError(`${this.user.aor} was started without presence: true, so nothing is published`);
    if (this.presenceState === state) return; // baresip would send nothing: its command returns when unchanged
    const before = this.publishAcks();
    await this.command(state === 'online' ? 'presence_online' : 'presence_offline');
    await this.waitPublishAcks(before, timeoutMs, `PUBLISH ${state}`);
    this.presenceState = state;
  }

  /**
   * Loads the presence module once registered. Loaded at start, baresip 1.0 PUBLISHes "unknown" at once and
   * "open" on the REGISTER 200; when that second PUBLISH leaves before the first one's 200 (and SIP-ETag)
   * is back, it creates a second publication (no SIP-If-Match, RFC 3903 §4.1), and Kamailio keeps showing
   * the orphaned "unknown" one to watchers for its whole lifetime. Loaded late, there is one publication.
   */
  async startPresence(timeoutMs: number): Promise<void> {
    const before = this.opts.presence ? this.publishAcks() : 0;
    await this.command('insmod', 'presence.so');
    if (!this.opts.presence) return;
    await this.waitPublishAcks(before, timeoutMs, 'initial PUBLISH');
    await this.setPresence('online', timeoutMs);
  }

  /** A watched contact's state as baresip's contact list shows it now. */
  async contactStatus(uri: string): Promise<ContactStatus> {
    const c = parseContacts(await this.command('contacts')).find((x) => sameUri(x.uri, uri));
    if (!c) throw new BaresipError(`${uri} is not a contact of ${this.user.aor}`);
    return c.status;
  }

  /** Polls the contact list until `uri` shows `status` (each NOTIFY updates it, RFC 3856 §6.8). */
  async waitForContactStatus(uri: string, status: ContactStatus, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last: ContactStatus | undefined;
    for (;;) {
      last = await this.contactStatus(uri);
      if (last === status) return;
      if (Date.now() > deadline) {
        throw new BaresipError(`${this.user.aor}: ${uri} still ${last}, not ${status}, after ${timeoutMs} ms\n${this.logTail()}`);
      }
      await sleep(100);
    }
  }

  /** Whether the process is still running. */
  get running(): boolean {
    return !this.exited;
  }

  /**
   * Stops baresip: SIGTERM (it un-REGISTERs), SIGTERM again (forces the exit its presence module can block,
   * testbed-notes pitfall 8), then SIGKILL. Always releases the address, FIFO and pid file. Idempotent.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.control?.close();
      const escalation: [NodeJS.Signals, number][] = [['SIGTERM', 500], ['SIGTERM', 1500], ['SIGKILL', 2000]];
      for (const [sig, waitMs] of escalation) {
        if (this.exited) break;
        try {
          this.child.kill(sig);
        } catch {
          /* already gone */
        }
        await Promise.race([this.exitPromise, sleep(waitMs)]);
      }
      rmSync(this.fifo, { force: true });
      rmSync(this.pidFile, { force: true });
      this.lease.release();
    })();
    return this.stopping;
  }
}

function writeConfig(dir: string, tb: Tb, address: string, sipPort: number, controlPort: number) {
  const lines = [
    'module_path /usr/lib/baresip/modules',
    'poll_method epoll',
    // UDP/TCP listen on this port, TLS on port + 1, which the Contact names. Outgoing TLS connections still
    // come from 127.0.0.1: baresip 1.0 does not bind them; Via and Contact carry our address (and Kamailio
    // answers over the same connection, RFC 3261 §18.2.2, pitfall 4).
    `sip_listen ${address}:${sipPort}`,
    `sip_cafile ${tb.pki.ca}`,
    `dns_server ${tb.dns.server}`,
    // Without it baresip finds no usable local address on loopback ("Protocol not supported", pitfall 8).
    `net_interface ${address}`,
    'module stdio.so',
    'module g711.so',
    'module_tmp account.so',
    'module_app contact.so',
    'module_app menu.so',
    // presence.so is loaded after registration (BaresipPeer.startPresence explains why).
    'module_app ctrl_tcp.so',
    `ctrl_tcp_listen ${address}:${controlPort}`,
    '',
  ];
  writeFileSync(join(dir, 'config'), lines.join('\n'));
}

function accountLine(user: TestUser, opts: BaresipOptions): string {
  // outbound: every request goes to the home server over TLS; baresip resolves `sip:<domain>;transport=tls`
  // with the SRV query `_sips._tcp.<domain>` (RFC 3263 §4.2), which the testbed DNS answers with
  // sip.<domain>:5061, then its A record.
  const params = [
    `auth_pass=${user.password}`,
    `outbound="sip:${user.domain};transport=tls"`,
    'regint=600',
    `pubint=${opts.presence ? 600 : 0}`,
    'mwi=no',
  ];
  return `<${user.aor}>;${params.join(';')}\n`;
}

function contactsFile(opts: BaresipOptions): string {
  const watch = opts.watch ?? [];
  const plain = (opts.contacts ?? []).filter((c) => !watch.some((w) => sameUri(w, c)));
  // Always written (possibly empty): without the file baresip 1.0 creates a template that subscribes to
  // "<login name>@<domain>".
  return [...watch.map((w) => `<${w}>;presence=p2p`), ...plain.map((c) => `<${c}>`)].map((l) => `${l}\n`).join('');
}

/** Starts a baresip user and resolves once it is registered (over TLS) and its ctrl_tcp is connected. */
export async function startBaresip(tb: Tb, user: TestUser, opts: BaresipOptions = {}): Promise<BaresipPeer> {
  const paths = runPaths(tb.runDir);
  const lease = leaseAddress(join(paths.peers, 'leases'), BARESIP_ADDRESSES);
  let peer: BaresipPeer | undefined;
  try {
    const dir = join(paths.peers, `baresip-${user.user}-${randomBytes(3).toString('hex')}`);
    mkdirSync(dir, { recursive: true });
    // An even port: baresip also listens on port+1 (TLS). A random one per run avoids "Address already in use"
    // from a previous run's lingering sockets (pitfall 8); the address is ours alone anyway.
    const sipPort = randomInt(10000, 30000) * 2;
    const controlPort = randomInt(20000, 30000) * 2 + 1;
    writeConfig(dir, tb, lease.address, sipPort, controlPort);
    writeFileSync(join(dir, 'accounts'), accountLine(user, opts));
    writeFileSync(join(dir, 'contacts'), contactsFile(opts));

    // stdin: a FIFO opened read-write by us, so baresip never sees EOF on it and epoll accepts it (pitfall 8).
    const fifo = join(dir, 'stdin.fifo');
    rmSync(fifo, { force: true });
    const mk = spawnSync('mkfifo', [fifo]);
    if (mk.status !== 0) throw new BaresipError(`mkfifo ${fifo} failed: ${mk.stderr?.toString() ?? ''}`);
    const stdin = openSync(fifo, 'r+');
    let child: ChildProcess;
    try {
      child = spawn('baresip', ['-f', dir], { cwd: dir, stdio: [stdin, 'pipe', 'pipe'], env: { ...process.env, HOME: dir } });
    } finally {
      closeSync(stdin);
    }
    if (child.pid === undefined) throw new BaresipError('could not start baresip (is the Debian package installed?)');
    installExitHook();
    live.add(child);
    // The testbed's stop also stops peers named in <run>/pids (testbed.ts KNOWN_COMMS has 'baresip').
    const pidFile = paths.pidFile(`baresip-${lease.address}`);
    writeFileSync(pidFile, `${child.pid}\n`);
    peer = new BaresipPeer({
      user,
      address: lease.address,
      sipPort,
      controlPort,
      dir,
      child,
      lease,
      fifo,
      pidFile,
      opts,
      sipdumpDir: paths.sipdump(user.domain),
    });
    const p = peer;
    opts.cleanup?.after(() => p.stop());
    const timeout = opts.registerTimeoutMs ?? 8000;
    await Promise.all([peer.waitRegistered(timeout), peer.connectControl(timeout)]);
    if (opts.presence || (opts.watch ?? []).length > 0) await peer.startPresence(timeout);
    return peer;
  } catch (err) {
    if (peer) await peer.stop();
    else lease.release();
    throw err;
  }
}
