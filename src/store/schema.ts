import type { AuthTables } from './tables/auth.js';
import type { DatasetsTables } from './tables/datasets.js';
import type { EvalsTables } from './tables/evals.js';
import type { RegistryTables } from './tables/registry.js';
import type { TracesTables } from './tables/traces.js';
import type { TrackingTables } from './tables/tracking.js';

/** Every table kysely knows about, one interface per area so each area's file stays small. */
export interface Database extends TrackingTables, TracesTables, RegistryTables, EvalsTables, AuthTables, DatasetsTables {}
