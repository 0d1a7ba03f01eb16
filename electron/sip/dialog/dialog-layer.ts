// Matches in-dialog requests to their dialog (RFC 3261 §12.2.2) and hands them to the dialog's usage; answers
// 481 to a request with a To tag that matches no dialog and 500 to one whose CSeq is out of order.
import type { SipRequest, SipResponse } from '../message/message';
import { createResponse } from '../transaction/message-api';
import type { ServerTransaction } from '../transaction/server-transaction';
import { dialogKey } from './dialog';
import type { Dialog } from './dialog';
import type { DialogId } from './dialog';

/** What a usage attached to a dialog implements (architecture.md house rule 6). */
export interface DialogUsageHandler {
  /**
   * An in-dialog request that passed the §12.2.2 checks. `tx` is undefined for an ACK (the ACK of a 2xx is not
   * part of any server transaction, RFC 3261 §17.2.3).
   */
  onRequest(request: SipRequest, tx: ServerTransaction | undefined, dialog: Dialog): void;
}

export class DialogLayer {
  private readonly dialogs = new Map<string, { dialog: Dialog; handler: DialogUsageHandler }>();

  add(dialog: Dialog, handler: DialogUsageHandler): void {
    this.dialogs.set(dialog.key, { dialog, handler });
  }

  remove(dialog: Dialog): void {
    if (this.dialogs.get(dialog.key)?.dialog === dialog) this.dialogs.delete(dialog.key);
  }

  find(id: DialogId): Dialog | undefined {
    return this.dialogs.get(dialogKey(id))?.dialog;
  }

  get size(): number {
    return this.dialogs.size;
  }

  /** The dialog an inbound request belongs to: local tag = To tag, remote tag = From tag (§12.2.2). */
  match(request: SipRequest): Dialog | undefined {
    const localTag = request.to.tag;
    const remoteTag = request.from.tag;
    if (!localTag || !remoteTag) return undefined;
    return this.find({ callId: request.callId, localTag, remoteTag });
  }

  /** The dialog a response to one of our in-dialog requests belongs to (local = From tag, remote = To tag). */
  matchResponse(response: SipResponse): Dialog | undefined {
    const localTag = response.from.tag;
    const remoteTag = response.to.tag;
    if (!localTag || !remoteTag) return undefined;
    return this.find({ callId: response.callId, localTag, remoteTag });
  }

  /**
   * Handles a request whose To carries a tag (an in-dialog request, §12.2). Returns false for a request without
   * a To tag, which the caller dispatches as out-of-dialog. Unmatched: 481 (§12.2.2), except an ACK, which has no
   * response and is dropped. CSeq lower than the remote sequence number: 500 (§12.2.2).
   */
  receiveRequest(request: SipRequest, tx: ServerTransaction | undefined): boolean {
    if (!request.to.tag) return false;
    const entry = this.dialogs.get(
      dialogKey({ callId: request.callId, localTag: request.to.tag, remoteTag: request.from.tag ?? '' }),
    );
    if (!entry) {
      tx?.respond(createResponse(request, 481, 'Call/Transaction Does Not Exist'));
      return true;
    }
    const check = entry.dialog.receiveRequest(request);
    if (!check.ok) {
      tx?.respond(createResponse(request, check.status, check.reason));
      return true;
    }
    entry.handler.onRequest(request, tx, entry.dialog);
    return true;
  }
}
