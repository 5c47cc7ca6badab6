import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MlflowError } from '../../src/server/errors.js';
import { createStore, type Store } from '../../src/store/db.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { encodePageToken } from '../../src/store/page-token.js';
import { searchRuns, type SearchRunsRequest } from '../../src/store/search-runs.js';
import { DIALECTS, freshStore, type TestStoreTarget } from '../helpers/dialects.js';

interface RunSpec {
  name: string;
  n: number;
  experiment?: number;
  user?: string;
  status?: string;
  start: number;
  end?: number;
  deleted?: boolean;
  metrics?: Record<string, number>;
  params?: Record<string, string>;
  tags?: Record<string, string>;
  datasets?: { name: string; digest: string; context?: string }[];
}

/** run_uuid from a small number, so id order is known: delta ('…03') sorts before gamma ('…04'). */
const runId = (n: number) => n.toString(16).padStart(32, '0');

// alpha..delta are active in experiment 1; epsilon is deleted; zeta lives in experiment 0.
const RUNS: RunSpec[] = [
  {
    name: 'alpha', n: 1, user: 'alice', status: 'FINISHED', start: 1000, end: 2000,
    metrics: { loss: 0.5, acc: 0.9, f1: 0.8 }, params: { lr: '0.01', model: 'cnn', path: 'a*b' },
    tags: { 'mlflow.runName': 'alpha', team: 'Vision' }, datasets: [{ name: 'train', digest: 'd1', context: 'training' }],
  },
  {
    name: 'beta', n: 2, user: 'bob', status: 'RUNNING', start: 2000,
    metrics: { loss: 0.3, f1: NaN }, params: { lr: '0.1', path: 'axb' },
    tags: { team: 'vision' }, datasets: [{ name: 'eval', digest: 'd2', context: 'evaluation' }, { name: 'raw', digest: 'd9' }],
  },
  {
    name: 'gamma', n: 4, user: 'alice', status: 'FAILED', start: 3000, end: 3500,
    metrics: { loss: NaN, acc: 0.7 }, params: { lr: '0.001', model: 'CNN_v2', path: 'a_b' }, tags: { team: 'nlp', 'odd key.with dots': 'x' },
  },
  { name: 'delta', n: 3, user: 'carol', status: 'FINISHED', start: 3000, end: 3100, metrics: { loss: -1, acc: 0.9, f1: 0.6 } },
  { name: 'epsilon', n: 5, user: 'alice', status: 'FINISHED', start: 4000, deleted: true, metrics: { loss: 0.2 } },
  { name: 'zeta', n: 6, experiment: 0, user: 'alice', status: 'FINISHED', start: 5000 },
];

