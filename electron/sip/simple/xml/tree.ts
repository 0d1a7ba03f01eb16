// A minimal element tree built from the pull parser: what the presence mappers need and nothing more.
// Mixed content is not kept in order: an element's `text` is the concatenation of its own character data
// (text and CDATA), which is all that presence documents use.
import { XmlParseError } from '../errors';
import { resolveLimits, type XmlLimits } from './limits';
import { XmlEvent, XmlPullParser } from './pull-parser';

// Module-local copies: under tsx every imported binding is read through a getter, which shows up in profiles.
const START = XmlEvent.StartElement;
const TEXT = XmlEvent.Text;
const END = XmlEvent.EndElement;

export interface XmlAttribute {
  readonly ns: string;
  readonly local: string;
  readonly prefix: string;
  readonly value: string;
}

export class XmlElement {
  readonly ns: string;
  readonly local: string;
  readonly prefix: string;
  readonly attributes: XmlAttribute[];
  readonly children: XmlElement[] = [];
  /** Direct character data, untrimmed. */
  text = '';

  constructor(ns: string, local: string, prefix: string, attributes: XmlAttribute[]) {
    this.ns = ns;
    this.local = local;
    this.prefix = prefix;
    this.attributes = attributes;
  }

  /** Attribute value by expanded name (unprefixed attributes are in no namespace). */
  attr(local: string, ns = ''): string | undefined {
    const a = this.attributes;
    for (let i = 0; i < a.length; i++) {
      const x = a[i] as XmlAttribute;
      if (x.local === local && x.ns === ns) return x.value;
    }
    return undefined;
  }

  /** First child with this expanded name. */
  child(ns: string, local: string): XmlElement | undefined {
    const c = this.children;
    for (let i = 0; i < c.length; i++) {
      const x = c[i] as XmlElement;
      if (x.local === local && x.ns === ns) return x;
    }
    return undefined;
  }

  /** First child with this local name in any of the namespaces (for vocabularies with several historical URIs). */
  childIn(nss: ReadonlySet<string>, local: string): XmlElement | undefined {
    const c = this.children;
    for (let i = 0; i < c.length; i++) {
      const x = c[i] as XmlElement;
      if (x.local === local && nss.has(x.ns)) return x;
    }
    return undefined;
  }

  /** First child with this local name, whatever its namespace (msrtc.pidf: MS documents disagree on the URI). */
  childByLocal(local: string): XmlElement | undefined {
    const c = this.children;
    for (let i = 0; i < c.length; i++) {
      const x = c[i] as XmlElement;
      if (x.local === local) return x;
    }
    return undefined;
  }

  /** Trimmed direct text. */
  get value(): string {
    return this.text.trim();
  }
}

/** Decodes a body received as bytes: BOM sniffing only (XML 1.0 App. F); an encoding label is not trusted. */
export function decodeXmlBytes(bytes: Uint8Array, limits?: Partial<XmlLimits>): string {
  const max = resolveLimits(limits).maxLength;
  if (bytes.length > max) throw new XmlParseError('too-large', `document is ${bytes.length} bytes, the limit is ${max}`, 0);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  // TextDecoder('utf-8') strips a UTF-8 BOM itself; invalid sequences become U+FFFD (liberal: display text only).
  return new TextDecoder('utf-8').decode(bytes);
}

/** Parses a whole document and returns its root element. Throws only `XmlParseError`. */
export function parseXml(input: string | Uint8Array, limits?: Partial<XmlLimits>): XmlElement {
  const text = typeof input === 'string' ? input : decodeXmlBytes(input, limits);
  const p = new XmlPullParser(text, limits);
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let top: XmlElement | undefined;
  for (;;) {
    const ev = p.next();
    if (ev === START) {
      const n = p.attributeCount;
      const attrs: XmlAttribute[] = new Array(n);
      for (let i = 0; i < n; i++) {
        attrs[i] = { ns: p.attributeNamespace(i), local: p.attributeLocalName(i), prefix: p.attributePrefix(i), value: p.attributeValue(i) };
      }
      const el = new XmlElement(p.namespaceUri, p.localName, p.prefix, attrs);
      if (top) {
        top.children.push(el);
        stack.push(top);
      } else {
        root = el;
      }
      top = el;
    } else if (ev === TEXT) {
      (top as XmlElement).text += p.text;
    } else if (ev === END) {
      top = stack.pop();
    } else {
      return root as XmlElement;
    }
  }
}
