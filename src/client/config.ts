import { GlassboxError } from './errors.js';

// Where the tracking server is and how to authenticate, resolved the same way by the SDK, the
// prompt client and evaluations: explicit ?? GLASSBOX_* ?? MLFLOW_* ?? default. A variable set to
// the empty string counts as unset, as in MLflow.

export const DEFAULT_TRACKING_URI = 'http://127.0.0.1:5000';

/** MLflow's credentials. Username + password (Basic) win over a token (Bearer), as in MLflow. */
export interface Credentials {
  /** Basic auth user, like MLFLOW_TRACKING_USERNAME. */
  username?: string;
  /** Basic auth password, like MLFLOW_TRACKING_PASSWORD. */
  password?: string;
  /** Sent as `Authorization: Bearer`, like MLFLOW_TRACKING_TOKEN. */
  token?: string;
}

/** What every client of the REST API accepts. */
export interface ClientOptions extends Credentials {
  /** explicit ?? GLASSBOX_TRACKING_URI ?? MLFLOW_TRACKING_URI ?? http://127.0.0.1:5000 */
  trackingUri?: string;
  /** Extra HTTP headers on every request; they win over the auth header. */
  headers?: Record<string, string>;
  /** Per-request timeout in ms; none when omitted. A timeout is a CONNECTION_ERROR. */
  timeoutMs?: number;
  /** For tests and custom agents. */
  fetch?: typeof fetch;
}

/** A validated connection: what `createRestClient` needs. */
export interface Connection {
  trackingUri: string;
  headers: Record<string, string>;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

type Env = Record<string, string | undefined>;

const first = (...values: (string | undefined)[]) => values.find((v) => v !== undefined && v !== '');

/**
 * The tracking server URI without trailing slashes. The error names the option or variable the
 * bad value came from.
 *
 * @example
 * ```ts
 * resolveTrackingUri(undefined, { MLFLOW_TRACKING_URI: 'http://mlflow:5000/' }); // 'http://mlflow:5000'
 * ```
 */
export function resolveTrackingUri(explicit?: string, env: Env = process.env): string {
  const source = [
    ['the trackingUri option', explicit],
    ['GLASSBOX_TRACKING_URI', env.GLASSBOX_TRACKING_URI],
    ['MLFLOW_TRACKING_URI', env.MLFLOW_TRACKING_URI],
    ['the default', DEFAULT_TRACKING_URI],
  ].find(([, v]) => first(v) !== undefined)!;
  const uri = source[1]!.replace(/\/+$/, '');
  if (!URL.canParse(uri) || !/^https?:$/.test(new URL(uri).protocol)) {
    throw invalidSetting(`trackingUri must be an http(s) URL, got '${uri}' from ${source[0]}`);
  }
  return uri;
}

/** Each credential: explicit ?? MLFLOW_TRACKING_* . */
export function resolveCredentials(explicit: Credentials = {}, env: Env = process.env): Credentials {
  return {
    username: first(explicit.username, env.MLFLOW_TRACKING_USERNAME),
    password: first(explicit.password, env.MLFLOW_TRACKING_PASSWORD),
    token: first(explicit.token, env.MLFLOW_TRACKING_TOKEN),
  };
}

/** The Authorization header MLflow's client would send for these credentials (rest_utils.py). */
export function authorizationHeader(c: Credentials): string | undefined {
  if (c.username && c.password) return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
  return c.token ? `Bearer ${c.token}` : undefined;
}

/**
 * Resolves and validates every setting. Pass `env: {}` to use only explicit options (a server
 * acting for its caller must not pick up its own environment's credentials).
 *
 * @example
 * ```ts
 * const conn = resolveConnection({ trackingUri: 'http://127.0.0.1:5000', timeoutMs: 10_000 });
 * ```
 */
export function resolveConnection(opts: ClientOptions, env: Env = process.env): Connection {
  const trackingUri = resolveTrackingUri(opts.trackingUri, env);
  if (opts.timeoutMs !== undefined && !(Number.isFinite(opts.timeoutMs) && opts.timeoutMs > 0)) {
    throw invalidSetting(`timeoutMs must be a positive number, got ${opts.timeoutMs}`);
  }
  const auth = authorizationHeader(resolveCredentials(opts, env));
  return { trackingUri, headers: { ...(auth ? { authorization: auth } : {}), ...opts.headers }, timeoutMs: opts.timeoutMs, fetch: opts.fetch };
}

/** A setting that cannot work, as INVALID_PARAMETER_VALUE with a message that names it. */
export function invalidSetting(message: string): GlassboxError {
  return new GlassboxError('INVALID_PARAMETER_VALUE', `glassbox: ${message}`);
}
