import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LoggedModelResponse, SearchLoggedModelsResponse } from '../../src/server/schemas/logged-models.js';
import { DIALECTS } from '../helpers/dialects.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const API = '/api/2.0/mlflow';

for (const dialect of DIALECTS) {
  describe(`${dialect}: logged models`, () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await startTestServer(dialect);
    });
    afterAll(() => s?.close());

    /** A fresh experiment per test (inserted directly, so these tests do not depend on the experiments routes). */
    async function experiment(lifecycle = 'active'): Promise<string> {
      const name = `exp-${randomBytes(6).toString('hex')}`;
      const row = await s.store.db
        .insertInto('experiments')
        .values({ name, artifact_location: 'pending', lifecycle_stage: lifecycle, creation_time: Date.now(), last_update_time: Date.now() })
        .returning('experiment_id')
        .executeTakeFirstOrThrow();
      const id = String(row.experiment_id);
      await s.store.db.updateTable('experiments').set({ artifact_location: `mlflow-artifacts:/${id}` }).where('experiment_id', '=', Number(id)).execute();
      return id;
    }

    async function create(body: Record<string, unknown>) {
      const r = await s.api('POST', `${API}/logged-models`, body);
      expect(r.status, r.text).toBe(200);
      return LoggedModelResponse.parse(r.body).model;
    }

    test('creating a model answers a PENDING model with an m- id under the experiment artifact location', async () => {
      const exp = await experiment();
      const model = await create({ experiment_id: exp, name: 'clf', model_type: 'Classifier', source_run_id: 'r1', params: [{ key: 'lr', value: '0.1' }], tags: [{ key: 't', value: 'v' }] });
      expect(model.info.model_id).toMatch(/^m-[0-9a-f]{32}$/);
      expect(model.info).toMatchObject({
        experiment_id: exp,
        name: 'clf',
        status: 'LOGGED_MODEL_PENDING',
        model_type: 'Classifier',
        source_run_id: 'r1',
        artifact_uri: `mlflow-artifacts:/${exp}/models/${model.info.model_id}/artifacts`,
        tags: [{ key: 't', value: 'v' }],
      });
      expect(model.data).toEqual({ params: [{ key: 'lr', value: '0.1' }], metrics: [] });
    });

    test('a model without a name gets a generated one', async () => {
      const model = await create({ experiment_id: await experiment() });
      expect(model.info.name).toMatch(/^[a-z]+-[a-z]+-\d+$/);
    });

    test('creating in a missing experiment is 404 and in a deleted one is 400', async () => {
      expect((await s.api('POST', `${API}/logged-models`, { experiment_id: '987654' })).body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
      const r = await s.api('POST', `${API}/logged-models`, { experiment_id: await experiment('deleted') });
      expect(r.status).toBe(400);
      expect(r.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    });

    test('finalizing sets the status that get then reports', async () => {
      const { info } = await create({ experiment_id: await experiment() });
      const r = await s.api('PATCH', `${API}/logged-models/${info.model_id}`, { model_id: info.model_id, status: 'LOGGED_MODEL_READY' });
      expect(LoggedModelResponse.parse(r.body).model.info.status).toBe('LOGGED_MODEL_READY');
      const got = await s.api('GET', `/api/2.0/mlflow/logged-models/${info.model_id}`);
      expect(got.body.model.info.status).toBe('LOGGED_MODEL_READY');
    });

    test('a deleted model is 404 unless allow_deleted is set', async () => {
      const { info } = await create({ experiment_id: await experiment() });
      expect((await s.api('DELETE', `${API}/logged-models/${info.model_id}`)).body).toEqual({});
      const hidden = await s.api('GET', `${API}/logged-models/${info.model_id}`);
      expect(hidden.status).toBe(404);
      expect(hidden.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
      expect((await s.api('GET', `${API}/logged-models/${info.model_id}?allow_deleted=True`)).body.model.info.model_id).toBe(info.model_id);
    });

    test('tags can be set, overwritten and deleted; deleting a missing tag is 404', async () => {
      const { info } = await create({ experiment_id: await experiment(), tags: [{ key: 'a', value: '1' }] });
      expect((await s.api('PATCH', `${API}/logged-models/${info.model_id}/tags`, { tags: [{ key: 'a', value: '2' }, { key: 'b', value: '3' }] })).body).toEqual({});
      expect((await s.api('DELETE', `${API}/logged-models/${info.model_id}/tags/b`)).body).toEqual({});
      const got = await s.api('GET', `${API}/logged-models/${info.model_id}`);
      expect(got.body.model.info.tags).toEqual([{ key: 'a', value: '2' }]);
      expect((await s.api('DELETE', `${API}/logged-models/${info.model_id}/tags/b`)).status).toBe(404);
    });

    test('params are added in batches, and changing a param value is 400', async () => {
      const { info } = await create({ experiment_id: await experiment(), params: [{ key: 'lr', value: '0.1' }] });
      expect((await s.api('POST', `${API}/logged-models/${info.model_id}/params`, { params: [{ key: 'lr', value: '0.1' }, { key: 'depth', value: '3' }] })).body).toEqual({});
      const changed = await s.api('POST', `${API}/logged-models/${info.model_id}/params`, { params: [{ key: 'lr', value: '0.2' }] });
      expect(changed.status).toBe(400);
      expect(changed.body.error_code).toBe('INVALID_PARAMETER_VALUE');
      const got = await s.api('GET', `${API}/logged-models/${info.model_id}`);
      expect(got.body.model.data.params).toEqual([{ key: 'depth', value: '3' }, { key: 'lr', value: '0.1' }]);
    });

    test('every mutation of an unknown model is 404 RESOURCE_DOES_NOT_EXIST', async () => {
      const id = `m-${'0'.repeat(32)}`;
      for (const [method, path, body] of [
        ['PATCH', `/logged-models/${id}`, { status: 'LOGGED_MODEL_READY' }],
        ['DELETE', `/logged-models/${id}`, undefined],
        ['PATCH', `/logged-models/${id}/tags`, { tags: [] }],
        ['POST', `/logged-models/${id}/params`, { params: [] }],
        ['GET', `/logged-models/${id}/artifacts/directories`, undefined],
      ] as const) {
        const r = await s.api(method, API + path, body);
        expect(r.status, `${method} ${path}`).toBe(404);
        expect(r.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
      }
    });

    test('search with no match answers {} rather than an empty models list', async () => {
      const exp = await experiment();
      await create({ experiment_id: exp, name: 'present' });
      const r = await s.api('POST', `${API}/logged-models/search`, { experiment_ids: [exp], filter: "name = 'data'" });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({});
    });

    test('search filters on name, status and tags, newest first by default', async () => {
      const exp = await experiment();
      const a = await create({ experiment_id: exp, name: 'alpha', tags: [{ key: 'team', value: 'x' }] });
      const b = await create({ experiment_id: exp, name: 'beta', tags: [{ key: 'team', value: 'x' }] });
      await create({ experiment_id: exp, name: 'gamma' });
      await s.api('PATCH', `${API}/logged-models/${b.info.model_id}`, { status: 'LOGGED_MODEL_READY' });
      const search = async (filter?: string) =>
        SearchLoggedModelsResponse.parse((await s.api('POST', `${API}/logged-models/search`, { experiment_ids: [exp], filter })).body).models?.map((m) => m.info.name);
      expect(await search()).toEqual(['gamma', 'beta', 'alpha']);
      expect(await search("tags.team = 'x' AND name LIKE 'al%'")).toEqual(['alpha']);
      expect(await search("status = 'LOGGED_MODEL_READY'")).toEqual(['beta']);
      expect(await search(`model_id IN ('${a.info.model_id}', '${b.info.model_id}')`)).toEqual(['beta', 'alpha']);
    });

    test('search pages through results with next_page_token and honours order_by', async () => {
      const exp = await experiment();
      for (const name of ['c', 'a', 'b']) await create({ experiment_id: exp, name });
      const order_by = [{ field_name: 'name', ascending: true }];
      const first = await s.api('POST', `${API}/logged-models/search`, { experiment_ids: [exp], max_results: 2, order_by });
      expect(first.body.models.map((m: { info: { name: string } }) => m.info.name)).toEqual(['a', 'b']);
      const second = await s.api('POST', `${API}/logged-models/search`, { experiment_ids: [exp], max_results: 2, order_by, page_token: first.body.next_page_token });
      expect(second.body.models.map((m: { info: { name: string } }) => m.info.name)).toEqual(['c']);
      expect(second.body.next_page_token).toBeUndefined();
    });

    test('metrics logged with a model_id are the model data, and search filters and orders by them', async () => {
      const exp = await experiment();
      const [low, high, none] = [await create({ experiment_id: exp, name: 'low' }), await create({ experiment_id: exp, name: 'high' }), await create({ experiment_id: exp, name: 'none' })];
      const runId = randomBytes(16).toString('hex');
      for (const [model, value] of [[low, 0.4], [high, 0.9]] as const) {
        await s.store.db
          .insertInto('metrics')
          .values({ run_uuid: runId, key: 'acc', value, timestamp: 1, step: 0, model_id: model.info.model_id, dataset_name: null, dataset_digest: null })
          .execute();
      }
      const got = await s.api('GET', `${API}/logged-models/${high.info.model_id}`);
      expect(got.body.model.data.metrics).toEqual([{ key: 'acc', value: 0.9, timestamp: 1, step: 0, run_id: runId, model_id: high.info.model_id }]);
      const names = async (body: Record<string, unknown>) =>
        (await s.api('POST', `${API}/logged-models/search`, { experiment_ids: [exp], ...body })).body.models.map((m: { info: { name: string } }) => m.info.name);
      expect(await names({ filter: 'metrics.acc > 0.5' })).toEqual(['high']);
      expect(await names({ order_by: [{ field_name: 'metrics.acc', ascending: false }] })).toEqual(['high', 'low', 'none']);
      expect(await names({ order_by: [{ field_name: 'metrics.acc', ascending: true }] })).toEqual(['low', 'high', none.info.name]);
    });

    test.for(["colour = 'red'", "constructor = 'x'", "toString.x = 'y'", 'name = 3', "name > 'a'"])(
      'the filter %s is 400 INVALID_PARAMETER_VALUE, not a server error',
      async (filter) => {
        const r = await s.api('POST', `${API}/logged-models/search`, { experiment_ids: [await experiment()], filter });
        expect(r.status).toBe(400);
        expect(r.body.error_code).toBe('INVALID_PARAMETER_VALUE');
      },
    );

    test('a non-numeric experiment id is 400 for create and search', async () => {
      expect((await s.api('POST', `${API}/logged-models`, { experiment_id: 'abc' })).status).toBe(400);
      expect((await s.api('POST', `${API}/logged-models/search`, { experiment_ids: ['abc'] })).status).toBe(400);
    });

    test('artifact directories list what was uploaded under the model artifact_uri, relative to it', async () => {
      const { info } = await create({ experiment_id: await experiment() });
      const rel = info.artifact_uri.replace('mlflow-artifacts:/', '');
      await s.api('PUT', `/api/2.0/mlflow-artifacts/artifacts/${rel}/MLmodel`, 'flavors: {}', { 'content-type': 'text/plain' });
      await s.api('PUT', `/api/2.0/mlflow-artifacts/artifacts/${rel}/code/app.py`, 'print(1)', { 'content-type': 'text/plain' });
      const top = await s.api('GET', `${API}/logged-models/${info.model_id}/artifacts/directories`);
      expect(top.body).toEqual({ root_uri: info.artifact_uri, files: [{ path: 'MLmodel', is_dir: false, file_size: 11 }, { path: 'code', is_dir: true }] });
      const sub = await s.api('GET', `${API}/logged-models/${info.model_id}/artifacts/directories?artifact_directory_path=code`);
      expect(sub.body.files).toEqual([{ path: 'code/app.py', is_dir: false, file_size: 8 }]);
    });
  });
}
