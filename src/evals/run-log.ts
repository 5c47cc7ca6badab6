import type { ResultRow, ScorerSummary } from './aggregate.js';
import type { MlflowClient } from './mlflow-client.js';
import { rowsToCsv, summaryMetrics } from './report.js';
import type { Scorer } from './types.js';

export interface RunLogInput {
  experimentId: string;
  runName?: string;
  scorers: Scorer[];
  summary: ScorerSummary[];
  rows: ResultRow[];
  /** Extra params: judge model, filter, sample rate… */
  params: Record<string, string>;
  jobId?: string;
}

/**
 * Records an evaluation as an MLflow run: params (scorer versions and the caller's), aggregate
 * metrics, the per-trace table as `eval_results.json` and `.csv`, then FINISHED. If anything after
 * the run's creation fails, the run is marked FAILED so it does not stay RUNNING forever.
 *
 * @example
 * const runId = await logEvaluationRun(client, { experimentId: '1', scorers, summary, rows, params: { judge_model: 'gpt-4o-mini' } });
 */
export async function logEvaluationRun(client: MlflowClient, input: RunLogInput): Promise<string> {
  const tags: Record<string, string> = { 'mlflow.source.name': 'glassbox evaluate', 'mlflow.source.type': 'JOB', 'glassbox.evaluation': 'true' };
  if (input.jobId) tags['glassbox.job_id'] = input.jobId;
  const run = await client.createRun(input.experimentId, input.runName, tags);
  try {
    const params: Record<string, string> = { ...input.params, scorers: input.scorers.map((s) => s.name).join(',') };
    for (const s of input.scorers) params[`scorer.${s.name}.version`] = s.version;
    await client.logBatch(run.runId, params, summaryMetrics(input.summary));
    await client.uploadArtifact(run.artifactUri, 'eval_results.json', JSON.stringify({ summary: input.summary, rows: input.rows }, null, 2), 'application/json');
    await client.uploadArtifact(run.artifactUri, 'eval_results.csv', rowsToCsv(input.rows), 'text/csv');
    await client.finishRun(run.runId, 'FINISHED');
  } catch (err) {
    await client.finishRun(run.runId, 'FAILED').catch(() => undefined);
    throw err;
  }
  return run.runId;
}
