import type Database from 'better-sqlite3';
import { type SqlBool, sql } from 'kysely';
import type { Metric, MetricInput } from '../server/schemas/runs.js';
import type { Db, Store } from './db.js';
import { metricRowToMetric } from './runs.js';
import { cachedStatement } from './sqlite-statements.js';
import type { MetricRow } from './tables/tracking.js';

/** NaN is stored as NULL (see the migration); ±Infinity is stored as is on both dialects. */
function toRow(runId: string, m: MetricInput): MetricRow {
  return {
    run_uuid: runId,
    key: m.key,
    value: Number.isNaN(m.value) ? null : m.value,
    timestamp: m.timestamp,
    step: m.step,
    model_id: m.model_id ?? null,
    dataset_name: m.dataset_name ?? null,
    dataset_digest: m.dataset_digest ?? null,
  };
}

/**
 * MLflow's "latest" order: the largest (step, timestamp, value), with NaN ranking as 0 because
 * MLflow's SQL store saves NaN as value 0 plus an is_nan flag. Both SQL paths below use the same rule.
 */
function isNewer(a: MetricInput, b: MetricInput): boolean {
  if (a.step !== b.step) return a.step > b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp;
  return (Number.isNaN(a.value) ? 0 : a.value) > (Number.isNaN(b.value) ? 0 : b.value);
}

/** Per key, the newest point of the batch, keys sorted so concurrent writers lock rows in one order. */
function newestPerKey(metrics: MetricInput[]): MetricInput[] {
  const best = new Map<string, MetricInput>();
  for (const m of metrics) {
    const cur = best.get(m.key);
    if (!cur || isNewer(m, cur)) best.set(m.key, m);
  }
  return [...best.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

const COLUMNS = 'run_uuid, key, value, timestamp, step, model_id, dataset_name, dataset_digest';
const NEWER_THAN_STORED =
  '(excluded.step, excluded.timestamp, coalesce(excluded.value, 0)) > (latest_metrics.step, latest_metrics.timestamp, coalesce(latest_metrics.value, 0))';
const UPSERT_SET =
  'value = excluded.value, timestamp = excluded.timestamp, step = excluded.step, model_id = excluded.model_id, dataset_name = excluded.dataset_name, dataset_digest = excluded.dataset_digest';

/**
 * Rows per multi-row INSERT on SQLite, largest first: a full 1000-metric batch is one statement
 * (about 30% less CPU than 1000 single-row runs); other sizes are split by powers of ten, so only
 * a few statement shapes are ever prepared. 1000 rows × 8 columns stays under SQLite's 32,766 variables.
 */
const SQLITE_CHUNKS = [1000, 100, 10, 1];

/**
 * Multi-row INSERT of `rows` points. Without model or dataset references (the usual case) a row
 * binds 5 values and the other 3 columns are literal NULLs.
 */
function sqliteInsert(sqlite: Database.Database, rows: number, refs: boolean): Database.Statement {
  const row = refs ? '(?, ?, ?, ?, ?, ?, ?, ?)' : '(?, ?, ?, ?, ?, NULL, NULL, NULL)';
  return cachedStatement(sqlite, `insert metrics ${rows}${refs ? ' with refs' : ''}`, () => `INSERT INTO metrics (${COLUMNS}) VALUES ${Array(rows).fill(row).join(', ')} ON CONFLICT DO NOTHING`);
}

/**
 * The SQLite write of a batch's metrics, synchronous, inside the caller's transaction: history rows
 * (exact duplicates silently dropped by the unique index), then latest_metrics moved forward per
 * key where the batch's newest point is newer than the stored one.
 */
export function insertMetricsSqlite(sqlite: Database.Database, runId: string, metrics: MetricInput[]): void {
  if (metrics.length === 0) return;
  const refs = metrics.some((m) => m.model_id !== undefined || m.dataset_name !== undefined || m.dataset_digest !== undefined);
  const width = refs ? 8 : 5;
  let i = 0;
  for (const n of SQLITE_CHUNKS) {
    while (metrics.length - i >= n) {
      const args: unknown[] = new Array(n * width);
      for (let j = 0, a = 0; j < n; j++, a += width) {
        const m = metrics[i + j];
        args[a] = runId;
        args[a + 1] = m.key;
        args[a + 2] = Number.isNaN(m.value) ? null : m.value;
        args[a + 3] = m.timestamp;
        args[a + 4] = m.step;
        if (refs) {
          args[a + 5] = m.model_id ?? null;
          args[a + 6] = m.dataset_name ?? null;
          args[a + 7] = m.dataset_digest ?? null;
        }
      }
      sqliteInsert(sqlite, n, refs).run(args);
      i += n;
    }
  }
  const upsert = cachedStatement(
    sqlite,
    `INSERT INTO latest_metrics (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_uuid, key) DO UPDATE SET ${UPSERT_SET} WHERE ${NEWER_THAN_STORED}`,
  );
  for (const m of newestPerKey(metrics)) {
    const r = toRow(runId, m);
    upsert.run(r.run_uuid, r.key, r.value, r.timestamp, r.step, r.model_id, r.dataset_name, r.dataset_digest);
  }
}

/**
 * Appends metric points to history and moves latest_metrics forward (see insertMetricsSqlite).
 * `db` must be the caller's transaction, so both happen atomically with the rest of the request.
 * On SQLite the caller's transaction holds the single connection, so the raw statements run inside it.
 * On PostgreSQL the history rows travel as one array per column through unnest: one short statement
 * whatever the batch size, instead of compiling and binding 8 parameters per row.
 */
export async function insertMetrics(store: Store, db: Db, runId: string, metrics: MetricInput[]): Promise<void> {
  if (metrics.length === 0) return;
  if (store.sqlite) return insertMetricsSqlite(store.sqlite, runId, metrics);
  // Key order, so that concurrent writers of one run take index locks in the same order.
  const rows = metrics.map((m) => toRow(runId, m));
  rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.step - b.step || a.timestamp - b.timestamp));
  const column = <K extends keyof MetricRow>(k: K) => rows.map((r) => r[k]);
  await sql`INSERT INTO metrics (${sql.raw(COLUMNS)})
    SELECT ${runId}::text, * FROM unnest(${column('key')}::text[], ${column('value')}::float8[], ${column('timestamp')}::int8[],
      ${column('step')}::int8[], ${column('model_id')}::text[], ${column('dataset_name')}::text[], ${column('dataset_digest')}::text[])
    ON CONFLICT DO NOTHING`.execute(db);
  const latest = newestPerKey(metrics).map((m) => toRow(runId, m));
  await db
    .insertInto('latest_metrics')
    .values(latest)
    .onConflict((oc) =>
      oc
        .columns(['run_uuid', 'key'])
        .doUpdateSet((eb) => ({
          value: eb.ref('excluded.value'),
          timestamp: eb.ref('excluded.timestamp'),
          step: eb.ref('excluded.step'),
          model_id: eb.ref('excluded.model_id'),
          dataset_name: eb.ref('excluded.dataset_name'),
          dataset_digest: eb.ref('excluded.dataset_digest'),
        }))
        .where(sql.raw<SqlBool>(NEWER_THAN_STORED)),
    )
    .execute();
}

