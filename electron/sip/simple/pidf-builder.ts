// PIDF for our own PUBLISH (RFC 3903) and, in the notifier role, for NOTIFY (protocol.md §2.8 item 46).
// Two dialects:
//  - 'rfc4480' (default): RFC 3863 tuple (basic, dm:deviceID, contact, note, timestamp) + RFC 4479 dm:person with
//    RFC 4480 rpid:activities / rpid:user-input, RFC 4482 c:display-name and dm:note, + dm:device. Lossless for every
//    UI state: DND and BRB have no RFC 4480 token, so they are written as busy/away plus an rpid:other text that
//    our parser (and a human reading the activity) understands.
//  - 'bcp': the single-tuple form of the interdomain BCP example that MS servers generate for federated clouds
//    (protocol.md §3.2, [MS-PRES] §1.3.3): basic + draft `es:activities/es:activity` inside status + `ci:display-name`.
//    sipe-like readers only understand busy/away, so BRB, DND and lunch are busy/away plus a default note [I].
import { NS_CIPID, NS_DM, NS_PIDF, NS_RPID, NS_RPID_DRAFT } from './namespaces';
import type { Availability } from './presence-model';
import { escapeAttr, escapeText } from './xml/escape';

export interface OwnPresence {
  /** Our AOR, e.g. sip:alice@example.net (RFC 3863 §4.1.1 entity). */
  readonly entity: string;
  readonly availability: Availability;
  readonly note?: string;
  readonly noteLang?: string;
  readonly displayName?: string;
  /** Our contact address for this tuple (RFC 3863 §4.1.5) and its priority 0..1. */
  readonly contact?: string;
  readonly contactPriority?: number;
  /** RFC 4479 §3.4 device ID, e.g. `urn:uuid:…` (the +sip.instance of this installation). */
  readonly deviceId?: string;
  /** RFC 3339 date-time of this state (RFC 3863 §4.1.7); omitted when not given, so output is deterministic. */
  readonly timestamp?: string;
  readonly tupleId?: string;
  readonly personId?: string;
}

export interface PidfBuildOptions {
  readonly dialect?: 'rfc4480' | 'bcp';
}

interface Encoding {
  readonly basic: 'open' | 'closed';
  readonly tokens: readonly string[];
  readonly other?: string;
  readonly idle?: boolean;
}

/** rfc4480 dialect, one row per protocol.md §2.9 UI state. */
function rfc4480Encoding(a: Availability): Encoding {
  switch (a) {
    case 'available': return { basic: 'open', tokens: [] };
    case 'idle': return { basic: 'open', tokens: [], idle: true };
    case 'busy': return { basic: 'open', tokens: ['busy'] };
    case 'do-not-disturb': return { basic: 'open', tokens: ['busy'], other: 'Do not disturb' };
    case 'be-right-back': return { basic: 'open', tokens: ['away'], other: 'Be right back' };
    case 'away': return { basic: 'open', tokens: ['away'] };
    case 'out-to-lunch': return { basic: 'open', tokens: ['meal'] };
    case 'in-a-call': return { basic: 'open', tokens: ['on-the-phone'] };
    case 'offline': return { basic: 'closed', tokens: [] };
    case 'unknown': return { basic: 'open', tokens: ['unknown'] };
  }
}

/** bcp dialect: tokens sipe-like readers understand, plus the note convention of §2.9 for BRB/DND/lunch. */
function bcpEncoding(a: Availability): Encoding & { defaultNote?: string } {
  switch (a) {
    case 'available': return { basic: 'open', tokens: [] };
    case 'idle': return { basic: 'open', tokens: ['away'] };
    case 'busy': return { basic: 'open', tokens: ['busy'] };
    case 'do-not-disturb': return { basic: 'open', tokens: ['busy'], defaultNote: 'Do not disturb' };
    case 'be-right-back': return { basic: 'open', tokens: ['away'], defaultNote: 'Be right back' };
    case 'away': return { basic: 'open', tokens: ['away'] };
    case 'out-to-lunch': return { basic: 'open', tokens: ['away'], defaultNote: 'Out to lunch' };
    case 'in-a-call': return { basic: 'open', tokens: ['on-the-phone'] };
    case 'offline': return { basic: 'closed', tokens: [] };
    case 'unknown': return { basic: 'open', tokens: [] };
  }
}

function langAttr(lang: string | undefined): string {
  return lang ? ` xml:lang="${escapeAttr(lang)}"` : '';
}

