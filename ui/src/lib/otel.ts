import type { AnyValue, OtelSpan } from '../api/types';

/** AnyValue (as GetTrace returns it) → plain JS value. */
export function decodeAnyValue(v: AnyValue | undefined): unknown {
  if (!v) return null;
  if (v.string_value !== undefined) return v.string_value;
  if (v.bool_value !== undefined) return v.bool_value;
  if (v.int_value !== undefined) return Number(v.int_value);
  if (v.double_value !== undefined) return v.double_value;
  if (v.bytes_value !== undefined) return v.bytes_value;
  if (v.array_value) return (v.array_value.values ?? []).map(decodeAnyValue);
  if (v.kvlist_value) return Object.fromEntries((v.kvlist_value.values ?? []).map((kv) => [kv.key, decodeAnyValue(kv.value)]));
  return null;
}

/** base64 id (MLflow's span JSON) → lowercase hex, as shown to people and used in URLs. */
export function idToHex(id: string | undefined): string {
  if (!id) return '';
  if (/^[0-9a-f]+$/i.test(id) && (id.length === 16 || id.length === 32)) return id.toLowerCase();
  const bin = atob(id);
  let hex = '';
  for (let i = 0; i < bin.length; i++) hex += bin.charCodeAt(i).toString(16).padStart(2, '0');
  return hex;
}

/** A span as the UI works with it: times in ms (float, from ns), attributes decoded. */
export interface UiSpan {
  id: string;
  parentId: string | null;
  name: string;
  startMs: number;
  endMs: number;
  status: 'OK' | 'ERROR' | 'UNSET';
  statusMessage: string;
  type: string;
  attributes: Record<string, unknown>;
  events: { name: string; timeMs: number; attributes: Record<string, unknown> }[];
}

const nsToMs = (ns: string | number | undefined) => (ns === undefined ? NaN : Number(BigInt(String(ns)) / 1000n) / 1000);

/** MLflow attributes may arrive as JSON text (Python style); parse what parses, keep the rest. */
function maybeJson(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  if (!(t.startsWith('{') || t.startsWith('[') || t.startsWith('"'))) return v;
  try {
    return JSON.parse(t);
  } catch {
    return v;
  }
}

export function toUiSpan(s: OtelSpan): UiSpan {
  const attributes: Record<string, unknown> = {};
  for (const kv of s.attributes ?? []) attributes[kv.key] = maybeJson(decodeAnyValue(kv.value));
  const code = s.status?.code ?? '';
  const status = code.includes('ERROR') ? 'ERROR' : code.includes('OK') ? 'OK' : 'UNSET';
  const startMs = nsToMs(s.start_time_unix_nano);
  const endMs = s.end_time_unix_nano === undefined ? startMs : nsToMs(s.end_time_unix_nano);
  return {
    id: idToHex(s.span_id),
    parentId: s.parent_span_id ? idToHex(s.parent_span_id) : null,
    name: s.name,
    startMs,
    endMs,
    status,
    statusMessage: s.status?.message ?? '',
    type: String(attributes['mlflow.spanType'] ?? 'UNKNOWN'),
    attributes,
    events: (s.events ?? []).map((e) => ({
      name: e.name,
      timeMs: nsToMs(e.time_unix_nano),
      attributes: Object.fromEntries((e.attributes ?? []).map((kv) => [kv.key, decodeAnyValue(kv.value)])),
    })),
  };
}

export interface TokenUsage {
  input: number;
  output: number;
  total: number;
}

/** Token usage of one span (MLflow's mlflow.chat.tokenUsage), or undefined. */
export function spanTokens(s: UiSpan): TokenUsage | undefined {
  const u = s.attributes['mlflow.chat.tokenUsage'] as Record<string, number> | undefined;
  if (!u || typeof u !== 'object') return undefined;
  const input = Number(u.input_tokens ?? 0);
  const output = Number(u.output_tokens ?? 0);
  return { input, output, total: Number(u.total_tokens ?? input + output) };
}

/** Cost in USD of one span (mlflow.llm.cost: a number or {total_cost}). */
export function spanCost(s: UiSpan): number | undefined {
  const c = s.attributes['mlflow.llm.cost'] as number | Record<string, number> | undefined;
  if (typeof c === 'number') return c;
  if (c && typeof c === 'object') return Number(c.total_cost ?? (c.input_cost ?? 0) + (c.output_cost ?? 0));
  return undefined;
}
