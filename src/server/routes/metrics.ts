import { Hono } from 'hono';
import type { AppDeps } from '../deps.js';

export function metricsRoutes(_deps: AppDeps) {
  return new Hono();
}
