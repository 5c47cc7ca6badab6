import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DIALECTS } from '../helpers/dialects.js';
import { API, otlpJson, startAuthServer, uniq, type AuthServer } from './helpers.js';

const ARTIFACTS = '/api/2.0/mlflow-artifacts/artifacts';
const TRACES = '/api/3.0/mlflow/traces';

for (const dialect of DIALECTS) {
  describe(`${dialect}: per-experiment permissions (default READ)`, () => {
    let s: AuthServer;
    let owner: Awaited<ReturnType<AuthServer['user']>>;
    let other: Awaited<ReturnType<AuthServer['user']>>;
    let exp: string;
    let runId: string;
    let traceId: string;
    let doomed: string;

    beforeAll(async () => {
      s = await startAuthServer(dialect);
      owner = await s.user();
      other = await s.user();
      exp = (await s.api('POST', `${API}/experiments/create`, { name: uniq('owned') }, owner.headers)).body.experiment_id;
      doomed = (await s.api('POST', `${API}/experiments/create`, { name: uniq('doomed') }, owner.headers)).body.experiment_id;
      runId = (await s.api('POST', `${API}/runs/create`, { experiment_id: exp, start_time: Date.now() }, owner.headers)).body.run.info.run_id;
      const otlp = otlpJson();
      traceId = otlp.traceId;
      const r = await s.api('POST', '/v1/traces', otlp.body, { ...owner.headers, 'x-mlflow-experiment-id': exp });
      expect(r.status).toBe(200);
    });
    afterAll(() => s?.close());

    test('the creator of an experiment gets MANAGE on it', async () => {
      const row = await s.store.db.selectFrom('permissions').selectAll().where('resource_id', '=', exp).execute();
      expect(row).toMatchObject([{ resource_type: 'experiment', permission: 'MANAGE' }]);
      expect((await s.api('POST', `${API}/experiments/set-experiment-tag`, { experiment_id: exp, key: 'k', value: 'v' }, owner.headers)).status).toBe(200);
    });

    const matrix: [string, (s: AuthServer) => [string, string, unknown?, Record<string, string>?], { owner: number; other: number }][] = [];
    const row = (name: string, build: () => [string, string, unknown?, Record<string, string>?], expected: { owner: number; other: number }) =>
      matrix.push([name, build as never, expected]);
    row('experiments/get (READ)', () => ['GET', `${API}/experiments/get?experiment_id=${exp}`], { owner: 200, other: 200 });
    row('experiments/update (EDIT)', () => ['POST', `${API}/experiments/update`, { experiment_id: exp, new_name: uniq('renamed') }], { owner: 200, other: 403 });
    row('runs/get (READ via runs.experiment_id)', () => ['GET', `${API}/runs/get?run_id=${runId}`], { owner: 200, other: 200 });
    row('runs/log-batch (EDIT via runs.experiment_id)', () => ['POST', `${API}/runs/log-batch`, { run_id: runId, params: [{ key: uniq('p'), value: '1' }] }], { owner: 200, other: 403 });
    row('runs/create (EDIT on the experiment)', () => ['POST', `${API}/runs/create`, { experiment_id: exp, start_time: Date.now() }], { owner: 200, other: 403 });
    row('metrics/get-history (READ via run)', () => ['GET', `${API}/metrics/get-history?run_id=${runId}&metric_key=m`], { owner: 200, other: 200 });
    row('artifact upload (EDIT on the path’s experiment)', () => ['PUT', `${ARTIFACTS}/${exp}/${runId}/artifacts/${uniq('f')}.txt`, 'hello', { 'content-type': 'text/plain' }], { owner: 200, other: 403 });
    row('artifact listing (READ)', () => ['GET', `${ARTIFACTS}?path=${exp}/${runId}/artifacts`], { owner: 200, other: 200 });
    row('artifact delete (MANAGE)', () => ['DELETE', `${ARTIFACTS}/${exp}/${runId}/artifacts/none.txt`], { owner: 200, other: 403 });
    row('traces/get (READ via trace_info.experiment_id)', () => ['GET', `${TRACES}/get?trace_id=${traceId}`], { owner: 200, other: 200 });
    row('trace tag (EDIT via the trace)', () => ['PATCH', `${TRACES}/${traceId}/tags`, { key: 'k', value: 'v' }], { owner: 200, other: 403 });
    row('traces/search (READ on each location)', () => ['POST', `${TRACES}/search`, { locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } }] }], { owner: 200, other: 200 });
    row('traces/delete-traces (MANAGE)', () => ['POST', `${TRACES}/delete-traces`, { experiment_id: exp, request_ids: ['tr-0'] }], { owner: 200, other: 403 });
    row('OTLP ingest (EDIT on x-mlflow-experiment-id)', () => ['POST', '/v1/traces', otlpJson().body, { 'x-mlflow-experiment-id': exp }], { owner: 200, other: 403 });
    row('monitoring (READ)', () => ['GET', `/api/2.0/glassbox/monitoring?experiment_id=${exp}`], { owner: 200, other: 200 });
    row('experiments/delete (MANAGE)', () => ['POST', `${API}/experiments/delete`, { experiment_id: doomed }], { owner: 200, other: 403 });

    test.for(matrix)('%s: the owner and another user get the expected status', async ([, build, expected]) => {
      const [method, path, body, headers] = (build as unknown as () => [string, string, unknown?, Record<string, string>?])();
      const asOther = await s.api(method, path, body, { ...other.headers, ...headers });
      expect(asOther.status).toBe(expected.other);
      const asOwner = await s.api(method, path, body, { ...owner.headers, ...headers });
      expect(asOwner.status).toBe(expected.owner);
    });

    test('OTLP ingest without the experiment header is refused for non-admins (resource attributes cannot pick the experiment)', async () => {
      const r = await s.api('POST', '/v1/traces', otlpJson().body, owner.headers);
      expect(r.status).toBe(403);
      expect(r.body.message).toMatch(/x-mlflow-experiment-id/);
    });

    test('an explicit EDIT grant lets another user write', async () => {
      const exp2 = (await s.api('POST', `${API}/experiments/create`, { name: uniq('shared') }, owner.headers)).body.experiment_id;
      const u = await s.user();
      const write = () => s.api('POST', `${API}/experiments/set-experiment-tag`, { experiment_id: exp2, key: 'k', value: 'v' }, u.headers);
      expect((await write()).status).toBe(403);
      await s.grant(u.name, exp2, 'EDIT');
      expect((await write()).status).toBe(200);
      expect((await s.api('POST', `${API}/experiments/delete`, { experiment_id: exp2 }, u.headers)).status).toBe(403);
    });

    test('starting an evaluation job needs EDIT on its experiment', async () => {
      const r = await s.api('POST', '/api/2.0/glassbox/evaluations', { experiment_id: exp, scorers: ['correctness'] }, other.headers);
      expect(r.status).toBe(403);
      expect(await s.store.db.selectFrom('evaluation_jobs').select('job_id').where('experiment_id', '=', exp).execute()).toEqual([]);
    });

    test('an explicit NO_PERMISSIONS grant cannot be dodged with lowerCamelCase parameter names', async () => {
      const u = await s.user();
      await s.grant(u.name, exp, 'NO_PERMISSIONS');
      expect((await s.api('POST', `${API}/runs/search`, { experimentIds: [exp] }, u.headers)).status).toBe(403);
      expect((await s.api('GET', `${API}/runs/get?runId=${runId}`, undefined, u.headers)).status).toBe(403);
      expect((await s.api('GET', `${API}/experiments/get?experimentId=${exp}`, undefined, u.headers)).status).toBe(403);
      expect((await s.api('GET', `${API}/experiments/get?experiment_id=0`, undefined, u.headers)).status).toBe(200);
    });

    test('a malformed escape in an artifact path is a client error, not a 500', async () => {
      const r = await s.api('GET', `${ARTIFACTS}/${exp}/%E0%A4%A/x`, undefined, other.headers);
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
    });

    test('admins bypass every check', async () => {
      expect((await s.api('POST', `${API}/experiments/set-experiment-tag`, { experiment_id: exp, key: 'a', value: 'b' }, s.admin)).status).toBe(200);
    });

    test('artifact paths outside an experiment folder are admin-only', async () => {
      expect((await s.api('GET', `${ARTIFACTS}?path=`, undefined, other.headers)).status).toBe(403);
      expect((await s.api('PUT', `${ARTIFACTS}/loose/file.txt`, 'x', { ...owner.headers, 'content-type': 'text/plain' })).status).toBe(403);
    });

    test('registered models and prompts: the creator manages, others read but cannot write', async () => {
      const name = uniq('prompt');
      const created = await s.api('POST', `${API}/registered-models/create`, { name, tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }] }, owner.headers);
      expect(created.status).toBe(200);
      expect((await s.api('GET', `${API}/registered-models/get?name=${name}`, undefined, other.headers)).status).toBe(200);
      const version = { name, source: 'dummy-source', tags: [{ key: 'mlflow.prompt.text', value: 'Hi {{x}}' }] };
      expect((await s.api('POST', `${API}/model-versions/create`, version, other.headers)).status).toBe(403);
      expect((await s.api('POST', `${API}/model-versions/create`, version, owner.headers)).status).toBe(200);
      expect((await s.api('DELETE', `${API}/registered-models/delete`, { name }, other.headers)).status).toBe(403);
    });

    test("a deleted model's grants do not carry over to a new model with the same name", async () => {
      const name = uniq('reused');
      await s.api('POST', `${API}/registered-models/create`, { name }, owner.headers);
      expect((await s.api('DELETE', `${API}/registered-models/delete`, { name }, owner.headers)).status).toBe(200);
      await s.api('POST', `${API}/registered-models/create`, { name }, other.headers);
      expect((await s.api('POST', `${API}/registered-models/set-tag`, { name, key: 'k', value: 'v' }, owner.headers)).status).toBe(403);
      expect((await s.api('POST', `${API}/registered-models/set-tag`, { name, key: 'k', value: 'v' }, other.headers)).status).toBe(200);
    });

    test('a renamed model keeps its grants under the new name', async () => {
      const name = uniq('before');
      await s.api('POST', `${API}/registered-models/create`, { name }, owner.headers);
      const renamed = uniq('after');
      expect((await s.api('POST', `${API}/registered-models/rename`, { name, new_name: renamed }, owner.headers)).status).toBe(200);
      expect((await s.api('DELETE', `${API}/registered-models/delete`, { name: renamed }, owner.headers)).status).toBe(200);
    });
  });

  describe(`${dialect}: search filtering (default NO_PERMISSIONS)`, () => {
    let s: AuthServer;
    let alice: Awaited<ReturnType<AuthServer['user']>>;
    let bob: Awaited<ReturnType<AuthServer['user']>>;
    let aliceExp: string;
    let bobExp: string;

    beforeAll(async () => {
      s = await startAuthServer(dialect, { defaultPermission: 'NO_PERMISSIONS' });
      alice = await s.user();
      bob = await s.user();
      aliceExp = (await s.api('POST', `${API}/experiments/create`, { name: uniq('alice') }, alice.headers)).body.experiment_id;
      bobExp = (await s.api('POST', `${API}/experiments/create`, { name: uniq('bob') }, bob.headers)).body.experiment_id;
    });
    afterAll(() => s?.close());

    test('experiments/search returns only the experiments the caller may read', async () => {
      const r = await s.api('POST', `${API}/experiments/search`, { max_results: 100 }, alice.headers);
      expect(r.status).toBe(200);
      expect(r.body.experiments.map((e: { experiment_id: string }) => e.experiment_id)).toEqual([aliceExp]);
      const all = await s.api('POST', `${API}/experiments/search`, { max_results: 100 }, s.admin);
      expect(all.body.experiments.map((e: { experiment_id: string }) => e.experiment_id)).toEqual(expect.arrayContaining([aliceExp, bobExp, '0']));
    });

    test('runs/search is refused when any requested experiment is unreadable', async () => {
      expect((await s.api('POST', `${API}/runs/search`, { experiment_ids: [aliceExp] }, alice.headers)).status).toBe(200);
      expect((await s.api('POST', `${API}/runs/search`, { experiment_ids: [aliceExp, bobExp] }, alice.headers)).status).toBe(403);
    });

    test('traces/search is refused when any requested experiment is unreadable', async () => {
      const loc = (id: string) => ({ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: id } });
      expect((await s.api('POST', `${TRACES}/search`, { locations: [loc(aliceExp)] }, alice.headers)).status).toBe(200);
      expect((await s.api('POST', `${TRACES}/search`, { locations: [loc(aliceExp), loc(bobExp)] }, alice.headers)).status).toBe(403);
    });

    test('get-by-name of an unreadable experiment is denied, of a readable one served', async () => {
      const bobName = (await s.api('GET', `${API}/experiments/get?experiment_id=${bobExp}`, undefined, bob.headers)).body.experiment.name;
      expect((await s.api('GET', `${API}/experiments/get-by-name?experiment_name=${bobName}`, undefined, alice.headers)).status).toBe(403);
      expect((await s.api('GET', `${API}/experiments/get-by-name?experiment_name=${bobName}`, undefined, bob.headers)).status).toBe(200);
    });

    test('the evaluation job list and job details only show readable experiments', async () => {
      const job = (id: string, experiment: string) => ({ job_id: id, experiment_id: experiment, status: 'SUCCEEDED', request_json: '{}', total: 0, done: 0, failures: 0, skipped: 0, cost_usd: 0, created_at: Date.now() });
      await s.store.db.insertInto('evaluation_jobs').values([job(`ev-a-${aliceExp}`, aliceExp), job(`ev-b-${bobExp}`, bobExp)]).execute();
      const list = await s.api('GET', '/api/2.0/glassbox/evaluations', undefined, alice.headers);
      expect(list.status).toBe(200);
      expect(list.body.jobs.map((j: { job_id: string }) => j.job_id)).toEqual([`ev-a-${aliceExp}`]);
      expect((await s.api('GET', `/api/2.0/glassbox/evaluations/ev-b-${bobExp}`, undefined, alice.headers)).status).toBe(403);
      expect((await s.api('GET', `/api/2.0/glassbox/evaluations/ev-a-${aliceExp}`, undefined, alice.headers)).status).toBe(200);
    });

    test("cancelling an evaluation job needs EDIT on its experiment: another user's job is refused and left running", async () => {
      const job = { job_id: `ev-run-${bobExp}`, experiment_id: bobExp, status: 'RUNNING', request_json: '{}', total: 0, done: 0, failures: 0, skipped: 0, cost_usd: 0, created_at: Date.now() };
      await s.store.db.insertInto('evaluation_jobs').values(job).execute();
      expect((await s.api('POST', `/api/2.0/glassbox/evaluations/${job.job_id}/cancel`, {}, alice.headers)).status).toBe(403);
      expect((await s.api('GET', `/api/2.0/glassbox/evaluations/${job.job_id}`, undefined, bob.headers)).body.job.status).toBe('RUNNING');
      const cancelled = await s.api('POST', `/api/2.0/glassbox/evaluations/${job.job_id}/cancel`, {}, bob.headers);
      expect(cancelled.status, cancelled.text).toBe(200);
      expect(cancelled.body.job.status).toBe('CANCELLED');
    });

    test('registered-models/search hides models the caller may not read', async () => {
      const mine = uniq('model');
      await s.api('POST', `${API}/registered-models/create`, { name: mine }, alice.headers);
      await s.api('POST', `${API}/registered-models/create`, { name: uniq('model') }, bob.headers);
      const r = await s.api('GET', `${API}/registered-models/search?max_results=100`, undefined, alice.headers);
      expect(r.body.registered_models.map((m: { name: string }) => m.name)).toEqual([mine]);
    });
  });
}
