import { z } from 'zod';

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
