import { summarize, type ResultRow, type ScorerSummary } from './aggregate.js';
import type { Selectors } from './extract.js';
import { createMlflowClient, type MlflowClientOptions } from './mlflow-client.js';
import { logEvaluationRun } from './run-log.js';
import { runTasks, type EvalTask, type Progress, type ResultSink } from './runner.js';
import { mlflowAssessmentSink, mlflowTraceSource, traceTasks, type TraceSource } from './trace-source.js';
import type { EvalRecord, Scorer } from './types.js';

export interface TrackingOptions extends MlflowClientOptions {
  /** Experiment name or id. */
  experiment: string;
  /** MLflow trace search filter (`trace.timestamp_ms > …`). */
  filter?: string;
  runName?: string;
  /** Log an MLflow run with params, metrics and the per-trace table (default true). */
  logRun?: boolean;
}

export interface EvaluateOptions {
  scorers: Scorer[];
  /** An in-memory dataset: question/context/answer/expected records. */
  data?: EvalRecord[];
  /** Traces from a tracking server: results become assessments and the job an MLflow run. */
  tracking?: TrackingOptions;
  /** Or any trace source (tests inject one); pair it with `sink` to keep the results. */
  source?: TraceSource;
  sink?: ResultSink;
  concurrency?: number;
  force?: boolean;
  sample?: number;
  selectors?: Selectors;
  /** Logged as run params (judge model…). */
  params?: Record<string, string>;
  jobId?: string;
  onProgress?(p: Progress): void;
  onRows?(rows: ResultRow[]): void | Promise<void>;
  signal?: AbortSignal;
}

export interface EvaluationReport {
  rows: ResultRow[];
  summary: ScorerSummary[];
  /** Records (or traces) considered, and (trace, scorer) pairs skipped as already judged. */
  considered: number;
  skipped: number;
  runId?: string;
  wallMs: number;
}

/**
 * Evaluates an in-memory dataset or a tracking server's traces with the given scorers.
 *
 * @example
 * import { evaluate, scorers, createJudge, openAIJudgeClientFromSettings, resolveJudgeSettings } from 'glassbox/evals';
 * const settings = resolveJudgeSettings();
 * const judge = createJudge({ client: openAIJudgeClientFromSettings(settings), model: settings.model });
 * const report = await evaluate({
 *   data: [{ id: 'q1', question: 'Capital of France?', answer: 'Paris', context: [{ content: 'Paris is the capital of France.' }] }],
 *   scorers: [scorers.groundedness({ judge }), scorers.answerRelevance({ judge })],
 * });
 * console.log(report.summary);
 */
export async function evaluate(opts: EvaluateOptions): Promise<EvaluationReport> {
  const started = performance.now();
  const sources = [opts.data, opts.tracking, opts.source].filter((x) => x !== undefined).length;
  if (sources !== 1) throw new Error('evaluate() needs exactly one of data, tracking or source');
  const names = opts.scorers.map((s) => s.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new Error(`Two scorers are named '${dup}': assessments are keyed by scorer name, so names must be unique`);

  const client = opts.tracking ? createMlflowClient(opts.tracking) : undefined;
  const experimentId = opts.tracking ? await client!.resolveExperimentId(opts.tracking.experiment) : undefined;
  const source = opts.source ?? (client ? mlflowTraceSource(client, experimentId!, opts.tracking!.filter) : undefined);
  const sink = opts.sink ?? (client ? mlflowAssessmentSink(client, { jobId: opts.jobId }) : undefined);

  let tasks: EvalTask[];
  let skipped = 0;
  let considered: number;
  if (opts.data) {
    tasks = opts.data.map((r) => ({ id: r.id, scorers: opts.scorers, load: async () => r }));
    considered = opts.data.length;
  } else {
    ({ tasks, skipped, considered } = await traceTasks(source!, { scorers: opts.scorers, force: opts.force, sample: opts.sample, selectors: opts.selectors }));
  }

  const rows = await runTasks({ tasks, concurrency: opts.concurrency, sink, onProgress: opts.onProgress, onRows: opts.onRows, signal: opts.signal });
  const summary = summarize(opts.scorers, rows);
  let runId: string | undefined;
  // An interrupted job logs no run: its assessments are kept, and the resumed job logs the run.
  if (client && opts.tracking?.logRun !== false && !opts.signal?.aborted) {
    const params: Record<string, string> = { ...opts.params };
    if (opts.tracking?.filter) params.filter = opts.tracking.filter;
    if (opts.sample !== undefined) params.sample = String(opts.sample);
    runId = await logEvaluationRun(client, { experimentId: experimentId!, runName: opts.tracking?.runName, scorers: opts.scorers, summary, rows, params, jobId: opts.jobId });
  }
  return { rows, summary, considered, skipped, runId, wallMs: performance.now() - started };
}
