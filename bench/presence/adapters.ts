// The PIDF "extract" task of ../../shared/perf-baselines.md §2, done four ways: our pull parser (through the tree,
// and straight off the event stream), fast-xml-parser (with and without removeNSPrefix) and @xmldom/xmldom
// (namespace-aware getElementsByTagNameNS). Benchmark and differential-test use only: production code must not
// import fast-xml-parser or xmldom.
import { XMLParser } from 'fast-xml-parser';
import { DOMParser, type Element as XElement } from '@xmldom/xmldom';
import { NS_DM, NS_PIDF, NS_RPID } from '../../electron/sip/simple/namespaces';
import { parsePidf } from '../../electron/sip/simple/pidf';
import { XmlEvent, XmlPullParser } from '../../electron/sip/simple/xml/pull-parser';
import { parseXml, type XmlElement } from '../../electron/sip/simple/xml/tree';

export interface Extract {
  entity: string;
  tuples: { id: string; basic: string; contact: string; note: string }[];
  activities: string[];
  personNote: string;
}

export interface PresenceAdapter {
  readonly name: string;
  readonly extract: (xml: string) => Extract;
}

// ---- ours, through the element tree ----
function extractTree(xml: string): Extract {
  const root = parseXml(xml);
  const out: Extract = { entity: root.attr('entity') ?? '', tuples: [], activities: [], personNote: '' };
  for (const el of root.children) {
    if (el.ns === NS_PIDF && el.local === 'tuple') {
      out.tuples.push({
        id: el.attr('id') ?? '',
        basic: el.child(NS_PIDF, 'status')?.child(NS_PIDF, 'basic')?.value ?? '',
        contact: el.child(NS_PIDF, 'contact')?.value ?? '',
        note: el.child(NS_PIDF, 'note')?.value ?? '',
      });
    } else if (el.ns === NS_DM && el.local === 'person') {
      const acts: XmlElement | undefined = el.child(NS_RPID, 'activities');
      if (acts) for (const a of acts.children) out.activities.push(a.local);
      out.personNote = el.child(NS_DM, 'note')?.value ?? '';
    }
  }
  return out;
}

// ---- ours, straight off the pull parser (no tree) ----
function extractPull(xml: string): Extract {
  const p = new XmlPullParser(xml);
  const out: Extract = { entity: '', tuples: [], activities: [], personNote: '' };
  let tuple: Extract['tuples'][number] | undefined;
  let field: 'basic' | 'contact' | 'note' | 'personNote' | '' = '';
  let inPerson = false;
  let inActivities = false;
  let text = '';
  for (let ev = p.next(); ev !== XmlEvent.EndDocument; ev = p.next()) {
    if (ev === XmlEvent.StartElement) {
      const ns = p.namespaceUri;
      const local = p.localName;
      const depth = p.currentDepth;
      if (depth === 1) out.entity = p.getAttribute('entity') ?? '';
      else if (depth === 2 && ns === NS_PIDF && local === 'tuple') tuple = { id: p.getAttribute('id') ?? '', basic: '', contact: '', note: '' };
      else if (depth === 2 && ns === NS_DM && local === 'person') inPerson = true;
      else if (tuple && ns === NS_PIDF && (local === 'basic' || local === 'contact' || (local === 'note' && tuple.note === ''))) {
        field = local;
        text = '';
      } else if (inPerson && depth === 3 && ns === NS_RPID && local === 'activities') inActivities = true;
      else if (inActivities && depth === 4) out.activities.push(local);
      else if (inPerson && depth === 3 && ns === NS_DM && local === 'note' && out.personNote === '') {
        field = 'personNote';
        text = '';
      }
    } else if (ev === XmlEvent.Text) {
      if (field !== '') text += p.text;
    } else {
      if (field !== '') {
        if (field === 'personNote') out.personNote = text.trim();
        else if (tuple) tuple[field] = text.trim();
        field = '';
      }
      const depth = p.currentDepth;
      if (depth === 1 && tuple) {
        out.tuples.push(tuple);
        tuple = undefined;
      } else if (depth === 1) inPerson = false;
      else if (depth === 2 && inActivities) inActivities = false;
    }
  }
  return out;
}

