// PIDF basic + RPID activities → UI availability (protocol.md §2.9, column "PIDF basic + activity").
// Several rows of that table are inferences [I]; the choices below are the liberal reading of each.
import type { Availability } from './presence-model';

export interface RpidSignals {
  /** Overall basic status: open if any tuple is open (RFC 3863 §4.1.4). Undefined when no tuple says. */
  readonly basic?: 'open' | 'closed';
  /** Whether the document has any tuple at all. */
  readonly hasTuples: boolean;
  /** RPID activity tokens (RFC 4480 §3.2), lower-case; `other` free texts are in `otherTexts`. */
  readonly activities: readonly string[];
  readonly otherTexts: readonly string[];
  /** RFC 4480 §3.11 user-input = idle. */
  readonly userInputIdle: boolean;
  /** The note that will be shown, for the BRB/DND conventions below. */
  readonly note?: string;
}

const IN_A_CALL = new Set(['on-the-phone']);
const BUSY = new Set(['busy', 'meeting', 'appointment', 'presentation', 'performance', 'in-a-meeting']);
const LUNCH = new Set(['meal', 'breakfast', 'dinner', 'lunch', 'out-to-lunch']);
const AWAY = new Set(['away', 'vacation', 'holiday', 'permanent-absence', 'sleeping', 'travel', 'in-transit', 'steering']);
const BRB = new Set(['be-right-back', 'berightback', 'brb']);
const DND = new Set(['do-not-disturb', 'dnd']);

/** Free text that names one of our states ("Be right back" in a note or rpid:other). */
function textSays(texts: readonly (string | undefined)[], re: RegExp): boolean {
  for (const t of texts) if (t !== undefined && re.test(t.trim())) return true;
  return false;
}
const RE_DND = /^(do[\s-]*not[\s-]*disturb|dnd)$/i;
const RE_BRB = /^(be[\s-]*right[\s-]*back|brb)$/i;
const RE_LUNCH = /^(out[\s-]*to[\s-]*lunch)$/i;

function any(tokens: readonly string[], set: ReadonlySet<string>): boolean {
  for (const t of tokens) if (set.has(t)) return true;
  return false;
}

/**
 * Most specific first: a call beats busy, busy beats away (busy is the stronger "do not interrupt").
 * DND and BRB have no RFC 4480 token: we accept the `rpid:other` text our builder writes, a draft-form token, or the
 * §2.9 convention of busy/away plus a note that says so.
 */
export function availabilityFromRpid(s: RpidSignals): Availability {
  if (s.basic === 'closed') return 'offline';
  const a = s.activities;
  const texts = [...s.otherTexts, s.note];
  if (s.basic === undefined && a.length === 0 && s.otherTexts.length === 0) {
    // No tuples at all is how presence servers (Kamailio's presence module, polite blocking) say "nothing published".
    return s.hasTuples ? 'unknown' : 'offline';
  }
  if (any(a, IN_A_CALL)) return 'in-a-call';
  if (any(a, DND) || textSays(s.otherTexts, RE_DND) || (any(a, BUSY) && textSays([s.note], RE_DND))) return 'do-not-disturb';
  if (any(a, BUSY)) return 'busy';
  if (any(a, BRB) || textSays(s.otherTexts, RE_BRB) || (any(a, AWAY) && textSays([s.note], RE_BRB))) return 'be-right-back';
  if (any(a, LUNCH) || textSays(texts, RE_LUNCH)) return 'out-to-lunch';
  if (any(a, AWAY)) return 'away';
  if (s.userInputIdle || a.includes('idle') || a.includes('inactive')) return 'idle';
  return 'available';
}
