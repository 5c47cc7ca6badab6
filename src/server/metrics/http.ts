import { type Context, Hono, type MiddlewareHandler } from 'hono';
import type { MetricsRegistry } from './registry.js';
import type { ServerMetrics } from './server-metrics.js';

const INGEST_PATHS = new Set(['/v1/traces', '/api/2.0/otel/v1/traces']);

/**
 * Times every request and labels it by hono's matched route pattern (c.req.routePath), never the
 * raw path, so ids in URLs cannot explode the series count. Unmatched requests share one label.
 */
export function httpMetrics(registry: ServerMetrics): MiddlewareHandler {
  const { live } = registry;
  return async (c, next) => {
    const started = performance.now();
    const ingest = INGEST_PATHS.has(c.req.path);
    live.inFlight++;
    if (ingest) live.ingestInFlight++;
    try {
      await next();
    } finally {
      live.inFlight--;
      if (ingest) live.ingestInFlight--;
    }
    const labels = { method: c.req.method, route: routeLabel(c) };
    registry.inc('glassbox_http_requests_total', 1, { ...labels, status: String(c.res.status) });
    registry.observe('glassbox_http_request_duration_seconds', (performance.now() - started) / 1000, labels);
  };
}

/**
 * The pattern of the handler that answers the path: the first matched route that is not `app.use`
 * middleware (those register as method ALL), as hono tries handlers in registration order. It is
 * known even when auth answered before the handler ran.
 */
function routeLabel(c: Context): string {
  return c.req.matchedRoutes.find((r) => r.method !== 'ALL')?.path ?? 'unmatched';
}

/** GET /metrics in the Prometheus text format (access is decided by the auth middleware). */
export function metricsEndpoint(registry: MetricsRegistry) {
  return new Hono().get('/metrics', async (c) => c.body(await registry.expose(), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }));
}
