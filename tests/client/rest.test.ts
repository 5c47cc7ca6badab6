import { createServer } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { describe, expect, test as base } from 'vitest';
import { resolveConnection, resolveCredentials, resolveTrackingUri, authorizationHeader } from '../../src/client/config.js';
import { GlassboxError } from '../../src/client/errors.js';
import { artifactProxyPath, createRestClient } from '../../src/client/rest.js';

/** What the stub saw of each request. */
interface Seen {
  method: string;
  path: string;
  query: Record<string, string[]>;
  headers: Record<string, string>;
  body: string;
}

/** A tiny MLflow-shaped server on an ephemeral port: echo routes, error routes, a slow route, an artifact store. */
const test = base.extend('stub', async ({}, { onCleanup }) => {
  const seen: Seen[] = [];
  const artifacts = new Map<string, Uint8Array>();
  const app = new Hono()
    .use('*', async (c, next) => {
      const url = new URL(c.req.url);
      const query = Object.fromEntries([...new Set(url.searchParams.keys())].map((k) => [k, url.searchParams.getAll(k)]));
      seen.push({ method: c.req.method, path: url.pathname, query, headers: Object.fromEntries(c.req.raw.headers), body: await c.req.raw.clone().text() });
      await next();
    })
    .get('/api/2.0/mlflow/echo', (c) => c.json({ ok: true }))
    .post('/api/2.0/mlflow/echo', async (c) => c.json({ got: await c.req.json() }))
    .post('/api/2.0/mlflow/empty', (c) => c.body(null, 200))
    .get('/api/2.0/mlflow/missing', (c) => c.json({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: "Experiment 'x' does not exist" }, 404))
    .get('/api/2.0/mlflow/status/:code', (c) => c.text(`<html>${c.req.param('code')}</html>`, Number(c.req.param('code')) as 400))
    .get('/api/2.0/mlflow/not-an-object', (c) => c.json([1, 2]))
    .get('/api/2.0/mlflow/slow', async (c) => {
      await new Promise((ok) => setTimeout(ok, 500));
      return c.json({});
    })
    .put('/api/2.0/mlflow-artifacts/artifacts/*', async (c) => {
      artifacts.set(new URL(c.req.url).pathname, new Uint8Array(await c.req.arrayBuffer()));
      return c.json({});
    })
    .get('/api/2.0/mlflow-artifacts/artifacts/*', (c) => {
      const bytes = artifacts.get(new URL(c.req.url).pathname);
      return bytes ? c.body(bytes as Uint8Array<ArrayBuffer>) : c.json({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'no such artifact' }, 404);
    });
  const server = await new Promise<ReturnType<typeof serve>>((ok) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => ok(s));
  });
  onCleanup(() => new Promise<void>((ok) => server.close(() => ok())));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { url, seen, client: (timeoutMs?: number) => createRestClient(resolveConnection({ trackingUri: url, timeoutMs }, {})) };
});

