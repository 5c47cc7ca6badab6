import type { Selectable } from 'kysely';
import type { NormalizedSpan } from '../server/otlp/normalize.js';
import { round } from '../server/otlp/cost-table.js';
import type { Store } from './db.js';
import { ingestPostgres } from './ingest-postgres.js';
import { sqliteWriter } from './ingest-sqlite.js';
import { packPayloads, type PayloadPack } from './payload-pack.js';
import type { TracesTables } from './tables/traces.js';

/**
 * The one place OTLP (and traces.json uploads) write trace headers. Merge rules agreed with the
 * trace API (StartTraceV3): ingest creates `trace_info` when missing and keeps it current while the
 * client has not finalised it; once `info_finalized = 1` only counters, tokens/cost and still-NULL
 * columns change. What the server derives (cost, session, user, size statistics) goes into header
 * columns, never into tag/metadata rows: one row write per trace. The trace API reports those values
 * as metadata unless the client stored that key itself (client wins); see traces.ts.
 */

export type TraceInfoRow = Selectable<TracesTables['trace_info']>;
/** A header as ingest plans it; `trace_key` is assigned by the database when the row is inserted. */
export type TraceHeader = Omit<TraceInfoRow, 'trace_key'>;

/** One ingest request: the spans of one experiment, possibly of many traces, and their payload rows. */
export interface IngestJob {
  experimentId: number;
  spans: NormalizedSpan[];
  /** Each pack becomes one span_payloads row; together they cover `spans`. */
  packs: PayloadPack[];
}

export interface IngestResult {
  /** Spans stored now; a span already stored (same trace and span id) is skipped and not counted. */
  inserted: number;
  duplicates: number;
}

/** How a tag/metadata row is written: `ignore` keeps an existing value, `replace` overwrites it. */
export type WriteMode = 'ignore' | 'replace';
export interface KeyValueWrite {
  table: 'trace_tags' | 'trace_metadata';
  key: string;
  value: string;
  mode: WriteMode;
}

/** What a trace's newly stored spans contribute to its header. */
export interface TraceAggregate {
  traceId: string;
  /** The newly stored spans (packed: their payloadSize is set, for mlflow.trace.sizeStats). */
  inserted: NormalizedSpan[];
}

export interface TracePlan {
  info: TraceHeader;
  isNew: boolean;
  writes: KeyValueWrite[];
}

const PREVIEW_CHARS = 1000;

/**
 * Stores spans and updates their traces' headers in one transaction; resolves only after commit.
 * On SQLite concurrent calls are committed together (group commit); on PostgreSQL each call is one
 * transaction. Throws MlflowError 503 (Retry-After) when too many spans are waiting to be written.
 */
export async function ingestSpans(store: Store, experimentId: string | number, spans: NormalizedSpan[], packs?: PayloadPack[]): Promise<IngestResult> {
  if (spans.length === 0) return { inserted: 0, duplicates: 0 };
  // Spans not packed on a decode thread (small requests, traces.json uploads) are packed here.
  const job: IngestJob = { experimentId: Number(experimentId), spans, packs: packs ?? [packPayloads(spans, store.dialect === 'sqlite')] };
  if (store.sqlite) return sqliteWriter(store.sqlite).submit(job);
  return ingestPostgres(store.db, job);
}

/** Groups a job's spans by trace, keeping request order inside each trace. */
export function byTrace(spans: NormalizedSpan[]): Map<string, NormalizedSpan[]> {
  const m = new Map<string, NormalizedSpan[]>();
  for (const s of spans) {
    const list = m.get(s.traceId);
    if (list) list.push(s);
    else m.set(s.traceId, [s]);
  }
  return m;
}

