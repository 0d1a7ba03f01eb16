// PIDF (RFC 3863) with the data model (RFC 4479), RPID (RFC 4480, and the draft `rpid-status` form LCS-era servers
// used, protocol.md §2.7 item 45 / §3.2) and CIPID (RFC 4482) → PresenceState.
// Unknown elements are ignored (RFC 3863 §4.1.6 "MUST ignore"; BCP §5.2) and recorded for diagnostics.
import { PresenceDocumentError } from './errors';
import { KNOWN_PIDF_NAMESPACES, NS_CIPID, NS_DM, NS_PIDF, RPID_NAMESPACES, NS_RPID_DRAFT, NS_RPID_DRAFT_OLD } from './namespaces';
import {
  normalizeEntity, pickNote,
  type PresenceDevice, type PresenceEndpoint, type PresenceNote, type PresenceParseOptions, type PresenceState,
} from './presence-model';
import { availabilityFromRpid } from './rpid-availability';
import type { XmlLimits } from './xml/limits';
import { XML_NS } from './xml/pull-parser';
import { parseXml, type XmlElement } from './xml/tree';

// Module-local copies: under tsx every imported binding is read through a getter (measurable on this hot path).
const PIDF = NS_PIDF;
const DM = NS_DM;
const CIPID = NS_CIPID;
const XMLNS_XML = XML_NS;
const RPID_NSS = RPID_NAMESPACES;
const KNOWN_NSS = KNOWN_PIDF_NAMESPACES;

/** The pre-RFC 3863 CPIM-PIDF namespace some old servers still send; read as an alias of PIDF. */
const NS_CPIM_PIDF = 'urn:ietf:params:xml:ns:cpim-pidf';

export interface PidfParseOptions extends PresenceParseOptions {
  readonly limits?: Partial<XmlLimits>;
}

/** What RPID/CIPID elements one container (tuple, status, person, presence) carried. */
class Extras {
  activities: string[] = [];
  otherTexts: string[] = [];
  moods: string[] = [];
  userInputIdle = false;
  draftForm = false;
  rfcForm = false;
  displayName?: string;
  card?: string;
  homepage?: string;
  icon?: string;
}

function note(el: XmlElement): PresenceNote | undefined {
  const text = el.value;
  if (text === '') return undefined;
  const lang = el.attr('lang', XMLNS_XML);
  return lang ? { text, lang } : { text };
}

function pushUnique(list: string[], v: string): void {
  if (v !== '' && !list.includes(v)) list.push(v);
}

/** RFC 4480 §3.2 activities: empty token elements; draft form: <activity>token</activity>; <other>free text</other>. */
function readActivities(el: XmlElement, x: Extras): void {
  if (el.ns === NS_RPID_DRAFT || el.ns === NS_RPID_DRAFT_OLD) x.draftForm = true;
  else x.rfcForm = true;
  if (el.children.length === 0) {
    // Liberal: <activities>busy</activities>.
    pushUnique(x.activities, el.value.toLowerCase());
    return;
  }
  for (const c of el.children) {
    if (c.local === 'activity') {
      x.draftForm = true;
      pushUnique(x.activities, c.value.toLowerCase());
    } else if (c.local === 'other') {
      const t = c.value;
      if (t !== '') x.otherTexts.push(t);
    } else if (c.local !== 'note' && c.local !== 'description') {
      pushUnique(x.activities, c.local.toLowerCase());
    }
  }
}

/** RPID and CIPID elements that can appear in a person, a tuple, a tuple's status or (BCP §3.2) the document. */
function readExtra(el: XmlElement, x: Extras): boolean {
  if (RPID_NSS.has(el.ns)) {
    switch (el.local) {
      case 'activities':
        readActivities(el, x);
        break;
      case 'mood': // RFC 4480 §3.5
        for (const c of el.children) if (c.local !== 'note' && c.local !== 'other') pushUnique(x.moods, c.local.toLowerCase());
        break;
      case 'user-input': // RFC 4480 §3.11
        if (el.value.toLowerCase() === 'idle') x.userInputIdle = true;
        break;
      default:
        break; // class, place-type, privacy, sphere, time-offset …: not shown.
    }
    return true;
  }
  if (el.ns === CIPID) {
    // RFC 4482 §3.1–§3.4.
    const v = el.value;
    if (v !== '') {
      if (el.local === 'display-name') x.displayName ??= v;
      else if (el.local === 'card') x.card ??= v;
      else if (el.local === 'homepage') x.homepage ??= v;
      else if (el.local === 'icon') x.icon ??= v;
    }
    return true;
  }
  return false;
}

interface TupleInfo {
  endpoint: PresenceEndpoint;
  extras: Extras;
  order: number;
}

function parsePriority(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  // RFC 3863 §4.1.5 qvalue: 0 to 1, up to three decimals.
  const n = Number(v.trim());
  return Number.isFinite(n) && n >= 0 && n <= 1 ? n : undefined;
}

