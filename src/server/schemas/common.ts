import { z } from 'zod';

/** int64 as the MLflow client sends it: a JSON number or a decimal string (GET query values are strings). */
export const Int64 = z.union([z.number(), z.string().regex(/^-?\d+$/, 'must be an integer')]).transform(Number);

/** Booleans arrive as true/false in JSON and as "True"/"False" in GET queries. */
export const Bool = z
  .union([z.boolean(), z.string().regex(/^(true|false)$/i, 'must be true or false')])
  .transform((v) => (typeof v === 'boolean' ? v : v.toLowerCase() === 'true'));

/** A double as protobuf JSON writes it: a number, or "NaN" / "Infinity" / "-Infinity". */
export const Double = z.union([
  z.number(),
  z.enum(['NaN', 'Infinity', '-Infinity']).transform((v) => Number(v)),
  z.string().regex(/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/, 'must be a number').transform(Number),
]);

/** Writes a double back the way protobuf JSON (and so the MLflow client) expects it. */
export function doubleToJson(v: number | null): number | string {
  if (v === null || Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return v;
}

export const KeyValue = z.object({ key: z.string(), value: z.string().optional().default('') });
export type KeyValue = z.infer<typeof KeyValue>;

export const ViewType = z
  .union([z.enum(['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL']), z.literal(1), z.literal(2), z.literal(3)])
  .transform((v) => (typeof v === 'number' ? (['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'] as const)[v - 1] : v));
export type ViewType = z.infer<typeof ViewType>;
