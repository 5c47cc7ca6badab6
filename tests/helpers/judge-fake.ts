import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';

/**
 * A local OpenAI-compatible judge (/v1/chat/completions) that answers from the prompt it receives,
 * with simple, predictable rules, so tests exercise real HTTP, parsing and aggregation:
 * - content words: lower-case alphanumeric runs of 4+ letters that are not stop words;
 * - groundedness: each sentence of <answer> is a claim, supported when all its content words occur in <context>;
 * - context_relevance: a chunk is relevant when it shares a content word with <question>;
 * - answer_relevance: share of the question's content words found in the answer ≥ 0.5 → yes, > 0 → partial, else no;
 * - correctness: correct when every content word of <expected_answer> occurs in <answer>;
 * - guidelines: "Mention X" passes when the answer contains X, "Do not mention X" when it does not;
 * - custom judges: boolean → true when the prompt contains "please"; categories → the first one named
 *   in the prompt (else the last); numeric → the number of "!" in the prompt, clamped to the range.
 * Prompt triggers: MALFORMED_ALWAYS → never valid JSON; MALFORMED_ONCE → invalid until the judge is
 * told its reply could not be used. Knobs: latency, queued HTTP failures, hangs.
 */
export interface FakeJudge {
  baseURL: string;
  requests: { model: string; messages: { role: string; content: string }[] }[];
  /** Highest number of requests being answered at the same time. */
  maxInFlight: number;
  latencyMs: number;
  /** Statuses answered (in order) before normal service resumes, e.g. [429, 500]. */
  failNext(...statuses: number[]): void;
  /** The next n requests wait `ms` before answering (to trigger client timeouts). */
  hangNext(n: number, ms: number): void;
  close(): Promise<void>;
}

const STOP = new Set(['what', 'which', 'when', 'where', 'does', 'this', 'that', 'with', 'from', 'have', 'your', 'about', 'there', 'their', 'they', 'will', 'would', 'could', 'should', 'into', 'than', 'then', 'them', 'were', 'been', 'being', 'also', 'only', 'just', 'very', 'much', 'many', 'some', 'each', 'here']);
const words = (s: string) => new Set((s.toLowerCase().match(/[a-z0-9]+/g) ?? []).filter((w) => w.length >= 4 && !STOP.has(w)));
const section = (text: string, tag: string) => new RegExp(`<${tag}>\\n?([\\s\\S]*?)\\n?</${tag}>`).exec(text)?.[1] ?? '';
const numbered = (text: string) => [...text.matchAll(/^\[?(\d+)[\].]\s*(.*)$/gm)].map((m) => ({ index: Number(m[1]), text: m[2] }));

type Rule = (user: string, system: string) => unknown;

