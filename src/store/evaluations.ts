import { randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Db } from './db.js';
import type { EvalsTables } from './tables/evals.js';

export type JobRow = Selectable<EvalsTables['evaluation_jobs']>;
export type JobStatus = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
/** Statuses a job can still leave; every other one is final. */
const UNFINISHED: JobStatus[] = ['PENDING', 'RUNNING'];

/** Wire shape of a job (snake_case like the rest of the API). */
export interface EvaluationJob {
  job_id: string;
  experiment_id: string;
  status: JobStatus;
  request: Record<string, unknown>;
  progress: { total: number; done: number; failures: number; skipped: number; cost_usd: number };
  summary?: Record<string, unknown>[];
  run_id?: string;
  error?: string;
  created_at: number;
  finished_at?: number;
}

export function jobRowToJob(r: JobRow): EvaluationJob {
  return {
    job_id: r.job_id,
    experiment_id: r.experiment_id,
    status: r.status as JobStatus,
    request: JSON.parse(r.request_json),
    progress: { total: Number(r.total), done: Number(r.done), failures: Number(r.failures), skipped: Number(r.skipped), cost_usd: Number(r.cost_usd) },
    ...(r.summary_json ? { summary: JSON.parse(r.summary_json) } : {}),
    ...(r.run_id ? { run_id: r.run_id } : {}),
    ...(r.error ? { error: r.error } : {}),
    created_at: Number(r.created_at),
    ...(r.finished_at ? { finished_at: Number(r.finished_at) } : {}),
  };
}

export async function createJob(db: Db, experimentId: string, request: Record<string, unknown>): Promise<JobRow> {
  const row = {
    job_id: `ev-${randomBytes(16).toString('hex')}`,
    experiment_id: experimentId,
    status: 'PENDING',
    request_json: JSON.stringify(request),
    total: 0,
    done: 0,
    failures: 0,
    skipped: 0,
    cost_usd: 0,
    summary_json: null,
    run_id: null,
    error: null,
    created_at: Date.now(),
    finished_at: null,
  };
  await db.insertInto('evaluation_jobs').values(row).execute();
  return row;
}

export async function getJob(db: Db, jobId: string): Promise<JobRow | undefined> {
  return db.selectFrom('evaluation_jobs').selectAll().where('job_id', '=', jobId).executeTakeFirst();
}

/** Newest first; `experimentId` narrows to one experiment. */
export async function listJobs(db: Db, opts: { experimentId?: string; limit: number }): Promise<JobRow[]> {
  let q = db.selectFrom('evaluation_jobs').selectAll().orderBy('created_at', 'desc').orderBy('job_id').limit(opts.limit);
  if (opts.experimentId) q = q.where('experiment_id', '=', opts.experimentId);
  return q.execute();
}

/**
 * Updates a job; with `fromStatus`, only while it still has one of those statuses (so a job that was
 * cancelled meanwhile is not revived or marked finished). Returns whether a row changed.
 */
export async function updateJob(
  db: Db,
  jobId: string,
  patch: Partial<Pick<JobRow, 'status' | 'total' | 'done' | 'failures' | 'skipped' | 'cost_usd' | 'summary_json' | 'run_id' | 'error' | 'finished_at'>>,
  fromStatus?: JobStatus[],
): Promise<boolean> {
  let q = db.updateTable('evaluation_jobs').set(patch).where('job_id', '=', jobId);
  if (fromStatus) q = q.where('status', 'in', fromStatus);
  return Number((await q.executeTakeFirst()).numUpdatedRows) > 0;
}

/** Marks a PENDING or RUNNING job CANCELLED; false when it had already finished. */
export async function cancelJob(db: Db, jobId: string): Promise<boolean> {
  return updateJob(db, jobId, { status: 'CANCELLED', finished_at: Date.now() }, UNFINISHED);
}

export interface JobResult {
  trace_id: string;
  scorer: string;
  score?: number;
  label?: string | boolean;
  passed?: boolean;
  error?: string;
  judge_cost_usd: number;
  judge_latency_ms: number;
}

/** Upserts: a forced re-run inside the same job replaces the row. */
export async function saveResults(db: Db, jobId: string, results: JobResult[]): Promise<void> {
  if (!results.length) return;
  await db
    .insertInto('evaluation_results')
    .values(
      results.map((r) => ({
        job_id: jobId,
        trace_id: r.trace_id,
        scorer: r.scorer,
        score: r.score ?? null,
        label: r.label === undefined ? null : String(r.label),
        passed: r.passed === undefined ? null : r.passed ? 1 : 0,
        error: r.error ?? null,
        judge_cost_usd: r.judge_cost_usd,
        judge_latency_ms: r.judge_latency_ms,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['job_id', 'trace_id', 'scorer']).doUpdateSet((eb) => ({
        score: eb.ref('excluded.score'),
        label: eb.ref('excluded.label'),
        passed: eb.ref('excluded.passed'),
        error: eb.ref('excluded.error'),
        judge_cost_usd: eb.ref('excluded.judge_cost_usd'),
        judge_latency_ms: eb.ref('excluded.judge_latency_ms'),
      })),
    )
    .execute();
}

export async function jobResults(db: Db, jobId: string) {
  const rows = await db.selectFrom('evaluation_results').selectAll().where('job_id', '=', jobId).orderBy('trace_id').orderBy('scorer').execute();
  return rows.map((r) => ({
    trace_id: r.trace_id,
    scorer: r.scorer,
    ...(r.score === null ? {} : { score: Number(r.score) }),
    ...(r.label === null ? {} : { label: r.label }),
    ...(r.passed === null ? {} : { passed: r.passed === 1 }),
    ...(r.error === null ? {} : { error: r.error }),
    judge_cost_usd: Number(r.judge_cost_usd),
    judge_latency_ms: Number(r.judge_latency_ms),
  }));
}

/** Whether an active experiment with this id exists (jobs are refused up front otherwise). */
export async function experimentIsActive(db: Db, experimentId: string): Promise<boolean> {
  if (!/^\d+$/.test(experimentId)) return false;
  const row = await db.selectFrom('experiments').select('lifecycle_stage').where('experiment_id', '=', Number(experimentId)).executeTakeFirst();
  return row?.lifecycle_stage === 'active';
}

/**
 * Jobs run inside the server process, so a restart ends them: call on startup to mark jobs left
 * PENDING/RUNNING as FAILED. Their finished results are kept as assessments, and a new job with
 * the same request resumes where they stopped.
 */
export async function failInterruptedJobs(db: Db): Promise<number> {
  const r = await db
    .updateTable('evaluation_jobs')
    .set({ status: 'FAILED', error: 'interrupted by a server restart; start the job again to resume', finished_at: Date.now() })
    .where('status', 'in', UNFINISHED)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}
