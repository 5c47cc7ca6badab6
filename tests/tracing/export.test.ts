import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import OpenAI from 'openai';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { autolog, flush, init, shutdown, trace } from '../../src/tracing/index.js';
import { startOpenAIFake } from '../helpers/openai-fake.js';

/** A port nothing listens on: bind, note it, close. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
  const { port } = srv.address() as AddressInfo;
  await new Promise((ok) => srv.close(ok));
  return port;
}

/** Just enough of the tracking server to see what the SDK sends. */
async function startRecordingServer() {
  const seen: { method: string; path: string; headers: Record<string, string>; body: Buffer }[] = [];
  const app = new Hono();
  app.use('*', async (c, next) => {
    seen.push({ method: c.req.method, path: c.req.path, headers: Object.fromEntries(c.req.raw.headers), body: Buffer.from(await c.req.arrayBuffer()) });
    await next();
  });
  app.get('/api/2.0/mlflow/experiments/get-by-name', (c) =>
    c.json({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: `Could not find experiment with name '${c.req.query('experiment_name')}'` }, 404),
  );
  app.post('/api/2.0/mlflow/experiments/create', (c) => c.json({ experiment_id: '7' }));
  app.post('/v1/traces', (c) => c.body(new Uint8Array(), 200, { 'content-type': 'application/x-protobuf' }));
  const server = await new Promise<ReturnType<typeof serve>>((ok) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => ok(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((ok) => server.close(() => ok())) };
}

afterEach(async () => {
  await shutdown();
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('OTLP export', () => {
  test('spans are posted as OTLP protobuf to /v1/traces with the experiment created by name and the auth header', async () => {
    const server = await startRecordingServer();
    vi.stubEnv('MLFLOW_TRACKING_TOKEN', 'secret-token');
    try {
      init({ trackingUri: server.url, experiment: 'support-bot' });
      await trace(async function answer(question: string) {
        return `re: ${question}`;
      }, { spanType: 'AGENT' })('hi');
      await flush();

      expect(server.seen.map((r) => `${r.method} ${r.path}`)).toEqual([
        'GET /api/2.0/mlflow/experiments/get-by-name',
        'POST /api/2.0/mlflow/experiments/create',
        'POST /v1/traces',
      ]);
      const otlp = server.seen[2];
      expect(otlp.headers['content-type']).toBe('application/x-protobuf');
      expect(otlp.headers['x-mlflow-experiment-id']).toBe('7');
      expect(otlp.headers.authorization).toBe('Bearer secret-token');
      for (const needle of ['answer', 'mlflow.spanInputs', '{"question":"hi"}', 'AGENT']) expect(otlp.body.includes(needle)).toBe(true);
    } finally {
      await server.close();
    }
  });

  test('an unreachable server does not break traced code, openai calls, flush or shutdown', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const fake = await startOpenAIFake();
    try {
      init({ trackingUri: `http://127.0.0.1:${await closedPort()}`, experiment: 'nowhere', timeoutMs: 500 });
      const client = autolog.openai(new OpenAI({ baseURL: fake.baseURL, apiKey: 'x', maxRetries: 0 }));
      const agent = trace(async function agent(q: string) {
        const r = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: q }] });
        return r.choices[0].message.content;
      });
      for (let i = 0; i < 3; i++) await expect(agent(`q${i}`)).resolves.toBe(`echo: q${i}`);
      await expect(flush()).resolves.toBeUndefined();
      await expect(shutdown()).resolves.toBeUndefined();
      expect(warn.mock.calls.flat().join(' ')).toMatch(/could not resolve the experiment/);
    } finally {
      await fake.close();
    }
  });

  test('invalid settings are reported naming the option and leave the program running', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    vi.stubEnv('GLASSBOX_TRACKING_URI', 'ftp://example.com');
    expect(() => init()).not.toThrow();
    expect(warn.mock.calls[0][0]).toMatch("trackingUri must be an http(s) URL, got 'ftp://example.com' from GLASSBOX_TRACKING_URI");
    expect(trace((x: number) => x + 1)(1)).toBe(2);
  });
});

describe('short scripts', () => {
  test('a script that exits without calling flush() still delivers its spans', async () => {
    const { spawn } = await import('node:child_process');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join, resolve } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const server = await startRecordingServer();
    try {
      const dir = mkdtempSync(join(tmpdir(), 'gb-script-'));
      const script = join(dir, 'script.ts');
      const sdk = resolve('src/tracing/index.ts');
      writeFileSync(
        script,
        `import { init, trace } from ${JSON.stringify(sdk)};\n` +
          `init({ trackingUri: ${JSON.stringify(server.url)}, experimentId: '3' });\n` +
          `trace(function hello(name: string) { return 'hi ' + name; })('script');\n`,
      );
      const code = await new Promise<number | null>((ok) => {
        const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: 'inherit', cwd: resolve('.') });
        child.on('exit', ok);
      });
      expect(code).toBe(0);
      const otlp = server.seen.filter((r) => r.path === '/v1/traces');
      expect(otlp).toHaveLength(1);
      expect(otlp[0].headers['x-mlflow-experiment-id']).toBe('3');
      expect(otlp[0].body.includes('hello')).toBe(true);
    } finally {
      await server.close();
    }
  });
});
