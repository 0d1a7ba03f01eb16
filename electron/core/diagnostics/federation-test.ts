// "Test federation with <domain>" (peers.md §(c) item 1): three labelled steps in plain words, each reporting
// what it learned even when it fails.
//   1. DNS: `_sipfederationtls._tcp.<domain>` then RFC 3263 (protocol.md §2.2 item 9), every query listed.
//   2. TLS: a read-only probe of the first edge found, with the certificate checks of protocol.md §2.1 (chain,
//      name per RFC 5922 §7, validity, EKU). It presents no client certificate, so a mutual-TLS edge may close
//      the connection after sending its certificate: that is reported, not treated as a failure of the checks.
//   3. OPTIONS: sent through our home server (RFC 3261 §11, and protocol.md §2.13 item 59: Microsoft's own
//      federation test is OPTIONS), so it follows the real federated path; the answer is explained with §2.12.
import type { FederationTestResult, FederationTestStep } from '../../../shared/ipc/contract';
import type { Resolution, ResolvedTarget, SipResolver } from '../../sip/resolver/resolver';
import { TlsVerificationError } from '../../sip/transport/errors';
import { StreamTransport } from '../../sip/transport/stream-transport';
import type { TlsSettings } from '../../sip/transport/tls-settings';
import type { TlsVerification } from '../../sip/transport/tls-verification';
import type { RequestSender } from '../../sip/usage/request-sender';

export interface FederationTestOptions {
  readonly domain: string;
  readonly resolver: SipResolver;
  /** Trust settings for the probe (extra CAs); a client certificate, if any, is ignored: the probe is read-only. */
  readonly tls?: TlsSettings;
  /** The signed-in account's request sender; without it the OPTIONS step is skipped with the reason. */
  readonly sender?: RequestSender;
  /** How long the probe waits after the handshake to see whether the edge drops a client without certificate. */
  readonly settleMs?: number;
  readonly connectTimeoutMs?: number;
}

const OUTCOME_WORDS: Record<string, string> = {
  nxdomain: 'no such name',
  nodata: 'no record of this type',
  timeout: 'the DNS server did not answer',
  refused: 'the DNS server refused the query',
  servfail: 'the DNS server failed (SERVFAIL)',
  error: 'lookup error',
};

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** `Beta.Test.` / `sip:x@beta.test` → `beta.test`; undefined when it is not a domain name. */
export function federationDomain(input: string): string | undefined {
  let d = input.trim().toLowerCase().replace(/^sips?:/, '');
  if (d.includes('@')) d = d.slice(d.lastIndexOf('@') + 1);
  d = d.replace(/\.$/, '').replace(/[;>].*$/, '');
  return DOMAIN.test(d) ? d : undefined;
}

export async function testFederation(options: FederationTestOptions): Promise<FederationTestResult> {
  const domain = federationDomain(options.domain);
  if (!domain) {
    return { domain: options.domain, steps: [{ kind: 'dns', title: 'Find their server', outcome: 'fail', summary: `"${options.domain}" is not a domain name.`, details: [] }] };
  }
  const steps: FederationTestStep[] = [];
  const { step: dns, resolution } = await dnsStep(options.resolver, domain);
  steps.push(dns);
  const target = resolution?.targets.find((t) => t.transport === 'tls');
  steps.push(target ? await tlsStep(domain, target, options) : { kind: 'tls', title: 'Check their certificate', outcome: 'skipped', summary: 'Skipped: DNS found no TLS server to check.', details: [] });
  steps.push(await optionsStep(domain, options.sender));
  return { domain, steps };
}

async function dnsStep(resolver: SipResolver, domain: string): Promise<{ step: FederationTestStep; resolution?: Resolution }> {
  const title = 'Find their server (DNS)';
  try {
    const resolution = await resolver.resolveFederation(domain);
    const details = resolution.steps.map((s) => `${s.type} ${s.query}: ${s.outcome === 'found' ? `found ${s.detail}` : OUTCOME_WORDS[s.outcome]}${s.fromCache ? ' (cached)' : ''}`);
    details.push(...resolution.targets.map((t) => `→ ${t.transport.toUpperCase()} ${t.srvTargetName} ${t.host}:${t.port} (from ${t.source.record})`));
    const first = resolution.targets[0];
    const viaFed = first?.source.record.startsWith('_sipfederationtls._tcp.');
    const summary = first
      ? `${domain} publishes ${viaFed ? 'a federation edge (_sipfederationtls._tcp)' : 'a SIP server (RFC 3263)'}: ${first.srvTargetName} at ${first.host}:${first.port}.`
      : `${domain} has no SIP server in DNS.`;
    const outcome = !first ? 'fail' : viaFed ? 'pass' : 'warn';
    return { step: { kind: 'dns', title, outcome, summary: outcome === 'warn' ? `${summary} It has no _sipfederationtls._tcp record, which LCS partners look for.` : summary, details }, resolution };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const failures = (error as { failures?: readonly { message: string }[] }).failures ?? [];
    return { step: { kind: 'dns', title, outcome: 'fail', summary: `Their server could not be found: ${message}.`, details: failures.map((f) => f.message) } };
  }
}

function verificationDetails(v: TlsVerification): string[] {
  const out = v.checks.map((c) => `${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}`);
  const leaf = v.peerChain[0];
  if (leaf) out.push(`Issued to ${leaf.subject}; by ${leaf.issuer}; names ${leaf.san.join(', ') || '(none)'}; SHA-256 ${leaf.fingerprint256}`);
  if (v.protocol) out.push(`Protocol ${v.protocol}${v.cipher ? `, cipher ${v.cipher}` : ''}`);
  return out;
}

