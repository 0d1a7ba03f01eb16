// Typed DNS and resolution failures, worded for the diagnostics UI.

/** Why one DNS query failed. */
export type DnsFailure = 'nxdomain' | 'nodata' | 'timeout' | 'refused' | 'servfail' | 'error';

/** One query failed (mapped from node:dns codes). */
export class DnsLookupError extends Error {
  override readonly name = 'DnsLookupError';
  constructor(
    readonly failure: DnsFailure,
    readonly query: string,
    readonly recordType: string,
    readonly servers: readonly string[],
    options?: { cause?: unknown; fromCache?: boolean },
  ) {
    super(DnsLookupError.describe(failure, query, recordType, servers), options);
    this.fromCache = options?.fromCache ?? false;
  }

  /** True when this negative answer was remembered (negative caching) rather than just received. */
  readonly fromCache: boolean;

  /** NXDOMAIN and NODATA are answers ("there is no such record"); the others mean the DNS itself failed. */
  get isAnswer(): boolean {
    return this.failure === 'nxdomain' || this.failure === 'nodata';
  }

  static describe(failure: DnsFailure, query: string, type: string, servers: readonly string[]): string {
    const where = servers.length > 0 ? `DNS server ${servers.join(', ')}` : 'the system DNS server';
    switch (failure) {
      case 'nxdomain':
        return `${query} does not exist (NXDOMAIN)`;
      case 'nodata':
        return `${query} has no ${type} record`;
      case 'timeout':
        return `${where} did not answer the ${type} query for ${query} (timeout)`;
      case 'refused':
        return `${where} refused the ${type} query for ${query}`;
      case 'servfail':
        return `${where} failed to answer the ${type} query for ${query} (SERVFAIL)`;
      default:
        return `${type} lookup of ${query} failed`;
    }
  }
}

/**
 * No target could be found for a domain. `code` says why in one word:
 * - 'dns-unreachable': every query failed because the DNS server did not answer or refused;
 * - 'not-found': the DNS answered, but none of the names exist or have records;
 * - 'no-addresses': SRV/NAPTR records exist but none of their targets has an A/AAAA record.
 */
export class ResolutionError extends Error {
  override readonly name = 'ResolutionError';
  constructor(
    message: string,
    readonly code: 'dns-unreachable' | 'not-found' | 'no-addresses',
    readonly domain: string,
    readonly failures: readonly DnsLookupError[],
  ) {
    super(message);
  }
}
