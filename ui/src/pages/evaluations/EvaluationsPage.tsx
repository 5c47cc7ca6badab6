import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { evaluations, jobBadge, SCORERS } from '../../api/mlflow';
import { ExperimentTabs } from '../../components/common/ExperimentTabs';
import { EmptyState, ErrorBanner, Loading } from '../../components/common/Status';
import { formatCost, formatTime } from '../../lib/format';

/** Evaluation jobs of an experiment: start one (scorers, filter, judge model), watch progress, pick two to compare. */
export function EvaluationsPage() {
  const { experimentId = '0' } = useParams();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const jobs = useQuery({
    queryKey: ['evaluations', experimentId],
    queryFn: () => evaluations.list(experimentId),
    refetchInterval: (q) => (q.state.data?.jobs.some((j) => j.status === 'RUNNING' || j.status === 'PENDING') ? 1000 : false),
  });
  const [scorers, setScorers] = useState<Set<string>>(new Set(['groundedness', 'answer_relevance', 'latency']));
  const [filter, setFilter] = useState('');
  const [judgeModel, setJudgeModel] = useState('');
  const [runName, setRunName] = useState('');
  const [force, setForce] = useState(false);
  const [picked, setPicked] = useState<string[]>([]);
  const start = useMutation({
    mutationFn: () => evaluations.start({ experiment_id: experimentId, scorers: [...scorers], filter: filter || undefined, judge_model: judgeModel || undefined, run_name: runName || undefined, force: force || undefined }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['evaluations', experimentId] }),
  });
  const toggle = (s: string) => setScorers((prev) => (prev.has(s) ? new Set([...prev].filter((x) => x !== s)) : new Set([...prev, s])));
  const list = jobs.data?.jobs ?? [];

  return (
    <>
      <ExperimentTabs experimentId={experimentId} active="evaluations" />
      <form
        className="panel"
        onSubmit={(e) => {
          e.preventDefault();
          start.mutate();
        }}
      >
        <h2 style={{ marginTop: 0 }}>New evaluation</h2>
        {(['judge', 'code'] as const).map((kind) => (
          <div key={kind} className="toolbar">
            <span className="muted" style={{ width: 110 }}>
              {kind === 'judge' ? 'LLM judges' : 'Deterministic'}
            </span>
            {SCORERS[kind].map((s) => (
              <label key={s}>
                <input type="checkbox" checked={scorers.has(s)} onChange={() => toggle(s)} /> {s}
              </label>
            ))}
          </div>
        ))}
        <div className="toolbar">
          <input className="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="Trace filter, e.g. trace.status = 'OK'" aria-label="Evaluation filter" />
          <input value={judgeModel} onChange={(e) => setJudgeModel(e.target.value)} placeholder="Judge model (default from server env)" aria-label="Judge model" />
          <input value={runName} onChange={(e) => setRunName(e.target.value)} placeholder="Run name" aria-label="Run name" />
          <label title="Judge again traces that already have an assessment from these scorers (replaces it)">
            <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} /> Re-judge
          </label>
          <button className="primary" type="submit" disabled={start.isPending || scorers.size === 0}>
            Start evaluation
          </button>
        </div>
        <ErrorBanner error={start.error} />
      </form>
      <h2>
        Jobs{' '}
        <button disabled={picked.length !== 2} onClick={() => navigate(`/evaluations/compare?a=${picked[0]}&b=${picked[1]}`)}>
          Compare 2 selected
        </button>
      </h2>
      <ErrorBanner error={jobs.error} />
      {jobs.isLoading ? (
        <Loading />
      ) : list.length === 0 ? (
        <EmptyState title="No evaluations yet">Pick scorers above and start one, or run <code>glassbox evaluate --experiment …</code>.</EmptyState>
      ) : (
        <table className="grid">
          <thead>
            <tr>
              <th />
              <th>Job</th>
              <th>Status</th>
              <th>Progress</th>
              <th>Scorers</th>
              <th>Judge cost</th>
              <th>Started</th>
              <th>Run</th>
            </tr>
          </thead>
          <tbody>
            {list.map((j) => {
              const pct = j.progress.total ? Math.round((100 * j.progress.done) / j.progress.total) : j.status === 'SUCCEEDED' ? 100 : 0;
              return (
                <tr key={j.job_id}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Select ${j.job_id}`}
                      checked={picked.includes(j.job_id)}
                      onChange={(e) => setPicked((p) => (e.target.checked ? [...p, j.job_id].slice(-2) : p.filter((x) => x !== j.job_id)))}
                    />
                  </td>
                  <td>
                    <Link to={`/evaluations/${j.job_id}`}>{j.job_id.slice(0, 12)}</Link>
                  </td>
                  <td>
                    <span className={`badge ${jobBadge(j.status)}`}>{j.status}</span>
                  </td>
                  <td style={{ minWidth: 160 }}>
                    <progress max={100} value={pct} /> {j.progress.done}/{j.progress.total}
                    {j.progress.failures ? <span style={{ color: 'var(--err)' }}> · {j.progress.failures} failed</span> : null}
                  </td>
                  <td className="muted">{((j.request.scorers as string[]) ?? []).join(', ')}</td>
                  <td>{formatCost(j.progress.cost_usd)}</td>
                  <td>{formatTime(j.created_at)}</td>
                  <td>{j.run_id && <Link to={`/runs/${j.run_id}`}>run</Link>}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}
