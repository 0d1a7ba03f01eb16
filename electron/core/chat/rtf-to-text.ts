// text/rtf → plain text (protocol.md §2.5 item 28; SIPE turns incoming RTF into plain text too). Handles the RTF
// that IM clients produce: groups, control words, \par/\line/\tab, \'hh (Windows-1252), \uN with its \ucN
// fallback, escaped \\ \{ \}; destination groups (\*, fonttbl, colortbl, stylesheet, info, pict …) are skipped.
// Bounded: nesting and output are capped, so hostile input costs linear time.

const SKIP_DESTINATIONS = new Set(['fonttbl', 'colortbl', 'stylesheet', 'info', 'pict', 'object', 'header', 'footer', 'listtable', 'listoverridetable', 'rsidtbl', 'generator', 'xmlnstbl', 'themedata', 'datastore', 'latentstyles']);
/** Windows-1252 0x80–0x9f (the rest of the upper half equals Latin-1). */
const CP1252 = '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

function cp1252(byte: number): string {
  return byte >= 0x80 && byte <= 0x9f ? CP1252[byte - 0x80]! : String.fromCharCode(byte);
}

export function rtfToText(rtf: string, maxChars = 64_000): string {
  let out = '';
  // Per group: skipping?, \uc value.
  const stack: Array<{ skip: boolean; uc: number }> = [];
  let skip = false;
  let uc = 1;
  let pendingSkip = 0; // fallback characters still to drop after a \uN
  let i = 0;
  const n = rtf.length;
  const emit = (s: string): void => {
    if (skip) return;
    if (pendingSkip > 0) {
      pendingSkip--;
      return;
    }
    if (out.length < maxChars) out += s;
  };
  while (i < n) {
    const c = rtf[i]!;
    if (c === '{') {
      if (stack.length < 256) stack.push({ skip, uc });
      i++;
      continue;
    }
    if (c === '}') {
      const top = stack.pop();
      if (top) {
        skip = top.skip;
        uc = top.uc;
      }
      i++;
      continue;
    }
    if (c === '\\') {
      const next = rtf[i + 1];
      if (next === undefined) break;
      if (next === '\\' || next === '{' || next === '}') {
        emit(next);
        i += 2;
        continue;
      }
      if (next === '*') {
        skip = true; // \* marks an optional destination we do not know
        i += 2;
        continue;
      }
      if (next === "'") {
        const hex = rtf.slice(i + 2, i + 4);
        if (/^[0-9a-f]{2}$/i.test(hex)) emit(cp1252(parseInt(hex, 16)));
        i += 4;
        continue;
      }
      if (next === '~') {
        emit('\u00a0');
        i += 2;
        continue;
      }
      if (next === '\r' || next === '\n') {
        emit('\n');
        i += 2;
        continue;
      }
      const m = /^([a-zA-Z]{1,32})(-?\d{1,10})? ?/.exec(rtf.slice(i + 1, i + 48));
      if (!m) {
        i += 2;
        continue;
      }
      i += 1 + m[0].length;
      const word = m[1]!;
      const arg = m[2] === undefined ? undefined : Number(m[2]);
      if (SKIP_DESTINATIONS.has(word)) skip = true;
      else if (word === 'par' || word === 'line' || word === 'sect' || word === 'page') emit('\n');
      else if (word === 'tab') emit('\t');
      else if (word === 'uc' && arg !== undefined) uc = Math.max(0, Math.min(arg, 8));
      else if (word === 'u' && arg !== undefined) {
        const code = arg < 0 ? arg + 65536 : arg;
        emit(code >= 0xd800 && code <= 0xdfff ? String.fromCharCode(code) : String.fromCodePoint(Math.min(code, 0x10ffff)));
        pendingSkip = uc;
      } else if (word === 'emdash') emit('\u2014');
      else if (word === 'endash') emit('\u2013');
      else if (word === 'bullet') emit('\u2022');
      else if (word === 'lquote') emit('\u2018');
      else if (word === 'rquote') emit('\u2019');
      else if (word === 'ldblquote') emit('\u201c');
      else if (word === 'rdblquote') emit('\u201d');
      continue;
    }
    if (c === '\r' || c === '\n') {
      i++;
      continue;
    }
    emit(c);
    i++;
  }
  // Lone surrogates from a broken \u pair become U+FFFD.
  return out.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd').replace(/\n+$/, '').trim();
}