function timeOf(ts: string | undefined): number {
  if (ts === undefined) return -Infinity;
  const t = Date.parse(ts);
  return Number.isNaN(t) ? -Infinity : t;
}

/**
 * Whether RFC 3339 timestamp a is later than b. Same-shape UTC stamps ("…Z", equal length) order as strings, which
 * avoids Date.parse on the common path; anything else is parsed.
 */
function isLater(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined) return false;
  if (b === undefined) return true;
  if (a.length === b.length && a.charCodeAt(a.length - 1) === 90 && b.charCodeAt(b.length - 1) === 90 && a.charCodeAt(10) === 84 && b.charCodeAt(10) === 84) {
    return a > b;
  }
  return timeOf(a) > timeOf(b);
}

/** Parses an application/pidf+xml body. Throws `XmlParseError` or `PresenceDocumentError`. */
export function parsePidf(body: string | Uint8Array, options: PidfParseOptions = {}): PresenceState {
  return mapPidf(parseXml(body, options.limits), options);
}

/** Maps an already parsed PIDF root element. */
export function mapPidf(root: XmlElement, options: PresenceParseOptions = {}): PresenceState {
  const P = root.ns;
  if (root.local !== 'presence' || (P !== PIDF && P !== NS_CPIM_PIDF)) {
    throw new PresenceDocumentError('pidf', `root element is {${root.ns}}${root.local}, expected {${NS_PIDF}}presence`);
  }
  const ignored: string[] = [];
  // RFC 3863 §4.1.1: entity is required; be liberal and keep going without it.
  const rawEntity = root.attr('entity') ?? '';
  const tuples: TupleInfo[] = [];
  const docNotes: PresenceNote[] = [];
  const docExtras = new Extras();
  const person = new Extras();
  const personNotes: PresenceNote[] = [];
  let personTimestamp: string | undefined;
  let hasPerson = false;
  const devices: PresenceDevice[] = [];

  for (const el of root.children) {
    if (el.ns === P) {
      if (el.local === 'tuple') tuples.push(readTuple(el, P, tuples.length, ignored));
      else if (el.local === 'note') {
        const n = note(el);
        if (n) docNotes.push(n);
      }
    } else if (el.ns === DM) {
      if (el.local === 'person') {
        // RFC 4479 §3.2 person. One is normal; merge if a server sends several.
        hasPerson = true;
        for (const c of el.children) {
          if (c.ns === DM) {
            if (c.local === 'note') {
              const n = note(c);
              if (n) personNotes.push(n);
            } else if (c.local === 'timestamp') personTimestamp ??= c.value || undefined;
          } else if (!readExtra(c, person)) ignore(c, P, ignored);
        }
      } else if (el.local === 'device') {
        devices.push(readDevice(el));
      }
    } else if (!readExtra(el, docExtras)) {
      ignore(el, P, ignored);
    }
  }

  // Choose the tuple that decides basic status and the contact: open first (RFC 3863 §4.1.4 "open beats closed"
  // for reachability), then the highest contact priority (§4.1.5), then the newest timestamp (§4.1.7), then order.
  let best: TupleInfo | undefined;
  let basic: 'open' | 'closed' | undefined;
  for (const t of tuples) {
    const b = t.endpoint.basic;
    if (b === 'open') basic = 'open';
    else if (b === 'closed' && basic === undefined) basic = 'closed';
    if (!best || compareTuples(t, best) < 0) best = t;
  }

  const activities: string[] = [];
  const otherTexts: string[] = [];
  const moods: string[] = [];
  let userInputIdle = false;
  let draft = false;
  let rfc = false;
  // Person first (RFC 4479 puts activities there), then the chosen tuple (old direct-in-tuple / draft in-status form),
  // then anything at document level.
  const sources: Extras[] = [person];
  if (best) sources.push(best.extras);
  for (const t of tuples) if (t !== best && t.endpoint.basic !== 'closed') sources.push(t.extras);
  sources.push(docExtras);
  for (const x of sources) {
    for (const a of x.activities) pushUnique(activities, a);
    for (const o of x.otherTexts) pushUnique(otherTexts, o);
    for (const m of x.moods) pushUnique(moods, m);
    userInputIdle ||= x.userInputIdle;
    draft ||= x.draftForm;
    rfc ||= x.rfcForm;
  }

  const shown =
    pickNote(personNotes, options.preferredLang) ??
    (best ? pickNote(best.endpoint.notes, options.preferredLang) : undefined) ??
    pickNote(docNotes, options.preferredLang);

  const displayName = person.displayName ?? best?.extras.displayName ?? docExtras.displayName ?? firstOf(tuples, 'displayName');
  const card = person.card ?? best?.extras.card ?? docExtras.card ?? firstOf(tuples, 'card');
  const homepage = person.homepage ?? best?.extras.homepage ?? docExtras.homepage ?? firstOf(tuples, 'homepage');
  const icon = person.icon ?? best?.extras.icon ?? docExtras.icon ?? firstOf(tuples, 'icon');

  let timestamp: string | undefined;
  for (const t of tuples) if (isLater(t.endpoint.timestamp, timestamp)) timestamp = t.endpoint.timestamp;
  if (isLater(personTimestamp, timestamp)) timestamp = personTimestamp;
  for (const d of devices) if (isLater(d.timestamp, timestamp)) timestamp = d.timestamp;

  const availability = availabilityFromRpid({
    basic,
    hasTuples: tuples.length > 0 || hasPerson,
    activities,
    otherTexts,
    userInputIdle,
    note: shown?.text,
  });
  // `other` free texts are activities too, for display.
  for (const o of otherTexts) pushUnique(activities, o);

  return {
    entity: normalizeEntity(rawEntity),
    availability,
    basic,
    note: shown?.text,
    noteLang: shown?.lang,
    displayName,
    activities,
    moods,
    contact: best?.endpoint.contact,
    card,
    homepage,
    icon,
    timestamp,
    endpoints: tuples.map((t) => t.endpoint),
    devices,
    raw: {
      format: 'pidf',
      rawEntity,
      chosenEndpoint: best?.endpoint.id,
      ignoredNamespaces: ignored,
      rpidForm: draft ? 'draft-rpid-status' : rfc ? 'rfc4480' : undefined,
    },
  };
}

