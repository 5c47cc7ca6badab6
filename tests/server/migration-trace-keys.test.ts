import { Migrator, sql } from 'kysely';
import { afterEach, describe, expect, test } from 'vitest';
import { migrations } from '../../migrations/index.js';
import { createStore, type Store } from '../../src/store/db.js';
import { ingestSpans } from '../../src/store/ingest.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { searchTraces } from '../../src/store/search-traces.js';
import { getTraceSpans } from '../../src/store/spans.js';
import { DIALECTS, freshStore, type TestStoreTarget } from '../helpers/dialects.js';
import { normalizeSpan } from '../../src/server/otlp/normalize.js';
import { emptySpan } from '../../src/server/otlp/otlp-types.js';

const T1 = `tr-${'1'.repeat(32)}`;
const T2 = `tr-${'2'.repeat(32)}`;

/** A database as 0007 left it: traces keyed by trace id, spans indexed by (trace_id, span_id). */
async function seedBeforeTraceKeys(store: Store) {
  const migrator = new Migrator({ db: store.db, provider: { getMigrations: async () => migrations } });
  const { error } = await migrator.migrateTo('2026_11_26_0007_datasets_scorers');
  if (error) throw error;
  await sql`INSERT INTO trace_info ${sql.raw('(trace_id, experiment_id, request_time, execution_duration, state, num_spans, info_finalized, spans_in_store, created_at)')} VALUES
    (${T1}, 0, 200, 5, 'OK', 2, 0, 1, 1), (${T2}, 0, 100, 5, 'OK', 1, 0, 1, 1)`.execute(store.db);
  const entry = (trace_id: string, span_id: string) => ({ trace_id, span_id, kind: 1, status_message: '', attributes: { 'mlflow.spanType': '"TOOL"', who: span_id }, events: [], links: [] });
  const payload = JSON.stringify([entry(T1, 'a'.repeat(16)), entry(T1, 'b'.repeat(16)), entry(T2, 'c'.repeat(16))]);
  await sql`INSERT INTO span_payloads (payload) VALUES (${payload})`.execute(store.db);
  for (const [traceId, spanId, parent, name] of [[T1, 'a'.repeat(16), null, 'root'], [T1, 'b'.repeat(16), 'a'.repeat(16), 'lookup'], [T2, 'c'.repeat(16), null, 'other']] as const) {
    await sql`INSERT INTO spans (trace_id, span_id, parent_span_id, name, span_type, status, start_time_ms, end_time_ms, start_time_ns, end_time_ns, payload_id)
      VALUES (${traceId}, ${spanId}, ${parent}, ${name}, 'TOOL', 'OK', 1, 2, '1000000', '2000000', 1)`.execute(store.db);
  }
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: migration 0008 (integer trace keys) on a database with traces`, () => {
    let target: TestStoreTarget | undefined;
    let store: Store | undefined;
    afterEach(async () => {
      await store?.close();
      await target?.cleanup();
    });

    test('existing traces keep their spans, payloads and searches, and take new spans afterwards', async () => {
      target = await freshStore(dialect);
      store = createStore(target.uri);
      await seedBeforeTraceKeys(store);
      await migrateToLatest(store.db);

      const keys = Object.fromEntries((await store.db.selectFrom('trace_info').select(['trace_id', 'trace_key']).execute()).map((r) => [r.trace_id, Number(r.trace_key)]));
      expect(new Set(Object.values(keys)).size).toBe(2);
      // SQLite renumbers in request-time order; PostgreSQL's bigserial fills in table order.
      if (dialect === 'sqlite') expect(keys[T2]).toBeLessThan(keys[T1]);

      const spans = await getTraceSpans(store, T1);
      expect(spans.map((s) => [s.name, s.attributes.who])).toEqual([['root', 'a'.repeat(16)], ['lookup', 'b'.repeat(16)]]);
      const byName = await searchTraces(store, { experimentIds: [0], filter: "span.name = 'lookup'", maxResults: 10 });
      expect(byName.rows.map((r) => r.trace_id)).toEqual([T1]);
      const byAttr = await searchTraces(store, { experimentIds: [0], filter: "span.attributes.who = 'cccccccccccccccc'", maxResults: 10 });
      expect(byAttr.rows.map((r) => r.trace_id)).toEqual([T2]);

      // A re-sent span of T1 is skipped, a new one is added; a brand-new trace gets a larger key.
      const span = (traceHex: string, spanId: string, parent: string | null) =>
        normalizeSpan({ ...emptySpan(), traceId: traceHex, spanId, parentSpanId: parent ?? '', name: 'late', startTimeUnixNano: '3000000', endTimeUnixNano: '4000000' });
      const r = await ingestSpans(store, 0, [span('1'.repeat(32), 'b'.repeat(16), 'a'.repeat(16)), span('1'.repeat(32), 'd'.repeat(16), 'a'.repeat(16)), span('3'.repeat(32), 'e'.repeat(16), null)]);
      expect(r).toEqual({ inserted: 2, duplicates: 1 });
      expect((await getTraceSpans(store, T1)).map((s) => s.span_id)).toEqual(['a'.repeat(16), 'b'.repeat(16), 'd'.repeat(16)]);
      const after = await store.db.selectFrom('trace_info').select(['trace_id', 'trace_key', 'num_spans']).orderBy('trace_key').execute();
      expect(after.map((x) => [x.trace_id, Number(x.num_spans)]).slice(-1)).toEqual([[`tr-${'3'.repeat(32)}`, 1]]);
      expect(after.find((x) => x.trace_id === T1)?.num_spans).toBe(3);
    });
  });
}
