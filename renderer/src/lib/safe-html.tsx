// Incoming rich text, defence in depth. Main already sanitised `html` with its own allow-list; here it is parsed
// again in an inert document (DOMParser runs no script and loads nothing) and rebuilt as React elements from a
// DOM allow-list — tags, and for links only an http/https/sip href. Nothing is ever passed to innerHTML.
import { Fragment, createElement } from 'react';
import type { ReactNode } from 'react';

const ALLOWED = new Set(['b', 'i', 'u', 's', 'br', 'p', 'span', 'a', 'ul', 'ol', 'li', 'em', 'strong', 'code', 'pre', 'font']);
/** Rendered as a plain wrapper: their attributes (colour, face, size) are dropped. */
const AS_SPAN = new Set(['font', 'span']);
const DROP_WITH_CONTENT = new Set(['script', 'style', 'template', 'iframe', 'object', 'embed', 'svg', 'math', 'noscript', 'title', 'head']);
const MAX_NODES = 5000;

export const SAFE_SCHEMES = ['http:', 'https:', 'sip:', 'sips:'];

/** A link target we are willing to render: absolute http(s) or sip(s) only (no javascript:, data:, file:, relative). */
export function safeHref(raw: string | null | undefined): string | undefined {
  if (!raw) return undefined;
  const trimmed = raw.replace(/[\u0000-\u001f\u007f\s]+/g, '');
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return undefined;
  }
  return SAFE_SCHEMES.includes(url.protocol) ? url.href : undefined;
}

export interface LinkHandler {
  (href: string, event: { preventDefault(): void }): void;
}

export function SafeLink({ href, children, onSip }: { href: string; children: ReactNode; onSip?: (uri: string) => void }) {
  const isSip = /^sips?:/i.test(href);
  return (
    <a
      href={href}
      target="_blank"
      rel="noopener noreferrer"
      onClick={
        isSip && onSip
          ? (e) => {
              e.preventDefault();
              onSip(href);
            }
          : undefined
      }
    >
      {children}
    </a>
  );
}

/** Parses already-sanitised HTML and returns React nodes built only from the allow-list. */
export function renderSafeHtml(html: string, onSip?: (uri: string) => void): ReactNode {
  const doc = new DOMParser().parseFromString(`<!doctype html><body>${html}</body>`, 'text/html');
  let budget = MAX_NODES;
  const walk = (node: Node, key: number): ReactNode => {
    if (--budget < 0) return null;
    if (node.nodeType === Node.TEXT_NODE) return node.textContent;
    if (node.nodeType !== Node.ELEMENT_NODE) return null;
    const el = node as Element;
    const tag = el.tagName.toLowerCase();
    if (DROP_WITH_CONTENT.has(tag)) return null;
    const children = Array.from(el.childNodes, (c, i) => walk(c, i));
    if (!ALLOWED.has(tag)) return <Fragment key={key}>{children}</Fragment>; // unknown tag: keep its text only
    if (tag === 'br') return <br key={key} />;
    if (tag === 'a') {
      const href = safeHref(el.getAttribute('href'));
      return href ? <SafeLink key={key} href={href} {...(onSip ? { onSip } : {})}>{children}</SafeLink> : <Fragment key={key}>{children}</Fragment>;
    }
    return createElement(AS_SPAN.has(tag) ? 'span' : tag, { key }, ...children);
  };
  return Array.from(doc.body.childNodes, (c, i) => walk(c, i));
}
