import { Hono } from 'hono';
import type { AppDeps } from '../deps.js';

export function registryRoutes(_deps: AppDeps) {
  return new Hono();
}
