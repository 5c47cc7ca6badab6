import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as S from '../../src/server/schemas/registry.js';
import { DIALECTS } from '../helpers/dialects.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { API, call, callError, promptTags, registerPromptViaRest, uniqueName } from './api.js';

for (const dialect of DIALECTS) {
  describe(`${dialect}: model versions`, () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await startTestServer(dialect);
    });
    afterAll(() => s?.close());

    test('versions are numbered 1, 2, … as JSON strings with every field present, status READY', async () => {
      const name = uniqueName('model');
      await call(s, S.RegisteredModelResponse, 'POST', '/registered-models/create', { name });
      const v1 = await call(s, S.ModelVersionResponse, 'POST', '/model-versions/create', { name, source: 's3://b/m', run_id: 'r1', tags: [{ key: 'k', value: 'v' }] });
      const v2 = await call(s, S.ModelVersionResponse, 'POST', '/model-versions/create', { name, source: 's3://b/m2' });
      expect(v1.model_version).toMatchObject({ name, version: '1', status: 'READY', current_stage: 'None', source: 's3://b/m', run_id: 'r1', run_link: '', description: '', user_id: '', aliases: [], tags: [{ key: 'k', value: 'v' }] });
      expect(v2.model_version.version).toBe('2');
      const model = await call(s, S.RegisteredModelResponse, 'GET', `/registered-models/get?name=${name}`);
      expect(model.registered_model.latest_versions.map((v) => v.version)).toEqual(['2']);
      expect(model.registered_model.last_updated_timestamp).toBe(v2.model_version.creation_timestamp);
    });

    test('twenty concurrent registrations get versions 1..20 exactly, none duplicated or lost', async () => {
      const name = uniqueName('race');
      await call(s, S.RegisteredModelResponse, 'POST', '/registered-models/create', { name, tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }] });
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => call(s, S.ModelVersionResponse, 'POST', '/model-versions/create', { name, source: 'dummy-source', tags: promptTags(`t${i} {{x}}`) })),
      );
      expect(results.map((r) => Number(r.model_version.version)).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      const texts = new Set(results.map((r) => r.model_version.tags.find((t) => t.key === 'mlflow.prompt.text')!.value));
      expect(texts.size).toBe(20);
      const filter = encodeURIComponent(`name = '${name}' AND tag.\`mlflow.prompt.is_prompt\` = 'true'`);
      const listed = await call(s, S.SearchModelVersionsResponse, 'GET', `/model-versions/search?filter=${filter}&order_by=version_number+DESC`);
      expect(listed.model_versions.map((v) => v.version)).toEqual(Array.from({ length: 20 }, (_, i) => String(20 - i)));
    });

    test('a deleted version number is never handed out again', async () => {
      const name = uniqueName('model');
      await call(s, S.RegisteredModelResponse, 'POST', '/registered-models/create', { name });
      for (let i = 0; i < 2; i++) await call(s, S.ModelVersionResponse, 'POST', '/model-versions/create', { name, source: 'x' });
      await call(s, S.EmptyResponse, 'DELETE', '/model-versions/delete', { name, version: '2' });
      expect((await callError(s, 'GET', `/model-versions/get?name=${name}&version=2`)).status).toBe(404);
      expect((await call(s, S.ModelVersionResponse, 'POST', '/model-versions/create', { name, source: 'x' })).model_version.version).toBe('3');
    });

    test('a missing version is 404 naming name and version; a non-numeric version is 400', async () => {
      const name = uniqueName('model');
      await call(s, S.RegisteredModelResponse, 'POST', '/registered-models/create', { name });
      expect(await callError(s, 'GET', `/model-versions/get?name=${name}&version=7`)).toEqual({
        status: 404,
        error_code: 'RESOURCE_DOES_NOT_EXIST',
        message: `Model Version (name=${name}, version=7) not found`,
      });
      expect(await callError(s, 'GET', `/model-versions/get?name=${name}&version=abc`)).toMatchObject({ status: 400, error_code: 'INVALID_PARAMETER_VALUE' });
      expect(await callError(s, 'GET', `/model-versions/get?name=${name}&version=99999999999`)).toMatchObject({ status: 400, error_code: 'INVALID_PARAMETER_VALUE' });
      expect((await callError(s, 'GET', `/model-versions/get?name=${name}&version=0`)).status).toBe(404);
      expect(await callError(s, 'POST', '/model-versions/create', { name: 'no-such-model', source: 'x' })).toMatchObject({ status: 404, error_code: 'RESOURCE_DOES_NOT_EXIST' });
    });

    test('update changes the description; version tags can be set and deleted on ordinary models', async () => {
      const name = uniqueName('model');
      await call(s, S.RegisteredModelResponse, 'POST', '/registered-models/create', { name });
      await call(s, S.ModelVersionResponse, 'POST', '/model-versions/create', { name, source: 'x' });
      expect((await call(s, S.ModelVersionResponse, 'PATCH', '/model-versions/update', { name, version: '1', description: 'new' })).model_version.description).toBe('new');
      await call(s, S.EmptyResponse, 'POST', '/model-versions/set-tag', { name, version: '1', key: 'mlflow.prompt.text', value: 'ok on a model' });
      await call(s, S.EmptyResponse, 'DELETE', '/model-versions/delete-tag', { name, version: '1', key: 'mlflow.prompt.text' });
      expect((await call(s, S.ModelVersionResponse, 'GET', `/model-versions/get?name=${name}&version=1`)).model_version.tags).toEqual([]);
      expect((await call(s, S.DownloadUriResponse, 'GET', `/model-versions/get-download-uri?name=${name}&version=1`)).artifact_uri).toBe('x');
    });

    test('get-latest-versions answers the newest version per stage over POST and GET', async () => {
      const name = uniqueName('model');
      await call(s, S.RegisteredModelResponse, 'POST', '/registered-models/create', { name });
      for (let i = 0; i < 3; i++) await call(s, S.ModelVersionResponse, 'POST', '/model-versions/create', { name, source: 'x' });
      await call(s, S.ModelVersionResponse, 'POST', '/model-versions/transition-stage', { name, version: '1', stage: 'production', archive_existing_versions: false });
      const all = await call(s, S.ModelVersionsResponse, 'POST', '/registered-models/get-latest-versions', { name });
      expect(all.model_versions.map((v) => [v.current_stage, v.version])).toEqual([['None', '3'], ['Production', '1']]);
      const prod = await call(s, S.ModelVersionsResponse, 'GET', `/registered-models/get-latest-versions?name=${name}&stages=Production`);
      expect(prod.model_versions.map((v) => v.version)).toEqual(['1']);
    });

    test('a plain model-version search hides prompt versions', async () => {
      const name = uniqueName('prompt');
      await registerPromptViaRest(s, name, ['a {{x}}']);
      const plain = await call(s, S.SearchModelVersionsResponse, 'GET', `/model-versions/search?filter=${encodeURIComponent(`name = '${name}'`)}`);
      expect(plain.model_versions).toEqual([]);
    });

    test('registering models:/<model_id> takes the run from the logged model', async () => {
      // mlflow.register_model(model_info.model_uri, name) and log_model(registered_model_name=...) send this.
      const exp = await s.api('POST', `${API}/experiments/create`, { name: uniqueName('exp') });
      const lm = await s.api('POST', `${API}/logged-models`, { experiment_id: exp.body.experiment_id, name: 'm', source_run_id: 'run-of-model' });
      const modelId: string = lm.body.model.info.model_id;
      const name = uniqueName('model');
      await call(s, S.RegisteredModelResponse, 'POST', '/registered-models/create', { name });
      const byId = await call(s, S.ModelVersionResponse, 'POST', '/model-versions/create', { name, source: `models:/${modelId}`, model_id: modelId });
      expect(byId.model_version).toMatchObject({ version: '1', run_id: 'run-of-model', model_id: modelId });
      const bySource = await call(s, S.ModelVersionResponse, 'POST', '/model-versions/create', { name, source: `models:/${modelId}` });
      expect(bySource.model_version.run_id).toBe('run-of-model');
      const explicit = await call(s, S.ModelVersionResponse, 'POST', '/model-versions/create', { name, source: `models:/${modelId}`, model_id: modelId, run_id: 'other' });
      expect(explicit.model_version.run_id).toBe('other');
    });

    test("the Python client's appended tag.`mlflow.prompt.is_prompt` != 'true' still lists plain versions, which lack that tag", async () => {
      const name = uniqueName('model');
      await call(s, S.RegisteredModelResponse, 'POST', '/registered-models/create', { name });
      await call(s, S.ModelVersionResponse, 'POST', '/model-versions/create', { name, source: 'runs:/r/model' });
      const filter = `name = '${name}' AND tag.\`mlflow.prompt.is_prompt\` != 'true'`;
      const listed = await call(s, S.SearchModelVersionsResponse, 'GET', `/model-versions/search?filter=${encodeURIComponent(filter)}`);
      expect(listed.model_versions.map((v) => v.version)).toEqual(['1']);
    });
  });

  describe(`${dialect}: prompt version rules`, () => {
    let s: TestServer;
    let name: string;
    beforeAll(async () => {
      s = await startTestServer(dialect);
      name = uniqueName('rules');
      await registerPromptViaRest(s, name, ['Hello {{name}}']);
    });
    afterAll(() => s?.close());
    const create = (tags: { key: string; value: string }[], source = 'dummy-source') => callError(s, 'POST', '/model-versions/create', { name, source, tags });

    test.for([
      ['an empty template', promptTags('   ')],
      ['a missing template', promptTags('x').slice(0, 2)],
      ['an oversized template', promptTags('x'.repeat(100_001))],
      ['an unclosed {{', promptTags('Hello {{name')],
      ['a {{ opened twice before closing', promptTags('{{a {{b}}')],
      ['an unknown prompt type', [...promptTags('x').slice(0, 1), { key: '_mlflow_prompt_type', value: 'audio' }, promptTags('x')[2]]],
      ['a chat template that is not JSON', promptTags('not json', 'chat')],
      ['a chat message without content', promptTags('[{"role":"user"}]', 'chat')],
      ['a chat message with an unclosed {{', promptTags('[{"role":"user","content":"{{q"}]', 'chat')],
      ['a response format that is not JSON', [...promptTags('x'), { key: '_mlflow_prompt_response_format', value: '{bad' }]],
    ] as const)('%s is 400 INVALID_PARAMETER_VALUE', async ([, tags]) => {
      expect(await create([...tags])).toMatchObject({ status: 400, error_code: 'INVALID_PARAMETER_VALUE' });
    });

    test('a local file source is refused for prompts', async () => {
      expect((await create(promptTags('x'), 'file:///etc/passwd')).error_code).toBe('INVALID_PARAMETER_VALUE');
    });

    test('the template of an existing prompt version cannot change, through set-tag or delete-tag', async () => {
      for (const [method, path, body] of [
        ['POST', '/model-versions/set-tag', { name, version: '1', key: 'mlflow.prompt.text', value: 'changed' }],
        ['DELETE', '/model-versions/delete-tag', { name, version: '1', key: 'mlflow.prompt.text' }],
        ['POST', '/model-versions/set-tag', { name, version: '1', key: '_mlflow_prompt_type', value: 'chat' }],
      ] as const) {
        const e = await callError(s, method, path, body);
        expect(e).toMatchObject({ status: 400, error_code: 'INVALID_PARAMETER_VALUE' });
        expect(e.message).toContain('immutable');
      }
      const v = await call(s, S.ModelVersionResponse, 'GET', `/model-versions/get?name=${name}&version=1`);
      expect(v.model_version.tags).toContainEqual({ key: 'mlflow.prompt.text', value: 'Hello {{name}}' });
    });

    test('ordinary version tags on a prompt version can still be set', async () => {
      await call(s, S.EmptyResponse, 'POST', '/model-versions/set-tag', { name, version: '1', key: 'author', value: 'bob' });
      const r = await s.api('GET', `${API}/model-versions/get?name=${name}&version=1`);
      expect(r.body.model_version.tags).toContainEqual({ key: 'author', value: 'bob' });
    });
  });
}
