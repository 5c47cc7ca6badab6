import { createBrowserRouter, Navigate } from 'react-router';
import { App } from './App';
import { CompareTracesPage } from './pages/compare/CompareTracesPage';
import { CompareEvaluationsPage } from './pages/evaluations/CompareEvaluationsPage';
import { EvaluationPage } from './pages/evaluations/EvaluationPage';
import { EvaluationsPage } from './pages/evaluations/EvaluationsPage';
import { ExperimentsPage } from './pages/experiments/ExperimentsPage';
import { MonitoringPage } from './pages/monitoring/MonitoringPage';
import { PromptPage } from './pages/prompts/PromptPage';
import { PromptsPage } from './pages/prompts/PromptsPage';
import { CompareRunsPage } from './pages/runs/CompareRunsPage';
import { RunPage } from './pages/runs/RunPage';
import { RunsPage } from './pages/runs/RunsPage';
import { TracePage } from './pages/trace/TracePage';
import { TracesPage } from './pages/traces/TracesPage';

export const router = createBrowserRouter([
  {
    path: '/',
    element: <App />,
    children: [
      { index: true, element: <Navigate to="/experiments" replace /> },
      { path: 'experiments', element: <ExperimentsPage /> },
      { path: 'experiments/:experimentId/runs', element: <RunsPage /> },
      { path: 'experiments/:experimentId/compare-runs', element: <CompareRunsPage /> },
      { path: 'experiments/:experimentId/traces', element: <TracesPage /> },
      { path: 'experiments/:experimentId/monitoring', element: <MonitoringPage /> },
      { path: 'experiments/:experimentId/evaluations', element: <EvaluationsPage /> },
      { path: 'evaluations/compare', element: <CompareEvaluationsPage /> },
      { path: 'evaluations/:jobId', element: <EvaluationPage /> },
      { path: 'runs/:runId', element: <RunPage /> },
      { path: 'traces/:traceId', element: <TracePage /> },
      { path: 'compare', element: <CompareTracesPage /> },
      { path: 'prompts', element: <PromptsPage /> },
      { path: 'prompts/:name', element: <PromptPage /> },
    ],
  },
]);
