import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, glassbox } from '../../api/mlflow';
import { EmptyState, ErrorBanner, Loading } from '../../components/common/Status';
import { formatTime, timeAgo } from '../../lib/format';
import { useListKeys } from '../../lib/use-list-keys';

/** Experiments with search (MLflow experiment filter grammar); the filter lives in the URL. */
export function ExperimentsPage() {
  const [params, setParams] = useSearchParams();
  const filter = params.get('filter') ?? '';
  const query = useQuery({
    queryKey: ['experiments', filter],
    queryFn: () => api.searchExperiments({ filter: filter || undefined, max_results: 1000, order_by: ['last_update_time DESC'] }),
  });
  const experiments = query.data?.experiments ?? [];
  const ids = experiments.map((e) => e.experiment_id);
  const summaries = useQuery({ queryKey: ['experiment-summaries', ids], queryFn: () => glassbox.experimentSummaries(ids), enabled: ids.length > 0 });
  const navigate = useNavigate();
  const keys = useListKeys(experiments.length, (i) => navigate(`/experiments/${experiments[i].experiment_id}/traces`));
  const summary = new Map(summaries.data?.summaries.map((s) => [s.experiment_id, s]));
  return (
    <>
      <h1>Experiments</h1>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          const value = new FormData(e.currentTarget).get('filter') as string;
          setParams(value ? { filter: value } : {});
        }}
      >
        <input className="search" name="filter" defaultValue={filter} placeholder="name LIKE '%bot%'" aria-label="Experiment filter" />
        <button type="submit">Search</button>
      </form>
      <ErrorBanner error={query.error} />
      {query.isLoading ? (
        <Loading />
      ) : experiments.length === 0 ? (
        <EmptyState title="No experiments match">
          Point an MLflow client at this server (<code>MLFLOW_TRACKING_URI={location.origin}</code>) and call{' '}
          <code>mlflow.set_experiment("my-app")</code>, or send OTLP spans to <code>/v1/traces</code>.
        </EmptyState>
      ) : (
        <table className="grid" aria-label="Experiments" {...keys.tableProps}>
          <thead>
            <tr>
              <th>Name</th>
              <th>ID</th>
              <th>Runs</th>
              <th>Traces</th>
              <th>Created</th>
              <th>Last activity</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {experiments.map((e, i) => (
              <tr key={e.experiment_id} id={`row-${i}`} className={i === keys.active ? 'selected' : ''}>
                <td>
                  <Link to={`/experiments/${e.experiment_id}/runs`}>{e.name}</Link>
                </td>
                <td className="muted">{e.experiment_id}</td>
                <td>{summary.get(e.experiment_id)?.run_count ?? ''}</td>
                <td>{summary.get(e.experiment_id)?.trace_count ?? ''}</td>
                <td>{formatTime(e.creation_time)}</td>
                <td>{timeAgo(Math.max(e.last_update_time, summary.get(e.experiment_id)?.last_activity ?? 0))}</td>
                <td>
                  <Link to={`/experiments/${e.experiment_id}/traces`}>Traces</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
