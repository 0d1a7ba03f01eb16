// RFC 4826 resource lists (`application/resource-lists+xml`, §3) and RLS services (`application/rls-services+xml`,
// §4): the server-side contact list. Groups are top-level <list name=…>; a nested list's entries belong to its
// top-level list (Parley shows one level of groups). Parsed with the safe pull parser; built with escaping, so
// whatever a user typed as a name or group stays well-formed XML.
import { PresenceDocumentError } from './errors';
import { escapeAttr, escapeText } from './xml/escape';
import type { XmlLimits } from './xml/limits';
import { parseXml } from './xml/tree';
import type { XmlElement } from './xml/tree';

export const NS_RESOURCE_LISTS = 'urn:ietf:params:xml:ns:resource-lists';
export const NS_RLS_SERVICES = 'urn:ietf:params:xml:ns:rls-services';
export const RESOURCE_LISTS_TYPE = 'application/resource-lists+xml';
export const RLS_SERVICES_TYPE = 'application/rls-services+xml';
export const RESOURCE_LISTS_AUID = 'resource-lists';
export const RLS_SERVICES_AUID = 'rls-services';

/** A contact list is bigger than a presence document: 10 000 entries with names fit. */
export const RESOURCE_LIST_LIMITS: Partial<XmlLimits> = { maxLength: 4 * 1024 * 1024, maxElements: 60_000 };

export interface ResourceListEntry {
  readonly uri: string;
  readonly displayName?: string;
}

export interface ResourceList {
  /** The list's `name` attribute (RFC 4826 §3.2: unique among siblings); Parley's group name. */
  readonly name: string;
  readonly entries: readonly ResourceListEntry[];
}

export interface ResourceListsDocument {
  readonly lists: readonly ResourceList[];
}

const FORMAT = 'resource-lists';

function displayName(el: XmlElement): string | undefined {
  const d = el.child(NS_RESOURCE_LISTS, 'display-name')?.value;
  return d ? d : undefined;
}

function collect(list: XmlElement, into: ResourceListEntry[], seen: Set<string>): void {
  for (const c of list.children) {
    if (c.ns !== NS_RESOURCE_LISTS) continue; // RFC 4826 §3.2: extension elements are ignored
    if (c.local === 'entry') {
      const uri = c.attr('uri')?.trim();
      if (!uri || seen.has(uri)) continue; // §3.4.1: uri is mandatory and unique within the list
      seen.add(uri);
      const name = displayName(c);
      into.push({ uri, ...(name ? { displayName: name } : {}) });
    } else if (c.local === 'list') {
      collect(c, into, seen);
    }
    // <external> and <entry-ref> (§3.2) point at other documents: not followed (no fetches driven by content).
  }
}

/** Parses a resource-lists document. Throws XmlParseError (malformed/hostile) or PresenceDocumentError (not one). */
export function parseResourceLists(body: string): ResourceListsDocument {
  const root = parseXml(body, RESOURCE_LIST_LIMITS);
  if (root.ns !== NS_RESOURCE_LISTS || root.local !== 'resource-lists') throw new PresenceDocumentError(FORMAT, `root element is ${root.local}`);
  const lists: ResourceList[] = [];
  const names = new Set<string>();
  for (const l of root.children) {
    if (l.ns !== NS_RESOURCE_LISTS || l.local !== 'list') continue;
    // A list without a name (allowed by §3.2) gets its display name, else a positional one.
    let name = (l.attr('name') ?? displayName(l) ?? '').trim() || `List ${lists.length + 1}`;
    if (names.has(name.toLowerCase())) name = `${name} (${lists.length + 1})`;
    names.add(name.toLowerCase());
    const entries: ResourceListEntry[] = [];
    collect(l, entries, new Set());
    lists.push({ name, entries });
  }
  return { lists };
}

/** Builds a resource-lists document (RFC 4826 §3), lists and entries in the given order. */
export function buildResourceLists(doc: ResourceListsDocument): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<resource-lists xmlns="${NS_RESOURCE_LISTS}">`];
  for (const l of doc.lists) {
    out.push(`<list name="${escapeAttr(l.name)}">`);
    for (const e of l.entries) {
      const name = e.displayName ? `<display-name>${escapeText(e.displayName)}</display-name>` : '';
      out.push(`<entry uri="${escapeAttr(e.uri)}">${name}</entry>`);
    }
    out.push('</list>');
  }
  out.push('</resource-lists>');
  return out.join('\n');
}

export interface RlsService {
  /** The list's own SIP URI, to SUBSCRIBE to (RFC 4826 §4.1 `uri`). */
  readonly uri: string;
  /** XCAP URI of the list (§4.2 <resource-list>), or undefined for an inline <list>. */
  readonly resourceList?: string;
  readonly entries?: readonly ResourceListEntry[];
  /** Event packages offered (§4.3); default presence. */
  readonly packages?: readonly string[];
  /** A whole <service> element (as parseRlsServices gives it): written verbatim, the fields above are not used. */
  readonly xml?: string;
}

/** Builds an rls-services document (RFC 4826 §4) with one service per item. */
export function buildRlsServices(services: readonly RlsService[]): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<rls-services xmlns="${NS_RLS_SERVICES}" xmlns:rl="${NS_RESOURCE_LISTS}">`];
  for (const s of services) {
    if (s.xml !== undefined) {
      out.push(s.xml); // somebody else's service, kept as it was read
      continue;
    }
    out.push(`<service uri="${escapeAttr(s.uri)}">`);
    if (s.resourceList !== undefined) {
      out.push(`<resource-list>${escapeText(s.resourceList)}</resource-list>`);
    } else {
      out.push('<list>');
      for (const e of s.entries ?? []) {
        const name = e.displayName ? `<rl:display-name>${escapeText(e.displayName)}</rl:display-name>` : '';
        out.push(`<rl:entry uri="${escapeAttr(e.uri)}">${name}</rl:entry>`);
      }
      out.push('</list>');
    }
    out.push(`<packages>${(s.packages ?? ['presence']).map((p) => `<package>${escapeText(p)}</package>`).join('')}</packages>`);
    out.push('</service>');
  }
  out.push('</rls-services>');
  return out.join('\n');
}

