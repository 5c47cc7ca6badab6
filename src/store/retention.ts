import { rm } from 'node:fs/promises';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { normalizeArtifactPath, resolveInside } from '../artifacts/safe-path.js';
import { proxiedArtifactPath } from '../artifacts/uri.js';
import type { Db } from './db.js';
import { ARTIFACT_LOCATION_TAG, deleteTraces, traceArtifactLocation } from './traces.js';

/** Experiment tags (settable with MLflow's set_experiment_tag) that override the server defaults. */
export const MAX_AGE_TAG = 'glassbox.retention.maxAgeDays';
export const MAX_TRACES_TAG = 'glassbox.retention.maxTraces';

export interface RetentionPolicy {
  maxAgeDays?: number;
  maxTraces?: number;
}

export interface ExperimentRetention {
  experiment_id: string;
  name: string;
  policy: RetentionPolicy;
  /** Tag values that were not a number or off, so the server default was kept. */
  invalid: string[];
}

export interface RetentionPlan extends ExperimentRetention {
  total: number;
  byAge: number;
  byCount: number;
  /** Traces the sweep deletes: both rules pick the oldest traces, so this is the larger of the two. */
  expired: number;
}

const DAY_MS = 86_400_000;

/** A tag value: a positive number is a limit, `0`/`off`/`none` turns the default off, anything else is invalid. */
function parseLimit(value: string | undefined, fallback: number | undefined, integer: boolean): { limit?: number; invalid: boolean } {
  if (value === undefined) return { limit: fallback, invalid: false };
  const v = value.trim().toLowerCase();
  if (v === '0' || v === 'off' || v === 'none') return { invalid: false };
  const n = Number(v);
  if (v === '' || !Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) return { limit: fallback, invalid: true };
  return { limit: n, invalid: false };
}

/** Every experiment with the limits that apply to it (tags first, then the server defaults). */
export async function retentionPolicies(db: Db, defaults: RetentionPolicy): Promise<ExperimentRetention[]> {
  const experiments = await db.selectFrom('experiments').select(['experiment_id', 'name']).orderBy('experiment_id').execute();
  const tags = await db.selectFrom('experiment_tags').select(['experiment_id', 'key', 'value']).where('key', 'in', [MAX_AGE_TAG, MAX_TRACES_TAG]).execute();
  return experiments.map((e) => {
    const id = String(e.experiment_id);
    const mine = tags.filter((t) => String(t.experiment_id) === id);
    const age = parseLimit(mine.find((t) => t.key === MAX_AGE_TAG)?.value, defaults.maxAgeDays, false);
    const count = parseLimit(mine.find((t) => t.key === MAX_TRACES_TAG)?.value, defaults.maxTraces, true);
    const invalid = [...(age.invalid ? [MAX_AGE_TAG] : []), ...(count.invalid ? [MAX_TRACES_TAG] : [])];
    return { experiment_id: id, name: e.name, policy: { maxAgeDays: age.limit, maxTraces: count.limit }, invalid };
  });
}

/** How many traces each rule would delete from one experiment right now. */
export async function planExperiment(db: Db, exp: ExperimentRetention, now = Date.now()): Promise<RetentionPlan> {
  const { maxAgeDays, maxTraces } = exp.policy;
  if (maxAgeDays === undefined && maxTraces === undefined) return { ...exp, total: 0, byAge: 0, byCount: 0, expired: 0 };
  const cutoff = maxAgeDays === undefined ? Number.MIN_SAFE_INTEGER : Math.floor(now - maxAgeDays * DAY_MS);
  const row = await db
    .selectFrom('trace_info')
    .select((eb) => [
      eb.fn.countAll<number>().as('total'),
      eb.fn.sum<number>(eb.case().when('request_time', '<', cutoff).then(1).else(0).end()).as('old'),
    ])
    .where('experiment_id', '=', Number(exp.experiment_id))
    .executeTakeFirstOrThrow();
  const total = Number(row.total);
  const byAge = maxAgeDays === undefined ? 0 : Number(row.old ?? 0);
  const byCount = maxTraces === undefined ? 0 : Math.max(0, total - maxTraces);
  return { ...exp, total, byAge, byCount, expired: Math.max(byAge, byCount) };
}

