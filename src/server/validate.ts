import type { Context } from 'hono';
import { z } from 'zod';
import { MlflowError } from './errors.js';

/** Turns a zod failure into MLflow's INVALID_PARAMETER_VALUE naming the field and the rule broken. */
export function zodMessage(error: z.ZodError): string {
  const first = error.issues[0];
  const field = first.path.join('.') || 'request body';
  if (first.code === 'invalid_type' && (first as { input?: unknown }).input === undefined) {
    return `Missing value for required parameter '${field}'. See the API docs for more information about request parameters.`;
  }
  return `Invalid value for parameter '${field}': ${first.message}`;
}

export function parseWith<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw MlflowError.invalidParameter(zodMessage(result.error));
  return result.data;
}

const camelToSnake = (k: string) => k.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`);

/**
 * Reads a JSON body as MLflow's server does: it must be application/json, a body that is itself a
 * JSON string is decoded again (old clients), and lowerCamelCase top-level names are accepted.
 * `fast` may answer for the schema on hot paths; when it returns undefined the schema decides.
 */
export async function readJson<T extends z.ZodType>(
  c: Context,
  schema: T,
  fast?: (body: Record<string, unknown>) => z.infer<T> | undefined,
): Promise<z.infer<T>> {
  const type = c.req.header('content-type') ?? '';
  const text = await c.req.text();
  if (text.trim() === '') return parseWith(schema, {});
  if (!/^application\/json\b/i.test(type) && !/^text\/plain\b/i.test(type) && type !== '') {
    throw MlflowError.invalidParameter(`Content-Type must be application/json, got '${type}'`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
    if (typeof body === 'string') body = JSON.parse(body);
  } catch {
    throw new MlflowError('BAD_REQUEST', 'Request body is not valid JSON');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new MlflowError('BAD_REQUEST', 'Request body must be a JSON object');
  }
  const normalized: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) normalized[/[A-Z]/.test(k) ? camelToSnake(k) : k] = v;
  return fast?.(normalized) ?? parseWith(schema, normalized);
}

/**
 * Reads GET query parameters the way the MLflow client sends them: repeated keys become arrays
 * (only where the schema wants an array), booleans arrive as True/False.
 */
export function readQuery<T extends z.ZodObject>(c: Context, schema: T): z.infer<T> {
  const all = c.req.queries();
  const out: Record<string, unknown> = {};
  for (const [key, values] of Object.entries(all)) {
    const name = /[A-Z]/.test(key) ? camelToSnake(key) : key;
    const field = schema.shape[name] as z.ZodType | undefined;
    out[name] = field && isArraySchema(field) ? values : values[values.length - 1];
  }
  return parseWith(schema, out);
}

function isArraySchema(t: z.ZodType): boolean {
  let cur: z.ZodType = t;
  for (let i = 0; i < 5; i++) {
    if (cur instanceof z.ZodArray) return true;
    const inner = (cur as unknown as { unwrap?: () => z.ZodType }).unwrap;
    if (!inner) return cur.def.type === 'pipe' ? isArraySchema((cur.def as unknown as { in: z.ZodType }).in) : false;
    cur = inner.call(cur);
  }
  return false;
}
