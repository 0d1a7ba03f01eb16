// Turns what a person typed into the search box into an FTS5 query that cannot be a syntax error and has
// no operators: every word becomes a quoted string (FTS5 §3.1: inside "…" only a doubled quote is
// special), so `NEAR(`, `a OR`, `*`, `-x`, `col:` and stray quotes are just text; words are ANDed; the last
// word is a prefix (`"wor"*`) so results follow the typing, unless the input ends with a space.
// Words with no letter or digit are dropped: the unicode61 tokenizer ignores them anyway, and an empty
// phrase would match nothing.
const MAX_TERMS = 32;

/** The FTS5 MATCH expression for `input`, or undefined when it contains nothing searchable. */
export function toFtsQuery(input: string): string | undefined {
  const normalized = input.normalize('NFC');
  // Split on white space and control characters (a NUL or line break is never part of a word).
  const words = normalized.split(/[\s\p{Cc}]+/u).filter((w) => /[\p{L}\p{N}]/u.test(w)).slice(0, MAX_TERMS);
  if (words.length === 0) return undefined;
  const prefixLast = !/[\s\p{Cc}]$/u.test(normalized);
  return words
    .map((word, i) => {
      const quoted = `"${word.replaceAll('"', '""')}"`;
      return prefixLast && i === words.length - 1 ? `${quoted}*` : quoted;
    })
    .join(' ');
}
