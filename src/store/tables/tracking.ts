import type { Generated, Selectable } from 'kysely';

/** Tables of migrations/2026_11_26_0001_tracking.ts. Times are epoch milliseconds. */
export interface TrackingTables {
  experiments: {
    experiment_id: Generated<number>;
    name: string;
    artifact_location: string;
    lifecycle_stage: string;
    creation_time: number;
    last_update_time: number;
  };
  experiment_tags: { experiment_id: number; key: string; value: string };
  runs: {
    run_uuid: string;
    name: string;
    experiment_id: number;
    user_id: string;
    status: string;
    start_time: number;
    end_time: number | null;
    artifact_uri: string;
    lifecycle_stage: string;
    deleted_time: number | null;
  };
  params: { run_uuid: string; key: string; value: string };
  tags: { run_uuid: string; key: string; value: string };
  metrics: MetricRow;
  latest_metrics: MetricRow;
  run_inputs: {
    run_uuid: string;
    name: string;
    digest: string;
    source_type: string;
    source: string;
    schema: string | null;
    profile: string | null;
    /** JSON text: [{key, value}] */
    tags: string;
  };
  logged_models: {
    model_id: string;
    experiment_id: number;
    name: string;
    artifact_location: string;
    creation_timestamp_ms: number;
    last_updated_timestamp_ms: number;
    status: string;
    status_message: string | null;
    lifecycle_stage: string;
    model_type: string | null;
    source_run_id: string | null;
  };
  logged_model_params: { model_id: string; key: string; value: string };
  logged_model_tags: { model_id: string; key: string; value: string };
  run_model_inputs: { run_uuid: string; model_id: string };
  run_outputs: { run_uuid: string; model_id: string; step: number };
}

export interface MetricRow {
  run_uuid: string;
  key: string;
  /** null means NaN (both dialects). */
  value: number | null;
  timestamp: number;
  step: number;
  model_id: string | null;
  dataset_name: string | null;
  dataset_digest: string | null;
}

export type ExperimentRow = Selectable<TrackingTables['experiments']>;
export type RunRow = Selectable<TrackingTables['runs']>;
