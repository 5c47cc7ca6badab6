import { GlassboxError } from './errors.js';
import type { ResolvedConnection } from './config.js';

export interface RestRequest {
  query?: Record<string, string | undefined>;
  body?: unknown;
}

/** A JSON client for the MLflow REST API; non-200 answers become GlassboxError with the server's code. */
export interface RestClient {
  readonly trackingUri: string;
  call<T = any>(method: string, path: string, req?: RestRequest): Promise<T>;
  /** Raw upload (artifact PUT). */
  put(path: string, bytes: Uint8Array): Promise<void>;
}

export function createRestClient(conn: Pick<ResolvedConnection, 'trackingUri' | 'headers' | 'timeoutMs'>): RestClient {
  const send = async (method: string, path: string, body: BodyInit | undefined, contentType: string | undefined, query?: RestRequest['query']) => {
    const url = new URL(conn.trackingUri + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: { ...(contentType ? { 'content-type': contentType } : {}), ...conn.headers },
        body,
        signal: AbortSignal.timeout(conn.timeoutMs),
      });
    } catch (err) {
      throw new GlassboxError('CONNECTION_ERROR', `${method} ${url.origin}${url.pathname} failed: ${(err as Error).message}`);
    }
    const text = await res.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      json = undefined;
    }
    if (res.status !== 200) {
      const code = typeof json?.error_code === 'string' ? json.error_code : codeFromStatus(res.status);
      const message = typeof json?.message === 'string' ? json.message : text.slice(0, 500) || `HTTP ${res.status}`;
      throw new GlassboxError(code, `${method} ${path}: ${message}`, res.status);
    }
    return json;
  };
  return {
    trackingUri: conn.trackingUri,
    call: (method, path, req = {}) =>
      send(method, path, req.body === undefined ? undefined : JSON.stringify(req.body), req.body === undefined ? undefined : 'application/json', req.query),
    put: async (path, bytes) => {
      await send('PUT', path, bytes as unknown as BodyInit, 'application/octet-stream');
    },
  };
}

/** MLflow's client mapping for non-JSON error bodies (rest_utils.py). */
function codeFromStatus(status: number): string {
  if (status === 400) return 'BAD_REQUEST';
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'PERMISSION_DENIED';
  if (status === 404) return 'ENDPOINT_NOT_FOUND';
  return 'INTERNAL_ERROR';
}
