import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DIALECTS } from '../helpers/dialects.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** Incompressible text: PostgreSQL's b-tree index rows are capped at ~2.7 KB after compression. */
const noise = (chars: number) => randomBytes(chars).toString('base64').slice(0, chars);

for (const dialect of DIALECTS) {
  describe(`${dialect}: values at MLflow's length limits are stored and searchable`, () => {
    let s: TestServer;
    let runId: string;
    beforeAll(async () => {
      s = await startTestServer(dialect);
      const exp = await s.api('POST', '/api/2.0/mlflow/experiments/create', { name: 'long' });
      runId = (await s.api('POST', '/api/2.0/mlflow/runs/create', { experiment_id: exp.body.experiment_id })).body.run.info.run_id;
    });
    afterAll(() => s?.close());

    test('a 6,000-character param and an 8,000-character tag are accepted and found by equality', async () => {
      const param = noise(6000);
      const tag = noise(8000);
      expect((await s.api('POST', '/api/2.0/mlflow/runs/log-parameter', { run_id: runId, key: 'p', value: param })).status).toBe(200);
      expect((await s.api('POST', '/api/2.0/mlflow/runs/set-tag', { run_id: runId, key: 't', value: tag })).status).toBe(200);
      const r = await s.api('POST', '/api/2.0/mlflow/runs/search', { experiment_ids: [(await s.api('GET', `/api/2.0/mlflow/runs/get?run_id=${runId}`)).body.run.info.experiment_id], filter: `params.p = '${param}' AND tags.t = '${tag}'` });
      expect(r.status).toBe(200);
      expect(r.body.runs.map((x: { info: { run_id: string } }) => x.info.run_id)).toEqual([runId]);
    });

    test('a 4,096-character trace tag is stored and found by equality', async () => {
      const exp = (await s.api('GET', `/api/2.0/mlflow/runs/get?run_id=${runId}`)).body.run.info.experiment_id;
      const traceId = `tr-${randomBytes(16).toString('hex')}`;
      const info = { trace_id: traceId, trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } }, request_time: new Date().toISOString(), execution_duration: '0.1s', state: 'OK', trace_metadata: {}, tags: {} };
      expect((await s.api('POST', '/api/3.0/mlflow/traces', { trace: { trace_info: info } })).status).toBe(200);
      const value = noise(4096);
      expect((await s.api('PATCH', `/api/2.0/mlflow/traces/${traceId}/tags`, { key: 'long', value })).status).toBe(200);
      const r = await s.api('POST', '/api/3.0/mlflow/traces/search', { locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } }], filter: `tags.long = '${value}'` });
      expect(r.status).toBe(200);
      expect(r.body.traces.map((t: { trace_id: string }) => t.trace_id)).toEqual([traceId]);
    });

    test('a 20,000-character prompt template registers and loads back', async () => {
      const template = `${noise(20_000)} {{question}}`;
      expect((await s.api('POST', '/api/2.0/mlflow/registered-models/create', { name: 'long-prompt', tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }] })).status).toBe(200);
      const v = await s.api('POST', '/api/2.0/mlflow/model-versions/create', {
        name: 'long-prompt',
        source: 'dummy-source',
        tags: [
          { key: 'mlflow.prompt.is_prompt', value: 'true' },
          { key: 'mlflow.prompt.text', value: template },
          { key: '_mlflow_prompt_type', value: 'text' },
        ],
      });
      expect(v.status).toBe(200);
      const got = await s.api('GET', '/api/2.0/mlflow/model-versions/get?name=long-prompt&version=1');
      expect(got.body.model_version.tags.find((t: { key: string }) => t.key === 'mlflow.prompt.text').value).toBe(template);
    });
  });
}
