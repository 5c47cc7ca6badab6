import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { Link, useParams } from 'react-router';
import { evaluations, jobBadge, type EvaluationResult, type ScorerSummary } from '../../api/mlflow';
import { ErrorBanner, Loading } from '../../components/common/Status';
import { formatCost, formatDuration, formatNumber } from '../../lib/format';
import { histogram } from '../../lib/histogram';

function Distribution({ scorer, results }: { scorer: string; results: EvaluationResult[] }) {
  const scores = results.filter((r) => r.scorer === scorer && r.score !== undefined).map((r) => r.score!);
  const max = Math.max(1, ...scores);
  const bins = histogram(scores, 10, 0, max).map((b) => ({ label: `${formatNumber(b.from)}–${formatNumber(b.to)}`, count: b.count }));
  return (
    <div className="panel" data-testid={`dist-${scorer}`}>
      <div style={{ fontWeight: 600 }}>{scorer}</div>
      <ResponsiveContainer width="100%" height={160}>
        <BarChart data={bins}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
          <XAxis dataKey="label" fontSize={10} stroke="var(--muted)" />
          <YAxis allowDecimals={false} fontSize={10} stroke="var(--muted)" width={30} />
          <Tooltip contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)' }} />
          <Bar dataKey="count" fill="#4f46e5" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

export function SummaryTable({ summary }: { summary: ScorerSummary[] }) {
  return (
    <table className="grid">
      <thead>
        <tr>
          <th>Scorer</th>
          <th>Kind</th>
          <th>Mean</th>
          <th>Pass rate</th>
          <th>p50</th>
          <th>p95</th>
          <th>Count</th>
          <th>Errors</th>
          <th>Judge cost</th>
          <th>Judge latency</th>
        </tr>
      </thead>
      <tbody>
        {summary.map((s) => (
          <tr key={s.scorer}>
            <td>{s.scorer}</td>
            <td className="muted">{s.kind}</td>
            <td>{formatNumber(s.mean)}</td>
            <td>{s.passRate === undefined ? '' : `${Math.round(s.passRate * 100)}%`}</td>
            <td>{formatNumber(s.p50)}</td>
            <td>{formatNumber(s.p95)}</td>
            <td>{s.count}</td>
            <td style={{ color: s.errors ? 'var(--err)' : undefined }}>{s.errors}</td>
            <td>{formatCost(s.judgeCostUsd)}</td>
            <td>{formatDuration(s.judgeLatencyMsMean)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One evaluation job: live progress, per-scorer summary with cost and latency, score distributions, per-trace results. */
export function EvaluationPage() {
  const { jobId = '' } = useParams();
  const query = useQuery({
    queryKey: ['evaluation', jobId],
    queryFn: () => evaluations.get(jobId),
    // A cancelled job finishes the records it had in flight and then records its final progress.
    refetchInterval: (q) => {
      const job = q.state.data?.job;
      const settling = job?.status === 'CANCELLED' && Date.now() - (job.finished_at ?? 0) < 15_000;
      return job && (['RUNNING', 'PENDING'].includes(job.status) || settling) ? 1000 : false;
    },
  });
  const qc = useQueryClient();
  const cancel = useMutation({ mutationFn: () => evaluations.cancel(jobId), onSettled: () => qc.invalidateQueries({ queryKey: ['evaluation', jobId] }) });
  if (query.isLoading) return <Loading />;
  if (query.error) return <ErrorBanner error={query.error} />;
  const { job, results = [] } = query.data!;
  const scorers = [...new Set(results.map((r) => r.scorer))].sort();
  const pct = job.progress.total ? (100 * job.progress.done) / job.progress.total : 0;
  return (
    <>
      <div className="muted">
        <Link to={`/experiments/${job.experiment_id}/evaluations`}>← Evaluations</Link>
      </div>
      <h1>
        Evaluation {job.job_id.slice(0, 12)} <span className={`badge ${jobBadge(job.status)}`}>{job.status}</span>{' '}
        {(job.status === 'RUNNING' || job.status === 'PENDING') && (
          <button type="button" onClick={() => cancel.mutate()} disabled={cancel.isPending}>
            Cancel
          </button>
        )}
      </h1>
      {job.error && <div className="error-banner">{job.error}</div>}
      {cancel.error && <ErrorBanner error={cancel.error} />}
      {job.status === 'CANCELLED' && <div className="muted">Cancelled: results judged so far are kept as assessments; start the same evaluation again to resume it.</div>}
      <div className="stat-row">
        <div className="stat">
          <span className="label">Progress</span>
          <span className="value">
            <progress max={100} value={pct} /> {job.progress.done}/{job.progress.total}
          </span>
        </div>
        <div className="stat">
          <span className="label">Failures</span>
          <span className="value">{job.progress.failures}</span>
        </div>
        <div className="stat">
          <span className="label">Skipped (already judged)</span>
          <span className="value">{job.progress.skipped}</span>
        </div>
        <div className="stat">
          <span className="label">Judge cost</span>
          <span className="value">{formatCost(job.progress.cost_usd)}</span>
        </div>
        {job.run_id && (
          <div className="stat">
            <span className="label">MLflow run</span>
            <span className="value">
              <Link to={`/runs/${job.run_id}`}>open</Link>
            </span>
          </div>
        )}
      </div>
      {job.summary && <SummaryTable summary={job.summary} />}
      <h2>Score distributions</h2>
      <div className="cards">
        {scorers.map((s) => (
          <Distribution key={s} scorer={s} results={results} />
        ))}
      </div>
      <h2>Per-trace results</h2>
      <table className="grid" data-testid="results">
        <thead>
          <tr>
            <th>Trace</th>
            <th>Scorer</th>
            <th>Score</th>
            <th>Label</th>
            <th>Passed</th>
            <th>Judge latency</th>
            <th>Error</th>
          </tr>
        </thead>
        <tbody>
          {results.map((r) => (
            <tr key={`${r.trace_id}/${r.scorer}`}>
              <td>
                <Link to={`/traces/${r.trace_id}`}>{r.trace_id.slice(0, 15)}</Link>
              </td>
              <td>{r.scorer}</td>
              <td>{formatNumber(r.score)}</td>
              <td>{r.label}</td>
              <td>{r.passed === undefined ? '' : r.passed ? '✓' : '✗'}</td>
              <td>{r.judge_latency_ms ? formatDuration(r.judge_latency_ms) : ''}</td>
              <td style={{ color: 'var(--err)' }}>{r.error}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
