import { Hono } from 'hono';
import type { Db } from '../../store/db.js';
import { requireExperiment } from '../../store/experiments.js';
import {
  createUser,
  deleteUser,
  getUser,
  grantPermission,
  revokePermission,
  type Permission,
  type ResourceType,
  setAdmin,
  setPassword,
  type User,
  userPermissions,
} from '../../store/users.js';
import { forgetCredentials } from '../auth/authenticate.js';
import type { AppDeps } from '../deps.js';
import { MlflowError } from '../errors.js';
import {
  type AuthUser,
  CreateUserRequest,
  ExperimentPermissionRequest,
  type ExperimentPermissionResponse,
  ModelPermissionRequest,
  type RegisteredModelPermissionResponse,
  SetExperimentPermissionRequest,
  SetModelPermissionRequest,
  UpdateAdminRequest,
  UpdatePasswordRequest,
  UsernameRequest,
  type UserResponse,
} from '../schemas/auth-api.js';
import { readJson, readQuery } from '../validate.js';

/** Glassbox asks more of a password than MLflow (non-empty): the CLI and the API share one rule. */
const MIN_PASSWORD = 8;

async function requireApiUser(db: Db, username: string): Promise<User> {
  const user = await getUser(db, username);
  if (!user) throw MlflowError.notFound(`User with username=${username} not found`);
  return user;
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD) throw MlflowError.invalidParameter(`Password must be at least ${MIN_PASSWORD} characters`);
}

async function userToJson(db: Db, user: User): Promise<AuthUser> {
  const [experiments, models] = await Promise.all([userPermissions(db, user.user_id, 'experiment'), userPermissions(db, user.user_id, 'registered_model')]);
  return {
    id: user.user_id,
    username: user.username,
    is_admin: user.is_admin,
    experiment_permissions: [...experiments].map(([experiment_id, permission]) => ({ experiment_id, user_id: user.user_id, permission })),
    registered_model_permissions: [...models].map(([name, permission]) => ({ name, user_id: user.user_id, permission })),
    scorer_permissions: [],
  };
}

/** The grant a user holds on one resource; MLflow answers 404 when there is none. */
async function requireGrant(db: Db, user: User, type: ResourceType, id: string): Promise<Permission> {
  const permission = (await userPermissions(db, user.user_id, type, [id])).get(id);
  if (!permission) {
    const what = type === 'experiment' ? `experiment_id=${id}` : `name=${id}`;
    throw MlflowError.notFound(`${type === 'experiment' ? 'Experiment' : 'Registered model'} permission with ${what} and username=${user.username} not found`);
  }
  return permission;
}

async function createGrant(db: Db, user: User, type: ResourceType, id: string, permission: Permission): Promise<void> {
  if ((await userPermissions(db, user.user_id, type, [id])).has(id)) {
    throw MlflowError.alreadyExists(`${type === 'experiment' ? 'Experiment' : 'Registered model'} permission (${id}, ${user.username}) already exists`);
  }
  await grantPermission(db, user.user_id, type, id, permission);
}

/**
 * MLflow's basic-auth REST API over Glassbox's user store, so `mlflow.server.get_app_client("basic-auth")`
 * works. Mounted only with auth on (without it MLflow has no such routes either); who may call what is
 * in auth/permissions.ts. Every change to a user drops cached credentials so it applies at once.
 */
