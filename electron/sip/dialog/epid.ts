// The endpoint id Microsoft endpoints put in From (and, in dialogs, To): `;epid=<hex, ≤16 chars>` (protocol.md §2.3
// item 15, MS-SIP §3.1.5.1). One stable value per installation: the account service generates it once and
// persists it; this module only makes and checks values.
import { randomBytes } from 'node:crypto';

/** A fresh epid: 16 lower-case hex digits. */
export function newEpid(): string {
  return randomBytes(8).toString('hex');
}

/** MS-SIP §3.1.5.1 / protocol.md item 15: hex, at most 16 characters. */
export function isValidEpid(value: string): boolean {
  return /^[0-9a-fA-F]{1,16}$/.test(value);
}
