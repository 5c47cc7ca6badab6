import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import type { Config } from './config.js';
import { createApp } from './server/app.js';
import { createStore, type Store } from './store/db.js';
import { failInterruptedJobs } from './store/evaluations.js';
import { migrateToLatest } from './store/migrate.js';
import { ensureAdmin } from './server/auth/bootstrap.js';
import { createServerMetrics } from './server/metrics/server-metrics.js';
import { DecodePool } from './server/otlp/decode-pool.js';
import { startRetentionSweeper } from './store/retention.js';

export interface RunningServer {
  url: string;
  port: number;
  store: Store;
  close(): Promise<void>;
}

/** The only side-effecting entry: open the store, migrate, serve. Used by the CLI and by tests. */
export async function startServer(config: Config): Promise<RunningServer> {
  const store = createStore(config.backendStoreUri);
  await migrateToLatest(store.db);
  await ensureAdmin(store.db, config);
  // One SQLite process owns every job, so jobs left RUNNING were cut off by its last stop. Over
  // PostgreSQL another replica may be running them, so they are left alone there.
  if (store.dialect === 'sqlite') await failInterruptedJobs(store.db);
  const metrics = createServerMetrics(store, config);
  const decodePool = new DecodePool(config.otlpDecodeThreads);
  const app = createApp({ store, metrics, decodePool, config: { ...config, artifactsDestination: resolve(config.artifactsDestination) } });
  const sweeper =
    config.retentionIntervalSeconds > 0
      ? startRetentionSweeper({
          db: store.db,
          artifactsRoot: resolve(config.artifactsDestination),
          defaults: { maxAgeDays: config.retentionMaxAgeDays, maxTraces: config.retentionMaxTraces },
          intervalMs: config.retentionIntervalSeconds * 1000,
          onDeleted: (_exp, n) => metrics.inc('glassbox_retention_traces_deleted_total', n),
        })
      : undefined;
  const server: ServerType = await new Promise((ok) => {
    const s = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, () => ok(s));
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  return {
    url: `http://${host}:${port}`,
    port,
    store,
    close: async () => {
      await sweeper?.stop();
      await new Promise<void>((ok) => {
        server.close(() => ok());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await decodePool.close();
      await store.close();
    },
  };
}
