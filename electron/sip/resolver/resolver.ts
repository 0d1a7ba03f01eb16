// Finding the server for a SIP domain: sign-in discovery (protocol.md §2.2 item 11, sipe's order), RFC 3263
// (NAPTR → SRV → A/AAAA), the OCS-era A-record fallbacks, and `_sipfederationtls._tcp` for federation
// (item 9). Every target says which record produced it, for the diagnostics UI, and carries tlsServerName = the
// SIP domain, because the certificate must match the domain, not the SRV target (RFC 5922 §7.3).
import { isIP } from 'node:net';
import { DnsClient } from './dns-client';
import type { AddressRecord, DnsClientOptions } from './dns-client';
import { DnsLookupError, ResolutionError } from './errors';
import { orderSrv } from './srv-order';

export type SipTransportName = 'tls' | 'tcp';

/** How a target was found. */
export type TargetSourceKind = 'srv' | 'naptr' | 'a-fallback' | 'domain-a' | 'static';

export interface TargetSource {
  readonly kind: TargetSourceKind;
  /** The record that named the host, e.g. "_sipinternaltls._tcp.alpha.test SRV 0 10 5061 sip.alpha.test". */
  readonly record: string;
  /** The NAPTR record that led to the SRV name, when the RFC 3263 NAPTR path was taken. */
  readonly naptr?: string;
  /** The address record, e.g. "sip.alpha.test A 127.0.0.2 (ttl 60)". */
  readonly address: string;
}

export interface ResolvedTarget {
  readonly transport: SipTransportName;
  /** An IP address: connect here. */
  readonly host: string;
  readonly port: number;
  /** The SIP domain: SNI and the RFC 5922 certificate check use this. */
  readonly tlsServerName: string;
  /** The host name the address belongs to (the SRV target or fallback name). */
  readonly srvTargetName: string;
  readonly source: TargetSource;
}

/** One query made during a resolution, in order, for the diagnostics UI. */
export interface ResolutionStep {
  readonly query: string;
  readonly type: 'SRV' | 'NAPTR' | 'A' | 'AAAA';
  readonly outcome: 'found' | 'nxdomain' | 'nodata' | 'timeout' | 'refused' | 'servfail' | 'error';
  readonly detail: string;
  readonly fromCache: boolean;
}

export interface Resolution {
  readonly domain: string;
  /** In the order to try them (RFC 2782 priority/weight, then address order). */
  readonly targets: readonly ResolvedTarget[];
  readonly steps: readonly ResolutionStep[];
}

export interface ResolverOptions extends DnsClientOptions {
  /** Uniform in [0, 1) for RFC 2782 weighted selection; injectable for tests. */
  readonly random?: () => number;
  /** Transports we are willing to use (default both). Excluding 'tcp' skips every plain-TCP name. */
  readonly transports?: readonly SipTransportName[];
  /** Also look up AAAA records (default true). */
  readonly ipv6?: boolean;
}

/** protocol.md §2.2 item 11 (sipe's "auto" list): Microsoft client sign-in SRV names, in this order. */
export const SIGN_IN_SRV: readonly { readonly prefix: string; readonly transport: SipTransportName }[] = [
  { prefix: '_sipinternaltls._tcp', transport: 'tls' },
  { prefix: '_sipinternal._tcp', transport: 'tcp' },
  // The pre-RFC 3263 name Microsoft uses for TLS; RFC 3263 TLS is _sips._tcp.
  { prefix: '_sip._tls', transport: 'tls' },
  { prefix: '_sip._tcp', transport: 'tcp' },
];

/** protocol.md §2.2 item 11: OCS-era A-record fallbacks after all SRV lookups failed. */
export const SIGN_IN_A_FALLBACKS: readonly { readonly label: string; readonly port: number; readonly transport: SipTransportName }[] = [
  { label: 'sipinternal', port: 5061, transport: 'tls' },
  { label: 'sipexternal', port: 443, transport: 'tls' },
  { label: 'sip', port: 443, transport: 'tls' },
];

/** RFC 3263 §4.1: NAPTR services we understand, mapped to transports; SRV names per §4.2 when no NAPTR. */
const NAPTR_SERVICES: Record<string, SipTransportName> = { 'SIPS+D2T': 'tls', 'SIP+D2T': 'tcp' };
const RFC3263_SRV: readonly { readonly prefix: string; readonly transport: SipTransportName }[] = [
  { prefix: '_sips._tcp', transport: 'tls' },
  { prefix: '_sip._tcp', transport: 'tcp' },
];

interface SrvSource {
  readonly kind: 'srv' | 'naptr';
  readonly srvName: string;
  readonly transport: SipTransportName;
  readonly naptr?: string;
}

export class SipResolver {
  readonly dns: DnsClient;
  private readonly random: () => number;
  private readonly transports: ReadonlySet<SipTransportName>;

  constructor(private readonly opts: ResolverOptions = {}) {
    this.dns = new DnsClient(opts);
    this.random = opts.random ?? Math.random;
    this.transports = new Set(opts.transports ?? ['tls', 'tcp']);
  }