async function tlsStep(domain: string, target: ResolvedTarget, options: FederationTestOptions): Promise<FederationTestStep> {
  const title = 'Check their certificate (TLS)';
  const where = `${target.srvTargetName} (${target.host}:${target.port})`;
  // Read-only: no client certificate, no pins (the probe reports the certificate as it is).
  const tls: TlsSettings = { ...(options.tls?.extraCaCertificates ? { extraCaCertificates: options.tls.extraCaCertificates } : {}), ...(options.tls?.useSystemCa !== undefined ? { useSystemCa: options.tls.useSystemCa } : {}) };
  const transport = new StreamTransport({ tls, keepAliveIntervalMs: 0, connectTimeoutMs: options.connectTimeoutMs ?? 8000 });
  let closedEarly = false;
  transport.setEvents({ onMessage: () => {}, onClose: () => (closedEarly = true) });
  try {
    const id = await transport.connect({ transport: 'tls', host: target.host, port: target.port, tlsServerName: domain, srvTargetName: target.srvTargetName });
    const verification = transport.connectionInfo(id)?.verification;
    await new Promise((r) => setTimeout(r, options.settleMs ?? 400));
    const details = verification ? verificationDetails(verification) : [];
    details.push(
      closedEarly
        ? 'The edge closed the connection after the handshake: it wants a client certificate (mutual TLS, protocol.md §2.1 item 2). This probe presents none, so that is expected.'
        : 'The edge kept the connection open without a client certificate.',
    );
    return { kind: 'tls', title, outcome: 'pass', summary: `${where} presented a valid certificate for ${domain}.`, details };
  } catch (error) {
    if (error instanceof TlsVerificationError) {
      return { kind: 'tls', title, outcome: 'fail', summary: `${where} presented a certificate Parley does not accept: ${error.verification.reason ?? 'not trusted'}.`, details: verificationDetails(error.verification) };
    }
    const message = error instanceof Error ? error.message : String(error);
    return { kind: 'tls', title, outcome: 'fail', summary: `No TLS connection to ${where}: ${message}.`, details: ['A mutual-TLS edge may refuse a client without a certificate during the handshake; then only what is above was learned.'] };
  } finally {
    await transport.close();
  }
}

/** protocol.md §2.12, in plain words for the federation test. */
export function explainOptionsAnswer(domain: string, status: number, reason: string): { outcome: FederationTestStep['outcome']; summary: string } {
  if (status >= 200 && status < 300) return { outcome: 'pass', summary: `${domain} answered ${status} ${reason}: the request went out through our server and came back answered.` };
  if (status === 403) return { outcome: 'fail', summary: `${status} ${reason}: ${domain} is not federated with us, or a policy refused the request.` };
  if (status === 404 || status === 604) return { outcome: 'warn', summary: `${status} ${reason}: the request reached ${domain}, which has no such address (the path works).` };
  if (status === 405 || status === 501 || status === 489 || status === 420) return { outcome: 'warn', summary: `${status} ${reason}: the request reached a server that does not support OPTIONS here (the path works).` };
  if (status === 408 || status === 504 || status === 480) return { outcome: 'fail', summary: `${status} ${reason}: ${domain}'s server is unreachable from our server (timeout).` };
  if (status === 502 || status === 503) return { outcome: 'fail', summary: `${status} ${reason}: our server could not reach ${domain} (connection or certificate refused between the servers).` };
  if (status === 401 || status === 407) return { outcome: 'fail', summary: `${status} ${reason}: our own server did not accept our credentials for this request.` };
  return { outcome: status < 400 ? 'warn' : 'fail', summary: `${domain} answered ${status} ${reason}.` };
}

async function optionsStep(domain: string, sender: RequestSender | undefined): Promise<FederationTestStep> {
  const title = 'Send OPTIONS through our server';
  if (!sender) return { kind: 'options', title, outcome: 'skipped', summary: 'Skipped: sign in first; the OPTIONS request goes through your own server.', details: [] };
  try {
    const started = Date.now();
    const send = () => sender.send({ method: 'OPTIONS', uri: `sip:${domain}`, to: `<sip:${domain}>`, headers: [['Accept', 'application/pidf+xml, text/plain']] });
    let outcome = await send();
    // The request never left (our connection to the home server had just closed): once more, on a new
    // connection, so the test reports on federation rather than on a connection that is being replaced.
    if (outcome.origin === 'transport-error') outcome = await send();
    const { status, reason } = outcome.response;
    const explained = explainOptionsAnswer(domain, status, reason);
    const details = [`OPTIONS sip:${domain} → ${status} ${reason} in ${Date.now() - started} ms`, `Call-ID ${outcome.request.callId}`];
    const server = outcome.response.header('Server') ?? outcome.response.header('User-Agent');
    if (server) details.push(`Answered by: ${server}`);
    const allow = outcome.response.header('Allow');
    if (allow) details.push(`Allows: ${allow}`);
    return { kind: 'options', title, outcome: explained.outcome, summary: explained.summary, details };
  } catch (error) {
    return { kind: 'options', title, outcome: 'fail', summary: `OPTIONS could not be sent: ${error instanceof Error ? error.message : String(error)}.`, details: [] };
  }
}
