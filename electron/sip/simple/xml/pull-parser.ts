// A small, namespace-aware XML 1.0 pull parser for the presence and typing bodies we receive from other domains
// (PIDF, XPIDF, msrtc.pidf, isComposing). Input from federation is untrusted, so it is written to be safe first:
//  - no entity expansion beyond the five predefined entities and character references (XML 1.0 §4.1, §4.6);
//  - a DOCTYPE's external ID is skipped and never fetched; an internal subset that declares an entity (general or
//    parameter) is refused, which closes billion-laughs and external-entity (XXE) attacks at the door;
//  - bounded input length, nesting depth, attributes per element and element count (./limits.ts);
//  - every loop advances or fails, and searches use indexOf, so time is linear in the input.
// Namespaces follow "Namespaces in XML 1.0" (3rd ed.): default and prefixed declarations scoped to the element that
// declares them, `xml` bound implicitly, `xmlns` reserved, unprefixed attributes in no namespace.
// Deliberately not supported: attribute defaults from an internal-subset ATTLIST (we never apply DTD defaults), and
// checking raw text for XML-illegal control characters (liberal: harmless for display).
import { XmlParseError, type XmlErrorCode } from '../errors';
import { resolveLimits, type XmlLimits } from './limits';

export const XML_NS = 'http://www.w3.org/XML/1998/namespace';
export const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

/** The events `next()` returns. Comments, processing instructions and the DOCTYPE are consumed silently. */
const EV_START = 1;
const EV_END = 2;
const EV_TEXT = 3;
const EV_EOD = 4;
export const XmlEvent = { StartElement: EV_START, EndElement: EV_END, Text: EV_TEXT, EndDocument: EV_EOD } as const;
export type XmlEventType = (typeof XmlEvent)[keyof typeof XmlEvent];

const CH_LT = 60; // <
const CH_GT = 62; // >
const CH_SLASH = 47;
const CH_BANG = 33;
const CH_QMARK = 63;
const CH_EQ = 61;
const CH_DQ = 34;
const CH_SQ = 39;
const CH_COLON = 58;
const CH_LBRACKET = 91;
const CH_RBRACKET = 93;
const CH_PERCENT = 37;

// XML 1.0 (5th ed.) §2.3 NameStartChar / NameChar, ASCII part as a table; the non-ASCII ranges are checked below.
const NAME_START = new Uint8Array(128);
const NAME_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const start = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === CH_COLON;
  NAME_START[c] = start ? 1 : 0;
  NAME_CHAR[c] = start || (c >= 48 && c <= 57) || c === 45 || c === 46 ? 1 : 0;
}

function isNonAsciiNameStart(c: number): boolean {
  return (
    (c >= 0xc0 && c <= 0xd6) || (c >= 0xd8 && c <= 0xf6) || (c >= 0xf8 && c <= 0x2ff) || (c >= 0x370 && c <= 0x37d) ||
    (c >= 0x37f && c <= 0x1fff) || c === 0x200c || c === 0x200d || (c >= 0x2070 && c <= 0x218f) ||
    (c >= 0x2c00 && c <= 0x2fef) || (c >= 0x3001 && c <= 0xfdcf && !(c >= 0xe000 && c < 0xf900)) ||
    (c >= 0xfdf0 && c <= 0xfffd) ||
    // Surrogate halves: a pair encodes [#x10000-#xEFFFF], which is a NameStartChar.
    (c >= 0xd800 && c <= 0xdfff)
  );
}

function isNameStartCode(c: number): boolean {
  return c < 128 ? NAME_START[c] === 1 : isNonAsciiNameStart(c);
}

function isNameCode(c: number): boolean {
  if (c < 128) return NAME_CHAR[c] === 1;
  return isNonAsciiNameStart(c) || c === 0xb7 || (c >= 0x300 && c <= 0x36f) || c === 0x203f || c === 0x2040;
}

function isWs(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}

/** XML 1.0 §2.2 Char, for character references. */
function isXmlChar(cp: number): boolean {
  return cp === 9 || cp === 10 || cp === 13 || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff);
}

