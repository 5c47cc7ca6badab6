import type { ModelVersion, RegisteredModel } from '../server/schemas/registry.js';

// A small REST client for MLflow's model-registry endpoints, used by the prompt SDK and the CLI.
// It speaks exactly what the MLflow Python client sends (mlflow-protocol.md §1.2, §5.2), so it
// works against Glassbox and against a real MLflow tracking server.

/** Where the registry is and how to authenticate; each field falls back to MLflow's env variables. */
export interface ClientOptions {
  /** explicit ?? GLASSBOX_TRACKING_URI ?? MLFLOW_TRACKING_URI ?? http://127.0.0.1:5000 */
  trackingUri?: string;
  /** With `password`, sent as Basic auth (MLFLOW_TRACKING_USERNAME / _PASSWORD); wins over a token. */
  username?: string;
  password?: string;
  /** Sent as `Authorization: Bearer` (MLFLOW_TRACKING_TOKEN) when no username/password is set. */
  token?: string;
  /** Per-request timeout in ms (default 30 000); a timeout counts as "server unreachable". */
  timeoutMs?: number;
  /** For tests and custom agents. */
  fetch?: typeof fetch;
}

/**
 * An error answer from the server, with MLflow's `error_code` (RESOURCE_DOES_NOT_EXIST, …).
 *
 * @example
 * ```ts
 * try { await loadPrompt('prompts:/qa/9'); } catch (e) { if (e instanceof MlflowRestError && e.errorCode === 'RESOURCE_DOES_NOT_EXIST') … }
 * ```
 */
export class MlflowRestError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
    this.name = 'MlflowRestError';
  }
}

/**
 * The server could not be reached (connection refused, DNS, timeout, or a 502/503/504 from a proxy).
 * Only this error makes `loadPrompt` use its `fallback`.
 *
 * @example
 * ```ts
 * await loadPrompt('qa@production').catch((e) => { if (e instanceof ServerUnreachableError) alertOps(e.trackingUri); throw e; });
 * ```
 */
export class ServerUnreachableError extends Error {
  constructor(
    readonly trackingUri: string,
    cause: unknown,
  ) {
    super(`Cannot reach the tracking server at ${trackingUri}: ${describeCause(cause)}`, { cause });
    this.name = 'ServerUnreachableError';
  }
}

// undici reports every network failure as "fetch failed"; the useful part (ECONNREFUSED, ENOTFOUND) is one level down.
function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const inner = (cause as { cause?: { code?: string; message?: string } }).cause;
  const detail = inner?.code ?? inner?.message;
  return detail ? `${cause.message} (${detail})` : cause.message;
}

/**
 * The tracking server URI: explicit ?? GLASSBOX_TRACKING_URI ?? MLFLOW_TRACKING_URI ?? http://127.0.0.1:5000.
 *
 * @example
 * ```ts
 * resolveTrackingUri(undefined, { MLFLOW_TRACKING_URI: 'http://mlflow:5000/' }); // 'http://mlflow:5000'
 * ```
 */
export function resolveTrackingUri(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  // An empty variable counts as unset, as in MLflow.
  const uri = explicit || env.GLASSBOX_TRACKING_URI || env.MLFLOW_TRACKING_URI || 'http://127.0.0.1:5000';
  if (!/^https?:\/\//.test(uri)) throw new Error(`Invalid trackingUri '${uri}': the prompt client needs an http(s):// tracking server URI`);
  return uri.replace(/\/+$/, '');
}

function authHeader(o: ClientOptions, env: NodeJS.ProcessEnv): string | undefined {
  const user = o.username ?? env.MLFLOW_TRACKING_USERNAME;
  const pass = o.password ?? env.MLFLOW_TRACKING_PASSWORD;
  if (user && pass !== undefined) return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  const token = o.token ?? env.MLFLOW_TRACKING_TOKEN;
  return token ? `Bearer ${token}` : undefined;
}

type Query = Record<string, string | number | string[] | undefined>;

/**
 * Low-level access to the registry REST API (what the prompt functions are built on).
 *
 * @example
 * ```ts
 * const client = new RegistryClient({ trackingUri: 'http://127.0.0.1:5000' });
 * const model = await client.getModel('qa');
 * const page = await client.request('GET', '/registered-models/search', { max_results: 10 });
 * ```
 */
export class RegistryClient {
  readonly trackingUri: string;
  private readonly auth: string | undefined;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;

  constructor(options: ClientOptions = {}, env: NodeJS.ProcessEnv = process.env) {
    this.trackingUri = resolveTrackingUri(options.trackingUri, env);
    this.auth = authHeader(options, env);
    this.fetchImpl = options.fetch ?? fetch;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** One REST call under /api/2.0/mlflow: GET sends `query` as repeated keys, others a JSON body. */
  async request<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, payload: Query | object = {}): Promise<T> {
    const url = new URL(`${this.trackingUri}/api/2.0/mlflow${path}`);
    const headers: Record<string, string> = { 'user-agent': 'glassbox-prompts' };
    if (this.auth) headers.authorization = this.auth;
    let body: string | undefined;
    if (method === 'GET') {
      for (const [k, v] of Object.entries(payload as Query)) {
        if (v === undefined) continue;
        for (const item of Array.isArray(v) ? v : [v]) url.searchParams.append(k, String(item));
      }
    } else {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(payload);
    }
    let res: Response;
    try {
      res = await this.fetchImpl(url, { method, headers, body, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      throw new ServerUnreachableError(this.trackingUri, err);
    }
    const text = await res.text();
    if (res.status === 502 || res.status === 503 || res.status === 504) throw new ServerUnreachableError(this.trackingUri, new Error(`HTTP ${res.status}`));
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      json = undefined;
    }
    if (res.status !== 200) {
      const e = (json ?? {}) as { error_code?: string; message?: string };
      throw new MlflowRestError(res.status, e.error_code ?? `HTTP_${res.status}`, e.message ?? `${method} ${path} failed with HTTP ${res.status}: ${text.slice(0, 200)}`);
    }
    if (json === null || typeof json !== 'object') throw new MlflowRestError(res.status, 'INTERNAL_ERROR', `${method} ${path} answered a body that is not a JSON object`);
    return json as T;
  }

  async getModel(name: string): Promise<RegisteredModel> {
    return (await this.request<{ registered_model: RegisteredModel }>('GET', '/registered-models/get', { name })).registered_model;
  }

  async getVersion(name: string, version: string | number): Promise<ModelVersion> {
    return (await this.request<{ model_version: ModelVersion }>('GET', '/model-versions/get', { name, version: String(version) })).model_version;
  }

  async getVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    return (await this.request<{ model_version: ModelVersion }>('GET', '/registered-models/alias', { name, alias })).model_version;
  }
}
