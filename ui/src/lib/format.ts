/** Pure display helpers shared by pages. */
export function formatTime(ms: number | undefined): string {
  if (!ms) return '';
  return new Date(ms).toLocaleString();
}

export function formatDuration(ms: number | undefined | null): string {
  if (ms === undefined || ms === null || Number.isNaN(ms)) return '';
  if (ms < 1) return `${(ms * 1000).toFixed(0)} µs`;
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.floor(ms / 60_000)} m ${Math.round((ms % 60_000) / 1000)} s`;
}

/** "0.532s" (protobuf Duration JSON) → milliseconds. */
export function parseDuration(d: string | undefined): number | undefined {
  if (!d) return undefined;
  const m = /^(-?\d+(?:\.\d+)?)s$/.exec(d);
  return m ? Number(m[1]) * 1000 : undefined;
}

export function timeAgo(ms: number | undefined, now = Date.now()): string {
  if (!ms) return '';
  const s = Math.round((now - ms) / 1000);
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  if (s < 86400) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86400)}d ago`;
}

export function formatNumber(v: number | string | undefined): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  if (Number.isInteger(v)) return v.toLocaleString();
  return Math.abs(v) >= 1000 ? Math.round(v).toLocaleString() : Number(v.toPrecision(4)).toString();
}

/** USD with enough digits to show sub-cent LLM costs ($0.00004), never "$0.0000" for a real cost. */
export function formatCost(usd: number | undefined | null): string {
  if (usd === undefined || usd === null || Number.isNaN(usd)) return '';
  if (usd === 0) return '$0';
  if (usd >= 0.01) return `$${usd.toFixed(2)}`;
  return `$${Number(usd.toPrecision(2))}`;
}
