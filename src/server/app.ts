import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { admission } from './admission.js';
import type { AppDeps } from './deps.js';
import { MlflowError, notFound, onError } from './errors.js';
import { artifactRoutes, artifactUiRoutes } from './routes/artifacts.js';
import { assessmentsRoutes } from './routes/assessments.js';
import { authApiRoutes } from './routes/auth-api.js';
import { datasetsRoutes } from './routes/datasets.js';
import { evaluationsRoutes } from './routes/evaluations.js';
import { experimentsRoutes } from './routes/experiments.js';
import { loggedModelsRoutes } from './routes/logged-models.js';
import { metaRoutes } from './routes/meta.js';
import { metricsRoutes } from './routes/metrics.js';
import { monitoringRoutes } from './routes/monitoring.js';
import { otlpRoutes } from './routes/otlp.js';
import { registryRoutes } from './routes/registry.js';
import { runsRoutes } from './routes/runs.js';
import { scorersRoutes } from './routes/scorers.js';
import { tracesRoutes } from './routes/traces.js';
import { uiRoutes } from './ui.js';
import { authMiddleware } from './auth/middleware.js';
import { corsGuard } from './auth/cors.js';
import { hostCheck } from './auth/host-check.js';
import { httpMetrics, metricsEndpoint } from './metrics/http.js';
import { createServerMetrics } from './metrics/server-metrics.js';

/**
 * Builds the whole HTTP app. Pure: no I/O happens until a request arrives, so tests and main.ts
 * build it the same way.
 */
export function createApp(deps: AppDeps) {
  const metrics = deps.metrics ?? createServerMetrics(deps.store, deps.config);
  deps = { ...deps, metrics };
  const app = new Hono();
  app.onError(onError);
  app.notFound(notFound);
  // Outermost first: timing sees every answer; Host and Origin checks run before any credentials.
  app.use('*', httpMetrics(metrics));
  app.use('*', hostCheck(deps.config));
  app.use('*', corsGuard(deps.config));
  const maxActive = deps.config.maxConcurrentRequests ?? (deps.store.dialect === 'sqlite' ? 2 : 16);
  const admitted = admission({ maxActive, maxQueued: deps.config.maxQueuedRequests });
  metrics.gauge('glassbox_requests_waiting', 'API requests waiting for a processing slot (admission control)', () => [{ value: admitted.queued() }]);
  for (const path of ['/v1/*', '/api/:v/otel/*', '/api/:v/mlflow/*', '/ajax-api/:v/mlflow/*', '/api/:v/glassbox/*', '/ajax-api/:v/glassbox/*']) {
    app.use(path, admitted.middleware);
  }

  const maxJson = deps.config.maxBodyMb * 1024 * 1024;
  const tooLarge = () => {
    throw MlflowError.tooLarge(`Request body exceeds the limit of ${deps.config.maxBodyMb} MB`);
  };
  const streamedLimit = bodyLimit({ maxSize: maxJson, onError: tooLarge });
  // A declared length is checked here, because hono's bodyLimit reads c.req.raw.body first, which
  // makes @hono/node-server build a web stream and lose its direct body read (0.4 ms of CPU
  // for a 60 KB log-batch body).
  const jsonLimit: MiddlewareHandler = (c, next) => {
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) return streamedLimit(c, next);
    return parseInt(length, 10) > maxJson ? tooLarge() : next();
  };
  app.use('/api/:v/mlflow/*', jsonLimit);
  app.use('/ajax-api/:v/mlflow/*', jsonLimit);
  // After the body limits: the auth layer may read a JSON body to find the experiment it targets.
  if (deps.config.auth) app.use('*', authMiddleware(deps));
  app.route('/', metricsEndpoint(metrics));

  app.route('/', metaRoutes(deps));
  app.route('/', otlpRoutes(deps));

  // MLflow mounts each RPC under its proto's major version, at /api and at /ajax-api (for the UI).
  // Serving every resource under both 2.0 and 3.0 is a harmless superset of that.
  const mlflow = new Hono()
    .route('/', experimentsRoutes(deps))
    .route('/', runsRoutes(deps))
    .route('/', metricsRoutes(deps))
    .route('/', loggedModelsRoutes(deps))
    .route('/', tracesRoutes(deps))
    .route('/', assessmentsRoutes(deps))
    .route('/', registryRoutes(deps))
    .route('/', datasetsRoutes(deps))
    .route('/', scorersRoutes(deps))
    .route('/', authApiRoutes(deps))
    .route('/', artifactUiRoutes(deps));
  const artifacts = artifactRoutes(deps);
  const glassbox = new Hono().route('/', evaluationsRoutes(deps)).route('/', monitoringRoutes(deps));
  for (const prefix of ['/api', '/ajax-api']) {
    for (const v of ['2.0', '3.0']) {
      app.route(`${prefix}/${v}/mlflow`, mlflow);
      app.route(`${prefix}/${v}/mlflow-artifacts`, artifacts);
      app.route(`${prefix}/${v}/glassbox`, glassbox);
    }
  }
  app.route('/', uiRoutes(deps));
  return app;
}
