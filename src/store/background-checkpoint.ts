import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Copies the SQLite WAL back into the database file from a worker thread with its own connection,
 * so the server's thread stops paying for checkpoints (~0.8 ms of each 100-span ingest request when
 * done by auto-checkpoint on commit). A PASSIVE checkpoint never takes the write lock, so no
 * transaction of the server's connection can fail because of it. The server's own auto-checkpoint
 * stays on as a safety net: it then only has to copy the frames written since the last pass.
 */
export interface BackgroundCheckpoint {
  stop(): Promise<void>;
}

/** WAL size that triggers a pass; small passes keep each copy cheap and the file small. */
const WAL_BYTES = 8 * 1024 * 1024;
const POLL_MS = 100;

// Plain CommonJS evaluated in the worker: a module file would need the TypeScript loader that dev
// runs and tests use (tsx, vitest) to be present inside the worker too.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { statSync } = require('node:fs');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
const walSize = () => { try { return statSync(workerData.file + '-wal').size; } catch { return 0; } };
const timer = setInterval(() => {
  try {
    if (walSize() > workerData.walBytes) db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message || err) });
  }
}, workerData.pollMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

export function startBackgroundCheckpoint(file: string): BackgroundCheckpoint {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  // A few lines of JavaScript run in this thread: small heap limits keep its resident memory small.
  const resourceLimits = { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 };
  const worker = new Worker(WORKER_SOURCE, { eval: true, resourceLimits, workerData: { file, driver, walBytes: WAL_BYTES, pollMs: POLL_MS } });
  // Checkpoints are an optimisation: a failure is logged and the server's auto-checkpoint takes over.
  worker.on('message', (m: { error?: string }) => m.error && console.warn(`[glassbox] background checkpoint failed: ${m.error}`));
  worker.on('error', (err) => console.warn(`[glassbox] background checkpoint stopped: ${err.message}`));
  worker.unref();
  return {
    stop: async () => {
      // The timer stays referenced: with the worker unref'd, an unref'd timer would let the event loop
      // empty and the process exit 0 before close() resolves (losing, e.g., a CLI's error output).
      let timer: NodeJS.Timeout | undefined;
      const exited = new Promise<void>((ok) => worker.once('exit', () => ok()));
      worker.postMessage('stop');
      await Promise.race([exited, new Promise((ok) => (timer = setTimeout(ok, 2000)))]);
      clearTimeout(timer);
      await worker.terminate();
    },
  };
}
