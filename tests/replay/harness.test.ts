import { describe, expect, test } from 'vitest';
import { compareJson } from '../helpers/replay-compare.js';
import { IdMap } from '../helpers/replay-ids.js';
import { loadExchanges, replay } from '../helpers/replay.js';
import { startTestServer } from '../helpers/server.js';

describe('replay shape comparison', () => {
  test('extra keys are fine but a missing key is a mismatch', () => {
    expect(compareJson({ a: 1 }, { a: 2, extra: true })).toEqual([]);
    expect(compareJson({ a: 1, b: 'x' }, { a: 1 })).toEqual(['$.b: missing']);
  });

  test('a value of another JSON type is a mismatch, e.g. an int64 sent as a string', () => {
    expect(compareJson({ start_time: 1795708396026 }, { start_time: '1795708396026' })).toHaveLength(1);
  });

  test('enum names and identities must be equal, free text only of the same type', () => {
    expect(compareJson({ status: 'FINISHED' }, { status: 'RUNNING' })).toHaveLength(1);
    expect(compareJson({ x: 'STATUS_CODE_OK' }, { x: 'STATUS_CODE_ERROR' })).toHaveLength(1);
    expect(compareJson({ request_preview: 'abc' }, { request_preview: 'xyz' })).toEqual([]);
  });

  test('timestamps are checked for type, not value', () => {
    expect(compareJson({ creation_time: 1, request_time: '2026-11-26T15:53:21.672Z' }, { creation_time: 2, request_time: '2025-01-01T00:00:00Z' })).toEqual([]);
    expect(compareJson({ end_time: 1 }, { end_time: 1.5 })).toHaveLength(1);
  });

  test('tag lists compare as sets keyed by key; ordered lists compare in order', () => {
    const tags = [{ key: 'a', value: '1' }, { key: 'b', value: '2' }];
    expect(compareJson({ tags }, { tags: [tags[1], tags[0], { key: 'c', value: '3' }] })).toEqual([]);
    expect(compareJson({ tags }, { tags: [tags[0]] })).toEqual(['$.tags[key=b]: missing']);
    const files = [{ path: 'data', is_dir: true }, { path: 'notes', is_dir: true }];
    expect(compareJson({ files }, { files: [files[1], files[0]] })).toHaveLength(2);
  });
});

describe('replay id mapping', () => {
  test('learned ids are rewritten in paths, queries, artifact paths and bodies, but a bare "1" elsewhere is left alone', () => {
    const ids = new IdMap();
    const oldRun = 'c8b98b6928cf47e79c8f6b51e58c88a4';
    const newRun = 'ffffffffffffffffffffffffffffffff';
    ids.learn({ experiment_id: '1', run: { info: { run_id: oldRun } } }, { experiment_id: '7', run: { info: { run_id: newRun } } });
    expect(ids.mapPath(`/api/2.0/mlflow-artifacts/artifacts/1/${oldRun}/artifacts/a.txt`)).toBe(`/api/2.0/mlflow-artifacts/artifacts/7/${newRun}/artifacts/a.txt`);
    expect(ids.mapPath(`/api/2.0/mlflow-artifacts/artifacts?path=1%2F${oldRun}%2Fartifacts`)).toBe(`/api/2.0/mlflow-artifacts/artifacts?path=7%2F${newRun}%2Fartifacts`);
    expect(ids.mapPath('/api/2.0/mlflow/experiments/get?experiment_id=1&max_results=1')).toBe('/api/2.0/mlflow/experiments/get?experiment_id=7&max_results=1');
    expect(ids.mapJson({ experiment_ids: ['1'], step: '1', artifact_uri: `mlflow-artifacts:/1/${oldRun}/artifacts`, tags: [{ key: '_mlflow_experiment_ids', value: ',1,' }] })).toEqual({
      experiment_ids: ['7'],
      step: '1',
      artifact_uri: `mlflow-artifacts:/7/${newRun}/artifacts`,
      tags: [{ key: '_mlflow_experiment_ids', value: ',7,' }],
    });
  });

  test('the python client recording loads in seq order with all 90 exchanges', () => {
    const ex = loadExchanges();
    expect(ex).toHaveLength(90);
    expect(ex.map((e) => e.seq)).toEqual(Array.from({ length: 90 }, (_, i) => i + 1));
  });
});

describe('replay ordered lists', () => {
  test('a metric history repeats its key, so it is compared in order rather than as a set', () => {
    const history = [{ key: 'loss', value: 0.9, step: 0 }, { key: 'loss', value: 0.7, step: 1 }];
    expect(compareJson({ metrics: history }, { metrics: history })).toEqual([]);
    expect(compareJson({ metrics: history }, { metrics: [history[1], history[0]] })).not.toEqual([]);
  });
});

describe('replay against a live server', () => {
  test('a recording that disagrees with the server is reported, exchange by exchange', async () => {
    const s = await startTestServer('sqlite');
    try {
      const [missing, create, get] = loadExchanges().slice(0, 3);
      const tamperedGet = { ...get, response_body: get.response_body!.toString().replace('"active"', '"deleted"') };
      const tamperedMissing = { ...missing, response_body: missing.response_body!.toString().replace('RESOURCE_DOES_NOT_EXIST', 'NOT_FOUND') };
      const results = await replay(s, [tamperedMissing, create, tamperedGet]);
      expect(results.map((r) => r.problems)).toEqual([
        ['error_code "RESOURCE_DOES_NOT_EXIST", recorded "NOT_FOUND"'],
        [],
        ['$.experiment.lifecycle_stage: "active", recorded "deleted"'],
      ]);
    } finally {
      await s.close();
    }
  });
});
