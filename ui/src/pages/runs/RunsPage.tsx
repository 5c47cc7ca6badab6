import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { api } from '../../api/mlflow';
import type { Run } from '../../api/types';
import { ExperimentTabs } from '../../components/common/ExperimentTabs';
import { EmptyState, ErrorBanner, Loading } from '../../components/common/Status';
import { formatDuration, formatNumber, formatTime } from '../../lib/format';

const quote = (k: string) => '`' + k + '`';

/** Columns the runs table shows: every param and latest metric key present in the page. */
function columnsOf(runs: Run[]) {
  const params = new Set<string>();
  const metrics = new Set<string>();
  for (const r of runs) {
    r.data.params?.forEach((p) => params.add(p.key));
    r.data.metrics?.forEach((m) => metrics.add(m.key));
  }
  return { params: [...params].sort(), metrics: [...metrics].sort() };
}

/** Runs of an experiment: filter (MLflow run grammar), sortable columns (server-side order_by), select to compare. */
export function RunsPage() {
  const { experimentId = '0' } = useParams();
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const filter = params.get('filter') ?? '';
  const orderBy = params.get('order') ?? 'attributes.start_time DESC';
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const query = useQuery({
    queryKey: ['runs', experimentId, filter, orderBy],
    queryFn: () => api.searchRuns({ experiment_ids: [experimentId], filter: filter || undefined, order_by: [orderBy], max_results: 1000 }),
  });
  const runs = query.data?.runs ?? [];
  const cols = columnsOf(runs);
  const sortBy = (key: string) => {
    const desc = orderBy === `${key} DESC`;
    setParams((p) => (p.set('order', `${key} ${desc ? 'ASC' : 'DESC'}`), p), { replace: true });
  };
  const arrow = (key: string) => (orderBy === `${key} DESC` ? ' ↓' : orderBy === `${key} ASC` ? ' ↑' : '');
  const toggle = (id: string) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <>
      <ExperimentTabs experimentId={experimentId} active="runs" />
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          const v = String(new FormData(e.currentTarget).get('filter') ?? '');
          setParams((p) => (v ? p.set('filter', v) : p.delete('filter'), p), { replace: true });
        }}
      >
        <input className="search" name="filter" defaultValue={filter} placeholder="metrics.loss < 0.5 AND params.model = 'gpt-4o'" aria-label="Run filter" />
        <button type="submit">Search</button>
        <button type="button" className="primary" disabled={selected.size < 1} onClick={() => navigate(`/experiments/${experimentId}/compare-runs?runs=${[...selected].join(',')}`)}>
          Compare {selected.size || ''}
        </button>
      </form>
      <ErrorBanner error={query.error} />
      {query.isLoading ? (
        <Loading />
      ) : runs.length === 0 && !query.error ? (
        <EmptyState title="No runs match">
          Log one with <code>mlflow.start_run()</code> in Python or <code>startRun()</code> from the <code>glassbox</code> SDK.
        </EmptyState>
      ) : (
        <div style={{ overflow: 'auto' }}>
          <table className="grid">
            <thead>
              <tr>
                <th />
                <th onClick={() => sortBy('attributes.run_name')}>Run{arrow('attributes.run_name')}</th>
                <th onClick={() => sortBy('attributes.status')}>Status{arrow('attributes.status')}</th>
                <th onClick={() => sortBy('attributes.start_time')}>Started{arrow('attributes.start_time')}</th>
                <th>Duration</th>
                {cols.metrics.map((k) => (
                  <th key={`m-${k}`} onClick={() => sortBy(`metrics.${quote(k)}`)}>
                    {k}
                    {arrow(`metrics.${quote(k)}`)}
                  </th>
                ))}
                {cols.params.map((k) => (
                  <th key={`p-${k}`} onClick={() => sortBy(`params.${quote(k)}`)} className="muted">
                    {k}
                    {arrow(`params.${quote(k)}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => {
                const metric = new Map(r.data.metrics?.map((m) => [m.key, m.value]));
                const param = new Map(r.data.params?.map((p) => [p.key, p.value]));
                return (
                  <tr key={r.info.run_id} className={selected.has(r.info.run_id) ? 'selected' : ''}>
                    <td>
                      <input type="checkbox" checked={selected.has(r.info.run_id)} onChange={() => toggle(r.info.run_id)} aria-label={`Select ${r.info.run_name}`} />
                    </td>
                    <td>
                      <Link to={`/runs/${r.info.run_id}`}>{r.info.run_name}</Link>
                    </td>
                    <td>
                      <span className={`badge ${r.info.status}`}>{r.info.status}</span>
                    </td>
                    <td>{formatTime(r.info.start_time)}</td>
                    <td>{r.info.end_time ? formatDuration(r.info.end_time - r.info.start_time) : ''}</td>
                    {cols.metrics.map((k) => (
                      <td key={k}>{formatNumber(metric.get(k))}</td>
                    ))}
                    {cols.params.map((k) => (
                      <td key={k}>{param.get(k)}</td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
