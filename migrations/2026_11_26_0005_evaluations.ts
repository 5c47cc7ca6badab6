import type { Kysely } from 'kysely';

/**
 * Evaluation jobs started over REST, and their per-trace results. The assessments on the traces
 * are the durable record (and what resuming relies on); these tables exist so a job can be polled
 * and its table read back without searching every trace.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('evaluation_jobs')
    .addColumn('job_id', 'text', (c) => c.primaryKey()) // "ev-" + 32 hex
    .addColumn('experiment_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // PENDING | RUNNING | SUCCEEDED | FAILED
    .addColumn('request_json', 'text', (c) => c.notNull()) // the StartEvaluation request as received
    .addColumn('total', 'integer', (c) => c.notNull().defaultTo(0)) // traces to judge
    .addColumn('done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('skipped', 'integer', (c) => c.notNull().defaultTo(0)) // (trace, scorer) pairs judged before
    .addColumn('cost_usd', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('summary_json', 'text')
    .addColumn('run_id', 'text')
    .addColumn('error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema.createIndex('evaluation_jobs_created').on('evaluation_jobs').column('created_at').execute();

  await db.schema
    .createTable('evaluation_results')
    .addColumn('job_id', 'text', (c) => c.notNull())
    .addColumn('trace_id', 'text', (c) => c.notNull())
    .addColumn('scorer', 'text', (c) => c.notNull())
    .addColumn('score', 'double precision')
    .addColumn('label', 'text')
    .addColumn('passed', 'integer') // 0/1, null when the scorer has no threshold
    .addColumn('error', 'text')
    .addColumn('judge_cost_usd', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('judge_latency_ms', 'double precision', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('evaluation_results_pk', ['job_id', 'trace_id', 'scorer'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('evaluation_results').ifExists().execute();
  await db.schema.dropTable('evaluation_jobs').ifExists().execute();
}
