import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  CreateRunResponse,
  EmptyResponse,
  GetMetricHistoryBulkIntervalResponse,
  GetMetricHistoryResponse,
  GetRunResponse,
} from '../../src/server/schemas/runs.js';
import { DIALECTS } from '../helpers/dialects.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { API, expectError, ok } from './tracking-helpers.js';

for (const dialect of DIALECTS) {
  describe(`${dialect}: metrics`, () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await startTestServer(dialect);
    });
    afterAll(() => s?.close());

    const post = (path: string, body: object) => s.api('POST', `${API}${path}`, body);
    const newRun = async () => ok(CreateRunResponse, await post('/runs/create', {})).run.info.run_id;
    const latest = async (runId: string) => ok(GetRunResponse, await s.api('GET', `${API}/runs/get?run_id=${runId}`)).run.data.metrics;
    const history = async (runId: string, key: string, extra = '') =>
      ok(GetMetricHistoryResponse, await s.api('GET', `${API}/metrics/get-history?run_uuid=${runId}&run_id=${runId}&metric_key=${key}${extra}`));
    const batch = (run_id: string, metrics: object[]) => post('/runs/log-batch', { run_id, metrics });

    test('NaN and ±Infinity are accepted as protobuf-JSON strings and echoed back the same way', async () => {
      const run_id = await newRun();
      await batch(run_id, [
        { key: 'nan', value: 'NaN', timestamp: 1, step: 0 },
        { key: 'inf', value: 'Infinity', timestamp: 1, step: 0 },
        { key: 'ninf', value: '-Infinity', timestamp: 1, step: 0 },
      ]);
      const values = Object.fromEntries((await latest(run_id)).map((m) => [m.key, m.value]));
      expect(values).toEqual({ nan: 'NaN', inf: 'Infinity', ninf: '-Infinity' });
      expect((await history(run_id, 'nan')).metrics).toEqual([{ key: 'nan', value: 'NaN', timestamp: 1, step: 0 }]);
    });

    test('the latest value is the largest (step, timestamp, value), not the last one logged', async () => {
      const run_id = await newRun();
      await batch(run_id, [{ key: 'loss', value: 0.5, timestamp: 100, step: 5 }]);
      await batch(run_id, [{ key: 'loss', value: 0.1, timestamp: 200, step: 4 }]);
      expect(await latest(run_id)).toEqual([{ key: 'loss', value: 0.5, timestamp: 100, step: 5 }]);
      await batch(run_id, [{ key: 'loss', value: 0.2, timestamp: 101, step: 5 }]);
      expect((await latest(run_id))[0]).toMatchObject({ value: 0.2, timestamp: 101 });
      await batch(run_id, [{ key: 'loss', value: 0.7, timestamp: 101, step: 5 }]);
      expect((await latest(run_id))[0]).toMatchObject({ value: 0.7 });
      ok(EmptyResponse, await post('/runs/log-metric', { run_id, key: 'loss', value: 0.3, timestamp: 101, step: 5 }));
      expect((await latest(run_id))[0]).toMatchObject({ value: 0.7 });
    });

    test('within one batch the newest point per key wins, whatever its position', async () => {
      const run_id = await newRun();
      await batch(run_id, [
        { key: 'acc', value: 0.9, timestamp: 5, step: 9 },
        { key: 'acc', value: 0.1, timestamp: 6, step: 1 },
        { key: 'f1', value: 0.4, timestamp: 1 },
      ]);
      expect(await latest(run_id)).toEqual([
        { key: 'acc', value: 0.9, timestamp: 5, step: 9 },
        { key: 'f1', value: 0.4, timestamp: 1, step: 0 },
      ]);
    });

    test('NaN ranks as 0 when step and timestamp tie, as in MLflow’s SQL store', async () => {
      const run_id = await newRun();
      await batch(run_id, [{ key: 'x', value: -1, timestamp: 1, step: 1 }]);
      await batch(run_id, [{ key: 'x', value: 'NaN', timestamp: 1, step: 1 }]);
      expect((await latest(run_id))[0].value).toBe('NaN');
      await batch(run_id, [{ key: 'x', value: 0.5, timestamp: 1, step: 1 }]);
      expect((await latest(run_id))[0].value).toBe(0.5);
    });

    test('an exact duplicate point is dropped silently, NaN included', async () => {
      const run_id = await newRun();
      const points = [
        { key: 'loss', value: 0.5, timestamp: 10, step: 1 },
        { key: 'loss', value: 'NaN', timestamp: 11, step: 2 },
      ];
      ok(EmptyResponse, await batch(run_id, [...points, ...points]));
      ok(EmptyResponse, await batch(run_id, points));
      ok(EmptyResponse, await post('/runs/log-metric', { run_id, ...points[0] }));
      expect((await history(run_id, 'loss')).metrics).toHaveLength(2);
      await batch(run_id, [{ key: 'loss', value: 0.6, timestamp: 10, step: 1 }]);
      expect((await history(run_id, 'loss')).metrics).toHaveLength(3);
    });

    test('timestamp is required and must be non-negative; step defaults to 0; value must be a double', async () => {
      const run_id = await newRun();
      expectError(await post('/runs/log-metric', { run_id, key: 'm', value: 1 }), 400, 'INVALID_PARAMETER_VALUE');
      expectError(await post('/runs/log-metric', { run_id, key: 'm', value: 1, timestamp: -1 }), 400, 'INVALID_PARAMETER_VALUE');
      expectError(await post('/runs/log-metric', { run_id, key: 'm', value: 'high', timestamp: 1 }), 400, 'INVALID_PARAMETER_VALUE');
      expectError(await post('/runs/log-metric', { run_id, key: 'm', value: true, timestamp: 1 }), 400, 'INVALID_PARAMETER_VALUE');
      expectError(await batch(run_id, [{ key: 'm', value: 1 }]), 400, 'INVALID_PARAMETER_VALUE');
      expectError(await post('/runs/log-metric', { run_id, key: 'm', value: 1, timestamp: 1.5 }), 400, 'INVALID_PARAMETER_VALUE');
      expectError(await post('/runs/log-metric', { run_id, key: 'm', value: 1, timestamp: 1, step: 1e20 }), 400, 'INVALID_PARAMETER_VALUE');
      ok(EmptyResponse, await post('/runs/log-metric', { run_uuid: run_id, key: 'm', value: 1, timestamp: '1714380001000' }));
      expect(await latest(run_id)).toEqual([{ key: 'm', value: 1, timestamp: 1714380001000, step: 0 }]);
    });

    test('model and dataset references on a metric are kept and echoed', async () => {
      const run_id = await newRun();
      const metric = { key: 'acc', value: 0.8, timestamp: 3, step: 1, model_id: 'm-abc', dataset_name: 'eval', dataset_digest: 'd1' };
      ok(EmptyResponse, await post('/runs/log-metric', { run_id, ...metric }));
      expect(await latest(run_id)).toEqual([metric]);
      expect((await history(run_id, 'acc')).metrics).toEqual([metric]);
    });

    test('history is ordered by timestamp, then step, then value, and pages with max_results', async () => {
      const run_id = await newRun();
      await batch(run_id, [
        { key: 'h', value: 3, timestamp: 30, step: 0 },
        { key: 'h', value: 2, timestamp: 10, step: 2 },
        { key: 'h', value: 1, timestamp: 10, step: 2 },
        { key: 'h', value: 0, timestamp: 10, step: 1 },
        { key: 'other', value: 9, timestamp: 1 },
      ]);
      const all = await history(run_id, 'h');
      expect(all.metrics.map((m) => m.value)).toEqual([0, 1, 2, 3]);
      expect(all.next_page_token).toBeUndefined();
      const first = await history(run_id, 'h', '&max_results=3');
      expect(first.metrics.map((m) => m.value)).toEqual([0, 1, 2]);
      const second = await history(run_id, 'h', `&max_results=3&page_token=${encodeURIComponent(first.next_page_token!)}`);
      expect(second.metrics.map((m) => m.value)).toEqual([3]);
      expect(second.next_page_token).toBeUndefined();
      expect((await history(run_id, 'absent')).metrics).toEqual([]);
    });

    test('history of an unknown run is 404; a garbage page token or a fractional max_results is 400', async () => {
      expectError(await s.api('GET', `${API}/metrics/get-history?run_id=${'a'.repeat(32)}&metric_key=x`), 404, 'RESOURCE_DOES_NOT_EXIST');
      const run_id = await newRun();
      expectError(await s.api('GET', `${API}/metrics/get-history?run_id=${run_id}&metric_key=x&page_token=%%%`), 400, 'INVALID_PARAMETER_VALUE');
      expectError(await s.api('GET', `${API}/metrics/get-history?run_id=${run_id}&metric_key=x&max_results=2.5`), 400, 'INVALID_PARAMETER_VALUE');
    });

    describe('bulk interval', () => {
      let a: string;
      let b: string;
      beforeAll(async () => {
        a = await newRun();
        b = await newRun();
        await batch(a, Array.from({ length: 100 }, (_, i) => ({ key: 'loss', value: i, timestamp: i, step: i })));
        await batch(b, Array.from({ length: 10 }, (_, i) => ({ key: 'loss', value: i, timestamp: i, step: i * 3 + 1 })));
      });
      const bulk = (query: string) => s.api('GET', `${API}/metrics/get-history-bulk-interval?${query}`);

      test('takes repeated run_ids keys and answers every point with its run_id when few enough', async () => {
        const r = ok(GetMetricHistoryBulkIntervalResponse, await bulk(`run_ids=${a}&run_ids=${b}&metric_key=loss`));
        expect(r.metrics.filter((m) => m.run_id === a)).toHaveLength(100);
        expect(r.metrics.filter((m) => m.run_id === b).map((m) => m.step)).toEqual([1, 4, 7, 10, 13, 16, 19, 22, 25, 28]);
        expect(r.metrics[0]).toEqual({ key: 'loss', value: 0, timestamp: 0, step: 0, run_id: a });
      });

      test('samples steps evenly down to max_results, keeping each run’s first and last step', async () => {
        const r = ok(GetMetricHistoryBulkIntervalResponse, await bulk(`run_ids=${a}&metric_key=loss&max_results=10`));
        const steps = r.metrics.map((m) => m.step);
        expect(steps).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 99]);
      });

      test('restricts to [start_step, end_step]', async () => {
        const r = ok(GetMetricHistoryBulkIntervalResponse, await bulk(`run_ids=${a}&run_ids=${b}&metric_key=loss&start_step=5&end_step=9`));
        expect(r.metrics.map((m) => [m.run_id === a ? 'a' : 'b', m.step])).toEqual([['a', 5], ['a', 6], ['a', 7], ['a', 8], ['a', 9], ['b', 7]]);
      });

      test('refuses a missing run_ids, a lone start_step, a reversed range and max_results over 2500', async () => {
        expectError(await bulk('metric_key=loss'), 400, 'INVALID_PARAMETER_VALUE');
        expectError(await bulk(`run_ids=${a}&metric_key=loss&start_step=1`), 400, 'INVALID_PARAMETER_VALUE');
        expectError(await bulk(`run_ids=${a}&metric_key=loss&start_step=5&end_step=1`), 400, 'INVALID_PARAMETER_VALUE');
        expectError(await bulk(`run_ids=${a}&metric_key=loss&max_results=2501`), 400, 'INVALID_PARAMETER_VALUE');
      });
    });
  });
}
