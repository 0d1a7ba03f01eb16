// Differential test: on generated well-formed, namespace-heavy documents our parser and @xmldom/xmldom (the
// reference named in perf-baselines.md §2) must agree on the element / attribute / namespace / text structure.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DOMParser, type Element as DomElement, type Node as DomNode } from '@xmldom/xmldom';
import { parseXml, type XmlElement } from '../../../../../electron/sip/simple/xml/tree';

interface Shape {
  ns: string;
  local: string;
  attrs: string[];
  text: string;
  children: Shape[];
}

function fromOurs(el: XmlElement): Shape {
  return {
    ns: el.ns,
    local: el.local,
    attrs: el.attributes.map((a) => `{${a.ns}}${a.local}=${a.value}`).sort(),
    text: el.text,
    children: el.children.map(fromOurs),
  };
}

const XMLNS = 'http://www.w3.org/2000/xmlns/';
function fromDom(el: DomElement): Shape {
  const attrs: string[] = [];
  for (let i = 0; i < el.attributes.length; i++) {
    const a = el.attributes.item(i);
    if (!a || a.namespaceURI === XMLNS) continue;
    attrs.push(`{${a.namespaceURI ?? ''}}${a.localName ?? a.name}=${a.value}`);
  }
  let text = '';
  const children: Shape[] = [];
  for (let n: DomNode | null = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1) children.push(fromDom(n as DomElement));
    else if (n.nodeType === 3 || n.nodeType === 4) text += n.nodeValue ?? '';
  }
  return { ns: el.namespaceURI ?? '', local: el.localName ?? el.nodeName, attrs: attrs.sort(), text, children };
}

// ---- generator ----
const URIS = ['urn:ietf:params:xml:ns:pidf', 'urn:ietf:params:xml:ns:pidf:data-model', 'urn:ietf:params:xml:ns:pidf:rpid', 'urn:example:x', 'http://schemas.microsoft.com/2002/09/sip/presence'];
const PREFIXES = ['dm', 'rpid', 'c', 'x', 'p1'];
const NAMES = ['presence', 'tuple', 'status', 'basic', 'note', 'person', 'activities', 'a-b', 'x.y', '_u', 'é'];

interface GenAttr { prefix: number; name: string; value: string; single: boolean }
interface GenNode { kind: 'el'; prefix: number; name: string; decls: [number, number][]; defaultNs: number; attrs: GenAttr[]; content: GenContent[] }
type GenContent = GenNode | { kind: 'text' | 'cdata' | 'comment' | 'pi'; value: string };

const textPiece = fc.constantFrom('hello', ' ', '\n', '\t', 'é', '😀', '&amp;', '&lt;', '&gt;', '&quot;', '&apos;', '&#233;', '&#x1F600;', '&#10;', '"', "'", '>', 'x=1', 'sip:bob@example.com;transport=tls');
const textArb = fc.array(textPiece, { maxLength: 5 }).map((a) => a.join(''));
const attrValuePiece = fc.constantFrom('v', ' ', 'é', '&amp;', '&lt;', '&#10;', '&#9;', '&quot;', '&apos;', '0.8', 'sip:a@b');
const attrArb: fc.Arbitrary<GenAttr> = fc.record({
  prefix: fc.integer({ min: -1, max: PREFIXES.length - 1 }),
  name: fc.constantFrom('id', 'priority', 'entity', 'lang', 'k', 'from'),
  value: fc.array(attrValuePiece, { maxLength: 4 }).map((a) => a.join('')),
  single: fc.boolean(),
});
const leafArb: fc.Arbitrary<GenContent> = fc.oneof(
  textArb.map((value) => ({ kind: 'text' as const, value })),
  fc.constantFrom('a <b> & c', '', ']] >', 'x]').map((value) => ({ kind: 'cdata' as const, value })),
  fc.constantFrom(' c ', 'note - here').map((value) => ({ kind: 'comment' as const, value })),
  fc.constantFrom('target data', 'vendor-pi x="1"').map((value) => ({ kind: 'pi' as const, value })),
);

const { node } = fc.letrec<{ node: GenNode; content: GenContent }>((tie) => ({
  node: fc.record({
    kind: fc.constant('el' as const),
    prefix: fc.integer({ min: -1, max: PREFIXES.length - 1 }),
    name: fc.constantFrom(...NAMES),
    decls: fc.array(fc.tuple(fc.nat(PREFIXES.length - 1), fc.nat(URIS.length - 1)), { maxLength: 2 }),
    defaultNs: fc.integer({ min: -2, max: URIS.length - 1 }),
    attrs: fc.array(attrArb, { maxLength: 4 }),
    content: fc.array(tie('content'), { maxLength: 4 }),
  }),
  content: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leafArb, tie('node')),
}));

