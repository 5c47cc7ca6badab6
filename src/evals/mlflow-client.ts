import { spanFromApi, type Assessment, type Trace, type TraceInfo } from './trace.js';

/** A non-200 answer from the tracking server, with MLflow's error code when the body had one. */
export class MlflowRestError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface MlflowClientOptions {
  /** http(s)://host:port[/prefix] of Glassbox or an MLflow server. */
  trackingUri: string;
  /** Bearer token (MLFLOW_TRACKING_TOKEN), or basic-auth credentials, which win as in MLflow. */
  token?: string;
  username?: string;
  password?: string;
  /** A ready Authorization header value (the server forwards its caller's), used when nothing else is set. */
  authorization?: string;
}

export interface RunHandle {
  runId: string;
  artifactUri: string;
}

/**
 * A small client of the MLflow REST protocol: just the calls evaluation makes. It talks HTTP only,
 * so evaluation works the same against Glassbox and against a real MLflow server.
 *
 * @example
 * const mlflow = createMlflowClient({ trackingUri: 'http://127.0.0.1:5000' });
 * const expId = await mlflow.resolveExperimentId('support-bot');
 */
export function createMlflowClient(opts: MlflowClientOptions) {
  const base = opts.trackingUri.replace(/\/+$/, '');
  const auth: Record<string, string> =
    opts.username && opts.password
      ? { authorization: `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString('base64')}` }
      : opts.token
        ? { authorization: `Bearer ${opts.token}` }
        : opts.authorization
          ? { authorization: opts.authorization }
          : {};

  // fetch's own message is just "fetch failed"; the cause (ECONNREFUSED, ENOTFOUND…) is what helps.
  async function send(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, init);
    } catch (err) {
      const cause = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
      throw new MlflowRestError(`Cannot reach the tracking server at ${base} (${init.method} ${url.slice(base.length)}): ${cause}`, 0);
    }
  }

  async function request<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await send(base + path, {
      method,
      headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      throw new MlflowRestError(`${method} ${path} failed with ${res.status}: ${json?.message ?? text.slice(0, 200)}`, res.status, json?.error_code);
    }
    return json as T;
  }

  return {
    request,

    /** An experiment id as given (digits) or looked up by name. */
    async resolveExperimentId(nameOrId: string): Promise<string> {
      if (/^\d+$/.test(nameOrId)) return nameOrId;
      const r = await request('GET', `/api/2.0/mlflow/experiments/get-by-name?experiment_name=${encodeURIComponent(nameOrId)}`);
      return String(r.experiment.experiment_id);
    },

    /** Every trace header (with assessments) matching the filter, following page tokens. */
    async searchTraces(experimentId: string, filter?: string): Promise<TraceInfo[]> {
      const out: TraceInfo[] = [];
      let pageToken: string | undefined;
      do {
        const r = await request('POST', '/api/3.0/mlflow/traces/search', {
          locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } }],
          ...(filter ? { filter } : {}),
          max_results: 500,
          ...(pageToken ? { page_token: pageToken } : {}),
        });
        out.push(...((r.traces ?? []) as TraceInfo[]));
        pageToken = r.next_page_token || undefined;
      } while (pageToken);
      return out;
    },

    /** Full traces with spans, in groups of 10 as the Python client does. */
    async batchGetTraces(ids: string[]): Promise<Trace[]> {
      const out: Trace[] = [];
      for (let i = 0; i < ids.length; i += 10) {
        const qs = ids.slice(i, i + 10).map((id) => `trace_ids=${encodeURIComponent(id)}`).join('&');
        const r = await request('GET', `/api/3.0/mlflow/traces/batchGet?${qs}`);
        for (const t of r.traces ?? []) out.push({ info: t.trace_info, spans: (t.spans ?? []).map(spanFromApi) });
      }
      return out;
    },

    async createAssessment(traceId: string, assessment: Assessment): Promise<Assessment> {
      const r = await request('POST', `/api/3.0/mlflow/traces/${encodeURIComponent(traceId)}/assessments`, { assessment });
      return r.assessment;
    },

    async createRun(experimentId: string, runName: string | undefined, tags: Record<string, string>): Promise<RunHandle> {
      const r = await request('POST', '/api/2.0/mlflow/runs/create', {
        experiment_id: experimentId,
        ...(runName ? { run_name: runName } : {}),
        start_time: Date.now(),
        tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
      });
      return { runId: r.run.info.run_id, artifactUri: r.run.info.artifact_uri };
    },

    /** Params in chunks of 100 and metrics in chunks of 1000, within LogBatch's limits. */
    async logBatch(runId: string, params: Record<string, string>, metrics: Record<string, number>): Promise<void> {
      const p = Object.entries(params).map(([key, value]) => ({ key, value: value.slice(0, 6000) }));
      const now = Date.now();
      const m = Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp: now, step: 0 }));
      for (let i = 0; i < p.length; i += 100) await request('POST', '/api/2.0/mlflow/runs/log-batch', { run_id: runId, params: p.slice(i, i + 100) });
      for (let i = 0; i < m.length; i += 1000) await request('POST', '/api/2.0/mlflow/runs/log-batch', { run_id: runId, metrics: m.slice(i, i + 1000) });
    },

    async setTag(runId: string, key: string, value: string): Promise<void> {
      await request('POST', '/api/2.0/mlflow/runs/set-tag', { run_id: runId, run_uuid: runId, key, value });
    },

    /** PUT through the mlflow-artifacts proxy: `mlflow-artifacts:/1/<run>/artifacts` + file name. */
    async uploadArtifact(artifactUri: string, fileName: string, body: string, contentType: string): Promise<void> {
      const m = /^mlflow-artifacts:(?:\/\/[^/]+)?\/*(.*)$/.exec(artifactUri);
      if (!m) throw new Error(`Cannot upload to artifact URI '${artifactUri}': only mlflow-artifacts:/ URIs are supported`);
      const path = `/api/2.0/mlflow-artifacts/artifacts/${m[1].replace(/\/+$/, '')}/${fileName}`.replace(/\/{2,}/g, '/');
      const res = await send(base + path, { method: 'PUT', headers: { ...auth, 'content-type': contentType }, body });
      if (!res.ok) throw new MlflowRestError(`PUT ${path} failed with ${res.status}: ${(await res.text()).slice(0, 200)}`, res.status);
    },

    async finishRun(runId: string, status: 'FINISHED' | 'FAILED' | 'KILLED'): Promise<void> {
      await request('POST', '/api/2.0/mlflow/runs/update', { run_id: runId, run_uuid: runId, status, end_time: Date.now() });
    },
  };
}

export type MlflowClient = ReturnType<typeof createMlflowClient>;
