import { identToKey, keyword } from './parse-filter.js';
import { syntaxError, tokenize } from './tokenize.js';

export interface OrderBy {
  prefix: string;
  key: string;
  ascending: boolean;
}

/** Parses one order_by entry: `<key> [ASC|DESC]` with the same key syntax as filters; ascending by default. */
export function parseOrderBy(clause: string): OrderBy {
  const tokens = tokenize(clause, 'order_by clause');
  const fail = (detail: string) => syntaxError(clause, 'order_by clause', detail);
  const [keyTok, dirTok, extra] = tokens;
  let ident: { prefix: string; key: string };
  if (keyTok?.kind === 'ident') ident = identToKey(keyTok.parts);
  else if (keyTok?.kind === 'string' && keyTok.quote === '"') ident = { prefix: '', key: keyTok.value };
  else if (keyTok) throw fail(`unexpected token '${keyTok.text}' at position ${keyTok.pos}, expected a key`);
  else throw fail('expected a key such as metrics.rmse or start_time');
  if (!dirTok) return { ...ident, ascending: true };
  const dir = keyword(dirTok);
  if (dir !== 'ASC' && dir !== 'DESC') throw fail(`unexpected token '${'text' in dirTok ? dirTok.text : ''}' at position ${dirTok.pos}, expected ASC or DESC`);
  if (extra) throw fail(`unexpected token '${extra.text}' at position ${extra.pos} after ${dir}`);
  return { ...ident, ascending: dir === 'ASC' };
}
