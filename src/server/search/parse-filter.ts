import { syntaxError, tokenize, type Token } from './tokenize.js';

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE' | 'ILIKE' | 'RLIKE' | 'IN' | 'NOT IN' | 'IS NULL' | 'IS NOT NULL';

export interface Comparison {
  /** prefix as written, lowercased, without the dot ('metrics', 'metric', 'params', 'tags', 'attributes', 'trace', 'span', 'feedback', 'request_metadata', …); '' for a bare key */
  prefix: string;
  /** the key with quoting removed (`a.b` or "a.b" → a.b); for span.attributes.x the prefix is 'span' and the key 'attributes.x' */
  key: string;
  op: CompareOp;
  value: string | number | string[] | null; // number for unquoted numerics, string for quoted, string[] for IN lists, null for IS [NOT] NULL
}

const SYMBOL_OPS = new Set(['=', '!=', '<', '<=', '>', '>=']);
const WORD_OPS = new Set(['LIKE', 'ILIKE', 'RLIKE']);

/** Splits an identifier into MLflow's (prefix, key): everything after the first dot is the key. */
export function identToKey(parts: string[]): { prefix: string; key: string } {
  if (parts.length === 1) return { prefix: '', key: parts[0] };
  return { prefix: parts[0].toLowerCase(), key: parts.slice(1).join('.') };
}

/** An unquoted single word such as AND, IN, NULL; quoted identifiers are never keywords. */
export function keyword(t: Token | undefined): string | undefined {
  return t?.kind === 'ident' && !t.quoted && t.parts.length === 1 ? t.parts[0].toUpperCase() : undefined;
}

/**
 * Parses an MLflow search filter: comparisons joined only by AND, as the Python server accepts
 * (sqlparse-based `SearchUtils.parse_search_filter`). Entity-specific checks (which prefixes,
 * keys, operators and value types are allowed) belong to each search compiler.
 */
export function parseFilter(filter: string | undefined): Comparison[] {
  if (filter === undefined || filter.trim() === '') return [];
  const tokens = tokenize(filter);
  // `where` renders as "at position N" (0-based, into the filter string) or "at end of filter".
  const where = (t: Token | undefined) => (t ? `at position ${t.pos}` : 'at end of filter');
  const fail = (detail: string) => syntaxError(filter, 'filter', detail);
  const unexpected = (t: Token | undefined, expected: string) =>
    fail(t ? `unexpected token '${t.text}' ${where(t)}, expected ${expected}` : `expected ${expected} ${where(t)}`);

  let i = 0;
  const out: Comparison[] = [];
  for (;;) {
    out.push(parseComparison());
    if (i >= tokens.length) return out;
    const t = tokens[i];
    const kw = keyword(t);
    if (kw === 'OR') throw fail(`unexpected token '${t.text}' ${where(t)}: OR is not supported, only AND may join comparisons`);
    if (kw !== 'AND') throw unexpected(t, 'AND or end of filter');
    i++;
    if (i >= tokens.length) throw fail(`dangling 'AND' ${where(tokens[i - 1])}: expected a comparison after it`);
  }

  function parseComparison(): Comparison {
    const keyTok = tokens[i];
    if (keyTok?.kind === 'punct' && keyTok.text === '(') throw fail(`unexpected token '(' ${where(keyTok)}: grouping with parentheses is not supported`);
    const kw = keyword(keyTok);
    if (kw === 'AND' || kw === 'OR') throw fail(`unexpected token '${keyTok.text}' ${where(keyTok)}: empty comparison`);
    let ident: { prefix: string; key: string };
    if (keyTok?.kind === 'ident') ident = identToKey(keyTok.parts);
    else if (keyTok?.kind === 'string' && keyTok.quote === '"') ident = { prefix: '', key: keyTok.value };
    else throw unexpected(keyTok, 'a key such as metrics.x, params.`a b` or run_name');
    i++;
    const opTok = tokens[i];
    const op = parseOp();
    if (op === 'IS NULL' || op === 'IS NOT NULL') return { ...ident, op, value: null };
    if (op === 'IN' || op === 'NOT IN') return { ...ident, op, value: parseList() };
    const v = tokens[i];
    if (v?.kind === 'string') {
      i++;
      return { ...ident, op, value: v.value };
    }
    if (v?.kind === 'number') {
      if (WORD_OPS.has(op)) throw fail(`unexpected token '${v.text}' ${where(v)}: ${op} needs a quoted pattern`);
      i++;
      return { ...ident, op, value: v.value };
    }
    throw unexpected(v, `a quoted string or a number after '${opTok.kind === 'ident' ? opTok.text : op}'`);
  }

  function parseOp(): CompareOp {
    const t = tokens[i];
    if (t?.kind === 'op') {
      if (!SYMBOL_OPS.has(t.text)) throw fail(`unexpected token '${t.text}' ${where(t)}`);
      i++;
      return t.text as CompareOp;
    }
    const kw = keyword(t);
    if (kw && WORD_OPS.has(kw)) {
      i++;
      return kw as CompareOp;
    }
    if (kw === 'IN') {
      i++;
      return 'IN';
    }
    if (kw === 'NOT') {
      if (keyword(tokens[i + 1]) !== 'IN') throw unexpected(tokens[i + 1], "'IN' after 'NOT'");
      i += 2;
      return 'NOT IN';
    }
    if (kw === 'IS') {
      const negated = keyword(tokens[i + 1]) === 'NOT';
      const nullTok = tokens[i + (negated ? 2 : 1)];
      if (keyword(nullTok) !== 'NULL') throw unexpected(nullTok, negated ? "'NULL' after 'IS NOT'" : "'NULL' or 'NOT NULL' after 'IS'");
      i += negated ? 3 : 2;
      return negated ? 'IS NOT NULL' : 'IS NULL';
    }
    throw unexpected(t, 'a comparison operator (=, !=, <, <=, >, >=, LIKE, ILIKE, RLIKE, IN, NOT IN, IS NULL, IS NOT NULL)');
  }

  // `('a', "b", 3)`: a non-empty parenthesised list; numbers are kept as their literal text.
  function parseList(): string[] {
    const open = tokens[i];
    if (!(open?.kind === 'punct' && open.text === '(')) throw unexpected(open, "'(' to start the IN list");
    i++;
    const values: string[] = [];
    for (;;) {
      const v = tokens[i];
      if (v?.kind === 'string') values.push(v.value);
      else if (v?.kind === 'number') values.push(v.text);
      else throw unexpected(v, values.length === 0 ? 'a quoted value in the IN list' : 'a quoted value after \',\'');
      i++;
      const sep = tokens[i];
      i++;
      if (sep?.kind === 'punct' && sep.text === ')') return values;
      if (!(sep?.kind === 'punct' && sep.text === ',')) throw unexpected(sep, "',' or ')' in the IN list");
    }
  }
}
