import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/main.js';
import { DIALECTS, freshStore, type TestStoreTarget } from '../helpers/dialects.js';
import { encodeProtobuf, makeSdkSpans } from '../otlp/builders.js';

/**
 * Two Glassbox servers over ONE PostgreSQL database, requests spread across both, as behind a load
 * balancer: concurrent start-up (both migrate), unique names, version numbers, log-batch, OTLP spans
 * of one trace split across replicas, and searches that agree. PostgreSQL only (SQLite is one process).
 */
const json = (url: string, method: string, path: string, body?: unknown) =>
  fetch(url + path, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) }).then(async (r) => ({
    status: r.status,
    body: (await r.json().catch(() => undefined)) as any,
  }));

if (DIALECTS.includes('postgres')) {
  describe('postgres: two replicas over one database', () => {
    let target: TestStoreTarget;
    let a: RunningServer;
    let b: RunningServer;
    beforeAll(async () => {
      target = await freshStore('postgres');
      const config = loadConfig({ port: 0, backendStoreUri: target.uri, artifactsDestination: join(target.dir, 'artifacts'), retentionIntervalSeconds: 0 }, {});
      // Both start (and migrate) at the same time, on an empty database.
      [a, b] = await Promise.all([startServer(config), startServer(config)]);
    });
    afterAll(async () => {
      await Promise.all([a?.close(), b?.close()]);
      await target?.cleanup();
    });

    test('both replicas migrated the same empty database at once and serve the same Default experiment', async () => {
      for (const s of [a, b]) {
        const r = await json(s.url, 'GET', '/api/2.0/mlflow/experiments/get?experiment_id=0');
        expect(r.status).toBe(200);
        expect(r.body.experiment.name).toBe('Default');
      }
    });

    test('creating the same experiment name on both at once: exactly one wins, the other gets RESOURCE_ALREADY_EXISTS', async () => {
      for (let round = 0; round < 15; round++) {
        const name = `race-${round}`;
        const answers = await Promise.all([a, b, a, b].map((s) => json(s.url, 'POST', '/api/2.0/mlflow/experiments/create', { name })));
        expect(answers.filter((r) => r.status === 200)).toHaveLength(1);
        for (const r of answers.filter((x) => x.status !== 200)) expect(r).toMatchObject({ status: 400, body: { error_code: 'RESOURCE_ALREADY_EXISTS' } });
      }
    });

    test('versions registered concurrently on both replicas are numbered 1..n without duplicates', async () => {
      expect((await json(a.url, 'POST', '/api/2.0/mlflow/registered-models/create', { name: 'race-prompt' })).status).toBe(200);
      const n = 24;
      const answers = await Promise.all(
        Array.from({ length: n }, (_, i) =>
          json([a, b][i % 2].url, 'POST', '/api/2.0/mlflow/model-versions/create', {
            name: 'race-prompt',
            source: 'dummy-source',
            description: `v from ${i}`,
            tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }, { key: 'mlflow.prompt.text', value: `Hello ${i}` }],
          }),
        ),
      );
      const failed = answers.filter((r) => r.status !== 200);
      expect(failed.map((r) => `${r.status} ${JSON.stringify(r.body)}`)).toEqual([]);
      const versions = answers.map((r) => Number(r.body.model_version.version)).sort((x, y) => x - y);
      expect(versions).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    });

    test('log-batch to one run from both replicas loses no metric, param or tag', async () => {
      const run = (await json(a.url, 'POST', '/api/2.0/mlflow/runs/create', { experiment_id: '0', start_time: 1 })).body.run.info.run_id as string;
      const calls = 30;
      const answers = await Promise.all(
        Array.from({ length: calls }, (_, i) =>
          json([a, b][i % 2].url, 'POST', '/api/2.0/mlflow/runs/log-batch', {
            run_id: run,
            metrics: Array.from({ length: 20 }, (_, k) => ({ key: 'loss', value: i + k / 100, timestamp: 1_780_000_000_000 + i, step: i * 20 + k })),
            params: [{ key: `p${i}`, value: String(i) }],
            tags: [{ key: `t${i}`, value: String(i) }],
          }),
        ),
      );
      expect(answers.filter((r) => r.status !== 200).map((r) => JSON.stringify(r.body))).toEqual([]);
      const history = await json(b.url, 'GET', `/api/2.0/mlflow/metrics/get-history?run_id=${run}&metric_key=loss&max_results=10000`);
      expect(history.body.metrics).toHaveLength(calls * 20);
      const got = (await json(a.url, 'GET', `/api/2.0/mlflow/runs/get?run_id=${run}`)).body.run.data;
      expect(got.params).toHaveLength(calls);
      expect(got.tags.filter((t: { key: string }) => /^t\d+$/.test(t.key))).toHaveLength(calls);
    });

    test('OTLP spans of one trace split across both replicas come back as one whole trace', async () => {
      const traces = Array.from({ length: 12 }, (_, i) => makeSdkSpans({ name: `root-${i}`, children: Array.from({ length: 9 }, (_, k) => ({ name: `child-${k}` })) }));
      await Promise.all(
        traces.flatMap((spans) => [
          [a, spans.slice(0, 5)],
          [b, spans.slice(5)],
        ] as const).map(async ([s, part]) => {
          const res = await fetch(`${s.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf', 'x-mlflow-experiment-id': '0' }, body: Buffer.from(encodeProtobuf(part)) });
          expect(res.status).toBe(200);
        }),
      );
      for (const spans of traces) {
        const id = `tr-${spans[0].spanContext().traceId}`;
        for (const s of [a, b]) {
          const r = await json(s.url, 'GET', `/api/3.0/mlflow/traces/get?trace_id=${id}&allow_partial=False`);
          expect(r.status).toBe(200);
          expect(r.body.trace.spans).toHaveLength(10);
          expect(r.body.trace.trace_info.state).toBe('OK');
          expect(JSON.parse(r.body.trace.trace_info.trace_metadata['mlflow.trace.sizeStats']).num_spans).toBe(10);
        }
      }
    });

    test('searches on either replica see the same results', async () => {
      const runs = (s: RunningServer) => json(s.url, 'POST', '/api/2.0/mlflow/runs/search', { experiment_ids: ['0'], max_results: 1000 });
      const traces = (s: RunningServer) => json(s.url, 'POST', '/api/3.0/mlflow/traces/search', { locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '0' } }], max_results: 500 });
      const exps = (s: RunningServer) => json(s.url, 'POST', '/api/2.0/mlflow/experiments/search', { max_results: 1000, view_type: 'ALL' });
      const [ra, rb, ta, tb, ea, eb] = await Promise.all([runs(a), runs(b), traces(a), traces(b), exps(a), exps(b)]);
      expect(ra.body.runs.map((r: any) => r.info.run_id)).toEqual(rb.body.runs.map((r: any) => r.info.run_id));
      expect(ta.body.traces.map((t: any) => t.trace_id)).toEqual(tb.body.traces.map((t: any) => t.trace_id));
      expect(ta.body.traces.length).toBeGreaterThanOrEqual(12);
      expect(ea.body.experiments.map((e: any) => e.experiment_id)).toEqual(eb.body.experiments.map((e: any) => e.experiment_id));
    });
  });
}
