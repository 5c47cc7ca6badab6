import { Hono } from 'hono';
import type { AppDeps } from '../deps.js';

export function loggedModelsRoutes(_deps: AppDeps) {
  return new Hono();
}
