import type { Context, MiddlewareHandler } from 'hono';
import type { User } from '../../store/users.js';
import type { AppDeps } from '../deps.js';
import { MlflowError } from '../errors.js';
import { allowedAll } from './access.js';
import { applyAfter } from './after.js';
import { createAuthenticator } from './authenticate.js';
import { ruleFor, type Access } from './permissions.js';
import { ADMIN_ONLY, resolveTargets } from './resources.js';

const users = new WeakMap<Request, User>();

/** The authenticated user of a request (undefined with auth off or on public paths). */
export function currentUser(c: Context): User | undefined {
  return users.get(c.req.raw);
}

/** MLflow's basic-auth app answers exactly this; the browser shows its login prompt on it. */
function unauthenticated(c: Context) {
  return c.text(
    'You are not authenticated. Please see https://www.mlflow.org/docs/latest/auth/index.html#authenticating-to-mlflow on how to authenticate.',
    401,
    { 'WWW-Authenticate': 'Basic realm="mlflow"' },
  );
}

const denied = () => new MlflowError('PERMISSION_DENIED', 'Permission denied');

const METRICS_ACCESS: Record<AppDeps['config']['metricsAccess'], Access> = { admin: 'admin', authenticated: 'user', public: 'public' };

/**
 * Authentication (Basic or Bearer) and per-resource authorization for every request, driven by the
 * table in permissions.ts. Installed only when GLASSBOX_AUTH is on.
 */
export function authMiddleware(deps: AppDeps): MiddlewareHandler {
  const { db } = deps.store;
  const { defaultPermission } = deps.config;
  const authenticator = createAuthenticator(db);
  return async (c, next) => {
    // CORS preflights never carry credentials; the real request that follows is checked.
    if (c.req.method === 'OPTIONS' && c.req.header('access-control-request-method')) return next();
    const { rule, params } = ruleFor(c.req.method, c.req.path);
    const access = c.req.path === '/metrics' ? METRICS_ACCESS[deps.config.metricsAccess] : rule.access;
    if (access === 'public') return next();
    const user = await authenticator.authenticate(c.req.header('authorization'));
    if (!user) return unauthenticated(c);
    users.set(c.req.raw, user);
    if (!user.is_admin && access !== 'user') {
      if (access === 'admin') throw denied();
      const [need, ...refs] = access;
      const targets = await resolveTargets(c, db, refs, params);
      if (targets === ADMIN_ONLY || !(await allowedAll(db, user, targets, need, defaultPermission))) throw denied();
    }
    await next();
    if (rule.after && c.res.status === 200) await applyAfter(rule.after, c, db, user, defaultPermission);
  };
}