  /**
   * Client sign-in (protocol.md §2.2 item 11): the four Microsoft SRV names in order, then RFC 3263, then the
   * A-record fallbacks. The first step that yields reachable addresses wins.
   */
  async resolveSignIn(domain: string): Promise<Resolution> {
    const d = normalizeDomain(domain);
    const run = new Run(d);
    for (const s of SIGN_IN_SRV) {
      if (await this.trySrv(run, { kind: 'srv', srvName: `${s.prefix}.${d}`, transport: s.transport })) return run.result();
    }
    // RFC 3263 without the bare-domain A step: for sign-in, the domain's own A record is usually a web site.
    if (await this.tryRfc3263Srv(run)) return run.result();
    for (const f of SIGN_IN_A_FALLBACKS) {
      if (!this.transports.has(f.transport)) continue;
      const host = `${f.label}.${d}`;
      if (await this.tryHost(run, host, f.port, f.transport, { kind: 'a-fallback', record: `${host}:${f.port} (A-record fallback)` })) return run.result();
    }
    throw run.failure();
  }

  /** RFC 3263 §4: NAPTR, then SRV `_sips._tcp`/`_sip._tcp`, then the domain's own A/AAAA on the default port. */
  async resolveRfc3263(domain: string): Promise<Resolution> {
    const d = normalizeDomain(domain);
    if (isIP(d)) return literal(d);
    const run = new Run(d);
    if (await this.tryRfc3263Srv(run)) return run.result();
    // RFC 3263 §4.2: no SRV records → A/AAAA of the domain itself, port 5061 for TLS (RFC 3261 §19.1.2).
    const transport: SipTransportName = this.transports.has('tls') ? 'tls' : 'tcp';
    const port = transport === 'tls' ? 5061 : 5060;
    if (await this.tryHost(run, d, port, transport, { kind: 'domain-a', record: `${d}:${port} (RFC 3263 §4.2 default port)` })) return run.result();
    throw run.failure();
  }

  /**
   * Federation (protocol.md §2.2 item 9): `_sipfederationtls._tcp.<domain>` (LCS "enhanced federation"), then
   * RFC 3263 for non-Microsoft domains. Also what the federation diagnostics page shows.
   */
  async resolveFederation(domain: string): Promise<Resolution> {
    const d = normalizeDomain(domain);
    const run = new Run(d);
    if (await this.trySrv(run, { kind: 'srv', srvName: `_sipfederationtls._tcp.${d}`, transport: 'tls' })) return run.result();
    if (await this.tryRfc3263Srv(run)) return run.result();
    throw run.failure();
  }

  /** Static per-domain edge ("direct federation", protocol.md §2.2 item 9; BCP §4.1) or a configured server. */
  async resolveStatic(domain: string, host: string, port: number, transport: SipTransportName = 'tls'): Promise<Resolution> {
    const d = normalizeDomain(domain);
    const h = normalizeDomain(host);
    if (isIP(h)) return { domain: d, targets: [{ transport, host: h, port, tlsServerName: d, srvTargetName: h, source: { kind: 'static', record: `${h}:${port} (configured)`, address: h } }], steps: [] };
    const run = new Run(d);
    if (await this.tryHost(run, h, port, transport, { kind: 'static', record: `${h}:${port} (configured)` })) return run.result();
    throw run.failure();
  }

  // --- steps ------------------------------------------------------------------------------------------------

  /** RFC 3263 §4.1: NAPTR first; only if the domain has no usable NAPTR, the SRV names of §4.2. */
  private async tryRfc3263Srv(run: Run): Promise<boolean> {
    const d = run.domain;
    const naptrName = d;
    let naptrSources: SrvSource[] = [];
    try {
      const { value, fromCache } = await this.dns.naptr(naptrName);
      // RFC 3263 §4.1: order by NAPTR order then preference; keep "s" flag records of services we support.
      const usable = value
        .filter((n) => n.flags.toLowerCase() === 's' && NAPTR_SERVICES[n.service.toUpperCase()] !== undefined && n.replacement)
        .sort((a, b) => a.order - b.order || a.preference - b.preference);
      run.step({ query: naptrName, type: 'NAPTR', outcome: usable.length > 0 ? 'found' : 'nodata', detail: value.map(naptrText).join('; ') || 'no records', fromCache });
      naptrSources = usable
        .map((n) => ({ kind: 'naptr' as const, srvName: n.replacement, transport: NAPTR_SERVICES[n.service.toUpperCase()]!, naptr: `${naptrName} ${naptrText(n)}` }));
    } catch (err) {
      run.failed(err, naptrName, 'NAPTR');
    }
    if (naptrSources.length > 0) {
      for (const s of naptrSources) if (await this.trySrv(run, s)) return true;
      // RFC 3263 §4.1: NAPTR records were present, so the SRV fallback names are not consulted.
      return false;
    }
    for (const s of RFC3263_SRV) {
      if (await this.trySrv(run, { kind: 'srv', srvName: `${s.prefix}.${d}`, transport: s.transport })) return true;
    }
    return false;
  }

