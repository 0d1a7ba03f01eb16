// Lexical helpers shared by the header parsers: LWS, tokens, quoted strings, generic-param lists
// (RFC 3261 §25.1) and comma-separated header values (§7.3.1).
import { SipParseError } from '../errors';

/** SP or HTAB (RFC 3261 §25.1 WSP). */
export function isWsp(c: number): boolean {
  return c === 32 || c === 9;
}

// token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") (RFC 3261 §25.1)
const TOKEN = new Uint8Array(128);
for (let c = 48; c <= 57; c++) TOKEN[c] = 1;
for (let c = 65; c <= 90; c++) TOKEN[c] = 1;
for (let c = 97; c <= 122; c++) TOKEN[c] = 1;
for (const ch of "-.!%*_+`'~") TOKEN[ch.charCodeAt(0)] = 1;

/** The token characters as a RegExp character class, for the receive-path fast-path patterns. */
export const TOKEN_CLASS = "[-.!%*_+`'~0-9A-Za-z]";

/**
 * RegExp source for the end of a header value on the receive fast paths: optional trailing WSP, then the
 * line's CRLF, not followed by WSP (a folded value takes the general path, RFC 3261 §7.3.1).
 */
export const LINE_END = '[ \\t]*\\r\\n(?![ \\t])';

export function isTokenChar(c: number): boolean {
  return c < 128 && TOKEN[c] === 1;
}

export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isTokenChar(s.charCodeAt(i))) return false;
  return true;
}

/**
 * Replaces line folding (CRLF followed by WSP) with a single SP. RFC 3261 §7.3.1: folded lines are
 * equivalent to one SP; values without a CR are returned as they are (the common case).
 */
export function unfold(value: string): string {
  if (value.indexOf('\n') < 0) return value;
  return value.replace(/\r?\n[ \t]+/g, ' ');
}

/**
 * Trims SP, HTAB, CR and LF only. String.prototype.trim would also eat U+FEFF and other Unicode spaces,
 * which are legal header content (RFC 4475 §3.1.1.2 has a value starting with U+FEFF).
 */
export function trimLws(s: string, start = 0, end = s.length): string {
  while (start < end) {
    const c = s.charCodeAt(start);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10) break;
    start++;
  }
  while (end > start) {
    const c = s.charCodeAt(end - 1);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10) break;
    end--;
  }
  return s.slice(start, end);
}

/** Index just past the closing quote of the quoted-string that opens at `start` (quoted-pair aware, §25.1). */
export function skipQuoted(text: string, start: number, what: string): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92) i++; // quoted-pair: "\" followed by any char except CR/LF
    else if (c === 34) return i + 1;
  }
  throw new SipParseError(`unterminated quoted string in ${what}`);
}

/** The content of a quoted-string with quoted-pairs resolved ("a\"b" → a"b). */
export function unquote(quoted: string): string {
  // Display names rarely hold a quoted-pair: one slice instead of a character-by-character copy.
  if (quoted.indexOf('\\') < 0) return quoted.slice(1, quoted.length - 1);
  let out = '';
  for (let i = 1; i < quoted.length - 1; i++) {
    const c = quoted.charCodeAt(i);
    if (c === 92 && i + 1 < quoted.length - 1) i++;
    out += quoted[i];
  }
  return out;
}

/** Wraps a display name or parameter value in quotes, escaping `"` and `\` (§25.1 quoted-pair). */
export function quote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === '"' || ch === '\\') out += '\\';
    out += ch;
  }
  return out + '"';
}

/**
 * Splits a header value on the commas that separate header-field values (RFC 3261 §7.3.1), ignoring commas
 * inside quoted strings and inside <...> (a URI may legally contain a comma). Each element is trimmed.
 */
export function splitList(value: string): string[] {
  const out: string[] = [];
  let start = 0;
  let angle = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 34) {
      i = skipQuoted(value, i, 'header value') - 1;
    } else if (c === 60) angle = true;
    else if (c === 62) angle = false;
    else if (c === 44 && !angle) {
      out.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(value.slice(start).trim());
  return out;
}

/**
 * Parses `*( SEMI generic-param )` (RFC 3261 §25.1: generic-param = token [ EQUAL gen-value ]) starting at
 * `pos`, with LWS allowed around ";" and "=". Names are lower-cased (parameter names compare case-insensitively,
 * §7.3.1); values keep their case and, if quoted, their quotes. A valueless parameter maps to null.
 * Throws on an empty parameter (";;", RFC 4475 §3.1.2.1) or a non-token name.
 *
 * `want` (a lower-case name) makes it also return the value of the first parameter of that name (null when
 * valueless, undefined when absent), so the receive path validates the list and finds the tag or branch in
 * the same pass without building a Map.
 */
