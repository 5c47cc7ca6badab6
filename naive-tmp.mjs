import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
const attrs = JSON.stringify({ a: 'x'.repeat(1400) });
for (const mode of process.argv.slice(2)) {
  const dir = mkdtempSync((process.env.D ?? '/tmp') + '/naive-');
  const db = new Database(join(dir, 'n.db'));
  if (mode.includes('wal')) db.pragma('journal_mode = WAL');
  if (mode.includes('normal')) db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE spans (trace_id TEXT NOT NULL, span_id TEXT NOT NULL, parent_span_id TEXT, experiment_id INTEGER NOT NULL, name TEXT NOT NULL, start_time INTEGER NOT NULL, end_time INTEGER, attributes TEXT NOT NULL);`);
  if (!mode.includes('noidx')) db.exec(`CREATE INDEX spans_trace ON spans (trace_id); CREATE INDEX spans_exp_start ON spans (experiment_id, start_time);`);
  const insert = db.prepare('INSERT INTO spans VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const per = mode.includes('per5') ? 5 : 1;
  let t = 0;
  const batch = db.transaction(() => { let tid; for (let i = 0; i < 100; i++) { if (i % per === 0) tid = randomBytes(16).toString('hex'); insert.run(tid, randomBytes(8).toString('hex'), null, 0, 'chat', ++t, t, attrs); } });
  let rows = 0; const t0 = performance.now();
  while (performance.now() - t0 < 5000) { batch(); rows += 100; }
  console.log(process.env.D ?? '/tmp', mode, Math.round(rows / ((performance.now() - t0) / 1000)), 'rows/s');
  db.close();
}
