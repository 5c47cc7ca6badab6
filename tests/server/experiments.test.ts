import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CreateExperimentResponse, GetExperimentResponse, SearchDatasetsResponse, SearchExperimentsResponse } from '../../src/server/schemas/experiments.js';
import { CreateRunResponse, EmptyResponse, GetRunResponse } from '../../src/server/schemas/runs.js';
import { DIALECTS } from '../helpers/dialects.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { API, expectError, ok, uniq } from './tracking-helpers.js';

for (const dialect of DIALECTS) {
  describe(`${dialect}: experiments`, () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await startTestServer(dialect);
    });
    afterAll(() => s?.close());

    const create = async (name = uniq('exp'), extra: object = {}) =>
      ok(CreateExperimentResponse, await s.api('POST', `${API}/experiments/create`, { name, ...extra })).experiment_id;
    const get = async (id: string) => ok(GetExperimentResponse, await s.api('GET', `${API}/experiments/get?experiment_id=${id}`)).experiment;

    test('the Default experiment 0 exists and is active from the start', async () => {
      const exp = await get('0');
      expect(exp).toMatchObject({ experiment_id: '0', name: 'Default', lifecycle_stage: 'active', artifact_location: 'mlflow-artifacts:/0' });
    });

    test('create returns a string id and get returns every field with a proxied artifact location', async () => {
      const name = uniq('full');
      const id = await create(name, { tags: [{ key: 'team', value: 'ml' }] });
      expect(id).toMatch(/^\d+$/);
      const exp = await get(id);
      expect(exp).toEqual({
        experiment_id: id,
        name,
        artifact_location: `mlflow-artifacts:/${id}`,
        lifecycle_stage: 'active',
        creation_time: expect.any(Number),
        last_update_time: exp.creation_time,
        tags: [{ key: 'team', value: 'ml' }],
      });
    });

    test('an explicit artifact location is kept', async () => {
      const id = await create(uniq('loc'), { artifact_location: 's3://bucket/path' });
      expect((await get(id)).artifact_location).toBe('s3://bucket/path');
    });

    test('a taken name is RESOURCE_ALREADY_EXISTS with status 400, even when that experiment is deleted', async () => {
      const name = uniq('dup');
      const id = await create(name);
      expectError(await s.api('POST', `${API}/experiments/create`, { name }), 400, 'RESOURCE_ALREADY_EXISTS');
      ok(EmptyResponse, await s.api('POST', `${API}/experiments/delete`, { experiment_id: id }));
      expectError(await s.api('POST', `${API}/experiments/create`, { name }), 400, 'RESOURCE_ALREADY_EXISTS');
    });

    test('an empty or missing name is INVALID_PARAMETER_VALUE', async () => {
      expectError(await s.api('POST', `${API}/experiments/create`, { name: '' }), 400, 'INVALID_PARAMETER_VALUE');
      expectError(await s.api('POST', `${API}/experiments/create`, {}), 400, 'INVALID_PARAMETER_VALUE');
    });

    test('get-by-name of an unknown name is 404 RESOURCE_DOES_NOT_EXIST naming it', async () => {
      const r = await s.api('GET', `${API}/experiments/get-by-name?experiment_name=nope-${uniq('x')}`);
      expectError(r, 404, 'RESOURCE_DOES_NOT_EXIST');
      expect(r.body.message).toMatch(/^Could not find experiment with name 'nope-/);
    });

    test('get-by-name also returns deleted experiments, so set_experiment can refuse them', async () => {
      const name = uniq('gone');
      const id = await create(name);
      await s.api('POST', `${API}/experiments/delete`, { experiment_id: id });
      const r = ok(GetExperimentResponse, await s.api('GET', `${API}/experiments/get-by-name?experiment_name=${name}`));
      expect(r.experiment).toMatchObject({ experiment_id: id, lifecycle_stage: 'deleted' });
    });

    test('get with a non-integer id is 400 and with an unknown id is 404', async () => {
      expectError(await s.api('GET', `${API}/experiments/get?experiment_id=abc`), 400, 'INVALID_PARAMETER_VALUE');
      expectError(await s.api('GET', `${API}/experiments/get?experiment_id=987654`), 404, 'RESOURCE_DOES_NOT_EXIST');
      expectError(await s.api('GET', `${API}/experiments/get`), 400, 'INVALID_PARAMETER_VALUE');
    });

    test('deleting an experiment deletes its runs and restoring it restores them', async () => {
      const id = await create();
      const run = ok(CreateRunResponse, await s.api('POST', `${API}/runs/create`, { experiment_id: id })).run;
      ok(EmptyResponse, await s.api('POST', `${API}/experiments/delete`, { experiment_id: id }));
      expect((await get(id)).lifecycle_stage).toBe('deleted');
      const deleted = ok(GetRunResponse, await s.api('GET', `${API}/runs/get?run_id=${run.info.run_id}`)).run;
      expect(deleted.info.lifecycle_stage).toBe('deleted');
      expectError(await s.api('POST', `${API}/experiments/delete`, { experiment_id: id }), 404, 'RESOURCE_DOES_NOT_EXIST');
      expectError(await s.api('POST', `${API}/runs/create`, { experiment_id: id }), 400, 'INVALID_PARAMETER_VALUE');

      ok(EmptyResponse, await s.api('POST', `${API}/experiments/restore`, { experiment_id: id }));
      expect((await get(id)).lifecycle_stage).toBe('active');
      const restored = ok(GetRunResponse, await s.api('GET', `${API}/runs/get?run_id=${run.info.run_id}`)).run;
      expect(restored.info.lifecycle_stage).toBe('active');
      expectError(await s.api('POST', `${API}/experiments/restore`, { experiment_id: id }), 404, 'RESOURCE_DOES_NOT_EXIST');
    });

    test('update renames, refuses a taken name, and refuses a deleted experiment', async () => {
      const id = await create();
      const newName = uniq('renamed');
      ok(EmptyResponse, await s.api('POST', `${API}/experiments/update`, { experiment_id: id, new_name: newName }));
      expect((await get(id)).name).toBe(newName);
      expectError(await s.api('POST', `${API}/experiments/update`, { experiment_id: id, new_name: 'Default' }), 400, 'RESOURCE_ALREADY_EXISTS');
      await s.api('POST', `${API}/experiments/delete`, { experiment_id: id });
      expectError(await s.api('POST', `${API}/experiments/update`, { experiment_id: id, new_name: uniq('x') }), 400, 'INVALID_PARAMETER_VALUE');
    });

    test('experiment tags can be set, overwritten and deleted; deleting a missing tag is 404', async () => {
      const id = await create();
      await s.api('POST', `${API}/experiments/set-experiment-tag`, { experiment_id: id, key: 'a', value: '1' });
      ok(EmptyResponse, await s.api('POST', `${API}/experiments/set-experiment-tag`, { experiment_id: id, key: 'a', value: '2' }));
      expect((await get(id)).tags).toEqual([{ key: 'a', value: '2' }]);
      ok(EmptyResponse, await s.api('POST', `${API}/experiments/delete-experiment-tag`, { experiment_id: id, key: 'a' }));
      expect((await get(id)).tags).toEqual([]);
      expectError(await s.api('POST', `${API}/experiments/delete-experiment-tag`, { experiment_id: id, key: 'a' }), 404, 'RESOURCE_DOES_NOT_EXIST');
      expectError(await s.api('POST', `${API}/experiments/set-experiment-tag`, { experiment_id: id, key: '../x', value: '1' }), 400, 'INVALID_PARAMETER_VALUE');
    });

    test('an experiment id sent as a JSON number is accepted', async () => {
      const id = await create();
      ok(EmptyResponse, await s.api('POST', `${API}/experiments/set-experiment-tag`, { experiment_id: Number(id), key: 'n', value: 'v' }));
      expect((await get(id)).tags).toEqual([{ key: 'n', value: 'v' }]);
    });

    test('search pages through experiments by POST and GET, honouring view_type', async () => {
      const prefix = uniq('search');
      const ids = [await create(`${prefix}-a`), await create(`${prefix}-b`), await create(`${prefix}-c`)];
      await s.api('POST', `${API}/experiments/delete`, { experiment_id: ids[2] });
      const filter = `name LIKE '${prefix}-%'`;
      const first = ok(SearchExperimentsResponse, await s.api('POST', `${API}/experiments/search`, { filter, max_results: 1, order_by: ['name ASC'] }));
      expect(first.experiments.map((e) => e.experiment_id)).toEqual([ids[0]]);
      expect(first.next_page_token).toBeTruthy();
      const second = ok(
        SearchExperimentsResponse,
        await s.api('POST', `${API}/experiments/search`, { filter, max_results: 1, order_by: ['name ASC'], page_token: first.next_page_token }),
      );
      expect(second.experiments.map((e) => e.experiment_id)).toEqual([ids[1]]);

      const all = ok(SearchExperimentsResponse, await s.api('GET', `${API}/experiments/search?view_type=ALL&order_by=name+DESC&filter=${encodeURIComponent(filter)}`));
      expect(all.experiments.map((e) => e.experiment_id)).toEqual([ids[2], ids[1], ids[0]]);
      const deleted = ok(SearchExperimentsResponse, await s.api('GET', `${API}/experiments/search?view_type=DELETED_ONLY&filter=${encodeURIComponent(filter)}`));
      expect(deleted.experiments.map((e) => e.experiment_id)).toEqual([ids[2]]);
    });

    test('search refuses max_results above 50000', async () => {
      expectError(await s.api('POST', `${API}/experiments/search`, { max_results: 50001 }), 400, 'INVALID_PARAMETER_VALUE');
    });

    test('search-datasets lists the datasets logged to the experiment runs with their context', async () => {
      const id = await create();
      const run = ok(CreateRunResponse, await s.api('POST', `${API}/runs/create`, { experiment_id: id })).run;
      const dataset = { name: 'train', digest: 'abc123', source_type: 'local', source: '{"uri":"/tmp/x"}' };
      await s.api('POST', `${API}/runs/log-inputs`, { run_id: run.info.run_id, datasets: [{ tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset }] });
      const r = ok(SearchDatasetsResponse, await s.api('POST', `${API}/experiments/search-datasets`, { experiment_ids: [id] }));
      expect(r.dataset_summaries).toEqual([{ experiment_id: id, name: 'train', digest: 'abc123', context: 'training' }]);
    });

    test('the UI copy of the API under /ajax-api answers the same', async () => {
      const r = ok(GetExperimentResponse, await s.api('GET', '/ajax-api/2.0/mlflow/experiments/get?experiment_id=0'));
      expect(r.experiment.name).toBe('Default');
    });
  });
}