/**
 * A Name already scanned by readName is a QName (Namespaces in XML §4) when it has at most one colon, not first or
 * last, and the local part starts with a NameStartChar (the prefix's first char was checked by readName).
 */
function qnameColon(name: string): number {
  const colon = name.indexOf(':');
  if (colon < 0) return -1;
  if (colon === 0 || colon === name.length - 1 || name.indexOf(':', colon + 1) >= 0 || !isNameStartCode(name.charCodeAt(colon + 1))) return -2;
  return colon;
}

/** NCName (Namespaces in XML §3): a Name without colons. */
function isNcName(s: string): boolean {
  if (s.length === 0 || !isNameStartCode(s.charCodeAt(0))) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === CH_COLON || !isNameCode(c)) return false;
  }
  return true;
}

const RE_CR = /\r\n?/g;
const RE_ATTR_WS = /[\t\n]/g;

/**
 * Pull parser over one string. Call `next()` until it returns `XmlEvent.EndDocument`; after a StartElement read
 * `localName`, `namespaceUri`, `prefix` and the attribute accessors; after a Text read `text`. Every well-formedness
 * or safety failure throws `XmlParseError` (never anything else).
 */
export class XmlPullParser {
  private readonly s: string;
  private readonly len: number;
  private readonly limits: XmlLimits;
  private pos = 0;
  private depth = 0;
  private elementCount = 0;
  private seenRoot = false;
  private rootClosed = false;
  private seenDoctype = false;
  private pendingEnd = false;
  // Open elements, indexed by depth - 1.
  private readonly stackQName: string[] = [];
  private readonly stackLocal: string[] = [];
  private readonly stackNs: string[] = [];
  private readonly stackPrefix: string[] = [];
  private readonly stackNsMark: number[] = [];
  // In-scope namespace bindings; an element's declarations are popped when it closes.
  private readonly nsPrefix: string[] = [];
  private readonly nsUri: string[] = [];
  private nsLen = 0;
  // Raw attributes of the tag being read (before namespace processing).
  private readonly rawName: string[] = [];
  private readonly rawValue: string[] = [];

  /** Current element (StartElement / EndElement). */
  localName = '';
  namespaceUri = '';
  prefix = '';
  /** Attributes of the current StartElement, namespace declarations excluded. */
  attributeCount = 0;
  private readonly attrLocal: string[] = [];
  private readonly attrNs: string[] = [];
  private readonly attrPrefix: string[] = [];
  private readonly attrValue: string[] = [];
  /** Current Text: decoded character data (entities replaced, line ends normalized). */
  text = '';
  /** True when the current Text came from a CDATA section. */
  isCdata = false;

  constructor(input: string, limits?: Partial<XmlLimits>) {
    this.limits = resolveLimits(limits);
    if (input.length > this.limits.maxLength) {
      throw new XmlParseError('too-large', `document is ${input.length} characters, the limit is ${this.limits.maxLength}`, 0);
    }
    // A byte order mark decoded into the string is not content (XML 1.0 §4.3.3).
    this.s = input;
    this.len = input.length;
    if (input.charCodeAt(0) === 0xfeff) this.pos = 1;
  }

  /** Nesting depth of the current element (1 for the root). */
  get currentDepth(): number {
    return this.depth;
  }

  attributeLocalName(i: number): string {
    return this.attrLocal[i] as string;
  }
  attributeNamespace(i: number): string {
    return this.attrNs[i] as string;
  }
  attributePrefix(i: number): string {
    return this.attrPrefix[i] as string;
  }
  attributeValue(i: number): string {
    return this.attrValue[i] as string;
  }

  /** Value of the attribute with this expanded name on the current StartElement, or undefined. */
  getAttribute(local: string, ns = ''): string | undefined {
    for (let i = 0; i < this.attributeCount; i++) {
      if (this.attrLocal[i] === local && this.attrNs[i] === ns) return this.attrValue[i];
    }
    return undefined;
  }

  private fail(code: XmlErrorCode, reason: string, at = this.pos): never {
    throw new XmlParseError(code, reason, at);
  }

