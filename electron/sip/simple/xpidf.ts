// XPIDF (application/xpidf+xml), the pre-standard presence document LCS and Windows Messenger still send
// ([MS-SIP] §2.2.2, §4.11, App. B; protocol.md §3.3):
//   <presence><presentity uri=…/><atom id=…><address uri=… priority=…><status status="open|closed|inuse|inactive"/>
//   <msnsubstatus substatus="online|busy|…"/></address></atom><display name=…/></presence>
// It carries a DOCTYPE with an external DTD; the XML layer skips it without fetching.
import { PresenceDocumentError } from './errors';
import { NS_PIDF } from './namespaces';
import { normalizeEntity, type Availability, type PresenceEndpoint, type PresenceParseOptions, type PresenceState } from './presence-model';
import type { XmlLimits } from './xml/limits';
import { parseXml, type XmlElement } from './xml/tree';

export interface XpidfParseOptions extends PresenceParseOptions {
  readonly limits?: Partial<XmlLimits>;
}

/** protocol.md §2.9 last column: msnsubstatus values are fixed (unknown, away, online, idle, busy, berightback, onthephone, outtolunch). */
const SUBSTATUS: Readonly<Record<string, Availability>> = {
  online: 'available',
  idle: 'idle',
  busy: 'busy',
  berightback: 'be-right-back',
  away: 'away',
  outtolunch: 'out-to-lunch',
  onthephone: 'in-a-call',
};

/**
 * status without a (known) substatus: `inuse` is "actively communicating" ([MS-SIP] §2.2.2) → busy [I];
 * `inactive` → idle [I].
 */
const STATUS: Readonly<Record<string, Availability>> = {
  open: 'available',
  inuse: 'busy',
  inactive: 'idle',
  closed: 'offline',
};

interface AddressInfo {
  endpoint: PresenceEndpoint;
  status: string;
  substatus?: string;
}

/** Strips URI parameters such as `;method=SUBSCRIBE` from the presentity URI (protocol.md §3.3). */
function presentityUri(uri: string): string {
  const semi = uri.indexOf(';');
  return semi < 0 ? uri : uri.slice(0, semi);
}

export function parseXpidf(body: string | Uint8Array, options: XpidfParseOptions = {}): PresenceState {
  return mapXpidf(parseXml(body, options.limits), options);
}

export function mapXpidf(root: XmlElement, _options: PresenceParseOptions = {}): PresenceState {
  // XPIDF has no namespace; be liberal and accept any namespace except PIDF's (which is a different document).
  if (root.local !== 'presence' || root.ns === NS_PIDF) {
    throw new PresenceDocumentError('xpidf', `root element is {${root.ns}}${root.local}, expected <presence> without the PIDF namespace`);
  }
  let rawEntity = '';
  let displayName: string | undefined;
  const addresses: AddressInfo[] = [];
  const ignored: string[] = [];
  for (const el of root.children) {
    switch (el.local) {
      case 'presentity':
        rawEntity = el.attr('uri') ?? rawEntity;
        break;
      case 'atom':
        for (const a of el.children) if (a.local === 'address') addresses.push(readAddress(a, el.attr('id') ?? ''));
        break;
      case 'display':
        // MS extension: <display name="Bob Smith"/>.
        displayName = el.attr('name')?.trim() || displayName;
        break;
      default:
        if (!ignored.includes(el.local)) ignored.push(el.local);
    }
  }

  // Best address: reachable (open/inuse/inactive) before closed, then the highest priority, then document order.
  let best: AddressInfo | undefined;
  for (const a of addresses) {
    if (!best) best = a;
    else {
      const ra = a.status === 'closed' ? 1 : 0;
      const rb = best.status === 'closed' ? 1 : 0;
      if (ra < rb || (ra === rb && (a.endpoint.priority ?? 0) > (best.endpoint.priority ?? 0))) best = a;
    }
  }

  let availability: Availability;
  if (!best) availability = 'offline';
  else if (best.status === 'closed') availability = 'offline';
  else availability = (best.substatus ? SUBSTATUS[best.substatus] : undefined) ?? STATUS[best.status] ?? 'unknown';

  const notes = best?.endpoint.notes ?? [];
  const basic = best === undefined ? undefined : best.endpoint.basic;
  return {
    entity: normalizeEntity(presentityUri(rawEntity)),
    availability,
    basic,
    note: notes[0]?.text,
    noteLang: notes[0]?.lang,
    displayName,
    activities: best?.substatus ? [best.substatus] : [],
    moods: [],
    contact: best?.endpoint.contact,
    endpoints: addresses.map((a) => a.endpoint),
    devices: [],
    raw: {
      format: 'xpidf',
      rawEntity,
      chosenEndpoint: best?.endpoint.id,
      ignoredNamespaces: [],
      ignoredElements: ignored,
      xpidfStatus: best?.status,
      xpidfSubstatus: best?.substatus,
    },
  };
}

function readAddress(el: XmlElement, atomId: string): AddressInfo {
  const uri = el.attr('uri')?.trim() || undefined;
  const p = Number(el.attr('priority'));
  const priority = Number.isFinite(p) && el.attr('priority') !== undefined ? p : undefined;
  let status = '';
  let substatus: string | undefined;
  const notes: { text: string }[] = [];
  for (const c of el.children) {
    if (c.local === 'status') status = (c.attr('status') ?? '').trim().toLowerCase();
    // protocol.md §3.3 writes `substatus`; accept `substate` too (seen in the brief's paraphrase, harmless).
    else if (c.local === 'msnsubstatus') substatus = (c.attr('substatus') ?? c.attr('substate'))?.trim().toLowerCase() || undefined;
    else if (c.local === 'note' && c.value !== '') notes.push({ text: c.value });
  }
  const basic = status === '' ? undefined : status === 'closed' ? 'closed' : 'open';
  return { endpoint: { id: uri ?? atomId, basic, contact: uri, priority, notes }, status, substatus };
}
