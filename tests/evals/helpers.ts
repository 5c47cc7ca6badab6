import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import { createOpenAIJudgeClient } from '../../src/evals/judge-client.js';
import { createJudge, type JudgeOptions } from '../../src/evals/judge/judge.js';
import type { EvalRecord } from '../../src/evals/types.js';
import type { FakeJudge } from '../helpers/judge-fake.js';

export interface LabelledRecord extends EvalRecord {
  human: { groundedness: number; context_relevance: number[]; answer_relevance: string; correctness: string };
}

export const dataset: LabelledRecord[] = JSON.parse(readFileSync(new URL('../fixtures/rag-dataset.json', import.meta.url), 'utf8')).records;

/** A judge that reaches the fake through the real openai package over HTTP. */
export function fakeJudge(fake: FakeJudge, opts: Partial<JudgeOptions> = {}) {
  const client = createOpenAIJudgeClient(new OpenAI({ baseURL: fake.baseURL, apiKey: 'test', timeout: 2_000 }));
  return createJudge({ client, model: 'fake-judge', baseDelayMs: 5, ...opts });
}
