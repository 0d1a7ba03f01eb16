// Results cross the process boundary instead of exceptions (architecture.md house rule 4): a thrown
// error would reach the renderer as a bare message and lose its code.

export type IpcErrorCode =
  /** The command name is not in the contract. */
  | 'unknown-command'
  /** The payload failed the contract's runtime validation. */
  | 'invalid-payload'
  /** The caller is not one of our own pages (wrong frame, origin or token). */
  | 'forbidden'
  /** The command is valid but cannot be done in this state (e.g. not signed in). */
  | 'unavailable'
  /** A bug or an unexpected failure inside main; the message says what, never a stack. */
  | 'internal';

export interface IpcError {
  readonly code: IpcErrorCode;
  readonly message: string;
}

export type IpcResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: IpcError };

export function ok<T>(value: T): IpcResult<T> {
  return { ok: true, value };
}

export function fail(code: IpcErrorCode, message: string): IpcResult<never> {
  return { ok: false, error: { code, message } };
}
