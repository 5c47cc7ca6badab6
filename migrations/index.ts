import type { Migration } from 'kysely';
import * as tracking from './2026_11_26_0001_tracking.js';
import * as traces from './2026_11_26_0002_traces.js';
import * as spans from './2026_11_26_0003_spans.js';
import * as registry from './2026_11_26_0004_registry.js';
import * as evaluations from './2026_11_26_0005_evaluations.js';
import * as auth from './2026_11_26_0006_auth.js';
import * as datasetsScorers from './2026_11_26_0007_datasets_scorers.js';
import * as traceKeys from './2026_11_26_0008_trace_keys.js';

/** The static, ordered list of migrations (names sort in application order). */
export const migrations: Record<string, Migration> = {
  '2026_11_26_0001_tracking': tracking,
  '2026_11_26_0002_traces': traces,
  '2026_11_26_0003_spans': spans,
  '2026_11_26_0004_registry': registry,
  '2026_11_26_0005_evaluations': evaluations,
  '2026_11_26_0006_auth': auth,
  '2026_11_26_0007_datasets_scorers': datasetsScorers,
  '2026_11_26_0008_trace_keys': traceKeys,
};
