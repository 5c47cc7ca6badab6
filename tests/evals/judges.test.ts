import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createAnswerRelevanceJudge } from '../../src/evals/llm/answer-relevance.js';
import { createContextRelevanceJudge } from '../../src/evals/llm/context-relevance.js';
import { createCorrectnessJudge } from '../../src/evals/llm/correctness.js';
import { createCustomJudge } from '../../src/evals/llm/custom-judge.js';
import { createGroundednessJudge } from '../../src/evals/llm/groundedness.js';
import { createGuidelinesJudge } from '../../src/evals/llm/guidelines.js';
import { startFakeJudge, type FakeJudge } from '../helpers/judge-fake.js';
import { dataset, fakeJudge } from './helpers.js';

let fake: FakeJudge;
beforeAll(async () => {
  fake = await startFakeJudge();
});
afterAll(() => fake.close());

const byId = (id: string) => dataset.find((r) => r.id === id)!;

describe('the RAG triad on the labelled dataset', () => {
  // Worked out from the fake's rules (see judge-fake.ts) and the fixture sentences.
  test.for([
    ['r1', 1, []],
    ['r2', 0.5, ['It also glows purple at night.']],
    ['r3', 1, []],
    ['r4', 0, ['Our routers come in black and white.']],
    ['r5', 1, []],
    ['r6', 0, ['The gigabit port runs at eleven thousand megabits per second.']],
  ] as const)('groundedness of %s is %d with unsupported claims %j', async ([id, score, unsupported]) => {
    const r = await createGroundednessJudge({ judge: fakeJudge(fake) }).evaluate(byId(id));
    expect(r.score).toBe(score);
    expect(r.details?.unsupported_claims).toEqual(unsupported);
    for (const claim of unsupported) expect(r.explanation).toContain(claim);
  });

  test.for([
    ['r1', 0.5, 1, [1, 0]],
    ['r3', 0.5, 0.5, [0, 1]],
    ['r4', 1, 1, [1]],
  ] as const)('context relevance of %s has mean %d and rank-aware precision %d', async ([id, mean, precision, verdicts]) => {
    const r = await createContextRelevanceJudge({ judge: fakeJudge(fake) }).evaluate(byId(id));
    expect(r.score).toBe(mean);
    expect(r.details).toMatchObject({ rank_aware_precision: precision, chunk_relevance: verdicts });
  });

  test('per-chunk context relevance agrees with the human labels on every record', async () => {
    const judge = createContextRelevanceJudge({ judge: fakeJudge(fake) });
    for (const rec of dataset) expect((await judge.evaluate(rec)).details?.chunk_relevance).toEqual(rec.human.context_relevance);
  });

  test.for([
    ['r1', 'yes', 1],
    ['r4', 'no', 0],
  ] as const)('answer relevance of %s is %s (%d)', async ([id, label, score]) => {
    const r = await createAnswerRelevanceJudge({ judge: fakeJudge(fake) }).evaluate(byId(id));
    expect(r).toMatchObject({ label, score });
    expect(r.explanation).toMatch(/% of the question's words/);
  });

  test('answer relevance gives half a point to a partial answer', async () => {
    const r = await createAnswerRelevanceJudge({ judge: fakeJudge(fake) }).evaluate({ id: 'p', question: 'Battery life and warranty period?', answer: 'The battery is large.' });
    // question words: battery, life, warranty, period → 1 of 4 addressed
    expect(r).toMatchObject({ label: 'partial', score: 0.5 });
  });

  test('groundedness reports a missing context as an error, not as a zero score', async () => {
    const r = await createGroundednessJudge({ judge: fakeJudge(fake) }).evaluate({ id: 'x', question: 'q', answer: 'a' });
    expect(r.score).toBeUndefined();
    expect(r.error?.code).toBe('MISSING_INPUT');
  });

  test('every judge result carries the rationale and what the call cost', async () => {
    const r = await createGroundednessJudge({ judge: fakeJudge(fake, { price: { input: 1, output: 2 } }) }).evaluate(byId('r1'));
    expect(r.usage).toMatchObject({ model: 'fake-judge', calls: 1 });
    expect(r.usage!.inputTokens).toBeGreaterThan(0);
    expect(r.usage!.costUsd).toBeCloseTo((r.usage!.inputTokens * 1 + r.usage!.outputTokens * 2) / 1e6, 12);
    expect(r.explanation).toMatch(/^1\/1 claims supported/);
  });
});

describe('correctness and guidelines', () => {
  test.for([
    ['r1', 'correct'],
    ['r4', 'incorrect'],
    // The fake only checks words, so it misses the wrong figure a human caught.
    ['r6', 'correct'],
  ] as const)('correctness of %s is %s', async ([id, label]) => {
    expect((await createCorrectnessJudge({ judge: fakeJudge(fake) }).evaluate(byId(id))).label).toBe(label);
  });

  test('correctness without an expected answer is an error naming the missing field', async () => {
    const r = await createCorrectnessJudge({ judge: fakeJudge(fake) }).evaluate({ id: 'x', answer: 'a' });
    expect(r.error?.message).toMatch(/expectations\.expectedAnswer/);
  });

  test('guidelines score the share followed and list the broken ones', async () => {
    const g = createGuidelinesJudge({ judge: fakeJudge(fake), guidelines: ['Mention the warranty', 'Do not mention competitors', 'Mention the price'] });
    const r = await g.evaluate({ id: 'g', question: 'Tell me about it', answer: 'The warranty is two years, unlike competitors.' });
    expect(r.score).toBeCloseTo(1 / 3, 10);
    expect(r.label).toBe('fail');
    expect(r.details?.broken_guidelines).toEqual(['Do not mention competitors', 'Mention the price']);
  });
});

describe('custom judges from a template', () => {
  test('a boolean judge scores 1 for true and keeps the rationale', async () => {
    const polite = createCustomJudge({ judge: fakeJudge(fake), name: 'polite', output: { type: 'boolean' }, template: 'Is this reply polite? {{outputs}}' });
    const yes = await polite.evaluate({ id: '1', answer: 'Please find the manual attached.' });
    const no = await polite.evaluate({ id: '2', answer: 'Read the manual.' });
    expect([yes.score, yes.label, no.score, no.label]).toEqual([1, true, 0, false]);
    expect(yes.explanation).toBe('looked for please');
  });

  test('a category judge maps the chosen category to its score', async () => {
    const tone = createCustomJudge({
      judge: fakeJudge(fake),
      name: 'tone',
      output: { type: 'categories', categories: ['friendly', 'neutral', 'hostile'], scores: { friendly: 1, neutral: 0.5, hostile: 0 } },
      template: 'Classify the tone of {{outputs}} given {{inputs}}',
    });
    expect(await tone.evaluate({ id: '1', question: 'hi', answer: 'a friendly hello' })).toMatchObject({ label: 'friendly', score: 1 });
    expect(await tone.evaluate({ id: '2', question: 'hi', answer: 'go away' })).toMatchObject({ label: 'hostile', score: 0 });
  });

  test('a numeric judge rescales its value to 0–1 over the declared range', async () => {
    const excitement = createCustomJudge({ judge: fakeJudge(fake), name: 'excitement', output: { type: 'numeric', min: 1, max: 5 }, template: 'Rate {{outputs}}' });
    // three "!" → value 3 → (3 − 1) / (5 − 1)
    expect(await excitement.evaluate({ id: '1', answer: 'Wow! Great! Yes!' })).toMatchObject({ label: '3', score: 0.5 });
  });

  test('a template naming a variable outside inputs/outputs/context/expectations is refused at creation', () => {
    expect(() => createCustomJudge({ judge: fakeJudge(fake), name: 'bad', output: { type: 'boolean' }, template: 'Check {{answer}}' })).toThrow(
      /unknown template variable\(s\) answer; allowed: inputs, outputs, context, expectations/,
    );
  });
});
