import { createBrowserRouter, Navigate } from 'react-router';
import { App } from './App';
import { ExperimentsPage } from './pages/experiments/ExperimentsPage';

export const router = createBrowserRouter([
  {
    path: '/',
    element: <App />,
    children: [
      { index: true, element: <Navigate to="/experiments" replace /> },
      { path: 'experiments', element: <ExperimentsPage /> },
    ],
  },
]);