const RULES: Record<string, Rule> = {
  groundedness(user) {
    const ctx = words(section(user, 'context'));
    const claims = section(user, 'answer').split(/(?<=[.!?])\s+/).map((c) => c.trim()).filter(Boolean);
    return {
      claims: claims.map((claim) => {
        const missing = [...words(claim)].filter((w) => !ctx.has(w));
        return { claim, supported: missing.length === 0, reason: missing.length ? `not in context: ${missing.join(', ')}` : 'stated in the context' };
      }),
      rationale: 'checked claim by claim',
    };
  },
  context_relevance(user) {
    const qw = words(section(user, 'question'));
    const chunks = numbered(section(user, 'context'));
    return { chunks: chunks.map((c) => ({ index: c.index, relevant: [...words(c.text)].some((w) => qw.has(w)), reason: 'word overlap' })), rationale: 'per chunk' };
  },
  answer_relevance(user) {
    const qw = [...words(section(user, 'question'))];
    const aw = words(section(user, 'answer'));
    const share = qw.length ? qw.filter((w) => aw.has(w)).length / qw.length : 0;
    return { verdict: share >= 0.5 ? 'yes' : share > 0 ? 'partial' : 'no', rationale: `${Math.round(share * 100)}% of the question's words are addressed` };
  },
  correctness(user) {
    const aw = words(section(user, 'answer'));
    const missing = [...words(section(user, 'expected_answer'))].filter((w) => !aw.has(w));
    return { verdict: missing.length ? 'incorrect' : 'correct', rationale: missing.length ? `missing ${missing.join(', ')}` : 'all expected facts present' };
  },
  guidelines(user) {
    const answer = section(user, 'answer').toLowerCase();
    return {
      results: numbered(section(user, 'guidelines')).map((g) => {
        const not = /^do not mention (.+)$/i.exec(g.text);
        const must = /^mention (.+)$/i.exec(g.text);
        const pass = not ? !answer.includes(not[1].toLowerCase()) : must ? answer.includes(must[1].toLowerCase()) : true;
        return { index: g.index, pass, reason: pass ? 'followed' : 'broken' };
      }),
      rationale: 'rule by rule',
    };
  },
  'custom judge'(user, system) {
    if (/true or false/.test(system)) return { value: /please/i.test(user), rationale: 'looked for please' };
    const cats = /one of (.+)\.$/.exec(system.split(' where ')[1] ?? '')?.[1];
    if (cats) {
      const list = JSON.parse(`[${cats}]`) as string[];
      return { value: list.find((c) => user.toLowerCase().includes(c.toLowerCase())) ?? list[list.length - 1], rationale: 'first category named' };
    }
    const range = /from (-?[\d.]+) to (-?[\d.]+)/.exec(system);
    const bangs = (user.match(/!/g) ?? []).length;
    return { value: Math.min(Number(range?.[2] ?? 10), Math.max(Number(range?.[1] ?? 0), bangs)), rationale: `${bangs} exclamation marks` };
  },
};

/** The task comes from the system prompt's "Task: …" line, as every Glassbox template states it. */
function judge(system: string, user: string): unknown {
  const task = /Task: (custom judge|\w+)/.exec(system)?.[1];
  const rule = task ? RULES[task] : undefined;
  return rule ? rule(user, system) : { error: `unknown task in system prompt: ${system.slice(0, 60)}` };
}

/** Starts the fake on an ephemeral port; `baseURL` ends in /v1 like OpenAI's. */
export async function startFakeJudge(opts: { latencyMs?: number } = {}): Promise<FakeJudge> {
  const failures: number[] = [];
  let hangs = 0;
  let hangMs = 0;
  let inFlight = 0;
  const state = { requests: [] as FakeJudge['requests'], maxInFlight: 0, latencyMs: opts.latencyMs ?? 0 };

  const app = new Hono().post('/v1/chat/completions', async (c) => {
    const body = (await c.req.json()) as FakeJudge['requests'][number];
    state.requests.push(body);
    inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    try {
      const wait = hangs > 0 ? (hangs--, hangMs) : state.latencyMs;
      if (wait) await new Promise((ok) => setTimeout(ok, wait));
      const status = failures.shift();
      if (status) return c.json({ error: { message: `fake judge failure ${status}`, type: 'fake' } }, status as 429);
      const system = body.messages.find((m) => m.role === 'system')?.content ?? '';
      const user = body.messages.filter((m) => m.role === 'user').map((m) => m.content)[0] ?? '';
      const corrected = body.messages.some((m) => m.role === 'assistant');
      const malformed = user.includes('MALFORMED_ALWAYS') || (user.includes('MALFORMED_ONCE') && !corrected);
      const content = malformed ? 'Sure! The verdict is: looks good to me.' : JSON.stringify(judge(system, user));
      const promptTokens = body.messages.reduce((n, m) => n + m.content.split(/\s+/).length, 0);
      return c.json({
        id: `chatcmpl-${state.requests.length}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
        usage: { prompt_tokens: promptTokens, completion_tokens: content.split(/\s+/).length, total_tokens: promptTokens + content.split(/\s+/).length },
      });
    } finally {
      inFlight--;
    }
  });

  const server: ServerType = await new Promise((ok) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => ok(s));
  });
  const port = (server.address() as AddressInfo).port;
  return Object.assign(state, {
    baseURL: `http://127.0.0.1:${port}/v1`,
    failNext: (...statuses: number[]) => void failures.push(...statuses),
    hangNext: (n: number, ms: number) => {
      hangs = n;
      hangMs = ms;
    },
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  });
}