function priorityAttr(p: number | undefined): string {
  if (p === undefined || !Number.isFinite(p)) return '';
  // RFC 3863 §4.1.5 qvalue: 0..1 with at most three decimals.
  const q = Math.min(1, Math.max(0, p));
  return ` priority="${Number(q.toFixed(3))}"`;
}

/** Builds an application/pidf+xml body. */
export function buildPidf(p: OwnPresence, options: PidfBuildOptions = {}): string {
  return options.dialect === 'bcp' ? buildBcp(p) : buildRfc4480(p);
}

function buildRfc4480(p: OwnPresence): string {
  const enc = rfc4480Encoding(p.availability);
  const note = p.note?.trim() ? p.note : undefined;
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    `<presence xmlns="${NS_PIDF}" xmlns:dm="${NS_DM}" xmlns:rpid="${NS_RPID}" xmlns:c="${NS_CIPID}" entity="${escapeAttr(p.entity)}">\n`,
    `<tuple id="${escapeAttr(p.tupleId ?? 't1')}">\n<status><basic>${enc.basic}</basic></status>\n`,
  ];
  // PIDF schema order inside tuple: status, extensions (dm:deviceID), contact, note*, timestamp.
  if (p.deviceId) out.push(`<dm:deviceID>${escapeText(p.deviceId)}</dm:deviceID>\n`);
  if (p.contact) out.push(`<contact${priorityAttr(p.contactPriority)}>${escapeText(p.contact)}</contact>\n`);
  if (note) out.push(`<note${langAttr(p.noteLang)}>${escapeText(note)}</note>\n`);
  if (p.timestamp) out.push(`<timestamp>${escapeText(p.timestamp)}</timestamp>\n`);
  out.push('</tuple>\n', `<dm:person id="${escapeAttr(p.personId ?? 'p1')}">\n`);
  // RFC 4479 person schema order: extensions, dm:note*, dm:timestamp.
  if (enc.tokens.length > 0 || enc.other) {
    out.push('<rpid:activities>');
    for (const t of enc.tokens) out.push(`<rpid:${t}/>`);
    if (enc.other) out.push(`<rpid:other>${escapeText(enc.other)}</rpid:other>`);
    out.push('</rpid:activities>\n');
  }
  if (enc.idle) out.push('<rpid:user-input>idle</rpid:user-input>\n');
  if (p.displayName?.trim()) out.push(`<c:display-name>${escapeText(p.displayName)}</c:display-name>\n`);
  if (note) out.push(`<dm:note${langAttr(p.noteLang)}>${escapeText(note)}</dm:note>\n`);
  if (p.timestamp) out.push(`<dm:timestamp>${escapeText(p.timestamp)}</dm:timestamp>\n`);
  out.push('</dm:person>\n');
  if (p.deviceId) out.push(`<dm:device id="d1">\n<dm:deviceID>${escapeText(p.deviceId)}</dm:deviceID>\n</dm:device>\n`);
  out.push('</presence>\n');
  return out.join('');
}

function buildBcp(p: OwnPresence): string {
  const enc = bcpEncoding(p.availability);
  const note = p.note?.trim() ? p.note : enc.defaultNote;
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    `<presence xmlns="${NS_PIDF}" xmlns:es="${NS_RPID_DRAFT}" xmlns:ci="${NS_CIPID}" entity="${escapeAttr(p.entity)}">\n`,
    `<tuple id="${escapeAttr(p.tupleId ?? '0')}"><status><basic>${enc.basic}</basic>`,
  ];
  if (enc.tokens.length > 0) {
    out.push('<es:activities>');
    for (const t of enc.tokens) out.push(`<es:activity>${t}</es:activity>`);
    out.push('</es:activities>');
  }
  out.push('</status>\n');
  if (p.contact) out.push(`<contact${priorityAttr(p.contactPriority)}>${escapeText(p.contact)}</contact>\n`);
  if (note) out.push(`<note${langAttr(p.noteLang)}>${escapeText(note)}</note>\n`);
  if (p.timestamp) out.push(`<timestamp>${escapeText(p.timestamp)}</timestamp>\n`);
  out.push('</tuple>\n');
  if (p.displayName?.trim()) out.push(`<ci:display-name>${escapeText(p.displayName)}</ci:display-name>\n`);
  out.push('</presence>\n');
  return out.join('');
}
