import type { Config } from '../config.js';
import type { Store } from '../store/db.js';
import type { ServerMetrics } from './metrics/server-metrics.js';
import type { DecodePool } from './otlp/decode-pool.js';

/** What createApp needs; tests build it with a temp store, main.ts with the configured one. */
export interface AppDeps {
  store: Store;
  config: Config;
  /** Prometheus counters (/metrics); createApp makes one when absent. Feed with `deps.metrics?.inc(name, n)`. */
  metrics?: ServerMetrics;
  /** Decode threads for large OTLP requests; without one they are decoded on the main thread. */
  decodePool?: DecodePool;
}
