// RFC 3261 §17 timer values (Table 4 in §A), as updated by RFC 6026 (timers L and M). T1/T2/T4 are
// configurable; on a reliable transport (TCP/TLS) timers A, E and G are not used and D, I, J, K are zero (§17).

export interface TimerSettings {
  /** RTT estimate, default 500 ms (§17.1.1.1). */
  readonly T1: number;
  /** Maximum retransmit interval for non-INVITE requests and INVITE responses, default 4 s (§17.1.2.2). */
  readonly T2: number;
  /** Maximum time a message remains in the network, default 5 s (§17.1.2.2). */
  readonly T4: number;
}

export const DEFAULT_TIMER_SETTINGS: TimerSettings = { T1: 500, T2: 4000, T4: 5000 };

export interface TimerValues {
  /** INVITE request retransmit, initial (unreliable only, §17.1.1.2). */
  readonly A: number | undefined;
  /** INVITE transaction timeout, 64*T1 (§17.1.1.2). */
  readonly B: number;
  /** Wait time for response retransmits, ≥32 s unreliable, 0 reliable (§17.1.1.2). */
  readonly D: number;
  /** Non-INVITE request retransmit, initial (unreliable only, §17.1.2.2). */
  readonly E: number | undefined;
  /** Non-INVITE transaction timeout, 64*T1 (§17.1.2.2). */
  readonly F: number;
  /** INVITE final-response retransmit, initial (unreliable only, §17.2.1). */
  readonly G: number | undefined;
  /** Wait time for ACK receipt, 64*T1 (§17.2.1). */
  readonly H: number;
  /** Wait time for ACK retransmits, T4 unreliable, 0 reliable (§17.2.1). */
  readonly I: number;
  /** Wait time for non-INVITE request retransmits, 64*T1 unreliable, 0 reliable (§17.2.2). */
  readonly J: number;
  /** Wait time for response retransmits, T4 unreliable, 0 reliable (§17.1.2.2). */
  readonly K: number;
  /** Wait time for accepted INVITE request retransmits, 64*T1 (RFC 6026 §8.7). */
  readonly L: number;
  /** Wait time for retransmissions of 2xx responses, 64*T1 (RFC 6026 §8.4). */
  readonly M: number;
  /** §17.2.1: the server transaction sends 100 Trying if the TU has not answered within 200 ms. */
  readonly trying: number;
}

export function timerValues(settings: TimerSettings, reliable: boolean): TimerValues {
  const { T1, T4 } = settings;
  return {
    A: reliable ? undefined : T1,
    B: 64 * T1,
    D: reliable ? 0 : Math.max(32_000, 64 * T1),
    E: reliable ? undefined : T1,
    F: 64 * T1,
    G: reliable ? undefined : T1,
    H: 64 * T1,
    I: reliable ? 0 : T4,
    J: reliable ? 0 : 64 * T1,
    K: reliable ? 0 : T4,
    L: 64 * T1,
    M: 64 * T1,
    trying: 200,
  };
}
