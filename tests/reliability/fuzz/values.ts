import type { Rng } from './rng.js';

/** One request of the corpus: what to send and a label that says where it came from. */
export interface FuzzCase {
  label: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

const LONG = 'x'.repeat(70_000);
const UNICODE = ['ℌ𝔢𝔩𝔩𝔬', '名前', '🙂🚀', '\u202e\u200b', 'e\u0301', '\ud800', 'Ω≈ç√∫', '\u0000', '\t\n\r', "'; DROP TABLE runs; --", '%00', '%2e%2e/', '${x}', '{{x}}', '<script>'];

/** Values that break naive handlers: wrong JSON types, extremes, nulls, unicode and long strings. */
export function weirdValue(rng: Rng, depth = 0): unknown {
  switch (rng.int(0, 24)) {
    case 0: return null;
    case 1: return true;
    case 2: return rng.pick([0, -1, 1.5, -0.0, 2 ** 53 + 1, -(2 ** 63), 1e308, -1e308, 5e-324, 2 ** 31, 2 ** 64]);
    case 3: return rng.pick(['', ' ', '0', '-1', '1e999', 'NaN', 'Infinity', '-Infinity', 'true', 'null', '[]', '{}', '99999999999999999999999']);
    case 4: return rng.pick(UNICODE);
    case 5: return LONG.slice(0, rng.pick([251, 501, 5001, 6001, 8001, 70_000]));
    case 6: return [];
    case 7: return {};
    case 8: return depth < 3 ? [weirdValue(rng, depth + 1), weirdValue(rng, depth + 1)] : [];
    case 9: return depth < 3 ? { key: weirdValue(rng, depth + 1), value: weirdValue(rng, depth + 1) } : {};
    case 10: return Array.from({ length: rng.pick([1001, 2000]) }, (_, i) => ({ key: `k${i}`, value: 1, timestamp: 1, step: 0 }));
    case 11: return rng.pick(['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL', 'FINISHED', 'RUNNING', 'BOGUS', 'OK', 'ERROR', 'IN_PROGRESS', 'READY', 'Production', 'None']);
    case 12: return rng.int(-1000, 1_000_000);
    case 13: return String(rng.int(-5, 99999));
    case 14: return 'tr-' + 'f'.repeat(rng.pick([0, 31, 32, 33, 200]));
    case 15: return rng.pick(['0', '1', '2', 'abc', '0x10', '1.5', ' 1', '1 ', '00001', '-0']);
    case 16: return { '__proto__': { polluted: 1 }, constructor: { prototype: { x: 1 } } };
    case 17: return rng.pick(['../../etc/passwd', '/abs', 'a//b', 'C:\\x', 'a\\b', '.', '..']);
    case 18: return rng.pick(["metrics.x > 1", "tags.a = 'b'", "attributes.status = 'OK' AND", "'", '`', '"', '(', ')', 'name LIKE "%"']);
    case 19: return rng.pick(['2026-04-29T10:00:00Z', 'not-a-date', '0.5s', '-1s', '1e9s', '', 'P1D']);
    case 20: return rng.pick([{ key: 'k', value: 'v' }, [{ key: 'k' }], [{ value: 'v' }], [null], [1, 2], [{ key: null, value: null }]]);
    case 21: return Number.MAX_SAFE_INTEGER;
    case 22: return rng.pick(['{"a":1}', '[1,2', '"', '\\u0000', String.fromCharCode(0xdbff)]);
    case 23: return Array.from({ length: 3 }, () => rng.pick(UNICODE));
    default: return rng.pick([1, 'a', false, -1]);
  }
}

/** Deep copy through JSON, so templates are never mutated in place. */
export const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** Walks into a random nested container and returns it with one of its keys. */
function randomSlot(rng: Rng, root: Record<string, unknown>): [Record<string, unknown> | unknown[], string | number] | undefined {
  let cur: Record<string, unknown> | unknown[] = root;
  for (let d = 0; d < 4; d++) {
    const keys = Array.isArray(cur) ? cur.map((_, i) => i) : Object.keys(cur);
    if (keys.length === 0) return undefined;
    const k = rng.pick(keys as (string | number)[]);
    const v = (cur as Record<string | number, unknown>)[k];
    if (v && typeof v === 'object' && rng.chance(0.5)) {
      cur = v as Record<string, unknown>;
      continue;
    }
    return [cur, k];
  }
  return undefined;
}

/** 1–3 structure-aware mutations of a valid body: replace, delete, add or retype a field, or the whole body. */
export function mutateBody(rng: Rng, template: Record<string, unknown>): unknown {
  if (rng.chance(0.06)) return weirdValue(rng);
  const body = clone(template);
  const n = rng.int(1, 3);
  for (let i = 0; i < n; i++) {
    const slot = randomSlot(rng, body);
    const op = rng.int(0, 9);
    if (!slot || op === 0) {
      body[rng.pick(['extra', 'experimentId', 'run_uuid', '', '__proto__', 'constructor'])] = weirdValue(rng);
      continue;
    }
    const [container, key] = slot;
    if (op <= 2 && !Array.isArray(container)) delete (container as Record<string, unknown>)[key as string];
    else (container as Record<string | number, unknown>)[key] = weirdValue(rng);
  }
  return body;
}

/** Byte-level damage to a JSON text: truncation, a stray character, or a duplicated slice. */
export function damageText(rng: Rng, text: string): string {
  const at = rng.int(0, Math.max(0, text.length - 1));
  switch (rng.int(0, 3)) {
    case 0: return text.slice(0, at);
    case 1: return text.slice(0, at) + rng.pick(['"', '{', ']', ',', '\\', '\u0000', 'é', '}}']) + text.slice(at);
    case 2: return text.slice(0, at) + text.slice(at, at + 20).repeat(3) + text.slice(at + 20);
    default: return text.slice(0, at) + text.slice(at + 1);
  }
}
