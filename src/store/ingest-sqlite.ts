import type Database from 'better-sqlite3';
import { MlflowError } from '../server/errors.js';
import type { NormalizedSpan } from '../server/otlp/normalize.js';
import { byTrace, planTrace, type IngestJob, type IngestResult, type KeyValueWrite, type TraceHeader, type TraceInfoRow } from './ingest.js';
import { sqliteValue } from './payload-pack.js';

/** Spans allowed to wait for the next commit before new requests get 503 + Retry-After. */
export const MAX_PENDING_SPANS = 200_000;
/** Rows per multi-row statement (22 columns × 200 stays far below SQLite's 32,766 variables). */
const ROWS = 200;

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

const INFO_COLUMNS = ['trace_id', 'experiment_id', 'request_time', 'execution_duration', 'state', 'request_preview', 'response_preview', 'client_request_id', 'num_spans', 'input_tokens', 'output_tokens', 'total_tokens', 'cost', 'root_span_id', 'info_finalized', 'spans_in_store', 'created_at', 'cost_json', 'session_json', 'user_json', 'size_stats', 'size_bytes'] as const;
const SPAN_COLUMNS = 'trace_key, trace_id, span_id, parent_span_id, name, span_type, status, start_time_ms, end_time_ms, start_time_ns, end_time_ns, payload_id';

/**
 * Group commit over raw better-sqlite3: requests that finish decoding in the same event-loop turn
 * are written in one transaction with cached multi-row prepared statements, and each promise
 * resolves only after that transaction committed. better-sqlite3 is synchronous, so nothing else
 * can interleave statements into the transaction.
 */
export class SqliteIngestWriter {
  private queue: Pending[] = [];
  private pendingSpans = 0;
  private readonly cache = new Map<string, Database.Statement>();
  /** Back-pressure bound; tests lower it. */
  maxPendingSpans = MAX_PENDING_SPANS;

  constructor(private readonly db: Database.Database) {}

