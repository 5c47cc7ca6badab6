import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DIALECTS } from '../helpers/dialects.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Replays the tracking part of the recorded MLflow Python client session (experiments, runs,
 * metrics; artifacts and traces belong to other suites) and checks each answer against the real
 * server's: same status and error_code, and every recorded field present with the same JSON type.
 */
const FIXTURE = '/work/shared/fixtures/mlflow-wire/python-client-3.11.jsonl';
const TRACKING = /^\/api\/2\.0\/mlflow\/(experiments|runs|metrics)\//;

interface Exchange {
  seq: number;
  method: string;
  path: string;
  request_body: string | null;
  status: number;
  response_body: string | null;
}

const exchanges: Exchange[] = existsSync(FIXTURE)
  ? readFileSync(FIXTURE, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Exchange)
      .filter((e) => TRACKING.test(e.path))
  : [];

const jsonType = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);

/** Every key the real server wrote must be in ours, with the same JSON type; extra keys are fine. */
function expectSameShape(recorded: unknown, ours: unknown, at: string): void {
  expect(jsonType(ours), at).toBe(jsonType(recorded));
  if (Array.isArray(recorded) && Array.isArray(ours)) {
    expect(ours.length, `${at}.length`).toBe(recorded.length);
    recorded.forEach((r, i) => expectSameShape(r, ours[i], `${at}[${i}]`));
  } else if (recorded && typeof recorded === 'object') {
    for (const [k, v] of Object.entries(recorded)) expectSameShape(v, (ours as Record<string, unknown>)[k], `${at}.${k}`);
  }
}

/** Order-insensitive lists (tags, params, latest metrics) are compared sorted by key. */
function sortKeyed(v: unknown): unknown {
  if (Array.isArray(v)) {
    const items = v.map(sortKeyed);
    return items.every((x) => x && typeof x === 'object' && 'key' in x) ? items.sort((a: any, b: any) => (a.key < b.key ? -1 : 1)) : items;
  }
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, sortKeyed(x)]));
  return v;
}

for (const dialect of DIALECTS) {
  describe.skipIf(exchanges.length === 0)(`${dialect}: replay of the recorded Python client session`, () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await startTestServer(dialect);
    });
    afterAll(() => s?.close());

    test('every tracking exchange answers like the real MLflow server', async () => {
      const ids = new Map<string, string>();
      const remap = (text: string) => [...ids].reduce((t, [from, to]) => t.replaceAll(from, to), text);
      for (const e of exchanges) {
        const r = await s.api(e.method, remap(e.path), e.request_body === null ? undefined : remap(e.request_body));
        const recorded = e.response_body ? JSON.parse(e.response_body) : {};
        expect(r.status, `seq ${e.seq} ${e.path}: ${r.text}`).toBe(e.status);
        if (e.status !== 200) {
          expect(r.body.error_code, `seq ${e.seq}`).toBe(recorded.error_code);
          continue;
        }
        if (recorded.experiment_id) ids.set(recorded.experiment_id, r.body.experiment_id);
        if (recorded.run?.info?.run_id) ids.set(recorded.run.info.run_id, r.body.run.info.run_id);
        expectSameShape(sortKeyed(recorded), sortKeyed(r.body), `seq ${e.seq}`);
      }
    });

    test('search_runs and get_metric_history return the recorded values in the recorded order', async () => {
      const search = exchanges.find((e) => e.path.endsWith('/runs/search'))!;
      const history = exchanges.find((e) => e.path.includes('/metrics/get-history'))!;
      const names = (body: any) => body.runs.map((run: any) => run.info.run_name);
      // Reads what the previous test replayed; both databases start empty, so the experiment is "1" again.
      const runs = await s.api('POST', '/api/2.0/mlflow/runs/search', JSON.parse(search.request_body!));
      expect(names(runs.body)).toEqual(names(JSON.parse(search.response_body!)));
      const runId = runs.body.runs[0].info.run_id;
      const ours = await s.api('GET', `/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=loss`);
      const values = (body: any) => body.metrics.map((m: any) => [m.step, m.value]);
      expect(values(ours.body)).toEqual(values(JSON.parse(history.response_body!)));
    });
  });
}
