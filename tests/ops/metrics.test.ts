import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createToken } from '../../src/store/users.js';
import { DIALECTS } from '../helpers/dialects.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { otlpJson, startAuthServer, type AuthServer } from '../security/helpers.js';

const API = '/api/2.0/mlflow';

/** The value of one series in a Prometheus text exposition (labels in the order the server writes them). */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: /metrics`, () => {
    let s: TestServer;
    let text: string;
    let contentType: string | null;
    beforeAll(async () => {
      s = await startTestServer(dialect);
      await s.api('GET', `${API}/experiments/get?experiment_id=0`);
      await s.api('GET', `${API}/experiments/get?experiment_id=0`);
      await s.api('GET', `${API}/experiments/get?experiment_id=424242`);
      await s.api('GET', '/api/3.0/mlflow/traces/tr-0123456789abcdef0123456789abcdef');
      await s.api('GET', '/no/such/path/anywhere');
      await s.api('POST', '/v1/traces', otlpJson().body, { 'x-mlflow-experiment-id': '0' });
      const now = Date.now();
      await s.store.db
        .insertInto('evaluation_jobs')
        .values({ job_id: 'ev-metrics-test', experiment_id: '0', status: 'RUNNING', request_json: '{}', total: 8, done: 2, failures: 0, skipped: 0, cost_usd: 0, created_at: now })
        .execute();
      const r = await s.api('GET', '/metrics');
      expect(r.status).toBe(200);
      text = r.text;
      contentType = r.headers.get('content-type');
    });
    afterAll(() => s?.close());

    test('is served in the Prometheus text format', () => {
      expect(contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(text).toMatch(/^# TYPE glassbox_http_requests_total counter$/m);
      expect(text).toMatch(/^# TYPE glassbox_http_request_duration_seconds histogram$/m);
    });

    test('counts requests by method, route pattern and status', () => {
      expect(sample(text, 'glassbox_http_requests_total{method="GET",route="/api/2.0/mlflow/experiments/get",status="200"}')).toBe(2);
      expect(sample(text, 'glassbox_http_requests_total{method="GET",route="/api/2.0/mlflow/experiments/get",status="404"}')).toBe(1);
      expect(sample(text, 'glassbox_http_requests_total{method="POST",route="/v1/traces",status="200"}')).toBe(1);
    });

    test('labels by route pattern, so ids in paths never become series', () => {
      expect(text).toContain('route="/api/3.0/mlflow/traces/:trace_id"');
      expect(text).not.toContain('tr-0123456789abcdef0123456789abcdef');
      expect(text).not.toContain('/no/such/path');
    });

    test('has a latency histogram whose +Inf bucket equals its count', () => {
      const labels = 'method="GET",route="/api/2.0/mlflow/experiments/get"';
      const inf = sample(text, `glassbox_http_request_duration_seconds_bucket{${labels},le="+Inf"}`);
      expect(inf).toBe(3);
      expect(sample(text, `glassbox_http_request_duration_seconds_count{${labels}}`)).toBe(3);
      expect(sample(text, `glassbox_http_request_duration_seconds_sum{${labels}}`)).toBeGreaterThan(0);
    });

    test('reports the database size, ingest queue depth and in-flight requests', () => {
      expect(sample(text, `glassbox_database_size_bytes{dialect="${dialect}"}`)).toBeGreaterThan(10_000);
      expect(sample(text, 'glassbox_ingest_queue_depth')).toBe(0);
      expect(sample(text, 'glassbox_http_requests_in_flight')).toBe(1); // the scrape itself
    });

    test('reports evaluation jobs by status and the progress of running ones', () => {
      expect(sample(text, 'glassbox_evaluation_jobs{status="RUNNING"}')).toBe(1);
      expect(sample(text, 'glassbox_evaluation_job_progress_ratio{job_id="ev-metrics-test",experiment_id="0"}')).toBe(0.25);
    });

    test('declares the span counters other modules feed', () => {
      expect(text).toMatch(/^# TYPE glassbox_spans_ingested_total counter$/m);
      expect(text).toMatch(/^# TYPE glassbox_spans_rejected_total counter$/m);
    });
  });

  describe(`${dialect}: /metrics with auth on`, () => {
    let s: AuthServer;
    beforeAll(async () => {
      s = await startAuthServer(dialect);
    });
    afterAll(() => s?.close());

    test('needs credentials, and by default an admin', async () => {
      expect((await s.api('GET', '/metrics')).status).toBe(401);
      const u = await s.user();
      expect((await s.api('GET', '/metrics', undefined, u.headers)).status).toBe(403);
      expect((await s.api('GET', '/metrics', undefined, s.admin)).status).toBe(200);
    });

    test("an admin's API token can scrape (Prometheus authorization: Bearer)", async () => {
      const { token } = await createToken(s.store.db, 'admin', 'prometheus');
      expect((await s.api('GET', '/metrics', undefined, { authorization: `Bearer ${token}` })).status).toBe(200);
    });
  });
}

describe('sqlite: /metrics with auth on and GLASSBOX_METRICS_ACCESS=public', () => {
  let s: AuthServer;
  beforeAll(async () => {
    s = await startAuthServer('sqlite', { metricsAccess: 'public' });
  });
  afterAll(() => s?.close());

  test('is open while the API stays protected', async () => {
    expect((await s.api('GET', '/metrics')).status).toBe(200);
    expect((await s.api('GET', `${API}/experiments/get?experiment_id=0`)).status).toBe(401);
  });
});
