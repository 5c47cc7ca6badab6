import { toRow, type ResultRow } from './aggregate.js';
import type { EvalRecord, EvaluationResult, Scorer } from './types.js';

/** One unit of work: a record to load and the scorers that still have to judge it. */
export interface EvalTask {
  id: string;
  scorers: Scorer[];
  /** Existing assessment ids by scorer name, replaced (MLflow `overrides`) when re-judging with force. */
  overrides?: Record<string, string>;
  load(): Promise<EvalRecord>;
}

/** Where results go as they are produced (MLflow assessments, a job table…). */
export interface ResultSink {
  write(record: EvalRecord, scorer: Scorer, result: EvaluationResult, overrides?: string): Promise<void>;
}

export interface Progress {
  total: number;
  done: number;
  /** Records with at least one scorer error. */
  failures: number;
  costUsd: number;
}

export interface RunOptions {
  tasks: EvalTask[];
  /** Records evaluated at once; judge calls are bounded separately by the judge's own limiter. */
  concurrency?: number;
  sink?: ResultSink;
  onProgress?(p: Progress): void;
  onRows?(rows: ResultRow[]): void | Promise<void>;
  signal?: AbortSignal;
}

/** A scorer that throws (a bug, an unreadable record) yields an error row instead of stopping the job. */
async function safeEvaluate(scorer: Scorer, record: EvalRecord): Promise<EvaluationResult> {
  try {
    return await scorer.evaluate(record);
  } catch (err) {
    return { error: { code: 'SCORER_FAILED', message: (err as Error).message } };
  }
}

/**
 * Runs every task's scorers with a pool of workers, writing each result to the sink as soon as it
 * is known (so an interrupted job keeps what it finished) and reporting progress after each record.
 *
 * @example
 * const rows = await runTasks({ tasks: records.map((r) => ({ id: r.id, scorers, load: async () => r })), concurrency: 8 });
 */
export async function runTasks(opts: RunOptions): Promise<ResultRow[]> {
  const rows: ResultRow[] = [];
  const progress: Progress = { total: opts.tasks.length, done: 0, failures: 0, costUsd: 0 };
  let next = 0;
  const worker = async () => {
    while (next < opts.tasks.length && !opts.signal?.aborted) {
      const task = opts.tasks[next++];
      let mine: ResultRow[];
      try {
        const record = await task.load();
        mine = await Promise.all(
          task.scorers.map(async (s) => {
            const result = await safeEvaluate(s, record);
            await opts.sink?.write(record, s, result, task.overrides?.[s.name]);
            return toRow(task.id, s, result);
          }),
        );
      } catch (err) {
        // Loading failed (or the sink refused a write): every pending scorer of this record fails alike.
        mine = task.scorers.map((s) => toRow(task.id, s, { error: { code: 'RECORD_FAILED', message: (err as Error).message } }));
      }
      rows.push(...mine);
      progress.done++;
      if (mine.some((r) => r.error)) progress.failures++;
      progress.costUsd += mine.reduce((a, r) => a + r.judgeCostUsd, 0);
      // Snapshot before awaiting: other workers may finish records meanwhile.
      const snapshot = { ...progress };
      await opts.onRows?.(mine);
      opts.onProgress?.(snapshot);
    }
  };
  const n = Math.max(1, Math.min(opts.concurrency ?? 8, opts.tasks.length || 1));
  await Promise.all(Array.from({ length: n }, worker));
  return rows;
}
