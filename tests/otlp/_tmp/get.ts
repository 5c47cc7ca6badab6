import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore } from '../../../src/store/db.js';
import { migrateToLatest } from '../../../src/store/migrate.js';
import { normalizeSpan } from '../../../src/server/otlp/normalize.js';
import { emptySpan } from '../../../src/server/otlp/otlp-types.js';
import { ingestSpans } from '../../../src/store/ingest.js';
import { getTraceSpans } from '../../../src/store/spans.js';
const dir = mkdtempSync(join(tmpdir(), 'get-'));
const store = createStore(`sqlite:///${dir}/x.db`);
await migrateToLatest(store.db);
const traceId = '0af7651916cd43dd8448eb211c80319c';
const attrs = () => ({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.call.arguments': JSON.stringify({ query: 'refund policy '.repeat(30) }), 'gen_ai.tool.call.result': 'ok '.repeat(150) });
for (let r = 0; r < 100; r++) {
  const spans = Array.from({ length: 100 }, (_, i) => normalizeSpan({ ...emptySpan(), traceId, spanId: (r * 100 + i + 1).toString(16).padStart(16, '0'), parentSpanId: r + i === 0 ? '' : '0000000000000001', name: 'step', startTimeUnixNano: String(1768471200000000000n + BigInt(r * 100 + i)), endTimeUnixNano: '1768471300000000000', attributes: attrs() }));
  await ingestSpans(store, 0, spans);
}
for (let k = 0; k < 3; k++) {
  const t = performance.now();
  const got = await getTraceSpans(store, `tr-${traceId}`);
  console.log(got.length, (performance.now() - t).toFixed(0), 'ms');
}
