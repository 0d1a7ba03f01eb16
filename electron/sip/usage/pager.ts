// Page-mode instant messages (RFC 3428): out-of-dialog MESSAGE, sent through the home server (RFC 3261 §8.1.2
// pre-loaded Route) and received from anyone. protocol.md §2.5 item 23: page mode is the minimum every peer
// supports. A re-send of the same message keeps its Call-ID, From tag and first CSeq, so the receiver's duplicate
// check (Call-ID, CSeq, From tag) collapses it with an earlier attempt that did arrive.
import { randomBytes } from 'node:crypto';
import type { SipRequest, SipResponse } from '../message/message';
import { createResponse } from '../transaction/message-api';
import type { ServerTransaction } from '../transaction/server-transaction';
import type { ImAnswer } from './im-answer';
import { newCallId, newTag } from './request-sender';
import type { RequestSender, SendOutcome } from './request-sender';

export interface PagerHandler {
  /**
   * An out-of-dialog MESSAGE arrived; the answer decides the response (RFC 3428 §7: 200 once accepted). It may
   * come later (a promise): the chat service answers once the message is stored, which it does for all the
   * messages of one event-loop turn together. Until then the transaction stays in Trying and absorbs
   * retransmissions (RFC 3261 §17.2.2); a rejected promise is answered 500.
   */
  onMessage(request: SipRequest): ImAnswer | Promise<ImAnswer>;
}

const SERVER_ERROR: ImAnswer = { status: 500, reason: 'Server Internal Error' };

/**
 * RFC 3261 §19.3: a To tag must be globally unique and cryptographically random (≥ 32 bits). Each tag is 48 bits
 * from the CSPRNG, as newTag's, but read from a buffer filled 4 kB at a time: one randomBytes call per answered
 * MESSAGE was ~5% of receiving one.
 */
const TAG_BYTES = 6;
let tagPool = Buffer.alloc(0);
let tagAt = 0;
function responseTag(): string {
  if (tagAt + TAG_BYTES > tagPool.length) {
    tagPool = randomBytes(4096);
    tagAt = 0;
  }
  const tag = tagPool.toString('hex', tagAt, tagAt + TAG_BYTES);
  tagAt += TAG_BYTES;
  return tag;
}

/** A message's wire identity, kept across re-sends (see the file comment). */
export interface PageIdentity {
  readonly callId: string;
  readonly fromTag: string;
  readonly cseq: number;
}

export function newPageIdentity(): PageIdentity {
  return { callId: newCallId(), fromTag: newTag(), cseq: 1 };
}

export interface PageOptions {
  readonly contentType: string;
  readonly identity?: PageIdentity;
  readonly headers?: ReadonlyArray<[string, string]>;
}

type RegisterMethod = (method: string, handler: (request: SipRequest, tx: ServerTransaction) => void) => void;

export class Pager {
  constructor(
    private readonly sender: RequestSender,
    register: RegisterMethod,
    private readonly handler: PagerHandler,
  ) {
    register('MESSAGE', (request, tx) => this.receive(request, tx));
  }

  /** Sends one MESSAGE to `to` (an AOR); resolves with the final response (408/503 synthesized on timeout/loss). */
  send(to: string, body: string, options: PageOptions): Promise<SendOutcome> {
    const id = options.identity ?? newPageIdentity();
    return this.sender.send({
      method: 'MESSAGE',
      uri: to,
      to: `<${to}>`,
      callId: id.callId,
      fromTag: id.fromTag,
      cseq: id.cseq,
      body,
      contentType: options.contentType,
      ...(options.headers ? { headers: [...options.headers] } : {}),
    });
  }

  private receive(request: SipRequest, tx: ServerTransaction): void {
    let answer: ImAnswer | Promise<ImAnswer>;
    try {
      answer = this.handler.onMessage(request);
    } catch {
      answer = SERVER_ERROR;
    }
    if (answer instanceof Promise) {
      answer.then(
        (a) => respond(request, tx, a),
        () => respond(request, tx, SERVER_ERROR),
      );
      return;
    }
    respond(request, tx, answer);
  }
}

function respond(request: SipRequest, tx: ServerTransaction, answer: ImAnswer): void {
  // RFC 3428 §7: the UAS answers with a final response; a 2xx carries a To tag like any other (§8.2.6.2).
  tx.respond(createResponse(request, answer.status, answer.reason, { toTag: responseTag(), headers: answer.headers ? [...answer.headers] : [] }));
}

/** Whether a MESSAGE response means "delivered" (RFC 3428 §7: any 2xx, including 202 from a store). */
export function isDelivered(response: SipResponse): boolean {
  return response.status >= 200 && response.status < 300;
}