describe('connection settings', () => {
  test.for([
    ['an explicit URI wins over both variables', 'http://a:1', { GLASSBOX_TRACKING_URI: 'http://b:2', MLFLOW_TRACKING_URI: 'http://c:3' }, 'http://a:1'],
    ['GLASSBOX_TRACKING_URI wins over MLFLOW_TRACKING_URI', undefined, { GLASSBOX_TRACKING_URI: 'http://b:2', MLFLOW_TRACKING_URI: 'http://c:3' }, 'http://b:2'],
    ['MLFLOW_TRACKING_URI is honoured, prefix kept, trailing slashes dropped', undefined, { MLFLOW_TRACKING_URI: 'http://c:3/prefix//' }, 'http://c:3/prefix'],
    ['empty values count as unset, as in MLflow', '', { GLASSBOX_TRACKING_URI: '', MLFLOW_TRACKING_URI: 'http://c:3' }, 'http://c:3'],
    ['the default is the local server', undefined, {}, 'http://127.0.0.1:5000'],
  ] as const)('tracking URI: %s', ([, explicit, env, expected]) => {
    expect(resolveTrackingUri(explicit, env)).toBe(expected);
  });

  test.for([
    ['the option', 'ftp://x', {}, "trackingUri must be an http(s) URL, got 'ftp://x' from the trackingUri option"],
    ['GLASSBOX_TRACKING_URI', undefined, { GLASSBOX_TRACKING_URI: 'not a url' }, "got 'not a url' from GLASSBOX_TRACKING_URI"],
    ['MLFLOW_TRACKING_URI', undefined, { MLFLOW_TRACKING_URI: 'sqlite:///mlruns.db' }, "got 'sqlite:///mlruns.db' from MLFLOW_TRACKING_URI"],
  ] as const)('a bad tracking URI from %s is refused, naming where it came from', ([, explicit, env, message]) => {
    expect(() => resolveTrackingUri(explicit, env)).toThrow(message);
  });

  test('username and password (Basic) win over a token (Bearer), as in MLflow', () => {
    const env = { MLFLOW_TRACKING_USERNAME: 'u', MLFLOW_TRACKING_PASSWORD: 'p', MLFLOW_TRACKING_TOKEN: 't' };
    expect(resolveConnection({}, env).headers.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
    expect(resolveConnection({}, { MLFLOW_TRACKING_TOKEN: 't' }).headers.authorization).toBe('Bearer t');
    expect(resolveConnection({}, { MLFLOW_TRACKING_USERNAME: 'u', MLFLOW_TRACKING_TOKEN: 't' }).headers.authorization).toBe('Bearer t');
    expect(resolveConnection({}, {}).headers).toEqual({});
  });

  test('each credential is explicit ?? MLFLOW_TRACKING_*, and explicit headers win over the auth header', () => {
    expect(resolveCredentials({ token: 'mine' }, { MLFLOW_TRACKING_TOKEN: 'env', MLFLOW_TRACKING_USERNAME: 'u' })).toEqual({ token: 'mine', username: 'u', password: undefined });
    expect(authorizationHeader({ username: 'u', password: 'p2' })).toBe(`Basic ${Buffer.from('u:p2').toString('base64')}`);
    expect(resolveConnection({ headers: { authorization: 'Custom x' } }, { MLFLOW_TRACKING_TOKEN: 't' }).headers.authorization).toBe('Custom x');
  });

  test.for([0, -1, Number.NaN])('timeoutMs %s is refused, naming the field', (timeoutMs) => {
    expect(() => resolveConnection({ timeoutMs }, {})).toThrow(/timeoutMs must be a positive number/);
  });
});

describe('requests', () => {
  test('GET sends the payload as query parameters, arrays as repeated keys', async ({ stub }) => {
    await stub.client().request('GET', '/api/2.0/mlflow/echo', { trace_ids: ['a', 'b'], max_results: 10, page_token: undefined });
    expect(stub.seen[0]).toMatchObject({ method: 'GET', query: { trace_ids: ['a', 'b'], max_results: ['10'] }, body: '' });
  });

  test('POST sends a JSON body and resolves to the parsed answer', async ({ stub }) => {
    expect(await stub.client().request('POST', '/api/2.0/mlflow/echo', { name: 'x' })).toEqual({ got: { name: 'x' } });
    expect(stub.seen[0].headers['content-type']).toBe('application/json');
  });

  test('an empty 200 answer is an empty object', async ({ stub }) => {
    expect(await stub.client().request('POST', '/api/2.0/mlflow/empty', {})).toEqual({});
  });

  test('the auth header goes on every request', async ({ stub }) => {
    const rest = createRestClient(resolveConnection({ trackingUri: stub.url }, { MLFLOW_TRACKING_TOKEN: 'tok' }));
    await rest.request('GET', '/api/2.0/mlflow/echo');
    expect(stub.seen[0].headers.authorization).toBe('Bearer tok');
  });
});

describe('errors', () => {
  test("an MLflow error body keeps its error_code, message and status", async ({ stub }) => {
    const err = await stub.client().request('GET', '/api/2.0/mlflow/missing', { experiment_name: 'x' }).catch((e) => e);
    expect(err).toBeInstanceOf(GlassboxError);
    expect(err).toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST', errorCode: 'RESOURCE_DOES_NOT_EXIST', status: 404 });
    expect(err.message).toMatchInlineSnapshot(`"GET /api/2.0/mlflow/missing?experiment_name=x failed with 404: Experiment 'x' does not exist"`);
  });

  test.for([
    [400, 'BAD_REQUEST'],
    [401, 'UNAUTHENTICATED'],
    [403, 'PERMISSION_DENIED'],
    [404, 'ENDPOINT_NOT_FOUND'],
    [429, 'RESOURCE_EXHAUSTED'],
    [500, 'INTERNAL_ERROR'],
    [503, 'TEMPORARILY_UNAVAILABLE'],
  ] as const)('a non-JSON %i answer gets the code MLflow derives from the status: %s', async ([status, code], { stub }) => {
    const err = await stub.client().request('GET', `/api/2.0/mlflow/status/${status}`).catch((e) => e);
    expect(err).toMatchObject({ code, status, message: `GET /api/2.0/mlflow/status/${status} failed with ${status}: <html>${status}</html>` });
  });

  test('a 200 answer that is not a JSON object is an INTERNAL_ERROR', async ({ stub }) => {
    await expect(stub.client().request('GET', '/api/2.0/mlflow/not-an-object')).rejects.toMatchObject({ code: 'INTERNAL_ERROR', status: 200 });
  });

  test('a server that does not answer in time is a CONNECTION_ERROR naming the timeout', async ({ stub }) => {
    const err = await stub.client(50).request('GET', '/api/2.0/mlflow/slow').catch((e) => e);
    expect(err).toMatchObject({ code: 'CONNECTION_ERROR', status: undefined });
    expect(err.message).toBe(`Cannot reach the tracking server at ${stub.url} (GET /api/2.0/mlflow/slow): no answer within 50 ms`);
    expect(err.cause.name).toBe('TimeoutError');
  });

  test('an unreachable server is a CONNECTION_ERROR with the network cause', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((ok) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => ok(p));
      });
    });
    const rest = createRestClient(resolveConnection({ trackingUri: `http://127.0.0.1:${port}` }, {}));
    const err = await rest.request('POST', '/api/2.0/mlflow/runs/create', {}).catch((e) => e);
    expect(err).toMatchObject({ code: 'CONNECTION_ERROR', status: undefined });
    expect(err.message).toMatch(`Cannot reach the tracking server at http://127.0.0.1:${port} (POST /api/2.0/mlflow/runs/create): connect ECONNREFUSED`);
  });
});

