import { Hono } from 'hono';
import type { AppDeps } from '../deps.js';

export function runsRoutes(_deps: AppDeps) {
  return new Hono();
}
