import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, test } from 'vitest';
import { spawnServer, type SpawnedServer } from '../helpers/spawn-server.js';
import { artifactBytes, otlpBody, otlpTemplate, request } from './fuzz/workload.js';

/**
 * kill -9 during sustained ingest: a real server process on a temp SQLite file takes OTLP spans,
 * log-batch metrics and artifact PUTs from several clients; each client records what got a 2xx.
 * After SIGKILL and a restart on the same files, everything acknowledged must be there, the
 * database must pass integrity_check, and no trace may claim more (or fewer) spans than it has.
 * CRASH_INGEST_MS sets how long ingest runs before the kill (bench/crash.bench.ts runs longer).
 */
const INGEST_MS = Number(process.env.CRASH_INGEST_MS ?? 2500);
const dir = mkdtempSync(join(tmpdir(), 'glassbox-crash-'));
const dbFile = join(dir, 'glassbox.db');
const opts = { storeUri: `sqlite:///${dbFile}`, artifactsDir: join(dir, 'artifacts') };
let server: SpawnedServer | undefined;

afterAll(async () => {
  await server?.kill9();
  rmSync(dir, { recursive: true, force: true });
});

test('every acknowledged span, metric and artifact survives kill -9, and no trace is half-visible', { timeout: 90_000 }, async () => {
  server = await spawnServer(opts);
  const base = new URL(server.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const json = { 'content-type': 'application/json' };
  const exp = JSON.parse((await request(agent, base, 'POST', '/api/2.0/mlflow/experiments/create', JSON.stringify({ name: 'crash' }), json)).text).experiment_id as string;
  const runId = JSON.parse((await request(agent, base, 'POST', '/api/2.0/mlflow/runs/create', JSON.stringify({ experiment_id: exp, start_time: 1 }), json)).text).run.info.run_id as string;

  const tpl = otlpTemplate(20);
  const ackedTraces: string[] = [];
  const ackedSteps = new Map<number, number[]>();
  const ackedArtifacts: { path: string; client: number; n: number }[] = [];
  let stop = false;
  let word = 1;
  const clients: Promise<void>[] = [];
  for (let c = 0; c < 4; c++) {
    clients.push((async () => {
      while (!stop) {
        const { body, traceIds } = otlpBody(tpl, word++);
        const r = await request(agent, base, 'POST', '/v1/traces', body, { 'content-type': 'application/x-protobuf', 'x-mlflow-experiment-id': exp });
        if (r.status === 200) ackedTraces.push(...traceIds);
        else if (!stop && r.status !== -1) throw new Error(`OTLP answered ${r.status}: ${r.text}`);
      }
    })());
  }
  for (let c = 0; c < 2; c++) {
    const steps: number[] = [];
    ackedSteps.set(c, steps);
    clients.push((async () => {
      for (let step = 0; !stop; step++) {
        const metrics = Array.from({ length: 50 }, (_, i) => ({ key: `c${c}`, value: step * 1000 + i, timestamp: 1_780_000_000_000 + step, step: step * 50 + i }));
        const r = await request(agent, base, 'POST', '/api/2.0/mlflow/runs/log-batch', JSON.stringify({ run_id: runId, metrics }), json);
        if (r.status === 200) steps.push(step);
        else if (!stop && r.status !== -1) throw new Error(`log-batch answered ${r.status}: ${r.text}`);
      }
    })());
  }
  for (let c = 0; c < 2; c++) {
    clients.push((async () => {
      for (let n = 0; !stop; n++) {
        const path = `${exp}/${runId}/artifacts/client${c}/file-${n}.bin`;
        const r = await request(agent, base, 'PUT', `/api/2.0/mlflow-artifacts/artifacts/${path}`, artifactBytes(c, n), { 'content-type': 'application/octet-stream' });
        if (r.status === 200) ackedArtifacts.push({ path, client: c, n });
        else if (!stop && r.status !== -1) throw new Error(`artifact PUT answered ${r.status}: ${r.text}`);
      }
    })());
  }
  await new Promise((ok) => setTimeout(ok, INGEST_MS));
  await server.kill9();
  stop = true;
  await Promise.all(clients);
  agent.destroy();
  const steps = [...ackedSteps.values()].reduce((n, s) => n + s.length, 0);
  console.log(`[crash] acknowledged before kill -9: ${ackedTraces.length} traces (${ackedTraces.length * tpl.spansPerTrace} spans), ${steps} log-batch calls (${steps * 50} metrics), ${ackedArtifacts.length} artifacts`);
  expect(ackedTraces.length, 'ingest made progress before the kill').toBeGreaterThan(0);
  expect(steps).toBeGreaterThan(0);
  expect(ackedArtifacts.length).toBeGreaterThan(0);

  // The files as the killed process left them: SQLite replays the WAL on open.
  const db = new Database(dbFile);
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  const mismatched = db
    .prepare(`SELECT t.trace_id, t.num_spans, (SELECT COUNT(*) FROM spans s WHERE s.trace_key = t.trace_key) AS stored FROM trace_info t WHERE t.num_spans <> (SELECT COUNT(*) FROM spans s WHERE s.trace_key = t.trace_key)`)
    .all();
  expect(mismatched, 'trace headers whose span count disagrees with the stored spans').toEqual([]);
  const stored = new Map((db.prepare('SELECT trace_id, num_spans FROM trace_info WHERE experiment_id = ?').all(Number(exp)) as { trace_id: string; num_spans: number }[]).map((r) => [r.trace_id, r.num_spans]));
  const lostTraces = ackedTraces.filter((id) => stored.get(id) !== tpl.spansPerTrace);
  expect(lostTraces.slice(0, 5), `${lostTraces.length} acknowledged traces missing or incomplete`).toEqual([]);
  db.close();

  // Restart on the same files; read everything back through the API.
  server = await spawnServer(opts);
  const api = new URL(server.url);
  const agent2 = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const sample = ackedTraces.filter((_, i) => i % Math.max(1, Math.floor(ackedTraces.length / 20)) === 0);
  for (const id of sample) {
    const r = await request(agent2, api, 'GET', `/api/3.0/mlflow/traces/get?trace_id=${id}&allow_partial=False`);
    expect(r.status, r.text).toBe(200);
    expect(JSON.parse(r.text).trace.spans).toHaveLength(tpl.spansPerTrace);
  }
  for (const [c, okSteps] of ackedSteps) {
    const r = await request(agent2, api, 'GET', `/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=c${c}&max_results=100000`);
    expect(r.status, r.text).toBe(200);
    const have = new Set((JSON.parse(r.text).metrics as { step: number }[]).map((m) => m.step));
    const lost = okSteps.flatMap((s) => Array.from({ length: 50 }, (_, i) => s * 50 + i)).filter((step) => !have.has(step));
    expect(lost.length, `client ${c}: acknowledged metrics lost, steps ${lost.slice(0, 5)}`).toBe(0);
  }
  const badArtifacts: string[] = [];
  await Promise.all(
    ackedArtifacts.map(async (a) => {
      const res = await fetch(`${server!.url}/api/2.0/mlflow-artifacts/artifacts/${a.path}`);
      const bytes = Buffer.from(await res.arrayBuffer());
      if (res.status !== 200 || !bytes.equals(artifactBytes(a.client, a.n))) badArtifacts.push(`${a.path}: ${res.status}, ${bytes.length} bytes`);
    }),
  );
  expect(badArtifacts).toEqual([]);
  agent2.destroy();
  await server.stop();
});
