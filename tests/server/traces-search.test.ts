import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SearchTracesV3Response } from '../../src/server/schemas/traces.js';
import { DIALECTS } from '../helpers/dialects.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { expectError, makeExperiment, ok, startTrace, traceInfo, V3 } from './trace-builders.js';

const T0 = Date.parse('2026-03-01T00:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

/** Four traces that differ in every searchable field; filters below name the ones they should match. */
const SEARCH_SEED = [
  {
    name: 'alpha', request_time: at(1), execution_duration: '0.100s', state: 'OK', client_request_id: 'c-1',
    tags: { env: 'prod' }, trace_metadata: { 'mlflow.sourceRun': 'run-1', user: 'ann' },
    assessments: [{ assessment_name: 'groundedness', feedback: { value: 0.8 } }, { assessment_name: 'passed', feedback: { value: true } }],
  },
  {
    name: 'beta', request_time: at(2), execution_duration: '0.500s', state: 'ERROR',
    tags: { env: 'dev' }, trace_metadata: { 'mlflow.sourceRun': 'run-2' },
    assessments: [{ assessment_name: 'groundedness', feedback: { value: 0.3 } }, { assessment_name: 'passed', feedback: { value: false } }],
  },
  {
    name: 'gamma', request_time: at(3), execution_duration: '0.050s', state: 'OK',
    tags: { 'my tag': 'x.y' }, trace_metadata: {},
    assessments: [
      { assessment_name: 'expected', expectation: { value: 'Yes' } },
      { assessment_name: 'label', feedback: { value: 'good answer' } },
      { assessment_name: 'hallucination', issue: { issue_id: 'iss-1', issue_name: 'hallucination' } },
    ],
  },
  { name: 'delta', request_time: at(4), state: 'IN_PROGRESS', tags: { env: 'prod-eu' }, trace_metadata: {}, assessments: [] },
];

for (const dialect of DIALECTS) {
  describe(`${dialect}: SearchTracesV3`, () => {
    let s: TestServer;
    let exp: string;
    const search = (body: Record<string, unknown>) =>
      s.api('POST', `${V3}/traces/search`, { locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } }], ...body });
    const names = async (body: Record<string, unknown>) => {
      const r = ok(SearchTracesV3Response, await search(body));
      return r.traces.map((t) => t.tags['mlflow.traceName']);
    };
    beforeAll(async () => {
      s = await startTestServer(dialect);
      exp = await makeExperiment(s);
      for (const { name, tags, ...rest } of SEARCH_SEED) {
        const info = traceInfo(exp, { ...rest, tags: { 'mlflow.traceName': name, ...tags } });
        if (!('execution_duration' in rest)) delete (info as Record<string, unknown>).execution_duration;
        await startTrace(s, info);
      }
      const [beta, alpha] = ok(SearchTracesV3Response, await search({ filter: "name IN ('alpha', 'beta')" })).traces.map((t) => t.trace_id);
      const link = (trace_id: string, prompt_versions: unknown) => s.api('POST', '/api/2.0/mlflow/traces/link-prompts', { trace_id, prompt_versions });
      await link(alpha, [{ name: 'qa', version: '1' }]);
      await link(beta, [{ name: 'qa', version: '1' }, { name: 'qa', version: '2' }]);
    });
    afterAll(() => s?.close());

    test('the default order is newest first and every trace carries its tags, metadata and assessments', async () => {
      const r = ok(SearchTracesV3Response, await search({}));
      expect(r.traces.map((t) => t.tags['mlflow.traceName'])).toEqual(['delta', 'gamma', 'beta', 'alpha']);
      expect(r.traces[3].assessments.map((a) => a.assessment_name).sort()).toEqual(['groundedness', 'passed']);
      expect(r.traces[3].trace_metadata.user).toBe('ann');
      expect(r.next_page_token).toBeUndefined();
    });

    test.for([
      ["trace.status = 'OK'", ['gamma', 'alpha']],
      ["status != 'OK'", ['delta', 'beta']],
      ["attributes.status IN ('ERROR', 'IN_PROGRESS')", ['delta', 'beta']],
      [`trace.timestamp_ms > ${T0 + 2000}`, ['delta', 'gamma']],
      [`timestamp <= ${T0 + 2000}`, ['beta', 'alpha']],
      ['trace.execution_time_ms >= 100', ['beta', 'alpha']],
      ['execution_time < 100', ['gamma']],
      [`end_time_ms = ${T0 + 2500}`, ['beta']],
      ["client_request_id = 'c-1'", ['alpha']],
      ["trace.name = 'beta'", ['beta']],
      ["name LIKE '%ta'", ['delta', 'beta']],
      ["name ILIKE 'ALP%'", ['alpha']],
      ["name RLIKE '^(al|ga)'", ['gamma', 'alpha']],
      ["name NOT IN ('alpha', 'beta')", ['delta', 'gamma']],
      ["run_id = 'run-2'", ['beta']],
      ["tags.env = 'prod'", ['alpha']],
      ["tag.env != 'prod'", ['delta', 'beta']],
      ["tags.env LIKE 'prod%'", ['delta', 'alpha']],
      ['tags.env IS NULL', ['gamma']],
      ['tags.env IS NOT NULL', ['delta', 'beta', 'alpha']],
      ["tags.`my tag` = 'x.y'", ['gamma']],
      ["metadata.user = 'ann'", ['alpha']],
      ["request_metadata.`mlflow.sourceRun` IN ('run-1', 'run-2')", ['beta', 'alpha']],
      ["feedback.groundedness = '0.8'", ['alpha']],
      ['feedback.groundedness > 0.5', ['alpha']],
      ['feedback.groundedness <= 0.5', ['beta']],
      ["feedback.passed = 'true'", ['alpha']],
      ["feedback.passed != 'true'", ['beta']],
      ["feedback.label LIKE 'good%'", ['gamma']],
      ['feedback.groundedness IS NULL', ['delta', 'gamma']],
      ["expectation.expected = 'Yes'", ['gamma']],
      ["expectation.expected ILIKE 'yes'", ['gamma']],
      ["assessment.expected = 'Yes'", ['gamma']],
      ["issue.id = 'iss-1'", ['gamma']],
      ["prompt = 'qa/2'", ['beta']],
      ["prompt = 'qa/1'", ['beta', 'alpha']],
      ["trace.status = 'OK' AND tags.env = 'prod' AND feedback.groundedness > 0.5", ['alpha']],
    ] as const)('filter %s matches %j', async ([filter, expected]) => {
      expect(await names({ filter })).toEqual(expected);
    });

    test.for([
      [['timestamp_ms ASC'], ['alpha', 'beta', 'gamma', 'delta']],
      [['execution_time DESC'], ['beta', 'alpha', 'gamma', 'delta']],
      [['name'], ['alpha', 'beta', 'delta', 'gamma']],
      [['status', 'timestamp_ms DESC'], ['beta', 'delta', 'gamma', 'alpha']],
      // Traces without a run come last (in trace id order), so only the first two are fixed.
      [['run_id DESC'], ['beta', 'alpha']],
    ] as const)('order_by %j starts with %j', async ([order_by, expected]) => {
      const got = await names({ order_by });
      expect(got.slice(0, expected.length)).toEqual(expected);
      expect(got).toHaveLength(4);
    });

    test('pages through results with opaque tokens and no repeats', async () => {
      const seen: string[] = [];
      let page_token: string | undefined;
      do {
        const r = ok(SearchTracesV3Response, await search({ max_results: 3, order_by: ['timestamp_ms ASC'], ...(page_token && { page_token }) }));
        seen.push(...r.traces.map((t) => t.tags['mlflow.traceName']));
        page_token = r.next_page_token;
      } while (page_token);
      expect(seen).toEqual(['alpha', 'beta', 'gamma', 'delta']);
    });

    test.for([
      ["trace.status = 'OK' OR name = 'x'", 'OR'],
      ["foo.bar = 'x'", 'foo'],
      ["trace.nonsense = 'x'", 'nonsense'],
      ["timestamp_ms > 'abc'", 'timestamp_ms'],
      ['tags.env > 3', 'tags'],
      ["status = 'OK' AND", 'AND'],
    ] as const)('bad filter %s is a 400 naming %s', async ([filter, token]) => {
      expectError(await search({ filter }), 400, 'INVALID_PARAMETER_VALUE', token);
    });

    test('bad order_by, page token, max_results and missing locations are 400s', async () => {
      expectError(await search({ order_by: ['tags.env'] }), 400, 'INVALID_PARAMETER_VALUE', 'tags.env');
      expectError(await search({ page_token: 'garbage!' }), 400, 'INVALID_PARAMETER_VALUE', 'page token');
      expectError(await search({ max_results: 501 }), 400, 'INVALID_PARAMETER_VALUE', 'max_results');
      expectError(await s.api('POST', `${V3}/traces/search`, {}), 400, 'INVALID_PARAMETER_VALUE', 'location');
    });

    test('experiment_ids are accepted in place of locations and other experiments are not searched', async () => {
      const other = await makeExperiment(s);
      await startTrace(s, traceInfo(other, { tags: { 'mlflow.traceName': 'elsewhere' } }));
      const r = ok(SearchTracesV3Response, await s.api('POST', `${V3}/traces/search`, { experiment_ids: [other] }));
      expect(r.traces.map((t) => t.tags['mlflow.traceName'])).toEqual(['elsewhere']);
      expect(await names({})).not.toContain('elsewhere');
    });
  });
}