export interface SweepOptions {
  db: Db;
  artifactsRoot: string;
  defaults: RetentionPolicy;
  /** Traces deleted per transaction; small batches keep each write lock short so ingest keeps flowing. */
  batchSize?: number;
  now?: number;
  onDeleted?: (experimentId: string, count: number) => void;
  shouldStop?: () => boolean;
}

/** Deletes every expired trace with its spans, tags, metadata, assessments and artifact folder. */
export async function sweepRetention(opts: SweepOptions): Promise<Map<string, number>> {
  const { db, batchSize = 500, now = Date.now() } = opts;
  const deleted = new Map<string, number>();
  for (const exp of await retentionPolicies(db, opts.defaults)) {
    let remaining = (await planExperiment(db, exp, now)).expired;
    while (remaining > 0 && !opts.shouldStop?.()) {
      const ids = (
        await db
          .selectFrom('trace_info')
          .select('trace_id')
          .where('experiment_id', '=', Number(exp.experiment_id))
          .orderBy('request_time')
          .orderBy('trace_id')
          .limit(Math.min(remaining, batchSize))
          .execute()
      ).map((r) => r.trace_id);
      if (ids.length === 0) break;
      const folders = await artifactFolders(db, exp.experiment_id, ids);
      const n = await db.transaction().execute((trx) => deleteTraces(trx, { experiment_id: exp.experiment_id, request_ids: ids }));
      await Promise.all(folders.map((f) => removeFolder(opts.artifactsRoot, f)));
      remaining -= ids.length;
      deleted.set(exp.experiment_id, (deleted.get(exp.experiment_id) ?? 0) + n);
      opts.onDeleted?.(exp.experiment_id, n);
      await yieldToEventLoop();
    }
  }
  return deleted;
}

/** `<exp>/traces/<trace_id>` under the artifact root, from the trace's artifactLocation tag when proxied. */
async function artifactFolders(db: Db, experimentId: string, traceIds: string[]): Promise<string[][]> {
  const tags = await db.selectFrom('trace_tags').select(['trace_id', 'value']).where('key', '=', ARTIFACT_LOCATION_TAG).where('trace_id', 'in', traceIds).execute();
  const byTrace = new Map(tags.map((t) => [t.trace_id, t.value]));
  // Span ingest no longer stores the tag: the trace API derives it from the experiment's location.
  const exp = await db.selectFrom('experiments').select('artifact_location').where('experiment_id', '=', Number(experimentId)).executeTakeFirst();
  return traceIds.map((id) => {
    const location = byTrace.get(id) ?? (exp ? traceArtifactLocation(exp.artifact_location, id) : '');
    const rel = proxiedArtifactPath(location)?.replace(/\/artifacts$/, '');
    try {
      const segments = rel ? normalizeArtifactPath(rel) : [];
      // Only ever a folder named after the trace: a strange tag must not widen the deletion.
      if (segments.length > 0 && segments[segments.length - 1] === id) return segments;
    } catch {
      // unsafe tag value: fall back to the default layout
    }
    return [experimentId, 'traces', id];
  });
}

async function removeFolder(root: string, segments: string[]): Promise<void> {
  try {
    await rm(await resolveInside(root, segments), { recursive: true, force: true });
  } catch (err) {
    console.warn(`[glassbox] retention: could not remove artifacts ${segments.join('/')}: ${(err as Error).message}`);
  }
}

export interface RetentionSweeper {
  /** Runs one sweep now (waiting for a running one first). */
  runNow(): Promise<Map<string, number>>;
  stop(): Promise<void>;
}

/** Sweeps every `intervalMs` in the background; errors are logged, never thrown into the server. */
export function startRetentionSweeper(opts: SweepOptions & { intervalMs: number }): RetentionSweeper {
  let stopped = false;
  let running: Promise<Map<string, number>> = Promise.resolve(new Map());
  const runNow = () => {
    running = running
      .catch(() => new Map<string, number>())
      .then(() => sweepRetention({ ...opts, now: undefined, shouldStop: () => stopped }))
      .catch((err: Error) => {
        console.error('[glassbox] retention sweep failed:', err.message);
        return new Map<string, number>();
      });
    return running;
  };
  const timer = setInterval(() => void runNow(), opts.intervalMs);
  timer.unref();
  return {
    runNow,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running.catch(() => undefined);
    },
  };
}
