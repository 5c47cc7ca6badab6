import type { Context } from 'hono';
import type { Db } from '../../store/db.js';
import type { ResourceType } from '../../store/users.js';
import { MlflowError } from '../errors.js';
import type { Ref, RefKind } from './permissions.js';

/** A resource a permission is checked on; `id` undefined = unknown, so the default permission applies. */
export interface Target {
  type: ResourceType;
  id: string | undefined;
}

/** Marks a request only admins may make (e.g. an artifact path outside any experiment folder). */
export const ADMIN_ONLY = Symbol('admin-only');

/** Values at a dotted path; `a[].b` walks arrays. Non-string scalars are stringified. */
export function valuesAt(root: unknown, path: string): string[] {
  let cur: unknown[] = [root];
  for (const part of path.split('.')) {
    const isArray = part.endsWith('[]');
    const key = isArray ? part.slice(0, -2) : part;
    cur = cur.flatMap((v) => {
      const next = v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
      if (isArray) return Array.isArray(next) ? next : next === undefined ? [] : [next];
      return next === undefined || next === null ? [] : [next];
    });
  }
  return cur.filter((v) => typeof v === 'string' || typeof v === 'number').map(String);
}

/** JSON body as a plain object, or {} when absent or unparseable (the route itself will reject it). */
async function bodyOf(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (c.req.method === 'GET' || c.req.method === 'HEAD' || (type && !/json|text\/plain/i.test(type))) return {};
  try {
    // hono caches the text, so the route's own readJson sees the same body.
    const text = await c.req.text();
    let body = text.trim() ? JSON.parse(text) : {};
    if (typeof body === 'string') body = JSON.parse(body);
    if (!body || typeof body !== 'object' || Array.isArray(body)) return {};
    // Exactly what readJson (validate.ts) hands the route: lowerCamelCase top-level names become
    // snake_case, later keys winning. Otherwise `experimentIds` would slip past a check on `experiment_ids`.
    const normalized: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(body)) normalized[/[A-Z]/.test(k) ? camelToSnake(k) : k] = v;
    return normalized;
  } catch (err) {
    if (err instanceof MlflowError) throw err; // body too large
    return {};
  }
}

const camelToSnake = (k: string) => k.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`);
const snakeToCamel = (k: string) => k.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase());

/** hono decodes path params once; so do we, keeping malformed escapes as they are (never a 500). */
function decodeOnce(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

async function rawValues(c: Context, where: string, field: string, params: Record<string, string>, body: () => Promise<unknown>): Promise<string[]> {
  if (where === 'param') return params[field] !== undefined ? [decodeOnce(params[field])] : [];
  if (where === 'header') return c.req.header(field) !== undefined ? [c.req.header(field)!.trim()] : [];
  if (where === 'query') {
    // readQuery accepts runId as well as run_id: check every value under either spelling.
    const name = field.replace(/\[\]$/, '');
    return [...new Set([name, snakeToCamel(name)])].flatMap((n) => c.req.queries(n) ?? []);
  }
  return valuesAt(await body(), field);
}

const EXPERIMENT_FROM: Partial<Record<RefKind, (db: Db, v: string) => Promise<unknown>>> = {
  run: async (db, v) => (await db.selectFrom('runs').select('experiment_id').where('run_uuid', '=', v).executeTakeFirst())?.experiment_id,
  trace: async (db, v) => (await db.selectFrom('trace_info').select('experiment_id').where('trace_id', '=', v).executeTakeFirst())?.experiment_id,
  'logged-model': async (db, v) => (await db.selectFrom('logged_models').select('experiment_id').where('model_id', '=', v).executeTakeFirst())?.experiment_id,
  evaluation: async (db, v) => (await db.selectFrom('evaluation_jobs').select('experiment_id').where('job_id', '=', v).executeTakeFirst())?.experiment_id,
  'experiment-name': async (db, v) => (await db.selectFrom('experiments').select('experiment_id').where('name', '=', v).executeTakeFirst())?.experiment_id,
};

/**
 * Resolves a rule's refs to the experiments / registered models they name. A ref whose value is
 * absent, or names nothing that exists, yields an unknown target: the route will answer 400/404,
 * and only the default permission is granted meanwhile.
 */
export async function resolveTargets(c: Context, db: Db, refs: readonly Ref[], params: Record<string, string>): Promise<Target[] | typeof ADMIN_ONLY> {
  let cached: Promise<unknown> | undefined;
  const body = () => (cached ??= bodyOf(c));
  const targets: Target[] = [];
  let sawValue = false;
  for (const ref of refs) {
    const [kind, rest] = ref.split(':') as [RefKind, string];
    const dot = rest.indexOf('.');
    const values = await rawValues(c, rest.slice(0, dot), rest.slice(dot + 1), params, body);
    if (kind === 'experiment' && rest.startsWith('header.') && values.every((v) => v === '')) {
      throw new MlflowError('PERMISSION_DENIED', 'With auth on, OTLP exports must name their experiment in the x-mlflow-experiment-id header.');
    }
    for (const v of values) {
      sawValue = true;
      if (kind === 'model') targets.push({ type: 'registered_model', id: v });
      else if (kind === 'experiment') targets.push({ type: 'experiment', id: v });
      else if (kind === 'artifact') {
        // Every proxied artifact lives under <experiment_id>/…; anything else (or the root) is admin-only.
        const first = v.replace(/^\/+/, '').split('/')[0];
        if (!/^\d{1,18}$/.test(first)) return ADMIN_ONLY;
        targets.push({ type: 'experiment', id: first });
      } else if (kind === 'dataset') {
        // A dataset may be linked to several experiments (all are checked) or to none (default permission).
        const links = await db.selectFrom('evaluation_dataset_experiments').select('experiment_id').where('dataset_id', '=', v).execute();
        if (links.length === 0) targets.push({ type: 'experiment', id: undefined });
        for (const l of links) targets.push({ type: 'experiment', id: String(l.experiment_id) });
      } else {
        const exp = await EXPERIMENT_FROM[kind]!(db, v);
        targets.push({ type: 'experiment', id: exp === undefined || exp === null ? undefined : String(exp) });
      }
    }
  }
  if (!sawValue) {
    if (refs.some((r) => r.startsWith('artifact:'))) return ADMIN_ONLY;
    targets.push({ type: refs.some((r) => r.startsWith('model:')) ? 'registered_model' : 'experiment', id: undefined });
  }
  return targets;
}
