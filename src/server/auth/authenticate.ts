import { createHash } from 'node:crypto';
import type { Db } from '../../store/db.js';
import { findUserByToken, findUserWithHash, type User } from '../../store/users.js';
import { verifyPassword } from './secrets.js';

/**
 * How long a verified Authorization header is remembered. scrypt costs ~50 ms of CPU by design, and
 * the MLflow client sends credentials on every request, so verifying each one would cap throughput;
 * the cache is keyed by a SHA-256 of the header, so no credential is kept in memory. The price: a
 * password changed or token revoked from the CLI (another process) stops working within this time.
 */
const CACHE_TTL_MS = 30_000;
const CACHE_MAX = 1000;

export interface Authenticator {
  /** The user behind an Authorization header, or undefined when missing or wrong. */
  authenticate(header: string | undefined): Promise<User | undefined>;
}

/** The credential caches of every authenticator over a store, so API-side user changes take effect at once. */
const cachesByDb = new WeakMap<Db, Set<Map<string, unknown>>>();

/** Drops every remembered credential for this store (after a password, admin flag or user changes). */
export function forgetCredentials(db: Db): void {
  for (const cache of cachesByDb.get(db) ?? []) cache.clear();
}

export function createAuthenticator(db: Db): Authenticator {
  const cache = new Map<string, { user: User; expires: number }>();
  if (!cachesByDb.has(db)) cachesByDb.set(db, new Set());
  cachesByDb.get(db)!.add(cache);

  const verify = async (header: string): Promise<User | undefined> => {
    const [scheme, value = ''] = header.trim().split(/\s+/, 2);
    if (/^bearer$/i.test(scheme) && value) return findUserByToken(db, value);
    if (!/^basic$/i.test(scheme)) return undefined;
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const user = await findUserWithHash(db, decoded.slice(0, colon));
    if (!user) {
      // Spend the same time as a real check so response timing does not reveal which usernames exist.
      await verifyPassword(decoded.slice(colon + 1), DUMMY_HASH);
      return undefined;
    }
    if (!(await verifyPassword(decoded.slice(colon + 1), user.password_hash))) return undefined;
    return { user_id: user.user_id, username: user.username, is_admin: user.is_admin };
  };

  return {
    async authenticate(header) {
      if (!header) return undefined;
      const key = createHash('sha256').update(header).digest('base64');
      const hit = cache.get(key);
      if (hit && hit.expires > Date.now()) return hit.user;
      const user = await verify(header);
      if (user) {
        if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
        cache.set(key, { user, expires: Date.now() + CACHE_TTL_MS });
      } else cache.delete(key);
      return user;
    },
  };
}

/** A well-formed scrypt string at the real cost; no password matches it. */
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
