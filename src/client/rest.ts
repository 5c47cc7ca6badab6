import type { Connection } from './config.js';
import { codeFromStatus, describeNetworkError, GlassboxError } from './errors.js';

type QueryValue = string | number | boolean;
/** GET parameters; an array becomes repeated keys (`trace_ids=a&trace_ids=b`), as MLflow expects. */
export type Query = Record<string, QueryValue | readonly QueryValue[] | undefined>;

/** The MLflow REST API as the SDK, the prompt client and evaluations use it. */
export interface RestClient {
  readonly trackingUri: string;
  /**
   * One call, MLflow style: GET sends `payload` as query parameters, every other method as a JSON
   * body. Resolves to the parsed JSON object (`{}` for an empty answer); rejects with GlassboxError.
   */
  request<T = any>(method: string, path: string, payload?: Query | object): Promise<T>;
  /** Uploads a file under an `mlflow-artifacts:/…` root through the server's artifact proxy. */
  putArtifact(artifactUri: string, relativePath: string, body: string | Uint8Array, contentType?: string): Promise<void>;
  /** Downloads a file under an `mlflow-artifacts:/…` root through the server's artifact proxy. */
  getArtifact(artifactUri: string, relativePath: string): Promise<Uint8Array>;
}

/**
 * A client for one resolved connection. Non-2xx answers become GlassboxError with MLflow's
 * `error_code` (or a code derived from the status when the body is not MLflow JSON); network
 * failures and timeouts become CONNECTION_ERROR with the network error as `cause`.
 *
 * @example
 * ```ts
 * const rest = createRestClient(resolveConnection({ timeoutMs: 10_000 }));
 * const { experiment } = await rest.request('GET', '/api/2.0/mlflow/experiments/get-by-name', { experiment_name: 'bot' });
 * ```
 */
export function createRestClient(conn: Connection): RestClient {
  const fetchImpl = conn.fetch ?? fetch;

  async function send(method: string, path: string, init: { query?: Query; body?: BodyInit; contentType?: string }): Promise<{ res: Response; where: string }> {
    const url = new URL(conn.trackingUri + path);
    for (const [k, v] of Object.entries(init.query ?? {})) {
      if (v === undefined) continue;
      for (const item of Array.isArray(v) ? v : [v]) url.searchParams.append(k, String(item));
    }
    // The call as messages show it: method, path and query, without the server part.
    const where = `${method} ${path.split('?')[0]}${url.search}`;
    const headers = { ...(init.contentType ? { 'content-type': init.contentType } : {}), ...conn.headers };
    try {
      const signal = conn.timeoutMs === undefined ? undefined : AbortSignal.timeout(conn.timeoutMs);
      return { res: await fetchImpl(url, { method, headers, body: init.body, signal }), where };
    } catch (err) {
      const why = (err as Error).name === 'TimeoutError' ? `no answer within ${conn.timeoutMs} ms` : describeNetworkError(err);
      throw new GlassboxError('CONNECTION_ERROR', `Cannot reach the tracking server at ${conn.trackingUri} (${where}): ${why}`, undefined, { cause: err });
    }
  }

  async function check(res: Response, where: string): Promise<string> {
    const text = await res.text();
    if (res.ok) return text;
    const body = parseJson(text) as { error_code?: unknown; message?: unknown } | undefined;
    const code = typeof body?.error_code === 'string' ? body.error_code : codeFromStatus(res.status);
    const message = typeof body?.message === 'string' ? body.message : text.slice(0, 200) || 'empty body';
    throw new GlassboxError(code, `${where} failed with ${res.status}: ${message}`, res.status);
  }

  return {
    trackingUri: conn.trackingUri,

    async request(method, path, payload) {
      const init = method === 'GET' ? { query: payload as Query } : { body: JSON.stringify(payload ?? {}), contentType: 'application/json' };
      const { res, where } = await send(method, path, init);
      const text = await check(res, where);
      const json = text ? parseJson(text) : {};
      if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new GlassboxError('INTERNAL_ERROR', `${where} answered a body that is not a JSON object`, res.status);
      return json as any;
    },

    async putArtifact(artifactUri, relativePath, body, contentType = 'application/octet-stream') {
      const { res, where } = await send('PUT', artifactProxyPath(artifactUri, relativePath), { body: body as BodyInit, contentType });
      await check(res, where);
    },

    async getArtifact(artifactUri, relativePath) {
      const { res, where } = await send('GET', artifactProxyPath(artifactUri, relativePath), {});
      if (!res.ok) await check(res, where);
      return new Uint8Array(await res.arrayBuffer());
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The artifact proxy path of a file under an `mlflow-artifacts:[//host]/<root>` URI. The host part,
 * if any, is ignored: the proxy is always the connected server.
 *
 * @example
 * ```ts
 * artifactProxyPath('mlflow-artifacts:/3/abc/artifacts', 'eval results.csv');
 * // '/api/2.0/mlflow-artifacts/artifacts/3/abc/artifacts/eval%20results.csv'
 * ```
 */
export function artifactProxyPath(artifactUri: string, relativePath: string): string {
  const m = /^mlflow-artifacts:(?:\/\/[^/]*)?\/(.*)$/.exec(artifactUri);
  if (!m) {
    throw new GlassboxError('INVALID_PARAMETER_VALUE', `Artifact URI '${artifactUri}' is not an mlflow-artifacts: URI; only the artifact proxy is supported`);
  }
  const segments = `${m[1]}/${relativePath}`.split('/').filter(Boolean);
  return `/api/2.0/mlflow-artifacts/artifacts/${segments.map(encodeURIComponent).join('/')}`;
}
