/** Tables of migrations/2026_11_26_0007_datasets_scorers.ts. Times are epoch milliseconds; JSON is text. */
export interface DatasetsTables {
  evaluation_datasets: {
    dataset_id: string;
    name: string;
    schema: string | null;
    profile: string | null;
    digest: string;
    created_time: number;
    last_update_time: number;
    created_by: string | null;
    last_updated_by: string | null;
  };
  evaluation_dataset_tags: { dataset_id: string; key: string; value: string };
  evaluation_dataset_experiments: { dataset_id: string; experiment_id: number; created_time: number };
  evaluation_dataset_records: {
    dataset_record_id: string;
    dataset_id: string;
    input_hash: string;
    inputs: string;
    outputs: string | null;
    expectations: string | null;
    tags: string | null;
    source: string | null;
    source_id: string | null;
    source_type: string | null;
    created_time: number;
    last_update_time: number;
    created_by: string | null;
    last_updated_by: string | null;
  };
  scorers: { scorer_id: string; experiment_id: number; scorer_name: string };
  scorer_versions: { scorer_id: string; scorer_version: number; serialized_scorer: string; creation_time: number };
}
