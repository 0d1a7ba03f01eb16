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
}

/** Builds an rls-services document (RFC 4826 §4) with one service per item. */
export function buildRlsServices(services: readonly RlsService[]): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<rls-services xmlns="${NS_RLS_SERVICES}" xmlns:rl="${NS_RESOURCE_LISTS}">`];
  for (const s of services) {
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
