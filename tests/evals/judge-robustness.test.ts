import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import OpenAI from 'openai';
import { createOpenAIJudgeClient } from '../../src/evals/judge-client.js';
import { createJudge } from '../../src/evals/judge/judge.js';
import { createAnswerRelevanceJudge } from '../../src/evals/llm/answer-relevance.js';
import { createGroundednessJudge } from '../../src/evals/llm/groundedness.js';
import { startFakeJudge, type FakeJudge } from '../helpers/judge-fake.js';
import { dataset, fakeJudge } from './helpers.js';

let fake: FakeJudge;
beforeAll(async () => {
  fake = await startFakeJudge();
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.requests.length = 0;
  fake.maxInFlight = 0;
  fake.latencyMs = 0;
});

const record = dataset[0];

describe('transport failures', () => {
  test.for([[429], [500], [503], [429, 502, 500]] as const)('the judge retries through %j and still scores the record', async (statuses) => {
    fake.failNext(...statuses);
    const judge = fakeJudge(fake);
    const r = await createGroundednessJudge({ judge }).evaluate(record);
    expect(r.score).toBe(1);
    expect(fake.requests).toHaveLength(statuses.length + 1);
    expect(judge.stats().retries).toBe(statuses.length);
  });

  test('a timeout is retried like a 5xx', async () => {
    // Its own fake: the abandoned request keeps hanging server-side and would skew in-flight counts.
    const slow = await startFakeJudge();
    try {
      slow.hangNext(1, 3_000);
      const judge = createJudge({ client: createOpenAIJudgeClient(new OpenAI({ baseURL: slow.baseURL, apiKey: 't', timeout: 600 })), model: 'm', baseDelayMs: 5 });
      const r = await createGroundednessJudge({ judge }).evaluate(record);
      expect(r.score).toBe(1);
      expect(judge.stats().retries).toBe(1);
    } finally {
      await slow.close();
    }
  });

  test('after the last retry the record gets a JUDGE_UNAVAILABLE error instead of failing the job', async () => {
    fake.failNext(500, 500, 500);
    const judge = fakeJudge(fake, { maxRetries: 2 });
    const r = await createGroundednessJudge({ judge }).evaluate(record);
    expect(r.error?.code).toBe('JUDGE_UNAVAILABLE');
    expect(r.error?.message).toMatch(/500/);
    expect(fake.requests).toHaveLength(3);
  });

  test('a 401 is not retried: it would fail the same way again', async () => {
    fake.failNext(401);
    const r = await createGroundednessJudge({ judge: fakeJudge(fake) }).evaluate(record);
    expect(r.error?.code).toBe('JUDGE_UNAVAILABLE');
    expect(fake.requests).toHaveLength(1);
  });
});

describe('malformed judge output', () => {
  test('a malformed reply is retried once, showing the judge what was wrong, and then scores normally', async () => {
    const r = await createAnswerRelevanceJudge({ judge: fakeJudge(fake) }).evaluate({ id: 'm', question: 'battery hours MALFORMED_ONCE', answer: 'battery hours' });
    expect(r.label).toBe('yes');
    expect(fake.requests).toHaveLength(2);
    const retry = fake.requests[1].messages;
    expect(retry.at(-2)).toMatchObject({ role: 'assistant', content: 'Sure! The verdict is: looks good to me.' });
    expect(retry.at(-1)!.content).toMatch(/no JSON object in the reply/);
    expect(r.usage?.calls).toBe(2);
  });

  test('a reply that stays malformed becomes an error result that keeps the raw reply and the cost', async () => {
    const judge = fakeJudge(fake);
    const r = await createAnswerRelevanceJudge({ judge }).evaluate({ id: 'm', question: 'MALFORMED_ALWAYS', answer: 'x' });
    expect(r.score).toBeUndefined();
    expect(r.error).toEqual({ code: 'MALFORMED_JUDGE_OUTPUT', message: 'no JSON object in the reply; reply was: Sure! The verdict is: looks good to me.' });
    expect(r.usage?.calls).toBe(2);
    expect(judge.stats()).toMatchObject({ malformed: 2, failures: 1 });
  });
});

describe('cache, concurrency and rate limits', () => {
  test('identical judge calls are made once and the repeat costs nothing', async () => {
    const judge = fakeJudge(fake, { price: { input: 1, output: 1 } });
    const g = createGroundednessJudge({ judge });
    const [a, b] = await Promise.all([g.evaluate(record), g.evaluate({ ...record, id: 'copy' })]);
    const c = await g.evaluate(record);
    expect(fake.requests).toHaveLength(1);
    expect([a.score, b.score, c.score]).toEqual([1, 1, 1]);
    expect(a.usage!.costUsd).toBeGreaterThan(0);
    expect([b.usage!.costUsd, c.usage!.costUsd]).toEqual([0, 0]);
    expect(judge.stats().cacheHits).toBe(2);
  });

  test('failed calls are not cached, so an identical later call tries again', async () => {
    fake.failNext(401);
    const g = createGroundednessJudge({ judge: fakeJudge(fake) });
    expect((await g.evaluate(record)).error).toBeDefined();
    expect((await g.evaluate(record)).score).toBe(1);
  });

  test.for([1, 3])('no more than %d judge calls are in flight at once', async (concurrency) => {
    // Long enough that calls overlap even when a loaded machine delays the client between sends.
    fake.latencyMs = 150;
    const judge = fakeJudge(fake, { concurrency, cache: false });
    const g = createGroundednessJudge({ judge });
    await Promise.all(dataset.map((r) => g.evaluate(r)));
    expect(fake.maxInFlight).toBe(concurrency);
  });

  test('judge latency counts the calls themselves, not the wait for a free slot', async () => {
    fake.latencyMs = 50;
    const g = createGroundednessJudge({ judge: fakeJudge(fake, { concurrency: 1, cache: false }) });
    const results = await Promise.all(dataset.map((r) => g.evaluate(r)));
    // Serialised, the last record waits ≥ 250 ms for its slot (≥ 300 ms if that counted); its own call takes ~50 ms.
    for (const r of results) expect(r.usage!.latencyMs).toBeLessThan(240);
  });

  test('a requests-per-minute limit spaces the calls out', async () => {
    const judge = fakeJudge(fake, { requestsPerMinute: 1200, cache: false }); // one start every 50 ms
    const g = createGroundednessJudge({ judge });
    const started = performance.now();
    await Promise.all(dataset.slice(0, 4).map((r) => g.evaluate(r)));
    // Starts at 0, 50, 100 and 150 ms.
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
  });
});