  next(): XmlEventType {
    if (this.pendingEnd) {
      this.pendingEnd = false;
      return this.closeElement();
    }
    const s = this.s;
    for (;;) {
      const pos = this.pos;
      if (pos >= this.len) {
        if (this.depth > 0) this.fail('unexpected-eof', `<${this.stackQName[this.depth - 1]}> is not closed`);
        if (!this.seenRoot) this.fail('no-root-element', 'no root element');
        return EV_EOD;
      }
      const c = s.charCodeAt(pos);
      if (c !== CH_LT) {
        let end = s.indexOf('<', pos);
        if (end < 0) end = this.len;
        if (this.depth === 0) {
          // XML 1.0 §2.1 document ::= prolog element Misc*: only whitespace may appear between markup here.
          for (let i = pos; i < end; i++) {
            if (!isWs(s.charCodeAt(i))) this.fail('content-outside-root', 'text outside the root element', i);
          }
          this.pos = end;
          continue;
        }
        this.text = this.decode(pos, end, false);
        this.isCdata = false;
        this.pos = end;
        return EV_TEXT;
      }
      const c2 = s.charCodeAt(pos + 1);
      if (c2 === CH_SLASH) return this.readEndTag();
      if (c2 === CH_BANG) {
        if (s.startsWith('<!--', pos)) {
          this.skipComment(pos);
          continue;
        }
        if (s.startsWith('<![CDATA[', pos)) {
          if (this.depth === 0) this.fail('content-outside-root', 'CDATA section outside the root element');
          const end = s.indexOf(']]>', pos + 9);
          if (end < 0) this.fail('unexpected-eof', 'unterminated CDATA section');
          let t = s.slice(pos + 9, end);
          if (t.indexOf('\r') >= 0) t = t.replace(RE_CR, '\n');
          this.text = t;
          this.isCdata = true;
          this.pos = end + 3;
          return EV_TEXT;
        }
        if (s.startsWith('<!DOCTYPE', pos)) {
          if (this.seenRoot || this.seenDoctype) this.fail('misplaced-doctype', 'DOCTYPE after the root element or repeated');
          this.seenDoctype = true;
          this.skipDoctype();
          continue;
        }
        this.fail('syntax', "'<!' starts no comment, CDATA section or DOCTYPE");
      }
      if (c2 === CH_QMARK) {
        this.skipProcessingInstruction();
        continue;
      }
      if (pos + 1 >= this.len) this.fail('unexpected-eof', "document ends after '<'");
      return this.readStartTag();
    }
  }

  // ---- markup readers ----

  /** Scans a Name (XML 1.0 §2.3) at this.pos and returns it; the parser stands after it. */
  private readName(what: string): string {
    const s = this.s;
    const start = this.pos;
    if (start >= this.len) this.fail('unexpected-eof', `document ends where ${what} was expected`);
    if (!isNameStartCode(s.charCodeAt(start))) this.fail('invalid-name', `invalid ${what}`);
    let i = start + 1;
    while (i < this.len && isNameCode(s.charCodeAt(i))) i++;
    this.pos = i;
    return s.slice(start, i);
  }

  private skipWs(): number {
    const s = this.s;
    const start = this.pos;
    let i = start;
    while (i < this.len && isWs(s.charCodeAt(i))) i++;
    this.pos = i;
    return i - start;
  }