describe('artifacts', () => {
  test('a file goes up and comes back through the mlflow-artifacts proxy', async ({ stub }) => {
    const rest = stub.client();
    await rest.putArtifact('mlflow-artifacts:/3/abc/artifacts', 'plots/loss curve.png', new Uint8Array([1, 2, 3]));
    expect(stub.seen[0]).toMatchObject({ method: 'PUT', path: '/api/2.0/mlflow-artifacts/artifacts/3/abc/artifacts/plots/loss%20curve.png' });
    expect(stub.seen[0].headers['content-type']).toBe('application/octet-stream');
    expect([...(await rest.getArtifact('mlflow-artifacts:/3/abc/artifacts', 'plots/loss curve.png'))]).toEqual([1, 2, 3]);
    await expect(rest.getArtifact('mlflow-artifacts:/3/abc/artifacts', 'nope.txt')).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST', status: 404 });
  });

  test.for([
    ['mlflow-artifacts:/1/r/artifacts', 'a.json', '/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/a.json'],
    ['mlflow-artifacts://host:5000/1/r/artifacts/', 'dir//a.json', '/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/dir/a.json'],
  ] as const)('%s + %s → %s', ([uri, rel, expected]) => {
    expect(artifactProxyPath(uri, rel)).toBe(expected);
  });

  test('an artifact root outside the proxy is refused, naming it', () => {
    expect(() => artifactProxyPath('s3://bucket/1/r/artifacts', 'a.json')).toThrow("Artifact URI 's3://bucket/1/r/artifacts' is not an mlflow-artifacts: URI");
  });
});
