import type { z } from 'zod';
import { JudgeCallError, type JudgeClient, type JudgeMessage } from '../judge-client.js';
import type { JudgeUsage } from '../types.js';
import { createLimiter } from './limiter.js';
import { parseJudgeJson } from './parse.js';
import { judgeCost, type ModelPrice } from './pricing.js';

export interface JudgeOptions {
  client: JudgeClient;
  model: string;
  /** Calls in flight at once (default 8). */
  concurrency?: number;
  /** Spreads call starts to stay under a provider limit. */
  requestsPerMinute?: number;
  /** Retries of one call on 429/5xx/timeouts (default 4), with exponential backoff and jitter. */
  maxRetries?: number;
  /** First backoff delay (default 500 ms), doubled each retry, capped at 30 s. */
  baseDelayMs?: number;
  price?: ModelPrice;
  /** Reuse the answer of an identical call (same model and messages) within this judge (default true). */
  cache?: boolean;
}

export type JudgeOutcome<T> =
  | { ok: true; value: T; usage: JudgeUsage }
  | { ok: false; error: { code: 'MALFORMED_JUDGE_OUTPUT' | 'JUDGE_UNAVAILABLE'; message: string }; usage: JudgeUsage };

export interface JudgeStats {
  calls: number;
  retries: number;
  cacheHits: number;
  malformed: number;
  failures: number;
}

/** A model behind a limiter, a retry policy and a cache: what every LLM scorer asks. */
export interface Judge {
  model: string;
  ask<T>(messages: JudgeMessage[], schema: z.ZodType<T>): Promise<JudgeOutcome<T>>;
  stats(): JudgeStats;
}

const emptyUsage = (model: string): JudgeUsage => ({ model, calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, latencyMs: 0 });

/**
 * Structured judge calls: the reply must be JSON matching `schema`. A malformed reply is retried
 * once with the parse error shown to the model; a second one becomes an error outcome (recorded as
 * an assessment error) instead of failing the job. Transport failures are retried with backoff.
 *
 * @example
 * const judge = createJudge({ client, model: 'gpt-4o-mini', concurrency: 8 });
 * const out = await judge.ask([{ role: 'user', content: 'Is 2+2=4? Reply {"ok":true|false}' }], z.object({ ok: z.boolean() }));
 * if (out.ok) console.log(out.value.ok, out.usage.costUsd);
 */
export function createJudge(opts: JudgeOptions): Judge {
  const limiter = createLimiter({ concurrency: opts.concurrency ?? 8, requestsPerMinute: opts.requestsPerMinute });
  const maxRetries = opts.maxRetries ?? 4;
  const baseDelay = opts.baseDelayMs ?? 500;
  const cache = new Map<string, Promise<JudgeOutcome<unknown>>>();
  const stats: JudgeStats = { calls: 0, retries: 0, cacheHits: 0, malformed: 0, failures: 0 };

  // Latency is the calls' own time: waiting for a limiter slot or sleeping between retries is left
  // out, so the per-scorer figure means the same at any concurrency.
  async function timedCall(messages: JudgeMessage[], usage: JudgeUsage) {
    const started = performance.now();
    try {
      return await opts.client.complete({ model: opts.model, messages, json: true });
    } finally {
      usage.latencyMs += performance.now() - started;
    }
  }

  async function send(messages: JudgeMessage[], usage: JudgeUsage) {
    for (let attempt = 0; ; attempt++) {
      try {
        stats.calls++;
        const reply = await limiter.run(() => timedCall(messages, usage));
        usage.calls++;
        usage.inputTokens += reply.inputTokens;
        usage.outputTokens += reply.outputTokens;
        usage.costUsd += judgeCost(opts.model, reply.inputTokens, reply.outputTokens, opts.price);
        return reply.content;
      } catch (err) {
        const retryable = err instanceof JudgeCallError ? err.retryable : false;
        if (!retryable || attempt >= maxRetries) throw err;
        stats.retries++;
        const delay = Math.min(30_000, baseDelay * 2 ** attempt) * (0.5 + Math.random() / 2);
        await new Promise((ok) => setTimeout(ok, delay));
      }
    }
  }

  async function askUncached<T>(messages: JudgeMessage[], schema: z.ZodType<T>): Promise<JudgeOutcome<T>> {
    const usage = emptyUsage(opts.model);
    const attempt = async (convo: JudgeMessage[]) => {
      try {
        const content = await send(convo, usage);
        return { sent: true as const, content, parsed: parseJudgeJson(content, schema) };
      } catch (err) {
        stats.failures++;
        return { sent: false as const, error: (err as Error).message };
      }
    };
    const first = await attempt(messages);
    if (!first.sent) return { ok: false, error: { code: 'JUDGE_UNAVAILABLE', message: first.error }, usage };
    if (first.parsed.ok) return { ok: true, value: first.parsed.value, usage };
    stats.malformed++;
    // One retry, showing the model its own reply and what was wrong with it.
    const second = await attempt([
      ...messages,
      { role: 'assistant', content: first.content },
      { role: 'user', content: `Your reply could not be used: ${first.parsed.error}. Reply again with only the JSON object described above.` },
    ]);
    if (!second.sent) return { ok: false, error: { code: 'JUDGE_UNAVAILABLE', message: second.error }, usage };
    if (second.parsed.ok) return { ok: true, value: second.parsed.value, usage };
    stats.malformed++;
    stats.failures++;
    const shown = second.content.length > 300 ? `${second.content.slice(0, 300)}…` : second.content;
    return { ok: false, error: { code: 'MALFORMED_JUDGE_OUTPUT', message: `${second.parsed.error}; reply was: ${shown}` }, usage };
  }

  return {
    model: opts.model,
    stats: () => ({ ...stats }),
    async ask<T>(messages: JudgeMessage[], schema: z.ZodType<T>) {
      if (opts.cache === false) return askUncached(messages, schema);
      const key = JSON.stringify([opts.model, messages]);
      const hit = cache.get(key) as Promise<JudgeOutcome<T>> | undefined;
      if (hit) {
        stats.cacheHits++;
        // The first caller paid for the call; a cached answer costs nothing, so usage is zero here.
        return hit.then((o) => ({ ...o, usage: emptyUsage(opts.model) }));
      }
      const pending = askUncached(messages, schema);
      cache.set(key, pending as Promise<JudgeOutcome<unknown>>);
      // Failures are not cached: a later identical call deserves a fresh attempt.
      pending.then((o) => !o.ok && cache.delete(key));
      return pending;
    },
  };
}
