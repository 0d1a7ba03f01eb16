// Typed failures of the XCAP client (RFC 4825), so callers can tell a lost race (412, merge and retry) from a
// refusal (401/403) or an unreachable server (offline: keep the local copy).

/** Any XCAP failure; `status` is the HTTP status when the server answered. */
export class XcapError extends Error {
  override readonly name: string = 'XcapError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** 412 Precondition Failed: the document changed since our ETag (RFC 4825 §7.11). */
export class XcapConflictError extends XcapError {
  override readonly name = 'XcapConflictError';
}

/** 401 after answering the challenge, or 403: the credentials or the document are not ours. */
export class XcapAuthError extends XcapError {
  override readonly name = 'XcapAuthError';
}

/** No answer: connection refused, reset or timed out. The caller works offline. */
export class XcapUnreachableError extends XcapError {
  override readonly name = 'XcapUnreachableError';
}
