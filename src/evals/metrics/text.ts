/**
 * SQuAD answer normalisation: lower case, drop punctuation and the articles a/an/the, collapse
 * whitespace. Exact match and token F1 use it so "The Eiffel Tower." equals "eiffel tower".
 *
 * @example
 * normalizeAnswer('The Eiffel Tower.'); // 'eiffel tower'
 */
export function normalizeAnswer(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\b(a|an|the)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** @example tokens('The cat, the hat.'); // ['cat', 'hat'] */
export function tokens(s: string): string[] {
  const n = normalizeAnswer(s);
  return n ? n.split(' ') : [];
}
