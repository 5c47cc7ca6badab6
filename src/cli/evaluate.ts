import { Command } from 'commander';
import cliProgress from 'cli-progress';
import { judgeAgreement, type Agreement } from '../evals/agreement.js';
import { evaluate, type EvaluationReport } from '../evals/evaluate.js';
import { createJudge } from '../evals/judge/judge.js';
import { openAIJudgeClientFromSettings, resolveJudgeSettings } from '../evals/judge-client.js';
import { resolveCredentials, resolveTrackingUri } from '../client/config.js';
import { createMlflowClient, type MlflowClientOptions } from '../evals/mlflow-client.js';
import { formatSummary } from '../evals/report.js';
import { needsJudge, SCORER_NAMES, scorersByName } from '../evals/scorers.js';
import type { Progress } from '../evals/runner.js';

// `glassbox evaluate …`: a shell over glassbox/evals. It is a client of the MLflow REST API, so it
// evaluates traces on Glassbox or on any MLflow tracking server.

/** Where output goes; tests pass their own to capture it. */
export interface EvaluateIo {
  out(text: string): void;
  /** Progress bar (TTY only by default). */
  progress: boolean;
  env: NodeJS.ProcessEnv;
}

const defaultIo = (): EvaluateIo => ({
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  progress: Boolean(process.stderr.isTTY),
  env: process.env,
});

/** explicit ?? GLASSBOX_TRACKING_URI ?? MLFLOW_TRACKING_URI ?? local default, with MLflow's auth variables. */
function tracking(opts: { trackingUri?: string }, env: NodeJS.ProcessEnv): MlflowClientOptions {
  return { trackingUri: resolveTrackingUri(opts.trackingUri, env), ...resolveCredentials({}, env) };
}

const number = (name: string, min: number, max = Infinity) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) throw new Error(`--${name} must be a number from ${min}${max === Infinity ? '' : ` to ${max}`}, got '${v}'`);
  return n;
};

