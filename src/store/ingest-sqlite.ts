import type Database from 'better-sqlite3';
import { MlflowError } from '../server/errors.js';
import type { NormalizedSpan } from '../server/otlp/normalize.js';
import { byTrace, MERGED_METADATA_KEYS, planTrace, spanPayloadJson, type IngestJob, type IngestResult, type TraceInfoRow } from './ingest.js';

/** Spans allowed to wait for the next commit before new requests get 503 + Retry-After. */
export const MAX_PENDING_SPANS = 200_000;

interface Pending {
  job: IngestJob;
  resolve(r: IngestResult): void;
  reject(e: unknown): void;
}

const writers = new WeakMap<Database.Database, SqliteIngestWriter>();

/** The ingest writer of one SQLite connection (one per database handle, created on first use). */
export function sqliteWriter(db: Database.Database): SqliteIngestWriter {
  let w = writers.get(db);
  if (!w) writers.set(db, (w = new SqliteIngestWriter(db)));
  return w;
}

/**
 * Group commit over raw better-sqlite3: requests that finish decoding in the same event-loop turn
 * are written in one transaction with cached prepared statements, and each promise resolves only
 * after that transaction committed. better-sqlite3 is synchronous, so nothing else can interleave
 * statements into the transaction.
 */
export class SqliteIngestWriter {
  private queue: Pending[] = [];
  private pendingSpans = 0;
  private readonly st;

  constructor(private readonly db: Database.Database) {
    const p = (sql: string) => db.prepare(sql);
    this.st = {
      experiment: p('SELECT artifact_location FROM experiments WHERE experiment_id = ?'),
      insertSpan: p(
        'INSERT OR IGNORE INTO spans (trace_id, span_id, parent_span_id, name, span_type, status, start_time_ms, end_time_ms, start_time_ns, end_time_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      insertPayload: p('INSERT INTO span_payloads (trace_id, payload) VALUES (?, ?)'),
      getInfo: p('SELECT * FROM trace_info WHERE trace_id = ?'),
      getMeta: p(`SELECT key, value FROM trace_metadata WHERE trace_id = ? AND key IN (${MERGED_METADATA_KEYS.map(() => '?').join(', ')})`),
      insertInfo: p(
        `INSERT INTO trace_info (trace_id, experiment_id, request_time, execution_duration, state, request_preview, response_preview, client_request_id, num_spans, input_tokens, output_tokens, total_tokens, cost, root_span_id, info_finalized, spans_in_store, created_at)
         VALUES (@trace_id, @experiment_id, @request_time, @execution_duration, @state, @request_preview, @response_preview, @client_request_id, @num_spans, @input_tokens, @output_tokens, @total_tokens, @cost, @root_span_id, @info_finalized, @spans_in_store, @created_at)`,
      ),
      updateInfo: p(
        `UPDATE trace_info SET request_time = @request_time, execution_duration = @execution_duration, state = @state, request_preview = @request_preview,
           response_preview = @response_preview, num_spans = @num_spans, input_tokens = @input_tokens, output_tokens = @output_tokens, total_tokens = @total_tokens,
           cost = @cost, root_span_id = @root_span_id, spans_in_store = @spans_in_store WHERE trace_id = @trace_id`,
      ),
      kv: {
        trace_tags: {
          ignore: p('INSERT OR IGNORE INTO trace_tags (trace_id, key, value) VALUES (?, ?, ?)'),
          replace: p('INSERT INTO trace_tags (trace_id, key, value) VALUES (?, ?, ?) ON CONFLICT (trace_id, key) DO UPDATE SET value = excluded.value'),
        },
        trace_metadata: {
          ignore: p('INSERT OR IGNORE INTO trace_metadata (trace_id, key, value) VALUES (?, ?, ?)'),
          replace: p('INSERT INTO trace_metadata (trace_id, key, value) VALUES (?, ?, ?) ON CONFLICT (trace_id, key) DO UPDATE SET value = excluded.value'),
        },
      },
    };
  }

  submit(job: IngestJob): Promise<IngestResult> {
    // An empty queue always accepts, so a single very large request can still be written.
    if (this.queue.length > 0 && this.pendingSpans + job.spans.length > MAX_PENDING_SPANS) {
      return Promise.reject(MlflowError.unavailable('The span store is behind; retry shortly', 1));
    }
    return new Promise((resolve, reject) => {
      if (this.queue.length === 0) setImmediate(() => this.flush());
      this.queue.push({ job, resolve, reject });
      this.pendingSpans += job.spans.length;
    });
  }

  private flush(): void {
    // A kysely transaction on this same connection may be open (awaiting between statements); our
    // statements would silently join it and share its fate, so wait until it has finished.
    if (this.db.inTransaction) {
      setTimeout(() => this.flush(), 1);
      return;
    }
    const batch = this.queue;
    this.queue = [];
    this.pendingSpans = 0;
    let results: IngestResult[] | undefined;
    try {
      results = this.db.transaction(() => batch.map((p) => this.write(p.job)))();
    } catch {
      // One bad job must not fail the others: retry each in its own transaction.
      for (const p of batch) {
        try {
          p.resolve(this.db.transaction(() => this.write(p.job))());
        } catch (err) {
          p.reject(err);
        }
      }
      return;
    }
    batch.forEach((p, i) => p.resolve(results[i]));
  }

  /** Writes one job inside the caller's transaction. */
  private write(job: IngestJob): IngestResult {
    const st = this.st;
    const exp = st.experiment.get(job.experimentId) as { artifact_location: string } | undefined;
    const ctx = { experimentId: job.experimentId, artifactLocation: exp?.artifact_location, now: Date.now() };
    let inserted = 0;
    let duplicates = 0;
    for (const [traceId, spans] of byTrace(job.spans)) {
      const fresh: NormalizedSpan[] = [];
      const parts: string[] = [];
      const sizes: number[] = [];
      for (const s of spans) {
        const r = st.insertSpan.run(traceId, s.spanId, s.parentSpanId, s.name, s.spanType, s.status, s.startMs, s.endMs, s.startNs, s.endNs);
        if (r.changes === 0) {
          duplicates++;
          continue;
        }
        const json = spanPayloadJson(s);
        fresh.push(s);
        parts.push(json);
        sizes.push(Buffer.byteLength(json));
      }
      if (fresh.length === 0) continue;
      inserted += fresh.length;
      st.insertPayload.run(traceId, `[${parts.join(',')}]`);
      const existing = st.getInfo.get(traceId) as TraceInfoRow | undefined;
      const meta: Record<string, string> = {};
      if (existing?.spans_in_store === 1 && existing.info_finalized !== 1) {
        for (const row of st.getMeta.all(traceId, ...MERGED_METADATA_KEYS) as { key: string; value: string }[]) meta[row.key] = row.value;
      }
      const plan = planTrace(existing, meta, { traceId, inserted: fresh, sizes }, ctx);
      (plan.isNew ? st.insertInfo : st.updateInfo).run(plan.info);
      for (const w of plan.writes) st.kv[w.table][w.mode].run(traceId, w.key, w.value);
    }
    return { inserted, duplicates };
  }
}
