import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { GetEvaluationResponse, ListEvaluationsResponse, StartEvaluationResponse } from '../../src/server/routes/evaluations.js';
import { createJob, failInterruptedJobs, updateJob } from '../../src/store/evaluations.js';
import { DIALECTS } from '../helpers/dialects.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

for (const dialect of DIALECTS) {
  describe(`${dialect}: evaluation jobs over REST`, () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await startTestServer(dialect);
    });
    afterAll(() => s?.close());

    /** Every answer must match the route's own response schema. */
    const get = async (path: string) => {
      const r = await s.api('GET', path);
      expect(r.status, r.text).toBe(200);
      return GetEvaluationResponse.parse(r.body);
    };
    const poll = async (path: string) => {
      let { job } = await get(path);
      for (let i = 0; i < 300 && (job.status === 'PENDING' || job.status === 'RUNNING'); i++) {
        await new Promise((ok) => setTimeout(ok, 50));
        ({ job } = await get(path));
      }
      return job;
    };

    test('an unknown scorer is INVALID_PARAMETER_VALUE naming the field', async () => {
      const r = await s.api('POST', '/api/2.0/glassbox/evaluations', { experiment_id: '0', scorers: ['vibes'] });
      expect(r.status).toBe(400);
      expect(r.body.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect(r.body.message).toContain("'scorers.0'");
    });

    test('a job needs at least one scorer', async () => {
      const r = await s.api('POST', '/api/2.0/glassbox/evaluations', { experiment_id: '0', scorers: [] });
      expect(r.status).toBe(400);
    });

    test('an unknown experiment is RESOURCE_DOES_NOT_EXIST and no job is created', async () => {
      const r = await s.api('POST', '/api/2.0/glassbox/evaluations', { experiment_id: '987654', scorers: ['latency'] });
      expect(r.status).toBe(404);
      expect(r.body).toEqual({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'No active experiment with id=987654' });
      expect((await s.api('GET', '/api/2.0/glassbox/evaluations?experiment_id=987654')).body.jobs).toEqual([]);
    });

    test('polling an unknown job is RESOURCE_DOES_NOT_EXIST', async () => {
      const r = await s.api('GET', '/api/2.0/glassbox/evaluations/ev-missing');
      expect(r.status).toBe(404);
      expect(r.body).toEqual({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Evaluation job with id=ev-missing not found' });
    });

    test('a job over an experiment without traces succeeds with zero counts and still records a run', async () => {
      const started = await s.api('POST', '/ajax-api/2.0/glassbox/evaluations', { experiment_id: '0', scorers: ['latency', 'pii'], run_name: 'empty' });
      expect(started.status, started.text).toBe(200);
      expect(StartEvaluationResponse.parse(started.body).job).toMatchObject({ experiment_id: '0', status: 'PENDING', request: { scorers: ['latency', 'pii'], concurrency: 8, force: false } });
      const job = await poll(`/api/3.0/glassbox/evaluations/${started.body.job.job_id}`);
      expect(job, JSON.stringify(job)).toMatchObject({ status: 'SUCCEEDED', progress: { total: 0, done: 0, failures: 0, skipped: 0, cost_usd: 0 } });
      expect(job.summary!.map((x) => [x.scorer, x.count])).toEqual([['latency', 0], ['pii', 0]]);
      const run = await s.api('GET', `/api/2.0/mlflow/runs/get?run_id=${job.run_id}`);
      expect(run.body.run?.info, run.text).toMatchObject({ status: 'FINISHED', run_name: 'empty' });
    });

    test('the job reaches this server through its own socket, not through the Host header the caller sent', async () => {
      // fetch() will not send a forged Host header; node:http will. localhost passes the DNS-rebinding
      // check, but nothing listens on port 9, so a Host-derived URL would fail the job.
      const body = JSON.stringify({ experiment_id: '0', scorers: ['latency'] });
      const started = await new Promise<{ status: number; text: string }>((ok, fail) => {
        const req = request(`${s.url}/api/2.0/glassbox/evaluations`, { method: 'POST', headers: { host: 'localhost:9', 'content-type': 'application/json' } }, (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () => ok({ status: res.statusCode!, text }));
        });
        req.on('error', fail);
        req.end(body);
      });
      expect(started.status, started.text).toBe(200);
      const job = await poll(`/api/2.0/glassbox/evaluations/${JSON.parse(started.text).job.job_id}`);
      expect(job, JSON.stringify(job)).toMatchObject({ status: 'SUCCEEDED' });
    });

    test('after a restart, jobs left running are marked FAILED with a hint to resume', async () => {
      const job = await createJob(s.store.db, '0', { scorers: ['latency'] });
      await updateJob(s.store.db, job.job_id, { status: 'RUNNING' });
      expect(await failInterruptedJobs(s.store.db)).toBeGreaterThanOrEqual(1);
      const { job: after } = await get(`/api/2.0/glassbox/evaluations/${job.job_id}`);
      expect(after).toMatchObject({ status: 'FAILED', error: 'interrupted by a server restart; start the job again to resume' });
    });

    test('jobs are listed newest first', async () => {
      const a = (await s.api('POST', '/api/2.0/glassbox/evaluations', { experiment_id: '0', scorers: ['latency'] })).body.job.job_id;
      await new Promise((ok) => setTimeout(ok, 5));
      const b = (await s.api('POST', '/api/2.0/glassbox/evaluations', { experiment_id: '0', scorers: ['latency'] })).body.job.job_id;
      const ids = ListEvaluationsResponse.parse((await s.api('GET', '/api/2.0/glassbox/evaluations?experiment_id=0')).body).jobs.map((j) => j.job_id);
      expect(ids.indexOf(b)).toBeLessThan(ids.indexOf(a));
      await poll(`/api/2.0/glassbox/evaluations/${a}`);
      await poll(`/api/2.0/glassbox/evaluations/${b}`);
    });
  });
}
