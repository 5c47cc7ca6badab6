import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { getTraceSpans, toOtelSpanJson } from '../../src/store/spans.js';
import { searchTraces } from '../../src/store/search-traces.js';
import { getTraceInfo } from '../../src/store/traces.js';
import { DIALECTS } from '../helpers/dialects.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { fixture } from './builders.js';

const PB = { 'content-type': 'application/x-protobuf' };
const JSON_TYPE = { 'content-type': 'application/json' };

/** The header row, plus tags and metadata as the trace API reports them (derived ones included; spansLocation left out). */
async function headerOf(s: TestServer, traceId: string) {
  const db = s.store.db;
  const info = await db.selectFrom('trace_info').selectAll().where('trace_id', '=', traceId).executeTakeFirst();
  const wire = await getTraceInfo(db, traceId);
  const { 'mlflow.trace.spansLocation': _spansLocation, ...tags } = wire?.tags ?? {};
  return { info, tags, meta: wire?.trace_metadata ?? {} };
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: OTLP/HTTP ingestion of the shared fixtures`, () => {
    let s: TestServer;
    let exp: string;
    beforeAll(async () => {
      s = await startTestServer(dialect);
      const now = Date.now();
      const row = await s.store.db.insertInto('experiments').values({ name: 'fixture-otlp', artifact_location: 'mlflow-artifacts:/1', lifecycle_stage: 'active', creation_time: now, last_update_time: now }).returning('experiment_id').executeTakeFirstOrThrow();
      exp = String(row.experiment_id);
      for (const name of ['otlp-openinference.pb', 'otlp-genai.pb']) {
        const r = await s.api('POST', '/v1/traces', fixture(name), { ...PB, 'x-mlflow-experiment-id': exp });
        expect(r.status).toBe(200);
        expect(r.headers.get('content-type')).toBe('application/x-protobuf');
        expect(r.text).toBe('');
      }
      const r = await s.api('POST', '/v1/traces', fixture('otlp-json-error-span.json'), { ...JSON_TYPE, 'x-mlflow-experiment-id': exp });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({});
    });
    afterAll(() => s?.close());

    test('the OpenInference trace gets a header with previews, tokens, cost, session and user as MLflow computes them', async () => {
      const { info, tags, meta } = await headerOf(s, 'tr-0af7651916cd43dd8448eb211c80319c');
      expect(info).toMatchObject({ experiment_id: Number(exp), state: 'OK', request_time: 1768471200000, execution_duration: 1200, num_spans: 3, spans_in_store: 1, input_tokens: 120, output_tokens: 24, total_tokens: 144, root_span_id: 'b7ad6b7169203301' });
      expect(info!.request_preview).toBe('"How long is the refund window?"');
      expect(info!.response_preview).toBe('"You can request a refund within 30 days of delivery."');
      expect(tags).toEqual({ 'mlflow.artifactLocation': 'mlflow-artifacts:/1/traces/tr-0af7651916cd43dd8448eb211c80319c/artifacts' });
      expect(JSON.parse(meta['mlflow.trace.tokenUsage'])).toEqual({ input_tokens: 120, output_tokens: 24, total_tokens: 144 });
      expect(JSON.parse(meta['mlflow.trace.cost'])).toEqual({ input_cost: 1.8e-5, output_cost: 1.44e-5, total_cost: 3.24e-5 });
      expect(meta['mlflow.trace.session']).toBe('"fixture-session-1"');
      expect(meta['mlflow.trace.user']).toBe('"fixture-user"');
      expect(meta['mlflow.trace_schema.version']).toBe('3');
      expect(JSON.parse(meta['mlflow.trace.sizeStats'])).toMatchObject({ num_spans: 3 });
      expect(Number(meta['mlflow.trace.sizeBytes'])).toBeGreaterThan(1000);
    });

    test('the GenAI trace takes the response model for cost and has no previews', async () => {
      const { info, meta } = await headerOf(s, 'tr-4bf92f3577b34da6a3ce929d0e0e4736');
      expect(info).toMatchObject({ state: 'OK', execution_duration: 900, request_preview: null, response_preview: null, total_tokens: 79 });
      expect(JSON.parse(meta['mlflow.trace.cost'])).toEqual({ input_cost: 8.7e-6, output_cost: 1.26e-5, total_cost: 2.13e-5 });
    });

    test('tags and metadata derived from the header row are searchable like stored ones, and a stored row wins', async () => {
      const oi = 'tr-0af7651916cd43dd8448eb211c80319c';
      const ids = async (filter: string) => (await searchTraces(s.store, { experimentIds: [Number(exp)], filter, maxResults: 50 })).rows.map((r) => r.trace_id);
      expect(await ids("metadata.`mlflow.trace.session` = '\"fixture-session-1\"'")).toEqual([oi]);
      expect(await ids('metadata.`mlflow.trace.tokenUsage` LIKE \'%"total_tokens":144}\'')).toEqual([oi]);
      expect(await ids(`tags.\`mlflow.artifactLocation\` = 'mlflow-artifacts:/1/traces/${oi}/artifacts'`)).toEqual([oi]);
      expect(await ids("metadata.`mlflow.trace_schema.version` = '3'")).toContain(oi);
      expect(await ids('metadata.`mlflow.trace.user` IS NULL')).not.toContain(oi);
      expect(await ids('metadata.`mlflow.trace.sizeBytes` IS NOT NULL')).toContain(oi);
      await s.store.db.insertInto('trace_metadata').values({ trace_id: oi, key: 'mlflow.trace.user', value: 'set-by-client' }).execute();
      expect(await ids("metadata.`mlflow.trace.user` = 'set-by-client'")).toEqual([oi]);
      expect(await ids("metadata.`mlflow.trace.user` = '\"fixture-user\"'")).toEqual([]);
      expect((await headerOf(s, oi)).meta['mlflow.trace.user']).toBe('set-by-client');
      await s.store.db.deleteFrom('trace_metadata').where('trace_id', '=', oi).where('key', '=', 'mlflow.trace.user').execute();
    });

    test('an ERROR root span makes the trace ERROR and its JSON previews come through', async () => {
      const { info } = await headerOf(s, 'tr-5b8efff798038103d269b633813fc60c');
      expect(info).toMatchObject({ state: 'ERROR', request_preview: '{"city":"Paris"}', response_preview: '{"temp_c":18}' });
    });

    test('spans come back whole with original and MLflow attributes, in the API form MLflow returns', async () => {
      const spans = await getTraceSpans(s.store, 'tr-0af7651916cd43dd8448eb211c80319c');
      expect(spans.map((x) => [x.name, x.span_type, x.status])).toEqual([['rag-pipeline', 'CHAIN', 'OK'], ['retrieve', 'RETRIEVER', 'OK'], ['llm', 'LLM', 'OK']]);
      const llm = spans[2];
      expect(llm.start_time_ns).toBe('1768471200200000000');
      expect(llm.attributes).toMatchObject({ 'llm.model_name': 'gpt-4o-mini', 'mlflow.llm.model': 'gpt-4o-mini', 'mlflow.chat.tokenUsage': { input_tokens: 120, output_tokens: 24, total_tokens: 144 }, 'mlflow.traceRequestId': 'tr-0af7651916cd43dd8448eb211c80319c' });
      const api = toOtelSpanJson(spans[0]);
      expect(api).toMatchObject({ trace_id: 'CvdlGRbNQ92ESOshHIAxnA==', span_id: 't61rcWkgMwE=', name: 'rag-pipeline', start_time_unix_nano: '1768471200000000000', end_time_unix_nano: '1768471201200000000', status: { code: 'STATUS_CODE_OK' } });
      expect(api).not.toHaveProperty('parent_span_id');
      expect(api.attributes).toContainEqual({ key: 'metadata', value: { kvlist_value: { values: [{ key: 'app_version', value: { string_value: '1.4.2' } }] } } });
      expect(toOtelSpanJson(spans[1]).parent_span_id).toBe('t61rcWkgMwE=');
    });

    test('the error span keeps its exception event and status message', async () => {
      const [span] = await getTraceSpans(s.store, 'tr-5b8efff798038103d269b633813fc60c');
      expect(toOtelSpanJson(span)).toMatchObject({
        status: { code: 'STATUS_CODE_ERROR', message: 'upstream weather API timed out' },
        events: [{ name: 'exception', time_unix_nano: '1768471320400000000', attributes: [{ key: 'exception.type', value: { string_value: 'TimeoutError' } }, { key: 'exception.message', value: { string_value: 'upstream weather API timed out' } }] }],
      });
    });

    test('re-sending the same spans stores nothing twice', async () => {
      const r = await s.api('POST', '/v1/traces', gzipSync(fixture('otlp-genai.pb')), { ...PB, 'content-encoding': 'gzip', 'x-mlflow-experiment-id': exp });
      expect(r.status).toBe(200);
      expect((await getTraceSpans(s.store, 'tr-4bf92f3577b34da6a3ce929d0e0e4736')).length).toBe(2);
      expect((await headerOf(s, 'tr-4bf92f3577b34da6a3ce929d0e0e4736')).info!.num_spans).toBe(2);
    });
  });
}
