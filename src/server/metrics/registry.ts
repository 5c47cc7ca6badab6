/**
 * A small Prometheus registry writing the text exposition format (version 0.0.4) by hand: counters,
 * histograms, and gauges read through callbacks at scrape time. One registry per app, so several
 * servers in one process (tests) never mix their counts.
 */
export type Labels = Record<string, string>;

interface Family {
  type: 'counter' | 'gauge' | 'histogram';
  help: string;
  series: Map<string, { labels: Labels; value: number; buckets?: number[]; sum?: number }>;
  bounds?: number[];
  collect?: () => Promise<{ labels?: Labels; value: number }[]> | { labels?: Labels; value: number }[];
}

const labelKey = (labels: Labels) => JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const fmtLabels = (labels: Labels) => {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escape(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
};
const fmtNumber = (n: number) => (Number.isNaN(n) ? 'NaN' : n === Infinity ? '+Inf' : n === -Infinity ? '-Inf' : String(n));

export class MetricsRegistry {
  private readonly families = new Map<string, Family>();

  counter(name: string, help: string): this {
    this.families.set(name, { type: 'counter', help, series: new Map() });
    return this;
  }

  histogram(name: string, help: string, bounds: number[]): this {
    this.families.set(name, { type: 'histogram', help, series: new Map(), bounds });
    return this;
  }

  /** A gauge computed at scrape time; a failing callback drops the gauge from that scrape only. */
  gauge(name: string, help: string, collect: Family['collect']): this {
    this.families.set(name, { type: 'gauge', help, series: new Map(), collect });
    return this;
  }

  /** Adds n to a counter, e.g. `deps.metrics?.inc('glassbox_spans_ingested_total', accepted)`. Unknown names are ignored. */
  inc(name: string, n = 1, labels: Labels = {}): void {
    const f = this.families.get(name);
    if (!f || f.type !== 'counter' || !(n > 0)) return;
    const key = labelKey(labels);
    const s = f.series.get(key);
    if (s) s.value += n;
    else f.series.set(key, { labels, value: n });
  }

  observe(name: string, value: number, labels: Labels = {}): void {
    const f = this.families.get(name);
    if (!f || f.type !== 'histogram') return;
    const key = labelKey(labels);
    let s = f.series.get(key);
    if (!s) f.series.set(key, (s = { labels, value: 0, sum: 0, buckets: f.bounds!.map(() => 0) }));
    s.value += 1;
    s.sum! += value;
    f.bounds!.forEach((b, i) => {
      if (value <= b) s.buckets![i] += 1;
    });
  }

  async expose(): Promise<string> {
    const out: string[] = [];
    for (const [name, f] of this.families) {
      let rows: { labels: Labels; value: number }[] = [...f.series.values()];
      if (f.collect) {
        try {
          rows = (await f.collect()).map((r) => ({ labels: r.labels ?? {}, value: r.value }));
        } catch {
          continue; // telemetry never breaks the scrape (or the server)
        }
      }
      out.push(`# HELP ${name} ${f.help}`, `# TYPE ${name} ${f.type}`);
      for (const s of rows) {
        if (f.type !== 'histogram') {
          out.push(`${name}${fmtLabels(s.labels)} ${fmtNumber(s.value)}`);
          continue;
        }
        const h = f.series.get(labelKey(s.labels))!;
        f.bounds!.forEach((b, i) => out.push(`${name}_bucket${fmtLabels({ ...s.labels, le: String(b) })} ${h.buckets![i]}`));
        out.push(`${name}_bucket${fmtLabels({ ...s.labels, le: '+Inf' })} ${h.value}`);
        out.push(`${name}_sum${fmtLabels(s.labels)} ${h.sum}`, `${name}_count${fmtLabels(s.labels)} ${h.value}`);
      }
    }
    return `${out.join('\n')}\n`;
  }
}
