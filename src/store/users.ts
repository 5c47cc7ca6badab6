import { generateToken, hashPassword, hashToken } from '../server/auth/secrets.js';
import type { Db } from './db.js';
import { isUniqueViolation } from './errors.js';
import type { UserRow } from './tables/auth.js';

export const PERMISSIONS = ['NO_PERMISSIONS', 'READ', 'EDIT', 'MANAGE'] as const;
export type Permission = (typeof PERMISSIONS)[number];
export type ResourceType = 'experiment' | 'registered_model';

export interface User {
  user_id: number;
  username: string;
  is_admin: boolean;
}

const toUser = (r: Pick<UserRow, 'user_id' | 'username' | 'is_admin'>): User => ({ user_id: Number(r.user_id), username: r.username, is_admin: Number(r.is_admin) === 1 });

export function isPermission(v: string): v is Permission {
  return (PERMISSIONS as readonly string[]).includes(v);
}

export async function createUser(db: Db, username: string, password: string, isAdmin = false): Promise<User> {
  if (!username.trim()) throw new Error('Username must not be empty');
  if (password.length < 8) throw new Error('Password must be at least 8 characters');
  try {
    const row = await db
      .insertInto('users')
      .values({ username, password_hash: await hashPassword(password), is_admin: isAdmin ? 1 : 0, created_at: Date.now() })
      .returning(['user_id', 'username', 'is_admin'])
      .executeTakeFirstOrThrow();
    return toUser(row);
  } catch (err) {
    if (isUniqueViolation(err)) throw new Error(`User '${username}' already exists`);
    throw err;
  }
}

/** The user and their stored password hash, for Basic auth. */
export async function findUserWithHash(db: Db, username: string): Promise<(User & { password_hash: string }) | undefined> {
  const row = await db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  return row && { ...toUser(row), password_hash: row.password_hash };
}

export async function getUser(db: Db, username: string): Promise<User | undefined> {
  const row = await db.selectFrom('users').select(['user_id', 'username', 'is_admin']).where('username', '=', username).executeTakeFirst();
  return row && toUser(row);
}

export async function requireUser(db: Db, username: string): Promise<User> {
  const user = await getUser(db, username);
  if (!user) throw new Error(`User '${username}' does not exist`);
  return user;
}

export async function listUsers(db: Db): Promise<(User & { tokens: number; created_at: number })[]> {
  const rows = await db
    .selectFrom('users')
    .leftJoin('api_tokens', 'api_tokens.user_id', 'users.user_id')
    .select((eb) => ['users.user_id', 'users.username', 'users.is_admin', 'users.created_at', eb.fn.count<number>('api_tokens.token_id').as('tokens')])
    .groupBy(['users.user_id', 'users.username', 'users.is_admin', 'users.created_at'])
    .orderBy('users.username')
    .execute();
  return rows.map((r) => ({ ...toUser(r), tokens: Number(r.tokens), created_at: Number(r.created_at) }));
}

export async function hasAdmin(db: Db): Promise<boolean> {
  return (await db.selectFrom('users').select('user_id').where('is_admin', '=', 1).limit(1).executeTakeFirst()) !== undefined;
}

export async function deleteUser(db: Db, username: string): Promise<void> {
  const user = await requireUser(db, username);
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('permissions').where('user_id', '=', user.user_id).execute();
    await trx.deleteFrom('api_tokens').where('user_id', '=', user.user_id).execute();
    await trx.deleteFrom('users').where('user_id', '=', user.user_id).execute();
  });
}

export async function setPassword(db: Db, username: string, password: string): Promise<void> {
  if (password.length < 8) throw new Error('Password must be at least 8 characters');
  const user = await requireUser(db, username);
  await db.updateTable('users').set({ password_hash: await hashPassword(password) }).where('user_id', '=', user.user_id).execute();
}

export async function setAdmin(db: Db, username: string, isAdmin: boolean): Promise<void> {
  const user = await requireUser(db, username);
  await db.updateTable('users').set({ is_admin: isAdmin ? 1 : 0 }).where('user_id', '=', user.user_id).execute();
}

/** Creates a token and returns it: the only moment the plain token exists. */
export async function createToken(db: Db, username: string, name?: string): Promise<{ tokenId: string; token: string }> {
  const user = await requireUser(db, username);
  const { tokenId, token, tokenHash } = generateToken();
  await db.insertInto('api_tokens').values({ token_id: tokenId, user_id: user.user_id, token_hash: tokenHash, name: name ?? null, created_at: Date.now() }).execute();
  return { tokenId, token };
}

export async function listTokens(db: Db, username: string): Promise<{ token_id: string; name: string | null; created_at: number }[]> {
  const user = await requireUser(db, username);
  const rows = await db.selectFrom('api_tokens').select(['token_id', 'name', 'created_at']).where('user_id', '=', user.user_id).orderBy('created_at').execute();
  return rows.map((r) => ({ ...r, created_at: Number(r.created_at) }));
}

export async function revokeToken(db: Db, tokenId: string): Promise<void> {
  const res = await db.deleteFrom('api_tokens').where('token_id', '=', tokenId).executeTakeFirst();
  if (Number(res.numDeletedRows) === 0) throw new Error(`Token '${tokenId}' does not exist`);
}

export async function findUserByToken(db: Db, token: string): Promise<User | undefined> {
  const row = await db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.user_id', 'api_tokens.user_id')
    .select(['users.user_id', 'users.username', 'users.is_admin'])
    .where('api_tokens.token_hash', '=', hashToken(token))
    .executeTakeFirst();
  return row && toUser(row);
}

export async function grantPermission(db: Db, userId: number, type: ResourceType, resourceId: string, permission: Permission): Promise<void> {
  await db
    .insertInto('permissions')
    .values({ user_id: userId, resource_type: type, resource_id: resourceId, permission })
    .onConflict((oc) => oc.columns(['user_id', 'resource_type', 'resource_id']).doUpdateSet({ permission }))
    .execute();
}

export async function revokePermission(db: Db, userId: number, type: ResourceType, resourceId: string): Promise<boolean> {
  const res = await db.deleteFrom('permissions').where('user_id', '=', userId).where('resource_type', '=', type).where('resource_id', '=', resourceId).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

/** Explicit grants of one user on the given resources (absent ids have none). */
export async function userPermissions(db: Db, userId: number, type: ResourceType, ids?: string[]): Promise<Map<string, Permission>> {
  let q = db.selectFrom('permissions').select(['resource_id', 'permission']).where('user_id', '=', userId).where('resource_type', '=', type);
  if (ids) {
    if (ids.length === 0) return new Map();
    q = q.where('resource_id', 'in', ids);
  }
  const rows = await q.execute();
  return new Map(rows.filter((r) => isPermission(r.permission)).map((r) => [r.resource_id, r.permission as Permission]));
}

/** A rename moves the grants with the model (MLflow keys registered-model permissions by name). */
export async function renameResource(db: Db, type: ResourceType, from: string, to: string): Promise<void> {
  await db.updateTable('permissions').set({ resource_id: to }).where('resource_type', '=', type).where('resource_id', '=', from).execute();
}


export async function dropResourceGrants(db: Db, type: ResourceType, resourceId: string): Promise<void> {
  await db.deleteFrom('permissions').where('resource_type', '=', type).where('resource_id', '=', resourceId).execute();
}
