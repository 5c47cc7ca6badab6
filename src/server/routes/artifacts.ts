import { Hono } from 'hono';
import type { AppDeps } from '../deps.js';

/** The mlflow-artifacts proxy: PUT/GET/DELETE /artifacts/<path>, GET /artifacts?path= (list). */
export function artifactRoutes(_deps: AppDeps) {
  return new Hono();
}

/** UI helpers under /mlflow: /artifacts/list, /get-artifact. */
export function artifactUiRoutes(_deps: AppDeps) {
  return new Hono();
}