/** GetMetricHistory: every point of one key, ordered by (timestamp, step, value) as MLflow does. */
export async function getMetricHistory(db: Db, runId: string, key: string, page: { offset: number; limit?: number }): Promise<{ metrics: Metric[]; more: boolean }> {
  let q = db
    .selectFrom('metrics')
    .selectAll()
    .where('run_uuid', '=', runId)
    .where('key', '=', key)
    .orderBy('timestamp')
    .orderBy('step')
    .orderBy(sql`coalesce(value, 0)`)
    .offset(page.offset);
  // One row past the page tells whether another page exists; SQLite needs some LIMIT before OFFSET.
  q = q.limit(page.limit !== undefined ? page.limit + 1 : Number.MAX_SAFE_INTEGER);
  const rows = await q.execute();
  const more = page.limit !== undefined && rows.length > page.limit;
  return { metrics: rows.slice(0, page.limit ?? rows.length).map(metricRowToMetric), more };
}

/**
 * MLflow's step sampling for GetMetricHistoryBulkInterval: the distinct steps of all runs inside
 * [start, end] (default 0..last step), thinned evenly to `maxResults`, plus each run's first and
 * last step so every curve keeps its ends.
 */
export async function sampleMetricSteps(db: Db, runIds: string[], key: string, range: { start: number; end: number } | undefined, maxResults: number): Promise<number[]> {
  const rows = await db.selectFrom('metrics').select(['run_uuid', 'step']).distinct().where('run_uuid', 'in', runIds).where('key', '=', key).execute();
  const ends = new Map<string, { min: number; max: number }>();
  const all = new Set<number>();
  for (const r of rows) {
    const step = Number(r.step);
    all.add(step);
    const e = ends.get(r.run_uuid);
    ends.set(r.run_uuid, e ? { min: Math.min(e.min, step), max: Math.max(e.max, step) } : { min: step, max: step });
  }
  const allSteps = [...all].sort((a, b) => a - b);
  const start = range?.start ?? 0;
  const end = range?.end ?? allSteps.at(-1) ?? 0;
  const inRange = allSteps.filter((s) => s >= start && s <= end);
  const sampled = new Set<number>();
  if (inRange.length <= maxResults) inRange.forEach((s) => sampled.add(s));
  else {
    const interval = inRange.length / maxResults;
    for (let i = 0; i < maxResults; i++) sampled.add(inRange[Math.floor(i * interval)]);
    sampled.add(inRange[inRange.length - 1]);
  }
  for (const { min, max } of ends.values()) for (const s of [min, max]) if (s >= start && s <= end) sampled.add(s);
  return [...sampled].sort((a, b) => a - b);
}

/** Metric points of the given runs at exactly the given steps, with their run id. */
export async function getMetricsAtSteps(db: Db, runIds: string[], key: string, steps: number[], limitPerRun: number): Promise<Metric[]> {
  if (runIds.length === 0 || steps.length === 0) return [];
  const rows = await db
    .selectFrom('metrics')
    .selectAll()
    .where('run_uuid', 'in', runIds)
    .where('key', '=', key)
    .where('step', 'in', steps)
    .orderBy('run_uuid')
    .orderBy('step')
    .orderBy('timestamp')
    .orderBy(sql`coalesce(value, 0)`)
    .execute();
  // Answer run by run in the caller's order, at most limitPerRun points each (MLflow queries per run).
  const byRun = new Map<string, Metric[]>();
  for (const r of rows) {
    let list = byRun.get(r.run_uuid);
    if (!list) byRun.set(r.run_uuid, (list = []));
    if (list.length < limitPerRun) list.push({ ...metricRowToMetric(r), run_id: r.run_uuid });
  }
  return [...new Set(runIds)].flatMap((id) => byRun.get(id) ?? []);
}
