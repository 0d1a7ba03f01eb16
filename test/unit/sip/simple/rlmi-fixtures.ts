// NOTIFY bodies shaped like RFC 4662 §7.2 (the first, full-state notification of adam-friends) and §7.4 (a partial
// update), rebuilt with CRLF line ends as they travel in SIP.
export const BOUNDARY = '50UBfW7LSCVLtggUPe5z';
export const CONTENT_TYPE = `multipart/related;type="application/rlmi+xml";start="<nXYxAE@pres.vancouver.example.com>";boundary="${BOUNDARY}"`;

export function pidf(entity: string, basic: 'open' | 'closed', note?: string): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="${entity}">`,
    `  <tuple id="t1"><status><basic>${basic}</basic></status>${note ? `<note>${note}</note>` : ''}</tuple>`,
    '</presence>',
  ].join('\r\n');
}

export interface FixturePart {
  readonly cid: string;
  readonly type: string;
  readonly body: string;
}

export function multipart(rlmi: string, parts: readonly FixturePart[], boundary = BOUNDARY, rootCid = 'nXYxAE@pres.vancouver.example.com'): string {
  const out: string[] = [];
  out.push(`--${boundary}`, 'Content-Transfer-Encoding: binary', `Content-ID: <${rootCid}>`, 'Content-Type: application/rlmi+xml;charset="UTF-8"', '', rlmi);
  for (const p of parts) out.push(`--${boundary}`, 'Content-Transfer-Encoding: binary', `Content-ID: <${p.cid}>`, `Content-Type: ${p.type}`, '', p.body);
  out.push(`--${boundary}--`, '');
  return out.join('\r\n');
}

/** RFC 4662 §7.2, full state, version 1. */
export const RLMI_FULL = [
  '<?xml version="1.0" encoding="UTF-8"?>',
  '<list xmlns="urn:ietf:params:xml:ns:rlmi" uri="sip:adam-friends@pres.vancouver.example.com" version="1" fullState="true">',
  '  <name xml:lang="en">Buddy List at COM</name>',
  '  <name xml:lang="de">Liste der Freunde an COM</name>',
  '  <resource uri="sip:bob@vancouver.example.com">',
  '    <name>Bob Smith</name>',
  '    <instance id="juwigmtboe" state="active" cid="bUZBsM@pres.vancouver.example.com"/>',
  '  </resource>',
  '  <resource uri="sip:dave@vancouver.example.com">',
  '    <name>Dave Jones</name>',
  '    <instance id="hqzsuxtfyq" state="active" cid="ZvSvkz@pres.vancouver.example.com"/>',
  '  </resource>',
  '  <resource uri="sip:ed@dallas.example.net">',
  '    <name>Ed at NET</name>',
  '  </resource>',
  '  <resource uri="sip:adam-friends@stockholm.example.org">',
  '    <name xml:lang="en">My Friends at ORG</name>',
  '    <name xml:lang="de">Meine Freunde an ORG</name>',
  '  </resource>',
  '</list>',
].join('\r\n');

export const NOTIFY_FULL = multipart(RLMI_FULL, [
  { cid: 'bUZBsM@pres.vancouver.example.com', type: 'application/pidf+xml;charset="UTF-8"', body: pidf('sip:bob@vancouver.example.com', 'open') },
  { cid: 'ZvSvkz@pres.vancouver.example.com', type: 'application/pidf+xml;charset="UTF-8"', body: pidf('sip:dave@vancouver.example.com', 'closed') },
]);

/** RFC 4662 §7.4-like partial update, version 2: Bob closed, Ed's back-end subscription active. */
export const RLMI_PARTIAL = [
  '<?xml version="1.0" encoding="UTF-8"?>',
  '<list xmlns="urn:ietf:params:xml:ns:rlmi" uri="sip:adam-friends@pres.vancouver.example.com" version="2" fullState="false">',
  '  <resource uri="sip:bob@vancouver.example.com">',
  '    <name>Bob Smith</name>',
  '    <instance id="juwigmtboe" state="active" cid="hgDSrhfj@pres.vancouver.example.com"/>',
  '  </resource>',
  '  <resource uri="sip:ed@dallas.example.net">',
  '    <name>Ed at NET</name>',
  '    <instance id="cmpvqrxc" state="terminated" reason="resubscribe"/>',
  '  </resource>',
  '</list>',
].join('\r\n');

export const NOTIFY_PARTIAL = multipart(RLMI_PARTIAL.replace('version="2"', 'version="2"'), [
  { cid: 'hgDSrhfj@pres.vancouver.example.com', type: 'application/pidf+xml', body: pidf('sip:bob@vancouver.example.com', 'closed', 'gone') },
]);
