// An allow-list HTML sanitizer for incoming IM (protocol.md §2.5 item 28 text/html; security standard: incoming
// rich text sanitised before it reaches the renderer). Written here rather than pulling in a DOM (DOMPurify needs
// jsdom in Node): IM HTML is small and simple, so a tokenizer that rebuilds the markup from scratch is enough,
// and safer than editing the input — nothing the sender wrote is passed through unescaped.
//
// Output: only the tags of shared/model/chat.ts (b i u s br p span a ul ol li em strong code pre font), only these
// attributes: a[href] (http, https, mailto only) and font[color|face] (validated). Everything else: tags dropped
// with their text kept, except script/style/iframe/object/embed/template/noscript/head/title/textarea/select and
// svg/math, whose contents are dropped entirely. Comments, doctypes, CDATA and processing instructions are
// dropped. Text is re-escaped; tags are balanced (stray end tags dropped, open ones closed at the end).

const ALLOWED = new Set(['b', 'i', 'u', 's', 'br', 'p', 'span', 'a', 'ul', 'ol', 'li', 'em', 'strong', 'code', 'pre', 'font']);
const VOID = new Set(['br']);
/** Elements whose whole content is dropped (code, styles, foreign content, form state). */
const DROP_CONTENT = new Set(['script', 'style', 'iframe', 'object', 'embed', 'template', 'noscript', 'head', 'title', 'textarea', 'select', 'svg', 'math', 'noembed', 'noframes', 'xmp', 'plaintext']);
/** Inline-level tags turned into a line break in the plain-text form. */
const BLOCK = new Set(['p', 'div', 'br', 'li', 'tr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'pre', 'ul', 'ol', 'blockquote']);

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});?/gi, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      // Invalid, NUL and surrogate code points become U+FFFD (HTML's own rule), never a raw control.
      if (!Number.isFinite(code) || code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
      return String.fromCodePoint(code);
    }
    return NAMED[e.toLowerCase()] ?? m;
  });
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

interface Token {
  readonly kind: 'text' | 'open' | 'close';
  readonly value: string;
  readonly attrs?: Map<string, string>;
  readonly selfClosing?: boolean;
}

/** A forgiving tokenizer in the spirit of HTML's (tag names are letters first; `<` not followed by one is text). */
function* tokenize(html: string): Generator<Token> {
  let i = 0;
  const n = html.length;
  while (i < n) {
    const lt = html.indexOf('<', i);
    if (lt < 0) {
      yield { kind: 'text', value: html.slice(i) };
      return;
    }
    if (lt > i) yield { kind: 'text', value: html.slice(i, lt) };
    i = lt;
    if (html.startsWith('<!--', i)) {
      const end = html.indexOf('-->', i + 4);
      i = end < 0 ? n : end + 3;
      continue;
    }
    if (html[i + 1] === '!' || html[i + 1] === '?') {
      // Doctype, CDATA, processing instruction: dropped up to the next '>'.
      const end = html.indexOf('>', i);
      i = end < 0 ? n : end + 1;
      continue;
    }
    const m = /^<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)/.exec(html.slice(i, i + 64));
    if (!m) {
      yield { kind: 'text', value: '<' };
      i += 1;
      continue;
    }
    const closing = m[1] === '/';
    const name = m[2]!.toLowerCase();
    i += m[0].length;
    // Attributes up to the closing '>' (quoted values may contain '>').
    const attrs = new Map<string, string>();
    let selfClosing = false;
    const attrRe = /\s*([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?|\s*(\/)|\s+/y;
    for (;;) {
      if (i >= n) break;
      if (html[i] === '>') {
        i += 1;
        break;
      }
      attrRe.lastIndex = i;
      const a = attrRe.exec(html);
      if (!a || a[0].length === 0) {
        i += 1;
        continue;
      }
      i = attrRe.lastIndex;
      if (a[5]) selfClosing = true;
      else if (a[1] && !attrs.has(a[1].toLowerCase())) attrs.set(a[1].toLowerCase(), decodeEntities(a[2] ?? a[3] ?? a[4] ?? ''));
    }
    yield closing ? { kind: 'close', value: name } : { kind: 'open', value: name, attrs, selfClosing };
  }
}

/** Only web and mail links; the check runs on the decoded value with controls and whitespace removed. */
export function safeHref(value: string): string | undefined {
  const compact = value.replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
  if (/^(https?:\/\/|mailto:)/i.test(compact)) return compact;
  return undefined;
}

function safeColor(value: string): string | undefined {
  const v = value.trim();
  return /^(#[0-9a-f]{3}|#[0-9a-f]{6}|[a-z]{3,20})$/i.test(v) ? v : undefined;
}

function safeFace(value: string): string | undefined {
  const v = value.trim();
  return /^[\w ,.-]{1,64}$/.test(v) ? v : undefined;
}

function renderOpen(name: string, attrs: Map<string, string>): string {
  let out = `<${name}`;
  if (name === 'a') {
    const href = safeHref(attrs.get('href') ?? '');
    if (href) out += ` href="${escapeHtml(href)}" rel="noopener noreferrer nofollow" target="_blank"`;
  } else if (name === 'font') {
    const color = safeColor(attrs.get('color') ?? '');
    const face = safeFace(attrs.get('face') ?? '');
    if (color) out += ` color="${escapeHtml(color)}"`;
    if (face) out += ` face="${escapeHtml(face)}"`;
  }
  return `${out}>`;
}

export interface SanitizedHtml {
  /** Safe markup (allow-listed tags and attributes only). */
  readonly html: string;
  /** The same content as plain text (for search, notifications and the text field). */
  readonly text: string;
}

const MAX_DEPTH = 64;

export function sanitizeHtml(input: string): SanitizedHtml {
  let html = '';
  let text = '';
  const open: string[] = [];
  let dropping: string | undefined;
  let dropDepth = 0;
  for (const t of tokenize(input)) {
    if (dropping) {
      if (t.kind === 'open' && t.value === dropping) dropDepth++;
      if (t.kind === 'close' && t.value === dropping && --dropDepth === 0) dropping = undefined;
      continue;
    }
    if (t.kind === 'text') {
      const plain = decodeEntities(t.value);
      html += escapeHtml(plain);
      text += plain;
      continue;
    }
    const name = t.value;
    if (t.kind === 'open') {
      if (DROP_CONTENT.has(name)) {
        if (!t.selfClosing) {
          dropping = name;
          dropDepth = 1;
        }
        continue;
      }
      if (BLOCK.has(name) && text.length > 0 && !text.endsWith('\n')) text += '\n';
      if (!ALLOWED.has(name)) continue;
      if (VOID.has(name)) {
        html += '<br>';
        continue;
      }
      if (open.length >= MAX_DEPTH) continue;
      html += renderOpen(name, t.attrs ?? new Map());
      if (t.selfClosing) html += `</${name}>`;
      else open.push(name);
      continue;
    }
    // close
    if (BLOCK.has(name) && text.length > 0 && !text.endsWith('\n')) text += '\n';
    const at = open.lastIndexOf(name);
    if (at < 0) continue; // a stray end tag
    while (open.length > at) html += `</${open.pop()!}>`;
  }
  while (open.length > 0) html += `</${open.pop()!}>`;
  return { html, text: text.replace(/\u00a0/g, ' ').replace(/\n{3,}/g, '\n\n').trim() };
}

/** Plain text as safe HTML (for msgr-formatted text: the formatting wraps escaped text). */
export function textToHtml(text: string): string {
  return escapeHtml(text).replace(/\r?\n/g, '<br>');
}
