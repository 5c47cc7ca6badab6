import type { Db } from './db.js';

export interface MonitoringBucket {
  start_ms: number;
  traces: number;
  errors: number;
  error_rate: number;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  tokens: number;
  cost: number;
  /** Mean of each feedback assessment (numbers as is, true/false as 1/0) on traces of the bucket. */
  assessments: Record<string, { mean: number; count: number }>;
}

function percentile(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[idx];
}

function numericFeedback(valueJson: string | null): number | undefined {
  if (valueJson === null) return undefined;
  try {
    const v = JSON.parse(valueJson);
    if (typeof v === 'number') return v;
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (v === 'yes' || v === 'pass') return 1;
    if (v === 'no' || v === 'fail') return 0;
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * Time-bucketed health of an experiment's traces. Counts come from narrow trace_info columns only
 * (never span payloads); percentiles are computed per bucket from the sorted durations because
 * SQLite has no percentile function.
 */
export async function experimentMonitoring(db: Db, experimentId: number, startMs: number, endMs: number, buckets: number): Promise<MonitoringBucket[]> {
  const width = Math.max(1, Math.ceil((endMs - startMs) / buckets));
  const out: MonitoringBucket[] = Array.from({ length: buckets }, (_, i) => ({
    start_ms: startMs + i * width,
    traces: 0,
    errors: 0,
    error_rate: 0,
    latency_p50_ms: null,
    latency_p95_ms: null,
    tokens: 0,
    cost: 0,
    assessments: {},
  }));
  const bucketOf = (t: number) => Math.min(buckets - 1, Math.floor((t - startMs) / width));
  const traces = await db
    .selectFrom('trace_info')
    .select(['request_time', 'execution_duration', 'state', 'total_tokens', 'cost'])
    .where('experiment_id', '=', experimentId)
    .where('request_time', '>=', startMs)
    .where('request_time', '<', endMs)
    .execute();
  const durations: number[][] = out.map(() => []);
  for (const t of traces) {
    const b = bucketOf(Number(t.request_time));
    out[b].traces++;
    if (t.state === 'ERROR') out[b].errors++;
    if (t.execution_duration !== null) durations[b].push(Number(t.execution_duration));
    out[b].tokens += Number(t.total_tokens ?? 0);
    out[b].cost += Number(t.cost ?? 0);
  }
  out.forEach((b, i) => {
    const d = durations[i].sort((x, y) => x - y);
    b.latency_p50_ms = percentile(d, 0.5);
    b.latency_p95_ms = percentile(d, 0.95);
    b.error_rate = b.traces ? b.errors / b.traces : 0;
  });
  const feedback = await db
    .selectFrom('assessments as a')
    .innerJoin('trace_info as t', 't.trace_id', 'a.trace_id')
    .select(['a.name', 'a.value_json', 't.request_time'])
    .where('t.experiment_id', '=', experimentId)
    .where('t.request_time', '>=', startMs)
    .where('t.request_time', '<', endMs)
    .where('a.kind', '=', 'feedback')
    .where('a.valid', '=', 1)
    .execute();
  for (const f of feedback) {
    const v = numericFeedback(f.value_json);
    if (v === undefined) continue;
    const agg = (out[bucketOf(Number(f.request_time))].assessments[f.name] ??= { mean: 0, count: 0 });
    agg.mean = (agg.mean * agg.count + v) / (agg.count + 1);
    agg.count++;
  }
  return out;
}

export interface ExperimentSummary {
  experiment_id: string;
  run_count: number;
  trace_count: number;
  /** Latest of: a run started, a trace arrived (epoch ms); null when the experiment is empty. */
  last_activity: number | null;
}

/** Run and trace counts and last activity for a page of experiments: two grouped queries. */
export async function experimentSummaries(db: Db, experimentIds: number[]): Promise<ExperimentSummary[]> {
  if (!experimentIds.length) return [];
  const [runs, traces] = await Promise.all([
    db
      .selectFrom('runs')
      .select((eb) => ['experiment_id', eb.fn.countAll<number>().as('n'), eb.fn.max('start_time').as('last')])
      .where('experiment_id', 'in', experimentIds)
      .where('lifecycle_stage', '=', 'active')
      .groupBy('experiment_id')
      .execute(),
    db
      .selectFrom('trace_info')
      .select((eb) => ['experiment_id', eb.fn.countAll<number>().as('n'), eb.fn.max('request_time').as('last')])
      .where('experiment_id', 'in', experimentIds)
      .groupBy('experiment_id')
      .execute(),
  ]);
  const byId = (rows: { experiment_id: number; n: number; last: number | null }[]) => new Map(rows.map((r) => [Number(r.experiment_id), r]));
  const r = byId(runs);
  const t = byId(traces);
  return experimentIds.map((id) => {
    const last = Math.max(Number(r.get(id)?.last ?? 0), Number(t.get(id)?.last ?? 0));
    return { experiment_id: String(id), run_count: Number(r.get(id)?.n ?? 0), trace_count: Number(t.get(id)?.n ?? 0), last_activity: last || null };
  });
}
