import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  MlflowRestError,
  PromptCache,
  RegistryClient,
  ServerUnreachableError,
  deletePromptAlias,
  listPromptVersions,
  loadPrompt,
  registerPrompt,
  searchPrompts,
  setPromptAlias,
  type Prompt,
} from '../../src/prompts/index.js';
import { DIALECTS } from '../helpers/dialects.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { API, uniqueName } from './api.js';

/** A fetch that counts the requests it forwards, to see what the cache saves. */
function countingFetch() {
  const calls: string[] = [];
  const f: typeof fetch = (input, init) => {
    calls.push(`${init?.method ?? 'GET'} ${new URL(String(input)).pathname.replace('/api/2.0/mlflow', '')}`);
    return fetch(input, init);
  };
  return { calls, fetch: f };
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: the TypeScript prompt client`, () => {
    let s: TestServer;
    let opts: { trackingUri: string };
    beforeAll(async () => {
      s = await startTestServer(dialect);
      opts = { trackingUri: s.url };
    });
    afterAll(() => s?.close());

    test('registerPrompt numbers versions and loadPrompt @latest returns the newest, ready to format', async () => {
      const name = uniqueName('qa');
      const v1 = await registerPrompt(name, 'Q: {{question}}', { ...opts, commitMessage: 'first', tags: { team: 'x' } });
      const v2 = await registerPrompt(name, 'Context: {{context}}\nQ: {{question}}', { ...opts, commitMessage: 'second' });
      expect([v1.version, v2.version]).toEqual([1, 2]);
      expect(v1.tags).toEqual({ team: 'x' });
      const latest = (await loadPrompt(`prompts:/${name}@latest`, { ...opts, cache: new PromptCache() }))!;
      expect(latest).toMatchObject({ name, version: 2, type: 'text', variables: ['context', 'question'], commitMessage: 'second' });
      expect(latest.format({ context: 'c', question: 'q' })).toBe('Context: c\nQ: q');
      expect(() => latest.format({ context: 'c' })).toThrow('Missing variables: question');
    });

    test('a chat prompt round-trips with its response format and model config, and formats to messages', async () => {
      const name = uniqueName('chat');
      await registerPrompt(name, [{ role: 'system', content: 'Topic {{topic}}' }, { role: 'user', content: '{{q}}' }], {
        ...opts,
        responseFormat: { type: 'object' },
        modelConfig: { temperature: 0 },
      });
      const p = (await loadPrompt({ name, version: 1 }, { ...opts, cache: new PromptCache() }))!;
      expect(p).toMatchObject({ type: 'chat', responseFormat: { type: 'object' }, modelConfig: { temperature: 0 } });
      expect(p.format({ topic: 't', q: 'why' })).toEqual([
        { role: 'system', content: 'Topic t' },
        { role: 'user', content: 'why' },
      ]);
    });

    test('aliases: set, load by prompts:/name@alias and name@alias, then delete', async () => {
      const name = uniqueName('alias');
      await registerPrompt(name, 'one', opts);
      await registerPrompt(name, 'two', opts);
      await setPromptAlias(name, 'production', 1, opts);
      const cache = new PromptCache<Prompt>();
      expect((await loadPrompt(`prompts:/${name}@production`, { ...opts, cache }))!.template).toBe('one');
      expect((await loadPrompt(`${name}@production`, { ...opts, cache }))!.aliases).toEqual(['production']);
      await deletePromptAlias(name, 'production', opts);
      await expect(loadPrompt(`${name}@production`, { ...opts, cache: new PromptCache() })).rejects.toMatchObject({ errorCode: 'INVALID_PARAMETER_VALUE' });
      await expect(setPromptAlias(name, 'production', 9, opts)).rejects.toMatchObject({ errorCode: 'RESOURCE_DOES_NOT_EXIST' });
    });

    test('allowMissing turns a missing prompt, version or alias into null; without it the error names the code', async () => {
      const name = uniqueName('missing');
      await registerPrompt(name, 'x', opts);
      const o = { ...opts, allowMissing: true, cache: new PromptCache<Prompt>() };
      expect(await loadPrompt('prompts:/does-not-exist@latest', o)).toBeNull();
      expect(await loadPrompt(`prompts:/${name}/5`, o)).toBeNull();
      expect(await loadPrompt(`prompts:/${name}@nope`, o)).toBeNull();
      await expect(loadPrompt(`prompts:/${name}/5`, { ...opts, cache: new PromptCache() })).rejects.toBeInstanceOf(MlflowRestError);
    });

    test('an ordinary registered model is refused as a prompt', async () => {
      const name = uniqueName('model');
      await s.api('POST', `${API}/registered-models/create`, { name });
      await expect(loadPrompt(name, { ...opts, cache: new PromptCache() })).rejects.toThrow('registered as a model, not a prompt');
      await expect(registerPrompt(name, 'x', opts)).rejects.toThrow('is not a prompt');
    });

    test('client-side checks refuse bad names and empty templates before any request', async () => {
      await expect(registerPrompt('bad name', 'x', opts)).rejects.toThrow("Invalid prompt name 'bad name'");
      await expect(registerPrompt('ok', '  ', opts)).rejects.toThrow('non-empty template');
    });

    test('a version the server refuses rolls back the prompt it had just created', async () => {
      const name = uniqueName('rollback');
      await expect(registerPrompt(name, 'Hello {{name', opts)).rejects.toMatchObject({ errorCode: 'INVALID_PARAMETER_VALUE' });
      expect((await s.api('GET', `${API}/registered-models/get?name=${name}`)).status).toBe(404);
    });

    test('a pinned version is served from the cache with no request, even after it is deleted', async () => {
      const name = uniqueName('pinned');
      await registerPrompt(name, 'v1', opts);
      const counter = countingFetch();
      const cache = new PromptCache<Prompt>();
      await loadPrompt(`prompts:/${name}/1`, { ...opts, fetch: counter.fetch, cache });
      expect(counter.calls).toEqual(['GET /registered-models/get', 'GET /model-versions/get']);
      await s.api('DELETE', `${API}/model-versions/delete`, { name, version: '1' });
      expect((await loadPrompt(`prompts:/${name}/1`, { ...opts, fetch: counter.fetch, cache }))!.template).toBe('v1');
      expect(counter.calls).toHaveLength(2);
    });

    test('an alias is cached for its TTL only, and a TTL of 0 disables caching', async () => {
      const name = uniqueName('ttl');
      await registerPrompt(name, 'one', opts);
      await registerPrompt(name, 'two', opts);
      await s.api('POST', `${API}/registered-models/alias`, { name, alias: 'prod', version: '1' });
      let now = 1_000_000;
      const cache = new PromptCache<Prompt>(() => now);
      const load = (ttl: number) => loadPrompt(`${name}@prod`, { ...opts, cache, cacheTtlSeconds: ttl }).then((p) => p!.template);
      expect(await load(5)).toBe('one');
      await s.api('POST', `${API}/registered-models/alias`, { name, alias: 'prod', version: '2' });
      now += 4_000;
      expect(await load(5)).toBe('one');
      now += 2_000;
      expect(await load(5)).toBe('two');
      await s.api('POST', `${API}/registered-models/alias`, { name, alias: 'prod', version: '1' });
      expect(await loadPrompt(`${name}@prod`, { ...opts, cache: new PromptCache(() => now), cacheTtlSeconds: 0 }).then((p) => p!.template)).toBe('one');
    });

    test("registering a version drops this client's cached @latest, so the next load sees it", async () => {
      const name = uniqueName('fresh');
      const cache = new PromptCache<Prompt>();
      await registerPrompt(name, 'one', { ...opts, cache });
      expect((await loadPrompt(name, { ...opts, cache }))!.version).toBe(1);
      await registerPrompt(name, 'two', { ...opts, cache });
      expect((await loadPrompt(name, { ...opts, cache }))!.version).toBe(2);
    });

    test('searchPrompts lists only prompts, with the user filter ANDed in; listPromptVersions is newest first', async () => {
      const prefix = uniqueName('search');
      await registerPrompt(`${prefix}-a`, 'a', opts);
      await registerPrompt(`${prefix}-b`, 'b', opts);
      await registerPrompt(`${prefix}-b`, 'b2', opts);
      await s.api('POST', `${API}/registered-models/create`, { name: `${prefix}-model` });
      const found = await searchPrompts({ ...opts, filter: `name LIKE '${prefix}-%'` });
      expect(found.map((p) => [p.name, p.latestVersion])).toEqual([
        [`${prefix}-a`, 1],
        [`${prefix}-b`, 2],
      ]);
      expect(await searchPrompts({ ...opts, filter: `name LIKE '${prefix}-%'`, maxResults: 1 })).toHaveLength(1);
      await s.api('POST', `${API}/registered-models/set-tag`, { name: `${prefix}-b`, key: '_mlflow_experiment_ids', value: ',0,37,' });
      const inExperiment = await searchPrompts({ ...opts, filter: `experiment_id = '37' AND name LIKE '${prefix}-%'` });
      expect(inExperiment.map((p) => p.name)).toEqual([`${prefix}-b`]);
      expect((await listPromptVersions(`${prefix}-b`, opts)).map((p) => [p.version, p.template])).toEqual([
        [2, 'b2'],
        [1, 'b'],
      ]);
    });
  });
}

describe('the prompt client when the server is down', () => {
  let url: string;
  beforeAll(async () => {
    const s = await startTestServer('sqlite');
    url = s.url;
    await s.close();
  });

  test('an explicit fallback template is used and marked as such', async () => {
    const p = (await loadPrompt('prompts:/qa@production', { trackingUri: url, fallback: 'Answer {{q}}', cache: new PromptCache() }))!;
    expect(p).toMatchObject({ name: 'qa', version: 0, template: 'Answer {{q}}', fromFallback: true });
    expect(p.format({ q: 'x' })).toBe('Answer x');
  });

  test('without a fallback the failure is reported, never papered over', async () => {
    await expect(loadPrompt('prompts:/qa@production', { trackingUri: url, cache: new PromptCache() })).rejects.toBeInstanceOf(ServerUnreachableError);
  });
});

describe('client configuration', () => {
  const captured = () => {
    const headers: Record<string, string>[] = [];
    const f: typeof fetch = async (_input, init) => {
      headers.push(init?.headers as Record<string, string>);
      return new Response('{"registered_model":{"name":"x","tags":[]}}', { status: 200 });
    };
    return { headers, fetch: f };
  };

  test('the tracking URI comes from the option, then GLASSBOX_TRACKING_URI, then MLFLOW_TRACKING_URI', () => {
    expect(new RegistryClient({ trackingUri: 'http://a:1/' }, { MLFLOW_TRACKING_URI: 'http://c:3' }).trackingUri).toBe('http://a:1');
    expect(new RegistryClient({}, { GLASSBOX_TRACKING_URI: 'http://b:2', MLFLOW_TRACKING_URI: 'http://c:3' }).trackingUri).toBe('http://b:2');
    expect(new RegistryClient({}, { MLFLOW_TRACKING_URI: 'http://c:3' }).trackingUri).toBe('http://c:3');
    expect(() => new RegistryClient({}, { MLFLOW_TRACKING_URI: 'sqlite:///x.db' })).toThrow("trackingUri must be an http(s) URL, got 'sqlite:///x.db' from MLFLOW_TRACKING_URI");
  });

  test('username and password win over a token, as in MLflow', async () => {
    const c = captured();
    await new RegistryClient({ fetch: c.fetch }, { MLFLOW_TRACKING_URI: 'http://h', MLFLOW_TRACKING_USERNAME: 'u', MLFLOW_TRACKING_PASSWORD: 'p', MLFLOW_TRACKING_TOKEN: 't' }).getModel('x');
    await new RegistryClient({ fetch: c.fetch }, { MLFLOW_TRACKING_URI: 'http://h', MLFLOW_TRACKING_TOKEN: 't' }).getModel('x');
    expect(c.headers.map((h) => h.authorization)).toEqual([`Basic ${Buffer.from('u:p').toString('base64')}`, 'Bearer t']);
  });
});
