import type { Span } from '@opentelemetry/api';
import { SpanAttr, type SpanType, type TokenUsage } from '../attributes.js';
import { recordInputs, setAttributes } from '../span.js';

/**
 * What differs between the three wrapped endpoints: span identity, how usage is named, and how a
 * stream of events folds back into one response object.
 */
export interface Endpoint {
  /** MLflow's Python autolog names the span after the resource class. */
  spanName: string;
  spanType: SpanType;
  operation: string;
  usage(response: any): TokenUsage | undefined;
  accumulator(): StreamAccumulator;
}

export interface StreamAccumulator {
  add(event: any): void;
  result(): unknown;
}

/** Request parameters worth recording even when content capture is off (they are not content). */
const PARAMS = ['temperature', 'max_tokens', 'max_completion_tokens', 'max_output_tokens', 'top_p', 'n', 'seed', 'frequency_penalty', 'presence_penalty', 'stream', 'dimensions', 'encoding_format', 'reasoning_effort'];

/** Inputs (the whole request, as MLflow records kwargs), model, parameters and tool definitions. */
export function recordRequest(span: Span, endpoint: Endpoint, body: any): void {
  if (!span.isRecording()) return;
  recordInputs(span, body);
  const attrs: Record<string, unknown> = {
    [SpanAttr.MESSAGE_FORMAT]: 'openai',
    [SpanAttr.LLM_PROVIDER]: 'openai',
    'gen_ai.system': 'openai',
    'gen_ai.operation.name': endpoint.operation,
  };
  if (body && typeof body === 'object') {
    if (typeof body.model === 'string') {
      attrs[SpanAttr.LLM_MODEL] = body.model;
      attrs['gen_ai.request.model'] = body.model;
    }
    for (const p of PARAMS) if (body[p] !== undefined && body[p] !== null) attrs[`gen_ai.request.${p}`] = body[p];
    if (Array.isArray(body.stop) || typeof body.stop === 'string') attrs['gen_ai.request.stop'] = body.stop;
    if (Array.isArray(body.tools) && body.tools.length) attrs[SpanAttr.CHAT_TOOLS] = body.tools;
    if (body.tool_choice !== undefined) attrs['gen_ai.request.tool_choice'] = body.tool_choice;
  }
  setAttributes(span, attrs);
}

/** Model actually served and token usage; outputs are set by the caller (they respect captureContent). */
export function recordResponse(span: Span, endpoint: Endpoint, response: any): void {
  if (!span.isRecording() || !response || typeof response !== 'object') return;
  const attrs: Record<string, unknown> = {};
  if (typeof response.model === 'string') {
    attrs[SpanAttr.LLM_MODEL] = response.model;
    attrs['gen_ai.response.model'] = response.model;
  }
  const usage = endpoint.usage(response);
  if (usage) {
    attrs[SpanAttr.TOKEN_USAGE] = usage;
    attrs['gen_ai.usage.input_tokens'] = usage.input_tokens;
    attrs['gen_ai.usage.output_tokens'] = usage.output_tokens;
  }
  setAttributes(span, attrs);
}

function usageOf(input?: number, output?: number, total?: number): TokenUsage | undefined {
  if (typeof input !== 'number' && typeof output !== 'number') return undefined;
  const i = input ?? 0;
  const o = output ?? 0;
  return { input_tokens: i, output_tokens: o, total_tokens: total ?? i + o };
}

export const chatEndpoint: Endpoint = {
  spanName: 'Completions',
  spanType: 'CHAT_MODEL',
  operation: 'chat',
  usage: (r) => usageOf(r.usage?.prompt_tokens, r.usage?.completion_tokens, r.usage?.total_tokens),
  accumulator: chatAccumulator,
};

export const responsesEndpoint: Endpoint = {
  spanName: 'Responses',
  spanType: 'CHAT_MODEL',
  operation: 'responses',
  usage: (r) => usageOf(r.usage?.input_tokens, r.usage?.output_tokens, r.usage?.total_tokens),
  accumulator: responsesAccumulator,
};

