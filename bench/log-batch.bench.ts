import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { startServer } from '../src/main.js';
import { createStore } from '../src/store/db.js';
import { migrateToLatest } from '../src/store/migrate.js';

/**
 * log-batch throughput over HTTP on SQLite (4 concurrent clients, 1000-metric batches, ~10 s),
 * beside raw better-sqlite3 inserts of the same rows into the same schema in the same process;
 * then search_runs latency over 10,000 runs over HTTP, beside the same filter as hand-written SQL.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CLIENTS = 4;
const BATCH = 1000;
const KEYS = 10;

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** One batch body: KEYS keys × (BATCH / KEYS) consecutive steps starting at `firstStep`. */
function batchBody(runId: string, firstStep: number): string {
  const now = Date.now();
  const parts: string[] = [];
  for (let i = 0; i < BATCH; i++) {
    const step = firstStep + Math.floor(i / KEYS);
    parts.push(`{"key":"metric_${i % KEYS}","value":${Math.random()},"timestamp":${now},"step":${step}}`);
  }
  return `{"run_id":"${runId}","metrics":[${parts.join(',')}]}`;
}

async function post(url: string, body: string): Promise<any> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`POST ${url} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/**
 * The load generator: CLIENTS concurrent loops posting BATCH-metric bodies until the deadline. It
 * runs in its own process, so that building JSON does not share the server's event loop and the
 * server's CPU time can be read apart. Plain JavaScript, so it needs no TypeScript loader.
 */
const CLIENT_SOURCE = `
const { api, runId, seconds, clients, batch, keys } = JSON.parse(process.argv[1]);
function body(firstStep) {
  const now = Date.now();
  const parts = [];
  for (let i = 0; i < batch; i++) {
    parts.push('{"key":"metric_' + (i % keys) + '","value":' + Math.random() + ',"timestamp":' + now + ',"step":' + (firstStep + Math.floor(i / keys)) + '}');
  }
  return '{"run_id":"' + runId + '","metrics":[' + parts.join(',') + ']}';
}
(async () => {
  let points = 0, nextStep = 0;
  const deadline = performance.now() + seconds * 1000;
  const client = async () => {
    while (performance.now() < deadline) {
      const first = nextStep;
      nextStep += batch / keys;
      const res = await fetch(api + '/runs/log-batch', { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(first) });
      const text = await res.text();
      if (res.status !== 200) throw new Error('log-batch answered ' + res.status + ': ' + text.slice(0, 300));
      points += batch;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: clients }, client));
  const cpu = process.cpuUsage();
  process.stdout.write(JSON.stringify({ rate: points / ((performance.now() - start) / 1000), cpuMsPerBatch: (cpu.user + cpu.system) / 1000 / (points / batch) }));
})().catch((err) => { console.error(err); process.exit(1); });
`;

/** Points per second, and the load generator's own CPU per batch (it shares the cores with the server). */
function logBatchThroughput(api: string, runId: string): Promise<{ rate: number; cpuMsPerBatch: number }> {
  const args = JSON.stringify({ api, runId, seconds: SECONDS, clients: CLIENTS, batch: BATCH, keys: KEYS });
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', CLIENT_SOURCE, args], (err, stdout, stderr) => (err ? reject(new Error(stderr || err.message)) : resolve(JSON.parse(stdout))));
  });
}

/** The baseline: the same rows through one prepared INSERT, 1000 per transaction, no HTTP, no JSON. */
async function rawSqliteInserts(dir: string, name: string): Promise<{ rate: number; cpuMsPerBatch: number }> {
  const store = createStore(`sqlite:///${join(dir, `raw-${name}.sqlite`)}`);
  await migrateToLatest(store.db);
  const sqlite = store.sqlite!;
  const insert = sqlite.prepare(
    'INSERT INTO metrics (run_uuid, key, value, timestamp, step, model_id, dataset_name, dataset_digest) VALUES (?, ?, ?, ?, ?, NULL, NULL, NULL) ON CONFLICT DO NOTHING',
  );
  const runId = randomUUID().replaceAll('-', '');
  const writeBatch = sqlite.transaction((firstStep: number, now: number) => {
    for (let i = 0; i < BATCH; i++) insert.run(runId, `metric_${i % KEYS}`, Math.random(), now, firstStep + Math.floor(i / KEYS));
  });
  let rows = 0;
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const deadline = start + Math.min(SECONDS, 4) * 1000;
  for (let step = 0; performance.now() < deadline; step += BATCH / KEYS) {
    writeBatch(step, Date.now());
    rows += BATCH;
  }
  const rate = rows / ((performance.now() - start) / 1000);
  const cpu = process.cpuUsage(cpuBefore);
  await store.close();
  return { rate, cpuMsPerBatch: (cpu.user + cpu.system) / 1000 / (rows / BATCH) };
}

