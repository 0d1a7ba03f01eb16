// The narrow upward interfaces of the transaction layer (architecture.md house rule 5; SIP.js
// src/core/transactions/transaction-user.ts): the layer reports responses, new requests, state changes,
// timeouts (→ 408) and transport errors (→ 503, RFC 3261 §8.1.3.1) and never calls the dialog or usage layers.
import type { SipRequest, SipResponse } from '../message/message';
import type { InboundData } from '../transport/transport';
import type { ServerTransaction } from './server-transaction';
import type { Transaction } from './transaction-base';

/** Where a response handed to a client TU came from. */
export type ResponseOrigin =
  /** Received from the network. */
  | 'network'
  /** Synthesized 408 after Timer B/F (RFC 3261 §8.1.3.1, §17.1.1.2, §17.1.2.2). */
  | 'timeout'
  /** Synthesized 503 after a transport failure (RFC 3261 §8.1.3.1, §17.1.4). */
  | 'transport-error';

/** Receives everything about one client transaction. */
export interface ClientTransactionUser {
  onResponse(response: SipResponse, origin: ResponseOrigin): void;
}

/** Why a server transaction ended without normal completion. */
export type ServerFailure = 'transport-error' | 'timeout';

/** The core above the transaction layer (the user agent). */
export interface TransactionUser {
  /**
   * A request that is not a retransmission. `tx` is the new server transaction, or undefined for an ACK that
   * matched no transaction (the ACK of a 2xx: RFC 3261 §17.2.3 / RFC 6026 §8.7, the TU's business) or an ACK that
   * matched an INVITE server transaction in the Accepted state (RFC 6026 §8.7: passed to the TU).
   */
  onRequest(request: SipRequest, tx: ServerTransaction | undefined, inbound: InboundData): void;
  /**
   * A response that matched no client transaction. Only 2xx to INVITE are passed up (RFC 6026 §7.2: the core
   * handles 2xx retransmissions after the transaction is gone); other stray responses are dropped.
   */
  onStrayResponse?(response: SipResponse, inbound: InboundData): void;
  /** A server transaction could not deliver its response, or Timer H fired without an ACK (RFC 3261 §17.2.1/§17.2.4). */
  onServerFailure?(tx: ServerTransaction, failure: ServerFailure): void;
  /** Every state transition (for tracing and tests). */
  onStateChange?(tx: Transaction, from: string, to: string): void;
}

/** Where diagnostics go (a malformed response is dropped and logged, issue item 10). */
export interface SipLogger {
  debug(message: string, detail?: Record<string, unknown>): void;
  warn(message: string, detail?: Record<string, unknown>): void;
}

export const silentLogger: SipLogger = { debug() {}, warn() {} };
