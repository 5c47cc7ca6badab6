import { Hono } from 'hono';
import type { AppDeps } from '../deps.js';

export function experimentsRoutes(_deps: AppDeps) {
  return new Hono();
}
