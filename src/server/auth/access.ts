import type { Db } from '../../store/db.js';
import { userPermissions, type Permission, type ResourceType, type User } from '../../store/users.js';
import { allows, type Need } from './permissions.js';
import type { Target } from './resources.js';

/** Effective permission per target: admins MANAGE everything; explicit grant, else the default. */
export async function effectivePermissions(db: Db, user: User, targets: Target[], fallback: Permission): Promise<Permission[]> {
  if (user.is_admin) return targets.map(() => 'MANAGE');
  const byType = new Map<ResourceType, Map<string, Permission>>();
  for (const type of new Set(targets.map((t) => t.type))) {
    const ids = [...new Set(targets.filter((t) => t.type === type && t.id !== undefined).map((t) => t.id!))];
    byType.set(type, await userPermissions(db, user.user_id, type, ids));
  }
  return targets.map((t) => (t.id === undefined ? fallback : (byType.get(t.type)!.get(t.id) ?? fallback)));
}

export async function allowedAll(db: Db, user: User, targets: Target[], need: Need, fallback: Permission): Promise<boolean> {
  return (await effectivePermissions(db, user, targets, fallback)).every((p) => allows(p, need));
}

/** The subset of `items` whose resource the user may read (search results, listings). */
export async function readable<T>(db: Db, user: User, type: ResourceType, items: T[], idOf: (item: T) => string | undefined, fallback: Permission): Promise<T[]> {
  const perms = await effectivePermissions(db, user, items.map((i) => ({ type, id: idOf(i) })), fallback);
  return items.filter((_, i) => allows(perms[i], 'READ'));
}
