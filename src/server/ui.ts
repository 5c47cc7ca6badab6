import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import type { AppDeps } from './deps.js';

/** ui/dist relative to this file, both from src/ (tsx) and from dist/src/ (compiled). */
function findUiDist(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  return [join(here, '../../ui/dist'), join(here, '../../../ui/dist')].find((p) => existsSync(join(p, 'index.html')));
}

const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'same-origin',
  'Content-Security-Policy': "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'",
};

/** Serves the built React UI at / with an SPA fallback to index.html for client-side routes. */
export function uiRoutes(deps: AppDeps) {
  const app = new Hono();
  const root = deps.config.serveUi ? findUiDist() : undefined;
  if (!root) return app;
  const index = readFileSync(join(root, 'index.html'), 'utf8');
  app.use('*', async (c, next) => {
    await next();
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.header(k, v);
  });
  app.use('/assets/*', serveStatic({ root }));
  app.get('*', (c) => {
    // API-looking paths that reached here are unknown endpoints, not pages.
    if (/^\/(api|ajax-api|v1)\//.test(c.req.path)) return c.notFound();
    return c.html(index);
  });
  return app;
}
