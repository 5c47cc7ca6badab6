/** Tables of migrations/2026_11_26_0005_evaluations.ts. Times are epoch milliseconds. */
export interface EvalsTables {
  evaluation_jobs: {
    job_id: string;
    experiment_id: string;
    status: string;
    request_json: string;
    total: number;
    done: number;
    failures: number;
    skipped: number;
    cost_usd: number;
    summary_json: string | null;
    run_id: string | null;
    error: string | null;
    created_at: number;
    finished_at: number | null;
  };
  evaluation_results: {
    job_id: string;
    trace_id: string;
    scorer: string;
    score: number | null;
    label: string | null;
    passed: number | null;
    error: string | null;
    judge_cost_usd: number;
    judge_latency_ms: number;
  };
}
