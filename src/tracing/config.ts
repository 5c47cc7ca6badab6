import { invalidSetting, resolveConnection as resolveClientConnection, type Connection } from '../client/config.js';

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

export interface ResolvedConnection extends Connection {
  experimentName?: string;
  experimentId?: string;
  timeoutMs: number;
}

/**
 * explicit ?? env ?? default for every setting, validated with messages that name the option and
 * its environment variables. The tracking URI and auth (MLFLOW_TRACKING_USERNAME + PASSWORD as
 * Basic, winning over MLFLOW_TRACKING_TOKEN as Bearer) resolve as in every Glassbox client.
 */
export function resolveConnection(opts: ConnectionOptions, env: NodeJS.ProcessEnv = process.env): ResolvedConnection {
  const conn = resolveClientConnection({ trackingUri: opts.trackingUri, headers: opts.headers, timeoutMs: opts.timeoutMs ?? 10_000 }, env);
  const experimentId = opts.experimentId ?? (opts.experiment === undefined ? env.MLFLOW_EXPERIMENT_ID : undefined);
  const experimentName = opts.experiment ?? env.GLASSBOX_EXPERIMENT ?? env.MLFLOW_EXPERIMENT_NAME;
  if (experimentName !== undefined && experimentName.trim() === '') throw invalidSetting('experiment (or GLASSBOX_EXPERIMENT / MLFLOW_EXPERIMENT_NAME) must not be empty');
  if (experimentId !== undefined && !/^[a-zA-Z0-9][\w-]{0,63}$/.test(experimentId)) {
    throw invalidSetting(`experimentId (or MLFLOW_EXPERIMENT_ID) must look like an MLflow experiment id, got '${experimentId}'`);
  }
  return { ...conn, timeoutMs: conn.timeoutMs!, experimentId, experimentName: experimentId ? undefined : experimentName };
}

/** GLASSBOX_CAPTURE_CONTENT=false|0 turns content capture off when the option is not given. */
export function resolveCaptureContent(explicit: boolean | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  if (explicit !== undefined) return explicit;
  const v = env.GLASSBOX_CAPTURE_CONTENT;
  if (v === undefined || v === '') return true;
  if (/^(false|0|no)$/i.test(v)) return false;
  if (/^(true|1|yes)$/i.test(v)) return true;
  throw invalidSetting(`captureContent (or GLASSBOX_CAPTURE_CONTENT) must be true or false, got '${v}'`);
}
