import { Hono } from 'hono';
import type { AppDeps } from '../deps.js';

/**
 * The MLflow version we answer on /version. The Python client sends spans over OTLP only when this
 * is >= 3.4 (mlflow-protocol.md §4.1), which is the mode Glassbox is built for.
 */
export const MLFLOW_COMPAT_VERSION = '3.11.2';

export function metaRoutes(deps: AppDeps) {
  return new Hono()
    .get('/health', (c) => c.text('OK'))
    .get('/version', (c) => c.text(MLFLOW_COMPAT_VERSION))
    .get('/api/:v{[23]\\.0}/mlflow/server-info', (c) =>
      c.json({ store_type: 'SqlStore', workspaces_enabled: false, glassbox: { dialect: deps.store.dialect } }),
    )
    .get('/ajax-api/:v{[23]\\.0}/mlflow/server-info', (c) =>
      c.json({ store_type: 'SqlStore', workspaces_enabled: false, glassbox: { dialect: deps.store.dialect } }),
    );
}