  private readStartTag(): XmlEventType {
    const s = this.s;
    const limits = this.limits;
    const tagStart = this.pos;
    this.pos++;
    const qname = this.readName('element name');
    if (this.depth === 0) {
      if (this.rootClosed) this.fail('content-outside-root', 'a second root element', tagStart);
      this.seenRoot = true;
    }
    if (++this.elementCount > limits.maxElements) {
      this.fail('too-many-elements', `more than ${limits.maxElements} elements`, tagStart);
    }
    if (this.depth + 1 > limits.maxDepth) this.fail('too-deep', `elements nested deeper than ${limits.maxDepth}`, tagStart);

    // Attributes (XML 1.0 §3.1 STag ::= '<' Name (S Attribute)* S? '>').
    let rawCount = 0;
    let selfClose = false;
    for (;;) {
      const hadWs = this.skipWs();
      const c = s.charCodeAt(this.pos);
      if (c === CH_GT) {
        this.pos++;
        break;
      }
      if (c === CH_SLASH) {
        if (s.charCodeAt(this.pos + 1) !== CH_GT) this.fail('syntax', "'/' not followed by '>' in a start tag");
        this.pos += 2;
        selfClose = true;
        break;
      }
      if (this.pos >= this.len) this.fail('unexpected-eof', `start tag <${qname}> is not closed`);
      if (hadWs === 0) this.fail('syntax', 'attributes must be separated by whitespace');
      const name = this.readName('attribute name');
      this.skipWs();
      if (s.charCodeAt(this.pos) !== CH_EQ) this.fail('syntax', `attribute ${name} has no '='`);
      this.pos++;
      this.skipWs();
      const q = s.charCodeAt(this.pos);
      if (q !== CH_DQ && q !== CH_SQ) this.fail('syntax', `attribute ${name} value is not quoted`);
      const vStart = this.pos + 1;
      const vEnd = s.indexOf(q === CH_DQ ? '"' : "'", vStart);
      if (vEnd < 0) this.fail('unexpected-eof', `attribute ${name} value is not closed`);
      const lt = s.indexOf('<', vStart);
      if (lt >= 0 && lt < vEnd) this.fail('syntax', `'<' in the value of attribute ${name}`, lt);
      if (rawCount >= limits.maxAttributes) {
        this.fail('too-many-attributes', `more than ${limits.maxAttributes} attributes on <${qname}>`, tagStart);
      }
      for (let k = 0; k < rawCount; k++) {
        // XML 1.0 §3.1 WFC: Unique Att Spec.
        if (this.rawName[k] === name) this.fail('duplicate-attribute', `attribute ${name} repeated on <${qname}>`);
      }
      this.rawName[rawCount] = name;
      this.rawValue[rawCount] = this.decode(vStart, vEnd, true);
      rawCount++;
      this.pos = vEnd + 1;
    }

    // Namespace declarations first: they are in scope for the element's own name and attributes (Namespaces §6.1).
    const mark = this.nsLen;
    let declCount = 0;
    for (let i = 0; i < rawCount; i++) {
      const name = this.rawName[i] as string;
      if (!name.startsWith('xmlns')) continue;
      if (name.length === 5) {
        this.bindNamespace('', this.rawValue[i] as string, tagStart);
        declCount++;
      } else if (name.charCodeAt(5) === CH_COLON) {
        this.bindNamespace(name.slice(6), this.rawValue[i] as string, tagStart);
        declCount++;
      }
    }

    // Element name.
    const colon = qnameColon(qname);
    let prefix = '';
    let local = qname;
    let ns = '';
    if (colon === -2) this.fail('invalid-name', `invalid qualified name ${qname}`, tagStart);
    if (colon < 0) {
      ns = this.lookup('') as string;
    } else {
      prefix = qname.slice(0, colon);
      local = qname.slice(colon + 1);
      if (prefix === 'xmlns') this.fail('bad-namespace-declaration', 'the xmlns prefix cannot name an element', tagStart);
      const bound = this.lookup(prefix);
      if (bound === undefined) this.fail('unbound-prefix', `prefix ${prefix} of <${qname}> is not declared`, tagStart);
      ns = bound;
    }

    // Attributes: unprefixed ones are in no namespace (Namespaces §6.2); expanded names must be unique (§6.3).
    let n = 0;
    if (rawCount > declCount) {
      for (let i = 0; i < rawCount; i++) {
        const name = this.rawName[i] as string;
        if (name.startsWith('xmlns') && (name.length === 5 || name.charCodeAt(5) === CH_COLON)) continue;
        const ac = qnameColon(name);
        let aPrefix = '';
        let aLocal = name;
        let aNs = '';
        if (ac === -2) this.fail('invalid-name', `invalid attribute name ${name}`, tagStart);
        if (ac >= 0) {
          aPrefix = name.slice(0, ac);
          aLocal = name.slice(ac + 1);
          const bound = this.lookup(aPrefix);
          if (bound === undefined || bound === '') {
            this.fail('unbound-prefix', `prefix ${aPrefix} of attribute ${name} is not declared`, tagStart);
          }
          aNs = bound;
          for (let k = 0; k < n; k++) {
            if (this.attrLocal[k] === aLocal && this.attrNs[k] === aNs) {
              this.fail('duplicate-attribute', `attribute {${aNs}}${aLocal} repeated on <${qname}>`, tagStart);
            }
          }
        }
        this.attrLocal[n] = aLocal;
        this.attrNs[n] = aNs;
        this.attrPrefix[n] = aPrefix;
        this.attrValue[n] = this.rawValue[i] as string;
        n++;
      }
    }
    this.attributeCount = n;

    const d = this.depth;
    this.stackQName[d] = qname;
    this.stackLocal[d] = local;
    this.stackNs[d] = ns;
    this.stackPrefix[d] = prefix;
    this.stackNsMark[d] = mark;
    this.depth = d + 1;
    this.localName = local;
    this.namespaceUri = ns;
    this.prefix = prefix;
    if (selfClose) this.pendingEnd = true;
    return EV_START;
  }

