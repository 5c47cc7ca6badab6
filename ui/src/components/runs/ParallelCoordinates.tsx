import type { Run } from '../../api/types';
import { buildAxis } from '../../lib/parallel';

const COLORS = ['#4f46e5', '#ea580c', '#16a34a', '#db2777', '#0891b2', '#ca8a04', '#7c3aed', '#dc2626'];

/** Params and latest metrics of the compared runs as a parallel-coordinates chart (one line per run). */
export function ParallelCoordinates({ runs, params, metrics }: { runs: Run[]; params: string[]; metrics: string[] }) {
  const dims = [
    ...params.map((k) => ({ name: k, value: (r: Run) => r.data.params?.find((p) => p.key === k)?.value })),
    ...metrics.map((k) => ({ name: k, value: (r: Run) => r.data.metrics?.find((m) => m.key === k)?.value })),
  ];
  if (dims.length < 2) return null;
  const axes = dims.map((d) => buildAxis(d.name, runs.map(d.value)));
  const width = Math.max(480, dims.length * 140);
  const height = 260;
  const top = 30;
  const bottom = 30;
  const x = (i: number) => 60 + (i * (width - 120)) / (dims.length - 1);
  const y = (p: number) => top + (1 - p) * (height - top - bottom);
  return (
    <div className="panel" style={{ overflowX: 'auto' }}>
      <svg width={width} height={height} data-testid="parallel" role="img" aria-label="Parallel coordinates of params and metrics">
        {axes.map((a, i) => (
          <g key={a.name}>
            <line x1={x(i)} x2={x(i)} y1={top} y2={height - bottom} stroke="var(--border)" />
            <text x={x(i)} y={16} textAnchor="middle" fontSize={11} fill="var(--text)">
              {a.name}
            </text>
            {a.ticks.map((t) => (
              <text key={t.label} x={x(i) + 4} y={y(t.at) + 4} fontSize={10} fill="var(--muted)">
                {t.label}
              </text>
            ))}
          </g>
        ))}
        {runs.map((r, ri) => {
          const pts = dims.map((d, i) => ({ i, p: axes[i].position(d.value(r)) })).filter((pt) => pt.p !== undefined);
          return (
            <polyline
              key={r.info.run_id}
              points={pts.map((pt) => `${x(pt.i)},${y(pt.p!)}`).join(' ')}
              fill="none"
              stroke={COLORS[ri % COLORS.length]}
              strokeWidth={2}
              opacity={0.85}
            >
              <title>{r.info.run_name}</title>
            </polyline>
          );
        })}
      </svg>
    </div>
  );
}
