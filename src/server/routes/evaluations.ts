import { Hono } from 'hono';
import type { AppDeps } from '../deps.js';

export function evaluationsRoutes(_deps: AppDeps) {
  return new Hono();
}
