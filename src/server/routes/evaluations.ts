import type { IncomingMessage } from 'node:http';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { abortLocalJob, runEvaluationJob, StartEvaluationRequest } from '../../evals/job.js';
import { cancelJob, createJob, experimentIsActive, getJob, jobResults, jobRowToJob, listJobs } from '../../store/evaluations.js';
import type { AppDeps } from '../deps.js';
import { MlflowError } from '../errors.js';
import { readJson, readQuery } from '../validate.js';

/** A job as every evaluation endpoint returns it. */
export const EvaluationJob = z.object({
  job_id: z.string(),
  experiment_id: z.string(),
  status: z.enum(['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED']),
  request: z.record(z.string(), z.unknown()),
  progress: z.object({ total: z.number(), done: z.number(), failures: z.number(), skipped: z.number(), cost_usd: z.number() }),
  summary: z.array(z.record(z.string(), z.unknown())).optional(),
  run_id: z.string().optional(),
  error: z.string().optional(),
  created_at: z.number(),
  finished_at: z.number().optional(),
});
export const StartEvaluationResponse = z.object({ job: EvaluationJob });
export type StartEvaluationResponse = z.infer<typeof StartEvaluationResponse>;
export const ListEvaluationsResponse = z.object({ jobs: z.array(EvaluationJob) });
export type ListEvaluationsResponse = z.infer<typeof ListEvaluationsResponse>;
export const GetEvaluationResponse = z.object({
  job: EvaluationJob,
  results: z
    .array(z.object({ trace_id: z.string(), scorer: z.string(), score: z.number().optional(), label: z.string().optional(), passed: z.boolean().optional(), error: z.string().optional(), judge_cost_usd: z.number(), judge_latency_ms: z.number() }))
    .optional(),
});
export type GetEvaluationResponse = z.infer<typeof GetEvaluationResponse>;

const ListEvaluationsRequest = z.object({
  experiment_id: z.string().optional(),
  max_results: z.coerce.number().int().min(1).max(1000).default(100),
});
const GetEvaluationRequest = z.object({ include_results: z.string().optional() });

/**
 * Where the job reaches this server: the local end of the caller's connection. Deriving it from the
 * Host header instead would let a caller point the server at any host (SSRF) and would break
 * behind proxies whose public name is not reachable from inside.
 */
function selfUrl(c: Context): string {
  const socket = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket;
  if (!socket?.localPort || !socket.localAddress) return new URL(c.req.url).origin;
  const addr = socket.localAddress.replace(/^::ffff:/, '');
  return `http://${addr.includes(':') ? `[${addr}]` : addr}:${socket.localPort}`;
}

/**
 * Evaluation jobs (mounted at /api/{2.0,3.0}/glassbox and /ajax-api/…): start one, poll it, list
 * them, cancel one. A job runs in this process and goes through the server's own REST API, exactly as
 * `glassbox evaluate` would from outside.
 */
export function evaluationsRoutes(deps: AppDeps) {
  const { db } = deps.store;
  return new Hono()
    .post('/evaluations', async (c) => {
      const req = await readJson(c, StartEvaluationRequest);
      if (!(await experimentIsActive(db, req.experiment_id))) {
        throw MlflowError.notFound(`No active experiment with id=${req.experiment_id}`);
      }
      const job = await createJob(db, req.experiment_id, req);
      const ctx = { db, baseUrl: selfUrl(c), authorization: c.req.header('authorization') };
      void runEvaluationJob(ctx, job, req);
      return c.json({ job: jobRowToJob(job) } satisfies StartEvaluationResponse);
    })
    .get('/evaluations', async (c) => {
      const q = readQuery(c, ListEvaluationsRequest);
      const rows = await listJobs(db, { experimentId: q.experiment_id, limit: q.max_results });
      return c.json({ jobs: rows.map(jobRowToJob) } satisfies ListEvaluationsResponse);
    })
    .get('/evaluations/:id', async (c) => {
      const q = readQuery(c, GetEvaluationRequest);
      const row = await getJob(db, c.req.param('id'));
      if (!row) throw MlflowError.notFound(`Evaluation job with id=${c.req.param('id')} not found`);
      const withResults = q.include_results?.toLowerCase() === 'true';
      return c.json({ job: jobRowToJob(row), ...(withResults ? { results: await jobResults(db, row.job_id) } : {}) } satisfies GetEvaluationResponse);
    })
    .post('/evaluations/:id/cancel', async (c) => {
      const id = c.req.param('id');
      const row = await getJob(db, id);
      if (!row) throw MlflowError.notFound(`Evaluation job with id=${id} not found`);
      if (!(await cancelJob(db, id))) throw MlflowError.invalidParameter(`Evaluation job ${id} has already finished (${row.status}); only PENDING or RUNNING jobs can be cancelled`);
      // Here at once; a job running on another replica notices within a second.
      abortLocalJob(id);
      return c.json({ job: jobRowToJob((await getJob(db, id))!) } satisfies StartEvaluationResponse);
    });
}
