import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api } from '../../api/mlflow';

const TABS = [
  ['runs', 'Runs'],
  ['traces', 'Traces'],
  ['monitoring', 'Monitoring'],
  ['evaluations', 'Evaluations'],
] as const;

/** Experiment title and the tabs shared by its pages. */
export function ExperimentTabs({ experimentId, active }: { experimentId: string; active: (typeof TABS)[number][0] }) {
  const exp = useQuery({ queryKey: ['experiment', experimentId], queryFn: () => api.getExperiment(experimentId) });
  return (
    <>
      <div className="muted">
        <Link to="/experiments">Experiments</Link> /
      </div>
      <h1>{exp.data?.experiment.name ?? `Experiment ${experimentId}`}</h1>
      <div className="tabs">
        {TABS.map(([key, label]) => (
          <Link key={key} to={`/experiments/${experimentId}/${key}`} className={key === active ? 'active' : ''}>
            {label}
          </Link>
        ))}
      </div>
    </>
  );
}
