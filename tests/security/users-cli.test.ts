import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/main.js';
import { DIALECTS, freshStore, type TestStoreTarget } from '../helpers/dialects.js';
import { basic, bearer } from './helpers.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');

// Each subprocess pays tsx's start-up (seconds on a busy machine), so the full walk runs on SQLite
// and PostgreSQL gets the one path that differs by dialect: writing and reading the auth tables.
/** Leaves a test undefined (not skipped) where it does not apply. */
const noTest = (..._args: unknown[]) => undefined;

for (const dialect of DIALECTS) {
  const full = dialect === 'sqlite';
  describe(`${dialect}: glassbox users (subprocess)`, () => {
    let target: TestStoreTarget;
    let server: RunningServer;
    const cli = async (args: string[], input?: string) => {
      const child = run('node', ['--import', 'tsx', 'src/cli.ts', 'users', ...args, '--backend-store-uri', target.uri], { cwd: ROOT, env: { ...process.env, GLASSBOX_AUTH: '' } });
      if (input !== undefined) {
        child.child.stdin!.end(input);
      }
      return child;
    };
    const fails = async (args: string[]) => {
      const err = await cli(args).then(
        () => undefined,
        (e: { code: number; stderr: string }) => e,
      );
      expect(err, `expected 'users ${args.join(' ')}' to fail`).toBeDefined();
      return err!;
    };
    const get = (path: string, headers: Record<string, string>) => fetch(server.url + path, { headers });

    beforeAll(async () => {
      target = await freshStore(dialect);
      server = await startServer(loadConfig({ port: 0, backendStoreUri: target.uri, artifactsDestination: join(target.dir, 'a'), auth: true, retentionIntervalSeconds: 0 }, {}));
    });
    afterAll(async () => {
      await server?.close();
      await target?.cleanup();
    });

    test('create makes users the running server accepts; a wrong password is still 401', { timeout: 60_000 }, async () => {
      expect((await cli(['create', 'root', '--admin', '--password', 'root-password'])).stdout).toMatch(/Created admin root/);
      expect((await cli(['create', 'carol', '--password-stdin'], 'carol-password\n')).stdout).toMatch(/Created user carol/);
      await cli(['create', 'dave', '--password-stdin'], 'dave-password\n');
      expect((await get('/api/2.0/mlflow/experiments/get?experiment_id=0', basic('root', 'root-password'))).status).toBe(200);
      expect((await get('/api/2.0/mlflow/experiments/get?experiment_id=0', basic('dave', 'dave-password'))).status).toBe(200);
      expect((await get('/api/2.0/mlflow/experiments/get?experiment_id=0', basic('dave', 'wrong-password'))).status).toBe(401);
    });

    (full ? test : noTest)('list shows users and roles but no secrets', { timeout: 60_000 }, async () => {
      const { stdout } = await cli(['list']);
      expect(stdout).toMatch(/^root\tadmin\t0\t/m);
      expect(stdout).toMatch(/^dave\tuser\t0\t/m);
      expect(stdout).not.toMatch(/password|scrypt/);
    });

    test('token create prints a token once that works as Bearer; token revoke ends it', { timeout: 60_000 }, async () => {
      const created = await cli(['token', 'create', 'dave', '--name', 'ci']);
      const token = created.stdout.trim();
      expect(token).toMatch(/^gbx_/);
      expect((await get('/version', bearer(token))).status).toBe(200);
      const id = token.split('_')[1];
      expect((await cli(['token', 'list', 'dave'])).stdout).toMatch(new RegExp(`^${id}\\tci\\t`, 'm'));
      await cli(['token', 'revoke', id]);
      expect((await cli(['token', 'list', 'dave'])).stdout).toBe('');
    });

    (full ? test : noTest)('grant and revoke change what a user may do on an experiment', { timeout: 60_000 }, async () => {
      const exp = (await (
        await fetch(`${server.url}/api/2.0/mlflow/experiments/create`, { method: 'POST', headers: { ...basic('root', 'root-password'), 'content-type': 'application/json' }, body: JSON.stringify({ name: `cli-${Date.now()}` }) })
      ).json()) as { experiment_id: string };
      const tag = () =>
        fetch(`${server.url}/api/2.0/mlflow/experiments/set-experiment-tag`, {
          method: 'POST',
          headers: { ...basic('dave', 'dave-password'), 'content-type': 'application/json' },
          body: JSON.stringify({ experiment_id: exp.experiment_id, key: 'k', value: 'v' }),
        });
      expect((await tag()).status).toBe(403);
      await cli(['grant', 'dave', 'edit', '--experiment', exp.experiment_id]);
      expect((await tag()).status).toBe(200);
      await cli(['revoke', 'dave', '--experiment', exp.experiment_id]);
      expect((await tag()).status).toBe(403);
    });

    (full ? test : noTest)('set-password replaces the password and delete removes the user', { timeout: 60_000 }, async () => {
      await cli(['set-password', 'carol', '--password', 'carol-new-password']);
      expect((await get('/version', basic('carol', 'carol-new-password'))).status).toBe(200);
      await cli(['delete', 'carol']);
      expect((await cli(['list'])).stdout).not.toMatch(/^carol\t/m);
    });

    (full ? test : noTest)('mistakes fail with a message and a non-zero exit code', { timeout: 60_000 }, async () => {
      expect((await fails(['create', 'dave', '--password', 'another-password'])).stderr).toMatch(/already exists/);
      expect((await fails(['create', 'eve', '--password', 'short'])).stderr).toMatch(/at least 8/);
      expect((await fails(['grant', 'dave', 'OWNER', '--experiment', '0'])).stderr).toMatch(/Unknown permission/);
      expect((await fails(['grant', 'dave', 'READ', '--experiment', '99999'])).stderr).toMatch(/does not exist/);
      expect((await fails(['create', 'frank'])).stderr).toMatch(/--password/);
    });
  });
}
