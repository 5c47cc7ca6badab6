import type { ResultRow, ScorerSummary } from './aggregate.js';

const CSV_COLUMNS: (keyof ResultRow)[] = ['id', 'scorer', 'score', 'label', 'passed', 'error', 'explanation', 'judgeCalls', 'judgeCostUsd', 'judgeLatencyMs', 'judgeTokens'];

function csvCell(v: unknown): string {
  if (v === undefined || v === null) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The per-trace table as RFC 4180 CSV, one row per (record, scorer).
 *
 * @example
 * rowsToCsv(rows).split('\n')[0]; // 'id,scorer,score,label,passed,error,explanation,judgeCalls,…'
 */
export function rowsToCsv(rows: ResultRow[]): string {
  return [CSV_COLUMNS.join(','), ...rows.map((r) => CSV_COLUMNS.map((c) => csvCell(r[c])).join(','))].join('\n') + '\n';
}

/**
 * MLflow run metrics from the summary: `<scorer>/mean`, `/pass_rate`, `/p50`, `/p95`, `/errors`,
 * and for judges `/judge_cost_usd` and `/judge_latency_ms`.
 *
 * @example
 * summaryMetrics(summary)['groundedness/mean']; // 0.83
 */
export function summaryMetrics(summary: ScorerSummary[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of summary) {
    const put = (k: string, v: number | undefined) => v !== undefined && Number.isFinite(v) && (out[`${s.scorer}/${k}`] = v);
    put('mean', s.mean);
    put('pass_rate', s.passRate);
    put('p50', s.p50);
    put('p95', s.p95);
    put('count', s.count);
    put('errors', s.errors);
    if (s.kind === 'LLM_JUDGE') {
      put('judge_cost_usd', s.judgeCostUsd);
      put('judge_latency_ms', s.judgeLatencyMsMean);
    }
  }
  return out;
}

const fmt = (v: number | undefined, digits = 3) => (v === undefined ? '–' : v.toFixed(digits));

/**
 * A plain-text summary table, one line per scorer, judge cost and latency included.
 *
 * @example
 * console.log(formatSummary(summary));
 */
export function formatSummary(summary: ScorerSummary[]): string {
  const header = ['scorer', 'n', 'errors', 'mean', 'pass', 'p50', 'p95', 'judge calls', 'judge $', 'judge ms/rec'];
  const lines = summary.map((s) => [
    s.scorer,
    String(s.count),
    String(s.errors),
    fmt(s.mean),
    s.passRate === undefined ? '–' : `${(s.passRate * 100).toFixed(1)}%`,
    fmt(s.p50),
    fmt(s.p95),
    String(s.judgeCalls),
    s.kind === 'LLM_JUDGE' ? `$${s.judgeCostUsd.toFixed(4)}` : '–',
    s.kind === 'LLM_JUDGE' ? fmt(s.judgeLatencyMsMean, 0) : '–',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const row = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [row(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(row)].join('\n');
}
