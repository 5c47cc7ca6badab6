import { resolveConnection, type ClientOptions as RestClientOptions } from '../client/config.js';
import { describeNetworkError, GlassboxError } from '../client/errors.js';
import { createRestClient, type Query, type RestClient } from '../client/rest.js';
import type { ModelVersion, RegisteredModel } from '../server/schemas/registry.js';

// A small REST client for MLflow's model-registry endpoints, used by the prompt SDK and the CLI.
// It speaks exactly what the MLflow Python client sends (mlflow-protocol.md §1.2, §5.2), so it
// works against Glassbox and against a real MLflow tracking server.

/** Where the registry is and how to authenticate; each field falls back to MLflow's env variables. */
export interface ClientOptions extends RestClientOptions {
  /** Per-request timeout in ms (default 30 000); a timeout counts as "server unreachable". */
  timeoutMs?: number;
}

/**
 * The server could not be reached (connection refused, DNS, timeout, or a 502/503/504 from a proxy).
 * Only this error makes `loadPrompt` use its `fallback`.
 *
 * @example
 * ```ts
 * await loadPrompt('qa@production').catch((e) => { if (e instanceof ServerUnreachableError) alertOps(e.trackingUri); throw e; });
 * ```
 *
 * Deliberately not a MlflowRestError (GlassboxError): that one means "the server answered".
 */
export class ServerUnreachableError extends Error {
  override name = 'ServerUnreachableError';
  constructor(
    readonly trackingUri: string,
    cause: unknown,
  ) {
    super(`Cannot reach the tracking server at ${trackingUri}: ${describeNetworkError(cause)}`, { cause });
  }
}

// A proxy in front of a server that is down answers 502/503/504 itself.
const PROXY_UNAVAILABLE = new Set([502, 503, 504]);

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
  private readonly rest: RestClient;

  constructor(options: ClientOptions = {}, env: NodeJS.ProcessEnv = process.env) {
    const headers = { 'user-agent': 'glassbox-prompts', ...options.headers };
    this.rest = createRestClient(resolveConnection({ ...options, headers, timeoutMs: options.timeoutMs ?? 30_000 }, env));
    this.trackingUri = this.rest.trackingUri;
  }

  /** One REST call under /api/2.0/mlflow: GET sends `query` as repeated keys, others a JSON body. */
  async request<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, payload: Query | object = {}): Promise<T> {
    try {
      return await this.rest.request<T>(method, `/api/2.0/mlflow${path}`, payload);
    } catch (err) {
      if (!(err instanceof GlassboxError)) throw err;
      if (err.code === 'CONNECTION_ERROR' && err.status === undefined) throw new ServerUnreachableError(this.trackingUri, err.cause);
      if (err.status !== undefined && PROXY_UNAVAILABLE.has(err.status)) throw new ServerUnreachableError(this.trackingUri, new Error(`HTTP ${err.status}`));
      throw err;
    }
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
