import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api } from '../../api/mlflow';
import { ErrorBanner, Loading } from '../../components/common/Status';
import { ArtifactBrowser } from '../../components/runs/ArtifactBrowser';
import { MetricChart } from '../../components/runs/MetricChart';
import { formatDuration, formatNumber, formatTime } from '../../lib/format';

/** One run: info, params, metric charts, tags, artifacts. */
export function RunPage() {
  const { runId = '' } = useParams();
  const run = useQuery({ queryKey: ['run', runId], queryFn: () => api.getRun(runId) });
  const metrics = run.data?.run.data.metrics ?? [];
  const histories = useQuery({
    queryKey: ['run-histories', runId, metrics.map((m) => m.key)],
    enabled: metrics.length > 0,
    queryFn: () => Promise.all(metrics.map(async (m) => ({ key: m.key, points: (await api.metricHistory(runId, m.key)).metrics ?? [] }))),
  });
  if (run.isLoading) return <Loading />;
  if (run.error) return <ErrorBanner error={run.error} />;
  const { info, data } = run.data!.run;
  const userTags = (data.tags ?? []).filter((t) => !t.key.startsWith('mlflow.'));
  return (
    <>
      <div className="muted">
        <Link to={`/experiments/${info.experiment_id}/runs`}>← Runs</Link>
      </div>
      <h1>
        {info.run_name} <span className={`badge ${info.status}`}>{info.status}</span>
      </h1>
      <dl className="kv panel">
        <dt>Run ID</dt>
        <dd>
          <code>{info.run_id}</code>
        </dd>
        <dt>Started</dt>
        <dd>{formatTime(info.start_time)}</dd>
        <dt>Duration</dt>
        <dd>{info.end_time ? formatDuration(info.end_time - info.start_time) : 'running'}</dd>
        <dt>User</dt>
        <dd>{info.user_id}</dd>
        <dt>Artifact URI</dt>
        <dd>{info.artifact_uri}</dd>
      </dl>
      <h2>Metrics</h2>
      {metrics.length === 0 ? (
        <div className="muted">No metrics logged.</div>
      ) : (
        <div className="cards">
          {(histories.data ?? metrics.map((m) => ({ key: m.key, points: [m] }))).map((h) => (
            <MetricChart key={h.key} title={`${h.key} (latest ${formatNumber(metrics.find((m) => m.key === h.key)?.value)})`} series={[{ name: info.run_name, points: h.points }]} />
          ))}
        </div>
      )}
      <h2>Parameters</h2>
      <table className="grid">
        <tbody>
          {(data.params ?? []).map((p) => (
            <tr key={p.key}>
              <td className="muted">{p.key}</td>
              <td>{p.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Tags</h2>
      <table className="grid">
        <tbody>
          {userTags.map((t) => (
            <tr key={t.key}>
              <td className="muted">{t.key}</td>
              <td>{t.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Artifacts</h2>
      <ArtifactBrowser runId={runId} />
    </>
  );
}
