import { Hono } from 'hono';
import type { AppDeps } from '../deps.js';

export function tracesRoutes(_deps: AppDeps) {
  return new Hono();
}
