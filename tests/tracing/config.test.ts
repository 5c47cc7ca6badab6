import { describe, expect, test } from 'vitest';
import { resolveCaptureContent, resolveConnection } from '../../src/tracing/config.js';
import { chunkBatch, metricValue } from '../../src/tracing/runs/batch.js';

describe('resolveConnection', () => {
  test.for([
    ['explicit wins over both env vars', { trackingUri: 'http://a:1' }, { GLASSBOX_TRACKING_URI: 'http://b:2', MLFLOW_TRACKING_URI: 'http://c:3' }, 'http://a:1'],
    ['GLASSBOX_ env wins over MLFLOW_', {}, { GLASSBOX_TRACKING_URI: 'http://b:2', MLFLOW_TRACKING_URI: 'http://c:3' }, 'http://b:2'],
    ['MLFLOW_TRACKING_URI is honoured', {}, { MLFLOW_TRACKING_URI: 'http://c:3/prefix/' }, 'http://c:3/prefix'],
    ['default is the local server', {}, {}, 'http://127.0.0.1:5000'],
  ] as const)('tracking URI: %s', ([, opts, env, expected]) => {
    expect(resolveConnection(opts, env).trackingUri).toBe(expected);
  });

  test('experiment: an id wins over a name, a name comes from GLASSBOX_EXPERIMENT or MLFLOW_EXPERIMENT_NAME', () => {
    expect(resolveConnection({ experiment: 'bot' }, { MLFLOW_EXPERIMENT_ID: '4' })).toMatchObject({ experimentName: 'bot', experimentId: undefined });
    expect(resolveConnection({}, { MLFLOW_EXPERIMENT_ID: '4', MLFLOW_EXPERIMENT_NAME: 'x' })).toMatchObject({ experimentId: '4', experimentName: undefined });
    expect(resolveConnection({}, { GLASSBOX_EXPERIMENT: 'g', MLFLOW_EXPERIMENT_NAME: 'm' }).experimentName).toBe('g');
  });

  test('basic auth from username and password wins over a token, as in MLflow', () => {
    const basic = resolveConnection({}, { MLFLOW_TRACKING_USERNAME: 'u', MLFLOW_TRACKING_PASSWORD: 'p', MLFLOW_TRACKING_TOKEN: 't' });
    expect(basic.headers.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
    expect(resolveConnection({}, { MLFLOW_TRACKING_TOKEN: 't' }).headers.authorization).toBe('Bearer t');
  });

  test.for([
    [{ trackingUri: 'not a url' }, {}, /trackingUri must be an http\(s\) URL, got 'not a url' from the trackingUri option/],
    [{}, { MLFLOW_EXPERIMENT_ID: '../x' }, /experimentId \(or MLFLOW_EXPERIMENT_ID\)/],
    [{ experiment: ' ' }, {}, /experiment \(or GLASSBOX_EXPERIMENT/],
    [{ timeoutMs: -1 }, {}, /timeoutMs must be a positive number/],
  ] as const)('invalid settings throw an error naming the field: %j %j', ([opts, env, message]) => {
    expect(() => resolveConnection(opts, env)).toThrow(message);
  });

  test('captureContent: explicit ?? GLASSBOX_CAPTURE_CONTENT ?? true', () => {
    expect(resolveCaptureContent(undefined, {})).toBe(true);
    expect(resolveCaptureContent(undefined, { GLASSBOX_CAPTURE_CONTENT: 'false' })).toBe(false);
    expect(resolveCaptureContent(true, { GLASSBOX_CAPTURE_CONTENT: 'false' })).toBe(true);
    expect(() => resolveCaptureContent(undefined, { GLASSBOX_CAPTURE_CONTENT: 'maybe' })).toThrow(/GLASSBOX_CAPTURE_CONTENT/);
  });
});

describe('chunkBatch', () => {
  const kv = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: 'v' }));
  const metrics = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `m${i}`, value: i, timestamp: 1, step: 0 }));

  test.for([
    // [metrics, params, tags] → sizes of each request as [metrics, params, tags]
    [[5, 3, 2], [[5, 3, 2]]],
    [[2500, 0, 0], [[1000, 0, 0], [1000, 0, 0], [500, 0, 0]]],
    [[1500, 250, 0], [[900, 100, 0], [600, 100, 0], [0, 50, 0]]],
    [[0, 100, 150], [[0, 100, 100], [0, 0, 50]]],
  ] as const)('%j is split within the server limits as %j', ([[m, p, t], expected]) => {
    const chunks = chunkBatch({ metrics: metrics(m), params: kv(p), tags: kv(t) });
    expect(chunks.map((c) => [c.metrics.length, c.params.length, c.tags.length])).toEqual(expected);
    for (const c of chunks) expect(c.metrics.length + c.params.length + c.tags.length).toBeLessThanOrEqual(1000);
  });

  test('non-finite metric values travel as the strings MLflow uses', () => {
    expect([NaN, Infinity, -Infinity, 1.5].map(metricValue)).toEqual(['NaN', 'Infinity', '-Infinity', 1.5]);
  });
});
