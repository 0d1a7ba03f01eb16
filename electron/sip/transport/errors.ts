// Typed transport failures. All are TransportErrors, so the transaction layer maps any of them to a 503
// (RFC 3261 §8.1.3.1); the subclasses carry what the diagnostics UI needs.
import { TransportError } from './transport';
import type { TlsVerification } from './tls-verification';

/** The TLS handshake completed but the server certificate was refused; `verification` says which check failed. */
export class TlsVerificationError extends TransportError {
  constructor(readonly verification: TlsVerification, target: string) {
    super(`TLS connection to ${target} refused: ${verification.reason ?? 'certificate not accepted'}`, 'ETLSVERIFY');
  }
}

/** Error codes used by the stream transport besides the socket's own (ECONNREFUSED, ECONNRESET, …). */
export const TransportErrorCode = {
  /** The TLS certificate was refused (see TlsVerificationError). */
  tlsVerify: 'ETLSVERIFY',
  /** The TLS handshake itself failed (protocol version, suites, alert from the peer). */
  tlsHandshake: 'ETLSHANDSHAKE',
  /** No connection within the connect timeout. */
  connectTimeout: 'ECONNTIMEOUT',
  /** The named connection is gone and the target has no address to reconnect to. */
  connectionGone: 'ECONNGONE',
  /** The inbound stream could not be framed; the connection was closed. */
  framing: 'EFRAMING',
  /** A keep-alive ping got no pong in time (RFC 5626 §4.4.1); the flow is treated as failed. */
  keepAlive: 'EKEEPALIVE',
  /** The transport was closed. */
  closed: 'ECLOSED',
} as const;