/** Serializes, adding declarations where a used prefix is not in scope, and dropping clashing attributes. */
function serialize(n: GenNode, scope: Map<string, string>): string {
  const inner = new Map(scope);
  const declared = new Map<string, string>();
  const declare = (prefix: string, uri: string): void => {
    if (!declared.has(prefix)) {
      declared.set(prefix, uri);
      inner.set(prefix, uri);
    }
  };
  for (const [p, u] of n.decls) declare(PREFIXES[p] as string, URIS[u] as string);
  // defaultNs: -2 none, -1 undeclare (xmlns=""), else a URI.
  if (n.defaultNs === -1) declare('', '');
  else if (n.defaultNs >= 0) declare('', URIS[n.defaultNs] as string);
  const elPrefix = n.prefix >= 0 ? (PREFIXES[n.prefix] as string) : '';
  if (elPrefix && !inner.has(elPrefix)) declare(elPrefix, URIS[n.prefix % URIS.length] as string);
  const seen = new Set<string>();
  const attrs: string[] = [];
  for (const a of n.attrs) {
    const p = a.prefix >= 0 ? (PREFIXES[a.prefix] as string) : '';
    if (p && !inner.has(p)) declare(p, URIS[(a.prefix + 1) % URIS.length] as string);
    const expanded = `{${p ? inner.get(p) : ''}}${a.name}`;
    if (seen.has(expanded)) continue;
    seen.add(expanded);
    const q = a.single ? "'" : '"';
    const v = a.single ? a.value.replace(/'/g, '&apos;') : a.value.replace(/"/g, '&quot;');
    attrs.push(` ${p ? `${p}:` : ''}${a.name}=${q}${v}${q}`);
  }
  const decls = [...declared].map(([p, u]) => ` ${p ? `xmlns:${p}` : 'xmlns'}="${u}"`).join('');
  const qname = elPrefix ? `${elPrefix}:${n.name}` : n.name;
  let body = '';
  for (const c of n.content) {
    if (c.kind === 'el') body += serialize(c, inner);
    else if (c.kind === 'text') body += c.value;
    else if (c.kind === 'cdata') body += `<![CDATA[${c.value}]]>`;
    else if (c.kind === 'comment') body += `<!--${c.value}-->`;
    else body += `<?${c.value}?>`;
  }
  return body === '' && n.content.length === 0 ? `<${qname}${decls}${attrs.join('')}/>` : `<${qname}${decls}${attrs.join('')}>${body}</${qname}>`;
}

const docArb = fc.record({
  root: node,
  decl: fc.boolean(),
  doctype: fc.boolean(),
  misc: fc.constantFrom('', '\n', '<!-- lead -->\n', '<?pi x?>'),
}).map(({ root, decl, doctype, misc }) =>
  `${decl ? '<?xml version="1.0" encoding="UTF-8"?>\n' : ''}${doctype ? '<!DOCTYPE presence PUBLIC "-//IETF//DTD RFCxxxx XPIDF 1.0//EN" "xpidf.dtd">\n' : ''}${misc}${serialize(root, new Map())}${misc}`);

describe('differential: ours vs @xmldom/xmldom', () => {
  test('same structure on generated well-formed documents', { timeout: 120_000 }, () => {
    fc.assert(fc.property(docArb, (xml) => {
      const problems: string[] = [];
      const dom = new DOMParser({ onError: (level: string, msg: string) => { problems.push(`${level}: ${msg}`); } }).parseFromString(xml, 'application/xml');
      assert.deepEqual(problems, [], `xmldom complained about the generated document:\n${xml}`);
      assert.deepEqual(fromOurs(parseXml(xml, { maxLength: 1 << 20, maxElements: 1 << 16 })), fromDom(dom.documentElement as DomElement), xml);
    }), { numRuns: 1500 });
  });

  test('the presence fixtures parse to the same structure', async () => {
    const { fixture } = await import('../support');
    for (const name of ['baresip-publish-busy.xml', 'bcp-rpid-status.xml', 'cipid-person.xml', 'multi-tuple.xml', 'unknown-extensions.xml', 'xpidf-lcs-brb.xml', 'msrtc-benotify.xml', 'msrtc-dnd.xml', 'iscomposing-active.xml']) {
      const xml = fixture(name);
      const dom = new DOMParser({ onError: () => undefined }).parseFromString(xml, 'application/xml');
      assert.deepEqual(fromOurs(parseXml(xml)), fromDom(dom.documentElement as DomElement), name);
    }
  });
});
