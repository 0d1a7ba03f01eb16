// Typed errors of the contact list. Each carries a code the IPC layer can map and a sentence a person can
// act on ("bob@ is not a SIP address…", "Friends already exists"); nothing is changed when one is thrown.
export type ContactErrorCode =
  | 'invalid-address'
  | 'invalid-name'
  | 'duplicate-contact'
  | 'unknown-contact'
  | 'unknown-group'
  | 'duplicate-group'
  | 'group-not-empty';

export class ContactError extends Error {
  override readonly name = 'ContactError';
  constructor(
    readonly code: ContactErrorCode,
    message: string,
  ) {
    super(message);
  }
}
