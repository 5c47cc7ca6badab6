import { stat } from 'node:fs/promises';
import { sql } from 'kysely';
import type { Config } from '../../config.js';
import { parseStoreUri, type Store } from '../../store/db.js';
import { MetricsRegistry } from './registry.js';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Mutable readings the HTTP middleware keeps for the gauges below. */
export interface LiveCounts {
  inFlight: number;
  ingestInFlight: number;
}

/**
 * Every series /metrics exposes. Counters other modules feed (call these names exactly):
 * - `glassbox_spans_ingested_total`: spans stored by OTLP ingest;
 * - `glassbox_spans_rejected_total`: spans refused (OTLP partialSuccess.rejectedSpans);
 * - `glassbox_retention_traces_deleted_total`: traces removed by the retention sweep.
 */
export function createServerMetrics(store: Store, config: Config): ServerMetrics {
  const live: LiveCounts = { inFlight: 0, ingestInFlight: 0 };
  const registry = new MetricsRegistry()
    .counter('glassbox_http_requests_total', 'HTTP requests answered, by method, route pattern and status.')
    .histogram('glassbox_http_request_duration_seconds', 'HTTP request latency by method and route pattern.', LATENCY_BUCKETS)
    .counter('glassbox_spans_ingested_total', 'Spans accepted by OTLP ingest.')
    .counter('glassbox_spans_rejected_total', 'Spans rejected by OTLP ingest (partial success).')
    .counter('glassbox_retention_traces_deleted_total', 'Traces deleted by the retention sweep.')
    .gauge('glassbox_http_requests_in_flight', 'HTTP requests being processed.', () => [{ value: live.inFlight }])
    .gauge('glassbox_ingest_queue_depth', 'OTLP export requests received and not yet answered (waiting for or holding the store).', () => [
      { value: live.ingestInFlight },
    ])
    .gauge('glassbox_database_size_bytes', 'Size of the backend store (SQLite file plus WAL, or pg_database_size).', async () => [
      { labels: { dialect: store.dialect }, value: await databaseSize(store, config) },
    ])
    .gauge('glassbox_evaluation_jobs', 'Evaluation jobs by status.', async () => {
      const rows = await store.db.selectFrom('evaluation_jobs').select((eb) => ['status', eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
      return rows.map((r) => ({ labels: { status: r.status }, value: Number(r.n) }));
    })
    .gauge('glassbox_evaluation_job_progress_ratio', 'Share of traces judged, for pending and running evaluation jobs.', async () => {
      const rows = await store.db
        .selectFrom('evaluation_jobs')
        .select(['job_id', 'experiment_id', 'total', 'done'])
        .where('status', 'in', ['PENDING', 'RUNNING'])
        .execute();
      return rows.map((r) => ({ labels: { job_id: r.job_id, experiment_id: String(r.experiment_id) }, value: Number(r.total) > 0 ? Number(r.done) / Number(r.total) : 0 }));
    })
    .gauge('process_resident_memory_bytes', 'Resident set size of the server process.', () => [{ value: process.memoryUsage.rss() }])
    .gauge('process_uptime_seconds', 'Seconds since the server process started.', () => [{ value: process.uptime() }]);
  return Object.assign(registry, { live });
}

export type ServerMetrics = MetricsRegistry & { live: LiveCounts };

async function databaseSize(store: Store, config: Config): Promise<number> {
  if (store.dialect === 'postgres') {
    const { rows } = await sql<{ size: number }>`select pg_database_size(current_database()) as size`.execute(store.db);
    return Number(rows[0].size);
  }
  const { target } = parseStoreUri(config.backendStoreUri);
  if (target === ':memory:') return 0;
  let total = 0;
  for (const file of [target, `${target}-wal`]) total += (await stat(file).catch(() => ({ size: 0 }))).size;
  return total;
}