/** Pure: the new header row and tag writes for one trace, from the existing row (if any) and the new spans. */
export function planTrace(existing: TraceHeader | undefined, agg: TraceAggregate, ctx: { experimentId: number; now: number }): TracePlan {
  const spans = agg.inserted;
  let minStart = Infinity;
  let maxEnd = -Infinity;
  let input: number | null = null;
  let output: number | null = null;
  let total: number | null = null;
  let inCost = 0;
  let outCost = 0;
  let hasCost = false;
  let root: NormalizedSpan | undefined;
  let session: string | undefined;
  let user: string | undefined;
  for (const s of spans) {
    if (s.startMs < minStart) minStart = s.startMs;
    const end = s.endMs ?? s.startMs;
    if (end > maxEnd) maxEnd = end;
    if (s.parentSpanId === null) root = s;
    if (s.usage) {
      input = (input ?? 0) + s.usage.input_tokens;
      output = (output ?? 0) + s.usage.output_tokens;
      total = (total ?? 0) + s.usage.total_tokens;
    }
    if (s.cost) {
      hasCost = true;
      inCost += s.cost.input_cost;
      outCost += s.cost.output_cost;
    }
    session ??= s.session;
    user ??= s.user;
  }
  const isNew = existing === undefined;
  const finalized = existing?.info_finalized === 1;
  const firstSpans = isNew || existing.spans_in_store !== 1;
  const add = (a: number | null | undefined, b: number | null) => (b === null ? (a ?? null) : (a ?? 0) + b);
  const base: TraceHeader = existing ?? {
    trace_id: agg.traceId,
    experiment_id: ctx.experimentId,
    request_time: minStart,
    execution_duration: null,
    state: 'IN_PROGRESS',
    request_preview: null,
    response_preview: null,
    client_request_id: null,
    num_spans: 0,
    input_tokens: null,
    output_tokens: null,
    total_tokens: null,
    cost: null,
    root_span_id: null,
    info_finalized: 0,
    spans_in_store: 0,
    created_at: ctx.now,
    cost_json: null,
    session_json: null,
    user_json: null,
    size_stats: null,
    size_bytes: null,
  };
  const info: TraceHeader = {
    ...base,
    num_spans: base.num_spans + spans.length,
    spans_in_store: 1,
    input_tokens: add(base.input_tokens, input),
    output_tokens: add(base.output_tokens, output),
    total_tokens: add(base.total_tokens, total),
    cost: hasCost ? round((base.cost ?? 0) + inCost + outCost) : base.cost,
  };
  const prevEnd = isNew ? -Infinity : base.request_time + (base.execution_duration ?? 0);
  if (!finalized) {
    info.request_time = Math.min(base.request_time, minStart);
    info.execution_duration = Math.max(prevEnd, maxEnd) - info.request_time;
    if (root) {
      info.state = root.status === 'ERROR' ? 'ERROR' : 'OK';
      info.root_span_id = root.spanId;
      info.request_preview = preview(root.inputs);
      info.response_preview = preview(root.outputs);
    }
  } else {
    info.execution_duration ??= maxEnd - info.request_time;
    if (root) {
      info.root_span_id ??= root.spanId;
      info.request_preview ??= preview(root.inputs);
      info.response_preview ??= preview(root.outputs);
    }
  }

  // Metadata the server derives lives in the header row; the trace API reports it (traces.ts,
  // `derivedTraceValues`) unless the client set that key. mlflow.artifactLocation,
  // trace_schema.version and tokenUsage are computed from other columns and not stored at all.
  if (hasCost) {
    const prev = firstSpans ? undefined : parseJson(base.cost_json);
    const i = round((prev?.input_cost ?? 0) + inCost);
    const o = round((prev?.output_cost ?? 0) + outCost);
    info.cost_json = JSON.stringify({ input_cost: i, output_cost: o, total_cost: round(i + o) });
  }
  if (session !== undefined) info.session_json ??= JSON.stringify(session);
  if (user !== undefined) info.user_json ??= JSON.stringify(user);
  const stats = sizeStats(firstSpans ? undefined : parseJson(base.size_stats), spans.map((s) => s.payloadSize ?? 0));
  info.size_stats = JSON.stringify(stats);
  info.size_bytes = stats.total_size_bytes;

  // The one tag still written as a row: rare (MLflow SDK spans only) and set by clients too.
  const writes: KeyValueWrite[] = [];
  // Only MLflow's SDKs name traces after the root span; OTLP-only traces get no traceName (fixture README).
  if (root?.fromMlflow) writes.push({ table: 'trace_tags', key: 'mlflow.traceName', value: root.name, mode: 'ignore' });
  return { info, isNew, writes };
}

function preview(v: unknown): string | null {
  if (v === undefined) return null;
  const text = JSON.stringify(v);
  return text === undefined ? null : text.length > PREVIEW_CHARS ? text.slice(0, PREVIEW_CHARS) : text;
}

function parseJson(text: string | null | undefined): Record<string, number> | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as Record<string, number>;
  } catch {
    return undefined;
  }
}

interface SizeStats {
  total_size_bytes: number;
  num_spans: number;
  max: number;
  p25: number;
  p50: number;
  p75: number;
}

/**
 * MLflow's per-trace size statistics. Totals, count and max are exact across batches; percentiles
 * of a trace that arrived in several requests are the span-weighted mean of each batch's percentiles
 * (exact for a single batch), which avoids keeping every span size.
 */
export function sizeStats(prev: Record<string, number> | undefined, sizes: number[]): SizeStats {
  const sorted = [...sizes].sort((a, b) => a - b);
  const q = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1) + 0.5))] : 0);
  const cur = { total: sorted.reduce((a, b) => a + b, 0), n: sorted.length, max: sorted[sorted.length - 1] ?? 0, p25: q(0.25), p50: q(0.5), p75: q(0.75) };
  const pn = prev?.num_spans ?? 0;
  if (!prev || pn <= 0) return { total_size_bytes: cur.total, num_spans: cur.n, max: cur.max, p25: cur.p25, p50: cur.p50, p75: cur.p75 };
  const n = pn + cur.n;
  const mix = (a: number, b: number) => Math.round((a * pn + b * cur.n) / n);
  return {
    total_size_bytes: (prev.total_size_bytes ?? 0) + cur.total,
    num_spans: n,
    max: Math.max(prev.max ?? 0, cur.max),
    p25: mix(prev.p25 ?? 0, cur.p25),
    p50: mix(prev.p50 ?? 0, cur.p50),
    p75: mix(prev.p75 ?? 0, cur.p75),
  };
}
