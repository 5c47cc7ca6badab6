import { createServer } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { describe, expect, test } from 'vitest';
import { createMlflowClient } from '../../src/evals/mlflow-client.js';

describe('the MLflow client', () => {
  test('an unreachable tracking server is reported with its address and the network cause', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((ok) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => ok(p));
      });
    });
    const client = createMlflowClient({ trackingUri: `http://127.0.0.1:${port}/` });
    await expect(client.searchTraces('1')).rejects.toThrow(`Cannot reach the tracking server at http://127.0.0.1:${port} (POST /api/3.0/mlflow/traces/search): connect ECONNREFUSED`);
  });
});

describe('the MLflow client against a stub server', () => {
  /** A stub tracking server: two pages of trace search, an artifact sink and one error route. */
  async function stub() {
    const seen: { method: string; path: string; body: string }[] = [];
    const app = new Hono();
    app.use('*', async (c, next) => {
      seen.push({ method: c.req.method, path: c.req.path + (new URL(c.req.url).search || ''), body: await c.req.raw.clone().text() });
      await next();
    });
    app.post('/api/3.0/mlflow/traces/search', async (c) => {
      const body = await c.req.json();
      return c.json(body.page_token ? { traces: [{ trace_id: 'tr-2' }] } : { traces: [{ trace_id: 'tr-1' }], next_page_token: 'p2' });
    });
    app.put('/api/2.0/mlflow-artifacts/artifacts/*', (c) => c.json({}));
    app.get('/api/2.0/mlflow/experiments/get-by-name', (c) => c.json({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Could not find experiment' }, 404));
    const server = await new Promise<ReturnType<typeof serve>>((ok) => {
      const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => ok(s));
    });
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    return { url, seen, close: () => new Promise<void>((ok) => server.close(() => ok())) };
  }

  test('trace search follows page tokens until the last page', async () => {
    const s = await stub();
    try {
      const traces = await createMlflowClient({ trackingUri: s.url }).searchTraces('7', "trace.status = 'OK'");
      expect(traces.map((t) => t.trace_id)).toEqual(['tr-1', 'tr-2']);
      expect(JSON.parse(s.seen[0].body)).toEqual({ locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '7' } }], filter: "trace.status = 'OK'", max_results: 500 });
      expect(JSON.parse(s.seen[1].body).page_token).toBe('p2');
    } finally {
      await s.close();
    }
  });

  test('artifacts go through the mlflow-artifacts proxy path of the run artifact URI', async () => {
    const s = await stub();
    try {
      await createMlflowClient({ trackingUri: `${s.url}/`, token: 'tok' }).uploadArtifact('mlflow-artifacts:/3/abc/artifacts', 'eval_results.csv', 'a,b\n', 'text/csv');
      expect(s.seen[0]).toEqual({ method: 'PUT', path: '/api/2.0/mlflow-artifacts/artifacts/3/abc/artifacts/eval_results.csv', body: 'a,b\n' });
    } finally {
      await s.close();
    }
  });

  test('an MLflow error keeps its error code and message', async () => {
    const s = await stub();
    try {
      const err = await createMlflowClient({ trackingUri: s.url }).resolveExperimentId('missing').catch((e) => e);
      expect(err).toMatchObject({ status: 404, code: 'RESOURCE_DOES_NOT_EXIST' });
      expect(err.message).toBe('GET /api/2.0/mlflow/experiments/get-by-name?experiment_name=missing failed with 404: Could not find experiment');
    } finally {
      await s.close();
    }
  });
});
