import type { Generated } from 'kysely';

/** Tables of migrations 0002 (trace headers, tags, metadata, assessments) and 0003 (spans). */
export interface TracesTables {
  trace_info: {
    /** Time-ordered integer key (migration 0008): what span rows point at. */
    trace_key: Generated<number>;
    trace_id: string;
    experiment_id: number;
    request_time: number;
    execution_duration: number | null;
    state: string;
    request_preview: string | null;
    response_preview: string | null;
    client_request_id: string | null;
    num_spans: number;
    input_tokens: number | null;
    output_tokens: number | null;
    total_tokens: number | null;
    cost: number | null;
    root_span_id: string | null;
    info_finalized: number;
    spans_in_store: number;
    created_at: number;
    /** Derived metadata kept in the header row (migration 0002); reported unless a metadata row overrides it. */
    cost_json: string | null;
    session_json: string | null;
    user_json: string | null;
    size_stats: string | null;
    size_bytes: number | null;
  };
  trace_tags: { trace_id: string; key: string; value: string };
  trace_metadata: { trace_id: string; key: string; value: string };
  assessments: {
    assessment_id: string;
    trace_id: string;
    name: string;
    kind: string;
    value_json: string | null;
    error_json: string | null;
    span_id: string | null;
    source_type: string;
    source_id: string | null;
    rationale: string | null;
    metadata_json: string | null;
    overrides: string | null;
    valid: number;
    create_time: number;
    last_update_time: number;
  };
  /** Narrow span rows (migrations 0003, 0008); payloads live in span_payloads. */
  spans: {
    trace_key: number;
    trace_id: string;
    span_id: string;
    parent_span_id: string | null;
    name: string;
    span_type: string;
    status: string;
    start_time_ms: number;
    end_time_ms: number | null;
    start_time_ns: string;
    end_time_ns: string | null;
    payload_id: number;
  };
  /** One JSON array of span payloads per ingest request (payload-pack.ts: text, or a compressed blob on SQLite). */
  span_payloads: {
    payload_id: Generated<number>;
    payload: string | Uint8Array;
  };
}