function progressBar(io: EvaluateIo) {
  if (!io.progress) return { update: (_p: Progress) => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { format: 'evaluating [{bar}] {value}/{total} traces | ETA {eta_formatted} | cost ${cost} | failures {failures}', etaBuffer: 50, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(p: Progress) {
      if (!started) {
        bar.start(p.total, 0, { cost: '0.0000', failures: 0 });
        started = true;
      }
      bar.update(p.done, { cost: p.costUsd.toFixed(4), failures: p.failures });
    },
    stop: () => started && bar.stop(),
  };
}

export function formatReport(report: EvaluationReport): string {
  const head = `${report.considered} traces considered, ${report.skipped} (trace, scorer) pairs already judged and skipped (use --force to re-judge), ${(report.wallMs / 1000).toFixed(1)} s`;
  return `${formatSummary(report.summary)}\n\n${head}${report.runId ? `\nMLflow run: ${report.runId}` : ''}\n`;
}

export function formatAgreement(a: Agreement): string {
  if (a.n === 0) return `No trace has both LLM_JUDGE and HUMAN feedback named '${a.scorer}'.\n`;
  const w = Math.max(12, ...a.labels.map((l) => l.length + 2));
  const rows = a.labels.map((j) => `${`judge ${j}`.padEnd(w + 6)}${a.labels.map((h) => String(a.confusion[j][h]).padStart(w)).join('')}`);
  return [
    `${a.scorer}: ${a.n} traces with both judge and human feedback`,
    `accuracy ${(a.accuracy! * 100).toFixed(1)}%   Cohen's kappa ${a.kappa!.toFixed(3)}`,
    '',
    `${''.padEnd(w + 6)}${a.labels.map((h) => `human ${h}`.padStart(w)).join('')}`,
    ...rows,
    '',
  ].join('\n');
}

function agreementCommand(io: () => EvaluateIo): Command {
  return new Command('agreement')
    .description("Compare LLM-judge feedback with human feedback of the same name: accuracy, Cohen's kappa, confusion matrix")
    .requiredOption('--scorer <name>', 'assessment name, e.g. groundedness')
    .requiredOption('--experiment <name-or-id>', 'experiment holding the traces')
    .option('--tracking-uri <uri>', 'tracking server [GLASSBOX_TRACKING_URI, MLFLOW_TRACKING_URI, default http://127.0.0.1:5000]')
    .option('--filter <expr>', 'MLflow trace search filter')
    .option('--threshold <x>', 'numeric feedback at or above this counts as "yes"', number('threshold', -Infinity), 0.5)
    .action(async (opts) => {
      const o = io();
      const client = createMlflowClient(tracking(opts, o.env));
      const traces = await client.searchTraces(await client.resolveExperimentId(opts.experiment), opts.filter);
      o.out(formatAgreement(judgeAgreement(traces, opts.scorer, opts.threshold)));
    });
}

/**
 * `glassbox evaluate`: judges an experiment's traces, writes each score as an assessment and the job
 * as an MLflow run, shows a progress bar and ends with a summary table.
 *
 * @example
 * program.addCommand(evaluateCommand());
 * // glassbox evaluate --experiment support-bot --scorers groundedness,latency --judge-model gpt-4o-mini
 */
export function evaluateCommand(io: () => EvaluateIo = defaultIo): Command {
  return new Command('evaluate')
    .description('Evaluate traces with LLM judges and deterministic metrics; results become assessments and an MLflow run')
    .option('--tracking-uri <uri>', 'tracking server [GLASSBOX_TRACKING_URI, MLFLOW_TRACKING_URI, default http://127.0.0.1:5000]')
    .option('--experiment <name-or-id>', 'experiment whose traces are evaluated (required)')
    .option('--filter <expr>', 'MLflow trace search filter, e.g. "trace.timestamp_ms > 1767225600000"')
    .option('--scorers <list>', `comma-separated: ${SCORER_NAMES.join(', ')}`, 'groundedness,context_relevance,answer_relevance')
    .option('--judge-model <model>', 'judge model [GLASSBOX_JUDGE_MODEL, default gpt-4o-mini]')
    .option('--judge-base-url <url>', 'OpenAI-compatible endpoint [GLASSBOX_JUDGE_BASE_URL, OPENAI_BASE_URL]')
    .option('--judge-api-key <key>', 'judge API key [GLASSBOX_JUDGE_API_KEY, OPENAI_API_KEY]')
    .option('--judge-timeout <seconds>', 'per-call judge timeout; timed-out calls are retried', number('judge-timeout', 1), 60)
    .option('--concurrency <n>', 'judge calls in flight', number('concurrency', 1, 256), 8)
    .option('--rpm <n>', 'judge requests per minute at most', number('rpm', 1))
    .option('--sample <fraction>', 'evaluate this fraction of the traces (same subset on every run)', number('sample', 0, 1))
    .option('--run-name <name>', 'name of the MLflow run')
    .option('--force', 're-judge traces that already have these scorers’ assessments')
    .option('--guideline <text...>', 'guidelines for the guidelines scorer')
    .option('--k <n>', 'cut-off for precision_at_k, recall_at_k, ndcg_at_k', number('k', 1), 5)
    .option('--json', 'print the report as JSON instead of a table')
    // `evaluate agreement --experiment x` shares option names with `evaluate`: after the subcommand
    // name they must belong to the subcommand.
    .enablePositionalOptions()
    .addCommand(agreementCommand(io))
    .action(async (opts) => {
      const o = io();
      if (!opts.experiment) throw new Error('--experiment is required');
      const names = String(opts.scorers).split(',').map((s) => s.trim()).filter(Boolean);
      let judge;
      if (needsJudge(names)) {
        const settings = resolveJudgeSettings({ model: opts.judgeModel, baseURL: opts.judgeBaseUrl, apiKey: opts.judgeApiKey }, o.env);
        judge = createJudge({ client: openAIJudgeClientFromSettings(settings, { timeoutMs: opts.judgeTimeout * 1000 }), model: settings.model, concurrency: opts.concurrency, requestsPerMinute: opts.rpm });
      }
      const scorers = scorersByName(names, { judge, k: opts.k, guidelines: opts.guideline });
      const bar = progressBar(o);
      let report: EvaluationReport;
      try {
        report = await evaluate({
          tracking: { ...tracking(opts, o.env), experiment: opts.experiment, filter: opts.filter, runName: opts.runName },
          scorers,
          concurrency: opts.concurrency,
          force: Boolean(opts.force),
          sample: opts.sample,
          params: judge ? { judge_model: judge.model } : {},
          onProgress: (p) => bar.update(p),
        });
      } finally {
        bar.stop();
      }
      o.out(opts.json ? JSON.stringify({ summary: report.summary, considered: report.considered, skipped: report.skipped, run_id: report.runId }, null, 2) : formatReport(report));
    });
}
