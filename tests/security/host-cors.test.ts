import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hostAllowed } from '../../src/server/auth/host-check.js';
import { DIALECTS } from '../helpers/dialects.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const API = '/api/2.0/mlflow';

/** node:http, because it sends exactly the Host and Origin headers a browser under attack would. */
function raw(s: TestServer, method: string, path: string, headers: Record<string, string>, body?: string) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }>((ok, fail) => {
    const req = request({ host: '127.0.0.1', port: s.port, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => ok({ status: res.statusCode!, headers: res.headers, text }));
    });
    req.on('error', fail);
    req.end(body);
  });
}

describe('host patterns', () => {
  test.for([
    ['localhost:5000', ['localhost'], true],
    ['LOCALHOST', ['localhost'], true],
    ['evil.example:5000', ['localhost', '127.0.0.1'], false],
    ['mlflow.corp.example', ['*.corp.example'], true],
    ['corp.example.evil.test', ['*.corp.example'], false],
    ['127.0.0.1:8080', ['127.0.0.1:5000'], false],
    ['[::1]:5000', ['[::1]'], true],
    ['anything', ['*'], true],
  ] as const)('%s against %j is allowed: %s', ([host, patterns, expected]) => {
    expect(hostAllowed(host, [...patterns])).toBe(expected);
  });
});

for (const dialect of DIALECTS) {
  describe(`${dialect}: Host-header check and CORS defaults`, () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await startTestServer(dialect);
    });
    afterAll(() => s?.close());

    test('a request naming a foreign host (DNS rebinding) is refused with 403 and a message saying how to allow it', async () => {
      const r = await raw(s, 'GET', `${API}/experiments/get?experiment_id=0`, { host: 'evil.example:5000' });
      expect(r.status).toBe(403);
      expect(r.text).toMatch(/Invalid Host header 'evil\.example:5000'.*--allowed-hosts/);
    });

    test('localhost and 127.0.0.1 on any port are accepted by default', async () => {
      for (const host of [`localhost:${s.port}`, `127.0.0.1:${s.port}`, 'localhost']) {
        expect((await raw(s, 'GET', `${API}/experiments/get?experiment_id=0`, { host })).status).toBe(200);
      }
    });

    test('/health and /version are exempt from the Host check', async () => {
      expect((await raw(s, 'GET', '/health', { host: 'lb.internal' })).status).toBe(200);
      expect((await raw(s, 'GET', '/version', { host: 'lb.internal' })).status).toBe(200);
    });

    test('no Access-Control-Allow-Origin is sent by default, even to a preflight', async () => {
      const get = await raw(s, 'GET', `${API}/experiments/get?experiment_id=0`, { host: `localhost:${s.port}`, origin: 'https://evil.example' });
      expect(get.headers['access-control-allow-origin']).toBeUndefined();
      const preflight = await raw(s, 'OPTIONS', `${API}/experiments/create`, {
        host: `localhost:${s.port}`,
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
      });
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    });

    test('a cross-origin state-changing request is refused even without a preflight', async () => {
      const r = await raw(s, 'POST', `${API}/experiments/create`, { host: `localhost:${s.port}`, origin: 'https://evil.example', 'content-type': 'text/plain' }, '{"name":"csrf"}');
      expect(r.status).toBe(403);
      expect(r.text).toMatch(/GLASSBOX_CORS_ORIGINS/);
      const same = await raw(s, 'POST', `${API}/experiments/create`, { host: `localhost:${s.port}`, origin: `http://localhost:${s.port}`, 'content-type': 'application/json' }, `{"name":"same-${Date.now()}"}`);
      expect(same.status).toBe(200);
    });
  });

  describe(`${dialect}: configured allowed hosts and CORS origins`, () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await startTestServer(dialect, { allowedHosts: ['mlflow.corp.example'], corsOrigins: ['https://app.corp.example'] });
    });
    afterAll(() => s?.close());

    test('--allowed-hosts replaces the defaults', async () => {
      expect((await raw(s, 'GET', `${API}/experiments/get?experiment_id=0`, { host: 'mlflow.corp.example' })).status).toBe(200);
      expect((await raw(s, 'GET', `${API}/experiments/get?experiment_id=0`, { host: 'localhost' })).status).toBe(403);
    });

    test('a listed origin gets CORS headers and its preflight is answered; an unlisted one gets none', async () => {
      const headers = { host: 'mlflow.corp.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' };
      const listed = await raw(s, 'OPTIONS', `${API}/experiments/create`, { ...headers, origin: 'https://app.corp.example' });
      expect(listed.status).toBe(204);
      expect(listed.headers['access-control-allow-origin']).toBe('https://app.corp.example');
      const unlisted = await raw(s, 'GET', `${API}/experiments/get?experiment_id=0`, { host: 'mlflow.corp.example', origin: 'https://other.example' });
      expect(unlisted.headers['access-control-allow-origin']).toBeUndefined();
    });
  });
}

describe('sqlite: allowed hosts "*"', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer('sqlite', { allowedHosts: ['*'] });
  });
  afterAll(() => s?.close());

  test('"*" turns the Host check off', async () => {
    expect((await raw(s, 'GET', `${API}/experiments/get?experiment_id=0`, { host: 'whatever.example' })).status).toBe(200);
  });
});
