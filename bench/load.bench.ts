import { spawnSync } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshStore } from '../tests/helpers/dialects.js';
import { spawnServer, type SpawnedServer } from '../tests/helpers/spawn-server.js';
import { otlpBody, otlpTemplate, request } from '../tests/reliability/fuzz/workload.js';

/**
 * `npm run bench load`: 50 concurrent clients for 60 s against a server child process, on SQLite
 * and (when GLASSBOX_TEST_PG_URL is set or scripts/pg-start.sh can start one) PostgreSQL, mixing
 * OTLP protobuf ingest (100 realistic spans per request), runs/log-batch, runs/search,
 * traces/search and traces/get. A separate prober measures /health under full load, beside the
 * same server's idle /health as the baseline. LOAD_SECONDS, LOAD_CLIENTS, LOAD_DIALECTS=sqlite
 * shorten it. Exits 1 on any error or a loaded /health p99 of 50 ms or more.
 */
const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const CLIENTS = Number(process.env.LOAD_CLIENTS ?? 50);
const HEALTH_TARGET_MS = 50;

/** Shares of the clients per endpoint (they add up to 1). */
const MIX = [
  ['otlp ingest', 0.4],
  ['runs/log-batch', 0.2],
  ['runs/search', 0.1],
  ['traces/search', 0.15],
  ['traces/get', 0.15],
] as const;
type Endpoint = (typeof MIX)[number][0] | 'health';

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : NaN);
const fmt = (n: number) => (Number.isNaN(n) ? '-' : n < 10 ? n.toFixed(1) : String(Math.round(n)));

