import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Metric } from '../../api/types';

const COLORS = ['#4f46e5', '#ea580c', '#16a34a', '#db2777', '#0891b2', '#ca8a04', '#7c3aed', '#dc2626'];

export interface Series {
  name: string;
  points: Metric[];
}

/** One metric over steps (or wall time) for one or more runs. */
export function MetricChart({ title, series, xAxis = 'step' }: { title: string; series: Series[]; xAxis?: 'step' | 'timestamp' }) {
  // recharts wants one row per x value with a column per series.
  const rows = new Map<number, Record<string, number>>();
  series.forEach((s, i) => {
    for (const p of s.points) {
      const x = xAxis === 'step' ? p.step : p.timestamp;
      const row = rows.get(x) ?? { x };
      row[`s${i}`] = typeof p.value === 'number' ? p.value : Number(p.value);
      rows.set(x, row);
    }
  });
  const data = [...rows.values()].sort((a, b) => a.x - b.x);
  return (
    <div className="panel" data-testid={`chart-${title}`}>
      <div style={{ fontWeight: 600, marginBottom: 6 }}>{title}</div>
      <ResponsiveContainer width="100%" height={220}>
        <LineChart data={data}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
          <XAxis dataKey="x" tickFormatter={(v) => (xAxis === 'step' ? String(v) : new Date(v).toLocaleTimeString())} stroke="var(--muted)" fontSize={11} />
          <YAxis stroke="var(--muted)" fontSize={11} width={50} />
          <Tooltip contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)' }} />
          {series.length > 1 && <Legend />}
          {series.map((s, i) => (
            <Line key={i} dataKey={`s${i}`} name={s.name} stroke={COLORS[i % COLORS.length]} dot={data.length < 30} connectNulls isAnimationActive={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
