import { authorizationHeader, resolveConnection, type Credentials } from '../client/config.js';
import { createRestClient } from '../client/rest.js';
import { spanFromApi, type Assessment, type Trace, type TraceInfo } from './trace.js';

export interface MlflowClientOptions extends Credentials {
  /** http(s)://host:port[/prefix] of Glassbox or an MLflow server. */
  trackingUri: string;
  /** A ready Authorization header value (the server forwards its caller's), used when no credentials are set. */
  authorization?: string;
  /** Per-request timeout in ms; none by default (a large batchGet may take a while). */
  timeoutMs?: number;
}

export interface RunHandle {
  runId: string;
  artifactUri: string;
}

/**
 * A small client of the MLflow REST protocol: just the calls evaluation makes. It talks HTTP only,
 * so evaluation works the same against Glassbox and against a real MLflow server. Only the given
 * options count, never the environment: the server runs jobs with its caller's credentials.
 *
 * @example
 * const mlflow = createMlflowClient({ trackingUri: 'http://127.0.0.1:5000' });
 * const expId = await mlflow.resolveExperimentId('support-bot');
 */
export function createMlflowClient(opts: MlflowClientOptions) {
  const forwarded = authorizationHeader(opts) ? undefined : opts.authorization;
  const rest = createRestClient(resolveConnection({ ...opts, headers: forwarded ? { authorization: forwarded } : {} }, {}));
  const request = rest.request;

  return {
    request,

    /** An experiment id as given (digits) or looked up by name. */
    async resolveExperimentId(nameOrId: string): Promise<string> {
      if (/^\d+$/.test(nameOrId)) return nameOrId;
      const r = await request('GET', '/api/2.0/mlflow/experiments/get-by-name', { experiment_name: nameOrId });
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
        const r = await request('GET', '/api/3.0/mlflow/traces/batchGet', { trace_ids: ids.slice(i, i + 10) });
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
      await rest.putArtifact(artifactUri, fileName, body, contentType);
    },

    async finishRun(runId: string, status: 'FINISHED' | 'FAILED' | 'KILLED'): Promise<void> {
      await request('POST', '/api/2.0/mlflow/runs/update', { run_id: runId, run_uuid: runId, status, end_time: Date.now() });
    },
  };
}

export type MlflowClient = ReturnType<typeof createMlflowClient>;
