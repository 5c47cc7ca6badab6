import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CreateExperimentResponse } from '../../src/server/schemas/experiments.js';
import { CreateRunResponse, EmptyResponse, GetRunResponse, SearchRunsResponse, UpdateRunResponse } from '../../src/server/schemas/runs.js';
import { DIALECTS } from '../helpers/dialects.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { API, expectError, ok, uniq } from './tracking-helpers.js';

for (const dialect of DIALECTS) {
  describe(`${dialect}: runs`, () => {
    let s: TestServer;
    let expId: string;
    beforeAll(async () => {
      s = await startTestServer(dialect);
      expId = ok(CreateExperimentResponse, await s.api('POST', `${API}/experiments/create`, { name: uniq('runs') })).experiment_id;
    });
    afterAll(() => s?.close());

    const createRun = async (body: object = {}) => ok(CreateRunResponse, await s.api('POST', `${API}/runs/create`, { experiment_id: expId, ...body })).run;
    const getRun = async (id: string) => ok(GetRunResponse, await s.api('GET', `${API}/runs/get?run_id=${id}`)).run;
    const post = (path: string, body: object) => s.api('POST', `${API}${path}`, body);
    const tagsOf = (run: { data: { tags: { key: string; value: string }[] } }) => Object.fromEntries(run.data.tags.map((t) => [t.key, t.value]));

    test('create answers the full run as the Python client sends it, with a uuid4-hex id and a proxied artifact uri', async () => {
      const tags = [
        { key: 'mlflow.user', value: 'alice' },
        { key: 'mlflow.source.type', value: 'LOCAL' },
        { key: 'mlflow.runName', value: 'train-demo' },
      ];
      const run = await createRun({ user_id: 'alice', run_name: 'train-demo', start_time: 1714380000000, tags });
      const id = run.info.run_id;
      expect(run.info).toEqual({
        run_id: id,
        run_uuid: id,
        run_name: 'train-demo',
        experiment_id: expId,
        user_id: 'alice',
        status: 'RUNNING',
        start_time: 1714380000000,
        artifact_uri: `mlflow-artifacts:/${expId}/${id}/artifacts`,
        lifecycle_stage: 'active',
      });
      expect(tagsOf(run)).toEqual({ 'mlflow.user': 'alice', 'mlflow.source.type': 'LOCAL', 'mlflow.runName': 'train-demo' });
      expect(run.data).toMatchObject({ metrics: [], params: [] });
      expect(run.inputs).toEqual({ dataset_inputs: [], model_inputs: [] });
      expect(run.outputs).toEqual({ model_outputs: [] });
      expect(await getRun(id)).toEqual(run);
    });

    test('without a name the server generates adjective-noun-number and sets the mlflow.runName tag', async () => {
      const run = await createRun();
      expect(run.info.run_name).toMatch(/^[a-z]+-[a-z]+-\d{1,4}$/);
      expect(run.info.run_name.length).toBeLessThanOrEqual(20);
      expect(tagsOf(run)['mlflow.runName']).toBe(run.info.run_name);
    });

    test('the run name may come from the mlflow.runName tag alone, but a contradicting run_name is refused', async () => {
      const run = await createRun({ tags: [{ key: 'mlflow.runName', value: 'from-tag' }] });
      expect(run.info.run_name).toBe('from-tag');
      expectError(await post('/runs/create', { experiment_id: expId, run_name: 'a', tags: [{ key: 'mlflow.runName', value: 'b' }] }), 400, 'INVALID_PARAMETER_VALUE');
    });

    test('user_id falls back to the mlflow.user tag, then to "unknown"', async () => {
      expect((await createRun({ tags: [{ key: 'mlflow.user', value: 'bob' }] })).info.user_id).toBe('bob');
      expect((await createRun()).info.user_id).toBe('unknown');
    });

    test('a run without experiment_id goes to the Default experiment; an unknown experiment is 404', async () => {
      const run = ok(CreateRunResponse, await post('/runs/create', {})).run;
      expect(run.info).toMatchObject({ experiment_id: '0', artifact_uri: `mlflow-artifacts:/0/${run.info.run_id}/artifacts` });
      expectError(await post('/runs/create', { experiment_id: '424242' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    });

    test('get accepts run_uuid alone; a missing run is 404 "Run with id=… not found"', async () => {
      const run = await createRun();
      const r = ok(GetRunResponse, await s.api('GET', `${API}/runs/get?run_uuid=${run.info.run_id}`));
      expect(r.run.info.run_id).toBe(run.info.run_id);
      const missing = await s.api('GET', `${API}/runs/get?run_uuid=0123456789abcdef0123456789abcdef&run_id=0123456789abcdef0123456789abcdef`);
      expectError(missing, 404, 'RESOURCE_DOES_NOT_EXIST');
      expect(missing.body.message).toBe('Run with id=0123456789abcdef0123456789abcdef not found');
      expectError(await s.api('GET', `${API}/runs/get`), 400, 'INVALID_PARAMETER_VALUE');
    });

    test('update sets status by name or number and end_time, and returns run_info', async () => {
      const run = await createRun();
      const id = run.info.run_id;
      const info = ok(UpdateRunResponse, await post('/runs/update', { run_id: id, run_uuid: id, status: 'FINISHED', end_time: 1714380005000 })).run_info;
      expect(info).toMatchObject({ run_id: id, status: 'FINISHED', end_time: 1714380005000, run_name: run.info.run_name });
      expect(ok(UpdateRunResponse, await post('/runs/update', { run_id: id, status: 4 })).run_info.status).toBe('FAILED');
      expectError(await post('/runs/update', { run_id: id, status: 'DONE' }), 400, 'INVALID_PARAMETER_VALUE');
    });

    test('update with run_name renames the run and its mlflow.runName tag', async () => {
      const run = await createRun({ run_name: 'before' });
      ok(UpdateRunResponse, await post('/runs/update', { run_id: run.info.run_id, run_name: 'after' }));
      const after = await getRun(run.info.run_id);
      expect(after.info.run_name).toBe('after');
      expect(tagsOf(after)['mlflow.runName']).toBe('after');
    });

    test('delete and restore flip lifecycle_stage; writes to a deleted run are refused', async () => {
      const run = await createRun();
      const id = run.info.run_id;
      ok(EmptyResponse, await post('/runs/delete', { run_id: id }));
      expect((await getRun(id)).info.lifecycle_stage).toBe('deleted');
      for (const [path, body] of [
        ['/runs/log-metric', { run_id: id, key: 'm', value: 1, timestamp: 1 }],
        ['/runs/log-parameter', { run_id: id, key: 'p', value: 'v' }],
        ['/runs/set-tag', { run_id: id, key: 't', value: 'v' }],
        ['/runs/log-batch', { run_id: id, params: [{ key: 'p', value: 'v' }] }],
        ['/runs/update', { run_id: id, status: 'FINISHED' }],
      ] as const) {
        const r = await post(path, body);
        expectError(r, 400, 'INVALID_PARAMETER_VALUE');
        expect(r.body.message).toContain("must be in the 'active' state");
      }
      ok(EmptyResponse, await post('/runs/restore', { run_id: id }));
      expect((await getRun(id)).info.lifecycle_stage).toBe('active');
      ok(EmptyResponse, await post('/runs/set-tag', { run_id: id, key: 't', value: 'v' }));
      expectError(await post('/runs/delete', { run_id: 'f'.repeat(32) }), 404, 'RESOURCE_DOES_NOT_EXIST');
    });

    test('a param may be logged again with the same value but never changed', async () => {
      const { run_id } = (await createRun()).info;
      ok(EmptyResponse, await post('/runs/log-parameter', { run_id, run_uuid: run_id, key: 'optimizer', value: 'adam' }));
      ok(EmptyResponse, await post('/runs/log-parameter', { run_id, key: 'optimizer', value: 'adam' }));
      const r = await post('/runs/log-parameter', { run_uuid: run_id, run_id, key: 'optimizer', value: 'sgd' });
      expectError(r, 400, 'INVALID_PARAMETER_VALUE');
      expect(r.body.message).toBe(
        `Changing param values is not allowed. Param with key='optimizer' was already logged with value='adam' for run ID='${run_id}'. Attempted logging new value 'sgd'.`,
      );
      expect((await getRun(run_id)).data.params).toEqual([{ key: 'optimizer', value: 'adam' }]);
    });

    test('over-long param and tag values are truncated to 6000 and 8000 characters, as MLflow does by default', async () => {
      const { run_id } = (await createRun()).info;
      ok(EmptyResponse, await post('/runs/log-parameter', { run_id, key: 'long', value: 'p'.repeat(7000) }));
      ok(EmptyResponse, await post('/runs/set-tag', { run_id, key: 'long', value: 't'.repeat(9000) }));
      const run = await getRun(run_id);
      expect(run.data.params[0].value.length).toBe(6000);
      expect(tagsOf(run).long.length).toBe(8000);
    });

    test.for([
      ['a key with a forbidden character', 'bad*key'],
      ['a key that normalises to another path', 'a//b'],
      ['a key that climbs out', '../x'],
      ['an absolute key', '/x'],
      ['a key with a trailing slash', 'a/'],
      ['an empty key', ''],
      ['a key over 250 characters', 'k'.repeat(251)],
    ])('%s is INVALID_PARAMETER_VALUE for params, tags and metrics', async ([, key]) => {
      const { run_id } = (await createRun()).info;
      expectError(await post('/runs/log-parameter', { run_id, key, value: 'v' }), 400, 'INVALID_PARAMETER_VALUE');
      expectError(await post('/runs/set-tag', { run_id, key, value: 'v' }), 400, 'INVALID_PARAMETER_VALUE');
      expectError(await post('/runs/log-metric', { run_id, key, value: 1, timestamp: 1 }), 400, 'INVALID_PARAMETER_VALUE');
    });

    test('names with letters, digits, _ - . space / and : are accepted', async () => {
      const { run_id } = (await createRun()).info;
      ok(EmptyResponse, await post('/runs/log-parameter', { run_id, key: 'a/b.c-d_e f:g', value: 'v' }));
    });

    test('set-tag on mlflow.runName renames the run; delete-tag removes a tag and 404s on a missing one', async () => {
      const { run_id } = (await createRun()).info;
      ok(EmptyResponse, await post('/runs/set-tag', { run_id, key: 'mlflow.runName', value: 'renamed' }));
      ok(EmptyResponse, await post('/runs/set-tag', { run_id, key: 'stage', value: 'x' }));
      expect((await getRun(run_id)).info.run_name).toBe('renamed');
      ok(EmptyResponse, await post('/runs/delete-tag', { run_id, key: 'stage' }));
      expect(tagsOf(await getRun(run_id)).stage).toBeUndefined();
      expectError(await post('/runs/delete-tag', { run_id, key: 'stage' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    });

    test('log-batch writes params, metrics and tags together', async () => {
      const { run_id } = (await createRun()).info;
      ok(
        EmptyResponse,
        await post('/runs/log-batch', {
          run_id,
          params: [{ key: 'lr', value: '0.01' }],
          metrics: [{ key: 'acc', value: 0.91, timestamp: 10, step: 4 }],
          tags: [{ key: 'stage', value: 'fixture' }],
        }),
      );
      const run = await getRun(run_id);
      expect(run.data.params).toEqual([{ key: 'lr', value: '0.01' }]);
      expect(run.data.metrics).toEqual([{ key: 'acc', value: 0.91, timestamp: 10, step: 4 }]);
      expect(tagsOf(run).stage).toBe('fixture');
    });

    test.for([
      ['1001 metrics', { metrics: 1001 }],
      ['101 params', { params: 101 }],
      ['101 tags', { tags: 101 }],
      ['1001 items in total', { metrics: 801, params: 100, tags: 100 }],
    ] as const)('log-batch with %s is refused', async ([, counts]) => {
      const { run_id } = (await createRun()).info;
      const n = counts as { metrics?: number; params?: number; tags?: number };
      const body = {
        run_id,
        metrics: Array.from({ length: n.metrics ?? 0 }, (_, i) => ({ key: 'm', value: i, timestamp: 1, step: i })),
        params: Array.from({ length: n.params ?? 0 }, (_, i) => ({ key: `p${i}`, value: 'v' })),
        tags: Array.from({ length: n.tags ?? 0 }, (_, i) => ({ key: `t${i}`, value: 'v' })),
      };
      const r = await post('/runs/log-batch', body);
      expectError(r, 400, 'INVALID_PARAMETER_VALUE');
      expect(r.body.message).toMatch(/^A batch logging request can contain at most/);
    });

    test('log-batch at exactly the limits succeeds', async () => {
      const { run_id } = (await createRun()).info;
      const body = {
        run_id,
        metrics: Array.from({ length: 800 }, (_, i) => ({ key: `m${i % 7}`, value: i, timestamp: 1, step: i })),
        params: Array.from({ length: 100 }, (_, i) => ({ key: `p${i}`, value: 'v' })),
        tags: Array.from({ length: 100 }, (_, i) => ({ key: `t${i}`, value: 'v' })),
      };
      ok(EmptyResponse, await post('/runs/log-batch', body));
      const run = await getRun(run_id);
      expect(run.data.params).toHaveLength(100);
      expect(run.data.metrics).toHaveLength(7);
    });

    test('duplicate param keys in one batch are refused, even with equal values', async () => {
      const { run_id } = (await createRun()).info;
      const r = await post('/runs/log-batch', { run_id, params: [{ key: 'a', value: '1' }, { key: 'a', value: '1' }] });
      expectError(r, 400, 'INVALID_PARAMETER_VALUE');
      expect(r.body.message).toContain('Duplicate parameter keys');
    });

    test('a batch that changes a param is refused as a whole: none of its metrics are kept', async () => {
      const { run_id } = (await createRun()).info;
      ok(EmptyResponse, await post('/runs/log-parameter', { run_id, key: 'lr', value: '0.1' }));
      const r = await post('/runs/log-batch', { run_id, params: [{ key: 'lr', value: '0.2' }], metrics: [{ key: 'loss', value: 1, timestamp: 1 }] });
      expectError(r, 400, 'INVALID_PARAMETER_VALUE');
      expect(r.body.message).toContain('Changing param values is not allowed');
      expect((await getRun(run_id)).data.metrics).toEqual([]);
    });

    test('log-inputs records datasets (deduplicated by name and digest) and model inputs; outputs records models', async () => {
      const { run_id } = (await createRun()).info;
      const dataset = { name: 'ds', digest: 'd1', source_type: 'local', source: '{}', schema: '{"cols":[]}' };
      const input = { tags: [{ key: 'mlflow.data.context', value: 'train' }], dataset };
      ok(EmptyResponse, await post('/runs/log-inputs', { run_id, datasets: [input, input], models: [{ model_id: 'm-1' }] }));
      ok(EmptyResponse, await post('/runs/log-inputs', { run_id, datasets: [input] }));
      ok(EmptyResponse, await post('/runs/outputs', { run_id, models: [{ model_id: 'm-2', step: 3 }] }));
      const run = await getRun(run_id);
      expect(run.inputs).toEqual({ dataset_inputs: [input], model_inputs: [{ model_id: 'm-1' }] });
      expect(run.outputs).toEqual({ model_outputs: [{ model_id: 'm-2', step: 3 }] });
      expectError(await post('/runs/log-inputs', { run_id, datasets: [{ dataset: { name: 'x' } }] }), 400, 'INVALID_PARAMETER_VALUE');
    });

    test('legacy log-model appends to the mlflow.log-model.history tag and refuses malformed JSON', async () => {
      const { run_id } = (await createRun()).info;
      const model = { artifact_path: 'model', flavors: { python_function: {} }, utc_time_created: '2026-01-01 00:00:00', run_id };
      ok(EmptyResponse, await post('/runs/log-model', { run_id, model_json: JSON.stringify(model) }));
      ok(EmptyResponse, await post('/runs/log-model', { run_id, model_json: JSON.stringify({ ...model, artifact_path: 'm2' }) }));
      const history = JSON.parse(tagsOf(await getRun(run_id))['mlflow.log-model.history']);
      expect(history.map((m: { artifact_path: string }) => m.artifact_path)).toEqual(['model', 'm2']);
      expectError(await post('/runs/log-model', { run_id, model_json: '{oops' }), 400, 'INVALID_PARAMETER_VALUE');
      expectError(await post('/runs/log-model', { run_id, model_json: '{}' }), 400, 'INVALID_PARAMETER_VALUE');
    });

    describe('search', () => {
      let searchExp: string;
      const ids: string[] = [];
      beforeAll(async () => {
        searchExp = ok(CreateExperimentResponse, await post('/experiments/create', { name: uniq('search') })).experiment_id;
        for (const [i, [loss, model]] of ([[0.9, 'x'], [0.3, 'x'], [0.1, 'y'], [0.4, 'x']] as const).entries()) {
          const run = ok(CreateRunResponse, await post('/runs/create', { experiment_id: searchExp, start_time: 1000 + i })).run;
          ids.push(run.info.run_id);
          await post('/runs/log-batch', { run_id: run.info.run_id, params: [{ key: 'model', value: model }], metrics: [{ key: 'loss', value: loss, timestamp: 1 }] });
        }
      });

      test('filters on metrics and params and orders by a metric, returning full runs', async () => {
        const r = ok(
          SearchRunsResponse,
          await post('/runs/search', {
            experiment_ids: [searchExp],
            filter: "metrics.loss < 0.5 and params.model = 'x'",
            order_by: ['metrics.loss ASC'],
            run_view_type: 'ACTIVE_ONLY',
          }),
        );
        expect(r.runs.map((x) => x.info.run_id)).toEqual([ids[1], ids[3]]);
        expect(r.runs[0].data.params).toEqual([{ key: 'model', value: 'x' }]);
        expect(r.runs[0].data.metrics[0]).toMatchObject({ key: 'loss', value: 0.3 });
      });

      test('pages with max_results and next_page_token, newest first by default', async () => {
        const first = ok(SearchRunsResponse, await post('/runs/search', { experiment_ids: [searchExp], max_results: 3 }));
        expect(first.runs.map((x) => x.info.run_id)).toEqual([ids[3], ids[2], ids[1]]);
        expect(first.next_page_token).toBeTruthy();
        const second = ok(SearchRunsResponse, await post('/runs/search', { experiment_ids: [searchExp], max_results: 3, page_token: first.next_page_token }));
        expect(second.runs.map((x) => x.info.run_id)).toEqual([ids[0]]);
      });

      test('deleted runs appear only for DELETED_ONLY and ALL', async () => {
        const extra = ok(CreateRunResponse, await post('/runs/create', { experiment_id: searchExp, start_time: 1 })).run.info.run_id;
        await post('/runs/delete', { run_id: extra });
        const active = ok(SearchRunsResponse, await post('/runs/search', { experiment_ids: [searchExp] }));
        expect(active.runs.map((x) => x.info.run_id)).not.toContain(extra);
        const deleted = ok(SearchRunsResponse, await post('/runs/search', { experiment_ids: [searchExp], run_view_type: 'DELETED_ONLY' }));
        expect(deleted.runs.map((x) => x.info.run_id)).toEqual([extra]);
        const all = ok(SearchRunsResponse, await post('/runs/search', { experiment_ids: [searchExp], run_view_type: 'ALL' }));
        expect(all.runs).toHaveLength(5);
      });

      test('max_results above 50000 is refused', async () => {
        expectError(await post('/runs/search', { experiment_ids: [searchExp], max_results: 50001 }), 400, 'INVALID_PARAMETER_VALUE');
      });
    });
  });
}
