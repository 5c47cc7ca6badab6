import { GlassboxError } from './errors.js';

/** Settings shared by tracing and run logging; see `init`. */
export interface ConnectionOptions {
  /** Server URL. Env: GLASSBOX_TRACKING_URI, then MLFLOW_TRACKING_URI. Default http://127.0.0.1:5000. */
  trackingUri?: string;
  /** Experiment name, created if missing. Env: GLASSBOX_EXPERIMENT, then MLFLOW_EXPERIMENT_NAME. */
  experiment?: string;
  /** Experiment id; wins over a name. Env: MLFLOW_EXPERIMENT_ID. Default "0" (MLflow's Default). */
  experimentId?: string;
  /** Extra HTTP headers on every request (added after the auth header). */
  headers?: Record<string, string>;
  /** Per-request timeout for REST calls and OTLP exports, ms. Default 10000. */
  timeoutMs?: number;
}

export interface ResolvedConnection {
  trackingUri: string;
  experimentName?: string;
  experimentId?: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

export const DEFAULT_TRACKING_URI = 'http://127.0.0.1:5000';

/**
 * explicit ?? env ?? default for every setting, validated with messages that name the option and
 * its environment variables. Auth follows MLflow: MLFLOW_TRACKING_USERNAME + PASSWORD (Basic)
 * win over MLFLOW_TRACKING_TOKEN (Bearer).
 */
export function resolveConnection(opts: ConnectionOptions, env: NodeJS.ProcessEnv = process.env): ResolvedConnection {
  const trackingUri = (opts.trackingUri ?? env.GLASSBOX_TRACKING_URI ?? env.MLFLOW_TRACKING_URI ?? DEFAULT_TRACKING_URI).replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(trackingUri);
  } catch {
    throw invalid(`trackingUri (or GLASSBOX_TRACKING_URI / MLFLOW_TRACKING_URI) must be an http(s) URL, got '${trackingUri}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalid(`trackingUri (or GLASSBOX_TRACKING_URI / MLFLOW_TRACKING_URI) must use http or https, got '${url.protocol}'`);
  }
  const experimentId = opts.experimentId ?? (opts.experiment === undefined ? env.MLFLOW_EXPERIMENT_ID : undefined);
  const experimentName = opts.experiment ?? env.GLASSBOX_EXPERIMENT ?? env.MLFLOW_EXPERIMENT_NAME;
  if (experimentName !== undefined && experimentName.trim() === '') throw invalid('experiment (or GLASSBOX_EXPERIMENT / MLFLOW_EXPERIMENT_NAME) must not be empty');
  if (experimentId !== undefined && !/^[a-zA-Z0-9][\w-]{0,63}$/.test(experimentId)) {
    throw invalid(`experimentId (or MLFLOW_EXPERIMENT_ID) must look like an MLflow experiment id, got '${experimentId}'`);
  }
  const timeoutMs = opts.timeoutMs ?? 10_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw invalid(`timeoutMs must be a positive number, got ${timeoutMs}`);
  return { trackingUri, experimentId, experimentName: experimentId ? undefined : experimentName, headers: { ...authHeaders(env), ...opts.headers }, timeoutMs };
}

function authHeaders(env: NodeJS.ProcessEnv): Record<string, string> {
  const user = env.MLFLOW_TRACKING_USERNAME;
  const pass = env.MLFLOW_TRACKING_PASSWORD;
  if (user && pass) return { authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` };
  if (env.MLFLOW_TRACKING_TOKEN) return { authorization: `Bearer ${env.MLFLOW_TRACKING_TOKEN}` };
  return {};
}

/** GLASSBOX_CAPTURE_CONTENT=false|0 turns content capture off when the option is not given. */
export function resolveCaptureContent(explicit: boolean | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  if (explicit !== undefined) return explicit;
  const v = env.GLASSBOX_CAPTURE_CONTENT;
  if (v === undefined || v === '') return true;
  if (/^(false|0|no)$/i.test(v)) return false;
  if (/^(true|1|yes)$/i.test(v)) return true;
  throw invalid(`captureContent (or GLASSBOX_CAPTURE_CONTENT) must be true or false, got '${v}'`);
}

function invalid(message: string): GlassboxError {
  return new GlassboxError('INVALID_PARAMETER_VALUE', `glassbox: ${message}`);
}
