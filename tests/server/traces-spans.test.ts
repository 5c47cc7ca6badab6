import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BatchGetTracesResponse, GetTraceResponse, SearchTracesV3Response, TraceInfoResponse } from '../../src/server/schemas/traces.js';
import { DIALECTS } from '../helpers/dialects.js';
import { FIXTURES_DIR } from '../helpers/replay.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { expectError, makeExperiment, ok, startTrace, traceInfo, V3 } from './trace-builders.js';

const FIXTURES = FIXTURES_DIR.replace(/\/$/, '');
const OPENINFERENCE_JSON = readFileSync(`${FIXTURES}/otlp/otlp-openinference.json`, 'utf8');
const OPENINFERENCE_PB = readFileSync(`${FIXTURES}/otlp/otlp-openinference.pb`);
const FIXTURE_HEX = '0af7651916cd43dd8448eb211c80319c';
/** The Python client's own traces.json upload (python-client-3.11.jsonl seq 40). */
const PYTHON_TRACES_JSON: string = readFileSync(`${FIXTURES}/mlflow-wire/python-client-3.11.jsonl`, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l))
  .find((r) => r.seq === 40).request_body;
const PYTHON_HEX = 'bca14693a2c2915339b04cfe6f1fdc85';

/** The 3-span OpenInference trace (a) of the fixtures as OTLP/JSON, under a fresh trace id. */
function openInferenceTrace() {
  const hex = randomBytes(16).toString('hex');
  return { traceId: `tr-${hex}`, body: OPENINFERENCE_JSON.replaceAll(FIXTURE_HEX, hex) };
}

