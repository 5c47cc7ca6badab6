import { Hono } from 'hono';
import { z } from 'zod';
import { experimentMonitoring, experimentSummaries } from '../../store/monitoring.js';
import type { AppDeps } from '../deps.js';
import { MlflowError } from '../errors.js';
import { Int64 } from '../schemas/common.js';
import { readJson, readQuery } from '../validate.js';

export const GetMonitoringRequest = z.object({
  experiment_id: Int64,
  start_ms: Int64.optional(),
  end_ms: Int64.optional(),
  buckets: Int64.optional(),
});

export const ExperimentSummariesRequest = z.object({ experiment_ids: z.array(Int64).max(1000) });

/**
 * GET /monitoring: trace volume, error rate, latency percentiles, tokens, cost and assessment means
 * over time. POST /experiments/summary: run and trace counts and last activity per experiment (the
 * experiments page; MLflow's API has no counts).
 */
export function monitoringRoutes(deps: AppDeps) {
  return new Hono()
    .post('/experiments/summary', async (c) => {
      const req = await readJson(c, ExperimentSummariesRequest);
      return c.json({ summaries: await experimentSummaries(deps.store.db, req.experiment_ids) });
    })
    .get('/monitoring', async (c) => {
    const req = readQuery(c, GetMonitoringRequest);
    const end = req.end_ms ?? Date.now();
    const start = req.start_ms ?? end - 24 * 3_600_000;
    const buckets = req.buckets ?? 48;
    if (start >= end) throw MlflowError.invalidParameter('start_ms must be before end_ms');
    if (buckets < 1 || buckets > 1000) throw MlflowError.invalidParameter('buckets must be between 1 and 1000');
    const series = await experimentMonitoring(deps.store.db, req.experiment_id, start, end, buckets);
    return c.json({ experiment_id: String(req.experiment_id), start_ms: start, end_ms: end, buckets: series });
  });
}
