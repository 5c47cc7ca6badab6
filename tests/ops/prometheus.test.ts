import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ADMIN, startAuthServer, type AuthServer } from '../security/helpers.js';

const hasPrometheus = (() => {
  try {
    execFileSync('prometheus', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
    srv.on('error', fail);
  });
}

/** An instant query through Prometheus's HTTP API; the result vector (empty until scraped). */
async function query(promUrl: string, promql: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(promql)}`).catch(() => undefined);
  if (!res?.ok) return [];
  const body = (await res.json()) as { data?: { result?: { metric: Record<string, string>; value: [number, string] }[] } };
  return body.data?.result ?? [];
}

// The Debian `prometheus` package, installed by .ci/run. In CI its absence is a failure; on a developer
// machine without it this block is simply not defined (like the PostgreSQL half of store tests).
if (!hasPrometheus && process.env.CI) {
  test('prometheus is installed (apt-get install prometheus)', () => {
    expect(hasPrometheus).toBe(true);
  });
}

if (hasPrometheus) describe('a real Prometheus scraping /metrics', () => {
  let s: AuthServer;
  let prom: ChildProcess;
  let promUrl: string;
  let dir: string;
  let log = '';

  beforeAll(async () => {
    // Auth on, so the scrape also proves the documented basic_auth scrape config works.
    s = await startAuthServer('sqlite');
    await s.api('GET', '/api/2.0/mlflow/experiments/get?experiment_id=0', undefined, s.admin);
    dir = mkdtempSync(join(tmpdir(), 'glassbox-prom-'));
    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        'scrape_configs:',
        '  - job_name: glassbox',
        '    metrics_path: /metrics',
        `    basic_auth: { username: ${ADMIN.username}, password: ${ADMIN.password} }`,
        `    static_configs: [{ targets: ['127.0.0.1:${s.port}'] }]`,
      ].join('\n'),
    );
    prom = spawn('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    prom.stderr!.on('data', (d) => (log = (log + d).slice(-4000)));
  }, 60_000);

  afterAll(async () => {
    if (prom && prom.exitCode === null) {
      const exited = new Promise((ok) => prom.once('exit', ok));
      prom.kill('SIGTERM');
      await Promise.race([exited, new Promise((ok) => setTimeout(ok, 5000))]);
      if (prom.exitCode === null) prom.kill('SIGKILL');
    }
    await s?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('scrapes the server and answers a query for a Glassbox series', { timeout: 60_000 }, async () => {
    const deadline = Date.now() + 45_000;
    let up: Awaited<ReturnType<typeof query>> = [];
    let series: Awaited<ReturnType<typeof query>> = [];
    while (Date.now() < deadline) {
      up = await query(promUrl, 'up{job="glassbox"}');
      series = await query(promUrl, 'glassbox_http_requests_total{route="/api/2.0/mlflow/experiments/get",status="200"}');
      if (up[0]?.value[1] === '1' && series.length > 0) break;
      await new Promise((ok) => setTimeout(ok, 500));
    }
    expect(up[0]?.value[1], `Prometheus never scraped the target. Its log:\n${log}`).toBe('1');
    expect(series).toHaveLength(1);
    expect(series[0].metric).toMatchObject({ job: 'glassbox', method: 'GET' });
    expect(Number(series[0].value[1])).toBeGreaterThanOrEqual(1);
    const size = await query(promUrl, 'glassbox_database_size_bytes');
    expect(Number(size[0]?.value[1])).toBeGreaterThan(0);
  });
});
