import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { normalizeSpan } from '../../src/server/otlp/normalize.js';
import { parseTracesJson } from '../../src/server/trace-artifacts.js';
import { ingestSpans } from '../../src/store/ingest.js';
import { getTraceSpans, spanFilterCondition, toTracesJsonSpan, tracesJsonText } from '../../src/store/spans.js';
import { DIALECTS } from '../helpers/dialects.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { fixture } from './builders.js';

const RAG = 'tr-0af7651916cd43dd8448eb211c80319c';
const GENAI = 'tr-4bf92f3577b34da6a3ce929d0e0e4736';
const ERR = 'tr-5b8efff798038103d269b633813fc60c';

for (const dialect of DIALECTS) {
  describe(`${dialect}: span filters for trace search, and traces.json`, () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await startTestServer(dialect);
      for (const [name, type] of [['otlp-openinference.pb', 'application/x-protobuf'], ['otlp-genai.pb', 'application/x-protobuf'], ['otlp-json-error-span.json', 'application/json']]) {
        expect((await s.api('POST', '/v1/traces', fixture(name), { 'content-type': type, 'x-mlflow-experiment-id': '0' })).status).toBe(200);
      }
    });
    afterAll(() => s?.close());

    const matching = async (key: string, op: string, value: string | string[] | null) => {
      const rows = await s.store.db.selectFrom('trace_info').select('trace_id').where(spanFilterCondition(dialect, { key, op, value })).orderBy('trace_id').execute();
      return rows.map((r) => r.trace_id);
    };

    test.for([
      ['name', '=', 'retrieve', [RAG]],
      ['name', 'LIKE', 'chat%', [GENAI]],
      ['name', 'LIKE', 'CHAT%', []],
      ['name', 'ILIKE', 'CHAT%', [GENAI]],
      ['name', 'IN', ['llm', 'tool.lookup_weather'], [RAG, ERR]],
      ['name', 'NOT IN', ['llm', 'retrieve', 'rag-pipeline'], [GENAI, ERR]],
      ['name', 'RLIKE', '^(llm|retr)', [RAG]],
      ['type', '=', 'CHAT_MODEL', [GENAI]],
      ['type', '!=', 'TOOL', [RAG, GENAI]],
      ['status', '=', 'ERROR', [ERR]],
      ['status', '=', 'STATUS_CODE_OK', [RAG]],
      ['attributes.llm.model_name', '=', 'gpt-4o-mini', [RAG]],
      ['attributes.mlflow.llm.model', '=', 'gpt-4o-mini-2024-07-18', [GENAI]],
      ['attributes.gen_ai.usage.input_tokens', '=', '58', [GENAI]],
      ['attributes.`tool.name`', 'LIKE', 'lookup%', [ERR]],
      ['content', 'ILIKE', '%REFUND WINDOW%', [RAG]],
      ['content', 'LIKE', '%order #1234%', [GENAI]],
    ] as const)('span.%s %s %j finds the right traces', async ([key, op, value, expected]) => {
      expect(await matching(key, op, value as string | string[])).toEqual(expected);
    });

    test('an unknown span field is a clear INVALID_PARAMETER_VALUE', () => {
      expect(() => spanFilterCondition(dialect, { key: 'colour', op: '=', value: 'x' })).toThrow(/span\.colour/);
    });

    test('traces.json spans from the Python writer (JSON-encoded values) and the TS SDK (raw values) ingest alike and are served back exactly', async () => {
      const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
      const trace = '6f1e2d3c4b5a69788796a5b4c3d2e1f0';
      const python = { spans: [{ trace_id: b64(trace), span_id: b64('00000000000000a1'), parent_span_id: null, name: 'py', start_time_unix_nano: 1768471200000000001n, end_time_unix_nano: '1768471200500000000', status: { code: 'STATUS_CODE_OK', message: '' },
        attributes: { 'mlflow.traceRequestId': `"tr-${trace}"`, 'mlflow.spanType': '"CHAIN"', 'mlflow.spanInputs': '{"x": 1}', 'mlflow.spanOutputs': '2' }, events: [] }] };
      const ts = { spans: [{ trace_id: b64(trace), span_id: b64('00000000000000a2'), parent_span_id: b64('00000000000000a1'), name: 'ts', start_time_unix_nano: 1768471200100000000, end_time_unix_nano: 1768471200200000000, status: { code: 'ERROR' },
        attributes: { 'mlflow.spanType': 'LLM', 'mlflow.spanInputs': { q: 'hi' }, 'mlflow.chat.tokenUsage': { input_tokens: 5, output_tokens: 6, total_tokens: 11 } }, events: [] }] };
      const exact = (doc: unknown) => JSON.stringify(doc, (_k, v) => (typeof v === 'bigint' ? `@@${v}` : v)).replace(/"@@(\d+)"/g, '$1');
      await ingestSpans(s.store, 0, [...parseTracesJson(exact(python), trace), ...parseTracesJson(exact(ts), trace)].map((s) => normalizeSpan(s)));
      const spans = await getTraceSpans(s.store, `tr-${trace}`);
      expect(spans.map((x) => [x.name, x.span_type, x.status])).toEqual([['py', 'CHAIN', 'OK'], ['ts', 'LLM', 'ERROR']]);
      expect(spans[0].attributes['mlflow.spanInputs']).toEqual({ x: 1 });
      const info = await s.store.db.selectFrom('trace_info').selectAll().where('trace_id', '=', `tr-${trace}`).executeTakeFirstOrThrow();
      expect(info).toMatchObject({ state: 'OK', total_tokens: 11, request_preview: '{"x":1}', response_preview: '2' });
      const text = tracesJsonText(spans);
      expect(text).toContain('"start_time_unix_nano":1768471200000000001');
      expect(JSON.parse(text).spans[0]).toMatchObject({ span_id: 'AAAAAAAAAKE=', parent_span_id: null, status: { code: 'STATUS_CODE_OK', message: '' }, attributes: { 'mlflow.spanType': '"CHAIN"', 'mlflow.spanInputs': '{"x":1}', 'mlflow.spanOutputs': '2' } });
      expect(toTracesJsonSpan(spans[1]).parent_span_id).toBe('AAAAAAAAAKE=');
    });
  });
}