  private readEndTag(): XmlEventType {
    const tagStart = this.pos;
    this.pos += 2;
    // Fast path: the expected name is right there (no substring allocated); otherwise read it for the error.
    const expected = this.depth > 0 ? (this.stackQName[this.depth - 1] as string) : '';
    let qname: string;
    if (expected !== '' && this.s.startsWith(expected, this.pos) && !isNameCode(this.s.charCodeAt(this.pos + expected.length))) {
      qname = expected;
      this.pos += expected.length;
    } else {
      qname = this.readName('element name');
    }
    this.skipWs();
    if (this.s.charCodeAt(this.pos) !== CH_GT) {
      if (this.pos >= this.len) this.fail('unexpected-eof', `end tag </${qname}> is not closed`);
      this.fail('syntax', `end tag </${qname}> has extra content`);
    }
    this.pos++;
    // XML 1.0 §3 WFC: Element Type Match.
    if (this.depth === 0) this.fail('mismatched-tag', `end tag </${qname}> without a start tag`, tagStart);
    const open = this.stackQName[this.depth - 1];
    if (open !== qname) this.fail('mismatched-tag', `end tag </${qname}> does not match <${open}>`, tagStart);
    return this.closeElement();
  }

  private closeElement(): XmlEventType {
    const d = this.depth - 1;
    this.localName = this.stackLocal[d] as string;
    this.namespaceUri = this.stackNs[d] as string;
    this.prefix = this.stackPrefix[d] as string;
    this.nsLen = this.stackNsMark[d] as number;
    this.attributeCount = 0;
    this.depth = d;
    if (d === 0) this.rootClosed = true;
    return EV_END;
  }

  /** Namespaces in XML 1.0 §3 constraints on declarations. */
  private bindNamespace(prefix: string, uri: string, at: number): void {
    if (prefix !== '') {
      if (!isNcName(prefix)) this.fail('invalid-name', `invalid namespace prefix ${prefix}`, at);
      if (prefix === 'xmlns') this.fail('bad-namespace-declaration', 'the xmlns prefix cannot be declared', at);
      if (prefix === 'xml' && uri !== XML_NS) this.fail('bad-namespace-declaration', 'the xml prefix cannot be rebound', at);
      // Namespaces in XML 1.0 §5 (NSC: No Prefix Undeclaring): only XML 1.1 allows xmlns:p="".
      if (uri === '') this.fail('bad-namespace-declaration', `prefix ${prefix} declared with an empty name`, at);
    }
    if (uri === XMLNS_NS || (uri === XML_NS && prefix !== 'xml')) {
      this.fail('bad-namespace-declaration', `${uri} cannot be bound to ${prefix === '' ? 'the default namespace' : prefix}`, at);
    }
    this.nsPrefix[this.nsLen] = prefix;
    this.nsUri[this.nsLen] = uri;
    this.nsLen++;
  }

  private lookup(prefix: string): string | undefined {
    for (let i = this.nsLen - 1; i >= 0; i--) {
      if (this.nsPrefix[i] === prefix) return this.nsUri[i];
    }
    if (prefix === '') return '';
    if (prefix === 'xml') return XML_NS;
    return undefined;
  }