export function authApiRoutes(deps: AppDeps) {
  const { db } = deps.store;
  if (!deps.config.auth) return new Hono();
  return new Hono()
    .post('/users/create', async (c) => {
      const { username, password } = await readJson(c, CreateUserRequest);
      checkPassword(password);
      if (await getUser(db, username)) throw MlflowError.alreadyExists(`User '${username}' already exists`);
      const user = await createUser(db, username, password);
      return c.json({ user: await userToJson(db, user) } satisfies UserResponse);
    })
    .get('/users/get', async (c) => {
      const { username } = readQuery(c, UsernameRequest);
      return c.json({ user: await userToJson(db, await requireApiUser(db, username)) } satisfies UserResponse);
    })
    .patch('/users/update-password', async (c) => {
      const { username, password } = await readJson(c, UpdatePasswordRequest);
      checkPassword(password);
      await requireApiUser(db, username);
      await setPassword(db, username, password);
      forgetCredentials(db);
      return c.json({});
    })
    .patch('/users/update-admin', async (c) => {
      const { username, is_admin } = await readJson(c, UpdateAdminRequest);
      await requireApiUser(db, username);
      await setAdmin(db, username, is_admin);
      forgetCredentials(db);
      return c.json({});
    })
    .delete('/users/delete', async (c) => {
      const { username } = await readJson(c, UsernameRequest);
      await requireApiUser(db, username);
      await deleteUser(db, username);
      forgetCredentials(db);
      return c.json({});
    })
    .post('/experiments/permissions/create', async (c) => {
      const { experiment_id, username, permission } = await readJson(c, SetExperimentPermissionRequest);
      await requireExperiment(db, experiment_id);
      const user = await requireApiUser(db, username);
      await createGrant(db, user, 'experiment', experiment_id, permission);
      return c.json({ experiment_permission: { experiment_id, user_id: user.user_id, permission } } satisfies ExperimentPermissionResponse);
    })
    .get('/experiments/permissions/get', async (c) => {
      const { experiment_id, username } = readQuery(c, ExperimentPermissionRequest);
      const user = await requireApiUser(db, username);
      const permission = await requireGrant(db, user, 'experiment', experiment_id);
      return c.json({ experiment_permission: { experiment_id, user_id: user.user_id, permission } } satisfies ExperimentPermissionResponse);
    })
    .patch('/experiments/permissions/update', async (c) => {
      const { experiment_id, username, permission } = await readJson(c, SetExperimentPermissionRequest);
      const user = await requireApiUser(db, username);
      await requireGrant(db, user, 'experiment', experiment_id);
      await grantPermission(db, user.user_id, 'experiment', experiment_id, permission);
      return c.json({});
    })
    .delete('/experiments/permissions/delete', async (c) => {
      const { experiment_id, username } = await readJson(c, ExperimentPermissionRequest);
      const user = await requireApiUser(db, username);
      await requireGrant(db, user, 'experiment', experiment_id);
      await revokePermission(db, user.user_id, 'experiment', experiment_id);
      return c.json({});
    })
    .post('/registered-models/permissions/create', async (c) => {
      const { name, username, permission } = await readJson(c, SetModelPermissionRequest);
      const user = await requireApiUser(db, username);
      await createGrant(db, user, 'registered_model', name, permission);
      return c.json({ registered_model_permission: { name, user_id: user.user_id, permission } } satisfies RegisteredModelPermissionResponse);
    })
    .get('/registered-models/permissions/get', async (c) => {
      const { name, username } = readQuery(c, ModelPermissionRequest);
      const user = await requireApiUser(db, username);
      const permission = await requireGrant(db, user, 'registered_model', name);
      return c.json({ registered_model_permission: { name, user_id: user.user_id, permission } } satisfies RegisteredModelPermissionResponse);
    })
    .patch('/registered-models/permissions/update', async (c) => {
      const { name, username, permission } = await readJson(c, SetModelPermissionRequest);
      const user = await requireApiUser(db, username);
      await requireGrant(db, user, 'registered_model', name);
      await grantPermission(db, user.user_id, 'registered_model', name, permission);
      return c.json({});
    })
    .delete('/registered-models/permissions/delete', async (c) => {
      const { name, username } = await readJson(c, ModelPermissionRequest);
      const user = await requireApiUser(db, username);
      await requireGrant(db, user, 'registered_model', name);
      await revokePermission(db, user.user_id, 'registered_model', name);
      return c.json({});
    });
}
