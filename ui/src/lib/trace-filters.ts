/** Quick filters of the traces page, combined with the user's own filter into one MLflow trace filter. */
export interface QuickFilters {
  filter?: string;
  status?: string;
  range?: string; // 1h | 24h | 7d | 30d
  spanType?: string;
}

const RANGE_MS: Record<string, number> = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 };

export function combineTraceFilter(q: QuickFilters, now = Date.now()): string | undefined {
  const parts: string[] = [];
  if (q.filter?.trim()) parts.push(q.filter.trim());
  if (q.status) parts.push(`trace.status = '${q.status}'`);
  if (q.range && RANGE_MS[q.range]) parts.push(`trace.timestamp_ms > ${now - RANGE_MS[q.range]}`);
  if (q.spanType) parts.push(`span.type = '${q.spanType}'`);
  return parts.length ? parts.join(' AND ') : undefined;
}

/** Token total and cost from a trace's metadata (set by the server from its spans). */
export function traceTokens(metadata: Record<string, string> | undefined): number | undefined {
  const raw = metadata?.['mlflow.trace.tokenUsage'];
  if (!raw) return undefined;
  try {
    const u = JSON.parse(raw);
    return Number(u.total_tokens ?? (u.input_tokens ?? 0) + (u.output_tokens ?? 0));
  } catch {
    return undefined;
  }
}

export function traceCost(metadata: Record<string, string> | undefined): number | undefined {
  const raw = metadata?.['mlflow.trace.cost'];
  if (!raw) return undefined;
  try {
    const c = JSON.parse(raw);
    return typeof c === 'number' ? c : Number(c.total_cost ?? NaN);
  } catch {
    return undefined;
  }
}