async function seedRun(store: Store, r: RunSpec): Promise<void> {
  const id = runId(r.n);
  const experiment = r.experiment ?? 1;
  await store.db
    .insertInto('runs')
    .values({
      run_uuid: id, name: r.name, experiment_id: experiment, user_id: r.user ?? 'unknown', status: r.status ?? 'RUNNING',
      start_time: r.start, end_time: r.end ?? null, artifact_uri: `mlflow-artifacts:/${experiment}/${id}/artifacts`,
      lifecycle_stage: r.deleted ? 'deleted' : 'active', deleted_time: null,
    })
    .execute();
  for (const [key, value] of Object.entries(r.metrics ?? {})) {
    // NaN is NULL on SQLite (which cannot store it). PostgreSQL can hold either form, so f1 uses NULL
    // (what src/store/metrics.ts writes) and loss a native NaN, and both must behave the same.
    const stored = Number.isNaN(value) && (store.dialect === 'sqlite' || key === 'f1') ? null : value;
    await store.db
      .insertInto('latest_metrics')
      .values({ run_uuid: id, key, value: stored, timestamp: r.start, step: 0, model_id: null, dataset_name: null, dataset_digest: null })
      .execute();
  }
  for (const [key, value] of Object.entries(r.params ?? {})) await store.db.insertInto('params').values({ run_uuid: id, key, value }).execute();
  for (const [key, value] of Object.entries(r.tags ?? {})) await store.db.insertInto('tags').values({ run_uuid: id, key, value }).execute();
  for (const d of r.datasets ?? []) {
    const tags = d.context ? [{ key: 'mlflow.data.context', value: d.context }] : [];
    await store.db
      .insertInto('run_inputs')
      .values({ run_uuid: id, name: d.name, digest: d.digest, source_type: 'local', source: '{}', schema: null, profile: null, tags: JSON.stringify(tags) })
      .execute();
  }
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: searchRuns`, () => {
    let target: TestStoreTarget;
    let store: Store;
    const nameById = new Map(RUNS.map((r) => [runId(r.n), r.name]));
    const search = async (over: Partial<SearchRunsRequest>) => {
      const res = await searchRuns(store, { experimentIds: ['1'], runViewType: 'ACTIVE_ONLY', maxResults: 1000, orderBy: [], ...over });
      return { names: res.runIds.map((id) => nameById.get(id) ?? id), nextPageToken: res.nextPageToken };
    };
    const names = async (over: Partial<SearchRunsRequest>) => (await search(over)).names;

    beforeAll(async () => {
      target = await freshStore(dialect);
      store = createStore(target.uri);
      await migrateToLatest(store.db);
      const now = 1_700_000_000_000;
      await store.db
        .insertInto('experiments')
        .values({ experiment_id: 1, name: 'exp-1', artifact_location: 'mlflow-artifacts:/1', lifecycle_stage: 'active', creation_time: now, last_update_time: now })
        .execute();
      for (const r of RUNS) await seedRun(store, r);
    });
    afterAll(async () => {
      await store?.close();
      await target?.cleanup();
    });

    test('with no filter it returns active runs of the experiment, newest first with run_id breaking start_time ties', async () => {
      expect(await names({})).toEqual(['delta', 'gamma', 'beta', 'alpha']);
    });

    test.for<[string, string[]]>([
      ['metrics.loss < 0.4', ['delta', 'beta']],
      ['metrics.loss >= 0.3', ['beta', 'alpha']],
      ['metrics.loss != 0.5', ['delta', 'beta']],
      ['metric.acc = 0.9', ['delta', 'alpha']],
      ['metrics.loss > -2', ['delta', 'beta', 'alpha']],
      ['metrics.loss <= 1e-1', ['delta']],
      ['metrics.f1 > 0', ['delta', 'alpha']],
      ['metrics.missing > 0', []],
      ["params.lr = '0.01'", ['alpha']],
      ["param.lr != '0.01'", ['gamma', 'beta']],
      ["params.model LIKE 'cnn%'", ['alpha']],
      ["params.model ILIKE 'cnn%'", ['gamma', 'alpha']],
      ["params.model LIKE 'CNN\\_v_'", ['gamma']],
      ["params.model LIKE 'CNN\\\\%'", []],
      ["params.path LIKE 'a_b'", ['gamma', 'beta', 'alpha']],
      ["params.path LIKE 'a\\_b'", ['gamma']],
      ["params.path LIKE 'a*b'", ['alpha']],
      ["params.path ILIKE 'A%B'", ['gamma', 'beta', 'alpha']],
      ["params.model LIKE 'c_n'", ['alpha']],
      ['parameters.model IS NULL', ['delta', 'beta']],
      ['parameter.model IS NOT NULL', ['gamma', 'alpha']],
      ["tags.team = 'vision'", ['beta']],
      ["tag.team ILIKE 'VISION'", ['beta', 'alpha']],
      ["tags.team LIKE 'V%'", ['alpha']],
      ["tags.team LIKE '%i%'", ['beta', 'alpha']],
      ["tags.`odd key.with dots` = 'x'", ['gamma']],
      ['tags."odd key.with dots" != \'y\'', ['gamma']],
      ["tags.`mlflow.runName` = 'alpha'", ['alpha']],
      ["tags.mlflow.runName = 'alpha'", ['alpha']],
      ['tags.team IS NULL', ['delta']],
      [`attributes.run_id = '${runId(2)}'`, ['beta']],
      [`run_id IN ('${runId(1)}', '${runId(3)}', '${runId(6)}')`, ['delta', 'alpha']],
      [`attr.run_id NOT IN ('${runId(1)}')`, ['delta', 'gamma', 'beta']],
      ["run_name = 'gamma'", ['gamma']],
      ["attributes.`run name` LIKE 'g%'", ['gamma']],
      ["attribute.run_name ILIKE 'B%'", ['beta']],
      ["run.user_id = 'alice'", ['gamma', 'alpha']],
      ["status != 'FINISHED'", ['gamma', 'beta']],
      [`artifact_uri LIKE '%/${runId(4)}/%'`, ['gamma']],
      ['attributes.start_time >= 3000', ['delta', 'gamma']],
      ['created < 2000', ['alpha']],
      ['end_time > 1000', ['delta', 'gamma', 'alpha']],
      ['end_time > 1999.5', ['delta', 'gamma', 'alpha']],
      ["datasets.name = 'train'", ['alpha']],
      ["dataset.digest IN ('d1', 'd2')", ['beta', 'alpha']],
      ["datasets.context = 'evaluation'", ['beta']],
      ["datasets.context LIKE 'train%'", ['alpha']],
      ["datasets.name NOT IN ('train')", ['beta']],
      ["datasets.name ILIKE 'RAW'", ['beta']],
      ["metrics.loss < 1 AND params.lr LIKE '0.0%' AND tags.team ILIKE 'vision'", ['alpha']],
      ["params.model ilike 'cnn%' and status = 'FAILED'", ['gamma']],
    ])('filter %s matches %j', async ([filter, expected]) => {
      expect(await names({ filter })).toEqual(expected);
    });

    test.for<[string, string]>([
      ["metrics.loss = 'a'", `"metrics.loss = 'a'": metrics must be compared with an unquoted number`],
      ["metrics.loss LIKE 'a'", "operator 'LIKE' is not supported for metrics"],
      ['metrics.loss IS NULL', "operator 'IS NULL' is not supported for metrics"],
      ['params.lr > 1', "operator '>' is not supported for params"],
      ['params.lr = 1', 'params must be compared with a quoted string value'],
      ["tags.t RLIKE 'a'", "operator 'RLIKE' is not supported for tags"],
      ["attributes.foo = 'x'", "unknown attribute 'foo'"],
      ["run_name IN ('a')", "operator 'IN' is not supported for attribute 'run_name'"],
      ["start_time = '1'", "attribute 'start_time' must be compared with an unquoted number"],
      ['status = 1', "attribute 'status' must be compared with a quoted string value"],
      ["datasets.foo = 'x'", "unknown dataset key 'foo'"],
      ["foo.bar = 'x'", "Invalid entity type 'foo'"],
    ])('filter %s is rejected with 400', async ([filter, message]) => {
      const err = await searchRuns(store, { experimentIds: ['1'], filter, runViewType: 'ALL', maxResults: 10, orderBy: [] }).catch((e) => e);
      expect(err).toBeInstanceOf(MlflowError);
      expect(err.code).toBe('INVALID_PARAMETER_VALUE');
      expect(err.message).toContain(message);
    });

    test.for<[string[], string[]]>([
      [['metrics.acc DESC'], ['delta', 'alpha', 'gamma', 'beta']],
      [['metrics.f1 DESC'], ['alpha', 'delta', 'beta', 'gamma']],
      [['metrics.f1 ASC'], ['delta', 'alpha', 'beta', 'gamma']],
      [['metrics.loss'], ['delta', 'beta', 'alpha', 'gamma']],
      [['params.lr ASC'], ['gamma', 'alpha', 'beta', 'delta']],
      [['params.lr DESC'], ['beta', 'alpha', 'gamma', 'delta']],
      [['tags.team DESC'], ['beta', 'gamma', 'alpha', 'delta']],
      [['attributes.run_name DESC'], ['gamma', 'delta', 'beta', 'alpha']],
      [['`run name`'], ['alpha', 'beta', 'delta', 'gamma']],
      [['attributes.end_time ASC'], ['alpha', 'delta', 'gamma', 'beta']],
      [['end_time DESC'], ['gamma', 'delta', 'alpha', 'beta']],
      [['start_time ASC'], ['alpha', 'beta', 'delta', 'gamma']],
      [['user_id DESC', 'metrics.acc ASC'], ['delta', 'beta', 'gamma', 'alpha']],
      [['run_id DESC'], ['gamma', 'delta', 'beta', 'alpha']],
      [['status', 'created'], ['gamma', 'alpha', 'delta', 'beta']],
    ])('order_by %j sorts as %j', async ([orderBy, expected]) => {
      expect(await names({ orderBy })).toEqual(expected);
    });

    test.for<[string, string]>([
      ['metrics.acc SIDEWAYS', "unexpected token 'SIDEWAYS'"],
      ['foo.bar', "Invalid entity type 'foo'"],
      ['attributes.nope', "Invalid attribute key 'nope'"],
      ['datasets.name', 'cannot be ordered by dataset fields'],
    ])('order_by %s is rejected with 400', async ([clause, message]) => {
      await expect(searchRuns(store, { experimentIds: ['1'], runViewType: 'ALL', maxResults: 10, orderBy: [clause] })).rejects.toThrow(message);
    });

    test.for<[SearchRunsRequest['runViewType'], string[]]>([
      ['ACTIVE_ONLY', ['delta', 'gamma', 'beta', 'alpha']],
      ['DELETED_ONLY', ['epsilon']],
      ['ALL', ['epsilon', 'delta', 'gamma', 'beta', 'alpha']],
    ])('run_view_type %s selects by lifecycle stage', async ([runViewType, expected]) => {
      expect(await names({ runViewType })).toEqual(expected);
    });

    test('several experiments are searched together and unknown ones add nothing', async () => {
      expect(await names({ experimentIds: ['0', '1', '999'] })).toEqual(['zeta', 'delta', 'gamma', 'beta', 'alpha']);
      expect(await names({ experimentIds: [] })).toEqual([]);
    });

    test('pages through every run once, and the last page has no token', async () => {
      const seen: string[] = [];
      let pageToken: string | undefined;
      let pages = 0;
      do {
        const page = await search({ experimentIds: ['0', '1'], runViewType: 'ALL', maxResults: 2, orderBy: ['metrics.loss DESC'], pageToken });
        seen.push(...page.names);
        pageToken = page.nextPageToken;
        pages++;
      } while (pageToken);
      expect(pages).toBe(3);
      expect(seen).toEqual(['alpha', 'beta', 'epsilon', 'delta', 'gamma', 'zeta']);
    });

    test('a page that ends exactly at the last run carries no token', async () => {
      expect((await search({ maxResults: 4 })).nextPageToken).toBeUndefined();
      expect((await search({ maxResults: 3 })).nextPageToken).toBe(encodePageToken(3));
    });

    test.for<[string]>([['not base64!'], ['bm90IGpzb24='], [encodePageToken(-1)], [Buffer.from('{"offset":"3"}').toString('base64')]])(
      'page token %s is rejected with 400',
      async ([pageToken]) => {
        await expect(search({ pageToken })).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('Invalid page token') });
      },
    );

    test('max_results above 50000 and non-numeric experiment ids are rejected with 400', async () => {
      await expect(search({ maxResults: 50001 })).rejects.toThrow("Invalid value 50001 for parameter 'max_results'");
      expect((await search({ maxResults: 50000 })).names).toHaveLength(4);
      await expect(search({ experimentIds: ['abc'] })).rejects.toThrow("Invalid experiment id 'abc'");
    });
  });
}
