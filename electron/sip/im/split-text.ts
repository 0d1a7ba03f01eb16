// Long text is split into several IM messages (protocol.md §2.14 item 61: cap outgoing IM at about 8000
// characters; OCS 2007 was seen refusing larger ones). Splits prefer a line break, then a space, and never cut a
// UTF-16 surrogate pair.

export const MAX_IM_CHARS = 8000;
/** protocol.md §2.14 item 60–61: a first message over ~800 characters was refused, so larger ones go after the ACK. */
export const MAX_FIRST_MESSAGE_CHARS = 800;

export function splitText(text: string, max = MAX_IM_CHARS): string[] {
  if (max < 2) throw new RangeError('max must be at least 2');
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    // A separator at index max - 1 at the latest: it stays at the end of its part, which must fit in max.
    let cut = rest.lastIndexOf('\n', max - 1);
    if (cut < max / 2) cut = rest.lastIndexOf(' ', max - 1);
    if (cut < max / 2) cut = max;
    else cut += 1; // keep the separator at the end of the part, so joining the parts gives the text back
    const code = rest.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut -= 1; // never split a surrogate pair
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
}
