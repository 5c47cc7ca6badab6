import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AssessmentResponse } from '../../src/server/schemas/assessments.js';
import { TraceInfoResponse } from '../../src/server/schemas/traces.js';
import { DIALECTS } from '../helpers/dialects.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { expectError, makeExperiment, newTraceId, ok, startTrace, traceInfo, V3 } from './trace-builders.js';

/** What `mlflow.log_feedback("groundedness", 0.8, LLM_JUDGE)` sends (python-client-3.11.jsonl seq 46). */
const feedback = (over: Record<string, unknown> = {}) => ({
  assessment_name: 'groundedness',
  source: { source_type: 'LLM_JUDGE', source_id: 'judge-gpt-4o-mini' },
  create_time: '2026-11-26T15:53:23.503Z',
  last_update_time: '2026-11-26T15:53:23.503Z',
  feedback: { value: 0.8 },
  rationale: 'The answer is supported by the first retrieved document.',
  valid: true,
  ...over,
});

for (const dialect of DIALECTS) {
  describe(`${dialect}: assessments`, () => {
    let s: TestServer;
    let traceId: string;
    const base = () => `${V3}/traces/${traceId}/assessments`;
    const create = async (a: Record<string, unknown>) => ok(AssessmentResponse, await s.api('POST', base(), { assessment: a })).assessment;
    beforeAll(async () => {
      s = await startTestServer(dialect);
      const info = traceInfo(await makeExperiment(s));
      traceId = info.trace_id;
      await startTrace(s, info);
    });
    afterAll(() => s?.close());

    test('CreateAssessment assigns an id, keeps the client times and comes back inside the trace info', async () => {
      const created = await create({ ...feedback(), trace_id: 'tr-ignored-because-the-path-wins' });
      expect(created).toEqual({ ...feedback(), assessment_id: expect.stringMatching(/^a-[0-9a-f]{32}$/), trace_id: traceId });
      const info = ok(TraceInfoResponse, await s.api('GET', `${V3}/traces/${traceId}`)).trace.trace_info;
      expect(info.assessments).toContainEqual(created);
    });

    test('CreateAssessment on a missing trace is 404 and one with neither feedback nor expectation is 400', async () => {
      expectError(await s.api('POST', `${V3}/traces/${newTraceId()}/assessments`, { assessment: feedback() }), 404, 'RESOURCE_DOES_NOT_EXIST');
      const { feedback: _f, ...bare } = feedback();
      expectError(await s.api('POST', base(), { assessment: bare }), 400, 'INVALID_PARAMETER_VALUE', 'exactly one of feedback, expectation');
    });

    test('an override invalidates the assessment it replaces, and deleting the override restores it', async () => {
      const original = await create(feedback({ assessment_name: 'tone' }));
      const override = await create(feedback({ assessment_name: 'tone', feedback: { value: 0.1 }, overrides: original.assessment_id, source: { source_type: 'HUMAN', source_id: 'bob' } }));
      expect(override).toMatchObject({ overrides: original.assessment_id, valid: true });
      let got = ok(AssessmentResponse, await s.api('GET', `${base()}/${original.assessment_id}`)).assessment;
      expect(got.valid).toBe(false);
      await s.api('DELETE', `${base()}/${override.assessment_id}`, { trace_id: traceId, assessment_id: override.assessment_id });
      got = ok(AssessmentResponse, await s.api('GET', `${base()}/${original.assessment_id}`)).assessment;
      expect(got.valid).toBe(true);
    });

    test('overriding an assessment that does not exist is 404', async () => {
      expectError(await s.api('POST', base(), { assessment: feedback({ overrides: 'a-00000000000000000000000000000000' }) }), 404, 'RESOURCE_DOES_NOT_EXIST', 'a-00000000000000000000000000000000');
    });

    test.for(['assessmentName,feedback,rationale', 'assessment_name,feedback,rationale'])(
      'UpdateAssessment applies only the fields named in update_mask %s',
      async (mask) => {
        const a = await create(feedback({ metadata: { k: 'v' } }));
        const r = await s.api('PATCH', `${base()}/${a.assessment_id}`, {
          assessment: { assessment_id: a.assessment_id, trace_id: traceId, assessment_name: 'renamed', feedback: { value: 'no' }, rationale: 'changed', metadata: { other: 'x' } },
          update_mask: mask,
        });
        const updated = ok(AssessmentResponse, r).assessment;
        expect(updated).toMatchObject({ assessment_name: 'renamed', feedback: { value: 'no' }, rationale: 'changed', metadata: { k: 'v' }, create_time: a.create_time });
        expect(Date.parse(updated.last_update_time)).toBeGreaterThan(Date.parse(a.last_update_time));
      },
    );

    test('UpdateAssessment with an unknown update_mask path is a 400 and on a missing assessment a 404', async () => {
      const a = await create(feedback());
      expectError(await s.api('PATCH', `${base()}/${a.assessment_id}`, { assessment: {}, update_mask: 'bogusField' }), 400, 'INVALID_PARAMETER_VALUE', 'update_mask');
      expectError(await s.api('PATCH', `${base()}/a-missing`, { assessment: { rationale: 'x' }, update_mask: 'rationale' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'a-missing');
    });

    test('DeleteAssessment takes a JSON body, answers {} and then the assessment is gone', async () => {
      const a = await create(feedback());
      const r = await s.api('DELETE', `${base()}/${a.assessment_id}`, { trace_id: traceId, assessment_id: a.assessment_id });
      expect([r.status, r.body]).toEqual([200, {}]);
      expectError(await s.api('GET', `${base()}/${a.assessment_id}`), 404, 'RESOURCE_DOES_NOT_EXIST');
      expectError(await s.api('DELETE', `${base()}/${a.assessment_id}`, { trace_id: traceId, assessment_id: a.assessment_id }), 404, 'RESOURCE_DOES_NOT_EXIST');
    });

    test.for([
      ['an expectation with a JSON value', { expectation: { value: { answer: 'MLflow', score: [1, 2] } } }],
      ['an expectation with a serialized value', { expectation: { serialized_value: { serialization_format: 'JSON_FORMAT', value: '{"a": 1}' } } }],
      ['feedback that is only an error', { feedback: { error: { error_code: 'RATE_LIMIT', error_message: 'judge failed' } } }],
      ['feedback tied to a span', { feedback: { value: 'good' }, span_id: '00bc4b618ab7461c' }],
    ] as const)('%s round-trips unchanged', async ([, body]) => {
      const a = await create({ assessment_name: 'shape', source: { source_type: 'CODE', source_id: 'x' }, ...body });
      const got = ok(AssessmentResponse, await s.api('GET', `${base()}/${a.assessment_id}`)).assessment;
      expect(got).toMatchObject(body);
      expect(got.source).toEqual({ source_type: 'CODE', source_id: 'x' });
    });
  });
}
