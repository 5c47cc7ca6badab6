/** One metric as MLflow's LogBatch takes it; NaN and ±Infinity travel as strings (protobuf JSON). */
export interface MetricEntry {
  key: string;
  value: number | 'NaN' | 'Infinity' | '-Infinity';
  timestamp: number;
  step: number;
}

export interface KeyValue {
  key: string;
  value: string;
}

export interface LogBatch {
  metrics: MetricEntry[];
  params: KeyValue[];
  tags: KeyValue[];
}

/** Server limits for one /runs/log-batch request (MLflow validation.py). */
export const LIMITS = { metrics: 1000, params: 100, tags: 100, total: 1000 } as const;

/**
 * Splits pending data the way MLflow's client does: params and tags in chunks of 100, each chunk
 * topped up with metrics to 1000 items, then the remaining metrics in chunks of 1000.
 */
export function chunkBatch({ metrics, params, tags }: LogBatch): LogBatch[] {
  const out: LogBatch[] = [];
  let m = 0;
  for (let p = 0, t = 0; p < params.length || t < tags.length; ) {
    const ps = params.slice(p, p + LIMITS.params);
    const ts = tags.slice(t, t + LIMITS.tags);
    p += ps.length;
    t += ts.length;
    const room = Math.min(LIMITS.metrics, LIMITS.total - ps.length - ts.length);
    const ms = metrics.slice(m, m + room);
    m += ms.length;
    out.push({ metrics: ms, params: ps, tags: ts });
  }
  for (; m < metrics.length; m += LIMITS.metrics) out.push({ metrics: metrics.slice(m, m + LIMITS.metrics), params: [], tags: [] });
  return out;
}

export function metricValue(v: number): MetricEntry['value'] {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return v;
}
