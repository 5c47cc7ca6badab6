/**
 * The client-side prompt cache, with MLflow's policy: a pinned version never changes (versions are
 * immutable), so it is cached without expiry; an alias or `latest` can move, so it is cached for a
 * TTL (MLflow's MLFLOW_ALIAS_PROMPT_CACHE_TTL_SECONDS, default 60 s; 0 turns caching off).
 *
 * @example
 * ```ts
 * import { PromptCache, loadPrompt } from 'glassbox/prompts';
 * const cache = new PromptCache();
 * await loadPrompt('prompts:/qa@production', { cache, cacheTtlSeconds: 5 });
 * cache.clear();
 * ```
 */
export class PromptCache<V = unknown> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();

  /** `now` is injectable so tests can move time without sleeping. */
  constructor(private readonly now: () => number = Date.now) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Stores `value` for `ttlMs` (Infinity: forever; 0 or less: not stored at all). */
  set(key: string, value: V, ttlMs: number): void {
    if (!(ttlMs > 0)) return;
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
  }

  /** Drops every entry whose key starts with `prefix` (used when an alias is moved from this client). */
  deletePrefix(prefix: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}

/** TTL in ms from seconds: explicit ?? env ?? default; a bad value names the variable. */
export function ttlFromSeconds(explicit: number | undefined, envName: string, fallbackSeconds: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = explicit ?? (env[envName] !== undefined && env[envName] !== '' ? Number(env[envName]) : fallbackSeconds);
  if (Number.isNaN(raw) || raw < 0) throw new Error(`Invalid prompt cache TTL ${explicit !== undefined ? 'cacheTtlSeconds' : envName}: expected seconds >= 0, got '${explicit ?? env[envName]}'`);
  return raw * 1000;
}
