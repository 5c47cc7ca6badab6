import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MlflowError } from '../../src/server/errors.js';
import { createStore, type Store } from '../../src/store/db.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { searchExperiments, type SearchExperimentsRequest } from '../../src/store/search-experiments.js';
import { DIALECTS, freshStore, type TestStoreTarget } from '../helpers/dialects.js';

interface ExperimentSpec {
  name: string;
  created: number;
  updated?: number;
  deleted?: boolean;
  tags?: Record<string, string>;
}

// Created in this order, so ids rise: Default is 0, then 1..5. 'beta' and 'Gamma' share a creation time.
const EXPERIMENTS: ExperimentSpec[] = [
  { name: 'alpha', created: 1000, updated: 5000, tags: { team: 'vision', 'mlflow.note.content': 'first' } },
  { name: 'beta', created: 2000, updated: 2500, tags: { team: 'nlp' } },
  { name: 'Gamma', created: 2000, updated: 9000, tags: { team: 'Vision' } },
  { name: 'delta', created: 3000, updated: 3000 },
  { name: 'old-deleted', created: 500, updated: 600, deleted: true, tags: { team: 'vision' } },
];
// Default is created by the migration at wall-clock time, so it is the newest.

for (const dialect of DIALECTS) {
  describe(`${dialect}: searchExperiments`, () => {
    let target: TestStoreTarget;
    let store: Store;
    const nameById = new Map<number, string>();
    const names = async (over: Partial<SearchExperimentsRequest>) => {
      const res = await searchExperiments(store, { viewType: 'ACTIVE_ONLY', maxResults: 1000, orderBy: [], ...over });
      return res.experimentIds.map((id) => nameById.get(id) ?? String(id));
    };

    beforeAll(async () => {
      target = await freshStore(dialect);
      store = createStore(target.uri);
      await migrateToLatest(store.db);
      nameById.set(0, 'Default');
      for (const e of EXPERIMENTS) {
        const row = await store.db
          .insertInto('experiments')
          .values({
            name: e.name, artifact_location: 'mlflow-artifacts:/x', lifecycle_stage: e.deleted ? 'deleted' : 'active',
            creation_time: e.created, last_update_time: e.updated ?? e.created,
          })
          .returning('experiment_id')
          .executeTakeFirstOrThrow();
        const id = Number(row.experiment_id);
        nameById.set(id, e.name);
        for (const [key, value] of Object.entries(e.tags ?? {})) await store.db.insertInto('experiment_tags').values({ experiment_id: id, key, value }).execute();
      }
    });
    afterAll(async () => {
      await store?.close();
      await target?.cleanup();
    });

    test('with no filter it returns active experiments, newest first with experiment_id breaking ties', async () => {
      expect(await names({})).toEqual(['Default', 'delta', 'beta', 'Gamma', 'alpha']);
    });

    test.for<[string, string[]]>([
      ["name = 'alpha'", ['alpha']],
      ["attributes.name != 'alpha'", ['Default', 'delta', 'beta', 'Gamma']],
      ["name LIKE '%a'", ['delta', 'beta', 'Gamma', 'alpha']],
      ["name LIKE 'g%'", []],
      ["attribute.name ILIKE 'g%'", ['Gamma']],
      ['creation_time >= 2000 AND creation_time < 3000', ['beta', 'Gamma']],
      ['last_update_time > 4000 AND last_update_time < 10000', ['Gamma', 'alpha']],
      ["tags.team = 'vision'", ['alpha']],
      ["tag.team ILIKE 'VISION'", ['Gamma', 'alpha']],
      ["tags.team LIKE 'n%'", ['beta']],
      ["tags.team != 'nlp'", ['Gamma', 'alpha']],
      ['tags.team IS NULL', ['Default', 'delta']],
      ['tags.`mlflow.note.content` IS NOT NULL', ['alpha']],
      ["tags.team ILIKE 'vision' AND name LIKE 'G%'", ['Gamma']],
    ])('filter %s matches %j', async ([filter, expected]) => {
      expect(await names({ filter })).toEqual(expected);
    });

    test.for<[string, string]>([
      ['name = 1', "attribute 'name' must be compared with a quoted string value"],
      ["creation_time > '1'", "attribute 'creation_time' must be compared with an unquoted number"],
      ["name IN ('a')", "operator 'IN' is not supported for attribute 'name'"],
      ['name IS NULL', "operator 'IS NULL' is not supported for attribute 'name'"],
      ["experiment_id = '1'", "unknown attribute 'experiment_id'"],
      ["metrics.x > 1", "invalid entity type 'metrics'"],
      ["tags.t > 'a'", "operator '>' is not supported for tags"],
      ['name = ', 'expected a quoted string or a number'],
    ])('filter %s is rejected with 400', async ([filter, message]) => {
      const err = await searchExperiments(store, { filter, viewType: 'ALL', maxResults: 10, orderBy: [] }).catch((e) => e);
      expect(err).toBeInstanceOf(MlflowError);
      expect(err.code).toBe('INVALID_PARAMETER_VALUE');
      expect(err.message).toContain(message);
    });

    test.for<[string[], string[]]>([
      [['name'], ['Default', 'Gamma', 'alpha', 'beta', 'delta']],
      [['name DESC'], ['delta', 'beta', 'alpha', 'Gamma', 'Default']],
      [['experiment_id ASC'], ['Default', 'alpha', 'beta', 'Gamma', 'delta']],
      [['attributes.experiment_id DESC'], ['delta', 'Gamma', 'beta', 'alpha', 'Default']],
      [['creation_time ASC'], ['alpha', 'beta', 'Gamma', 'delta', 'Default']],
      [['last_update_time DESC'], ['Default', 'Gamma', 'alpha', 'delta', 'beta']],
    ])('order_by %j sorts as %j', async ([orderBy, expected]) => {
      expect(await names({ orderBy })).toEqual(expected);
    });

    test('ordering by an unknown key is rejected with 400 naming it', async () => {
      await expect(names({ orderBy: ['tags.team'] })).rejects.toThrow("Invalid order_by key 'tags.team' for experiments");
      await expect(names({ orderBy: ['lifecycle_stage'] })).rejects.toThrow("Invalid order_by key 'lifecycle_stage'");
    });

    test.for<[SearchExperimentsRequest['viewType'], string[]]>([
      ['ACTIVE_ONLY', ['Default', 'delta', 'beta', 'Gamma', 'alpha']],
      ['DELETED_ONLY', ['old-deleted']],
      ['ALL', ['Default', 'delta', 'beta', 'Gamma', 'alpha', 'old-deleted']],
    ])('view_type %s selects by lifecycle stage', async ([viewType, expected]) => {
      expect(await names({ viewType })).toEqual(expected);
    });

    test('pages through every experiment once, and the last page has no token', async () => {
      const seen: number[] = [];
      let pageToken: string | undefined;
      let pages = 0;
      do {
        const page = await searchExperiments(store, { viewType: 'ALL', maxResults: 4, orderBy: ['name ASC'], pageToken });
        seen.push(...page.experimentIds);
        pageToken = page.nextPageToken;
        pages++;
      } while (pageToken);
      expect(pages).toBe(2);
      expect(seen.map((id) => nameById.get(id))).toEqual(['Default', 'Gamma', 'alpha', 'beta', 'delta', 'old-deleted']);
    });

    test('a garbage page token and max_results above 50000 are rejected with 400', async () => {
      await expect(names({ pageToken: '%%%' })).rejects.toThrow("Invalid page token '%%%'");
      await expect(names({ maxResults: 50001 })).rejects.toThrow("Invalid value 50001 for parameter 'max_results'");
    });
  });
}
