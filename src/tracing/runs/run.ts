import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { basename } from 'node:path';
import { resolveExperimentId } from '../experiment.js';
import type { RestClient } from '../../client/rest.js';
import { connection, onFlush } from '../provider.js';
import { configureSdk } from '../state.js';
import { chunkBatch, LIMITS, metricValue, type LogBatch } from './batch.js';

export type RunStatus = 'FINISHED' | 'FAILED' | 'KILLED';

export interface StartRunOptions {
  runName?: string;
  /** Experiment name (created if missing); defaults to the one given to init / the environment. */
  experiment?: string;
  experimentId?: string;
  /** Make this run a child of the innermost active run (tag mlflow.parentRunId). */
  nested?: boolean;
  tags?: Record<string, string>;
}

const activeRuns: Run[] = [];

/**
 * The innermost run started and not yet ended, if any.
 *
 * @example
 * ```ts
 * activeRun()?.logMetric('latency_ms', 120);
 * ```
 */
export function activeRun(): Run | undefined {
  return activeRuns[activeRuns.length - 1];
}

/**
 * Creates a run (POST /runs/create) and makes it the active run: traces started while it is
 * active carry its id as `mlflow.sourceRun`. Params, metrics and tags are buffered and sent with
 * /runs/log-batch (chunked to the server's limits) on `flush()`, on `endRun()`, on the global
 * `flush()`, or once 1000 items are pending.
 *
 * @example
 * ```ts
 * import { startRun } from 'glassbox';
 * const run = await startRun({ runName: 'prompt-v2', tags: { team: 'support' } });
 * run.logParams({ model: 'gpt-4o-mini', temperature: 0.2 });
 * run.logMetric('accuracy', 0.91);
 * await run.logArtifact('./report.html');
 * await run.endRun();
 * ```
 */
export async function startRun(opts: StartRunOptions = {}): Promise<Run> {
  const conn = connection();
  const experimentId =
    opts.experiment !== undefined || opts.experimentId !== undefined
      ? await resolveExperimentId(conn.client, { experimentId: opts.experimentId, experimentName: opts.experiment })
      : await conn.experimentId();
  const parent = opts.nested ? activeRun() : undefined;
  const tags: Record<string, string> = {
    'mlflow.user': safeUser(),
    'mlflow.source.name': process.argv[1] ?? 'node',
    'mlflow.source.type': 'LOCAL',
    ...(opts.runName ? { 'mlflow.runName': opts.runName } : {}),
    ...(parent ? { 'mlflow.parentRunId': parent.runId } : {}),
    ...opts.tags,
  };
  const res = await conn.client.request('POST', '/api/2.0/mlflow/runs/create', {
    experiment_id: experimentId,
    user_id: tags['mlflow.user'],
    run_name: opts.runName,
    start_time: Date.now(),
    tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
  });
  const run = new Run(conn.client, res.run.info.run_id, experimentId, res.run.info.run_name, res.run.info.artifact_uri);
  activeRuns.push(run);
  configureSdk({ activeRunId: run.runId });
  return run;
}

/** A run handle; see `startRun`. Logging methods are synchronous and buffer; `flush`/`endRun` send. */
export class Run {
  private pending: LogBatch = { metrics: [], params: [], tags: [] };
  private inFlight: Promise<void> = Promise.resolve();
  private deferredError?: unknown;
  private readonly unhook: () => void;
  ended = false;

  constructor(
    private readonly client: RestClient,
    readonly runId: string,
    readonly experimentId: string,
    readonly runName: string,
    private artifactUri?: string,
  ) {
    this.unhook = onFlush(() => this.flush());
  }

  logParam(key: string, value: unknown): this {
    this.pending.params.push({ key, value: String(value) });
    return this.maybeAutoFlush();
  }
  logParams(params: Record<string, unknown>): this {
    for (const [k, v] of Object.entries(params)) this.pending.params.push({ key: k, value: String(v) });
    return this.maybeAutoFlush();
  }
  logMetric(key: string, value: number, opts: { step?: number; timestamp?: number } = {}): this {
    this.pending.metrics.push({ key, value: metricValue(value), timestamp: opts.timestamp ?? Date.now(), step: opts.step ?? 0 });
    return this.maybeAutoFlush();
  }
  logMetrics(metrics: Record<string, number>, opts: { step?: number; timestamp?: number } = {}): this {
    const timestamp = opts.timestamp ?? Date.now();
    for (const [k, v] of Object.entries(metrics)) this.pending.metrics.push({ key: k, value: metricValue(v), timestamp, step: opts.step ?? 0 });
    return this.maybeAutoFlush();
  }
  setTag(key: string, value: unknown): this {
    this.pending.tags.push({ key, value: String(value) });
    return this.maybeAutoFlush();
  }
  setTags(tags: Record<string, unknown>): this {
    for (const [k, v] of Object.entries(tags)) this.pending.tags.push({ key: k, value: String(v) });
    return this.maybeAutoFlush();
  }

  /** Sends everything buffered; rejects with GlassboxError if the server refused a batch. */
  async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = { metrics: [], params: [], tags: [] };
    // Batches go out in order: a later flush waits for the one in flight.
    const send = this.inFlight.then(async () => {
      for (const chunk of chunkBatch(batch)) {
        await this.client.request('POST', '/api/2.0/mlflow/runs/log-batch', { run_id: this.runId, ...chunk });
      }
    });
    this.inFlight = send.catch(() => undefined);
    await send;
    if (this.deferredError) {
      const err = this.deferredError;
      this.deferredError = undefined;
      throw err;
    }
  }

  /**
   * Uploads a local file under the run's artifact root (`artifactPath` is a folder inside it),
   * through the server's mlflow-artifacts proxy.
   */
  async logArtifact(localPath: string, artifactPath?: string): Promise<void> {
    if (!this.artifactUri) {
      const res = await this.client.request('GET', '/api/2.0/mlflow/runs/get', { run_id: this.runId, run_uuid: this.runId });
      this.artifactUri = res.run.info.artifact_uri as string;
    }
    const rel = [artifactPath, basename(localPath)].filter(Boolean).join('/');
    await this.client.putArtifact(this.artifactUri, rel, await readFile(localPath));
  }

  /** Flushes, then marks the run FINISHED (or the given status) and no longer active. */
  async endRun(status: RunStatus = 'FINISHED'): Promise<void> {
    if (this.ended) return;
    try {
      await this.flush();
    } finally {
      this.ended = true;
      this.unhook();
      const i = activeRuns.lastIndexOf(this);
      if (i >= 0) activeRuns.splice(i, 1);
      configureSdk({ activeRunId: activeRun()?.runId });
      await this.client.request('POST', '/api/2.0/mlflow/runs/update', { run_id: this.runId, run_uuid: this.runId, status, end_time: Date.now() });
    }
  }

  private maybeAutoFlush(): this {
    const n = this.pending.metrics.length + this.pending.params.length + this.pending.tags.length;
    if (n >= LIMITS.total) {
      this.flush().catch((err) => {
        this.deferredError ??= err;
      });
    }
    return this;
  }
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
