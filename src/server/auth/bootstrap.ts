import type { Config } from '../../config.js';
import type { Db } from '../../store/db.js';
import { createUser, hasAdmin } from '../../store/users.js';

/**
 * With auth on and no admin yet, creates one from GLASSBOX_ADMIN_USERNAME / GLASSBOX_ADMIN_PASSWORD.
 * Unlike MLflow there is no built-in default password: without those variables the server starts,
 * says how to create an admin, and answers 401 until one exists.
 */
export async function ensureAdmin(db: Db, config: Config, log: (msg: string) => void = console.warn): Promise<void> {
  if (!config.auth || (await hasAdmin(db))) return;
  if (!config.adminUsername || !config.adminPassword) {
    log('[glassbox] auth is on but no admin exists: set GLASSBOX_ADMIN_USERNAME and GLASSBOX_ADMIN_PASSWORD, or run `glassbox users create <name> --admin`.');
    return;
  }
  await createUser(db, config.adminUsername, config.adminPassword, true);
  log(`[glassbox] created admin user '${config.adminUsername}'`);
}
