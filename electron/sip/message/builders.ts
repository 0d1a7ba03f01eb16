// Building outgoing messages. A built message is a SipMessageBase whose headers are all "edited" entries, so
// it shares the header API, the caches and the serializer with received messages.
import { displayName, headerKey } from './headers/header-names';
import { SipRequest, SipResponse, type SipMessageBase } from './message';

export interface CreateRequestOptions {
  method: string;
  uri: string;
  headers: Array<[string, string]>;
  body?: string | Buffer;
  contentType?: string;
}

export interface CreateResponseOptions {
  /** Tag to put on To (RFC 3261 §8.2.6.2) unless the request's To already has one. */
  toTag?: string;
  headers?: Array<[string, string]>;
  body?: string | Buffer;
  contentType?: string;
}

function fill(msg: SipMessageBase, headers: Array<[string, string]>, body: string | Buffer | undefined, contentType: string | undefined): void {
  for (const [name, value] of headers) msg.addHeader(name, value);
  // Content-Length is always sent (required on streams, RFC 3261 §18.3); setBody keeps it right.
  msg.setBody(body ?? '', body === undefined || (typeof body === 'string' ? body.length === 0 : body.length === 0) ? undefined : contentType);
}

/** Builds a request; Via, Max-Forwards etc. are the caller's (the transaction layer adds the branch, §8.1.1.7). */
export function createRequest(opts: CreateRequestOptions): SipRequest {
  const startLine = `${opts.method} ${opts.uri} SIP/2.0`;
  const req = new SipRequest(opts.method, opts.uri, startLine, startLine.length, [], [], null, 0, 0);
  fill(req, opts.headers, opts.body, opts.contentType);
  return req;
}

const DEFAULT_REASONS: Record<number, string> = {
  100: 'Trying', 180: 'Ringing', 181: 'Call Is Being Forwarded', 182: 'Queued', 183: 'Session Progress',
  200: 'OK', 202: 'Accepted', 301: 'Moved Permanently', 302: 'Moved Temporarily', 400: 'Bad Request',
  401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 407: 'Proxy Authentication Required',
  408: 'Request Timeout', 415: 'Unsupported Media Type', 416: 'Unsupported URI Scheme', 420: 'Bad Extension',
  423: 'Interval Too Brief', 480: 'Temporarily Unavailable', 481: 'Call/Transaction Does Not Exist', 482: 'Loop Detected',
  483: 'Too Many Hops', 486: 'Busy Here', 487: 'Request Terminated', 488: 'Not Acceptable Here', 489: 'Bad Event',
  491: 'Request Pending', 500: 'Server Internal Error', 501: 'Not Implemented', 503: 'Service Unavailable',
  504: 'Server Time-out', 505: 'Version Not Supported', 513: 'Message Too Large', 600: 'Busy Everywhere',
  603: 'Decline', 604: 'Does Not Exist Anywhere', 606: 'Not Acceptable',
};

/**
 * Builds a response to `request` (RFC 3261 §8.2.6.2): copies every Via (in order), From, To, Call-ID and CSeq;
 * adds `toTag` to To unless the request's To already carries a tag (an in-dialog request, §12.2.2).
 */
export function createResponse(request: SipRequest, status: number, reason?: string, opts: CreateResponseOptions = {}): SipResponse {
  const text = reason ?? DEFAULT_REASONS[status] ?? 'Unknown';
  const startLine = `SIP/2.0 ${status} ${text}`;
  const res = new SipResponse(status, text, startLine, startLine.length, [], [], null, 0, 0);
  const headers: Array<[string, string]> = [];
  for (const v of request.headers('via')) headers.push(['Via', v]);
  headers.push(['From', request.header('from') ?? '']);
  let to = request.header('to') ?? '';
  if (opts.toTag !== undefined && request.to.tag === undefined) to += `;tag=${opts.toTag}`;
  headers.push(['To', to]);
  headers.push(['Call-ID', request.callId]);
  headers.push(['CSeq', `${request.cseq.seq} ${request.cseq.method}`]);
  for (const [n, v] of opts.headers ?? []) {
    // Extra headers never duplicate the copied ones.
    const key = headerKey(n);
    if (key === 'via' || key === 'from' || key === 'to' || key === 'call-id' || key === 'cseq') continue;
    headers.push([displayName(n), v]);
  }
  fill(res, headers, opts.body, opts.contentType);
  return res;
}
