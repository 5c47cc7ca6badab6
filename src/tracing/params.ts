/**
 * Names a traced function's arguments after its declared parameters, the way MLflow's `@trace`
 * records `{"question": "..."}` rather than a positional list. Function.prototype.toString keeps
 * parameter names after TypeScript compilation, so parsing it is reliable for plain identifiers;
 * destructured parameters fall back to the positional array.
 */
const cache = new WeakMap<Function, string[] | null>();

export function inputsFromArgs(fn: Function, args: unknown[]): unknown {
  let names = cache.get(fn);
  if (names === undefined) {
    names = parseParamNames(fn);
    cache.set(fn, names);
  }
  if (!names) return args;
  const out: Record<string, unknown> = {};
  names.forEach((name, i) => {
    if (name.startsWith('...')) out[name.slice(3)] = args.slice(i);
    else if (i < args.length) out[name] = args[i];
  });
  // Extra arguments beyond the declared ones (e.g. read through `arguments`) are kept, not lost.
  if (args.length > names.length && !names.some((n) => n.startsWith('...'))) out.args = args.slice(names.length);
  return out;
}

/** Declared parameter names, or null when any of them is not a plain identifier. Exported for tests. */
export function parseParamNames(fn: Function): string[] | null {
  let src: string;
  try {
    src = Function.prototype.toString.call(fn);
  } catch {
    return null;
  }
  src = src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  const list = paramListText(src);
  if (list === null) return null;
  const parts = splitTopLevel(list);
  const names: string[] = [];
  for (const raw of parts) {
    const p = stripDefault(raw).trim();
    if (!p) continue;
    if (!/^(\.\.\.)?[A-Za-z_$][\w$]*$/.test(p)) return null;
    names.push(p);
  }
  return names;
}

function paramListText(src: string): string | null {
  const arrowNoParens = /^(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(src);
  if (arrowNoParens) return arrowNoParens[1];
  const open = src.indexOf('(');
  if (open < 0) return null;
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    const ch = src[i];
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') {
      depth--;
      if (depth === 0) return src.slice(open + 1, i);
    } else if (ch === '"' || ch === "'" || ch === '`') {
      const end = src.indexOf(ch, i + 1);
      if (end < 0) return null;
      i = end;
    }
  }
  return null;
}

function splitTopLevel(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const ch = list[i];
    if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(list.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(list.slice(start));
  return parts;
}

function stripDefault(param: string): string {
  let depth = 0;
  for (let i = 0; i < param.length; i++) {
    const ch = param[i];
    if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    else if (ch === '=' && depth === 0 && param[i + 1] !== '>') return param.slice(0, i);
  }
  return param;
}
