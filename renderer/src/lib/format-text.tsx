// Plain-text messages with light formatting, documented in the README (UI section):
//   *bold*   _italic_   and links (http, https, sip) made clickable.
// The text is never interpreted as HTML: every piece becomes a React text node or one of our own elements.
import type { ReactNode } from 'react';
import { SafeLink, safeHref } from './safe-html';

const LINK = /\b((?:https?:\/\/|sips?:)[^\s<>"']+[^\s<>"'.,;:!?)\]])/gi;
const EMPHASIS = /(^|[\s(])([*_])(?=\S)([^*_\n]*?\S)\2(?=$|[\s.,;:!?)])/g;

function emphasis(text: string, keyBase: string): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  let i = 0;
  for (const m of text.matchAll(EMPHASIS)) {
    const start = m.index + m[1]!.length;
    if (start > last) out.push(text.slice(last, start));
    const inner = m[3]!;
    out.push(m[2] === '*' ? <strong key={`${keyBase}b${i++}`}>{inner}</strong> : <em key={`${keyBase}i${i++}`}>{inner}</em>);
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

export function formatText(text: string, onSip?: (uri: string) => void): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  let n = 0;
  for (const m of text.matchAll(LINK)) {
    if (m.index > last) out.push(...emphasis(text.slice(last, m.index), `t${n}`));
    const href = safeHref(m[1]);
    out.push(href ? <SafeLink key={`l${n}`} href={href} {...(onSip ? { onSip } : {})}>{m[1]}</SafeLink> : m[1]);
    last = m.index + m[0].length;
    n++;
  }
  if (last < text.length) out.push(...emphasis(text.slice(last), `t${n}`));
  return out;
}

/** Wraps the selection of a textarea in a marker (B / I buttons); returns the new value and selection. */
export function wrapSelection(value: string, start: number, end: number, marker: string): { value: string; start: number; end: number } {
  const selected = value.slice(start, end) || '';
  const next = `${value.slice(0, start)}${marker}${selected}${marker}${value.slice(end)}`;
  return { value: next, start: start + marker.length, end: end + marker.length };
}
