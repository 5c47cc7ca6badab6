import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { likeCondition, likeToGlob, registerSqliteRegexp } from '../../src/server/search/index.js';
import { createStore, type Store } from '../../src/store/db.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { DIALECTS, freshStore, type TestStoreTarget } from '../helpers/dialects.js';

const VALUES = ['gpt-4o', 'GPT-4', 'gpt-3.5', 'a*b', 'a[b]', '50%', 'x_y', 'back\\slash', 'Ärger'];

describe('likeToGlob', () => {
  test.for<[string, string]>([
    ['abc%', 'abc*'],
    ['a_c', 'a?c'],
    ['a*b?[c]', 'a[*]b[?][[]c]'],
    ['50\\%', '50%'],
    ['x\\_y', 'x_y'],
    ['back\\\\slash', 'back\\slash'],
  ])('turns LIKE pattern %s into GLOB %s', ([like, glob]) => {
    expect(likeToGlob(like)).toBe(glob);
  });
});

for (const dialect of DIALECTS) {
  describe(`${dialect}: likeCondition`, () => {
    let target: TestStoreTarget;
    let store: Store;
    beforeAll(async () => {
      target = await freshStore(dialect);
      store = createStore(target.uri);
      await migrateToLatest(store.db);
      // db.ts does not register REGEXP yet; the test does what the connection setup should.
      if (store.sqlite) registerSqliteRegexp(store.sqlite);
      await store.db
        .insertInto('params')
        .values(VALUES.map((value, i) => ({ run_uuid: `run-${i}`, key: 'p', value })))
        .execute();
    });
    afterAll(async () => {
      await store?.close();
      await target?.cleanup();
    });

    const match = async (op: 'LIKE' | 'ILIKE' | 'RLIKE', pattern: string) => {
      const rows = await store.db.selectFrom('params').select('value').where(likeCondition(dialect, 'params.value', op, pattern)).orderBy('run_uuid').execute();
      return rows.map((r) => r.value);
    };

    test.for<['LIKE' | 'ILIKE' | 'RLIKE', string, string[]]>([
      ['LIKE', 'gpt%', ['gpt-4o', 'gpt-3.5']],
      ['LIKE', 'GPT%', ['GPT-4']],
      ['LIKE', 'gpt-_', []],
      ['LIKE', 'a*b', ['a*b']],
      ['LIKE', 'a[b]', ['a[b]']],
      ['LIKE', '%\\%', ['50%']],
      ['LIKE', 'x\\_y', ['x_y']],
      ['LIKE', 'back\\\\slash', ['back\\slash']],
      ['ILIKE', 'gpt-4%', ['gpt-4o', 'GPT-4']],
      ['ILIKE', 'GPT-_', ['GPT-4']],
      ['ILIKE', '%\\%', ['50%']],
      ['RLIKE', '^gpt-[0-9]', ['gpt-4o', 'gpt-3.5']],
      ['RLIKE', '4o$|^a\\*', ['gpt-4o', 'a*b']],
      ['RLIKE', 'rger', ['Ärger']],
    ])('%s %s matches %j', async ([op, pattern, expected]) => {
      expect(await match(op, pattern)).toEqual(expected);
    });

    test('a pattern ending in a lone backslash and an invalid regex are 400s, not SQL errors', async () => {
      expect(() => likeCondition(dialect, 'params.value', 'LIKE', 'abc\\')).toThrow('ends with an unescaped backslash');
      expect(() => likeCondition(dialect, 'params.value', 'RLIKE', '(')).toThrow("Invalid regular expression '('");
    });
  });
}
