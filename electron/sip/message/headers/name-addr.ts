// name-addr / addr-spec header values: From, To, Contact, Route, Record-Route, Refer-To...
// (RFC 3261 §20.10, §25.1). The URI is kept as text and parsed on first access, so From/To with a scheme we do
// not support (RFC 4475 §3.3.2 unksm2) still yield their tags, and the receive path skips URI parsing entirely.
import { SipParseError } from '../errors';
import { parseUri, type SipUri } from '../uri';
import { LINE_END, TOKEN_CLASS, findParam, isTokenChar, isWsp, paramsToString, parseParams, quote, skipQuoted, unfold, unquote } from './params';

export class NameAddr {
  /** Display name with quotes removed and quoted-pairs resolved; undefined when absent. */
  displayName?: string;
  /** The URI exactly as written between <> (or the addr-spec). */
  uriText: string;
  /** @internal Validated parameter text (`;tag=x;epid=y`), turned into `params` on first access. */
  private paramText: string;
  private paramMap: Map<string, string | null> | undefined;
  /** @internal The tag found while validating `paramText` (NOT_SCANNED until then): saves a rescan. */
  scannedTag: string | null | undefined | typeof NOT_SCANNED;
  /** True when the value was written as name-addr (with <>), which serialization preserves. */
  angle: boolean;
  private parsedUri?: SipUri;

  constructor(uriText: string, params?: Map<string, string | null> | string, displayName?: string, angle = true) {
    this.uriText = uriText;
    if (typeof params === 'string') {
      this.paramText = params;
      this.paramMap = undefined;
    } else {
      this.paramText = '';
      this.paramMap = params ?? new Map();
    }
    if (displayName !== undefined) this.displayName = displayName;
    this.angle = angle;
    this.scannedTag = NOT_SCANNED;
  }

  /** The parsed URI (cached). Throws SipParseError (416) for schemes other than sip/sips/tel. */
  get uri(): SipUri {
    return (this.parsedUri ??= parseUri(this.uriText));
  }

  set uri(uri: SipUri) {
    this.parsedUri = uri;
    this.uriText = uri.toString();
  }

  /** Header parameters (tag, epid, expires, q, +sip.instance...), names lower-cased, values as written. */
  get params(): Map<string, string | null> {
    if (this.paramMap === undefined) {
      this.paramMap = new Map();
      parseParams(this.paramText, 0, this.paramMap, 'address');
    }
    return this.paramMap;
  }

  get tag(): string | undefined {
    // Once `params` exists it is the truth (it may have been edited); before that, the text is.
    if (this.paramMap !== undefined) return this.paramMap.get('tag') ?? undefined;
    const t = this.scannedTag === NOT_SCANNED ? findParam(this.paramText, 'tag') : this.scannedTag;
    return t ?? undefined;
  }

  set tag(tag: string | undefined) {
    if (tag === undefined) this.params.delete('tag');
    else this.params.set('tag', tag);
  }

  toString(): string {
    const params = paramsToString(this.params);
    if (!this.angle && this.displayName === undefined) return this.uriText + params;
    const dn = this.displayName === undefined ? '' : `${quote(this.displayName)} `;
    return `${dn}<${this.uriText}>${params}`;
  }
}

/** Marks a lazily scanned field that has not been scanned yet (undefined means "absent"). */
const NOT_SCANNED = Symbol('not scanned');

/** A NameAddr whose parameter text was just validated, with the tag found in that same pass. */
function scanned(uriText: string, text: string, paramStart: number, displayName: string | undefined, angle: boolean, what: string): NameAddr {
  const tag = parseParams(text, paramStart, null, what, 'tag');
  const na = new NameAddr(uriText, text.slice(paramStart), displayName, angle);
  na.scannedTag = tag;
  return na;
}

// The shape nearly every From and To has on the wire: `["Display Name" | Display Name] <scheme:...>;params` on
// one line, with no quoted-pair in the display name, no LWS inside the parameters and nothing quoted in them.
// One sticky RegExp validates and splits it natively. It accepts a strict subset of what parseNameAddr accepts
// and yields the same NameAddr; anything else (addr-spec form, escapes, LWS, quoted values, folding, errors)
// goes through parseNameAddr. Groups: 1 quoted display name, 2 token display name, 3 URI, 4 parameters.
const SIMPLE_NAME_ADDR = new RegExp(
  `[ \\t]*(?:"([^"\\\\\\r\\n]*)"[ \\t]*|(${TOKEN_CLASS}+(?:[ \\t]+${TOKEN_CLASS}+)*)[ \\t]*)?` +
  `<([A-Za-z][-+.0-9A-Za-z]*:[^\\s<>"]*)>((?:;${TOKEN_CLASS}+(?:=[^;,"<>\\s]+)?)*)${LINE_END}`, 'y');

