// Credentials never reach a log or the UI: Authorization-style headers keep their scheme and the
// harmless parameters a person needs to debug (username, realm, algorithm, qop, nc) and lose the rest.
const CREDENTIAL_HEADERS = /^(authorization|proxy-authorization)\s*:(.*)$/i;
const SAFE_PARAMS = new Set(['username', 'realm', 'algorithm', 'qop', 'nc', 'uri']);

function redactCredentials(value: string): string {
  const m = /^\s*(\S+)\s*(.*)$/.exec(value);
  if (!m) return ' [redacted]';
  const [, scheme, params] = m;
  const kept: string[] = [];
  // Parameter values may be quoted and contain commas; split on commas outside quotes.
  for (const part of params!.match(/(?:[^,"]|"(?:[^"\\]|\\.)*")+/g) ?? []) {
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (SAFE_PARAMS.has(name)) kept.push(part.trim());
    else if (name) kept.push(`${name}=[redacted]`);
  }
  return ` ${scheme} ${kept.join(', ')}`;
}

/** Redacts every Authorization / Proxy-Authorization header line in a SIP message's text. */
export function redactSipText(text: string): string {
  const headerEnd = text.indexOf('\r\n\r\n');
  const head = headerEnd < 0 ? text : text.slice(0, headerEnd);
  const rest = headerEnd < 0 ? '' : text.slice(headerEnd);
  const lines = head.split('\r\n').map((line) => {
    const m = CREDENTIAL_HEADERS.exec(line);
    return m ? `${line.slice(0, line.indexOf(':') + 1)}${redactCredentials(m[2]!)}` : line;
  });
  return lines.join('\r\n') + rest;
}
