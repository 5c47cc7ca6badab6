import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, test } from 'vitest';
import { sqliteWriter } from '../../src/store/ingest-sqlite.js';
import { startTestServer } from '../helpers/server.js';
import { spawnServer, type SpawnedServer } from '../helpers/spawn-server.js';
import { otlpBody, otlpTemplate, request } from './fuzz/workload.js';

/**
 * Ingest faster than the store can write: many clients post OTLP without pause to a real server
 * process. Every answer must be 200 or 429/503 with Retry-After (what OTel exporters and the MLflow
 * client back off on), the server's memory must stay bounded, and every span of every 200 must be
 * stored. BACKPRESSURE_CLIENTS / BACKPRESSURE_MS / BACKPRESSURE_TRACES scale the flood.
 */
const CLIENTS = Number(process.env.BACKPRESSURE_CLIENTS ?? 48);
const FLOOD_MS = Number(process.env.BACKPRESSURE_MS ?? 4000);
/** Traces of 5 spans per request: 200 → 1,000-span requests of ~1.5 MB. */
const TRACES = Number(process.env.BACKPRESSURE_TRACES ?? 200);
const RSS_LIMIT_MB = Number(process.env.BACKPRESSURE_RSS_MB ?? 1024);
const dir = mkdtempSync(join(tmpdir(), 'glassbox-flood-'));
let server: SpawnedServer | undefined;

afterAll(async () => {
  await server?.kill9();
  rmSync(dir, { recursive: true, force: true });
});

test('an OTLP flood gets 200 or 503/429 with Retry-After, memory stays bounded, and every 200 is stored', { timeout: 90_000 }, async () => {
  const dbFile = join(dir, 'glassbox.db');
  server = await spawnServer({ storeUri: `sqlite:///${dbFile}`, artifactsDir: join(dir, 'artifacts') });
  const base = new URL(server.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
  const tpl = otlpTemplate(TRACES);
  const acked: string[] = [];
  const statuses = new Map<number, number>();
  const bad: string[] = [];
  let word = 1;
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, server!.rssMb() ?? 0)), 50);
  const deadline = performance.now() + FLOOD_MS;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < deadline) {
        const { body, traceIds } = otlpBody(tpl, word++);
        const r = await request(agent, base, 'POST', '/v1/traces', body, { 'content-type': 'application/x-protobuf', 'x-mlflow-experiment-id': '0' }, 60_000);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        if (r.status === 200) acked.push(...traceIds);
        else if ((r.status === 503 || r.status === 429) && r.headers['retry-after']) await new Promise((ok) => setTimeout(ok, 50));
        // A keep-alive socket the server closed just as the client reused it: not acknowledged, retried by real exporters.
        else if (r.status === -1 && /ECONNRESET|socket hang up/.test(r.text)) continue;
        else bad.push(`${r.status} ${r.headers['retry-after'] ?? '(no Retry-After)'} ${r.text.slice(0, 200)}`);
      }
    }),
  );
  clearInterval(sampler);
  agent.destroy();
  const hwm = server.peakRssMb() ?? 0;
  console.log(
    `[backpressure] ${CLIENTS} clients × ${tpl.spansPerRequest}-span requests (${(tpl.bytes.length / 1e6).toFixed(1)} MB) for ${FLOOD_MS} ms: ` +
      `statuses ${[...statuses].map(([s, n]) => `${s}:${n}`).join(' ')}, ${acked.length * tpl.spansPerTrace} spans acknowledged, server peak RSS ${Math.round(hwm)} MB (sampled ${Math.round(peakRss)} MB)`,
  );
  expect(bad.slice(0, 5)).toEqual([]);
  expect(hwm, 'server peak RSS (VmHWM)').toBeLessThan(RSS_LIMIT_MB);
  const health = await fetch(`${server.url}/health`);
  expect(health.status).toBe(200);
  await server.stop();

  const db = new Database(dbFile, { readonly: true });
  const count = db.prepare('SELECT num_spans, (SELECT COUNT(*) FROM spans s WHERE s.trace_key = t.trace_key) AS stored FROM trace_info t WHERE trace_id = ?');
  const missing = acked.filter((id) => {
    const row = count.get(id) as { num_spans: number; stored: number } | undefined;
    return !row || row.stored !== tpl.spansPerTrace || row.num_spans !== tpl.spansPerTrace;
  });
  db.close();
  expect(missing.length, `acknowledged traces missing spans, e.g. ${missing.slice(0, 3)}`).toBe(0);
});

test('when the span queue is full, refused requests get 503 + Retry-After and leave nothing behind; accepted ones are whole', { timeout: 60_000 }, async () => {
  const s = await startTestServer('sqlite');
  try {
    // A queue bound of 150 spans: two 100-span requests decoded in the same turn already overflow it.
    sqliteWriter(s.store.sqlite!).maxPendingSpans = 150;
    const base = new URL(s.url);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
    const tpl = otlpTemplate(20);
    const sent = await Promise.all(
      Array.from({ length: 96 }, async (_, i) => {
        const { body, traceIds } = otlpBody(tpl, 0x5000 + i);
        const r = await request(agent, base, 'POST', '/v1/traces', body, { 'content-type': 'application/x-protobuf', 'x-mlflow-experiment-id': '0' });
        return { r, traceIds };
      }),
    );
    agent.destroy();
    const refused = sent.filter((x) => x.r.status === 503);
    const accepted = sent.filter((x) => x.r.status === 200);
    console.log(`[backpressure] queue bound 150 spans, 96 concurrent 100-span requests: ${accepted.length} × 200, ${refused.length} × 503`);
    expect(accepted.length + refused.length).toBe(sent.length);
    expect(refused.length, 'the bound was reached at least once').toBeGreaterThan(0);
    for (const { r } of refused) {
      expect(r.headers['retry-after']).toBe('1');
      expect(JSON.parse(r.text)).toMatchObject({ error_code: 'TEMPORARILY_UNAVAILABLE' });
    }
    const db = s.store.sqlite!;
    const spans = db.prepare('SELECT COUNT(*) AS n FROM spans WHERE trace_key = (SELECT trace_key FROM trace_info WHERE trace_id = ?)');
    const info = db.prepare('SELECT num_spans FROM trace_info WHERE trace_id = ?');
    for (const { traceIds } of accepted) for (const id of traceIds) expect([(spans.get(id) as { n: number }).n, (info.get(id) as { num_spans: number }).num_spans]).toEqual([5, 5]);
    for (const { traceIds } of refused) for (const id of traceIds) expect([(spans.get(id) as { n: number }).n, info.get(id)]).toEqual([0, undefined]);
  } finally {
    await s.close();
  }
});
