import type { Config } from '../config.js';
import type { Store } from '../store/db.js';

/** What createApp needs; tests build it with a temp store, main.ts with the configured one. */
export interface AppDeps {
  store: Store;
  config: Config;
}
