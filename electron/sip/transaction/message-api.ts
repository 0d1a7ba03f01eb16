// The one place the SIP core above the message layer gets its message builders from. The agreed message-layer API
// has createRequest/createResponse (RFC 3261 §8.1.1 / §8.2.6.2); until those land, this tiny adapter builds the
// wire text and runs it through the message layer's parseMessage, which gives the same SipRequest/SipResponse.
import type { SipRequest, SipResponse } from '../message/message';
import { parseMessage } from '../message/parser';

export interface CreateRequestInit {
  readonly method: string;
  readonly uri: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body?: string | Buffer;
  readonly contentType?: string;
}

function assemble(startLine: string, headers: ReadonlyArray<readonly [string, string]>, body: string | Buffer | undefined, contentType: string | undefined): string {
  const bodyText = body === undefined ? '' : typeof body === 'string' ? body : body.toString('utf8');
  let text = `${startLine}\r\n`;
  for (const [name, value] of headers) {
    if (/^(content-length|l)$/i.test(name)) continue;
    if (contentType !== undefined && /^(content-type|c)$/i.test(name)) continue;
    text += `${name}: ${value}\r\n`;
  }
  if (contentType !== undefined && bodyText.length > 0) text += `Content-Type: ${contentType}\r\n`;
  text += `Content-Length: ${Buffer.byteLength(bodyText, 'utf8')}\r\n\r\n${bodyText}`;
  return text;
}

export function createRequest(init: CreateRequestInit): SipRequest {
  // The parser insists on a Via (RFC 3261 §8.1.1), but an outgoing request gets its Via from the transaction
  // layer: parse with a placeholder and remove it.
  const hasVia = init.headers.some(([name]) => /^(via|v)$/i.test(name));
  const headers = hasVia ? init.headers : [['Via', 'SIP/2.0/TLS placeholder.invalid;branch=z9hG4bKplaceholder'] as const, ...init.headers];
  const message = parseMessage(assemble(`${init.method} ${init.uri} SIP/2.0`, headers, init.body, init.contentType));
  if (message.kind !== 'request') throw new TypeError('createRequest produced a response');
  if (!hasVia) message.removeHeader('Via');
  return message;
}

/** RFC 3261 §8.2.6.2: copies Via (all), From, To (adding toTag if absent), Call-ID and CSeq. */
export function createResponse(
  request: SipRequest,
  status: number,
  reason: string,
  opts: { toTag?: string; headers?: ReadonlyArray<readonly [string, string]>; body?: string | Buffer; contentType?: string } = {},
): SipResponse {
  const headers: Array<readonly [string, string]> = [];
  for (const via of request.headers('Via')) headers.push(['Via', via]);
  headers.push(['From', request.header('From') ?? '']);
  let to = request.header('To') ?? '';
  // §8.2.6.2: a To tag is added unless the request already had one (or the response is a 100, §8.2.6.1).
  if (opts.toTag !== undefined && !request.to.tag && status > 100) to += `;tag=${opts.toTag}`;
  headers.push(['To', to], ['Call-ID', request.callId], ['CSeq', `${request.cseq.seq} ${request.cseq.method}`]);
  headers.push(...(opts.headers ?? []));
  const message = parseMessage(assemble(`SIP/2.0 ${status} ${reason}`, headers, opts.body, opts.contentType));
  if (message.kind !== 'response') throw new TypeError('createResponse produced a request');
  return message;
}
