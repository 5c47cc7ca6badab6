import { appendFileSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface SpawnedServer {
  url: string;
  pid: number;
  child: ChildProcess;
  /** Everything the child wrote to stdout and stderr so far (for failure messages). */
  output(): string;
  /** Peak resident set size of the child in MB (VmHWM), or undefined once it has exited. */
  peakRssMb(): number | undefined;
  /** Current resident set size in MB (VmRSS). */
  rssMb(): number | undefined;
  /** SIGKILL, no chance to flush or close anything; resolves when the process is gone. */
  kill9(): Promise<void>;
  /** SIGTERM (graceful close), then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Node flags of `npm start` (package.json): 8 MB semi-spaces instead of 16 keep the server's peak
 * RSS under sustained ingest ~25–50 MB lower (V8 promotes less garbage to the old generation), for
 * ~7% of mixed-load throughput. See the README's known gaps.
 */
export const START_NODE_FLAGS = ['--max-semi-space-size=8'];

export interface SpawnOptions {
  /** sqlite:///path.db or postgresql://… */
  storeUri: string;
  artifactsDir: string;
  /** Extra CLI flags, e.g. ['--max-body-mb', '8']. */
  args?: string[];
  env?: Record<string, string>;
  /** How long to wait for the "listening on" line (default 30 s: tsx compiles on first start). */
  startTimeoutMs?: number;
  /** Run the compiled CLI (dist/, what `npm start` runs) instead of the TypeScript sources through tsx. */
  built?: boolean;
}

function procStatusMb(pid: number, field: 'VmHWM' | 'VmRSS'): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts `glassbox server --port 0` as a real child process (the CLI, not an in-process app), so
 * tests and benchmarks can measure its memory and kill -9 it. Resolves once it printed its URL.
 */
export async function spawnServer(opts: SpawnOptions): Promise<SpawnedServer> {
  // GLASSBOX_SERVER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the server of a bench.
  const nodeArgs = process.env.GLASSBOX_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const entry = opts.built ? [join(ROOT, 'dist', 'src', 'cli.js')] : ['--import', 'tsx', join(ROOT, 'src', 'cli.ts')];
  const args = [...START_NODE_FLAGS, ...nodeArgs, ...entry, 'server', '--port', '0', '--host', '127.0.0.1',
    '--backend-store-uri', opts.storeUri, '--artifacts-destination', opts.artifactsDir, '--no-serve-ui', '--retention-interval-seconds', '0', ...(opts.args ?? [])];
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start within ${opts.startTimeoutMs ?? 30_000} ms:\n${out}`));
    }, opts.startTimeoutMs ?? 30_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited before listening (code ${code}, signal ${signal}):\n${out}`));
    });
  });
  // Keep draining the pipes so a chatty server never blocks on a full pipe buffer.
  child.stdout!.removeAllListeners('data');
  child.stderr!.removeAllListeners('data');
  // GLASSBOX_SERVER_LOG=<file> copies the server's output there (e.g. GLASSBOX_SLOW_QUERY_MS logs).
  const logFile = process.env.GLASSBOX_SERVER_LOG;
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-200_000);
    if (logFile) appendFileSync(logFile, d);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const pid = child.pid!;
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    url,
    pid,
    child,
    output: () => out,
    peakRssMb: () => procStatusMb(pid, 'VmHWM'),
    rssMb: () => procStatusMb(pid, 'VmRSS'),
    kill9: async () => {
      if (!gone()) child.kill('SIGKILL');
      await exited;
    },
    stop: async (graceMs = 5000) => {
      if (gone()) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(t);
    },
  };
}