/**
 * Fast path for the receive hot path: the From/To whose value starts at s[valueStart] and runs to the end of
 * its line, or undefined when it is not in the simple shape above (then the caller uses parseNameAddr).
 */
export function parseSimpleNameAddrLine(s: string, valueStart: number): NameAddr | undefined {
  SIMPLE_NAME_ADDR.lastIndex = valueStart;
  const m = SIMPLE_NAME_ADDR.exec(s);
  if (m === null) return undefined;
  const params = m[4] as string;
  const na = new NameAddr(m[3] as string, params, m[1] ?? m[2], true);
  // Parameter values hold no ";" here, so ";tag=" at 0 is the first parameter. Elsewhere, an earlier "TAG"
  // could come first (§7.3.1: names are case-insensitive), so the getter scans then.
  if (params.startsWith(';tag=')) {
    const end = params.indexOf(';', 5);
    na.scannedTag = end < 0 ? params.slice(5) : params.slice(5, end);
  }
  return na;
}

/**
 * Parses one name-addr or addr-spec with its header parameters (RFC 3261 §20.10):
 *   ( name-addr / addr-spec ) *( SEMI generic-param ),  name-addr = [ display-name ] LAQUOT addr-spec RAQUOT
 */
export function parseNameAddr(input: string, what = 'address'): NameAddr {
  const text = unfold(input);
  const n = text.length;
  let pos = 0;
  while (pos < n && isWsp(text.charCodeAt(pos))) pos++;
  if (pos >= n) throw new SipParseError(`empty ${what}`);
  let displayName: string | undefined;
  let c = text.charCodeAt(pos);
  if (c === 34 /* " */) {
    const end = skipQuoted(text, pos, what);
    displayName = unquote(text.slice(pos, end));
    pos = end;
    while (pos < n && isWsp(text.charCodeAt(pos))) pos++;
    if (text.charCodeAt(pos) !== 60) throw new SipParseError(`${what}: display name not followed by <URI>`);
    c = 60;
  } else if (c !== 60) {
    const lt = text.indexOf('<', pos);
    if (lt >= 0) {
      // display-name = *(token LWS) — RFC 4475 §3.1.1.6 (lwsdisp) allows no LWS before "<";
      // a non-token character such as "," (RFC 4475 §3.1.2.16 baddn) makes it malformed.
      let end = lt;
      while (end > pos && isWsp(text.charCodeAt(end - 1))) end--;
      for (let i = pos; i < end; i++) {
        const d = text.charCodeAt(i);
        if (!isTokenChar(d) && !isWsp(d)) throw new SipParseError(`${what}: unquoted display name contains "${text[i]}"`);
      }
      displayName = text.slice(pos, end);
      pos = lt;
      c = 60;
    }
  }
  if (c === 60 /* < */) {
    const gt = text.indexOf('>', pos + 1);
    if (gt < 0) throw new SipParseError(`${what}: missing ">"`);
    const uriText = text.slice(pos + 1, gt);
    // RFC 4475 §3.1.2.15 (badaspec): no LWS is allowed between the angle brackets and the URI.
    if (uriText.length === 0 || isWsp(uriText.charCodeAt(0)) || isWsp(uriText.charCodeAt(uriText.length - 1))) {
      throw new SipParseError(`${what}: whitespace or nothing inside <>`);
    }
    if (uriText.indexOf(':') <= 0) throw new SipParseError(`${what}: URI without a scheme`);
    return scanned(uriText, text, gt + 1, displayName, true, what);
  }
  // addr-spec form: the URI ends at the first ";" — any parameters are header parameters (§20.10).
  let end = pos;
  while (end < n) {
    const d = text.charCodeAt(end);
    if (d === 59 || isWsp(d)) break;
    // RFC 3261 §20.10 / RFC 4475 §3.1.2.12 (regbadct): a URI with "," "?" or ";" must be in <>.
    if (d === 44 || d === 63) throw new SipParseError(`${what}: URI containing "${text[end]}" must be enclosed in <>`);
    end++;
  }
  const uriText = text.slice(pos, end);
  if (uriText.indexOf(':') <= 0) throw new SipParseError(`${what}: URI without a scheme`);
  return scanned(uriText, text, end, undefined, false, what);
}
