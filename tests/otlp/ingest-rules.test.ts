import http from 'node:http';
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { getTraceSpans } from '../../src/store/spans.js';
import { getTraceInfo } from '../../src/store/traces.js';
import { DIALECTS } from '../helpers/dialects.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { fixture, newTraceId, otlpJson, spanId } from './builders.js';
import { oracleDecodeResponse, oracleEncode } from './oracle.js';

const JSON_TYPE = { 'content-type': 'application/json' };
const PB = { 'content-type': 'application/x-protobuf' };

async function createExperiment(s: TestServer, name: string, stage = 'active'): Promise<string> {
  const now = Date.now();
  const r = await s.store.db.insertInto('experiments').values({ name, artifact_location: 'pending', lifecycle_stage: stage, creation_time: now, last_update_time: now }).returning('experiment_id').executeTakeFirstOrThrow();
  await s.store.db.updateTable('experiments').set({ artifact_location: `mlflow-artifacts:/${r.experiment_id}` }).where('experiment_id', '=', r.experiment_id).execute();
  return String(r.experiment_id);
}

const info = (s: TestServer, id: string) => s.store.db.selectFrom('trace_info').selectAll().where('trace_id', '=', id).executeTakeFirst();

for (const dialect of DIALECTS) {
  describe(`${dialect}: OTLP request rules`, () => {
    let s: TestServer;
    let exp: string;
    beforeAll(async () => {
      s = await startTestServer(dialect, { maxBodyMb: 1 });
      exp = await createExperiment(s, 'rules');
    });
    afterAll(() => s?.close());

    const send = (body: string | Uint8Array, headers: Record<string, string> = JSON_TYPE, path = '/v1/traces') => s.api('POST', path, body, { 'x-mlflow-experiment-id': exp, ...headers });

    type BadInput = readonly [string, () => string | Uint8Array, Record<string, string>, number, string];
    test.for<BadInput>([
      ['truncated protobuf', () => fixture('otlp-genai.pb').subarray(0, 100), PB, 400, 'BAD_REQUEST'],
      ['garbage protobuf', () => Buffer.from('\xff\xfe not a protobuf message', 'latin1'), PB, 400, 'BAD_REQUEST'],
      ['invalid JSON', () => '{"resourceSpans": [', JSON_TYPE, 400, 'BAD_REQUEST'],
      ['JSON without resourceSpans', () => '{"resourceLogs": []}', JSON_TYPE, 400, 'BAD_REQUEST'],
      ['text/plain', () => 'hello', { 'content-type': 'text/plain' }, 415, 'INVALID_PARAMETER_VALUE'],
      ['no content type', () => new Uint8Array([1]), { 'content-type': '' }, 415, 'INVALID_PARAMETER_VALUE'],
      ['zstd encoding', () => '{}', { ...JSON_TYPE, 'content-encoding': 'zstd' }, 415, 'INVALID_PARAMETER_VALUE'],
      ['gzip header on plain bytes', () => '{}', { ...JSON_TYPE, 'content-encoding': 'gzip' }, 400, 'BAD_REQUEST'],
      ['a body over the limit', () => Buffer.alloc(1024 * 1024 + 10, 32), JSON_TYPE, 413, 'INVALID_PARAMETER_VALUE'],
      ['a gzip bomb over the limit once inflated', () => gzipSync(Buffer.alloc(5 * 1024 * 1024, 32)), { ...JSON_TYPE, 'content-encoding': 'gzip' }, 413, 'INVALID_PARAMETER_VALUE'],
    ])('%s is answered with an MLflow-shaped error', async ([, body, headers, status, code]) => {
      const r = await send(body(), headers);
      expect(r.status).toBe(status);
      expect(r.body).toMatchObject({ error_code: code });
      expect(r.body.message.length).toBeGreaterThan(10);
    });

    test('a chunked body (no Content-Length) over the limit gets 413 mid-stream, and the next request on the same agent is served', async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const post = (chunks: number) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          const url = new URL('/v1/traces', s.url);
          const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers: { ...PB, 'transfer-encoding': 'chunked', 'x-mlflow-experiment-id': exp } }, (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          });
          req.on('error', reject);
          let sent = 0;
          const pump = () => {
            while (sent < chunks) if (sent++, !req.write(Buffer.alloc(64 * 1024))) return void req.once('drain', pump);
            req.end(chunks === 0 ? fixture('otlp-genai.pb') : undefined);
          };
          pump();
        });
      try {
        const over = await post(48); // 3 MB against a 1 MB limit
        expect(over.status).toBe(413);
        expect(JSON.parse(over.body)).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('exceeds the limit of 1 MB') });
        expect((await post(0)).status).toBe(200);
      } finally {
        agent.destroy();
      }
    });

    test.for([
      ['gzip', gzipSync],
      ['deflate (zlib)', deflateSync],
      ['deflate (raw)', deflateRawSync],
    ] as const)('%s bodies are accepted', async ([name, compress]) => {
      const traceId = newTraceId();
      const r = await send(compress(Buffer.from(otlpJson([{ traceId, spanId: spanId(1) }]))), { ...JSON_TYPE, 'content-encoding': name.split(' ')[0] });
      expect(r.status).toBe(200);
      expect((await getTraceSpans(s.store, `tr-${traceId}`)).length).toBe(1);
    });

    test('an OTLP logs export sent to /v1/traces decodes as id-less spans, all rejected by partial success', async () => {
      const logs = { resourceSpans: [{ scopeSpans: [{ spans: [{ name: 'log line' }, { name: 'another' }] }] }] };
      const r = await send(JSON.stringify(logs));
      expect(r.status).toBe(200);
      expect(r.body.partialSuccess).toEqual({ rejectedSpans: '2', errorMessage: expect.stringContaining('traceId and spanId are required on every span') });
    });

    test('the /api/2.0/otel alias ingests like /v1/traces and protobuf is answered in protobuf', async () => {
      const r = await send(fixture('otlp-genai.pb'), PB, '/api/2.0/otel/v1/traces');
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('application/x-protobuf');
    });

    test('bad spans are rejected with partialSuccess while the rest of the batch is stored', async () => {
      const traceId = newTraceId();
      const body = otlpJson([
        { traceId, spanId: spanId(1), name: 'good' },
        { traceId, spanId: '' },
        { traceId: 'abc', spanId: spanId(2) },
        { traceId, spanId: spanId(3), start: 2000n, end: 1000n },
        { traceId, spanId: spanId(1), name: 'duplicate' },
      ]);
      const r = await send(body);
      expect(r.status).toBe(200);
      expect(r.body.partialSuccess.rejectedSpans).toBe('4');
      expect(r.body.partialSuccess.errorMessage).toMatch(/traceId and spanId are required.*traceId must be 16 bytes.*ends before it starts.*more than once/);
      expect((await getTraceSpans(s.store, `tr-${traceId}`)).map((x) => x.name)).toEqual(['good']);
    });

    test('a protobuf partial success is an encoded ExportTraceServiceResponse', async () => {
      const traceId = newTraceId();
      const span = (id: string) => ({ trace_id: Buffer.from(traceId, 'hex'), span_id: Buffer.from(id, 'hex'), name: 'p', start_time_unix_nano: 1, end_time_unix_nano: 2 });
      const body = oracleEncode({ resource_spans: [{ scope_spans: [{ spans: [span(spanId(1)), span('0102')] }] }] });
      const res = await fetch(`${s.url}/v1/traces`, { method: 'POST', body: body as Uint8Array<ArrayBuffer>, headers: { ...PB, 'x-mlflow-experiment-id': exp } });
      expect(res.status).toBe(200);
      const decoded = oracleDecodeResponse(new Uint8Array(await res.arrayBuffer()));
      expect(decoded.partial_success).toEqual({ rejected_spans: 1, error_message: expect.stringContaining('spanId must be 8 bytes') });
      expect((await getTraceSpans(s.store, `tr-${traceId}`)).length).toBe(1);
    });

    test('an unknown experiment id is 404 RESOURCE_DOES_NOT_EXIST and a deleted one is 400', async () => {
      const body = otlpJson([{ traceId: newTraceId(), spanId: spanId(1) }]);
      const missing = await s.api('POST', '/v1/traces', body, { ...JSON_TYPE, 'x-mlflow-experiment-id': '987654' });
      expect(missing.status).toBe(404);
      expect(missing.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
      const deleted = await createExperiment(s, 'rules-deleted', 'deleted');
      const r = await s.api('POST', '/v1/traces', body, { ...JSON_TYPE, 'x-mlflow-experiment-id': deleted });
      expect(r.status).toBe(400);
      expect(r.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    });

    test('without the header the resource attribute mlflow.experimentId picks the experiment', async () => {
      const traceId = newTraceId();
      const r = await s.api('POST', '/v1/traces', otlpJson([{ traceId, spanId: spanId(1) }], { 'mlflow.experimentId': exp, 'service.name': 'ignored' }), JSON_TYPE);
      expect(r.status).toBe(200);
      expect((await info(s, `tr-${traceId}`))!.experiment_id).toBe(Number(exp));
    });

    test('service.name maps to an experiment of that name, created once even when requests race', async () => {
      const name = `svc-${newTraceId().slice(0, 8)}`;
      const ids = Array.from({ length: 6 }, () => newTraceId());
      const rs = await Promise.all(ids.map((traceId) => s.api('POST', '/v1/traces', otlpJson([{ traceId, spanId: spanId(1) }], { 'service.name': name }), JSON_TYPE)));
      expect(rs.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
      const exps = await s.store.db.selectFrom('experiments').selectAll().where('name', '=', name).execute();
      expect(exps).toHaveLength(1);
      expect(exps[0].artifact_location).toBe(`mlflow-artifacts:/${exps[0].experiment_id}`);
      const rows = await s.store.db.selectFrom('trace_info').select('experiment_id').where('trace_id', 'in', ids.map((i) => `tr-${i}`)).execute();
      expect(new Set(rows.map((r) => r.experiment_id))).toEqual(new Set([exps[0].experiment_id]));
    });

    test('with neither header nor resource hints spans go to the Default experiment', async () => {
      const traceId = newTraceId();
      expect((await s.api('POST', '/v1/traces', otlpJson([{ traceId, spanId: spanId(1) }]), JSON_TYPE)).status).toBe(200);
      expect((await info(s, `tr-${traceId}`))!.experiment_id).toBe(0);
    });

    test('a trace arriving in several requests is IN_PROGRESS until its root arrives, then spans the whole time range', async () => {
      const traceId = newTraceId();
      await send(otlpJson([{ traceId, spanId: spanId(2), parentSpanId: spanId(1), start: 1768471200500000000n, end: 1768471203000000000n }]));
      expect(await info(s, `tr-${traceId}`)).toMatchObject({ state: 'IN_PROGRESS', num_spans: 1, root_span_id: null });
      await send(otlpJson([{ traceId, spanId: spanId(1), name: 'root', status: 2, start: 1768471200000000000n, end: 1768471202000000000n, attributes: { 'input.value': 'q' } }]));
      expect(await info(s, `tr-${traceId}`)).toMatchObject({ state: 'ERROR', num_spans: 2, root_span_id: spanId(1), request_time: 1768471200000, execution_duration: 3000, request_preview: '"q"' });
    });

    test('a header finalised by StartTraceV3 keeps its state, previews and times; counters and NULL columns still update', async () => {
      const traceId = `tr-${newTraceId()}`;
      await s.store.db.insertInto('trace_info').values({ trace_id: traceId, experiment_id: Number(exp), request_time: 5, execution_duration: 7, state: 'OK', request_preview: '"client"', response_preview: null, client_request_id: null, num_spans: 0, input_tokens: null, output_tokens: null, total_tokens: null, cost: null, root_span_id: null, info_finalized: 1, spans_in_store: 0, created_at: 1 }).execute();
      await s.store.db.insertInto('trace_metadata').values({ trace_id: traceId, key: 'mlflow.trace.tokenUsage', value: 'client-value' }).execute();
      const body = otlpJson([{ traceId: traceId.slice(3), spanId: spanId(1), status: 2, attributes: { 'input.value': 'ours', 'output.value': 'answer', 'llm.token_count.prompt': 3, 'llm.token_count.completion': 4 } }]);
      expect((await send(body)).status).toBe(200);
      expect(await info(s, traceId)).toMatchObject({ state: 'OK', request_time: 5, execution_duration: 7, request_preview: '"client"', response_preview: '"answer"', num_spans: 1, spans_in_store: 1, input_tokens: 3, output_tokens: 4, root_span_id: spanId(1) });
      const meta = await s.store.db.selectFrom('trace_metadata').select(['key', 'value']).where('trace_id', '=', traceId).execute();
      expect(meta.find((m) => m.key === 'mlflow.trace.tokenUsage')!.value).toBe('client-value');
      const wire = await getTraceInfo(s.store.db, traceId);
      expect(wire!.trace_metadata['mlflow.trace.tokenUsage']).toBe('client-value');
      expect(wire!.tags['mlflow.artifactLocation']).toBe(`mlflow-artifacts:/${exp}/traces/${traceId}/artifacts`);
    });

    test('only MLflow SDK spans name the trace after the root span', async () => {
      const a = newTraceId();
      const b = newTraceId();
      await send(otlpJson([{ traceId: a, spanId: spanId(1), name: 'answer_question', attributes: { 'mlflow.spanType': 'CHAIN', 'mlflow.traceRequestId': `tr-${a}` } }]));
      await send(otlpJson([{ traceId: b, spanId: spanId(1), name: 'plain-otel' }]));
      const names = await s.store.db.selectFrom('trace_tags').select(['trace_id', 'value']).where('key', '=', 'mlflow.traceName').where('trace_id', 'in', [`tr-${a}`, `tr-${b}`]).execute();
      expect(names).toEqual([{ trace_id: `tr-${a}`, value: 'answer_question' }]);
    });
  });
}
