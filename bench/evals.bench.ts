import { cpus, loadavg } from 'node:os';
import OpenAI from 'openai';
import { evaluate } from '../src/evals/evaluate.js';
import { createJudge } from '../src/evals/judge/judge.js';
import { createOpenAIJudgeClient } from '../src/evals/judge-client.js';
import { createAnswerRelevanceJudge } from '../src/evals/llm/answer-relevance.js';
import { createContextRelevanceJudge } from '../src/evals/llm/context-relevance.js';
import { createGroundednessJudge } from '../src/evals/llm/groundedness.js';
import type { EvalRecord } from '../src/evals/types.js';
import { startFakeJudge } from '../tests/helpers/judge-fake.js';

/**
 * 1,000 in-memory records × 3 judges (groundedness, context relevance, answer relevance) against
 * the fake OpenAI-compatible judge answering after 50 ms, through the real openai package over
 * HTTP, at judge concurrency 1, 8 and 32, beside the ideal calls × latency / concurrency.
 * Concurrency 1 would take 150 s, so it runs RECORDS_AT_1 records and is scaled to 1,000 linearly
 * (each call waits for the previous one, so time is proportional to calls).
 * Baseline, measured in the same run: the same number of bare fetch() POSTs of a judge-sized body
 * to the same fake at the same concurrency, i.e. what HTTP and this machine cost without the judge
 * layers (openai client, limiter, retries, zod parsing, scorer logic).
 */
const RECORDS = Number(process.env.BENCH_EVAL_RECORDS ?? 1000);
const RECORDS_AT_1 = Number(process.env.BENCH_EVAL_RECORDS_AT_1 ?? 40);
const LATENCY_MS = 50;
const JUDGES = 3;

// Unique text per record, so the identical-call cache never short-circuits a call.
const records = (n: number): EvalRecord[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `r${i}`,
    question: `How many hours does battery model ${i} last?`,
    answer: `Battery model ${i} lasts twelve hours. It charges in two hours.`,
    context: [{ content: `Battery model ${i} lasts twelve hours on a single charge.` }, { content: `Model ${i} ships in a blue box.` }],
  }));

/** Bare fetch() POSTs through a pool of `concurrency` workers; returns wall seconds. */
async function baseline(url: string, calls: number, concurrency: number): Promise<number> {
  const body = JSON.stringify({ model: 'fake-judge', messages: [{ role: 'system', content: 'Task: answer_relevance. '.repeat(20) }, { role: 'user', content: '<question>\nq\n</question>\n<answer>\na\n</answer>' }] });
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next++ < calls) await (await fetch(`${url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).text();
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return (performance.now() - t0) / 1000;
}

async function main() {
  const fake = await startFakeJudge({ latencyMs: LATENCY_MS });
  const client = createOpenAIJudgeClient(new OpenAI({ baseURL: fake.baseURL, apiKey: 'bench', timeout: 30_000 }));
  console.log(`fake judge latency ${LATENCY_MS} ms, ${JUDGES} judges per record, ${cpus().length} CPUs, load ${loadavg()[0].toFixed(2)}`);
  console.log('concurrency  records  calls  wall s  wall s @1000  ideal s @1000  ideal/wall  bare fetch s @1000  failures  max in flight');
  for (const concurrency of [1, 8, 32]) {
    const n = concurrency === 1 ? RECORDS_AT_1 : RECORDS;
    const judge = createJudge({ client, model: 'fake-judge', concurrency });
    fake.requests.length = 0;
    fake.maxInFlight = 0;
    const t0 = performance.now();
    const report = await evaluate({
      data: records(n),
      scorers: [createGroundednessJudge({ judge }), createContextRelevanceJudge({ judge }), createAnswerRelevanceJudge({ judge })],
      concurrency,
    });
    const wall = (performance.now() - t0) / 1000;
    const calls = fake.requests.length;
    const scaled = (wall * RECORDS) / n;
    const ideal = (RECORDS * JUDGES * LATENCY_MS) / concurrency / 1000;
    const failures = report.rows.filter((r) => r.error).length;
    const inFlight = fake.maxInFlight;
    const bare = ((await baseline(fake.baseURL, n * JUDGES, concurrency)) * RECORDS) / n;
    console.log(
      `${String(concurrency).padStart(11)}  ${String(n).padStart(7)}  ${String(calls).padStart(5)}  ${wall.toFixed(2).padStart(6)}  ${scaled.toFixed(2).padStart(12)}  ${ideal.toFixed(2).padStart(13)}  ${(ideal / scaled).toFixed(3).padStart(10)}  ${bare.toFixed(2).padStart(18)}  ${String(failures).padStart(8)}  ${String(inFlight).padStart(13)}`,
    );
    if (calls !== n * JUDGES || failures) throw new Error(`expected ${n * JUDGES} calls and no failures, got ${calls} calls and ${failures} failures`);
  }
  await fake.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
