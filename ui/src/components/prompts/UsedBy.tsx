import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api } from '../../api/mlflow';
import { ErrorBanner } from '../common/Status';

/** Runs and traces that loaded this prompt version (their mlflow.linkedPrompts tag lists it). */
export function UsedBy({ name, version }: { name: string; version: string }) {
  const usage = useQuery({
    queryKey: ['prompt-usage', name, version],
    queryFn: async () => {
      const experiments = (await api.searchExperiments({ max_results: 1000 })).experiments ?? [];
      const ids = experiments.map((e) => e.experiment_id);
      if (!ids.length) return { runs: [], traces: [] };
      const quoted = name.replace(/'/g, "\\'");
      const [runs, traces] = await Promise.all([
        api.searchRuns({ experiment_ids: ids, filter: `tags.\`mlflow.linkedPrompts\` LIKE '%"name": "${quoted}", "version": "${version}"%'`, max_results: 50 }),
        api.searchTraces({ experiment_ids: ids, filter: `prompt = '${quoted}/${version}'`, max_results: 50 }),
      ]);
      return { runs: runs.runs ?? [], traces: traces.traces ?? [] };
    },
  });
  if (usage.error) return <ErrorBanner error={usage.error} />;
  const { runs = [], traces = [] } = usage.data ?? {};
  return (
    <div className="muted" data-testid="used-by">
      Used by {runs.length} run{runs.length === 1 ? '' : 's'}
      {runs.slice(0, 5).map((r) => (
        <Link key={r.info.run_id} to={`/runs/${r.info.run_id}`} style={{ marginLeft: 6 }}>
          {r.info.run_name}
        </Link>
      ))}{' '}
      and {traces.length} trace{traces.length === 1 ? '' : 's'}
      {traces.slice(0, 5).map((t) => (
        <Link key={t.trace_id} to={`/traces/${t.trace_id}`} style={{ marginLeft: 6 }}>
          {t.trace_id.slice(0, 11)}…
        </Link>
      ))}
    </div>
  );
}