/** A service read from a document: its parts, and the element itself re-serialised so a rewrite keeps it whole. */
export interface ParsedRlsService extends RlsService {
  /** The <service> element as XML (namespaces declared on it): kept verbatim when somebody else's list is rewritten. */
  readonly xml: string;
}

export interface RlsServicesDocument {
  readonly services: readonly ParsedRlsService[];
}

const RLS_FORMAT = 'rls-services';

/** Entries of an inline <list> (RFC 4826 §4.2, type rl:listType), nested lists flattened, duplicates dropped. */
function collectRlsList(list: XmlElement, into: ResourceListEntry[], seen: Set<string>): void {
  for (const c of list.children) {
    // Liberal: some writers put <entry>/<list> in the rls-services namespace instead of resource-lists'.
    if (c.ns !== NS_RESOURCE_LISTS && c.ns !== NS_RLS_SERVICES) continue; // §4.2: extension elements ignored
    if (c.local === 'entry') {
      const uri = c.attr('uri')?.trim();
      if (!uri || seen.has(uri)) continue; // RFC 4826 §3.4.1: uri is mandatory and unique within the list
      seen.add(uri);
      const d = (c.child(NS_RESOURCE_LISTS, 'display-name') ?? c.child(NS_RLS_SERVICES, 'display-name'))?.value;
      into.push({ uri, ...(d ? { displayName: d } : {}) });
    } else if (c.local === 'list') {
      collectRlsList(c, into, seen);
    }
    // <external>/<entry-ref> point at other documents: not followed (no fetches driven by content), kept in `xml`.
  }
}

/**
 * Re-serialises an element (and its subtree) with every namespace declared where it is needed, so it stands on its
 * own inside another document. Comments and processing instructions are not kept; character data is (an element
 * with children keeps only non-blank text — rls-services has no mixed content).
 */
export function serializeElement(el: XmlElement, parentDefaultNs = ''): string {
  const decl: string[] = [];
  if (el.ns !== parentDefaultNs) decl.push(` xmlns="${escapeAttr(el.ns)}"`);
  const attrs: string[] = [];
  const prefixes = new Map<string, string>();
  for (const a of el.attributes) {
    if (a.ns === '') {
      attrs.push(` ${a.local}="${escapeAttr(a.value)}"`);
    } else if (a.ns === 'http://www.w3.org/XML/1998/namespace') {
      attrs.push(` xml:${a.local}="${escapeAttr(a.value)}"`); // the xml prefix is bound by definition
    } else {
      let p = prefixes.get(a.ns);
      if (!p) {
        p = `a${prefixes.size}`;
        prefixes.set(a.ns, p);
        decl.push(` xmlns:${p}="${escapeAttr(a.ns)}"`);
      }
      attrs.push(` ${p}:${a.local}="${escapeAttr(a.value)}"`);
    }
  }
  const open = `<${el.local}${decl.join('')}${attrs.join('')}`;
  const text = el.children.length > 0 && el.text.trim() === '' ? '' : escapeText(el.text);
  if (el.children.length === 0 && text === '') return `${open}/>`;
  return `${open}>${text}${el.children.map((c) => serializeElement(c, el.ns)).join('')}</${el.local}>`;
}

/**
 * Parses an rls-services document (RFC 4826 §4). Liberal: a service's list is an inline <list> (entries, nested
 * lists flattened) or a <resource-list> reference (§4.2); unknown elements are ignored; a service without a uri is
 * skipped. Throws XmlParseError (malformed/hostile) or PresenceDocumentError (not an rls-services document).
 */
export function parseRlsServices(body: string): RlsServicesDocument {
  const root = parseXml(body, RESOURCE_LIST_LIMITS);
  if (root.ns !== NS_RLS_SERVICES || root.local !== 'rls-services') throw new PresenceDocumentError(RLS_FORMAT, `root element is {${root.ns}}${root.local}`);
  const services: ParsedRlsService[] = [];
  for (const s of root.children) {
    if (s.ns !== NS_RLS_SERVICES || s.local !== 'service') continue;
    const uri = s.attr('uri')?.trim();
    if (!uri) continue; // §4.1: uri is mandatory; a service nobody can subscribe to is not ours to interpret
    const ref = s.child(NS_RLS_SERVICES, 'resource-list');
    const list = s.child(NS_RLS_SERVICES, 'list') ?? s.child(NS_RESOURCE_LISTS, 'list');
    const packagesEl = s.child(NS_RLS_SERVICES, 'packages');
    // §4.3: without <packages> the service offers every package the server supports; we report none named.
    const packages = packagesEl?.children.filter((p) => p.ns === NS_RLS_SERVICES && p.local === 'package' && p.value !== '').map((p) => p.value);
    let entries: ResourceListEntry[] | undefined;
    if (list) {
      entries = [];
      collectRlsList(list, entries, new Set());
    }
    services.push({
      uri,
      ...(ref && !list ? { resourceList: ref.value } : {}),
      ...(entries ? { entries } : {}),
      ...(packages ? { packages } : {}),
      xml: serializeElement(s),
    });
  }
  return { services };
}
