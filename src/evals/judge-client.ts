import OpenAI from 'openai';

/** One chat message sent to the judge. */
export interface JudgeMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface JudgeRequest {
  model: string;
  messages: JudgeMessage[];
  /** Ask the endpoint for a JSON object (OpenAI `response_format: json_object`). */
  json?: boolean;
}

export interface JudgeReply {
  content: string;
  inputTokens: number;
  outputTokens: number;
}

/**
 * The LLM behind every judge. Production code passes `createOpenAIJudgeClient`; tests may pass any
 * object with `complete`, which is what keeps judges testable without patching module internals.
 */
export interface JudgeClient {
  complete(req: JudgeRequest): Promise<JudgeReply>;
}

/**
 * A failed judge call. `retryable` is true for 429, 5xx, timeouts and dropped connections, which
 * are worth trying again; other failures (401, 400, 404) would fail the same way again.
 */
export class JudgeCallError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface JudgeSettings {
  baseURL?: string;
  apiKey: string;
  model: string;
}

/**
 * Resolves judge settings as `explicit ?? GLASSBOX_JUDGE_* ?? OPENAI_* ?? default`, naming the
 * missing field when there is no API key or model.
 *
 * @example
 * const s = resolveJudgeSettings({ model: 'gpt-4o-mini' }, { OPENAI_API_KEY: 'sk-…' });
 * // { baseURL: undefined, apiKey: 'sk-…', model: 'gpt-4o-mini' }
 */
export function resolveJudgeSettings(explicit: Partial<JudgeSettings> = {}, env: NodeJS.ProcessEnv = process.env): JudgeSettings {
  const baseURL = explicit.baseURL ?? env.GLASSBOX_JUDGE_BASE_URL ?? env.OPENAI_BASE_URL ?? undefined;
  // A local OpenAI-compatible server often needs no key; the openai package still insists on one.
  const apiKey = explicit.apiKey ?? env.GLASSBOX_JUDGE_API_KEY ?? env.OPENAI_API_KEY ?? (baseURL ? 'not-needed' : undefined);
  const model = explicit.model ?? env.GLASSBOX_JUDGE_MODEL ?? 'gpt-4o-mini';
  if (!apiKey) {
    throw new Error('No judge API key: pass --judge-api-key or set GLASSBOX_JUDGE_API_KEY or OPENAI_API_KEY (or a judge base URL for a local endpoint)');
  }
  return { baseURL, apiKey, model };
}

/**
 * Wraps an `openai` client as a JudgeClient. The package's own retries are turned off so that the
 * judge layer owns retry, backoff and their accounting; its errors become `JudgeCallError`.
 *
 * @example
 * const client = createOpenAIJudgeClient(new OpenAI({ baseURL: 'http://127.0.0.1:8000/v1', apiKey: 'x' }));
 * const reply = await client.complete({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
 */
export function createOpenAIJudgeClient(openai: OpenAI): JudgeClient {
  const client = openai.withOptions({ maxRetries: 0 });
  return {
    async complete(req) {
      try {
        const res = await client.chat.completions.create({
          model: req.model,
          messages: req.messages,
          temperature: 0,
          ...(req.json ? { response_format: { type: 'json_object' as const } } : {}),
        });
        return {
          content: res.choices[0]?.message?.content ?? '',
          inputTokens: res.usage?.prompt_tokens ?? 0,
          outputTokens: res.usage?.completion_tokens ?? 0,
        };
      } catch (err) {
        if (err instanceof OpenAI.APIConnectionError) throw new JudgeCallError(`Judge unreachable: ${err.message}`, true);
        if (err instanceof OpenAI.APIError) {
          const status = err.status;
          const retryable = status === undefined || status === 408 || status === 429 || status >= 500;
          throw new JudgeCallError(`Judge answered ${status ?? 'without a status'}: ${err.message}`, retryable, status);
        }
        throw err;
      }
    },
  };
}

/**
 * Builds a JudgeClient from settings (flags or environment), with a per-request timeout.
 *
 * @example
 * const client = openAIJudgeClientFromSettings(resolveJudgeSettings(), { timeoutMs: 60_000 });
 */
export function openAIJudgeClientFromSettings(settings: JudgeSettings, opts: { timeoutMs?: number } = {}): JudgeClient {
  return createOpenAIJudgeClient(new OpenAI({ baseURL: settings.baseURL, apiKey: settings.apiKey, timeout: opts.timeoutMs ?? 60_000 }));
}
