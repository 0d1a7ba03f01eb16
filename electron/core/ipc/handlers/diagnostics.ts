// Diagnostics commands: the SIP log (redacted at capture) and "Test federation with <domain>".
import { SipResolver } from '../../../sip/resolver/resolver';
import type { AccountService, SipSettings } from '../../account/account-service';
import { testFederation } from '../../diagnostics/federation-test';
import type { SipTrace } from '../../diagnostics/sip-trace';
import type { CommandHandlers } from '../dispatcher';

export interface DiagnosticsHandlerDeps {
  readonly trace: SipTrace;
  readonly accounts: AccountService;
  readonly sip?: SipSettings;
}

export function diagnosticsHandlers(deps: DiagnosticsHandlerDeps): Pick<CommandHandlers, 'diagnostics.sipLog' | 'diagnostics.testFederation'> {
  const dns = deps.sip?.dnsServers;
  // Its own resolver (same DNS servers as sign-in): the test must show fresh lookups, not sign-in's cache.
  const resolver = () => new SipResolver(dns && dns.length ? { servers: [...dns] } : {});
  return {
    'diagnostics.sipLog': async ({ afterSeq }) => deps.trace.since(afterSeq ?? 0),
    'diagnostics.testFederation': async ({ domain, accountId }) => {
      const session = accountId ? deps.accounts.session(accountId) : undefined;
      const sender = session?.state.state === 'registered' ? session.userAgent?.sender : undefined;
      return testFederation({
        domain,
        resolver: resolver(),
        tls: deps.sip?.extraCaCertificates ? { extraCaCertificates: [...deps.sip.extraCaCertificates] } : {},
        ...(sender ? { sender } : {}),
      });
    },
  };
}
