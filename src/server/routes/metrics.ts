import { Hono } from 'hono';
import { getMetricHistory, getMetricsAtSteps, sampleMetricSteps } from '../../store/metrics.js';
import { decodePageToken, encodePageToken } from '../../store/page-token.js';
import { requireRun } from '../../store/runs.js';
import type { AppDeps } from '../deps.js';
import { MlflowError } from '../errors.js';
import {
  GetMetricHistoryBulkIntervalRequest,
  type GetMetricHistoryBulkIntervalResponse,
  GetMetricHistoryRequest,
  type GetMetricHistoryResponse,
} from '../schemas/runs.js';
import { readQuery } from '../validate.js';
import { runIdOf } from './runs.js';

/** MLflow's per-run cap on the points one bulk-interval answer carries. */
const MAX_POINTS_PER_RUN = 25_000;

export function metricsRoutes({ store }: AppDeps) {
  const { db } = store;
  return new Hono()
    .get('/metrics/get-history', async (c) => {
      const req = readQuery(c, GetMetricHistoryRequest);
      const runId = runIdOf(req);
      await requireRun(db, runId);
      const offset = decodePageToken(req.page_token);
      const page = await getMetricHistory(db, runId, req.metric_key, { offset, limit: req.max_results });
      const next_page_token = page.more ? encodePageToken(offset + page.metrics.length) : undefined;
      return c.json({ metrics: page.metrics, ...(next_page_token && { next_page_token }) } satisfies GetMetricHistoryResponse);
    })
    .get('/metrics/get-history-bulk-interval', async (c) => {
      const { run_ids, metric_key, start_step, end_step, max_results } = readQuery(c, GetMetricHistoryBulkIntervalRequest);
      if ((start_step === undefined) !== (end_step === undefined)) {
        throw MlflowError.invalidParameter('If either start step or end step are specified, both must be specified.');
      }
      const range = start_step === undefined ? undefined : { start: start_step, end: end_step! };
      if (range && range.start > range.end) {
        throw MlflowError.invalidParameter(`end_step must be greater than start_step. Found start_step=${range.start} and end_step=${range.end}.`);
      }
      const steps = await sampleMetricSteps(db, run_ids, metric_key, range, max_results);
      const metrics = await getMetricsAtSteps(db, run_ids, metric_key, steps, MAX_POINTS_PER_RUN);
      return c.json({ metrics } as GetMetricHistoryBulkIntervalResponse);
    });
}
