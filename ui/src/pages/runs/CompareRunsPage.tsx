import { useQueries, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { api } from '../../api/mlflow';
import { ErrorBanner, Loading } from '../../components/common/Status';
import { MetricChart } from '../../components/runs/MetricChart';
import { ParallelCoordinates } from '../../components/runs/ParallelCoordinates';

/** Selected runs side by side: every metric over steps or wall time, and params with differences highlighted. */
export function CompareRunsPage() {
  const { experimentId = '0' } = useParams();
  const [params] = useSearchParams();
  const ids = (params.get('runs') ?? '').split(',').filter(Boolean);
  const [xAxis, setXAxis] = useState<'step' | 'timestamp'>('step');
  const runs = useQueries({ queries: ids.map((id) => ({ queryKey: ['run', id], queryFn: () => api.getRun(id) })) });
  const loaded = runs.map((r) => r.data?.run).filter((r) => r !== undefined);
  const metricKeys = [...new Set(loaded.flatMap((r) => r.data.metrics?.map((m) => m.key) ?? []))].sort();
  const histories = useQuery({
    queryKey: ['histories', ids, metricKeys],
    enabled: loaded.length === ids.length && metricKeys.length > 0,
    queryFn: async () => {
      const out: Record<string, { name: string; points: Awaited<ReturnType<typeof api.metricHistory>>['metrics'] }[]> = {};
      for (const key of metricKeys) {
        out[key] = await Promise.all(loaded.map(async (r) => ({ name: r.info.run_name, points: (await api.metricHistory(r.info.run_id, key)).metrics ?? [] })));
      }
      return out;
    },
  });
  const paramKeys = [...new Set(loaded.flatMap((r) => r.data.params?.map((p) => p.key) ?? []))].sort();
  const error = runs.find((r) => r.error)?.error ?? histories.error;

  return (
    <>
      <div className="muted">
        <Link to={`/experiments/${experimentId}/runs`}>← Runs</Link>
      </div>
      <h1>Compare {ids.length} runs</h1>
      <ErrorBanner error={error} />
      {loaded.length < ids.length ? (
        <Loading />
      ) : (
        <>
          <div className="toolbar">
            X axis:
            <select value={xAxis} onChange={(e) => setXAxis(e.target.value as 'step' | 'timestamp')} aria-label="X axis">
              <option value="step">Step</option>
              <option value="timestamp">Wall time</option>
            </select>
          </div>
          <div className="cards">
            {metricKeys.map((k) => (
              <MetricChart key={k} title={k} xAxis={xAxis} series={(histories.data?.[k] ?? []).map((s) => ({ name: s.name, points: s.points ?? [] }))} />
            ))}
          </div>
          <h2>Params and metrics</h2>
          <ParallelCoordinates runs={loaded} params={paramKeys} metrics={metricKeys} />
          <h2>Parameters</h2>
          <table className="grid">
            <thead>
              <tr>
                <th>Param</th>
                {loaded.map((r) => (
                  <th key={r.info.run_id}>{r.info.run_name}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {paramKeys.map((k) => {
                const values = loaded.map((r) => r.data.params?.find((p) => p.key === k)?.value);
                const differs = new Set(values).size > 1;
                return (
                  <tr key={k}>
                    <td style={{ fontWeight: differs ? 700 : undefined }}>{k}</td>
                    {values.map((v, i) => (
                      <td key={i} style={{ color: differs ? 'var(--warn)' : undefined }}>
                        {v ?? '—'}
                      </td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}
