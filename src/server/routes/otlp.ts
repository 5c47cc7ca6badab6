import { Hono } from 'hono';
import type { AppDeps } from '../deps.js';

export function otlpRoutes(_deps: AppDeps) {
  return new Hono();
}
