import type { MiddlewareHandler } from 'hono';
import { MlflowError } from './errors.js';

export interface AdmissionOptions {
  /** Requests processed at once; the rest wait without their bodies being read. */
  maxActive: number;
  /** Requests allowed to wait; beyond that the answer is 503 with Retry-After. */
  maxQueued: number;
  retryAfterSeconds?: number;
}

export interface Admission {
  middleware: MiddlewareHandler;
  /** Requests waiting for a slot (exported as the ingest queue depth). */
  queued(): number;
  active(): number;
}

/**
 * Bounds the work in progress. The server has one JavaScript thread: with every client's request
 * being decoded and written at once, a /health probe waits behind all of them and memory grows with
 * the number of open connections. Here at most `maxActive` API requests run; the next `maxQueued`
 * wait (their bodies stay unread in the socket, so they cost no memory); anyone beyond gets 503 with
 * Retry-After, which OTel exporters and MLflow clients honour by retrying later. Probes, metrics,
 * artifacts and the UI are not admitted here, so they always answer at once.
 */
export function admission({ maxActive, maxQueued, retryAfterSeconds = 1 }: AdmissionOptions): Admission {
  let active = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else active--;
  };
  const middleware: MiddlewareHandler = async (_c, next) => {
    if (active < maxActive) active++;
    else if (waiting.length < maxQueued) await new Promise<void>((resolve) => waiting.push(resolve));
    else throw MlflowError.unavailable(`Server busy: ${active} requests in progress and ${waiting.length} waiting; retry after ${retryAfterSeconds} s`, retryAfterSeconds);
    try {
      await next();
    } finally {
      release();
    }
  };
  return { middleware, queued: () => waiting.length, active: () => active };
}
