import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as S from '../../src/server/schemas/registry.js';
import { DIALECTS } from '../helpers/dialects.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { call, callError, registerPromptViaRest, uniqueName } from './api.js';

for (const dialect of DIALECTS) {
  describe(`${dialect}: registered models`, () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await startTestServer(dialect);
    });
    afterAll(() => s?.close());

    test('create returns the model with every field filled in, and get returns the same model', async () => {
      const name = uniqueName('model');
      const created = await call(s, S.RegisteredModelResponse, 'POST', '/registered-models/create', { name, tags: [{ key: 'team', value: 'a' }], description: 'd' });
      expect(created.registered_model).toMatchObject({ name, description: 'd', tags: [{ key: 'team', value: 'a' }], aliases: [], latest_versions: [] });
      expect(created.registered_model.creation_timestamp).toBe(created.registered_model.last_updated_timestamp);
      const got = await call(s, S.RegisteredModelResponse, 'GET', `/registered-models/get?name=${name}`);
      expect(got).toEqual(created);
    });

    test('creating a model twice is RESOURCE_ALREADY_EXISTS with status 400', async () => {
      const name = uniqueName('model');
      await call(s, S.RegisteredModelResponse, 'POST', '/registered-models/create', { name });
      expect(await callError(s, 'POST', '/registered-models/create', { name })).toMatchObject({ status: 400, error_code: 'RESOURCE_ALREADY_EXISTS' });
    });

    test('a missing model is 404 RESOURCE_DOES_NOT_EXIST naming it', async () => {
      const e = await callError(s, 'GET', '/registered-models/get?name=nope-404');
      expect(e).toEqual({ status: 404, error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Registered Model with name=nope-404 not found' });
    });

    test('the same API answers under /ajax-api (used by the web UI) and a missing name parameter is 400', async () => {
      const name = uniqueName('model');
      await call(s, S.RegisteredModelResponse, 'POST', '/registered-models/create', { name });
      const r = await s.api('GET', `/ajax-api/2.0/mlflow/registered-models/get?name=${name}`);
      expect(r.body.registered_model.name).toBe(name);
      expect(await callError(s, 'GET', '/registered-models/get')).toMatchObject({ status: 400, error_code: 'INVALID_PARAMETER_VALUE' });
    });

    test.for([
      ['an empty name', ''],
      ['a name with a slash', 'a/b'],
      ['a name with a colon', 'a:b'],
    ])('%s is rejected with INVALID_PARAMETER_VALUE', async ([, name]) => {
      expect(await callError(s, 'POST', '/registered-models/create', { name })).toMatchObject({ status: 400, error_code: 'INVALID_PARAMETER_VALUE' });
    });

    test('a prompt name outside letters, digits, _ - . is rejected', async () => {
      const e = await callError(s, 'POST', '/registered-models/create', { name: 'has space', tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }] });
      expect(e).toMatchObject({ status: 400, error_code: 'INVALID_PARAMETER_VALUE' });
      expect(e.message).toContain('has space');
    });

    test('update changes the description; rename moves versions, tags and aliases to the new name', async () => {
      const name = uniqueName('prompt');
      await registerPromptViaRest(s, name, ['v1 {{x}}']);
      await call(s, S.EmptyResponse, 'POST', '/registered-models/alias', { name, alias: 'prod', version: '1' });
      const updated = await call(s, S.RegisteredModelResponse, 'PATCH', '/registered-models/update', { name, description: 'new' });
      expect(updated.registered_model.description).toBe('new');
      const renamed = await call(s, S.RegisteredModelResponse, 'POST', '/registered-models/rename', { name, new_name: `${name}-2` });
      expect(renamed.registered_model).toMatchObject({ name: `${name}-2`, aliases: [{ alias: 'prod', version: '1' }] });
      expect(renamed.registered_model.latest_versions[0]).toMatchObject({ name: `${name}-2`, version: '1' });
      expect((await callError(s, 'GET', `/registered-models/get?name=${name}`)).status).toBe(404);
    });

    test('delete removes the model and its versions; a second delete is 404', async () => {
      const name = uniqueName('prompt');
      await registerPromptViaRest(s, name, ['a', 'b']);
      await call(s, S.EmptyResponse, 'DELETE', '/registered-models/delete', { name });
      expect((await callError(s, 'GET', `/model-versions/get?name=${name}&version=1`)).status).toBe(404);
      expect(await callError(s, 'DELETE', '/registered-models/delete', { name })).toMatchObject({ status: 404, error_code: 'RESOURCE_DOES_NOT_EXIST' });
    });

    test('set-tag overwrites a tag and delete-tag removes it; deleting an absent tag is 404', async () => {
      const name = uniqueName('model');
      await call(s, S.RegisteredModelResponse, 'POST', '/registered-models/create', { name });
      await call(s, S.EmptyResponse, 'POST', '/registered-models/set-tag', { name, key: 'k', value: '1' });
      await call(s, S.EmptyResponse, 'POST', '/registered-models/set-tag', { name, key: 'k', value: '2' });
      expect((await call(s, S.RegisteredModelResponse, 'GET', `/registered-models/get?name=${name}`)).registered_model.tags).toEqual([{ key: 'k', value: '2' }]);
      await call(s, S.EmptyResponse, 'DELETE', '/registered-models/delete-tag', { name, key: 'k' });
      expect((await call(s, S.RegisteredModelResponse, 'GET', `/registered-models/get?name=${name}`)).registered_model.tags).toEqual([]);
      expect((await callError(s, 'DELETE', '/registered-models/delete-tag', { name, key: 'k' })).status).toBe(404);
    });
  });

  describe(`${dialect}: registered model search`, () => {
    let s: TestServer;
    const run = uniqueName('search');
    beforeAll(async () => {
      s = await startTestServer(dialect);
      for (const n of ['alpha', 'Beta', 'gamma']) await s.api('POST', '/api/2.0/mlflow/registered-models/create', { name: `${run}-${n}`, tags: [{ key: 'kind', value: n }] });
      await registerPromptViaRest(s, `${run}-prompt`, ['hi {{x}}']);
    });
    afterAll(() => s?.close());
    const names = (r: S.SearchRegisteredModelsResponse) => r.registered_models.map((m) => m.name.slice(run.length + 1));
    const search = (query: string) => call(s, S.SearchRegisteredModelsResponse, 'GET', `/registered-models/search?${query}`);

    test('a plain search hides prompts and lists models by name', async () => {
      expect(names(await search(`filter=${encodeURIComponent(`name LIKE '${run}-%'`)}`))).toEqual(['Beta', 'alpha', 'gamma']);
    });

    test("a filter on tags.`mlflow.prompt.is_prompt` = 'true' returns only prompts", async () => {
      const filter = `tags.\`mlflow.prompt.is_prompt\` = 'true' AND name LIKE '${run}-%'`;
      expect(names(await search(`filter=${encodeURIComponent(filter)}`))).toEqual(['prompt']);
    });

    test("the Python client's appended tag.`mlflow.prompt.is_prompt` != 'true' (or = 'false') lists the plain models, which lack that tag", async () => {
      // MlflowClient.search_registered_models adds this clause to every filter (add_prompt_filter_string).
      for (const clause of ["tag.`mlflow.prompt.is_prompt` != 'true'", "tags.`mlflow.prompt.is_prompt` = 'false'"]) {
        const filter = `name LIKE '${run}-%' AND ${clause}`;
        expect(names(await search(`filter=${encodeURIComponent(filter)}`))).toEqual(['Beta', 'alpha', 'gamma']);
      }
    });

    test.for([
      [`name = 'RUN-alpha'`, ['alpha']],
      [`name ILIKE 'RUN-b%'`, ['Beta']],
      [`name LIKE 'RUN-b%'`, []],
      [`name != 'RUN-alpha' AND name LIKE 'RUN-%'`, ['Beta', 'gamma']],
      [`tags.kind = 'gamma' AND name LIKE 'RUN-%'`, ['gamma']],
    ] as const)('filter %s matches %j', async ([filter, expected]) => {
      expect(names(await search(`filter=${encodeURIComponent(filter.replaceAll('RUN', run))}`))).toEqual(expected);
    });

    test('order_by name DESC reverses the order, and pages follow next_page_token to the end', async () => {
      const filter = encodeURIComponent(`name LIKE '${run}-%'`);
      const first = await search(`filter=${filter}&max_results=2&order_by=name+DESC`);
      expect(names(first)).toEqual(['gamma', 'alpha']);
      const second = await search(`filter=${filter}&max_results=2&order_by=name+DESC&page_token=${encodeURIComponent(first.next_page_token!)}`);
      expect(names(second)).toEqual(['Beta']);
      expect(second.next_page_token).toBeUndefined();
    });

    test('an unsupported filter key and a malformed filter are 400 INVALID_PARAMETER_VALUE', async () => {
      for (const filter of ['params.x = 1', "name = 'a' OR name = 'b'", 'name =']) {
        expect(await callError(s, 'GET', `/registered-models/search?filter=${encodeURIComponent(filter)}`)).toMatchObject({ status: 400, error_code: 'INVALID_PARAMETER_VALUE' });
      }
    });

    test('max_results above 1000 is rejected', async () => {
      expect((await callError(s, 'GET', '/registered-models/search?max_results=1001')).error_code).toBe('INVALID_PARAMETER_VALUE');
    });
  });
}