/** RFC 3863 §4.1.6 / BCP §5.2: unknown extensions are ignored; remember their namespaces for diagnostics. */
function ignore(el: XmlElement, P: string, ignored: string[]): void {
  if (!KNOWN_NSS.has(el.ns) && el.ns !== P) pushUnique(ignored, el.ns === '' ? '(no namespace)' : el.ns);
}

function firstOf(tuples: readonly TupleInfo[], key: 'displayName' | 'card' | 'homepage' | 'icon'): string | undefined {
  for (const t of tuples) if (t.extras[key] !== undefined) return t.extras[key];
  return undefined;
}

function basicRank(b: 'open' | 'closed' | undefined): number {
  return b === 'open' ? 0 : b === undefined ? 1 : 2;
}

/** Negative when a is the better tuple. */
function compareTuples(a: TupleInfo, b: TupleInfo): number {
  const r = basicRank(a.endpoint.basic) - basicRank(b.endpoint.basic);
  if (r !== 0) return r;
  const pa = a.endpoint.priority ?? 0;
  const pb = b.endpoint.priority ?? 0;
  if (pa !== pb) return pb - pa;
  const ta = a.endpoint.timestamp;
  const tb = b.endpoint.timestamp;
  if (ta !== tb) {
    if (isLater(ta, tb)) return -1;
    if (isLater(tb, ta)) return 1;
  }
  return a.order - b.order;
}

/** RFC 3863 §4.1.2 tuple: status (basic + extensions), contact, note*, timestamp; RFC 4479 §4 dm:deviceID. */
function readTuple(el: XmlElement, P: string, order: number, ignored: string[]): TupleInfo {
  const extras = new Extras();
  const notes: PresenceNote[] = [];
  let basic: 'open' | 'closed' | undefined;
  let contact: string | undefined;
  let priority: number | undefined;
  let timestamp: string | undefined;
  let deviceId: string | undefined;
  for (const c of el.children) {
    if (c.ns === P) {
      switch (c.local) {
        case 'status':
          for (const s of c.children) {
            if (s.ns === P && s.local === 'basic') {
              // RFC 3863 §4.1.4: "open" | "closed"; liberal about case and whitespace.
              const v = s.value.toLowerCase();
              if (v === 'open' || v === 'closed') basic = v;
            } else if (!readExtra(s, extras)) ignore(s, P, ignored);
          }
          break;
        case 'contact':
          contact = c.value || undefined;
          priority = parsePriority(c.attr('priority'));
          break;
        case 'note': {
          const n = note(c);
          if (n) notes.push(n);
          break;
        }
        case 'timestamp':
          timestamp = c.value || undefined;
          break;
        default:
          break;
      }
    } else if (c.ns === DM) {
      if (c.local === 'deviceID') deviceId = c.value || undefined;
    } else if (!readExtra(c, extras)) {
      ignore(c, P, ignored);
    }
  }
  const endpoint: PresenceEndpoint = { id: el.attr('id') ?? '', basic, contact, priority, notes, timestamp, deviceId };
  return { endpoint, extras, order };
}

/** RFC 4479 §3.3 device: deviceID, note*, timestamp. */
function readDevice(el: XmlElement): PresenceDevice {
  const notes: PresenceNote[] = [];
  let deviceId: string | undefined;
  let timestamp: string | undefined;
  for (const c of el.children) {
    if (c.ns !== DM) continue;
    if (c.local === 'deviceID') deviceId = c.value || undefined;
    else if (c.local === 'note') {
      const n = note(c);
      if (n) notes.push(n);
    } else if (c.local === 'timestamp') timestamp = c.value || undefined;
  }
  return { id: el.attr('id') ?? '', deviceId, notes, timestamp };
}
