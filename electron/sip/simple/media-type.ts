// Media types as Content-Type carries them (RFC 2045 §5.1): `type/subtype; name=value; name="quoted value"`.
// Shared by every body reader (multipart and RLMI, instant messages) so each sees the same type and parameters.

export interface MediaType {
  readonly type: string;
  readonly params: ReadonlyMap<string, string>;
}

/** Parses `type/subtype; a=b; c="d"` (RFC 2045 §5.1). Parameter names lower-cased, quoted values unescaped. */
export function parseMediaType(value: string): MediaType {
  const params = new Map<string, string>();
  const semi = value.indexOf(';');
  const type = (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase();
  let i = semi < 0 ? value.length : semi + 1;
  while (i < value.length) {
    const eq = value.indexOf('=', i);
    if (eq < 0) break;
    const name = value.slice(i, eq).trim().toLowerCase();
    let j = eq + 1;
    while (j < value.length && (value[j] === ' ' || value[j] === '\t')) j++;
    let v = '';
    if (value[j] === '"') {
      j++;
      while (j < value.length && value[j] !== '"') {
        if (value[j] === '\\' && j + 1 < value.length) j++;
        v += value[j];
        j++;
      }
      j++;
      const next = value.indexOf(';', j);
      i = next < 0 ? value.length : next + 1;
    } else {
      const next = value.indexOf(';', j);
      v = value.slice(j, next < 0 ? value.length : next).trim();
      i = next < 0 ? value.length : next + 1;
    }
    if (name) params.set(name, v);
  }
  return { type, params };
}
