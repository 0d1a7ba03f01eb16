// One entry point for NOTIFY / BENOTIFY / piggybacked 200 bodies: pick the parser by Content-Type, or by the root
// element when the type is missing or generic (protocol.md §2.7 items 36–39, 45).
import { PresenceDocumentError } from './errors';
import { mapMsrtc } from './msrtc';
import { NS_PIDF } from './namespaces';
import { mapPidf } from './pidf';
import type { PresenceParseOptions, PresenceState } from './presence-model';
import type { XmlLimits } from './xml/limits';
import { parseXml, type XmlElement } from './xml/tree';
import { mapXpidf } from './xpidf';

/** The presence media types we accept (advertise them in SUBSCRIBE Accept, §2.7 item 36). */
export const PRESENCE_CONTENT_TYPES = ['application/pidf+xml', 'application/xpidf+xml', 'text/xml+msrtc.pidf'] as const;

export interface PresenceBodyOptions extends PresenceParseOptions {
  readonly limits?: Partial<XmlLimits>;
}

function mediaType(contentType: string | undefined): string {
  if (!contentType) return '';
  const semi = contentType.indexOf(';');
  return (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

/**
 * Parses a presence body into the UI model. Throws `XmlParseError` (malformed or hostile XML) or
 * `PresenceDocumentError` (well-formed but not a presence document we know); both extend `SimpleBodyError`.
 * Multipart (RLMI) bodies are split by the subscription usage and each part is passed here.
 */
export function parsePresenceBody(contentType: string | undefined, body: string | Uint8Array, options: PresenceBodyOptions = {}): PresenceState {
  const type = mediaType(contentType);
  const root = parseXml(body, options.limits);
  switch (type) {
    case 'application/pidf+xml':
    case 'application/cpim-pidf+xml':
      return mapPidf(root, options);
    case 'application/xpidf+xml':
      return mapXpidf(root, options);
    case 'text/xml+msrtc.pidf':
      return mapMsrtc(root, options);
    default:
      return sniff(root, type, options);
  }
}

/** Missing or generic type (application/xml, text/xml): decide by the root element. */
function sniff(root: XmlElement, type: string, options: PresenceParseOptions): PresenceState {
  if (root.local === 'presence') return root.ns === NS_PIDF || root.ns === 'urn:ietf:params:xml:ns:cpim-pidf' ? mapPidf(root, options) : mapXpidf(root, options);
  if (root.local === 'presentity') return mapMsrtc(root, options);
  throw new PresenceDocumentError(type || 'presence', `not a presence document (root element ${root.local})`);
}
