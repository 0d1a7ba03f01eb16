// Resource bounds for every XML body we accept from the network. Presence documents are small (a PIDF with a
// few tuples is about 1 KB), so these defaults are generous for real input and tight for hostile input.

export interface XmlLimits {
  /** Maximum input length in UTF-16 code units (for a Uint8Array input: in bytes, checked before decoding). */
  readonly maxLength: number;
  /** Maximum element nesting depth (the root is depth 1). */
  readonly maxDepth: number;
  /** Maximum attributes on one element, namespace declarations included. */
  readonly maxAttributes: number;
  /** Maximum elements in the whole document. */
  readonly maxElements: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = Object.freeze({
  maxLength: 64 * 1024,
  maxDepth: 32,
  maxAttributes: 64,
  maxElements: 4096,
});

export function resolveLimits(limits?: Partial<XmlLimits>): XmlLimits {
  if (!limits) return DEFAULT_XML_LIMITS;
  return { ...DEFAULT_XML_LIMITS, ...limits };
}
