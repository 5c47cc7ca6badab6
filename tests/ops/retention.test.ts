import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MAX_AGE_TAG, MAX_TRACES_TAG } from '../../src/store/retention.js';
import { DIALECTS } from '../helpers/dialects.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { otlpJson, uniq } from '../security/helpers.js';

const API = '/api/2.0/mlflow';
const DAY = 86_400_000;
const ROOT = join(import.meta.dirname, '../..');

/** An experiment with the given tags and one OTLP trace per start time; returns its id and trace ids (oldest first). */
async function seed(s: TestServer, tags: Record<string, string>, startTimes: number[]) {
  const exp = (await s.api('POST', `${API}/experiments/create`, { name: uniq('retention') })).body.experiment_id as string;
  const traceIds: string[] = [];
  for (const start of startTimes) {
    const { body, traceId } = otlpJson(start);
    // An artifact-mode trace folder, as the Python client writes traces.json there.
    const folder = join(s.dir, 'artifacts', exp, 'traces', traceId, 'artifacts');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'traces.json'), '{}');
    const r = await s.api('POST', '/v1/traces', body, { 'x-mlflow-experiment-id': exp });
    expect(r.status).toBe(200);
    await s.api('PATCH', `/api/3.0/mlflow/traces/${traceId}/tags`, { key: 'note', value: 'x' });
    traceIds.push(traceId);
  }
  // Limits last, so a background sweep never races the seeding (e.g. a tag set on a trace being deleted).
  for (const [key, value] of Object.entries(tags)) await s.api('POST', `${API}/experiments/set-experiment-tag`, { experiment_id: exp, key, value });
  return { exp, traceIds };
}

async function rowsFor(s: TestServer, traceIds: string[]) {
  const count = async (table: 'trace_info' | 'spans' | 'trace_tags') =>
    Number((await s.store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('trace_id', 'in', traceIds).executeTakeFirstOrThrow()).n);
  return { trace_info: await count('trace_info'), spans: await count('spans'), trace_tags: await count('trace_tags') };
}

/** Payload rows (migration 0003: one per ingest request) that no span points at any more. */
async function orphanPayloads(s: TestServer): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*) as n from span_payloads where payload_id not in (select payload_id from spans)`.execute(s.store.db);
  return Number(rows[0].n);
}

async function waitFor(check: () => Promise<boolean>, ms = 15_000) {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: retention sweep in the running server`, () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await startTestServer(dialect, { retentionIntervalSeconds: 0.25 });
    });
    afterAll(() => s?.close());

    test('keeps the newest maxTraces traces and deletes the rest with their spans, tags and artifact folders', { timeout: 30_000 }, async () => {
      const now = Date.now();
      const { exp, traceIds } = await seed(s, { [MAX_TRACES_TAG]: '2' }, [now - 5000, now - 4000, now - 3000, now - 2000, now - 1000]);
      const [old, kept] = [traceIds.slice(0, 3), traceIds.slice(3)];
      const folder = (id: string) => join(s.dir, 'artifacts', exp, 'traces', id);
      // Folders go right after each batch commits (rows first: a crash then leaves only stray files).
      await waitFor(async () => (await rowsFor(s, old)).trace_info === 0 && !old.some((id) => existsSync(folder(id))));
      expect(await rowsFor(s, old)).toEqual({ trace_info: 0, spans: 0, trace_tags: 0 });
      expect(await orphanPayloads(s)).toBe(0);
      expect(await rowsFor(s, kept)).toMatchObject({ trace_info: 2, spans: 2 });
      for (const id of kept) expect(existsSync(join(folder(id), 'artifacts', 'traces.json'))).toBe(true);
    });

    test('deletes traces older than maxAgeDays and leaves untagged experiments alone', { timeout: 30_000 }, async () => {
      const now = Date.now();
      const aged = await seed(s, { [MAX_AGE_TAG]: '1' }, [now - 3 * DAY, now - 2 * DAY, now - 1000]);
      const untouched = await seed(s, {}, [now - 30 * DAY]);
      await waitFor(async () => (await rowsFor(s, aged.traceIds.slice(0, 2))).trace_info === 0);
      expect((await rowsFor(s, aged.traceIds.slice(2))).trace_info).toBe(1);
      expect((await rowsFor(s, untouched.traceIds)).trace_info).toBe(1);
    });

    test('/metrics counts the traces the sweep deleted', async () => {
      // The counter moves after the batch's artifact folders are gone, a moment after the rows.
      const deleted = async () => Number(/^glassbox_retention_traces_deleted_total (\d+)$/m.exec((await s.api('GET', '/metrics')).text)?.[1] ?? 0);
      await waitFor(async () => (await deleted()) >= 5, 5000);
      expect(await deleted()).toBe(5);
    });
  });

  describe(`${dialect}: glassbox retention --dry-run (subprocess)`, () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await startTestServer(dialect, { retentionIntervalSeconds: 0 });
    });
    afterAll(() => s?.close());

    const retention = async (...args: string[]) =>
      promisify(execFile)('node', ['--import', 'tsx', 'src/cli.ts', 'retention', '--backend-store-uri', await storeUri(s), '--artifacts-destination', join(s.dir, 'artifacts'), ...args], {
        cwd: ROOT,
        env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GLASSBOX_RETENTION_'))),
      });

    test('prints per-experiment counts, deletes nothing, and a real run then deletes exactly those', { timeout: 60_000 }, async () => {
      const now = Date.now();
      const capped = await seed(s, { [MAX_TRACES_TAG]: '1' }, [now - 3000, now - 2000, now - 1000]);
      const optedOut = await seed(s, { [MAX_TRACES_TAG]: 'off' }, [now - 3000, now - 2000]);
      const dry = await retention('--dry-run', '--max-traces', '5');
      expect(dry.stdout).toMatch(new RegExp(`^${capped.exp}\\t\\S+\\tmaxTraces=1\\t3\\t0\\t2\\t2$`, 'm'));
      expect(dry.stdout).toMatch(new RegExp(`^${optedOut.exp}\\t\\S+\\tnone\\t0\\t0\\t0\\t0$`, 'm'));
      expect(dry.stdout).toMatch(/dry run: 2 trace\(s\) would be deleted/);
      expect((await rowsFor(s, capped.traceIds)).trace_info).toBe(3);

      const real = await retention('--max-traces', '5');
      expect(real.stdout).toMatch(/deleted 2 trace\(s\)/);
      expect((await rowsFor(s, capped.traceIds.slice(0, 2))).trace_info).toBe(0);
      expect((await rowsFor(s, [capped.traceIds[2], ...optedOut.traceIds])).trace_info).toBe(3);
    });
  });
}

/** The URI of the test server's store (tests/helpers/dialects.ts: db.sqlite in its dir, or a fresh PostgreSQL database). */
async function storeUri(s: TestServer): Promise<string> {
  if (s.store.dialect === 'sqlite') return `sqlite:///${join(s.dir, 'db.sqlite')}`;
  const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(s.store.db);
  const url = new URL(process.env.GLASSBOX_TEST_PG_URL!);
  url.pathname = `/${rows[0].name}`;
  return url.toString();
}
