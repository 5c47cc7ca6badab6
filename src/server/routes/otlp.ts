import type { IncomingMessage } from 'node:http';
import { Hono, type Context } from 'hono';
import type { AppDeps } from '../deps.js';
import { exportTraces } from '../otlp/export-traces.js';
import { decompress, otlpEncoding, readRawBody } from '../otlp/read-body.js';
import { encodeExportResponse, jsonExportResponse } from '../otlp/response.js';

/**
 * OTLP/HTTP trace receiver (https://opentelemetry.io/docs/specs/otlp/#otlphttp) at /v1/traces, plus
 * the /api/2.0/otel alias MLflow's TypeScript docs suggest. The reply uses the request's encoding.
 */
export function otlpRoutes(deps: AppDeps) {
  const maxBytes = deps.config.maxBodyMb * 1024 * 1024;
  const limitText = `${deps.config.maxBodyMb} MB`;
  const handler = async (c: Context) => {
    const encoding = otlpEncoding(c.req.header('content-type'));
    const raw = await readRawBody(c.req.raw, maxBytes, limitText, (c.env as { incoming?: IncomingMessage } | undefined)?.incoming);
    const body = await decompress(raw, c.req.header('content-encoding'), maxBytes, limitText);
    const out = await exportTraces(deps.store, body, encoding, c.req.header('x-mlflow-experiment-id'), deps.decodePool);
    deps.metrics?.inc('glassbox_spans_ingested_total', out.accepted);
    deps.metrics?.inc('glassbox_spans_rejected_total', out.rejected);
    if (encoding === 'json') return c.json(jsonExportResponse(out.rejected, out.errorMessage));
    return c.body(encodeExportResponse(out.rejected, out.errorMessage), 200, { 'content-type': 'application/x-protobuf' });
  };
  return new Hono().post('/v1/traces', handler).post('/api/2.0/otel/v1/traces', handler);
}