  /** XML 1.0 §2.5 Comments: '<!--' ... '-->', and '--' must not occur inside. */
  private skipComment(start: number): void {
    const end = this.s.indexOf('-->', start + 4);
    if (end < 0) this.fail('unexpected-eof', 'unterminated comment', start);
    const dd = this.s.indexOf('--', start + 4);
    if (dd < end) this.fail('invalid-comment', "'--' inside a comment", dd);
    this.pos = end + 3;
  }

  /** XML 1.0 §2.6 PIs; the XML declaration (§2.8) only at the very start. */
  private skipProcessingInstruction(): void {
    const start = this.pos;
    this.pos += 2;
    const target = this.readName('processing instruction target');
    if (target.toLowerCase() === 'xml') {
      const atStart = start === 0 || (start === 1 && this.s.charCodeAt(0) === 0xfeff);
      if (target !== 'xml' || !atStart) this.fail('misplaced-xml-declaration', 'XML declaration not at the start of the document', start);
      // The encoding label is ignored on purpose: the body is already text, and Reuters' LCS labelled UTF-8 data
      // "utf-16" (protocol.md §2.7 item 45).
    }
    const end = this.s.indexOf('?>', this.pos);
    if (end < 0) this.fail('unexpected-eof', 'unterminated processing instruction', start);
    if (end > this.pos && !isWs(this.s.charCodeAt(this.pos))) this.fail('syntax', `processing instruction target ${target} runs into its data`);
    this.pos = end + 2;
  }

  /**
   * XML 1.0 §2.8 doctypedecl. The external ID is read and ignored (never fetched). In the internal subset, comments,
   * PIs and ELEMENT/ATTLIST/NOTATION declarations are skipped; ENTITY declarations and parameter-entity references are
   * refused, because entity expansion is exactly what billion-laughs and XXE attacks need.
   */
  private skipDoctype(): void {
    const s = this.s;
    const start = this.pos;
    this.pos += 9;
    if (this.skipWs() === 0) this.fail('syntax', 'DOCTYPE needs a name');
    this.readName('DOCTYPE name');
    this.skipWs();
    if (s.startsWith('SYSTEM', this.pos)) {
      this.pos += 6;
      this.skipWs();
      this.skipQuoted('system literal');
    } else if (s.startsWith('PUBLIC', this.pos)) {
      this.pos += 6;
      this.skipWs();
      this.skipQuoted('public identifier');
      this.skipWs();
      if (s.charCodeAt(this.pos) === CH_DQ || s.charCodeAt(this.pos) === CH_SQ) this.skipQuoted('system literal');
    }
    this.skipWs();
    if (s.charCodeAt(this.pos) === CH_LBRACKET) {
      this.pos++;
      for (;;) {
        this.skipWs();
        if (this.pos >= this.len) this.fail('unexpected-eof', 'unterminated DOCTYPE internal subset', start);
        const c = s.charCodeAt(this.pos);
        if (c === CH_RBRACKET) {
          this.pos++;
          break;
        }
        if (c === CH_PERCENT) this.fail('parameter-entity', 'parameter-entity reference in the DOCTYPE (refused)');
        if (s.startsWith('<!--', this.pos)) {
          this.skipComment(this.pos);
        } else if (s.startsWith('<!ENTITY', this.pos)) {
          this.fail('entity-declaration', 'entity declarations are refused (entity expansion is not supported)');
        } else if (s.startsWith('<?', this.pos)) {
          this.skipProcessingInstruction();
        } else if (s.startsWith('<!', this.pos)) {
          this.skipMarkupDeclaration();
        } else {
          this.fail('syntax', 'unexpected content in the DOCTYPE internal subset');
        }
      }
      this.skipWs();
    }
    if (s.charCodeAt(this.pos) !== CH_GT) {
      if (this.pos >= this.len) this.fail('unexpected-eof', 'unterminated DOCTYPE', start);
      this.fail('syntax', 'unexpected content in the DOCTYPE');
    }
    this.pos++;
  }

