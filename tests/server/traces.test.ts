import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  BatchGetTraceInfosResponse,
  DeleteTracesResponse,
  TraceInfoResponse,
} from '../../src/server/schemas/traces.js';
import { DIALECTS } from '../helpers/dialects.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { expectError, makeExperiment, newTraceId, ok, startTrace, traceInfo, V3 } from './trace-builders.js';

for (const dialect of DIALECTS) {
  describe(`${dialect}: MLflow V3 trace API`, () => {
    let s: TestServer;
    let exp: string;
    beforeAll(async () => {
      s = await startTestServer(dialect);
      exp = await makeExperiment(s);
    });
    afterAll(() => s?.close());

    test('StartTraceV3 returns the stored info with the server-added artifact location and finalized marker', async () => {
      const info = traceInfo(exp);
      const { trace } = ok(TraceInfoResponse, await startTrace(s, info));
      expect(trace.trace_info).toMatchObject({
        trace_id: info.trace_id,
        trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } },
        request_time: '2026-11-26T15:53:21.672Z',
        execution_duration: '0.127s',
        state: 'OK',
        request_preview: info.request_preview,
        response_preview: info.response_preview,
        assessments: [],
      });
      expect(trace.trace_info.tags).toEqual({
        'mlflow.traceName': 'answer_question',
        'mlflow.artifactLocation': `mlflow-artifacts:/${exp}/traces/${info.trace_id}/artifacts`,
      });
      expect(trace.trace_info.trace_metadata).toMatchObject({ ...info.trace_metadata, 'mlflow.trace.infoFinalized': 'true' });
    });

    test('StartTraceV3 is idempotent: the same info twice gives the same trace and stores its assessments once', async () => {
      const info = traceInfo(exp, {
        assessments: [{ assessment_name: 'correct', source: { source_type: 'HUMAN', source_id: 'alice' }, feedback: { value: true } }],
      });
      const first = ok(TraceInfoResponse, await startTrace(s, info));
      const second = ok(TraceInfoResponse, await startTrace(s, info));
      expect(second).toEqual(first);
      expect(second.trace.trace_info.assessments).toHaveLength(1);
      expect(second.trace.trace_info.assessments[0]).toMatchObject({
        assessment_name: 'correct',
        trace_id: info.trace_id,
        source: { source_type: 'HUMAN', source_id: 'alice' },
        feedback: { value: true },
        valid: true,
      });
      expect(second.trace.trace_info.assessments[0].assessment_id).toMatch(/^a-[0-9a-f]{32}$/);
    });

    test('StartTraceV3 client values overwrite an earlier StartTraceV3 and the artifact location cannot be replaced', async () => {
      const info = traceInfo(exp);
      await startTrace(s, info);
      const again = { ...info, state: 'ERROR', tags: { 'mlflow.traceName': 'renamed', 'mlflow.artifactLocation': 's3://elsewhere' } };
      const { trace } = ok(TraceInfoResponse, await startTrace(s, again));
      expect(trace.trace_info.state).toBe('ERROR');
      expect(trace.trace_info.tags['mlflow.traceName']).toBe('renamed');
      expect(trace.trace_info.tags['mlflow.artifactLocation']).toBe(`mlflow-artifacts:/${exp}/traces/${info.trace_id}/artifacts`);
    });

    test('StartTraceV3 merges into a trace header that span ingest created first and then reports TRACKING_STORE', async () => {
      const info = traceInfo(exp);
      // What OTLP ingest leaves behind when spans win the race (merge rules in the brief).
      await s.store.db
        .insertInto('trace_info')
        .values({ trace_id: info.trace_id, experiment_id: Number(exp), request_time: 1, execution_duration: 5, state: 'IN_PROGRESS', num_spans: 3, spans_in_store: 1, info_finalized: 0, created_at: Date.now(), request_preview: 'from spans', total_tokens: 59 })
        .execute();
      await s.store.db.insertInto('trace_metadata').values({ trace_id: info.trace_id, key: 'mlflow.trace.cost', value: '{"total_cost": 1}' }).execute();
      const { trace } = ok(TraceInfoResponse, await startTrace(s, info));
      expect(trace.trace_info).toMatchObject({ state: 'OK', request_time: '2026-11-26T15:53:21.672Z', execution_duration: '0.127s', request_preview: info.request_preview });
      expect(trace.trace_info.tags['mlflow.trace.spansLocation']).toBe('TRACKING_STORE');
      expect(trace.trace_info.trace_metadata['mlflow.trace.cost']).toBe('{"total_cost": 1}');
      const row = await s.store.db.selectFrom('trace_info').selectAll().where('trace_id', '=', info.trace_id).executeTakeFirstOrThrow();
      expect({ num_spans: Number(row.num_spans), total_tokens: Number(row.total_tokens), info_finalized: row.info_finalized }).toEqual({ num_spans: 3, total_tokens: 59, info_finalized: 1 });
    });

    test('StartTraceV3 into an unknown experiment is RESOURCE_DOES_NOT_EXIST and into a deleted one INVALID_PARAMETER_VALUE', async () => {
      expectError(await startTrace(s, traceInfo('987654')), 404, 'RESOURCE_DOES_NOT_EXIST', '987654');
      const deleted = await makeExperiment(s, 'deleted');
      expectError(await startTrace(s, traceInfo(deleted)), 400, 'INVALID_PARAMETER_VALUE', 'active');
    });

    test('StartTraceV3 without a trace id is a 400 naming the field', async () => {
      const { trace_id: _omit, ...info } = traceInfo(exp);
      expectError(await s.api('POST', `${V3}/traces`, { trace: { trace_info: info } }), 400, 'INVALID_PARAMETER_VALUE', 'trace.trace_info.trace_id');
    });

    test('GetTraceInfoV3 returns the info and a missing trace is 404 RESOURCE_DOES_NOT_EXIST naming it', async () => {
      const info = traceInfo(exp);
      await startTrace(s, info);
      const r = ok(TraceInfoResponse, await s.api('GET', `${V3}/traces/${info.trace_id}?trace_id=${info.trace_id}`));
      expect(r.trace.trace_info.trace_id).toBe(info.trace_id);
      const missing = newTraceId();
      expectError(await s.api('GET', `${V3}/traces/${missing}`), 404, 'RESOURCE_DOES_NOT_EXIST', missing);
    });

    test('the static trace routes win over /traces/:trace_id', async () => {
      expectError(await s.api('GET', `${V3}/traces/get`), 400, 'INVALID_PARAMETER_VALUE', 'trace_id');
      expectError(await s.api('GET', `${V3}/traces/batchGet`), 400, 'INVALID_PARAMETER_VALUE', 'trace_ids');
    });

    test('GetTrace of a trace whose spans are not in the store is 404 "not fully exported yet", never 5xx', async () => {
      const info = traceInfo(exp, { trace_metadata: {} });
      await startTrace(s, info);
      expectError(await s.api('GET', `${V3}/traces/get?trace_id=${info.trace_id}&allow_partial=True`), 404, 'RESOURCE_DOES_NOT_EXIST', 'not fully exported yet');
      expectError(await s.api('GET', `${V3}/traces/get?trace_id=${newTraceId()}&allow_partial=False`), 404, 'RESOURCE_DOES_NOT_EXIST');
    });

    test('BatchGetTraceInfos returns the existing traces in the order asked for', async () => {
      const a = traceInfo(exp);
      const b = traceInfo(exp);
      await startTrace(s, a);
      await startTrace(s, b);
      const r = ok(BatchGetTraceInfosResponse, await s.api('POST', `${V3}/traces/batchGetInfos`, { trace_ids: [b.trace_id, newTraceId(), a.trace_id] }));
      expect(r.trace_infos.map((t) => t.trace_id)).toEqual([b.trace_id, a.trace_id]);
    });

    test('SetTraceTag and DeleteTraceTag change tags; a missing tag or trace is 404', async () => {
      const info = traceInfo(exp);
      await startTrace(s, info);
      const set = await s.api('PATCH', `/api/2.0/mlflow/traces/${info.trace_id}/tags`, { key: 'reviewed', value: 'yes' });
      expect([set.status, set.body]).toEqual([200, {}]);
      let r = ok(TraceInfoResponse, await s.api('GET', `${V3}/traces/${info.trace_id}`));
      expect(r.trace.trace_info.tags.reviewed).toBe('yes');
      expect((await s.api('DELETE', `/api/2.0/mlflow/traces/${info.trace_id}/tags`, { key: 'reviewed' })).body).toEqual({});
      r = ok(TraceInfoResponse, await s.api('GET', `${V3}/traces/${info.trace_id}`));
      expect(r.trace.trace_info.tags.reviewed).toBeUndefined();
      expectError(await s.api('DELETE', `/api/2.0/mlflow/traces/${info.trace_id}/tags`, { key: 'reviewed' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'reviewed');
      expectError(await s.api('PATCH', `/api/3.0/mlflow/traces/${newTraceId()}/tags`, { key: 'k', value: 'v' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    });

    test.for(['mlflow.artifactLocation', 'mlflow.user'])('tag %s is immutable: setting or deleting it is a 400', async (key) => {
      const info = traceInfo(exp);
      await startTrace(s, info);
      expectError(await s.api('PATCH', `/api/2.0/mlflow/traces/${info.trace_id}/tags`, { key, value: 'x' }), 400, 'INVALID_PARAMETER_VALUE', key);
      expectError(await s.api('DELETE', `/api/2.0/mlflow/traces/${info.trace_id}/tags`, { key }), 400, 'INVALID_PARAMETER_VALUE', key);
    });

    test('DeleteTraces by request ids deletes exactly those traces with their tags, metadata and assessments', async () => {
      const own = await makeExperiment(s);
      const [a, b] = [traceInfo(own, { assessments: [{ assessment_name: 'x', expectation: { value: 1 } }] }), traceInfo(own)];
      await startTrace(s, a);
      await startTrace(s, b);
      const r = ok(DeleteTracesResponse, await s.api('POST', '/api/2.0/mlflow/traces/delete-traces', { experiment_id: own, request_ids: [a.trace_id, newTraceId()] }));
      expect(r.traces_deleted).toBe(1);
      expectError(await s.api('GET', `${V3}/traces/${a.trace_id}`), 404, 'RESOURCE_DOES_NOT_EXIST');
      expect((await s.api('GET', `${V3}/traces/${b.trace_id}`)).status).toBe(200);
      for (const table of ['trace_tags', 'trace_metadata', 'assessments'] as const) {
        expect(await s.store.db.selectFrom(table).select('trace_id').where('trace_id', '=', a.trace_id).execute()).toEqual([]);
      }
    });

    test('DeleteTraces by max_timestamp_millis deletes the oldest traces first, at most max_traces', async () => {
      const own = await makeExperiment(s);
      const times = ['2026-01-01T00:00:01Z', '2026-01-01T00:00:02Z', '2026-01-01T00:00:03Z', '2026-01-01T00:00:04Z'];
      const infos = times.map((t) => traceInfo(own, { request_time: t }));
      for (const i of infos) await startTrace(s, i);
      const cutoff = Date.parse('2026-01-01T00:00:03Z');
      const r = ok(DeleteTracesResponse, await s.api('POST', `${V3}/traces/delete-traces`, { experiment_id: own, max_timestamp_millis: cutoff, max_traces: 2 }));
      expect(r.traces_deleted).toBe(2);
      const left = await s.store.db.selectFrom('trace_info').select('trace_id').where('experiment_id', '=', Number(own)).execute();
      expect(left.map((x) => x.trace_id).sort()).toEqual([infos[2].trace_id, infos[3].trace_id].sort());
    });

    test.for([
      ['neither', {}],
      ['both', { max_timestamp_millis: 5, request_ids: ['tr-x'] }],
      ['max_traces without a timestamp', { request_ids: ['tr-x'], max_traces: 1 }],
    ] as const)('DeleteTraces with %s of the two modes is a 400', async ([, extra]) => {
      expectError(await s.api('POST', '/api/2.0/mlflow/traces/delete-traces', { experiment_id: exp, ...extra }), 400, 'INVALID_PARAMETER_VALUE');
    });

    test('LinkTracesToRun sets metadata mlflow.sourceRun and refuses more than 100 ids', async () => {
      const info = traceInfo(exp);
      await startTrace(s, info);
      expect((await s.api('POST', '/api/2.0/mlflow/traces/link-to-run', { trace_ids: [info.trace_id], run_id: 'r123' })).body).toEqual({});
      const r = ok(TraceInfoResponse, await s.api('GET', `${V3}/traces/${info.trace_id}`));
      expect(r.trace.trace_info.trace_metadata['mlflow.sourceRun']).toBe('r123');
      const ids = Array.from({ length: 101 }, newTraceId);
      expectError(await s.api('POST', '/api/2.0/mlflow/traces/link-to-run', { trace_ids: ids, run_id: 'r' }), 400, 'INVALID_PARAMETER_VALUE', '100');
    });

    test('LinkPromptsToTrace merges prompt versions into tag mlflow.linkedPrompts without duplicates', async () => {
      const info = traceInfo(exp);
      await startTrace(s, info);
      const link = (versions: unknown) => s.api('POST', '/api/2.0/mlflow/traces/link-prompts', { trace_id: info.trace_id, prompt_versions: versions });
      expect((await link([{ name: 'qa', version: '1' }])).status).toBe(200);
      expect((await link([{ name: 'qa', version: '1' }, { name: 'qa', version: '2' }])).status).toBe(200);
      const r = ok(TraceInfoResponse, await s.api('GET', `${V3}/traces/${info.trace_id}`));
      expect(JSON.parse(r.trace.trace_info.tags['mlflow.linkedPrompts'])).toEqual([{ name: 'qa', version: '1' }, { name: 'qa', version: '2' }]);
      expectError(await s.api('POST', '/api/2.0/mlflow/traces/link-prompts', { trace_id: newTraceId(), prompt_versions: [{ name: 'qa', version: '1' }] }), 404, 'RESOURCE_DOES_NOT_EXIST');
    });
  });
}
