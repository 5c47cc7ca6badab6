import type Database from 'better-sqlite3';

interface Job {
  work(): void;
  resolve(): void;
  reject(err: unknown): void;
}

const writers = new WeakMap<Database.Database, SqliteGroupCommit>();

/** The group committer of one SQLite connection (created on first use). */
export function sqliteGroupCommit(sqlite: Database.Database): SqliteGroupCommit {
  let w = writers.get(sqlite);
  if (!w) writers.set(sqlite, (w = new SqliteGroupCommit(sqlite)));
  return w;
}

/**
 * Runs synchronous write jobs submitted in the same event-loop turn in one transaction, each in its
 * own savepoint: a job that throws is rolled back alone and rejected, the others resolve once the
 * shared COMMIT is done. Concurrent log-batch requests then share one commit and write the index
 * pages they all touch once, not once each.
 */
export class SqliteGroupCommit {
  private queue: Job[] = [];

  constructor(private readonly sqlite: Database.Database) {}

  submit(work: () => void): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.queue.length === 0) setImmediate(() => this.flush());
      this.queue.push({ work, resolve, reject });
    });
  }

  private flush(): void {
    // A kysely transaction may be open on this connection (awaiting between statements); our
    // statements would silently join it and share its fate, so wait until it has finished.
    if (this.sqlite.inTransaction) {
      setTimeout(() => this.flush(), 1);
      return;
    }
    const jobs = this.queue;
    this.queue = [];
    const failed = new Map<Job, unknown>();
    try {
      this.sqlite.transaction(() => {
        for (const job of jobs) {
          try {
            this.sqlite.transaction(job.work)();
          } catch (err) {
            failed.set(job, err);
          }
        }
      })();
    } catch (err) {
      for (const job of jobs) job.reject(err);
      return;
    }
    for (const job of jobs) {
      if (failed.has(job)) job.reject(failed.get(job));
      else job.resolve();
    }
  }
}
