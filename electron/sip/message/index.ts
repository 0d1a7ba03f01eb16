// The message layer's public surface (see /tmp/msgapi.md as agreed between the SIP layers).
export { SipParseError, badRequestReason, badRequestResponse } from './errors';
export { parseMessage } from './parser';
export { SipMessageBase, SipRequest, SipResponse, type SipMessage, type AddHeaderOptions } from './message';
export { createRequest, createResponse, type CreateRequestOptions, type CreateResponseOptions } from './builders';
export { parseUri, uriEquals, SipUri, type UriScheme } from './uri';
export { Via, parseVia, parseViaParm } from './headers/via';
export { NameAddr, parseNameAddr } from './headers/name-addr';
export { parseCSeq, type CSeq } from './headers/cseq';
export { parseAuthHeader, parseAuthParams, type AuthValue } from './headers/auth';
export { parseParams, splitList, unfold, quote, unquote } from './headers/params';
export { headerKey, displayName } from './headers/header-names';
export { StreamFramer, type FramerEvent, type StreamFramerOptions } from './framing';