function pgUrl(): string | undefined {
  if (process.env.GLASSBOX_TEST_PG_URL) return process.env.GLASSBOX_TEST_PG_URL;
  const r = spawnSync('bash', ['scripts/pg-start.sh'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() || undefined : undefined;
}

async function seed(agent: http.Agent, base: URL) {
  const post = async (path: string, body: unknown) => JSON.parse((await request(agent, base, 'POST', path, JSON.stringify(body), { 'content-type': 'application/json' })).text);
  const exp = (await post('/api/2.0/mlflow/experiments/create', { name: 'load' })).experiment_id as string;
  const runs: string[] = [];
  for (let i = 0; i < 20; i++) {
    const run = (await post('/api/2.0/mlflow/runs/create', { experiment_id: exp, start_time: Date.now(), run_name: `run-${i}` })).run.info.run_id as string;
    await post('/api/2.0/mlflow/runs/log-batch', { run_id: run, metrics: [{ key: 'loss', value: 1 / (i + 1), timestamp: Date.now(), step: 0 }], params: [{ key: 'lr', value: String(i / 100) }] });
    runs.push(run);
  }
  return { exp, runs };
}

async function loadOne(dialect: 'sqlite' | 'postgres', uri: string, dir: string) {
  const server: SpawnedServer = await spawnServer({ storeUri: uri, artifactsDir: join(dir, 'artifacts') });
  try {
    const base = new URL(server.url);
    const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS + 2 });
    const { exp, runs } = await seed(agent, base);
    const tpl = otlpTemplate(20);
    const traceIds: string[] = [];
    let word = 1;
    for (let i = 0; i < 10; i++) {
      const { body, traceIds: ids } = otlpBody(tpl, word++);
      await request(agent, base, 'POST', '/v1/traces', body, { 'content-type': 'application/x-protobuf', 'x-mlflow-experiment-id': exp });
      traceIds.push(...ids);
    }

    // Baseline: /health on the idle server, same process, same client.
    const idle: number[] = [];
    for (let i = 0; i < 400; i++) idle.push((await request(agent, base, 'GET', '/health')).ms);
    idle.sort((x, y) => x - y);

    const lat = new Map<Endpoint, number[]>();
    const errors = new Map<Endpoint, string[]>();
    const note = (ep: Endpoint, r: { status: number; ms: number; text: string }) => {
      (lat.get(ep) ?? lat.set(ep, []).get(ep)!).push(r.ms);
      if (r.status !== 200) (errors.get(ep) ?? errors.set(ep, []).get(ep)!).push(`${r.status} ${r.text.slice(0, 120)}`);
    };
    let spans = 0;
    let step = 0;
    const json = { 'content-type': 'application/json' };
    const ops: Record<Exclude<Endpoint, 'health'>, () => Promise<void>> = {
      'otlp ingest': async () => {
        const { body, traceIds: ids } = otlpBody(tpl, word++);
        const r = await request(agent, base, 'POST', '/v1/traces', body, { 'content-type': 'application/x-protobuf', 'x-mlflow-experiment-id': exp });
        note('otlp ingest', r);
        if (r.status === 200) {
          spans += tpl.spansPerRequest;
          traceIds.push(ids[0]);
        }
      },
      'runs/log-batch': async () => {
        const s = step++;
        const metrics = Array.from({ length: 10 }, (_, k) => ({ key: `m${k}`, value: Math.sin(s + k), timestamp: Date.now(), step: s }));
        note('runs/log-batch', await request(agent, base, 'POST', '/api/2.0/mlflow/runs/log-batch', JSON.stringify({ run_id: runs[s % runs.length], metrics, tags: [{ key: 'phase', value: String(s % 3) }] }), json));
      },
      'runs/search': async () => {
        note('runs/search', await request(agent, base, 'POST', '/api/2.0/mlflow/runs/search', JSON.stringify({ experiment_ids: [exp], filter: "metrics.loss < 0.5 AND params.lr != '0.5'", order_by: ['metrics.loss ASC'], max_results: 100 }), json));
      },
      'traces/search': async () => {
        note('traces/search', await request(agent, base, 'POST', '/api/3.0/mlflow/traces/search', JSON.stringify({ locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } }], filter: "attributes.status = 'OK'", max_results: 100 }), json));
      },
      'traces/get': async () => {
        const id = traceIds[Math.floor(Math.random() * traceIds.length)];
        note('traces/get', await request(agent, base, 'GET', `/api/3.0/mlflow/traces/get?trace_id=${id}&allow_partial=False`));
      },
    };
    const assigned: Exclude<Endpoint, 'health'>[] = [];
    for (const [ep, share] of MIX) for (let i = 0; i < Math.round(share * CLIENTS); i++) assigned.push(ep);
    while (assigned.length < CLIENTS) assigned.push('otlp ingest');

    const start = performance.now();
    const deadline = start + SECONDS * 1000;
    let peakSampled = 0;
    const sampler = setInterval(() => (peakSampled = Math.max(peakSampled, server.rssMb() ?? 0)), 200);
    const prober = (async () => {
      while (performance.now() < deadline) {
        note('health', await request(agent, base, 'GET', '/health'));
        await new Promise((ok) => setTimeout(ok, 20));
      }
    })();
    await Promise.all([prober, ...assigned.slice(0, CLIENTS).map(async (ep) => {
      while (performance.now() < deadline) await ops[ep]();
    })]);
    clearInterval(sampler);
    const seconds = (performance.now() - start) / 1000;
    const peak = server.peakRssMb();
    agent.destroy();

    let total = 0;
    let errorCount = 0;
    const perEp = [...assigned.reduce((m, e) => m.set(e, (m.get(e) ?? 0) + 1), new Map<string, number>())].map(([e, n]) => `${n} ${e}`).join(', ');
    console.log(`\n[${dialect}] ${CLIENTS} clients for ${seconds.toFixed(1)} s (${perEp}; plus one /health prober every 20 ms)`);
    console.log(`  ${'endpoint'.padEnd(16)} ${'requests'.padStart(9)} ${'req/s'.padStart(7)} ${'errors'.padStart(7)} ${'p50 ms'.padStart(7)} ${'p95 ms'.padStart(7)} ${'p99 ms'.padStart(7)}`);
    for (const ep of [...MIX.map(([e]) => e), 'health'] as Endpoint[]) {
      const l = (lat.get(ep) ?? []).sort((x, y) => x - y);
      const e = errors.get(ep)?.length ?? 0;
      total += l.length;
      errorCount += e;
      console.log(`  ${ep.padEnd(16)} ${String(l.length).padStart(9)} ${fmt(l.length / seconds).padStart(7)} ${String(e).padStart(7)} ${fmt(pct(l, 0.5)).padStart(7)} ${fmt(pct(l, 0.95)).padStart(7)} ${fmt(pct(l, 0.99)).padStart(7)}`);
    }
    const health = (lat.get('health') ?? []).sort((x, y) => x - y);
    const hp99 = pct(health, 0.99);
    console.log(`  throughput        : ${fmt(total / seconds)} requests/s, ${Math.round(spans / seconds).toLocaleString('en')} spans/s ingested`);
    console.log(`  errors            : ${errorCount === 0 ? 'none (zero-error check passed)' : `${errorCount} FAILED, e.g. ${[...errors.values()].flat().slice(0, 3).join(' | ')}`}`);
    console.log(`  /health p99       : ${fmt(hp99)} ms under full load (target < ${HEALTH_TARGET_MS} ms); idle baseline p50 ${fmt(pct(idle, 0.5))} / p99 ${fmt(pct(idle, 0.99))} ms`);
    console.log(`  server peak RSS   : ${Math.round(peak ?? peakSampled)} MB (VmHWM of pid ${server.pid})`);
    return errorCount === 0 && hp99 < HEALTH_TARGET_MS;
  } finally {
    await server.stop();
  }
}

const wanted = (process.env.LOAD_DIALECTS ?? 'sqlite,postgres').split(',');
let ok = true;
console.log(`workload: ${CLIENTS} clients, ${SECONDS} s per dialect; OTLP requests of 100 spans (20 agent traces × 5 spans, ~1 KB attributes per span)`);
if (wanted.includes('sqlite')) {
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-load-'));
  ok = (await loadOne('sqlite', `sqlite:///${join(dir, 'load.db')}`, dir)) && ok;
  rmSync(dir, { recursive: true, force: true });
}
if (wanted.includes('postgres')) {
  const url = pgUrl();
  if (!url) console.log('\n[postgres] skipped: set GLASSBOX_TEST_PG_URL or install PostgreSQL for scripts/pg-start.sh');
  else {
    process.env.GLASSBOX_TEST_PG_URL = url;
    const target = await freshStore('postgres');
    ok = (await loadOne('postgres', target.uri, target.dir)) && ok;
    await target.cleanup();
  }
}
if (!ok) process.exitCode = 1;
