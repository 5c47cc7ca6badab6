import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

// scrypt is memory-hard (N·r·128 bytes = 16 MiB per hash here), built into Node, and its cost
// parameters travel with each hash so they can be raised later without invalidating old ones.
const N = 16384;
const R = 8;
const P = 1;
const KEY_LEN = 32;
const MAX_MEM = 64 * 1024 * 1024;

function scryptAsync(password: string, salt: Buffer, n: number, r: number, p: number, keyLen: number): Promise<Buffer> {
  return new Promise((ok, fail) => scrypt(password, salt, keyLen, { N: n, r, p, maxmem: MAX_MEM }, (err, key) => (err ? fail(err) : ok(key))));
}

/** `scrypt$N$r$p$<salt b64>$<hash b64>` with a fresh 16-byte salt per call. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, N, R, P, KEY_LEN);
  return ['scrypt', N, R, P, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Constant-time comparison against a stored hash; a malformed stored hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64'), Number(n), Number(r), Number(p), expected.length);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * A new API token: `gbx_<id>_<secret>`. The id is public (list/revoke by it); the 256-bit secret
 * makes a plain SHA-256 a sufficient at-rest hash (no dictionary to attack, unlike passwords).
 */
export function generateToken(): { tokenId: string; token: string; tokenHash: string } {
  const tokenId = randomBytes(6).toString('hex');
  const token = `gbx_${tokenId}_${randomBytes(32).toString('base64url')}`;
  return { tokenId, token, tokenHash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
