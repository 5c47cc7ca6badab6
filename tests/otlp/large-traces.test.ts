import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { getTraceSpans, toOtelSpanJson } from '../../src/store/spans.js';
import { DIALECTS } from '../helpers/dialects.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { newTraceId, otlpJson, spanId } from './builders.js';
import { sqliteWriter } from '../../src/store/ingest-sqlite.js';
import { ingestSpans } from '../../src/store/ingest.js';
import { normalizeSpan } from '../../src/server/otlp/normalize.js';
import { emptySpan } from '../../src/server/otlp/otlp-types.js';


for (const dialect of DIALECTS) {
  describe(`${dialect}: large traces and back-pressure`, () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await startTestServer(dialect);
    });
    afterAll(() => s?.close());

    test('a 10,000-span trace sent in 20 concurrent requests of 500 comes back whole', { timeout: 120_000 }, async () => {
      const traceId = newTraceId();
      const bodies = Array.from({ length: 20 }, (_, r) =>
        otlpJson(Array.from({ length: 500 }, (_, i) => {
          const n = r * 500 + i + 1;
          return { traceId, spanId: spanId(n), parentSpanId: n === 1 ? undefined : spanId(1), name: `step-${n}`, start: 1768471200000000000n + BigInt(n) * 1000n, end: 1768471300000000000n, attributes: { 'tool.input': `payload ${n} `.repeat(10) } };
        })),
      );
      const statuses = await Promise.all(bodies.map((b) => s.api('POST', '/v1/traces', b, { 'content-type': 'application/json', 'x-mlflow-experiment-id': '0' }).then((r) => r.status)));
      expect(new Set(statuses)).toEqual(new Set([200]));
      const spans = await getTraceSpans(s.store, `tr-${traceId}`);
      expect(spans).toHaveLength(10_000);
      expect(new Set(spans.map((x) => x.span_id)).size).toBe(10_000);
      expect(spans[0]).toMatchObject({ name: 'step-1', parent_span_id: null });
      expect(spans[9_999].attributes['tool.input']).toBe('payload 10000 '.repeat(10));
      expect(toOtelSpanJson(spans[5]).start_time_unix_nano).toBe('1768471200000006000');
      const info = await s.store.db.selectFrom('trace_info').selectAll().where('trace_id', '=', `tr-${traceId}`).executeTakeFirstOrThrow();
      expect(info).toMatchObject({ num_spans: 10_000, state: 'OK', execution_duration: 100_000 });
    });

    // The group-commit queue is SQLite's; PostgreSQL's bound is the same check on in-flight spans.
    if (dialect === 'sqlite') test('when too many spans wait for the store, new requests get 503 with Retry-After and nothing acknowledged is lost', async () => {
      const writer = sqliteWriter(s.store.sqlite!);
      writer.maxPendingSpans = 5;
      try {
        const traceId = newTraceId();
        const span = (n: number) => normalizeSpan({ ...emptySpan(), traceId, spanId: spanId(n), name: `s${n}`, startTimeUnixNano: '1000000000', endTimeUnixNano: '2000000000' });
        const first = ingestSpans(s.store, 0, [1, 2, 3, 4].map(span));
        const second = ingestSpans(s.store, 0, [5, 6].map(span));
        await expect(second).rejects.toMatchObject({ code: 'TEMPORARILY_UNAVAILABLE', headers: { 'Retry-After': '1' } });
        expect(await first).toEqual({ inserted: 4, duplicates: 0 });
        const r = await s.api('POST', '/v1/traces', otlpJson([{ traceId: newTraceId(), spanId: spanId(1) }]), { 'content-type': 'application/json' });
        expect(r.status).toBe(200);
        expect((await getTraceSpans(s.store, `tr-${traceId}`)).map((x) => x.name)).toEqual(['s1', 's2', 's3', 's4']);
      } finally {
        writer.maxPendingSpans = 200_000;
      }
    });
  });
}