export function parseParams(text: string, pos: number, into: Map<string, string | null> | null, what: string, want?: string): string | null | undefined {
  const n = text.length;
  let found: string | null | undefined;
  for (;;) {
    while (pos < n && isWsp(text.charCodeAt(pos))) pos++;
    if (pos >= n) return found;
    if (text.charCodeAt(pos) !== 59 /* ; */) throw new SipParseError(`unexpected "${text[pos]}" in ${what} parameters`);
    pos++;
    while (pos < n && isWsp(text.charCodeAt(pos))) pos++;
    const nameStart = pos;
    while (pos < n && isTokenChar(text.charCodeAt(pos))) pos++;
    if (pos === nameStart) throw new SipParseError(`empty parameter in ${what}`);
    const name = into === null ? '' : text.slice(nameStart, pos).toLowerCase();
    const wanted = found === undefined && want !== undefined && sameNameAt(text, nameStart, pos, want);
    while (pos < n && isWsp(text.charCodeAt(pos))) pos++;
    if (pos < n && text.charCodeAt(pos) === 61 /* = */) {
      pos++;
      while (pos < n && isWsp(text.charCodeAt(pos))) pos++;
      const valueStart = pos;
      if (pos < n && text.charCodeAt(pos) === 34) {
        pos = skipQuoted(text, pos, what);
      } else {
        while (pos < n) {
          const c = text.charCodeAt(pos);
          if (c === 59 || isWsp(c)) break;
          if (c === 44 || c === 34 || c === 60 || c === 62) throw new SipParseError(`invalid character "${text[pos]}" in ${what} parameter`);
          pos++;
        }
      }
      if (pos === valueStart) throw new SipParseError(`empty parameter value in ${what}`);
      if (wanted) found = text.slice(valueStart, pos);
      into?.set(name, wanted ? found as string : text.slice(valueStart, pos));
    } else {
      if (wanted) found = null;
      into?.set(name, null);
    }
  }
}

/** Whether text[start, end) is `lower` (a lower-case token) compared case-insensitively (§7.3.1), without a slice. */
export function sameNameAt(text: string, start: number, end: number, lower: string): boolean {
  if (end - start !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    const c = text.charCodeAt(start + i);
    const l = lower.charCodeAt(i);
    // Only letters fold: c | 0x20 maps 'A'..'Z' onto 'a'..'z'; anything else must match exactly.
    if (c !== l && (l < 97 || l > 122 || (c | 0x20) !== l)) return false;
  }
  return true;
}

/** Serializes a parameter map back to `;name=value;flag` form. */
export function paramsToString(params: ReadonlyMap<string, string | null>): string {
  let out = '';
  for (const [k, v] of params) out += v === null ? `;${k}` : `;${k}=${v}`;
  return out;
}

/**
 * Value of one parameter in an already validated `;a=b;c` list, without building a Map: used for the hot
 * fields (tag, branch). Names compare case-insensitively (§7.3.1). undefined if absent, null if valueless.
 */
export function findParam(text: string, name: string): string | null | undefined {
  const n = text.length;
  let pos = 0;
  while (pos < n) {
    const semi = text.indexOf(';', pos);
    if (semi < 0) return undefined;
    pos = semi + 1;
    while (pos < n && isWsp(text.charCodeAt(pos))) pos++;
    const ns = pos;
    while (pos < n && isTokenChar(text.charCodeAt(pos))) pos++;
    if (pos - ns !== name.length) continue;
    let same = true;
    for (let i = 0; i < name.length && same; i++) same = (text.charCodeAt(ns + i) | 0x20) === name.charCodeAt(i);
    if (!same) continue;
    while (pos < n && isWsp(text.charCodeAt(pos))) pos++;
    if (text.charCodeAt(pos) !== 61) return null;
    pos++;
    while (pos < n && isWsp(text.charCodeAt(pos))) pos++;
    const vs = pos;
    if (text.charCodeAt(pos) === 34) pos = skipQuoted(text, pos, 'parameter');
    else while (pos < n && text.charCodeAt(pos) !== 59 && !isWsp(text.charCodeAt(pos))) pos++;
    return text.slice(vs, pos);
  }
  return undefined;
}
