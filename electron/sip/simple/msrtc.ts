// LCS 2005 msrtc.pidf (`text/xml+msrtc.pidf`, [MS-SIP] §2.2.1; protocol.md §2.7 item 45, §2.9, §3.5):
//   <presentity uri="user@domain" xmlns="http://schemas.microsoft.com/2002/09/sip/presence">
//     <availability aggregate="300"/><activity aggregate="400" note="…"/><displayName displayName="…"/>
//     <userInfo><note>…</note><states><state avail="9500"/></states></userInfo> …
// Matched by local name: MS documents disagree on the namespace URI (…/2002/09/… vs …/09/2002/…).
import { PresenceDocumentError } from './errors';
import { normalizeEntity, type Availability, type PresenceParseOptions, type PresenceState } from './presence-model';
import type { XmlLimits } from './xml/limits';
import { parseXml, type XmlElement } from './xml/tree';

export interface MsrtcParseOptions extends PresenceParseOptions {
  readonly limits?: Partial<XmlLimits>;
}

function intAttr(el: XmlElement | undefined, name: string): number | undefined {
  const v = el?.attr(name);
  if (v === undefined || !/^\s*\d{1,6}\s*$/.test(v)) return undefined;
  return Number(v);
}

/** protocol.md §2.9 (from [MS-SIP] §2.2.1): the activity ranges. Availability < 100 means "cannot receive". */
export function availabilityFromMsrtc(avail: number | undefined, activity: number | undefined): Availability {
  if (avail === undefined && activity === undefined) return 'unknown';
  if (avail !== undefined && avail < 100) return 'offline';
  if (activity === undefined || activity < 100) {
    // Activity unknown: 100–199 is "maybe can receive" → away [I]; 200+ connected → available.
    if (avail === undefined) return 'unknown';
    return avail < 200 ? 'away' : 'available';
  }
  if (activity < 150) return 'away';
  if (activity < 200) return 'out-to-lunch';
  if (activity < 300) return 'idle';
  if (activity < 400) return 'be-right-back';
  if (activity < 500) return 'available';
  if (activity < 600) return 'in-a-call';
  if (activity < 700) return 'busy';
  if (activity < 800) return 'away';
  return 'available';
}

/**
 * userInfo/states/state@avail uses the OCS 2007 "legacy availability" scale (sipe-ocs2005.c / sipe-status):
 * 3000–4499 available, 4500–5999 idle, 6000–7499 busy, 7500–8999 busy-idle, 9000–11999 DND, 12000–14999 BRB,
 * 15000–17999 away, 18000+ offline. sipe lets the user state win when it is "more unavailable" than the aggregate;
 * so do we. LCS 2005 carries DND as state avail="9500" (protocol.md §2.9, [F:SIPE]).
 */
const LEGACY: readonly [number, Availability][] = [
  [18000, 'offline'], [15000, 'away'], [12000, 'be-right-back'], [9000, 'do-not-disturb'], [6000, 'busy'], [4500, 'idle'], [3000, 'available'],
];
const LEGACY_RANK: Readonly<Record<Availability, number>> = {
  unknown: 0, available: 3500, idle: 5000, 'in-a-call': 6500, busy: 6500, 'do-not-disturb': 9500, 'be-right-back': 12500,
  'out-to-lunch': 15500, away: 15500, offline: 18500,
};

function fromLegacy(v: number): Availability | undefined {
  for (const [floor, a] of LEGACY) if (v >= floor) return a;
  return undefined;
}

const ACTIVITY_NAMES: readonly [number, string][] = [
  [800, 'active'], [700, 'away'], [600, 'busy'], [500, 'on-the-phone'], [400, 'active'], [300, 'be-right-back'],
  [200, 'idle'], [150, 'out-to-lunch'], [100, 'away'], [0, 'unknown'],
];

export function parseMsrtc(body: string | Uint8Array, options: MsrtcParseOptions = {}): PresenceState {
  return mapMsrtc(parseXml(body, options.limits), options);
}

export function mapMsrtc(root: XmlElement, _options: PresenceParseOptions = {}): PresenceState {
  if (root.local !== 'presentity') {
    throw new PresenceDocumentError('msrtc', `root element is ${root.local}, expected presentity`);
  }
  const rawEntity = root.attr('uri') ?? '';
  const availabilityEl = root.childByLocal('availability');
  const activityEl = root.childByLocal('activity');
  const avail = intAttr(availabilityEl, 'aggregate');
  const act = intAttr(activityEl, 'aggregate');
  const displayEl = root.childByLocal('displayName');
  const displayName = (displayEl?.attr('displayName') ?? displayEl?.value)?.trim() || undefined;
  const userInfo = root.childByLocal('userInfo');
  const stateEl = userInfo?.childByLocal('states')?.childByLocal('state');
  const userState = stateEl && stateEl.attr('nil') !== 'true' ? intAttr(stateEl, 'avail') : undefined;
  const noteText = userInfo?.childByLocal('note')?.value || activityEl?.attr('note')?.trim() || undefined;

  let availability = availabilityFromMsrtc(avail, act);
  if (userState !== undefined && availability !== 'offline') {
    const fromUser = fromLegacy(userState);
    if (fromUser && LEGACY_RANK[fromUser] > LEGACY_RANK[availability]) availability = fromUser;
  }
  const activities: string[] = [];
  if (act !== undefined) {
    for (const [floor, name] of ACTIVITY_NAMES) {
      if (act >= floor) {
        activities.push(name);
        break;
      }
    }
  }
  return {
    entity: normalizeEntity(rawEntity),
    availability,
    basic: avail === undefined ? undefined : avail < 100 ? 'closed' : 'open',
    note: noteText,
    displayName,
    activities,
    moods: [],
    endpoints: [],
    devices: [],
    raw: {
      format: 'msrtc',
      rawEntity,
      ignoredNamespaces: [],
      msrtcAvailability: avail,
      msrtcActivity: act,
      msrtcUserState: userState,
    },
  };
}
