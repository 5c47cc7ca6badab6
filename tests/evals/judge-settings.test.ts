import { describe, expect, test } from 'vitest';
import { resolveJudgeSettings } from '../../src/evals/judge-client.js';

describe('judge settings precedence: explicit, then GLASSBOX_JUDGE_*, then OPENAI_*', () => {
  test.for([
    [{ model: 'm-flag' }, { GLASSBOX_JUDGE_MODEL: 'm-env', OPENAI_API_KEY: 'k' }, { model: 'm-flag', apiKey: 'k', baseURL: undefined }],
    [{}, { GLASSBOX_JUDGE_MODEL: 'm-env', GLASSBOX_JUDGE_API_KEY: 'g', OPENAI_API_KEY: 'o' }, { model: 'm-env', apiKey: 'g', baseURL: undefined }],
    [{}, { OPENAI_API_KEY: 'o', OPENAI_BASE_URL: 'http://o/v1', GLASSBOX_JUDGE_BASE_URL: 'http://g/v1' }, { model: 'gpt-4o-mini', apiKey: 'o', baseURL: 'http://g/v1' }],
    [{ baseURL: 'http://local/v1' }, {}, { model: 'gpt-4o-mini', apiKey: 'not-needed', baseURL: 'http://local/v1' }],
  ] as const)('explicit %j with env %j resolves to %j', ([explicit, env, want]) => {
    expect(resolveJudgeSettings({ ...explicit }, { ...env })).toEqual(want);
  });

  test('without a key or a local base URL the error names every place a key can come from', () => {
    expect(() => resolveJudgeSettings({}, {})).toThrow('No judge API key: pass --judge-api-key or set GLASSBOX_JUDGE_API_KEY or OPENAI_API_KEY (or a judge base URL for a local endpoint)');
  });
});
