import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as S from '../../src/server/schemas/registry.js';
import { DIALECTS } from '../helpers/dialects.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { call, callError, registerPromptViaRest, uniqueName } from './api.js';

for (const dialect of DIALECTS) {
  describe(`${dialect}: aliases`, () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await startTestServer(dialect);
    });
    afterAll(() => s?.close());
    const byAlias = (name: string, alias: string) => call(s, S.ModelVersionResponse, 'GET', `/registered-models/alias?name=${name}&alias=${alias}`);

    test('alias=latest in any case resolves on the server to the highest version', async () => {
      const name = uniqueName('prompt');
      await registerPromptViaRest(s, name, ['a', 'b', 'c']);
      expect((await byAlias(name, 'latest')).model_version.version).toBe('3');
      expect((await byAlias(name, 'LaTeSt')).model_version.version).toBe('3');
    });

    test('setting an alias shows it on the model and on the version, and resolving returns that version', async () => {
      const name = uniqueName('prompt');
      await registerPromptViaRest(s, name, ['a', 'b']);
      await call(s, S.EmptyResponse, 'POST', '/registered-models/alias', { name, alias: 'production', version: '1' });
      const mv = await byAlias(name, 'production');
      expect(mv.model_version).toMatchObject({ version: '1', aliases: ['production'] });
      const rm = await call(s, S.RegisteredModelResponse, 'GET', `/registered-models/get?name=${name}`);
      expect(rm.registered_model.aliases).toEqual([{ alias: 'production', version: '1' }]);
    });

    test('moving an alias takes it off the previous version in the same step', async () => {
      const name = uniqueName('prompt');
      await registerPromptViaRest(s, name, ['a', 'b']);
      await call(s, S.EmptyResponse, 'POST', '/registered-models/alias', { name, alias: 'prod', version: '1' });
      await call(s, S.EmptyResponse, 'POST', '/registered-models/alias', { name, alias: 'prod', version: 2 });
      expect((await call(s, S.ModelVersionResponse, 'GET', `/model-versions/get?name=${name}&version=1`)).model_version.aliases).toEqual([]);
      expect((await byAlias(name, 'prod')).model_version.version).toBe('2');
    });

    test('concurrent moves of one alias leave exactly one alias pointing at one of the versions', async () => {
      const name = uniqueName('prompt');
      await registerPromptViaRest(s, name, ['a', 'b', 'c', 'd', 'e']);
      await Promise.all([1, 2, 3, 4, 5, 1, 2, 3, 4, 5].map((v) => call(s, S.EmptyResponse, 'POST', '/registered-models/alias', { name, alias: 'prod', version: String(v) })));
      const rm = await call(s, S.RegisteredModelResponse, 'GET', `/registered-models/get?name=${name}`);
      expect(rm.registered_model.aliases).toHaveLength(1);
      const holders = [];
      for (let v = 1; v <= 5; v++) {
        const mv = await call(s, S.ModelVersionResponse, 'GET', `/model-versions/get?name=${name}&version=${v}`);
        if (mv.model_version.aliases.includes('prod')) holders.push(String(v));
      }
      expect(holders).toEqual([rm.registered_model.aliases[0].version]);
    });

    test.for(['latest', 'LATEST', 'v1', 'V12', 'bad alias', 'a/b', ''])('alias %j cannot be set: 400 INVALID_PARAMETER_VALUE', async (alias) => {
      const name = uniqueName('prompt');
      await registerPromptViaRest(s, name, ['a']);
      expect(await callError(s, 'POST', '/registered-models/alias', { name, alias, version: '1' })).toMatchObject({ status: 400, error_code: 'INVALID_PARAMETER_VALUE' });
    });

    test('an alias on a missing version is 404 RESOURCE_DOES_NOT_EXIST and nothing is stored', async () => {
      const name = uniqueName('prompt');
      await registerPromptViaRest(s, name, ['a']);
      expect(await callError(s, 'POST', '/registered-models/alias', { name, alias: 'prod', version: '9' })).toMatchObject({ status: 404, error_code: 'RESOURCE_DOES_NOT_EXIST' });
      expect((await call(s, S.RegisteredModelResponse, 'GET', `/registered-models/get?name=${name}`)).registered_model.aliases).toEqual([]);
    });

    test('an unknown alias is 400 INVALID_PARAMETER_VALUE, as MLflow answers, not 404', async () => {
      const name = uniqueName('prompt');
      await registerPromptViaRest(s, name, ['a']);
      expect(await callError(s, 'GET', `/registered-models/alias?name=${name}&alias=nope`)).toEqual({
        status: 400,
        error_code: 'INVALID_PARAMETER_VALUE',
        message: 'Registered model alias nope not found.',
      });
    });

    test('latest on a model without versions, and any alias on a missing model, are 404', async () => {
      const name = uniqueName('model');
      await call(s, S.RegisteredModelResponse, 'POST', '/registered-models/create', { name });
      expect(await callError(s, 'GET', `/registered-models/alias?name=${name}&alias=latest`)).toMatchObject({ status: 404, error_code: 'RESOURCE_DOES_NOT_EXIST' });
      expect(await callError(s, 'GET', '/registered-models/alias?name=missing-model&alias=prod')).toMatchObject({ status: 404, error_code: 'RESOURCE_DOES_NOT_EXIST' });
    });

    test('deleting an alias, or the version it names, removes the alias', async () => {
      const name = uniqueName('prompt');
      await registerPromptViaRest(s, name, ['a', 'b']);
      await call(s, S.EmptyResponse, 'POST', '/registered-models/alias', { name, alias: 'one', version: '1' });
      await call(s, S.EmptyResponse, 'POST', '/registered-models/alias', { name, alias: 'two', version: '2' });
      await call(s, S.EmptyResponse, 'DELETE', '/registered-models/alias', { name, alias: 'one' });
      await call(s, S.EmptyResponse, 'DELETE', '/model-versions/delete', { name, version: '2' });
      expect((await call(s, S.RegisteredModelResponse, 'GET', `/registered-models/get?name=${name}`)).registered_model.aliases).toEqual([]);
      expect((await callError(s, 'GET', `/registered-models/alias?name=${name}&alias=two`)).error_code).toBe('INVALID_PARAMETER_VALUE');
      expect((await byAlias(name, 'latest')).model_version.version).toBe('1');
    });
  });
}
