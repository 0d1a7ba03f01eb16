// node:dns queries against a configurable server, with a TTL cache (protocol.md §2.2 item 12: cache DNS).
// node's resolveSrv/resolveNaptr report no TTL, so those use a configurable default; A/AAAA use the record TTL
// (resolve4/resolve6 with {ttl:true}). Negative answers (NXDOMAIN/NODATA) are cached briefly too (RFC 2308 idea);
// server failures (timeouts, SERVFAIL) are never cached, so the next attempt asks again.
import { Resolver } from 'node:dns/promises';
import type { NaptrRecord, SrvRecord } from 'node:dns';
import { DnsLookupError } from './errors';
import type { DnsFailure } from './errors';

export interface DnsClientOptions {
  /** DNS servers as "host" or "host:port" (e.g. the testbed's "127.0.0.10:53"); default: the system's. */
  readonly servers?: readonly string[];
  /** Per-try timeout (default 2000 ms). */
  readonly timeoutMs?: number;
  /** Tries per server (default 2). */
  readonly tries?: number;
  /** TTL for SRV and NAPTR answers, whose real TTL node does not expose (default 300 s). */
  readonly defaultTtlSeconds?: number;
  /** How long NXDOMAIN/NODATA is remembered (default 30 s). */
  readonly negativeTtlSeconds?: number;
  /** Upper bound on any cached TTL (default 1 h). */
  readonly maxTtlSeconds?: number;
  readonly now?: () => number;
}

export interface AddressRecord {
  readonly address: string;
  readonly family: 4 | 6;
  readonly ttl: number;
}

export interface Lookup<T> {
  readonly value: T;
  /** True when this answer came from the cache rather than the server. */
  readonly fromCache: boolean;
}

type Entry = { readonly expiresAt: number; readonly value?: unknown; readonly error?: DnsLookupError };

const FAILURES: Record<string, DnsFailure> = {
  ENOTFOUND: 'nxdomain',
  ENODATA: 'nodata',
  ETIMEOUT: 'timeout',
  ECONNREFUSED: 'refused',
  EREFUSED: 'refused',
  ESERVFAIL: 'servfail',
};

export class DnsClient {
  private readonly resolver: Resolver;
  private readonly cache = new Map<string, Entry>();
  private readonly now: () => number;
  readonly servers: readonly string[];
  /** Queries actually sent (cache misses), for diagnostics and tests. */
  queriesSent = 0;

  constructor(private readonly opts: DnsClientOptions = {}) {
    this.resolver = new Resolver({ timeout: opts.timeoutMs ?? 2000, tries: opts.tries ?? 2 });
    if (opts.servers && opts.servers.length > 0) this.resolver.setServers([...opts.servers]);
    this.servers = opts.servers ?? [];
    this.now = opts.now ?? Date.now;
  }

  srv(name: string): Promise<Lookup<SrvRecord[]>> {
    return this.cached('SRV', name, async () => {
      const records = await this.resolver.resolveSrv(name);
      // RFC 2782: a single record with target "." means "the service is decidedly not available here".
      const usable = records.filter((r) => r.name !== '' && r.name !== '.');
      if (usable.length === 0) throw Object.assign(new Error('no usable SRV target'), { code: 'ENODATA' });
      return { value: usable, ttl: this.opts.defaultTtlSeconds ?? 300 };
    });
  }

  naptr(name: string): Promise<Lookup<NaptrRecord[]>> {
    return this.cached('NAPTR', name, async () => ({ value: await this.resolver.resolveNaptr(name), ttl: this.opts.defaultTtlSeconds ?? 300 }));
  }

  a(name: string): Promise<Lookup<AddressRecord[]>> {
    return this.cached('A', name, async () => {
      const records = await this.resolver.resolve4(name, { ttl: true });
      return { value: records.map((r) => ({ address: r.address, family: 4 as const, ttl: r.ttl })), ttl: Math.min(...records.map((r) => r.ttl)) };
    });
  }

  aaaa(name: string): Promise<Lookup<AddressRecord[]>> {
    return this.cached('AAAA', name, async () => {
      const records = await this.resolver.resolve6(name, { ttl: true });
      return { value: records.map((r) => ({ address: r.address, family: 6 as const, ttl: r.ttl })), ttl: Math.min(...records.map((r) => r.ttl)) };
    });
  }

  /** Forget everything (e.g. after the network changed). */
  clear(): void {
    this.cache.clear();
  }

  private async cached<T>(type: string, name: string, query: () => Promise<{ value: T; ttl: number }>): Promise<Lookup<T>> {
    const key = `${type} ${name.toLowerCase()}`;
    const hit = this.cache.get(key);
    const now = this.now();
    if (hit && hit.expiresAt > now) {
      if (hit.error) throw new DnsLookupError(hit.error.failure, name, type, this.servers, { cause: hit.error, fromCache: true });
      return { value: hit.value as T, fromCache: true };
    }
    this.cache.delete(key);
    this.queriesSent++;
    const maxTtl = this.opts.maxTtlSeconds ?? 3600;
    try {
      const { value, ttl } = await query();
      const seconds = Math.max(0, Math.min(ttl, maxTtl));
      if (seconds > 0) this.cache.set(key, { expiresAt: now + seconds * 1000, value });
      return { value, fromCache: false };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      const error = new DnsLookupError(FAILURES[code] ?? 'error', name, type, this.servers, { cause: err });
      if (error.isAnswer) {
        const seconds = Math.min(this.opts.negativeTtlSeconds ?? 30, maxTtl);
        if (seconds > 0) this.cache.set(key, { expiresAt: now + seconds * 1000, error });
      }
      throw error;
    }
  }
}