export const embeddingsEndpoint: Endpoint = {
  spanName: 'Embeddings',
  spanType: 'EMBEDDING',
  operation: 'embeddings',
  usage: (r) => usageOf(r.usage?.prompt_tokens, 0, r.usage?.total_tokens),
  // Embeddings are never streamed; a pass-through keeps the Endpoint shape uniform.
  accumulator: () => {
    let last: unknown;
    return { add: (e) => (last = e), result: () => last };
  },
};

interface ToolCallDraft {
  index: number;
  id?: string;
  type: string;
  function: { name: string; arguments: string };
}

/**
 * Folds chat.completion.chunk events back into one chat.completion, tool calls included (their
 * name and JSON arguments arrive in fragments keyed by index). Usage arrives in a final chunk
 * with no choices when the request set `stream_options.include_usage`.
 */
function chatAccumulator(): StreamAccumulator {
  let head: { id?: string; model?: string; created?: number; system_fingerprint?: string } = {};
  let usage: unknown;
  interface ChoiceDraft {
    role: string;
    content: string;
    refusal?: string;
    tools: Map<number, ToolCallDraft>;
    finish_reason: string | null;
  }
  const choices = new Map<number, ChoiceDraft>();
  return {
    add(chunk) {
      if (!chunk || typeof chunk !== 'object') return;
      head = { id: head.id ?? chunk.id, model: head.model ?? chunk.model, created: head.created ?? chunk.created, system_fingerprint: head.system_fingerprint ?? chunk.system_fingerprint };
      if (chunk.usage) usage = chunk.usage;
      for (const c of chunk.choices ?? []) {
        const entry: ChoiceDraft = choices.get(c.index) ?? { role: 'assistant', content: '', tools: new Map(), finish_reason: null };
        choices.set(c.index, entry);
        const d = c.delta ?? {};
        if (d.role) entry.role = d.role;
        if (typeof d.content === 'string') entry.content += d.content;
        if (typeof d.refusal === 'string') entry.refusal = (entry.refusal ?? '') + d.refusal;
        for (const tc of d.tool_calls ?? []) {
          const t: ToolCallDraft = entry.tools.get(tc.index) ?? { index: tc.index, type: 'function', function: { name: '', arguments: '' } };
          entry.tools.set(tc.index, t);
          if (tc.id) t.id = tc.id;
          if (tc.type) t.type = tc.type;
          if (tc.function?.name) t.function.name += tc.function.name;
          if (tc.function?.arguments) t.function.arguments += tc.function.arguments;
        }
        if (c.finish_reason) entry.finish_reason = c.finish_reason;
      }
    },
    result() {
      return {
        ...head,
        object: 'chat.completion',
        choices: [...choices.entries()]
          .sort(([a], [b]) => a - b)
          .map(([index, e]) => ({
            index,
            message: {
              role: e.role,
              content: e.content || (e.tools.size ? null : ''),
              ...(e.refusal ? { refusal: e.refusal } : {}),
              ...(e.tools.size ? { tool_calls: [...e.tools.values()].sort((a, b) => a.index - b.index).map(({ index: _i, ...t }) => t) } : {}),
            },
            finish_reason: e.finish_reason,
          })),
        ...(usage ? { usage } : {}),
      };
    },
  };
}

/** The Responses stream ends with `response.completed` carrying the whole response; text deltas are the fallback. */
function responsesAccumulator(): StreamAccumulator {
  let final: any;
  let text = '';
  return {
    add(event) {
      if (!event || typeof event !== 'object') return;
      if (event.response && /^response\.(completed|incomplete|failed)$/.test(event.type)) final = event.response;
      else if (event.type === 'response.output_text.delta' && typeof event.delta === 'string') text += event.delta;
    },
    result: () => final ?? { object: 'response', status: 'incomplete', output_text: text },
  };
}
