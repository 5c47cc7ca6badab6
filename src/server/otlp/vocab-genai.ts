import { asNumber, asString, parseJsonish, usageOf, type SpanSemantics } from './semantics.js';
import type { Attributes, AttrValue, OtlpEvent } from './otlp-types.js';

/** gen_ai.operation.name → MLflow span type. */
const OPERATION_TO_TYPE: Record<string, string> = {
  chat: 'CHAT_MODEL',
  text_completion: 'LLM',
  generate_content: 'LLM',
  invoke_agent: 'AGENT',
  create_agent: 'AGENT',
  execute_tool: 'TOOL',
  embeddings: 'EMBEDDING',
};

/** Message events of GenAI semconv ≤ 1.28 (before messages moved into attributes). */
const INPUT_EVENTS: Record<string, string> = {
  'gen_ai.system.message': 'system',
  'gen_ai.user.message': 'user',
  'gen_ai.assistant.message': 'assistant',
  'gen_ai.tool.message': 'tool',
};

/**
 * OpenTelemetry GenAI semantic conventions, current and older names: usage.input_tokens /
 * prompt_tokens, response.model over request.model, input/output.messages, gen_ai.prompt /
 * gen_ai.completion (plain or indexed), and the older per-message events. Without `parseIo`,
 * inputs/outputs held as JSON text are left as text (only whether they exist is wanted).
 */
export function genAiVocabulary(attrs: Attributes, events: OtlpEvent[], parseIo = true): SpanSemantics {
  const out: SpanSemantics = {};
  const op = asString(attrs['gen_ai.operation.name']);
  if (op) out.spanType = OPERATION_TO_TYPE[op] ?? 'LLM';
  const model = asString(attrs['gen_ai.response.model']) ?? asString(attrs['gen_ai.request.model']);
  if (model) out.model = model;
  const provider = asString(attrs['gen_ai.provider.name']) ?? asString(attrs['gen_ai.system']);
  if (provider) out.provider = provider;
  out.usage = usageOf(
    asNumber(attrs['gen_ai.usage.input_tokens'] ?? attrs['gen_ai.usage.prompt_tokens']),
    asNumber(attrs['gen_ai.usage.output_tokens'] ?? attrs['gen_ai.usage.completion_tokens']),
    asNumber(attrs['gen_ai.usage.total_tokens']),
  );
  const inputs = attrs['gen_ai.input.messages'] ?? attrs['gen_ai.prompt'] ?? attrs['gen_ai.tool.call.arguments'];
  out.inputs = inputs !== undefined ? (parseIo ? parseJsonish(inputs) : inputs) : (indexed(attrs, 'gen_ai.prompt.') ?? eventMessages(events, false));
  const outputs = attrs['gen_ai.output.messages'] ?? attrs['gen_ai.completion'] ?? attrs['gen_ai.tool.call.result'];
  out.outputs = outputs !== undefined ? (parseIo ? parseJsonish(outputs) : outputs) : (indexed(attrs, 'gen_ai.completion.') ?? eventMessages(events, true));
  if (out.inputs === undefined) delete out.inputs;
  if (out.outputs === undefined) delete out.outputs;
  return out;
}

/** gen_ai.prompt.0.role / gen_ai.prompt.0.content … (OpenLLMetry's flattened form) → [{role, content}]. */
function indexed(attrs: Attributes, prefix: string): AttrValue[] | undefined {
  let list: Record<string, AttrValue>[] | undefined;
  for (const key in attrs) {
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    const dot = rest.indexOf('.');
    const i = Number(rest.slice(0, dot));
    if (dot < 1 || !Number.isInteger(i) || i > 10_000) continue;
    list ??= [];
    (list[i] ??= {})[rest.slice(dot + 1)] = attrs[key];
  }
  return list?.filter(Boolean);
}

function eventMessages(events: OtlpEvent[], outputs: boolean): AttrValue[] | undefined {
  const msgs: AttrValue[] = [];
  for (const e of events) {
    if (outputs && e.name === 'gen_ai.choice') msgs.push(messageOf(e.attributes, 'assistant'));
    else if (!outputs && INPUT_EVENTS[e.name]) msgs.push(messageOf(e.attributes, INPUT_EVENTS[e.name]));
  }
  return msgs.length ? msgs : undefined;
}

function messageOf(a: Attributes, role: string): AttrValue {
  const msg = parseJsonish(a.message);
  if (msg && typeof msg === 'object') return msg;
  return { role: asString(a.role) ?? role, content: parseJsonish(a.content) ?? null };
}