  private skipQuoted(what: string): void {
    const q = this.s.charCodeAt(this.pos);
    if (q !== CH_DQ && q !== CH_SQ) this.fail('syntax', `DOCTYPE ${what} is not quoted`);
    const end = this.s.indexOf(q === CH_DQ ? '"' : "'", this.pos + 1);
    if (end < 0) this.fail('unexpected-eof', `unterminated DOCTYPE ${what}`);
    this.pos = end + 1;
  }

  /** ELEMENT / ATTLIST / NOTATION: skip to the closing '>' outside quotes; a '%' reference is refused. */
  private skipMarkupDeclaration(): void {
    const s = this.s;
    let i = this.pos + 2;
    while (i < this.len) {
      const c = s.charCodeAt(i);
      if (c === CH_GT) {
        this.pos = i + 1;
        return;
      }
      if (c === CH_DQ || c === CH_SQ) {
        const end = s.indexOf(c === CH_DQ ? '"' : "'", i + 1);
        if (end < 0) break;
        i = end + 1;
        continue;
      }
      if (c === CH_PERCENT) this.fail('parameter-entity', 'parameter-entity reference in the DOCTYPE (refused)', i);
      if (c === CH_LT) this.fail('syntax', "'<' inside a markup declaration", i);
      i++;
    }
    this.fail('unexpected-eof', 'unterminated markup declaration');
  }

  // ---- character data ----

  /**
   * Text or attribute value between [start, end): line ends normalized (XML 1.0 §2.11), attribute whitespace
   * normalized (§3.3.3, CDATA-type attributes), then references replaced (§4.1, §4.6). Only the five predefined
   * entities exist: we never read a DTD, so any other entity reference is an error (§4.1 WFC: Entity Declared).
   */
  private decode(start: number, end: number, attribute: boolean): string {
    let t = this.s.slice(start, end);
    if (t.indexOf('\r') >= 0) t = t.replace(RE_CR, '\n');
    if (attribute && (t.indexOf('\n') >= 0 || t.indexOf('\t') >= 0)) t = t.replace(RE_ATTR_WS, ' ');
    let amp = t.indexOf('&');
    if (amp < 0) return t;
    let out = '';
    let last = 0;
    while (amp >= 0) {
      const semi = t.indexOf(';', amp + 1);
      if (semi < 0) this.fail('syntax', "'&' is not the start of a reference", start + amp);
      out += t.slice(last, amp);
      const name = t.slice(amp + 1, semi);
      switch (name) {
        case 'lt': out += '<'; break;
        case 'gt': out += '>'; break;
        case 'amp': out += '&'; break;
        case 'quot': out += '"'; break;
        case 'apos': out += "'"; break;
        default:
          out += this.charRef(name, start + amp);
      }
      last = semi + 1;
      amp = t.indexOf('&', last);
    }
    return out + t.slice(last);
  }

  /** XML 1.0 §4.1 CharRef ::= '&#' [0-9]+ ';' | '&#x' [0-9a-fA-F]+ ';', and it must name a legal Char. */
  private charRef(name: string, at: number): string {
    if (name.charCodeAt(0) !== 35 /* # */) {
      if (isNcName(name) || (name.length > 0 && isNameStartCode(name.charCodeAt(0)))) {
        this.fail('undefined-entity', `undefined entity &${name.length > 40 ? `${name.slice(0, 40)}…` : name};`, at);
      }
      this.fail('syntax', "'&' is not the start of a reference", at);
    }
    const hex = name.charCodeAt(1) === 120; /* x */
    const digits = name.slice(hex ? 2 : 1);
    if (digits.length === 0 || digits.length > 8 || !(hex ? /^[0-9a-fA-F]+$/ : /^[0-9]+$/).test(digits)) {
      this.fail('invalid-char-ref', `invalid character reference &${name.slice(0, 12)};`, at);
    }
    const cp = parseInt(digits, hex ? 16 : 10);
    if (!isXmlChar(cp)) this.fail('invalid-char-ref', `character reference &${name}; is not an XML character`, at);
    return String.fromCodePoint(cp);
  }
}