/** 10,000 runs with a few params, tags and metrics each, written straight into the store. */
function seedRuns(sqlite: NonNullable<ReturnType<typeof createStore>['sqlite']>, experimentId: number, n: number): void {
  const run = sqlite.prepare(
    "INSERT INTO runs (run_uuid, name, experiment_id, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage) VALUES (?, ?, ?, 'bench', 'FINISHED', ?, ?, ?, 'active')",
  );
  const param = sqlite.prepare('INSERT INTO params (run_uuid, key, value) VALUES (?, ?, ?)');
  const tag = sqlite.prepare('INSERT INTO tags (run_uuid, key, value) VALUES (?, ?, ?)');
  const metric = sqlite.prepare('INSERT INTO metrics (run_uuid, key, value, timestamp, step) VALUES (?, ?, ?, ?, 0)');
  const latest = sqlite.prepare('INSERT INTO latest_metrics (run_uuid, key, value, timestamp, step) VALUES (?, ?, ?, ?, 0)');
  sqlite.transaction(() => {
    for (let i = 0; i < n; i++) {
      const id = randomUUID().replaceAll('-', '');
      const t = 1_700_000_000_000 + i;
      run.run(id, `run-${i}`, experimentId, t, t + 1000, `mlflow-artifacts:/${experimentId}/${id}/artifacts`);
      param.run(id, 'model', ['x', 'y', 'z'][i % 3]);
      param.run(id, 'lr', String((i % 10) / 100));
      tag.run(id, 'mlflow.runName', `run-${i}`);
      tag.run(id, 'team', i % 2 ? 'a' : 'b');
      for (const [key, value] of [['loss', Math.random()], ['acc', Math.random()]] as const) {
        metric.run(id, key, value, t);
        latest.run(id, key, value, t);
      }
    }
  })();
}

const SEARCH_FILTER = "metrics.loss < 0.5 and params.model = 'x'";
const SEARCH_SAMPLES = 40;

function percentiles(times: number[]): { p50: number; p95: number } {
  const sorted = [...times].sort((a, b) => a - b);
  return { p50: sorted[Math.floor(sorted.length * 0.5)], p95: sorted[Math.floor(sorted.length * 0.95)] };
}

async function searchLatency(api: string, experimentId: string, maxResults: number): Promise<{ p50: number; p95: number; runs: number }> {
  const body = JSON.stringify({ experiment_ids: [experimentId], filter: SEARCH_FILTER, order_by: ['metrics.loss ASC'], max_results: maxResults });
  const times: number[] = [];
  let runs = 0;
  for (let i = 0; i < SEARCH_SAMPLES; i++) {
    const start = performance.now();
    const r = await post(`${api}/runs/search`, body);
    times.push(performance.now() - start);
    runs = r.runs?.length ?? 0;
  }
  return { ...percentiles(times), runs };
}

/**
 * The search baseline: the same filter and order written by hand as one prepared better-sqlite3
 * query returning run ids only, in the server's process: no HTTP, no JSON, no hydration.
 */
