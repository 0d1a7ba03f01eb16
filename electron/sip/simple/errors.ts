// Typed errors of the SIMPLE body layer (architecture.md: errors are typed classes).
// Callers catch `SimpleBodyError` to mean "this body cannot be used"; the subclasses say why.

/** Base class: any presence / isComposing body we refuse. `reason` is short, single-line and safe to log. */
export class SimpleBodyError extends Error {
  override readonly name: string = 'SimpleBodyError';
  readonly reason: string;
  constructor(reason: string) {
    super(reason);
    this.reason = reason;
  }
}

/** Why an XML body was refused: malformed (XML 1.0 / Namespaces in XML 1.0 well-formedness) or unsafe (limits, DTD). */
export type XmlErrorCode =
  | 'too-large'
  | 'too-deep'
  | 'too-many-elements'
  | 'too-many-attributes'
  | 'entity-declaration'
  | 'parameter-entity'
  | 'undefined-entity'
  | 'invalid-char-ref'
  | 'unbound-prefix'
  | 'bad-namespace-declaration'
  | 'duplicate-attribute'
  | 'mismatched-tag'
  | 'unexpected-eof'
  | 'invalid-name'
  | 'misplaced-doctype'
  | 'misplaced-xml-declaration'
  | 'no-root-element'
  | 'content-outside-root'
  | 'invalid-comment'
  | 'syntax';

/** The XML itself is malformed or hostile. `offset` is the UTF-16 index in the decoded text where it was detected. */
export class XmlParseError extends SimpleBodyError {
  override readonly name = 'XmlParseError';
  readonly code: XmlErrorCode;
  readonly offset: number;
  constructor(code: XmlErrorCode, reason: string, offset: number) {
    super(`${reason} (at offset ${offset})`);
    this.code = code;
    this.offset = offset;
  }
}

/** Well-formed XML that is not the document we expected (wrong root, missing required part, bad value). */
export class PresenceDocumentError extends SimpleBodyError {
  override readonly name = 'PresenceDocumentError';
  readonly format: string;
  constructor(format: string, reason: string) {
    super(`${format}: ${reason}`);
    this.format = format;
  }
}
