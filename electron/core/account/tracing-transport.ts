// Records every message that crosses the transport into the SIP trace, without the SIP stack knowing
// about diagnostics: a decorator around the real Transport.
import type { Transport, TransportEvents, TransportTarget } from '../../sip/transport/transport';
import type { SipTrace } from '../diagnostics/sip-trace';

export class TracingTransport implements Transport {
  constructor(
    private readonly inner: Transport,
    private readonly trace: SipTrace,
    /** Also told when a connection closes (the account session watches its connection to the home server). */
    private readonly observer: { onClose?(connectionId: string): void } = {},
  ) {}

  async send(wire: Buffer | string, target: TransportTarget): Promise<string> {
    // Recorded when handed to the transport, not after the write completes: the answer can be back (and the
    // caller reading the log) before the write callback runs, and a send that fails is worth seeing too.
    this.trace.record('out', `${target.transport}:${target.host}:${target.port}`, wire);
    return this.inner.send(wire, target);
  }

  localEndpoint(connectionId: string): { host: string; port: number } | undefined {
    return this.inner.localEndpoint(connectionId);
  }

  setEvents(events: TransportEvents): void {
    this.inner.setEvents({
      ...events,
      onMessage: (data) => {
        this.trace.record('in', `${data.transport}:${data.remoteAddress}:${data.remotePort}`, data.bytes);
        events.onMessage(data);
      },
      onClose: (connectionId) => {
        events.onClose?.(connectionId);
        this.observer.onClose?.(connectionId);
      },
    });
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
