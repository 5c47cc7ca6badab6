import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';

/** MLflow's error codes (mlflow/protos/databricks.proto) that Glassbox answers with. */
export type ErrorCode =
  | 'INVALID_PARAMETER_VALUE'
  | 'BAD_REQUEST'
  | 'RESOURCE_ALREADY_EXISTS'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'RESOURCE_DOES_NOT_EXIST'
  | 'ENDPOINT_NOT_FOUND'
  | 'RESOURCE_CONFLICT'
  | 'REQUEST_LIMIT_EXCEEDED'
  | 'RESOURCE_EXHAUSTED'
  | 'INTERNAL_ERROR'
  | 'INVALID_STATE'
  | 'NOT_IMPLEMENTED'
  | 'TEMPORARILY_UNAVAILABLE';

/** From mlflow/exceptions.py ERROR_CODE_TO_HTTP_STATUS: RESOURCE_ALREADY_EXISTS is 400, not 409. */
export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  INVALID_PARAMETER_VALUE: 400,
  BAD_REQUEST: 400,
  RESOURCE_ALREADY_EXISTS: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  RESOURCE_DOES_NOT_EXIST: 404,
  ENDPOINT_NOT_FOUND: 404,
  RESOURCE_CONFLICT: 409,
  REQUEST_LIMIT_EXCEEDED: 429,
  RESOURCE_EXHAUSTED: 429,
  INTERNAL_ERROR: 500,
  INVALID_STATE: 500,
  NOT_IMPLEMENTED: 501,
  TEMPORARILY_UNAVAILABLE: 503,
};

/** The one error type of the server. Handlers and the store throw it; `onError` renders it. */
export class MlflowError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra response headers, e.g. Retry-After for back-pressure. */
    readonly headers?: Record<string, string>,
    /** Overrides the status implied by the code (413 for oversized bodies, 415 for media types). */
    readonly status?: number,
  ) {
    super(message);
  }

  static invalidParameter(message: string) {
    return new MlflowError('INVALID_PARAMETER_VALUE', message);
  }
  static notFound(message: string) {
    return new MlflowError('RESOURCE_DOES_NOT_EXIST', message);
  }
  static alreadyExists(message: string) {
    return new MlflowError('RESOURCE_ALREADY_EXISTS', message);
  }
  static tooLarge(message: string) {
    return new MlflowError('INVALID_PARAMETER_VALUE', message, undefined, 413);
  }
  static unsupportedMediaType(message: string) {
    return new MlflowError('INVALID_PARAMETER_VALUE', message, undefined, 415);
  }
  static unavailable(message: string, retryAfterSeconds: number) {
    return new MlflowError('TEMPORARILY_UNAVAILABLE', message, { 'Retry-After': String(retryAfterSeconds) });
  }
}

export function errorStatus(err: MlflowError): number {
  return err.status ?? STATUS_BY_CODE[err.code];
}

/** Renders every error as MLflow's `{error_code, message}`; unknown errors are 500 and logged. */
export function onError(err: Error, c: Context) {
  if (err instanceof MlflowError) {
    const status = errorStatus(err);
    if (err.headers) for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
    return c.json({ error_code: err.code, message: err.message }, status as 400);
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    const code: ErrorCode = status === 404 ? 'ENDPOINT_NOT_FOUND' : status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST';
    return c.json({ error_code: code, message: err.message || `HTTP ${status}` }, status);
  }
  // PostgreSQL refuses NUL bytes and invalid UTF-8 in text (SQLite stores them): client input, not a server fault.
  const pgCode = (err as { code?: unknown }).code;
  if (pgCode === '22021' || pgCode === '22P05') {
    return c.json({ error_code: 'INVALID_PARAMETER_VALUE', message: `Invalid text in request: ${err.message}` }, 400);
  }
  console.error('[glassbox] unhandled error on', c.req.method, c.req.path, err);
  return c.json({ error_code: 'INTERNAL_ERROR', message: `Internal error: ${err.message}` }, 500);
}

/** Unknown routes are ENDPOINT_NOT_FOUND, never RESOURCE_DOES_NOT_EXIST (the client treats those differently). */
export function notFound(c: Context) {
  return c.json({ error_code: 'ENDPOINT_NOT_FOUND', message: `No route for ${c.req.method} ${c.req.path}` }, 404);
}
