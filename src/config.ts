import { availableParallelism } from 'node:os';
import { z } from 'zod';

const flag = z.union([z.boolean(), z.string().transform((v) => v === 'true' || v === '1')]);
/** A comma-separated env value, or an array when passed programmatically. */
const list = z.union([z.array(z.string()), z.string().transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))]);

/**
 * Server configuration, parsed once from flags and environment. Every key has a GLASSBOX_*
 * environment variable; `glassbox server --help` lists the matching flags.
 */
export const Config = z.object({
  /** GLASSBOX_HOST: interface to bind. Loopback by default; use 0.0.0.0 to expose deliberately. */
  host: z.string().default('127.0.0.1'),
  /** GLASSBOX_PORT: TCP port (MLflow's default 5000). 0 picks a free port. */
  port: z.coerce.number().int().min(0).max(65535).default(5000),
  /** GLASSBOX_BACKEND_STORE_URI: sqlite:///path/to.db (embedded) or postgresql://user@host/db. */
  backendStoreUri: z.string().default('sqlite:///glassbox-data/glassbox.db'),
  /** GLASSBOX_ARTIFACTS_DESTINATION: folder where proxied artifacts are stored. */
  artifactsDestination: z.string().default('glassbox-data/artifacts'),
  /** GLASSBOX_MAX_BODY_MB: largest JSON or OTLP request body accepted, after decompression (413 above). */
  maxBodyMb: z.coerce.number().positive().default(64),
  /** GLASSBOX_MAX_ARTIFACT_MB: largest single artifact upload (413 above). */
  maxArtifactMb: z.coerce.number().positive().default(2048),
  /** GLASSBOX_SERVE_UI: serve the built web UI at / (true unless set to false). */
  serveUi: z.union([z.boolean(), z.string().transform((v) => v !== 'false' && v !== '0')]).default(true),
  /**
   * GLASSBOX_MAX_CONCURRENT_REQUESTS: API requests processed at once (others wait). Default 2 on SQLite,
   * whose queries run on the server's one thread, and 16 on PostgreSQL, whose work runs in the database.
   */
  maxConcurrentRequests: z.coerce.number().int().min(1).optional(),
  /** GLASSBOX_MAX_QUEUED_REQUESTS: API requests allowed to wait for a slot; beyond that 503 with Retry-After. */
  maxQueuedRequests: z.coerce.number().int().min(0).default(1024),
  /** GLASSBOX_AUTH: require HTTP Basic or Bearer credentials and enforce per-experiment permissions (off by default). */
  auth: flag.default(false),
  /** GLASSBOX_ADMIN_USERNAME: with auth on, an admin created at start when no admin exists yet. */
  adminUsername: z.string().min(1).optional(),
  /** GLASSBOX_ADMIN_PASSWORD: that bootstrap admin's password (at least 8 characters). */
  adminPassword: z.string().min(8).optional(),
  /** GLASSBOX_DEFAULT_PERMISSION: what a user may do where they have no explicit grant (MLflow's default: READ). */
  defaultPermission: z.enum(['NO_PERMISSIONS', 'READ', 'EDIT', 'MANAGE']).default('READ'),
  /** GLASSBOX_ALLOWED_HOSTS: Host header values accepted (DNS-rebinding guard); unset = loopback + bound host; `*` = any. */
  allowedHosts: list.optional(),
  /** GLASSBOX_CORS_ORIGINS: origins allowed to call the API from a browser; empty (default) = no CORS headers at all. */
  corsOrigins: list.default([]),
  /** GLASSBOX_METRICS_ACCESS: who may scrape /metrics when auth is on: admin (default), authenticated, or public. */
  metricsAccess: z.enum(['admin', 'authenticated', 'public']).default('admin'),
  /** GLASSBOX_RETENTION_MAX_AGE_DAYS: server-wide trace age limit; the experiment tag glassbox.retention.maxAgeDays overrides it. */
  retentionMaxAgeDays: z.coerce.number().positive().optional(),
  /** GLASSBOX_RETENTION_MAX_TRACES: server-wide trace count limit per experiment; tag glassbox.retention.maxTraces overrides it. */
  retentionMaxTraces: z.coerce.number().int().positive().optional(),
  /** GLASSBOX_RETENTION_INTERVAL_SECONDS: how often the retention sweep runs; 0 turns the background sweep off. */
  retentionIntervalSeconds: z.coerce.number().min(0).default(3600),
  /**
   * GLASSBOX_OTLP_DECODE_THREADS: worker threads that decode large OTLP requests while the main thread
   * writes; 0 decodes on the main thread. Default: one fewer than the CPU cores, at most 4.
   */
  otlpDecodeThreads: z.coerce
    .number()
    .int()
    .min(0)
    .max(64)
    .default(() => Math.max(0, Math.min(4, availableParallelism() - 1))),
});
export type Config = z.infer<typeof Config>;

const ENV_KEYS: Record<keyof Config, string> = {
  host: 'GLASSBOX_HOST',
  port: 'GLASSBOX_PORT',
  backendStoreUri: 'GLASSBOX_BACKEND_STORE_URI',
  artifactsDestination: 'GLASSBOX_ARTIFACTS_DESTINATION',
  maxBodyMb: 'GLASSBOX_MAX_BODY_MB',
  maxArtifactMb: 'GLASSBOX_MAX_ARTIFACT_MB',
  serveUi: 'GLASSBOX_SERVE_UI',
  maxConcurrentRequests: 'GLASSBOX_MAX_CONCURRENT_REQUESTS',
  maxQueuedRequests: 'GLASSBOX_MAX_QUEUED_REQUESTS',
  auth: 'GLASSBOX_AUTH',
  adminUsername: 'GLASSBOX_ADMIN_USERNAME',
  adminPassword: 'GLASSBOX_ADMIN_PASSWORD',
  defaultPermission: 'GLASSBOX_DEFAULT_PERMISSION',
  allowedHosts: 'GLASSBOX_ALLOWED_HOSTS',
  corsOrigins: 'GLASSBOX_CORS_ORIGINS',
  metricsAccess: 'GLASSBOX_METRICS_ACCESS',
  retentionMaxAgeDays: 'GLASSBOX_RETENTION_MAX_AGE_DAYS',
  retentionMaxTraces: 'GLASSBOX_RETENTION_MAX_TRACES',
  retentionIntervalSeconds: 'GLASSBOX_RETENTION_INTERVAL_SECONDS',
  otlpDecodeThreads: 'GLASSBOX_OTLP_DECODE_THREADS',
};

/** explicit ?? env ?? default, validated with messages that name the variable. */
export function loadConfig(explicit: Partial<Record<keyof Config, unknown>> = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const merged: Record<string, unknown> = {};
  for (const [key, envName] of Object.entries(ENV_KEYS)) {
    const v = explicit[key as keyof Config] ?? env[envName];
    if (v !== undefined) merged[key] = v;
  }
  const parsed = Config.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue.path[0] as keyof Config;
    throw new Error(`Invalid configuration ${ENV_KEYS[key] ?? String(key)}: ${issue.message}`);
  }
  return Object.freeze(parsed.data);
}

export { ENV_KEYS };