function rawSearchLatency(sqlite: NonNullable<ReturnType<typeof createStore>['sqlite']>, experimentId: string, maxResults: number): { p50: number; p95: number } {
  const query = sqlite.prepare(
    `SELECT r.run_uuid FROM runs r
       JOIN latest_metrics m ON m.run_uuid = r.run_uuid AND m.key = 'loss'
       JOIN params p ON p.run_uuid = r.run_uuid AND p.key = 'model'
     WHERE r.experiment_id = ? AND r.lifecycle_stage = 'active' AND m.value < 0.5 AND p.value = 'x'
     ORDER BY m.value, r.start_time DESC, r.run_uuid LIMIT ?`,
  );
  const times: number[] = [];
  for (let i = 0; i < SEARCH_SAMPLES; i++) {
    const start = performance.now();
    query.all(Number(experimentId), maxResults);
    times.push(performance.now() - start);
  }
  return percentiles(times);
}

{
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-bench-'));
  const config = loadConfig({ port: 0, backendStoreUri: `sqlite:///${join(dir, 'bench.sqlite')}`, artifactsDestination: join(dir, 'artifacts'), serveUi: false }, {});
  const server = await startServer(config);
  try {
    const api = `${server.url}/api/2.0/mlflow`;
    const { experiment_id } = await post(`${api}/experiments/create`, JSON.stringify({ name: 'bench' }));
    const { run } = await post(`${api}/runs/create`, JSON.stringify({ experiment_id }));

    await post(`${api}/runs/log-batch`, batchBody(run.info.run_id, -1_000_000)); // warm-up: JIT, prepared statements
    const rawBefore = await rawSqliteInserts(dir, 'before');
    const cpuBefore = process.cpuUsage();
    const wallBefore = performance.now();
    const { rate, cpuMsPerBatch: clientCpuMs } = await logBatchThroughput(api, run.info.run_id);
    // CPU the server spent per batch: unlike throughput, barely moved by other load on a shared machine.
    const cpu = process.cpuUsage(cpuBefore);
    const batches = (rate * (performance.now() - wallBefore)) / 1000 / BATCH;
    const cpuMsPerBatch = (cpu.user + cpu.system) / 1000 / batches;
    // The machine may be shared: measure the baseline on both sides of the HTTP run and average.
    const rawAfter = await rawSqliteInserts(dir, 'after');
    const raw = (rawBefore.rate + rawAfter.rate) / 2;
    const rawCpuMs = (rawBefore.cpuMsPerBatch + rawAfter.cpuMsPerBatch) / 2;
    console.log(`log-batch: ${fmt(rate)} metric points/s (raw SQLite inserts: ${fmt(raw)} rows/s, ratio ${Math.round((rate / raw) * 100)}%)`);
    console.log(
      `  ${CLIENTS} concurrent clients, ${BATCH}-metric batches over HTTP for ${SECONDS} s; each point also maintains latest_metrics; ` +
        `server CPU ${cpuMsPerBatch.toFixed(2)} ms per batch (raw inserts: ${rawCpuMs.toFixed(2)} ms; load generator ${clientCpuMs.toFixed(2)} ms); load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`,
    );

    const searchExp = (await post(`${api}/experiments/create`, JSON.stringify({ name: 'bench-search' }))).experiment_id;
    seedRuns(server.store.sqlite!, Number(searchExp), 10_000);
    for (const maxResults of [100, 1000]) {
      const { p50, p95, runs } = await searchLatency(api, searchExp, maxResults);
      const raw = rawSearchLatency(server.store.sqlite!, searchExp, maxResults);
      console.log(
        `search_runs over 10,000 runs (${SEARCH_FILTER}, order_by metrics.loss, max_results ${maxResults}, ${runs} runs returned): ` +
          `p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms (raw SQL of the filter, ids only: p50 ${raw.p50.toFixed(1)} ms, p95 ${raw.p95.toFixed(1)} ms); load average ${loadavg()[0].toFixed(1)}`,
      );
    }
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
