import { useQuery } from '@tanstack/react-query';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useParams, useSearchParams } from 'react-router';
import { glassbox, type MonitoringBucket } from '../../api/mlflow';
import { ExperimentTabs } from '../../components/common/ExperimentTabs';
import { EmptyState, ErrorBanner, Loading } from '../../components/common/Status';

const RANGES: Record<string, { ms: number; buckets: number; label: string }> = {
  '1h': { ms: 3_600_000, buckets: 60, label: 'Last hour' },
  '24h': { ms: 86_400_000, buckets: 48, label: 'Last 24 hours' },
  '7d': { ms: 7 * 86_400_000, buckets: 56, label: 'Last 7 days' },
  '30d': { ms: 30 * 86_400_000, buckets: 60, label: 'Last 30 days' },
};
const COLORS = ['#4f46e5', '#ea580c', '#16a34a', '#db2777', '#0891b2', '#ca8a04'];

function Chart({ title, data, lines, bar }: { title: string; data: Record<string, number | null>[]; lines: { key: string; name: string }[]; bar?: boolean }) {
  const common = (
    <>
      <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
      <XAxis dataKey="t" tickFormatter={(v) => new Date(v).toLocaleString([], { month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' })} stroke="var(--muted)" fontSize={11} />
      <YAxis stroke="var(--muted)" fontSize={11} width={56} />
      <Tooltip labelFormatter={(v) => new Date(Number(v)).toLocaleString()} contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)' }} />
      {lines.length > 1 && <Legend />}
    </>
  );
  return (
    <div className="panel" data-testid={`monitor-${title}`}>
      <div style={{ fontWeight: 600, marginBottom: 6 }}>{title}</div>
      <ResponsiveContainer width="100%" height={200}>
        {bar ? (
          <BarChart data={data}>
            {common}
            {lines.map((l, i) => (
              <Bar key={l.key} dataKey={l.key} name={l.name} fill={COLORS[i % COLORS.length]} isAnimationActive={false} />
            ))}
          </BarChart>
        ) : (
          <LineChart data={data}>
            {common}
            {lines.map((l, i) => (
              <Line key={l.key} dataKey={l.key} name={l.name} stroke={COLORS[i % COLORS.length]} dot={{ r: 2 }} connectNulls isAnimationActive={false} />
            ))}
          </LineChart>
        )}
      </ResponsiveContainer>
    </div>
  );
}

function rows(buckets: MonitoringBucket[]) {
  return buckets.map((b) => ({
    t: b.start_ms,
    traces: b.traces,
    errors: b.errors,
    error_rate: b.traces ? Math.round(b.error_rate * 1000) / 10 : null,
    p50: b.latency_p50_ms,
    p95: b.latency_p95_ms,
    tokens: b.tokens,
    cost: b.cost,
    ...Object.fromEntries(Object.entries(b.assessments).map(([k, v]) => [`a:${k}`, v.mean])),
  }));
}

/** Experiment health over a chosen time range: volume, error rate, latency p50/p95, tokens, cost, assessment means. */
export function MonitoringPage() {
  const { experimentId = '0' } = useParams();
  const [params, setParams] = useSearchParams();
  const range = RANGES[params.get('range') ?? '24h'] ?? RANGES['24h'];
  const query = useQuery({
    queryKey: ['monitoring', experimentId, range.ms],
    queryFn: () => {
      const end = Date.now();
      return glassbox.monitoring(experimentId, end - range.ms, end, range.buckets);
    },
    refetchInterval: 30_000,
  });
  const buckets = query.data?.buckets ?? [];
  const data = rows(buckets);
  const names = [...new Set(buckets.flatMap((b) => Object.keys(b.assessments)))].sort();
  const total = buckets.reduce((n, b) => n + b.traces, 0);
  return (
    <>
      <ExperimentTabs experimentId={experimentId} active="monitoring" />
      <div className="toolbar">
        <select value={params.get('range') ?? '24h'} onChange={(e) => setParams({ range: e.target.value }, { replace: true })} aria-label="Time range">
          {Object.entries(RANGES).map(([k, r]) => (
            <option key={k} value={k}>
              {r.label}
            </option>
          ))}
        </select>
        <span className="muted">{total.toLocaleString()} traces in range</span>
      </div>
      <ErrorBanner error={query.error} />
      {query.isLoading ? (
        <Loading />
      ) : total === 0 ? (
        <EmptyState title="No traces in this time range">Pick a longer range, or send traces to this experiment.</EmptyState>
      ) : (
        <div className="cards">
          <Chart title="Trace volume" data={data} lines={[{ key: 'traces', name: 'traces' }, { key: 'errors', name: 'errors' }]} bar />
          <Chart title="Error rate (%)" data={data} lines={[{ key: 'error_rate', name: 'error %' }]} />
          <Chart title="Latency (ms)" data={data} lines={[{ key: 'p50', name: 'p50' }, { key: 'p95', name: 'p95' }]} />
          <Chart title="Tokens" data={data} lines={[{ key: 'tokens', name: 'tokens' }]} bar />
          <Chart title="Cost (USD)" data={data} lines={[{ key: 'cost', name: 'cost' }]} />
          {names.length > 0 && <Chart title="Assessment means" data={data} lines={names.map((n) => ({ key: `a:${n}`, name: n }))} />}
        </div>
      )}
    </>
  );
}
