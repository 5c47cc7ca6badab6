import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import {
  DatasetRecord,
  DatasetResponse,
  DeleteDatasetRecordsResponse,
  GetDatasetExperimentIdsResponse,
  GetDatasetRecordsResponse,
  SearchEvaluationDatasetsResponse,
  UpsertDatasetRecordsResponse,
} from '../../src/server/schemas/datasets.js';
import { type AuthServer, startAuthServer } from '../security/helpers.js';
import { DIALECTS } from '../helpers/dialects.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { expectError, makeExperiment, ok, V3 } from './trace-builders.js';

const DS = `${V3}/datasets`;
const uniq = () => Math.random().toString(36).slice(2, 10);
const Records = z.array(DatasetRecord);

for (const dialect of DIALECTS) {
  describe(`${dialect}: evaluation datasets`, () => {
    let s: TestServer;
    let exp: string;
    beforeAll(async () => {
      s = await startTestServer(dialect);
      exp = await makeExperiment(s);
    });
    afterAll(() => s?.close());

    /** What `mlflow.genai.datasets.create_dataset(name, experiment_id, tags)` sends. */
    const create = async (over: Record<string, unknown> = {}) =>
      ok(DatasetResponse, await s.api('POST', `${DS}/create`, { name: `ds-${uniq()}`, experiment_ids: [exp], tags: JSON.stringify({ 'mlflow.user': 'alice', team: 'qa' }), ...over })).dataset;
    const upsert = async (id: string, records: unknown[]) => ok(UpsertDatasetRecordsResponse, await s.api('POST', `${DS}/${id}/records`, { records: JSON.stringify(records) }));
    const records = async (id: string, query = '') => {
      const page = ok(GetDatasetRecordsResponse, await s.api('GET', `${DS}/${id}/records${query}`));
      return { records: Records.parse(JSON.parse(page.records)), next: page.next_page_token };
    };

    test('CreateDataset returns every field, the creator taken from the mlflow.user tag, and GetDataset returns the same', async () => {
      const ds = await create({ name: 'support-qa' });
      expect(ds).toEqual({
        dataset_id: expect.stringMatching(/^d-[0-9a-f]{32}$/),
        name: 'support-qa',
        tags: JSON.stringify({ 'mlflow.user': 'alice', team: 'qa' }),
        digest: expect.stringMatching(/^[0-9a-f]{8}$/),
        created_time: expect.any(Number),
        last_update_time: ds.created_time,
        created_by: 'alice',
        last_updated_by: 'alice',
        experiment_ids: [exp],
      });
      expect(ok(DatasetResponse, await s.api('GET', `${DS}/${ds.dataset_id}`)).dataset).toEqual(ds);
      expect(ok(DatasetResponse, await s.api('GET', `/ajax-api/3.0/mlflow/datasets/${ds.dataset_id}`)).dataset).toEqual(ds);
    });

    test('CreateDataset rejects a missing name, tags that are not a JSON object and an unknown experiment', async () => {
      expectError(await s.api('POST', `${DS}/create`, { experiment_ids: [exp] }), 400, 'INVALID_PARAMETER_VALUE', 'name');
      expectError(await s.api('POST', `${DS}/create`, { name: 'x', tags: '{not json' }), 400, 'INVALID_PARAMETER_VALUE', 'tags');
      expectError(await s.api('POST', `${DS}/create`, { name: 'x', tags: '[1]' }), 400, 'INVALID_PARAMETER_VALUE', 'tags');
      expectError(await s.api('POST', `${DS}/create`, { name: 'x', experiment_ids: ['987654'] }), 404, 'RESOURCE_DOES_NOT_EXIST', '987654');
      expectError(await s.api('POST', `${DS}/create`, { name: 'x', experiment_ids: ['abc'] }), 400, 'INVALID_PARAMETER_VALUE');
    });

    test('UpsertDatasetRecords inserts new inputs and merges records whose inputs match regardless of key order', async () => {
      const ds = await create();
      expect(
        await upsert(ds.dataset_id, [
          { inputs: { question: 'What is MLflow?', lang: 'en' }, expectations: { expected_response: 'A platform' }, tags: { 'mlflow.user': 'alice' }, source: { source_type: 'HUMAN', source_data: {} } },
          { inputs: { question: 'What is Glassbox?' }, outputs: 'a server', source: { source_type: 'TRACE', source_data: { trace_id: 'tr-1' } } },
        ]),
      ).toEqual({ inserted_count: 2, updated_count: 0 });
      expect(
        await upsert(ds.dataset_id, [{ inputs: { lang: 'en', question: 'What is MLflow?' }, expectations: { facts: ['open source'] }, outputs: { text: 'hi' }, tags: { 'mlflow.user': 'bob' } }]),
      ).toEqual({ inserted_count: 0, updated_count: 1 });

      const { records: got } = await records(ds.dataset_id);
      expect(got).toHaveLength(2);
      expect(got[0]).toEqual({
        dataset_record_id: expect.stringMatching(/^dr-[0-9a-f]{32}$/),
        dataset_id: ds.dataset_id,
        inputs: { question: 'What is MLflow?', lang: 'en' },
        outputs: { text: 'hi' },
        expectations: { expected_response: 'A platform', facts: ['open source'] },
        tags: { 'mlflow.user': 'bob' },
        source: { source_type: 'HUMAN', source_data: {} },
        source_type: 'HUMAN',
        created_time: expect.any(Number),
        last_update_time: expect.any(Number),
        created_by: 'alice',
        last_updated_by: 'bob',
      });
      expect(got[1]).toMatchObject({ outputs: 'a server', source_id: 'tr-1', source_type: 'TRACE', tags: {} });

      const after = ok(DatasetResponse, await s.api('GET', `${DS}/${ds.dataset_id}`)).dataset;
      expect(JSON.parse(after.profile!)).toEqual({ num_records: 2 });
      expect(JSON.parse(after.schema!)).toEqual({
        inputs: { question: 'string', lang: 'string' },
        outputs: 'string', // typed by the first outputs seen (the string 'a server')
        expectations: { expected_response: 'string', facts: 'array' },
        version: '1.0',
      });
      expect(after.last_updated_by).toBe('bob');
      expect(after.last_update_time).toBeGreaterThanOrEqual(ds.last_update_time);
    });

    test('the same inputs twice in one batch insert one record and merge the second into it', async () => {
      const ds = await create();
      expect(await upsert(ds.dataset_id, [{ inputs: { q: 'x' }, expectations: { a: 1 } }, { inputs: { q: 'x' }, expectations: { b: 2 } }])).toEqual({ inserted_count: 1, updated_count: 1 });
      expect((await records(ds.dataset_id)).records).toEqual([expect.objectContaining({ inputs: { q: 'x' }, outputs: {}, expectations: { a: 1, b: 2 } })]);
    });

    test("records as Python's json.dumps writes a DataFrame's empty cells (NaN, Infinity) are read with those values as null", async () => {
      const ds = await create();
      const text = '[{"inputs": {"q": "a", "x": NaN}, "expectations": {"e": 1}}, {"inputs": {"q": "NaN Infinity"}, "expectations": NaN, "outputs": -Infinity}]';
      expect(ok(UpsertDatasetRecordsResponse, await s.api('POST', `${DS}/${ds.dataset_id}/records`, { records: text }))).toEqual({ inserted_count: 2, updated_count: 0 });
      const got = (await records(ds.dataset_id)).records;
      expect(got.map((r) => [r.inputs, r.expectations, r.outputs])).toEqual([
        [{ q: 'a', x: null }, { e: 1 }, {}],
        [{ q: 'NaN Infinity' }, undefined, undefined],
      ]);
    });

    test('UpsertDatasetRecords rejects records that are not JSON text or lack inputs, and a missing dataset is 404', async () => {
      const ds = await create();
      expectError(await s.api('POST', `${DS}/${ds.dataset_id}/records`, { records: 'nope' }), 400, 'INVALID_PARAMETER_VALUE', 'records');
      expectError(await s.api('POST', `${DS}/${ds.dataset_id}/records`, { records: JSON.stringify([{ expectations: {} }]) }), 400, 'INVALID_PARAMETER_VALUE', 'inputs');
      expectError(await s.api('POST', `${DS}/${ds.dataset_id}/records`, {}), 400, 'INVALID_PARAMETER_VALUE', 'records');
      expectError(await s.api('POST', `${DS}/d-missing/records`, { records: '[]' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'd-missing');
    });

    test('GetDatasetRecords pages in insertion order with cursor tokens, and a forged token is a 400', async () => {
      const ds = await create();
      await upsert(ds.dataset_id, Array.from({ length: 5 }, (_, i) => ({ inputs: { i } })));
      const first = await records(ds.dataset_id, '?max_results=2');
      expect(first.records.map((r) => r.inputs.i)).toEqual([0, 1]);
      const second = await records(ds.dataset_id, `?max_results=2&page_token=${encodeURIComponent(first.next!)}`);
      expect(second.records.map((r) => r.inputs.i)).toEqual([2, 3]);
      const third = await records(ds.dataset_id, `?max_results=2&page_token=${encodeURIComponent(second.next!)}`);
      expect(third).toEqual({ records: [expect.objectContaining({ inputs: { i: 4 } })], next: undefined });
      expectError(await s.api('GET', `${DS}/${ds.dataset_id}/records?page_token=bogus`), 400, 'INVALID_PARAMETER_VALUE', 'page token');
      expectError(await s.api('GET', `${DS}/d-missing/records`), 404, 'RESOURCE_DOES_NOT_EXIST');
    });

    test('DeleteDatasetRecords removes only the named records of that dataset and recounts the profile', async () => {
      const ds = await create();
      const other = await create();
      await upsert(ds.dataset_id, [{ inputs: { q: 1 } }, { inputs: { q: 2 } }]);
      await upsert(other.dataset_id, [{ inputs: { q: 1 } }]);
      const [a] = (await records(ds.dataset_id)).records;
      const [foreign] = (await records(other.dataset_id)).records;
      const r = await s.api('DELETE', `${DS}/${ds.dataset_id}/records`, { dataset_record_ids: [a.dataset_record_id, foreign.dataset_record_id] });
      expect(ok(DeleteDatasetRecordsResponse, r)).toEqual({ deleted_count: 1 });
      expect((await records(ds.dataset_id)).records.map((x) => x.inputs)).toEqual([{ q: 2 }]);
      expect((await records(other.dataset_id)).records).toHaveLength(1);
      expect(JSON.parse(ok(DatasetResponse, await s.api('GET', `${DS}/${ds.dataset_id}`)).dataset.profile!)).toEqual({ num_records: 1 });
    });

    test('SetDatasetTags merges tags (values as Python str, nulls skipped) and DeleteDatasetTag is idempotent', async () => {
      const ds = await create();
      const r = await s.api('PATCH', `${DS}/${ds.dataset_id}/tags`, { tags: JSON.stringify({ team: 'ml', v: 2, ok: true, gone: null }) });
      expect(JSON.parse(ok(DatasetResponse, r).dataset.tags)).toEqual({ 'mlflow.user': 'alice', team: 'ml', v: '2', ok: 'True' });
      expect((await s.api('DELETE', `${DS}/${ds.dataset_id}/tags/team`)).status).toBe(200);
      expect((await s.api('DELETE', `${DS}/${ds.dataset_id}/tags/team`)).status).toBe(200);
      expect(JSON.parse(ok(DatasetResponse, await s.api('GET', `${DS}/${ds.dataset_id}`)).dataset.tags)).not.toHaveProperty('team');
      expectError(await s.api('PATCH', `${DS}/d-missing/tags`, { tags: '{}' }), 404, 'RESOURCE_DOES_NOT_EXIST');
      expectError(await s.api('PATCH', `${DS}/${ds.dataset_id}/tags`, {}), 400, 'INVALID_PARAMETER_VALUE', 'tags');
    });

    test('datasets are linked to and unlinked from experiments, and linking an unknown experiment is a 404', async () => {
      const exp2 = await makeExperiment(s);
      const ds = await create();
      let r = await s.api('POST', `${DS}/${ds.dataset_id}/add-experiments`, { dataset_id: ds.dataset_id, experiment_ids: [exp2, exp] });
      expect(ok(DatasetResponse, r).dataset.experiment_ids.sort()).toEqual([exp, exp2].sort());
      expect(ok(GetDatasetExperimentIdsResponse, await s.api('GET', `${DS}/${ds.dataset_id}/experiment-ids`)).experiment_ids.sort()).toEqual([exp, exp2].sort());
      r = await s.api('POST', `${DS}/${ds.dataset_id}/remove-experiments`, { experiment_ids: [exp, '999999'] });
      expect(ok(DatasetResponse, r).dataset.experiment_ids).toEqual([exp2]);
      expectError(await s.api('POST', `${DS}/${ds.dataset_id}/add-experiments`, { experiment_ids: ['999999'] }), 404, 'RESOURCE_DOES_NOT_EXIST', '999999');
      expectError(await s.api('GET', `${DS}/d-missing/experiment-ids`), 404, 'RESOURCE_DOES_NOT_EXIST');
    });

    test('SearchEvaluationDatasets filters by experiment, name, tags and time, orders and pages', async () => {
      const own = await makeExperiment(s);
      const prefix = `srch-${uniq()}`;
      const made = [];
      for (const n of ['b', 'a', 'c']) made.push(await create({ name: `${prefix}-${n}`, experiment_ids: [own], tags: JSON.stringify({ letter: n }) }));
      const search = async (body: Record<string, unknown>) => ok(SearchEvaluationDatasetsResponse, await s.api('POST', `${DS}/search`, body));

      expect((await search({ experiment_ids: [own] })).datasets.map((d) => d.name)).toEqual([`${prefix}-c`, `${prefix}-a`, `${prefix}-b`]);
      expect((await search({ experiment_ids: [own], order_by: ['name ASC'] })).datasets.map((d) => d.name)).toEqual(['a', 'b', 'c'].map((n) => `${prefix}-${n}`));
      expect((await search({ filter_string: `name = "${prefix}-a"` })).datasets.map((d) => d.dataset_id)).toEqual([made[1].dataset_id]);
      expect((await search({ filter_string: `name LIKE '${prefix}-%' AND tags.letter != 'a'`, order_by: ['name'] })).datasets.map((d) => d.name)).toEqual([`${prefix}-b`, `${prefix}-c`]);
      expect((await search({ experiment_ids: [own], filter_string: `created_time >= ${made[0].created_time}` })).datasets).toHaveLength(3);

      const page1 = await search({ experiment_ids: [own], order_by: ['name DESC'], max_results: 2 });
      expect(page1.datasets.map((d) => d.name)).toEqual([`${prefix}-c`, `${prefix}-b`]);
      const page2 = await search({ experiment_ids: [own], order_by: ['name DESC'], max_results: 2, page_token: page1.next_page_token });
      expect(page2).toEqual({ datasets: [expect.objectContaining({ name: `${prefix}-a` })] });

      const viaGet = ok(SearchEvaluationDatasetsResponse, await s.api('GET', `${DS}/search?experiment_ids=${own}&order_by=name%20ASC&max_results=1`));
      expect(viaGet.datasets.map((d) => d.name)).toEqual([`${prefix}-a`]);
    });

    test.for([
      ['an unknown attribute', { filter_string: "digest = 'x'" }],
      ['OR', { filter_string: "name = 'a' OR name = 'b'" }],
      ['a quoted time', { filter_string: "created_time > '5'" }],
      ['an unknown order_by key', { order_by: ['digest'] }],
      ['a forged page token', { page_token: 'bogus' }],
      ['max_results over 50000', { max_results: 50001 }],
    ] as const)('SearchEvaluationDatasets answers %s with a 400', async ([, body]) => {
      expectError(await s.api('POST', `${DS}/search`, body), 400, 'INVALID_PARAMETER_VALUE');
    });

    test('DeleteDataset removes the dataset with its records and is idempotent', async () => {
      const ds = await create();
      await upsert(ds.dataset_id, [{ inputs: { q: 1 } }]);
      expect((await s.api('DELETE', `${DS}/${ds.dataset_id}`)).status).toBe(200);
      expectError(await s.api('GET', `${DS}/${ds.dataset_id}`), 404, 'RESOURCE_DOES_NOT_EXIST', ds.dataset_id);
      expectError(await s.api('GET', `${DS}/${ds.dataset_id}/records`), 404, 'RESOURCE_DOES_NOT_EXIST');
      expect((await s.api('DELETE', `${DS}/${ds.dataset_id}`)).status).toBe(200);
      const left = await s.store.db.selectFrom('evaluation_dataset_records').select('dataset_record_id').where('dataset_id', '=', ds.dataset_id).execute();
      expect(left).toEqual([]);
    });
  });
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: evaluation datasets with auth on`, () => {
    let s: AuthServer;
    let owner: Awaited<ReturnType<AuthServer['user']>>;
    let other: Awaited<ReturnType<AuthServer['user']>>;
    let exp: string;
    let datasetId: string;
    beforeAll(async () => {
      s = await startAuthServer(dialect);
      owner = await s.user();
      other = await s.user();
      exp = (await s.api('POST', '/api/2.0/mlflow/experiments/create', { name: `auth-${uniq()}` }, owner.headers)).body.experiment_id;
      const r = await s.api('POST', `${DS}/create`, { name: `auth-ds-${uniq()}`, experiment_ids: [exp] }, owner.headers);
      datasetId = ok(DatasetResponse, r).dataset.dataset_id;
    });
    afterAll(() => s?.close());

    // The other user has the default READ on the owner's experiment, and so on its datasets.
    test.for([
      ['GetDataset (READ)', () => ['GET', `${DS}/${datasetId}`], 200],
      ['GetDatasetRecords (READ)', () => ['GET', `${DS}/${datasetId}/records`], 200],
      ['GetDatasetExperimentIds (READ)', () => ['GET', `${DS}/${datasetId}/experiment-ids`], 200],
      ['UpsertDatasetRecords (EDIT)', () => ['POST', `${DS}/${datasetId}/records`, { records: JSON.stringify([{ inputs: { q: uniq() } }]) }], 403],
      ['SetDatasetTags (EDIT)', () => ['PATCH', `${DS}/${datasetId}/tags`, { tags: '{"k":"v"}' }], 403],
      ['DeleteDatasetTag (EDIT)', () => ['DELETE', `${DS}/${datasetId}/tags/k`], 403],
      ['DeleteDatasetRecords (EDIT)', () => ['DELETE', `${DS}/${datasetId}/records`, { dataset_record_ids: ['dr-x'] }], 403],
      ['CreateDataset in the experiment (EDIT)', () => ['POST', `${DS}/create`, { name: 'x', experiment_ids: [exp] }], 403],
    ] as const)('%s: the owner is served and another user gets the status the table gives', async ([, build, otherStatus]) => {
      const [method, path, body] = build() as [string, string, unknown?];
      expect((await s.api(method, path, body, other.headers)).status).toBe(otherStatus);
      expect((await s.api(method, path, body, owner.headers)).status).toBe(200);
    });

    test('deleting a linked dataset needs MANAGE on its experiments', async () => {
      const r = await s.api('POST', `${DS}/create`, { name: `doomed-${uniq()}`, experiment_ids: [exp] }, owner.headers);
      const id = ok(DatasetResponse, r).dataset.dataset_id;
      expect((await s.api('DELETE', `${DS}/${id}`, undefined, other.headers)).status).toBe(403);
      expect((await s.api('DELETE', `${DS}/${id}`, undefined, owner.headers)).status).toBe(200);
    });

    test('search lists only datasets whose experiments the caller may read', async () => {
      const hidden = (await s.api('POST', '/api/2.0/mlflow/experiments/create', { name: `hidden-${uniq()}` }, owner.headers)).body.experiment_id;
      await s.grant(other.name, hidden, 'NO_PERMISSIONS');
      const r = await s.api('POST', `${DS}/create`, { name: `hidden-ds-${uniq()}`, experiment_ids: [hidden] }, owner.headers);
      const hiddenId = ok(DatasetResponse, r).dataset.dataset_id;
      const seen = ok(SearchEvaluationDatasetsResponse, await s.api('POST', `${DS}/search`, {}, other.headers)).datasets.map((d) => d.dataset_id);
      expect(seen).toContain(datasetId);
      expect(seen).not.toContain(hiddenId);
      expect((await s.api('GET', `${DS}/${hiddenId}`, undefined, other.headers)).status).toBe(403);
      expect((await s.api('POST', `${DS}/search`, { experiment_ids: [hidden] }, other.headers)).status).toBe(403);
    });
  });
}