  private async trySrv(run: Run, s: SrvSource): Promise<boolean> {
    if (!this.transports.has(s.transport)) return false;
    let records;
    try {
      const { value, fromCache } = await this.dns.srv(s.srvName);
      run.step({ query: s.srvName, type: 'SRV', outcome: 'found', detail: value.map((r) => `${r.priority} ${r.weight} ${r.port} ${r.name}`).join('; '), fromCache });
      records = orderSrv(value, this.random);
    } catch (err) {
      run.failed(err, s.srvName, 'SRV');
      return false;
    }
    run.sawRecords = true;
    let any = false;
    for (const r of records) {
      const record = `${s.srvName} SRV ${r.priority} ${r.weight} ${r.port} ${r.name}`;
      const ok = await this.tryHost(run, r.name, r.port, s.transport, { kind: s.kind, record, ...(s.naptr !== undefined ? { naptr: s.naptr } : {}) });
      any = any || ok;
    }
    return any;
  }

  /** A then AAAA of one host; appends a target per address. */
  private async tryHost(run: Run, hostName: string, port: number, transport: SipTransportName, source: Omit<TargetSource, 'address'>): Promise<boolean> {
    const host = normalizeDomain(hostName);
    const addresses: AddressRecord[] = [];
    const lookups: Array<['A' | 'AAAA', () => Promise<{ value: AddressRecord[]; fromCache: boolean }>]> = [['A', () => this.dns.a(host)]];
    if (this.opts.ipv6 ?? true) lookups.push(['AAAA', () => this.dns.aaaa(host)]);
    for (const [type, lookup] of lookups) {
      try {
        const { value, fromCache } = await lookup();
        run.step({ query: host, type, outcome: 'found', detail: value.map((a) => a.address).join(', '), fromCache });
        addresses.push(...value);
      } catch (err) {
        run.failed(err, host, type);
      }
    }
    for (const a of addresses) {
      run.targets.push({
        transport,
        host: a.address,
        port,
        tlsServerName: run.domain,
        srvTargetName: host,
        source: { ...source, address: `${host} ${a.family === 4 ? 'A' : 'AAAA'} ${a.address} (ttl ${a.ttl})` },
      });
    }
    return addresses.length > 0;
  }
}

/** Collects the steps and targets of one resolution. */
class Run {
  readonly targets: ResolvedTarget[] = [];
  readonly steps: ResolutionStep[] = [];
  readonly failures: DnsLookupError[] = [];
  /** Some SRV record existed (so a later failure is "no addresses", not "not found"). */
  sawRecords = false;

  constructor(readonly domain: string) {}

  step(s: ResolutionStep): void {
    this.steps.push(s);
  }

  failed(err: unknown, query: string, type: ResolutionStep['type']): void {
    if (!(err instanceof DnsLookupError)) throw err;
    this.failures.push(err);
    this.steps.push({ query, type, outcome: err.failure, detail: err.message, fromCache: err.fromCache });
  }

  result(): Resolution {
    return { domain: this.domain, targets: this.targets, steps: this.steps };
  }

  failure(): ResolutionError {
    const serverFailures = this.failures.filter((f) => !f.isAnswer);
    // No answer at all (timeout) or a refusal means the DNS server is unreachable: the absence of records proves
    // nothing then. SERVFAIL on some names (a broken zone) is reported as a note on "not found" instead.
    const unreachable = serverFailures.find((f) => f.failure === 'timeout' || f.failure === 'refused');
    if (unreachable && !this.sawRecords) {
      return new ResolutionError(`cannot look up ${this.domain}: ${unreachable.message}`, 'dns-unreachable', this.domain, this.failures);
    }
    if (this.failures.length > 0 && serverFailures.length === this.failures.length) {
      return new ResolutionError(`cannot look up ${this.domain}: ${serverFailures[0]!.message}`, 'dns-unreachable', this.domain, this.failures);
    }
    if (this.sawRecords) {
      return new ResolutionError(`no address for any SIP server of ${this.domain} (SRV records point to names without A/AAAA records)`, 'no-addresses', this.domain, this.failures);
    }
    const tried = [...new Set(this.steps.map((s) => s.query))].join(', ');
    const extra = serverFailures.length > 0 ? `; some queries failed: ${serverFailures[0]!.message}` : '';
    return new ResolutionError(`no SIP server found for ${this.domain} (tried ${tried})${extra}`, 'not-found', this.domain, this.failures);
  }
}

function normalizeDomain(d: string): string {
  const lower = d.trim().toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

function naptrText(n: { order: number; preference: number; flags: string; service: string; regexp: string; replacement: string }): string {
  return `NAPTR ${n.order} ${n.preference} "${n.flags}" "${n.service}" "${n.regexp}" ${n.replacement}`;
}

/** RFC 3263 §4.2: a numeric host needs no DNS; TLS on the default port. */
function literal(ip: string): Resolution {
  return { domain: ip, targets: [{ transport: 'tls', host: ip, port: 5061, tlsServerName: ip, srvTargetName: ip, source: { kind: 'static', record: `${ip} (IP literal)`, address: ip } }], steps: [] };
}
