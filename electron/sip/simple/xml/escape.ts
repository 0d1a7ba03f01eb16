// Escaping for the documents we build. Output must be well-formed XML 1.0 whatever the user typed.

/** Drops code points XML 1.0 §2.2 does not allow (C0 controls except TAB/LF/CR, U+FFFE/U+FFFF, lone surrogates). */
export function stripInvalidXmlChars(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '');
}

/** Character data: & and < must be escaped, > for "]]>"; CR as a reference so it survives line-end normalization (§2.11). */
export function escapeText(s: string): string {
  return stripInvalidXmlChars(s).replace(/[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#13;'));
}

/** Attribute value in double quotes; TAB/LF/CR as references so attribute normalization (§3.3.3) keeps them. */
export function escapeAttr(s: string): string {
  return stripInvalidXmlChars(s).replace(/[&<>"\t\n\r]/g, (c) => {
    switch (c) {
      case '&': return '&amp;';
      case '<': return '&lt;';
      case '>': return '&gt;';
      case '"': return '&quot;';
      case '\t': return '&#9;';
      case '\n': return '&#10;';
      default: return '&#13;';
    }
  });
}
