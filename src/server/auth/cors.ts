import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { Config } from '../../config.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CORS is closed unless GLASSBOX_CORS_ORIGINS lists origins: no Access-Control-Allow-Origin is ever
 * sent otherwise. Because browsers still *send* simple cross-origin POSTs (form posts, text/plain
 * bodies) and only hide the answer, state-changing requests from an unlisted foreign Origin are
 * refused outright, as MLflow's security middleware does.
 */
export function corsGuard(config: Config): MiddlewareHandler {
  const origins = config.corsOrigins;
  const allowAll = origins.includes('*');
  const headers = cors({
    origin: allowAll ? '*' : origins,
    allowHeaders: ['Authorization', 'Content-Type', 'X-MLflow-Experiment-Id', 'Content-Encoding'],
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    maxAge: 600,
  });
  return async (c, next) => {
    const origin = c.req.header('origin');
    if (origin && !SAFE_METHODS.has(c.req.method) && !allowAll && !origins.includes(origin) && !sameOrigin(origin, c.req.header('host'))) {
      return c.text(`Cross-origin request from '${origin}' refused: add the origin to GLASSBOX_CORS_ORIGINS to allow it.`, 403);
    }
    if (origins.length === 0) return next();
    return headers(c, next);
  };
}

function sameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host.toLowerCase() === host.toLowerCase();
  } catch {
    return false;
  }
}