  submit(job: IngestJob): Promise<IngestResult> {
    // An empty queue always accepts, so a single very large request can still be written.
    if (this.queue.length > 0 && this.pendingSpans + job.spans.length > this.maxPendingSpans) {
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
    let results: IngestResult[];
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

  /** A prepared statement, cached per SQL text (multi-row statements are cached per row count). */
  private stmt(sql: string): Database.Statement {
    let s = this.cache.get(sql);
    if (!s) this.cache.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  private rows(prefix: string, cols: number, n: number, suffix = ''): Database.Statement {
    const one = `(${new Array(cols).fill('?').join(', ')})`;
    return this.stmt(`${prefix} VALUES ${new Array(n).fill(one).join(', ')}${suffix}`);
  }

  /**
   * Writes one job inside the caller's transaction. New traces get their header first, so that
   * their spans can point at its trace_key; spans of known traces are inserted OR IGNORE (a re-sent
   * span is skipped) and their header is recomputed from what was actually inserted.
   */
  private write(job: IngestJob): IngestResult {
    const payloadIds = job.packs.map((p) => Number(this.stmt('INSERT INTO span_payloads (payload) VALUES (?)').run(sqliteValue(p.data)).lastInsertRowid));
    const ctx = { experimentId: job.experimentId, now: Date.now() };
    const groups = byTrace(job.spans);
    const existing = new Map(this.selectIn<TraceInfoRow>('SELECT * FROM trace_info WHERE trace_id IN', [...groups.keys()]).map((r) => [r.trace_id, r]));
    const keyOf = new Map<string, number>();
    for (const [id, row] of existing) keyOf.set(id, row.trace_key);
    const writes: (KeyValueWrite & { traceId: string })[] = [];
    const fresh: TraceHeader[] = [];
    for (const [traceId, spans] of groups) {
      if (existing.has(traceId)) continue;
      const plan = planTrace(undefined, { traceId, inserted: spans }, ctx);
      fresh.push(plan.info);
      for (const w of plan.writes) writes.push({ ...w, traceId });
    }
    for (let i = 0; i < fresh.length; i += ROWS) {
      const chunk = fresh.slice(i, i + ROWS);
      const keys = this.rows(`INSERT INTO trace_info (${INFO_COLUMNS.join(', ')})`, INFO_COLUMNS.length, chunk.length, ' RETURNING trace_id, trace_key').all(chunk.flatMap((r) => INFO_COLUMNS.map((c) => r[c]))) as { trace_id: string; trace_key: number }[];
      for (const k of keys) keyOf.set(k.trace_id, k.trace_key);
    }
    const inserted = new Set<NormalizedSpan>();
    job.packs.forEach((pack, i) => {
      const mine = this.insertSpans(pack.spans, keyOf, payloadIds[i]);
      // A payload row none of whose spans was new (all re-sent) is not kept.
      if (mine.size === 0) this.stmt('DELETE FROM span_payloads WHERE payload_id = ?').run(payloadIds[i]);
      for (const s of mine) inserted.add(s);
    });
    if (inserted.size === 0) return { inserted: 0, duplicates: job.spans.length };
    for (const [traceId, row] of existing) {
      const spans = groups.get(traceId)!;
      const mine = inserted.size === job.spans.length ? spans : spans.filter((s) => inserted.has(s));
      if (mine.length === 0) continue;
      const plan = planTrace(row, { traceId, inserted: mine }, ctx);
      this.updateInfo(plan.info);
      for (const w of plan.writes) writes.push({ ...w, traceId });
    }
    this.writeKeyValues(writes);
    return { inserted: inserted.size, duplicates: job.spans.length - inserted.size };
  }

  /** Inserts span rows, skipping (trace, span) pairs already stored; returns the spans actually written. */
  private insertSpans(spans: NormalizedSpan[], keyOf: Map<string, number>, payloadId: number): Set<NormalizedSpan> {
    let changes = 0;
    for (let i = 0; i < spans.length; i += ROWS) {
      const chunk = spans.slice(i, i + ROWS);
      const params: unknown[] = [];
      for (const s of chunk) params.push(keyOf.get(s.traceId), s.traceId, s.spanId, s.parentSpanId, s.name, s.spanType, s.status, s.startMs, s.endMs, s.startNs, s.endNs, payloadId);
      changes += this.rows(`INSERT OR IGNORE INTO spans (${SPAN_COLUMNS})`, 12, chunk.length).run(params).changes;
    }
    if (changes === spans.length) return new Set(spans);
    // Some were re-sent: the rows written now are the ones pointing at this request's payload row
    // (found through the spans_payload index; cheaper than RETURNING on every insert).
    const keys = new Set((this.stmt('SELECT trace_id, span_id FROM spans WHERE payload_id = ?').all(payloadId) as { trace_id: string; span_id: string }[]).map((r) => r.trace_id + r.span_id));
    return new Set(spans.filter((s) => keys.has(s.traceId + s.spanId)));
  }

  private updateInfo(info: TraceHeader): void {
    this.stmt(
      `UPDATE trace_info SET request_time = @request_time, execution_duration = @execution_duration, state = @state, request_preview = @request_preview,
         response_preview = @response_preview, num_spans = @num_spans, input_tokens = @input_tokens, output_tokens = @output_tokens, total_tokens = @total_tokens,
         cost = @cost, root_span_id = @root_span_id, spans_in_store = @spans_in_store, cost_json = @cost_json, session_json = @session_json,
         user_json = @user_json, size_stats = @size_stats, size_bytes = @size_bytes WHERE trace_id = @trace_id`,
    ).run(info);
  }

  private writeKeyValues(writes: (KeyValueWrite & { traceId: string })[]): void {
    for (const table of ['trace_tags', 'trace_metadata'] as const) {
      for (const mode of ['ignore', 'replace'] as const) {
        const rows = writes.filter((w) => w.table === table && w.mode === mode);
        for (let i = 0; i < rows.length; i += ROWS) {
          const chunk = rows.slice(i, i + ROWS);
          const head = mode === 'ignore' ? `INSERT OR IGNORE INTO ${table} (trace_id, key, value)` : `INSERT INTO ${table} (trace_id, key, value)`;
          const tail = mode === 'ignore' ? '' : ' ON CONFLICT (trace_id, key) DO UPDATE SET value = excluded.value';
          this.rows(head, 3, chunk.length, tail).run(chunk.flatMap((w) => [w.traceId, w.key, w.value]));
        }
      }
    }
  }

  private selectIn<T>(prefix: string, ids: string[]): T[] {
    const out: T[] = [];
    for (let i = 0; i < ids.length; i += ROWS) {
      const chunk = ids.slice(i, i + ROWS);
      out.push(...(this.stmt(`${prefix} (${chunk.map(() => '?').join(', ')})`).all(chunk) as T[]));
    }
    return out;
  }
}
