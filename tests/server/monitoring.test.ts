import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { postTrace, ragTrace } from '../e2e/seed.js';
import { DIALECTS } from '../helpers/dialects.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

for (const dialect of DIALECTS) {
  describe(`${dialect}: monitoring and experiment summaries`, () => {
    let s: TestServer;
    let experimentId: string;
    const start = Date.now() - 3_600_000;
    beforeAll(async () => {
      s = await startTestServer(dialect);
      experimentId = (await s.api('POST', '/api/2.0/mlflow/experiments/create', { name: 'mon' })).body.experiment_id;
      // Two OK traces in the first 10 minutes, one ERROR trace 40 minutes in.
      const ok1 = await postTrace(s, experimentId, ragTrace('q1', 'a1'), start + 60_000);
      await postTrace(s, experimentId, ragTrace('q2', 'a2'), start + 120_000);
      await postTrace(s, experimentId, ragTrace('q3', '', { error: 'boom' }), start + 40 * 60_000);
      const fb = (value: unknown) => ({ assessment: { assessment_name: 'helpful', trace_id: ok1, source: { source_type: 'HUMAN' }, feedback: { value } } });
      expect((await s.api('POST', `/api/3.0/mlflow/traces/${ok1}/assessments`, fb(true))).status).toBe(200);
      await s.api('POST', '/api/2.0/mlflow/runs/create', { experiment_id: experimentId, start_time: start });
    });
    afterAll(() => s?.close());

    test('buckets count traces and errors, latency percentiles, tokens and feedback means', async () => {
      const r = await s.api('GET', `/api/2.0/glassbox/monitoring?experiment_id=${experimentId}&start_ms=${start}&end_ms=${start + 3_600_000}&buckets=6`);
      expect(r.status).toBe(200);
      const b = r.body.buckets;
      expect(b).toHaveLength(6);
      expect(b[0]).toMatchObject({ traces: 2, errors: 0, error_rate: 0, latency_p50_ms: 900, latency_p95_ms: 900, tokens: 300 });
      expect(b[0].assessments.helpful).toEqual({ mean: 1, count: 1 });
      expect(b[4]).toMatchObject({ traces: 1, errors: 1, error_rate: 1 });
      expect(b[1]).toMatchObject({ traces: 0, latency_p50_ms: null });
    });

    test('bad ranges are a 400, not a crash', async () => {
      const r = await s.api('GET', `/api/2.0/glassbox/monitoring?experiment_id=${experimentId}&start_ms=10&end_ms=5`);
      expect(r.status).toBe(400);
      expect(r.body.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect((await s.api('GET', '/api/2.0/glassbox/monitoring?experiment_id=abc')).status).toBe(400);
    });

    test('experiment summaries count active runs and traces and report the last activity', async () => {
      const r = await s.api('POST', '/ajax-api/2.0/glassbox/experiments/summary', { experiment_ids: [experimentId, '0'] });
      expect(r.status).toBe(200);
      expect(r.body.summaries[0]).toMatchObject({ experiment_id: experimentId, run_count: 1, trace_count: 3 });
      expect(r.body.summaries[0].last_activity).toBeGreaterThanOrEqual(start + 40 * 60_000);
      expect(r.body.summaries[1]).toEqual({ experiment_id: '0', run_count: 0, trace_count: 0, last_activity: null });
    });
  });
}
