import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { createStore, type Store } from '../store/db.js';
import { migrateToLatest } from '../store/migrate.js';

/** `--backend-store-uri` as on `glassbox server`, for commands that work on the store directly. */
export const storeOption = (cmd: Command) =>
  cmd.option('--backend-store-uri <uri>', 'sqlite:///path.db or postgresql://user@host/db [GLASSBOX_BACKEND_STORE_URI, default sqlite:///glassbox-data/glassbox.db]');

/** Opens (and migrates) the store named by the command's options or the environment, runs fn, closes it. */
export async function withStore<T>(cmd: Command, fn: (store: Store, config: ReturnType<typeof loadConfig>) => Promise<T>, explicit: Record<string, unknown> = {}): Promise<T> {
  const opts = cmd.optsWithGlobals() as { backendStoreUri?: string };
  const config = loadConfig({ backendStoreUri: opts.backendStoreUri, ...explicit });
  const store = createStore(config.backendStoreUri);
  try {
    await migrateToLatest(store.db);
    return await fn(store, config);
  } finally {
    await store.close();
  }
}
