// The LCS process's control channel: HTTP/JSON on a Unix socket in the run directory, so tests in any process can
// create LCS users, make them act, flip switches and read what they received (control-client.ts is the other end).
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { rmSync } from 'node:fs';
import { LcsError } from './edge';
import type { LcsEdge } from './edge';
import { TERMINATE_REASONS } from './types';
import type { LcsPresence, LcsSwitches, OpenImRequest, SendImRequest, SwitchPatch, TerminateReason } from './types';

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 1_000_000) throw new LcsError('request body too large', 413);
    chunks.push(c as Buffer);
  }
  if (chunks.length === 0) return {};
  try {
    const v: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new LcsError('expected a JSON object');
    return v as Record<string, unknown>;
  } catch (err) {
    throw err instanceof LcsError ? err : new LcsError(`bad JSON: ${(err as Error).message}`);
  }
}

type Handler = (m: RegExpExecArray, body: Record<string, unknown>, url: URL) => Promise<unknown> | unknown;

export function controlServer(edge: LcsEdge, info: Record<string, unknown>): { listen(path: string): Promise<void>; close(): Promise<void> } {
  const routes: Array<[string, RegExp, Handler]> = [
    ['GET', /^\/health$/, () => ({ ok: true, ...info })],
    ['POST', /^\/users$/, (_m, b) => edge.createUser(String(b.name ?? ''), { ...(b.presence ? { presence: b.presence as LcsPresence } : {}), ...(b.switches ? { switches: b.switches as Partial<LcsSwitches> } : {}) })],
    ['DELETE', /^\/users\/([^/]+)$/, (m) => (edge.deleteUser(m[1] as string), { ok: true })],
    ['GET', /^\/users\/([^/]+)$/, (m) => {
      const u = edge.user(m[1] as string);
      return { name: u.name, aor: u.aor, epid: u.epid, presence: u.presence, switches: u.switches };
    }],
    ['PATCH', /^\/users\/([^/]+)\/switches$/, (m, b) => edge.setSwitches(m[1] as string, b as SwitchPatch)],
    ['PUT', /^\/users\/([^/]+)\/presence$/, async (m, b) => ({ notified: await edge.setPresence(m[1] as string, b as unknown as LcsPresence) })],
    ['POST', /^\/users\/([^/]+)\/end-subscriptions$/, async (m, b) => {
      const reason = String(b.reason ?? 'deactivated') as TerminateReason;
      if (!TERMINATE_REASONS.includes(reason)) throw new LcsError(`reason must be one of ${TERMINATE_REASONS.join(', ')}`);
      return { ended: await edge.endSubscriptions(m[1] as string, reason) };
    }],
    ['GET', /^\/users\/([^/]+)\/received$/, (m, _b, url) => edge.received(m[1] as string, Number(url.searchParams.get('after') ?? 0))],
    ['GET', /^\/users\/([^/]+)\/sessions$/, (m) => edge.sessionsOf(m[1] as string)],
    ['GET', /^\/users\/([^/]+)\/watchers$/, (m) => edge.watchersOf(m[1] as string)],
    ['POST', /^\/users\/([^/]+)\/im$/, (m, b) => {
      if (typeof b.to !== 'string') throw new LcsError('"to" (an AOR) is required');
      return edge.openIm(m[1] as string, b as unknown as OpenImRequest);
    }],
    ['POST', /^\/sessions\/([^/]+)\/message$/, (m, b) => {
      if (typeof b.text !== 'string') throw new LcsError('"text" is required');
      return edge.sendIm(m[1] as string, b as unknown as SendImRequest);
    }],
    ['POST', /^\/sessions\/([^/]+)\/typing$/, (m, b) => edge.typing(m[1] as string, b.state === 'idle' ? 'idle' : 'type')],
    ['POST', /^\/sessions\/([^/]+)\/bye$/, (m) => edge.bye(m[1] as string)],
    ['GET', /^\/stats$/, () => edge.stats()],
  ];

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://lcs');
    const send = (status: number, v: unknown) => {
      const text = JSON.stringify(v ?? null);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    try {
      const path = decodeURIComponent(url.pathname);
      for (const [method, re, h] of routes) {
        const m = re.exec(path);
        if (!m || method !== req.method) continue;
        const body = req.method === 'GET' ? {} : await readJson(req);
        send(200, await h(m, body, url));
        return;
      }
      send(404, { error: `no route ${req.method} ${path}` });
    } catch (err) {
      send(err instanceof LcsError ? err.status : 500, { error: (err as Error).message });
    }
  };

  let server: Server | undefined;
  return {
    listen(path: string) {
      rmSync(path, { force: true });
      server = createServer((req, res) => void handle(req, res));
      return new Promise((resolve, reject) => {
        server?.once('error', reject);
        server?.listen(path, () => resolve());
      });
    },
    close() {
      return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
  };
}
