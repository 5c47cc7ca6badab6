import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

/**
 * A local OpenAI-compatible server for tests: the real `openai` package talks to it over HTTP.
 * Replies are deterministic functions of the request, so tests can assert exact values:
 * - chat: content "echo: <last user text>"; if `tools` are given and no tool result is in the
 *   messages yet, a call to the first tool with arguments {"query": <last user text>} instead;
 * - responses: output text "echo: <last input text>";
 * - embeddings: `dimensions` (default 8) numbers per input derived from its characters;
 * - usage: prompt tokens = words in the request's texts, completion tokens = words in the reply;
 * - `model: "error-<status>"` answers that HTTP status with an OpenAI error body.
 */
export interface OpenAIFake {
  /** Pass to `new OpenAI({ baseURL, apiKey: 'x', maxRetries: 0 })`. */
  baseURL: string;
  /** Every request received, in order. */
  requests: { path: string; body: any; headers: Record<string, string> }[];
  close(): Promise<void>;
}

export interface OpenAIFakeOptions {
  /** Delay before each streamed event, ms (default 0). */
  streamDelayMs?: number;
}

const words = (s: string) => (s.trim() ? s.trim().split(/\s+/).length : 0);
const textOf = (content: unknown): string =>
  typeof content === 'string' ? content : Array.isArray(content) ? content.map((p: any) => p?.text ?? '').join(' ') : '';

export async function startOpenAIFake(opts: OpenAIFakeOptions = {}): Promise<OpenAIFake> {
  const requests: OpenAIFake['requests'] = [];
  const app = new Hono();
  const sse = (events: { event?: string; data: unknown }[]) => {
    const enc = new TextEncoder();
    const body = new ReadableStream({
      async start(controller) {
        for (const e of events) {
          if (opts.streamDelayMs) await new Promise((r) => setTimeout(r, opts.streamDelayMs));
          const head = e.event ? `event: ${e.event}\n` : '';
          controller.enqueue(enc.encode(`${head}data: ${typeof e.data === 'string' ? e.data : JSON.stringify(e.data)}\n\n`));
        }
        controller.close();
      },
    });
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
  };

  app.use('*', async (c, next) => {
    const body = c.req.method === 'POST' ? await c.req.json().catch(() => undefined) : undefined;
    requests.push({ path: c.req.path, body, headers: Object.fromEntries(c.req.raw.headers) });
    const m = /^error-(\d{3})$/.exec(body?.model ?? '');
    if (m) return c.json({ error: { message: `fake failure ${m[1]}`, type: 'fake_error', code: `fake_${m[1]}` } }, Number(m[1]) as 400);
    await next();
  });

  app.post('/v1/chat/completions', async (c) => {
    const body = await c.req.json();
    const messages: any[] = body.messages ?? [];
    const lastUser = textOf([...messages].reverse().find((x) => x.role === 'user')?.content);
    const promptTokens = messages.reduce((n, x) => n + words(textOf(x.content)), 0);
    const wantsTool = Array.isArray(body.tools) && body.tools.length > 0 && !messages.some((x) => x.role === 'tool');
    const content = wantsTool ? null : `echo: ${lastUser}`;
    const toolCall = wantsTool
      ? { id: 'call_1', type: 'function', function: { name: body.tools[0].function.name, arguments: JSON.stringify({ query: lastUser }) } }
      : undefined;
    const completionTokens = content ? words(content) : 3;
    const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
    const base = { id: 'chatcmpl-fake', created: 1700000000, model: body.model };
    const finish = wantsTool ? 'tool_calls' : 'stop';
    if (!body.stream) {
      return c.json({
        ...base,
        object: 'chat.completion',
        choices: [{ index: 0, message: { role: 'assistant', content, ...(toolCall ? { tool_calls: [toolCall] } : {}), refusal: null }, finish_reason: finish, logprobs: null }],
        usage,
      });
    }
    const chunk = (delta: unknown, finish_reason: string | null = null) => ({ data: { ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason }] } });
    const events: { event?: string; data: unknown }[] = [chunk({ role: 'assistant', content: '' })];
    if (toolCall) {
      const args = toolCall.function.arguments;
      events.push(chunk({ tool_calls: [{ index: 0, id: toolCall.id, type: 'function', function: { name: toolCall.function.name, arguments: '' } }] }));
      events.push(chunk({ tool_calls: [{ index: 0, function: { arguments: args.slice(0, 5) } }] }));
      events.push(chunk({ tool_calls: [{ index: 0, function: { arguments: args.slice(5) } }] }));
    } else {
      content!.split(/(?<= )/).forEach((piece) => events.push(chunk({ content: piece })));
    }
    events.push(chunk({}, finish));
    if (body.stream_options?.include_usage) events.push({ data: { ...base, object: 'chat.completion.chunk', choices: [], usage } });
    return sse([...events, { data: '[DONE]' }]);
  });

  app.post('/v1/responses', async (c) => {
    const body = await c.req.json();
    const input = body.input;
    const last = typeof input === 'string' ? input : textOf([...(input ?? [])].reverse().find((x: any) => x.role === 'user')?.content);
    const text = `echo: ${last}`;
    const inTok = typeof input === 'string' ? words(input) : (input ?? []).reduce((n: number, x: any) => n + words(textOf(x.content)), 0);
    const response = {
      id: 'resp_fake',
      object: 'response',
      created_at: 1700000000,
      model: body.model,
      status: 'completed',
      output: [{ type: 'message', id: 'msg_fake', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] }],
      usage: { input_tokens: inTok, output_tokens: words(text), total_tokens: inTok + words(text) },
    };
    if (!body.stream) return c.json(response);
    const ev = (type: string, extra: object) => ({ event: type, data: { type, ...extra } });
    return sse([
      ev('response.created', { response: { ...response, status: 'in_progress', output: [], usage: null } }),
      ...text.split(/(?<= )/).map((delta) => ev('response.output_text.delta', { item_id: 'msg_fake', output_index: 0, content_index: 0, delta })),
      ev('response.output_text.done', { item_id: 'msg_fake', output_index: 0, content_index: 0, text }),
      ev('response.completed', { response }),
    ]);
  });

  app.post('/v1/embeddings', async (c) => {
    const body = await c.req.json();
    const inputs: string[] = Array.isArray(body.input) ? body.input : [body.input];
    const dims = body.dimensions ?? 8;
    const vector = (s: string) => Array.from({ length: dims }, (_, i) => ((s.charCodeAt(i % Math.max(s.length, 1)) || 0) % 97) / 97);
    const data = inputs.map((s, index) => {
      const v = vector(String(s));
      // The openai package asks for base64 by default and decodes little-endian float32 itself.
      const embedding = body.encoding_format === 'base64' ? Buffer.from(new Float32Array(v).buffer).toString('base64') : v;
      return { object: 'embedding', index, embedding };
    });
    const tokens = inputs.reduce((n, s) => n + words(String(s)), 0);
    return c.json({ object: 'list', data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } });
  });

  const server = await new Promise<ReturnType<typeof serve>>((ok) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => ok(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
