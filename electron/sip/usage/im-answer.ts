// What the owner of an IM usage answers to an incoming MESSAGE/INFO/INVITE: a status (200, 415, 480, 403 …)
// and optional extra headers (e.g. Accept with a 415, RFC 3261 §21.4.13). Shared by the pager and the session.

export interface ImAnswer {
  readonly status: number;
  readonly reason?: string;
  readonly headers?: ReadonlyArray<[string, string]>;
}

export const ACCEPTED: ImAnswer = { status: 200 };

/** The body types an IM receiver takes (protocol.md §2.5 item 28); the Accept header of a 415. */
export const IM_ACCEPT = 'text/plain, text/html, text/rtf, multipart/alternative, application/im-iscomposing+xml';
