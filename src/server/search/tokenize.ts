import { MlflowError } from '../errors.js';

/**
 * Tokens of MLflow's filter and order_by mini-language. Identifiers are read as a whole dotted
 * chain (`tags.`a.b``, `span.attributes.x`) so the parser never has to glue dots back together.
 */
export type Token =
  | { kind: 'ident'; parts: string[]; quoted: boolean; text: string; pos: number }
  | { kind: 'string'; value: string; quote: "'" | '"'; text: string; pos: number }
  | { kind: 'number'; value: number; text: string; pos: number }
  | { kind: 'op'; text: string; pos: number }
  | { kind: 'punct'; text: '(' | ')' | ','; pos: number };

/** The error every grammar failure becomes: MLflow's 400 naming the offending token and where it is. */
export function syntaxError(source: string, what: string, detail: string): MlflowError {
  return MlflowError.invalidParameter(`Invalid ${what} '${source}': ${detail}`);
}

const BARE_START = /[A-Za-z_]/;
const BARE_PART = /[A-Za-z0-9_]/;
const NUMBER = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?/;
const OP_CHARS = /[<>=!~]/;

/** Splits a filter or order_by clause into tokens; `what` names the input in error messages. */
export function tokenize(source: string, what = 'filter'): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (detail: string, pos: number) => syntaxError(source, what, `${detail} at position ${pos}`);

  // Reads a quoted run starting at `start` (which holds the quote). A quote is escaped by a
  // backslash or by doubling it, as sqlparse allows. `\\` stays two characters (it is one unit, so
  // `'a\\'` ends at its last quote) because LIKE patterns give it meaning: a literal backslash.
  const readQuoted = (start: number): { value: string; end: number } => {
    const q = source[start];
    let value = '';
    let j = start + 1;
    while (j < source.length) {
      const ch = source[j];
      if (ch === '\\' && source[j + 1] === '\\') {
        value += '\\\\';
        j += 2;
      } else if (ch === '\\' && j + 1 < source.length && source[j + 1] === q) {
        value += q;
        j += 2;
      } else if (ch === q && source[j + 1] === q) {
        value += q;
        j += 2;
      } else if (ch === q) {
        return { value, end: j + 1 };
      } else {
        value += ch;
        j += 1;
      }
    }
    throw fail(`unterminated ${q} quote starting`, start);
  };

  const readIdent = (start: number): Token => {
    const parts: string[] = [];
    let quoted = false;
    let j = start;
    for (;;) {
      const ch = source[j];
      if (ch === '`' || (ch === '"' && parts.length > 0)) {
        const q = readQuoted(j);
        parts.push(q.value);
        quoted = true;
        j = q.end;
      } else if (ch !== undefined && (parts.length === 0 ? BARE_START.test(ch) : BARE_PART.test(ch))) {
        let k = j;
        while (k < source.length && BARE_PART.test(source[k])) k++;
        parts.push(source.slice(j, k));
        j = k;
      } else {
        throw fail(`expected a key name after '.'`, j);
      }
      if (source[j] !== '.') break;
      j += 1;
    }
    return { kind: 'ident', parts, quoted, text: source.slice(start, j), pos: start };
  };

  while (i < source.length) {
    const ch = source[i];
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ kind: 'punct', text: ch, pos: i });
      i++;
    } else if (ch === "'" || ch === '"') {
      const q = readQuoted(i);
      tokens.push({ kind: 'string', value: q.value, quote: ch, text: source.slice(i, q.end), pos: i });
      i = q.end;
    } else if (ch === '`' || BARE_START.test(ch)) {
      const t = readIdent(i);
      tokens.push(t);
      i += t.text.length;
    } else if (OP_CHARS.test(ch)) {
      let j = i;
      while (j < source.length && OP_CHARS.test(source[j])) j++;
      tokens.push({ kind: 'op', text: source.slice(i, j), pos: i });
      i = j;
    } else {
      const m = NUMBER.exec(source.slice(i));
      if (!m) throw fail(`unexpected character '${ch}'`, i);
      // A number glued to letters (`1abc`, `2e`) is not a number MLflow would accept either.
      const next = source[i + m[0].length];
      if (next !== undefined && BARE_PART.test(next)) throw fail(`unexpected token '${source.slice(i).split(/[\s(),]/)[0]}'`, i);
      tokens.push({ kind: 'number', value: Number(m[0]), text: m[0], pos: i });
      i += m[0].length;
    }
  }
  return tokens;
}
