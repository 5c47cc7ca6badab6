import { Hono } from 'hono';
import type { AppDeps } from '../deps.js';

export function assessmentsRoutes(_deps: AppDeps) {
  return new Hono();
}
