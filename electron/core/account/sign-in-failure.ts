// Turns what went wrong during sign-in into the plain words and the failure kind the UI shows
// (issue: "progress and errors in plain words (DNS, certificate with details, credentials)").
import type { AccountState } from '../../../shared/ipc/contract';
import { ResolutionError } from '../../sip/resolver/errors';
import { TlsVerificationError } from '../../sip/transport/errors';
import { TransportError } from '../../sip/transport/transport';

export type Failure = NonNullable<AccountState['failure']>;

export class SignInFailure extends Error {
  override readonly name = 'SignInFailure';
  constructor(
    message: string,
    readonly failure: Failure,
  ) {
    super(message);
  }
}

export function dnsFailure(domain: string, error: unknown): SignInFailure {
  if (error instanceof ResolutionError) {
    const why =
      error.code === 'dns-unreachable' ? 'the DNS server did not answer'
      : error.code === 'no-addresses' ? 'its SIP server names have no address'
      : 'no SIP server is published for it in DNS';
    return new SignInFailure(`Could not find the SIP server for ${domain}: ${why}.`, { kind: 'dns' });
  }
  return new SignInFailure(`Could not find the SIP server for ${domain}: ${String((error as Error)?.message ?? error)}.`, { kind: 'dns' });
}

export function connectFailure(server: string, domain: string, error: unknown): SignInFailure {
  if (error instanceof TlsVerificationError) {
    const v = error.verification;
    return new SignInFailure(`The server ${server} presented a certificate Parley does not trust for ${domain}: ${v.reason ?? 'not accepted'}.`, {
      kind: 'certificate',
      server,
      domain,
      certificateChain: v.peerChain.map((c) => ({ ...c, san: [...c.san] })),
    });
  }
  const code = error instanceof TransportError ? error.code : undefined;
  const why =
    code === 'ECONNREFUSED' ? 'the connection was refused (is the server running?)'
    : code === 'ECONNTIMEOUT' ? 'it did not answer in time'
    : code === 'ETLSHANDSHAKE' ? `the secure connection could not be set up (${(error as Error).message})`
    : (error as Error)?.message ?? String(error);
  return new SignInFailure(`Could not connect to ${server}: ${why}.`, { kind: 'network', server });
}