// ---- ours, the full mapper (PresenceState) reduced to the same extract ----
function extractFull(xml: string): Extract {
  const s = parsePidf(xml);
  return {
    entity: s.raw.rawEntity,
    tuples: s.endpoints.map((e) => ({ id: e.id, basic: e.basic ?? '', contact: e.contact ?? '', note: e.notes[0]?.text ?? '' })),
    activities: [...s.activities],
    personNote: s.note ?? '',
  };
}

// ---- fast-xml-parser ----
type Obj = Record<string, unknown>;
const textOf = (v: unknown): string => (typeof v === 'string' ? v : v && typeof v === 'object' ? String((v as Obj)['#text'] ?? '') : '').trim();
const asArray = (v: unknown): Obj[] => (v === undefined ? [] : Array.isArray(v) ? (v as Obj[]) : [v as Obj]);

const fxpNoPrefix = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true, parseTagValue: false, parseAttributeValue: false });
const fxpPrefixed = new XMLParser({ ignoreAttributes: false, removeNSPrefix: false, parseTagValue: false, parseAttributeValue: false });

function fxpExtract(parser: XMLParser, prefixed: boolean, xml: string): Extract {
  const doc = parser.parse(xml) as Obj;
  const pres = doc.presence as Obj;
  const q = (name: string, pfx: string): string => (prefixed ? `${pfx}:${name}` : name);
  const out: Extract = { entity: String(pres['@_entity'] ?? ''), tuples: [], activities: [], personNote: '' };
  for (const t of asArray(pres.tuple)) {
    const status = t.status as Obj | undefined;
    out.tuples.push({
      id: String(t['@_id'] ?? ''),
      basic: textOf(status?.basic),
      contact: textOf(asArray(t.contact)[0]),
      note: textOf(asArray(t.note)[0]),
    });
  }
  const person = asArray(pres[q('person', 'dm')])[0];
  if (person) {
    const acts = person[q('activities', 'rpid')] as Obj | undefined;
    if (acts && typeof acts === 'object') {
      for (const k of Object.keys(acts)) if (!k.startsWith('@_') && k !== '#text') out.activities.push(prefixed ? k.slice(k.indexOf(':') + 1) : k);
    }
    out.personNote = textOf(asArray(person[q('note', 'dm')])[0]);
  }
  return out;
}

// ---- @xmldom/xmldom ----
const domParser = new DOMParser();
const firstText = (parent: XElement, ns: string, local: string): string => {
  const el = parent.getElementsByTagNameNS(ns, local).item(0);
  return el ? (el.textContent ?? '').trim() : '';
};

function xmldomExtract(xml: string): Extract {
  const doc = domParser.parseFromString(xml, 'application/xml');
  const root = doc.documentElement as XElement;
  const out: Extract = { entity: root.getAttribute('entity') ?? '', tuples: [], activities: [], personNote: '' };
  const tuples = root.getElementsByTagNameNS(NS_PIDF, 'tuple');
  for (let i = 0; i < tuples.length; i++) {
    const t = tuples.item(i) as XElement;
    out.tuples.push({ id: t.getAttribute('id') ?? '', basic: firstText(t, NS_PIDF, 'basic'), contact: firstText(t, NS_PIDF, 'contact'), note: firstText(t, NS_PIDF, 'note') });
  }
  const person = root.getElementsByTagNameNS(NS_DM, 'person').item(0);
  if (person) {
    const acts = person.getElementsByTagNameNS(NS_RPID, 'activities').item(0);
    if (acts) for (let n = acts.firstChild; n; n = n.nextSibling) if (n.nodeType === 1) out.activities.push((n as XElement).localName ?? '');
    out.personNote = firstText(person, NS_DM, 'note');
  }
  return out;
}

export const ours: PresenceAdapter = { name: 'ours (tree)', extract: extractTree };
export const adapters: readonly PresenceAdapter[] = [
  ours,
  { name: 'ours (pull)', extract: extractPull },
  { name: 'ours (full map)', extract: extractFull },
  { name: 'fxp removeNSPrefix', extract: (x) => fxpExtract(fxpNoPrefix, false, x) },
  { name: 'fxp prefixed', extract: (x) => fxpExtract(fxpPrefixed, true, x) },
  { name: 'xmldom NS', extract: xmldomExtract },
];
