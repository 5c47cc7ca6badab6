import { createHash } from 'node:crypto';
import { extractRecord, type Selectors } from './extract.js';
import type { MlflowClient } from './mlflow-client.js';
import type { EvalTask, ResultSink } from './runner.js';
import type { Assessment, Trace, TraceInfo } from './trace.js';
import type { Scorer } from './types.js';

/** Where traces come from. The MLflow REST source is the real one; tests pass an in-process fake. */
export interface TraceSource {
  /** Trace headers (with their assessments) to consider, already filtered. */
  search(): Promise<TraceInfo[]>;
  /** Full traces with spans. */
  load(ids: string[]): Promise<Trace[]>;
}

/** @example const source = mlflowTraceSource(client, '1', 'trace.status = "OK"'); */
export function mlflowTraceSource(client: MlflowClient, experimentId: string, filter?: string): TraceSource {
  return { search: () => client.searchTraces(experimentId, filter), load: (ids) => client.batchGetTraces(ids) };
}

/**
 * Deterministic sampling by trace id, so a resumed job (or tomorrow's run with the same rate)
 * considers the same subset.
 *
 * @example
 * traces.filter((t) => inSample(t.trace_id, 0.2));
 */
export function inSample(traceId: string, rate: number | undefined): boolean {
  if (rate === undefined || rate >= 1) return true;
  const h = createHash('sha256').update(traceId).digest().readUInt32BE(0);
  return h / 0x1_0000_0000 < rate;
}

/**
 * The assessment an earlier Glassbox run of a scorer of this name left (any version; human and
 * other tools' feedback never counts), which a re-judgement overrides.
 *
 * @example
 * if (priorAssessment(info, groundedness)) console.log('judged before');
 */
export function priorAssessment(info: TraceInfo, scorer: Scorer): Assessment | undefined {
  return [...(info.assessments ?? [])].reverse().find(
    (a) =>
      a.assessment_name === scorer.name &&
      a.valid !== false &&
      a.feedback !== undefined &&
      (a.source?.source_type === 'LLM_JUDGE' || a.source?.source_type === 'CODE') &&
      a.metadata?.['glassbox.scorer_version'] !== undefined,
  );
}

/** Collects the loads asked for in one tick into batchGet calls, so workers need not coordinate. */
function batchingLoader(source: TraceSource) {
  let pending: { id: string; ok: (t: Trace) => void; fail: (e: Error) => void }[] = [];
  const flush = async () => {
    const batch = pending;
    pending = [];
    try {
      const traces = new Map((await source.load(batch.map((b) => b.id))).map((t) => [t.info.trace_id, t]));
      for (const b of batch) {
        const t = traces.get(b.id);
        if (t) b.ok(t);
        else b.fail(new Error(`Trace ${b.id} was listed by the search but batchGet did not return it`));
      }
    } catch (err) {
      for (const b of batch) b.fail(err as Error);
    }
  };
  return (id: string) =>
    new Promise<Trace>((ok, fail) => {
      if (pending.length === 0) setImmediate(flush);
      pending.push({ id, ok, fail });
    });
}

export interface TraceTaskOptions {
  scorers: Scorer[];
  /** Re-judge traces that already have this scorer's assessment (it is then overridden). */
  force?: boolean;
  /** Fraction of traces to evaluate, 0–1. */
  sample?: number;
  selectors?: Selectors;
}

/**
 * Turns the source's traces into tasks, leaving out every (trace, scorer) pair an earlier run of
 * the same scorer version already judged unless `force`; an earlier *error*, or a result of
 * another version, is judged again and overridden. Returns how many pairs were skipped.
 *
 * @example
 * const { tasks, skipped } = await traceTasks(source, { scorers, sample: 0.2 });
 */
export async function traceTasks(source: TraceSource, opts: TraceTaskOptions): Promise<{ tasks: EvalTask[]; skipped: number; considered: number }> {
  const infos = (await source.search()).filter((i) => inSample(i.trace_id, opts.sample));
  const load = batchingLoader(source);
  let skipped = 0;
  const tasks: EvalTask[] = [];
  for (const info of infos) {
    const overrides: Record<string, string> = {};
    const todo = opts.scorers.filter((s) => {
      const prior = priorAssessment(info, s);
      // Done means: same scorer version, and a value rather than an error.
      const done = prior && !prior.feedback?.error && prior.metadata?.['glassbox.scorer_version'] === s.version;
      if (done && !opts.force) {
        skipped++;
        return false;
      }
      if (prior?.assessment_id) overrides[s.name] = prior.assessment_id;
      return true;
    });
    if (todo.length) tasks.push({ id: info.trace_id, scorers: todo, overrides, load: async () => extractRecord(await load(info.trace_id), opts.selectors) });
  }
  return { tasks, skipped, considered: infos.length };
}

const clip = (s: string, n = 4000) => (s.length > n ? `${s.slice(0, n)}…` : s);

/**
 * Writes each result as an MLflow feedback assessment named after its scorer: source LLM_JUDGE
 * (source id = judge model) or CODE, the rationale, and metadata with judge model, tokens, cost,
 * latency and the scorer version used for resuming.
 *
 * @example
 * const sink = mlflowAssessmentSink(client, { jobId: 'ev-1' });
 */
export function mlflowAssessmentSink(client: MlflowClient, opts: { jobId?: string } = {}): ResultSink {
  return {
    async write(record, scorer, result, overrides) {
      const u = result.usage;
      const metadata: Record<string, string> = { 'glassbox.scorer_version': scorer.version };
      if (opts.jobId) metadata['glassbox.job_id'] = opts.jobId;
      if (result.label !== undefined && result.score !== undefined) metadata.label = String(result.label);
      if (result.details) metadata['glassbox.details'] = clip(JSON.stringify(result.details));
      if (u) {
        Object.assign(metadata, {
          judge_model: u.model,
          judge_calls: String(u.calls),
          judge_input_tokens: String(u.inputTokens),
          judge_output_tokens: String(u.outputTokens),
          judge_cost_usd: u.costUsd.toFixed(8),
          judge_latency_ms: u.latencyMs.toFixed(1),
        });
      }
      const value = result.score ?? result.label;
      await client.createAssessment(record.id, {
        assessment_name: scorer.name,
        trace_id: record.id,
        source: { source_type: scorer.kind, source_id: scorer.kind === 'LLM_JUDGE' ? (u?.model ?? 'llm-judge') : `glassbox/${scorer.name}` },
        feedback: result.error
          ? { error: { error_code: result.error.code, error_message: result.error.message } }
          : { value },
        ...(result.explanation ? { rationale: clip(result.explanation, 8000) } : {}),
        metadata,
        ...(overrides ? { overrides } : {}),
      } as Assessment);
    },
  };
}
