import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { evaluations } from '../../api/mlflow';
import { ErrorBanner, Loading } from '../../components/common/Status';
import { formatNumber } from '../../lib/format';

/** Two evaluation jobs side by side: per-scorer means and pass rates, and traces whose score changed. */
export function CompareEvaluationsPage() {
  const [params] = useSearchParams();
  const a = params.get('a') ?? '';
  const b = params.get('b') ?? '';
  const qa = useQuery({ queryKey: ['evaluation', a], queryFn: () => evaluations.get(a) });
  const qb = useQuery({ queryKey: ['evaluation', b], queryFn: () => evaluations.get(b) });
  if (qa.isLoading || qb.isLoading) return <Loading />;
  if (qa.error || qb.error) return <ErrorBanner error={qa.error ?? qb.error} />;
  const [ja, jb] = [qa.data!, qb.data!];
  const scorers = [...new Set([...(ja.job.summary ?? []), ...(jb.job.summary ?? [])].map((s) => s.scorer))].sort();
  const scoreOf = (rs: typeof ja.results, trace: string, scorer: string) => rs?.find((r) => r.trace_id === trace && r.scorer === scorer)?.score;
  const changed = (ja.results ?? [])
    .map((r) => ({ trace: r.trace_id, scorer: r.scorer, a: r.score, b: scoreOf(jb.results, r.trace_id, r.scorer) }))
    .filter((r) => r.a !== undefined && r.b !== undefined && r.a !== r.b);
  return (
    <>
      <h1>Compare evaluations</h1>
      <table className="grid" data-testid="eval-compare">
        <thead>
          <tr>
            <th>Scorer</th>
            <th>
              <Link to={`/evaluations/${a}`}>{a.slice(0, 12)}</Link> mean
            </th>
            <th>
              <Link to={`/evaluations/${b}`}>{b.slice(0, 12)}</Link> mean
            </th>
            <th>Δ mean</th>
            <th>Pass rate A / B</th>
          </tr>
        </thead>
        <tbody>
          {scorers.map((s) => {
            const sa = ja.job.summary?.find((x) => x.scorer === s);
            const sb = jb.job.summary?.find((x) => x.scorer === s);
            const delta = sa?.mean !== undefined && sb?.mean !== undefined ? sb.mean - sa.mean : undefined;
            return (
              <tr key={s}>
                <td>{s}</td>
                <td>{formatNumber(sa?.mean)}</td>
                <td>{formatNumber(sb?.mean)}</td>
                <td style={{ color: delta === undefined || delta === 0 ? undefined : delta > 0 ? 'var(--ok)' : 'var(--err)' }}>{delta === undefined ? '' : formatNumber(delta)}</td>
                <td>
                  {sa?.passRate === undefined ? '–' : `${Math.round(sa.passRate * 100)}%`} / {sb?.passRate === undefined ? '–' : `${Math.round(sb.passRate * 100)}%`}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <h2>Traces whose score changed ({changed.length})</h2>
      <table className="grid">
        <tbody>
          {changed.map((r) => (
            <tr key={`${r.trace}/${r.scorer}`}>
              <td>
                <Link to={`/traces/${r.trace}`}>{r.trace.slice(0, 15)}</Link>
              </td>
              <td>{r.scorer}</td>
              <td>
                {formatNumber(r.a)} → {formatNumber(r.b)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
