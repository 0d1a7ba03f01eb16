// Namespace URIs of the SIMPLE documents we read and write.

/** RFC 3863 §4.1 PIDF. */
export const NS_PIDF = 'urn:ietf:params:xml:ns:pidf';
/** RFC 4479 §4 data model (person, device, deviceID, note, timestamp). */
export const NS_DM = 'urn:ietf:params:xml:ns:pidf:data-model';
/** RFC 4480 §3 RPID. */
export const NS_RPID = 'urn:ietf:params:xml:ns:pidf:rpid';
/**
 * The RPID draft namespaces (draft-ietf-simple-rpid before RFC 4480): `es:activities/es:activity` with text tokens.
 * The BCP example that Microsoft co-authored uses the first (protocol.md §3.2, §4 item 4).
 */
export const NS_RPID_DRAFT = 'urn:ietf:params:xml:ns:pidf:rpid-status';
export const NS_RPID_DRAFT_OLD = 'urn:ietf:params:xml:ns:pidf:status:rpid-status';
/** RFC 4482 §3 CIPID. */
export const NS_CIPID = 'urn:ietf:params:xml:ns:pidf:cipid';
/** RFC 3994 §6 isComposing. */
export const NS_ISCOMPOSING = 'urn:ietf:params:xml:ns:im-iscomposing';
/** [MS-SIP] msrtc.pidf; MS documents also spell it …/09/2002/…, so msrtc is matched by local name (§2.7 item 45). */
export const NS_MSRTC = 'http://schemas.microsoft.com/2002/09/sip/presence';

export const RPID_NAMESPACES: ReadonlySet<string> = new Set([NS_RPID, NS_RPID_DRAFT, NS_RPID_DRAFT_OLD]);
/** Namespaces whose elements the PIDF mapper reads (anything else is an ignored extension). */
export const KNOWN_PIDF_NAMESPACES: ReadonlySet<string> = new Set([NS_PIDF, NS_DM, NS_RPID, NS_RPID_DRAFT, NS_RPID_DRAFT_OLD, NS_CIPID]);