/** The same trace as the fixture's protobuf twin (stored as the client's own Span bytes on SQLite). */
function openInferenceTracePb() {
  const id = randomBytes(16);
  const body = Buffer.from(OPENINFERENCE_PB);
  const old = Buffer.from(FIXTURE_HEX, 'hex');
  for (let at = body.indexOf(old); at >= 0; at = body.indexOf(old, at + 16)) id.copy(body, at);
  return { traceId: `tr-${id.toString('hex')}`, body };
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: traces with spans (OTLP and traces.json)`, () => {
    let s: TestServer;
    let exp: string;
    const postOtlp = (body: string) => s.api('POST', '/v1/traces', body, { 'content-type': 'application/json', 'x-mlflow-experiment-id': exp });
    const getInfo = async (id: string) => ok(TraceInfoResponse, await s.api('GET', `${V3}/traces/${id}`)).trace.trace_info;
    const getTrace = async (id: string, partial = 'False') => ok(GetTraceResponse, await s.api('GET', `${V3}/traces/get?trace_id=${id}&allow_partial=${partial}`)).trace;
    beforeAll(async () => {
      s = await startTestServer(dialect);
      exp = await makeExperiment(s);
    });
    afterAll(() => s?.close());

    test('spans first, then StartTraceV3: the reply reports TRACKING_STORE so the client skips the traces.json upload', async () => {
      const t = openInferenceTrace();
      expect((await postOtlp(t.body)).status).toBe(200);
      expect((await getInfo(t.traceId)).tags['mlflow.trace.spansLocation']).toBe('TRACKING_STORE');
      const info = traceInfo(exp, { trace_id: t.traceId, tags: { 'mlflow.traceName': 'rag', team: 'a' } });
      const merged = ok(TraceInfoResponse, await startTrace(s, info)).trace.trace_info;
      expect(merged.tags).toMatchObject({ 'mlflow.trace.spansLocation': 'TRACKING_STORE', 'mlflow.traceName': 'rag', team: 'a' });
      expect(merged).toMatchObject({ request_time: info.request_time, execution_duration: info.execution_duration });
      const trace = await getTrace(t.traceId);
      expect(trace.spans.map((sp) => sp.name).sort()).toEqual(['llm', 'rag-pipeline', 'retrieve']);
      expect(trace.spans.find((sp) => sp.name === 'rag-pipeline')).toMatchObject({ span_id: Buffer.from('b7ad6b7169203301', 'hex').toString('base64') });
    });

    test('the fixture protobuf export (trace a) followed by StartTraceV3 merges into one finalized trace', async () => {
      const pb = new Uint8Array(readFileSync(`${FIXTURES}/otlp/otlp-openinference.pb`));
      const traceId = `tr-${FIXTURE_HEX}`;
      const r = await s.api('POST', '/v1/traces', pb, { 'content-type': 'application/x-protobuf', 'x-mlflow-experiment-id': exp });
      expect(r.status).toBe(200);
      const before = await getInfo(traceId);
      expect(before).toMatchObject({ state: 'OK', request_time: '2026-01-15T10:00:00Z', execution_duration: '1.200s' });
      const info = traceInfo(exp, { trace_id: traceId, request_time: '2026-01-15T10:00:00Z', execution_duration: '1.200s' });
      const merged = ok(TraceInfoResponse, await startTrace(s, info)).trace.trace_info;
      expect(merged.tags['mlflow.trace.spansLocation']).toBe('TRACKING_STORE');
      expect(merged.trace_metadata).toMatchObject({ 'mlflow.trace.infoFinalized': 'true', 'mlflow.user': 'fixture-user' });
      expect((await getTrace(traceId)).spans).toHaveLength(3);
    });

    test('StartTraceV3 first, then spans: the client info is kept and spans become readable through traces/get', async () => {
      const t = openInferenceTrace();
      const info = traceInfo(exp, { trace_id: t.traceId, state: 'ERROR' });
      const started = ok(TraceInfoResponse, await startTrace(s, info)).trace.trace_info;
      expect(started.tags['mlflow.trace.spansLocation']).toBeUndefined();
      expect((await postOtlp(t.body)).status).toBe(200);
      const after = await getInfo(t.traceId);
      expect(after).toMatchObject({ state: 'ERROR', request_time: info.request_time, request_preview: info.request_preview });
      expect(after.tags['mlflow.trace.spansLocation']).toBe('TRACKING_STORE');
      expect((await getTrace(t.traceId)).spans).toHaveLength(3);
    });

    test('GetTrace with allow_partial=False waits for spans that are still on their way', async () => {
      const t = openInferenceTrace();
      await startTrace(s, traceInfo(exp, { trace_id: t.traceId }));
      const pending = getTrace(t.traceId);
      await new Promise((r) => setTimeout(r, 300));
      await postOtlp(t.body);
      expect((await pending).spans).toHaveLength(3);
    });

    test('BatchGetTraces returns each trace with its spans', async () => {
      const [a, b] = [openInferenceTrace(), openInferenceTrace()];
      await postOtlp(a.body);
      await postOtlp(b.body);
      const r = ok(BatchGetTracesResponse, await s.api('GET', `${V3}/traces/batchGet?trace_ids=${a.traceId}&trace_ids=${b.traceId}`));
      expect(r.traces.map((t) => [t.trace_info.trace_id, t.spans.length])).toEqual([[a.traceId, 3], [b.traceId, 3]]);
    });

    test.for(
      (['json', 'protobuf'] as const).flatMap((encoding) =>
        [
          ["span.name = 'retrieve'", true],
          ["span.name = 'nope'", false],
          ["span.type = 'RETRIEVER'", true],
          ["span.status = 'OK'", true],
          ["span.attributes.`llm.model_name` LIKE 'gpt%'", true],
          ["span.attributes.`llm.model_name` = 'claude'", false],
          ["text ILIKE '%REFUND WINDOW%'", true],
        ].map(([filter, found]) => [encoding, filter, found] as const),
      ),
    )('OTLP %s: span filter %s finds the trace: %s', async ([encoding, filter, found]) => {
      const own = await makeExperiment(s);
      const t = encoding === 'json' ? openInferenceTrace() : openInferenceTracePb();
      const type = encoding === 'json' ? 'application/json' : 'application/x-protobuf';
      expect((await s.api('POST', '/v1/traces', t.body, { 'content-type': type, 'x-mlflow-experiment-id': own })).status).toBe(200);
      const r = ok(SearchTracesV3Response, await s.api('POST', `${V3}/traces/search`, { experiment_ids: [own], filter }));
      expect(r.traces.map((x) => x.trace_id)).toEqual(found ? [t.traceId] : []);
    });

    test('a trace sent as OTLP protobuf reads back exactly like its OTLP/JSON twin', async () => {
      const [j, p] = [openInferenceTrace(), openInferenceTracePb()];
      await postOtlp(j.body);
      await s.api('POST', '/v1/traces', p.body, { 'content-type': 'application/x-protobuf', 'x-mlflow-experiment-id': exp });
      const spansOf = async (id: string) => {
        return JSON.stringify((await getTrace(id)).spans).replaceAll(Buffer.from(id.slice(3), 'hex').toString('base64'), 'ID').replaceAll(id, 'ID');
      };
      expect(await spansOf(p.traceId)).toBe(await spansOf(j.traceId));
    });

    test('DeleteTraces removes the spans of the deleted traces too', async () => {
      const t = openInferenceTrace();
      await postOtlp(t.body);
      await s.api('POST', `${V3}/traces/delete-traces`, { experiment_id: exp, request_ids: [t.traceId] });
      expect(await s.store.db.selectFrom('spans').select('span_id').where('trace_id', '=', t.traceId).execute()).toEqual([]);
      expect(await s.store.db.selectFrom('span_payloads').select('payload').where('payload', 'like', `%${t.traceId}%`).execute()).toEqual([]);
      expectError(await s.api('GET', `${V3}/traces/get?trace_id=${t.traceId}&allow_partial=True`), 404, 'RESOURCE_DOES_NOT_EXIST');
    });

    test('a Python-style traces.json upload stores the spans with their JSON-encoded attributes decoded', async () => {
      const hex = randomBytes(16).toString('hex');
      const traceId = `tr-${hex}`;
      await startTrace(s, traceInfo(exp, { trace_id: traceId }));
      const file = PYTHON_TRACES_JSON.replaceAll(PYTHON_HEX, hex).replaceAll('vKFGk6LCkVM5sEz+bx/chQ==', Buffer.from(hex, 'hex').toString('base64'));
      const put = await s.api('PUT', `/api/2.0/mlflow-artifacts/artifacts/${exp}/traces/${traceId}/artifacts/traces.json`, file, { 'content-type': 'application/json' });
      expect(put.status).toBe(200);
      const spans = (await getTrace(traceId)).spans;
      const root = spans.find((sp) => sp.name === 'answer_question')!;
      expect(root.start_time_unix_nano).toBe('1795708401672405089');
      expect(root.parent_span_id).toBeUndefined();
      expect(root.attributes).toContainEqual({ key: 'mlflow.spanInputs', value: { kvlist_value: { values: [{ key: 'question', value: { string_value: 'What is MLflow?' } }] } } });
      expect(spans).toHaveLength(3);
    });

    test('a TypeScript-SDK traces.json (raw attribute values, "OK"/"ERROR" status, "" parent) is stored with exact nanoseconds', async () => {
      const hex = randomBytes(16).toString('hex');
      const traceId = `tr-${hex}`;
      await startTrace(s, traceInfo(exp, { trace_id: traceId, tags: {} }));
      const b64 = (h: string) => Buffer.from(h, 'hex').toString('base64');
      const file = `{"spans":[{"trace_id":"${b64(hex)}","span_id":"${b64('00000000000000aa')}","parent_span_id":"","name":"root","start_time_unix_nano":1795708401672405089,"end_time_unix_nano":1795708401799756693,"status":{"code":"ERROR","message":"boom"},"attributes":{"mlflow.spanType":"AGENT","mlflow.spanInputs":{"q":"hi"},"count":3},"events":[]}]}`;
      await s.api('PUT', `/api/2.0/mlflow-artifacts/artifacts/${exp}/traces/${traceId}/artifacts/traces.json`, file, { 'content-type': 'application/json' });
      const [span] = (await getTrace(traceId, 'True')).spans;
      expect(span).toMatchObject({ name: 'root', start_time_unix_nano: '1795708401672405089', end_time_unix_nano: '1795708401799756693', status: { code: 'STATUS_CODE_ERROR', message: 'boom' } });
      expect(span.attributes).toContainEqual({ key: 'mlflow.spanInputs', value: { kvlist_value: { values: [{ key: 'q', value: { string_value: 'hi' } }] } } });
      expect(span.attributes).toContainEqual({ key: 'count', value: { int_value: 3 } });
    });

    test('a traces.json that is not JSON is still stored as a file and the upload succeeds', async () => {
      const hex = randomBytes(16).toString('hex');
      await startTrace(s, traceInfo(exp, { trace_id: `tr-${hex}` }));
      const put = await s.api('PUT', `/api/2.0/mlflow-artifacts/artifacts/${exp}/traces/tr-${hex}/artifacts/traces.json`, 'not json', { 'content-type': 'text/plain' });
      expect([put.status, put.body]).toEqual([200, {}]);
    });

    test('traces.json is generated from stored spans for a trace that only arrived over OTLP', async () => {
      const t = openInferenceTrace();
      await postOtlp(t.body);
      const r = await s.api('GET', `/api/2.0/mlflow-artifacts/artifacts/${exp}/traces/${t.traceId}/artifacts/traces.json`);
      expect(r.status).toBe(200);
      expect(r.text).toContain('"start_time_unix_nano":1768471200000000000');
      const names = (JSON.parse(r.text).spans as { name: string; attributes: Record<string, string> }[]).map((sp) => sp.name).sort();
      expect(names).toEqual(['llm', 'rag-pipeline', 'retrieve']);
    });
  });
}
