import { z } from 'zod';
import { evaluate } from './evaluate.js';
import { createJudge } from './judge/judge.js';
import { openAIJudgeClientFromSettings, resolveJudgeSettings, type JudgeClient } from './judge-client.js';
import { needsJudge, SCORER_NAMES, scorersByName } from './scorers.js';
import type { Db } from '../store/db.js';
import { getJob, saveResults, updateJob, type JobRow } from '../store/evaluations.js';

/** Body of POST /api/2.0/glassbox/evaluations. */
export const StartEvaluationRequest = z.object({
  experiment_id: z.string().min(1),
  scorers: z.array(z.enum(SCORER_NAMES)).min(1),
  filter: z.string().optional(),
  judge_model: z.string().optional(),
  concurrency: z.coerce.number().int().min(1).max(256).default(8),
  requests_per_minute: z.coerce.number().positive().optional(),
  sample: z.coerce.number().gt(0).max(1).optional(),
  force: z.boolean().default(false),
  run_name: z.string().optional(),
  guidelines: z.array(z.string()).optional(),
  k: z.coerce.number().int().min(1).default(5),
});
export type StartEvaluationRequest = z.infer<typeof StartEvaluationRequest>;

export interface JobContext {
  db: Db;
  /** The server's own URL: the job reads traces and writes results through the REST API, like any client. */
  baseUrl: string;
  /** The caller's Authorization header, so the job may do what its caller may. */
  authorization?: string;
  /** Injected judge (tests); otherwise built from GLASSBOX_JUDGE_* / OPENAI_* at job start. */
  judgeClient?: JudgeClient;
  env?: NodeJS.ProcessEnv;
}

/** Jobs running in this process, so that a cancel request reaching it stops one at once. */
const running = new Map<string, AbortController>();

/** Stops a job if it runs in this process (elsewhere, its own status poll notices the cancel). */
export function abortLocalJob(jobId: string): void {
  running.get(jobId)?.abort();
}

/** How often a running job re-reads its status, to notice a cancel sent to another replica. */
const CANCEL_POLL_MS = 1000;

/**
 * Runs one REST-started job to completion, recording progress (at most every 250 ms), each
 * result row, and the final summary and run id. Never throws: failures end as status FAILED.
 * A cancelled job (`cancelJob`) stops taking records, finishes the ones in flight, records its
 * progress and stays CANCELLED; it logs no MLflow run, and a new job with the same request resumes it.
 *
 * @example
 * void runEvaluationJob({ db, baseUrl: 'http://127.0.0.1:5000' }, job, request);
 */
export async function runEvaluationJob(ctx: JobContext, job: JobRow, req: StartEvaluationRequest): Promise<void> {
  const controller = new AbortController();
  running.set(job.job_id, controller);
  try {
    await runJob(ctx, job, req, controller);
  } finally {
    running.delete(job.job_id);
  }
}

async function runJob(ctx: JobContext, job: JobRow, req: StartEvaluationRequest, controller: AbortController): Promise<void> {
  const { db } = ctx;
  const { signal } = controller;
  let lastCancelCheck = Date.now();
  const checkCancelled = async () => {
    if (signal.aborted || Date.now() - lastCancelCheck < CANCEL_POLL_MS) return;
    lastCancelCheck = Date.now();
    if ((await getJob(db, job.job_id))?.status === 'CANCELLED') controller.abort();
  };
  try {
    if (!(await updateJob(db, job.job_id, { status: 'RUNNING' }, ['PENDING']))) return; // cancelled before it started
    let judge;
    let model: string | undefined;
    if (needsJudge(req.scorers)) {
      const settings = resolveJudgeSettings({ model: req.judge_model }, ctx.env ?? process.env);
      model = settings.model;
      judge = createJudge({ client: ctx.judgeClient ?? openAIJudgeClientFromSettings(settings), model, concurrency: req.concurrency, requestsPerMinute: req.requests_per_minute });
    }
    const scorers = scorersByName(req.scorers, { judge, k: req.k, guidelines: req.guidelines });
    let lastWrite = 0;
    const report = await evaluate({
      tracking: { trackingUri: ctx.baseUrl, authorization: ctx.authorization, experiment: req.experiment_id, filter: req.filter, runName: req.run_name },
      scorers,
      concurrency: req.concurrency,
      force: req.force,
      sample: req.sample,
      jobId: job.job_id,
      params: model ? { judge_model: model } : {},
      signal,
      onRows: (rows) =>
        saveResults(
          db,
          job.job_id,
          rows.map((r) => ({ trace_id: r.id, scorer: r.scorer, score: r.score, label: r.label, passed: r.passed, error: r.error, judge_cost_usd: r.judgeCostUsd, judge_latency_ms: r.judgeLatencyMs })),
        ),
      onProgress: (p) => {
        if (Date.now() - lastWrite < 250 && p.done < p.total) return;
        lastWrite = Date.now();
        void updateJob(db, job.job_id, { total: p.total, done: p.done, failures: p.failures, cost_usd: p.costUsd }).catch(() => undefined);
        void checkCancelled().catch(() => undefined);
      },
    });
    const judged = new Set(report.rows.map((r) => r.id)).size;
    const outcome = {
      done: judged,
      skipped: report.skipped,
      failures: new Set(report.rows.filter((r) => r.error).map((r) => r.id)).size,
      cost_usd: report.summary.reduce((a, s) => a + s.judgeCostUsd, 0),
      summary_json: JSON.stringify(report.summary),
      finished_at: Date.now(),
    };
    if (signal.aborted) await updateJob(db, job.job_id, outcome, ['CANCELLED']);
    else await updateJob(db, job.job_id, { ...outcome, status: 'SUCCEEDED', total: judged, run_id: report.runId ?? null }, ['RUNNING']);
  } catch (err) {
    await updateJob(db, job.job_id, { status: 'FAILED', error: (err as Error).message, finished_at: Date.now() }, ['RUNNING']).catch(() => undefined);
  }
}
