import { Hono } from 'hono';
import { describe, expect, test } from 'vitest';
import { admission } from '../../src/server/admission.js';
import { onError } from '../../src/server/errors.js';

/** A handler that holds its slot until released, to fill the server on purpose. */
function appWith(maxActive: number, maxQueued: number) {
  const gate = admission({ maxActive, maxQueued, retryAfterSeconds: 2 });
  const releases: (() => void)[] = [];
  let started = 0;
  const app = new Hono();
  app.onError(onError);
  app.use('/work', gate.middleware);
  app.get('/work', async (c) => {
    started++;
    await new Promise<void>((r) => releases.push(r));
    return c.json({});
  });
  app.get('/health', (c) => c.text('OK'));
  return { app, gate, releases, started: () => started };
}

const tick = () => new Promise((r) => setTimeout(r, 10));

describe('admission control', () => {
  test('runs at most maxActive requests; the next ones wait and run in arrival order', async () => {
    const { app, gate, releases, started } = appWith(2, 5);
    const pending = [1, 2, 3, 4].map(() => app.request('/work'));
    await tick();
    expect(started()).toBe(2);
    expect(gate.queued()).toBe(2);
    releases.shift()!();
    await tick();
    expect(started()).toBe(3);
    while (releases.length) {
      releases.shift()!();
      await tick();
    }
    expect((await Promise.all(pending)).map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(gate.active()).toBe(0);
  });

  test('beyond the queue the answer is 503 with Retry-After in MLflow shape, while unadmitted routes still answer', async () => {
    const { app, releases } = appWith(1, 1);
    const held = [app.request('/work'), app.request('/work')];
    await tick();
    const refused = await app.request('/work');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('2');
    expect((await refused.json()).error_code).toBe('TEMPORARILY_UNAVAILABLE');
    expect((await app.request('/health')).status).toBe(200);
    releases.shift()!();
    await tick();
    releases.shift()!();
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200]);
  });

  test('a failing handler frees its slot', async () => {
    const gate = admission({ maxActive: 1, maxQueued: 0 });
    const app = new Hono();
    app.onError(onError);
    app.use('*', gate.middleware);
    app.get('/boom', () => {
      throw new Error('boom');
    });
    expect((await app.request('/boom')).status).toBe(500);
    expect(gate.active()).toBe(0);
    expect((await app.request('/boom')).status).toBe(500);
  });
});
