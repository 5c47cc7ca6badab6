import { Command } from 'commander';
import type { Db } from '../store/db.js';
import {
  createToken,
  createUser,
  deleteUser,
  grantPermission,
  isPermission,
  listTokens,
  listUsers,
  requireUser,
  revokePermission,
  revokeToken,
  setPassword,
  type ResourceType,
} from '../store/users.js';
import { storeOption, withStore } from './store-option.js';

// `glassbox users …`: manages the auth tables directly in the store (no server needed, and a running
// server sees the changes; verified credentials are cached there for up to 30 s).

const out = (line: string) => process.stdout.write(`${line}\n`);

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** --password on the command line (visible in `ps`) or --password-stdin (for scripts and secrets). */
async function passwordFrom(opts: { password?: string; passwordStdin?: boolean }): Promise<string> {
  if (opts.passwordStdin) return readStdin();
  if (opts.password !== undefined) return opts.password;
  throw new Error('Give the password with --password <password> or --password-stdin');
}

const passwordOptions = (cmd: Command) =>
  cmd.option('--password <password>', 'the password (at least 8 characters)').option('--password-stdin', 'read the password from standard input');

const resourceOptions = (cmd: Command) =>
  cmd.option('--experiment <id>', 'an experiment id').option('--registered-model <name>', 'a registered model or prompt name');

async function resourceOf(db: Db, opts: { experiment?: string; registeredModel?: string }): Promise<{ type: ResourceType; id: string }> {
  if ((opts.experiment === undefined) === (opts.registeredModel === undefined)) throw new Error('Name exactly one of --experiment <id> and --registered-model <name>');
  if (opts.experiment !== undefined) {
    const found = /^\d{1,18}$/.test(opts.experiment) && (await db.selectFrom('experiments').select('experiment_id').where('experiment_id', '=', Number(opts.experiment)).executeTakeFirst());
    if (!found) throw new Error(`Experiment '${opts.experiment}' does not exist`);
    return { type: 'experiment', id: opts.experiment };
  }
  const found = await db.selectFrom('registered_models').select('name').where('name', '=', opts.registeredModel!).executeTakeFirst();
  if (!found) throw new Error(`Registered model '${opts.registeredModel}' does not exist`);
  return { type: 'registered_model', id: opts.registeredModel! };
}

function tokenCommand(): Command {
  const token = new Command('token').description('API tokens (sent as Authorization: Bearer, i.e. MLFLOW_TRACKING_TOKEN)');
  token
    .command('create <username>')
    .description('create a token for a user and print it (it is shown only this once)')
    .option('--name <name>', 'a label to recognise the token by')
    .action(async (username: string, opts: { name?: string }, cmd: Command) =>
      withStore(cmd, async ({ db }) => {
        const { tokenId, token: secret } = await createToken(db, username, opts.name);
        process.stderr.write(`Created token ${tokenId} for ${username}. Store it now: it cannot be shown again.\n`);
        out(secret);
      }),
    );
  token
    .command('revoke <token-id>')
    .description('revoke a token by its id (the part after gbx_)')
    .action(async (tokenId: string, _opts: unknown, cmd: Command) =>
      withStore(cmd, async ({ db }) => {
        await revokeToken(db, tokenId);
        out(`Revoked token ${tokenId}`);
      }),
    );
  token
    .command('list <username>')
    .description("list a user's tokens (ids and names, never the tokens)")
    .action(async (username: string, _opts: unknown, cmd: Command) =>
      withStore(cmd, async ({ db }) => {
        for (const t of await listTokens(db, username)) out(`${t.token_id}\t${t.name ?? ''}\t${new Date(t.created_at).toISOString()}`);
      }),
    );
  return token;
}

export function usersCommand(): Command {
  const users = storeOption(new Command('users').description('Manage users, API tokens and permissions for GLASSBOX_AUTH (works on the store directly)'));
  passwordOptions(users.command('create <username>').description('create a user').option('--admin', 'make the user an admin (bypasses all permission checks)')).action(
    async (username: string, opts: { admin?: boolean; password?: string; passwordStdin?: boolean }, cmd: Command) =>
      withStore(cmd, async ({ db }) => {
        const password = await passwordFrom(opts);
        const user = await createUser(db, username, password, Boolean(opts.admin));
        out(`Created ${user.is_admin ? 'admin' : 'user'} ${user.username}`);
      }),
  );
  users
    .command('delete <username>')
    .description('delete a user with their tokens and grants')
    .action(async (username: string, _opts: unknown, cmd: Command) =>
      withStore(cmd, async ({ db }) => {
        await deleteUser(db, username);
        out(`Deleted user ${username}`);
      }),
    );
  users
    .command('list')
    .description('list users')
    .action(async (_opts: unknown, cmd: Command) =>
      withStore(cmd, async ({ db }) => {
        out('username\trole\ttokens\tcreated');
        for (const u of await listUsers(db)) out(`${u.username}\t${u.is_admin ? 'admin' : 'user'}\t${u.tokens}\t${new Date(u.created_at).toISOString()}`);
      }),
    );
  passwordOptions(users.command('set-password <username>').description("change a user's password")).action(
    async (username: string, opts: { password?: string; passwordStdin?: boolean }, cmd: Command) =>
      withStore(cmd, async ({ db }) => {
        await setPassword(db, username, await passwordFrom(opts));
        out(`Password changed for ${username}`);
      }),
  );
  resourceOptions(users.command('grant <username> <permission>').description('grant READ, EDIT, MANAGE or NO_PERMISSIONS on one experiment or registered model')).action(
    async (username: string, permission: string, opts: { experiment?: string; registeredModel?: string }, cmd: Command) =>
      withStore(cmd, async ({ db }) => {
        const perm = permission.toUpperCase();
        if (!isPermission(perm)) throw new Error(`Unknown permission '${permission}': use READ, EDIT, MANAGE or NO_PERMISSIONS`);
        const user = await requireUser(db, username);
        const resource = await resourceOf(db, opts);
        await grantPermission(db, user.user_id, resource.type, resource.id, perm);
        out(`Granted ${perm} on ${resource.type} ${resource.id} to ${username}`);
      }),
  );
  resourceOptions(users.command('revoke <username>').description('remove an explicit grant (the default permission applies again)')).action(
    async (username: string, opts: { experiment?: string; registeredModel?: string }, cmd: Command) =>
      withStore(cmd, async ({ db }) => {
        const user = await requireUser(db, username);
        const resource = await resourceOf(db, opts);
        if (!(await revokePermission(db, user.user_id, resource.type, resource.id))) throw new Error(`${username} has no grant on ${resource.type} ${resource.id}`);
        out(`Revoked ${username}'s grant on ${resource.type} ${resource.id}`);
      }),
  );
  users.addCommand(tokenCommand());
  return users;
}
