import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createToken, revokeToken } from '../../src/store/users.js';
import { DIALECTS } from '../helpers/dialects.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ADMIN, API, basic, bearer, startAuthServer, uniq, type AuthServer } from './helpers.js';

for (const dialect of DIALECTS) {
  describe(`${dialect}: auth off (the default)`, () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await startTestServer(dialect);
    });
    afterAll(() => s?.close());

    test('requests without credentials are served', async () => {
      expect((await s.api('GET', `${API}/experiments/get?experiment_id=0`)).status).toBe(200);
      expect((await s.api('GET', '/version')).status).toBe(200);
    });

    test('credentials, even wrong ones, are ignored', async () => {
      expect((await s.api('GET', `${API}/experiments/get?experiment_id=0`, undefined, basic('nobody', 'wrong'))).status).toBe(200);
    });
  });

  describe(`${dialect}: auth on`, () => {
    let s: AuthServer;
    beforeAll(async () => {
      s = await startAuthServer(dialect);
    });
    afterAll(() => s?.close());

    test('a request without credentials gets 401, a text body and WWW-Authenticate as MLflow sends', async () => {
      const r = await s.api('GET', `${API}/experiments/get?experiment_id=0`);
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toBe('Basic realm="mlflow"');
      expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(r.text).toMatch(/not authenticated/);
    });

    test('a wrong password gets 401 with WWW-Authenticate', async () => {
      const r = await s.api('GET', `${API}/experiments/get?experiment_id=0`, undefined, basic(ADMIN.username, 'not-the-password'));
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toBe('Basic realm="mlflow"');
    });

    test('an unknown user gets 401 like a wrong password', async () => {
      expect((await s.api('GET', '/version', undefined, basic('ghost', 'whatever-123'))).status).toBe(401);
    });

    test('the bootstrap admin from GLASSBOX_ADMIN_USERNAME/PASSWORD can sign in with Basic auth', async () => {
      expect((await s.api('GET', `${API}/experiments/get?experiment_id=0`, undefined, s.admin)).status).toBe(200);
    });

    test('a user signs in with Basic auth (MLFLOW_TRACKING_USERNAME/PASSWORD)', async () => {
      const u = await s.user();
      const r = await s.api('GET', `${API}/experiments/get?experiment_id=0`, undefined, u.headers);
      expect(r.status).toBe(200);
      expect(r.body.experiment.name).toBe('Default');
    });

    test('an API token works as a Bearer token (MLFLOW_TRACKING_TOKEN); a revoked one does not', async () => {
      const u = await s.user();
      const kept = await createToken(s.store.db, u.name, 'ci');
      const revoked = await createToken(s.store.db, u.name, 'old');
      expect(kept.token).toMatch(/^gbx_[0-9a-f]{12}_[\w-]{43}$/);
      await revokeToken(s.store.db, revoked.tokenId);
      expect((await s.api('GET', `${API}/experiments/get?experiment_id=0`, undefined, bearer(kept.token))).status).toBe(200);
      expect((await s.api('GET', `${API}/experiments/get?experiment_id=0`, undefined, bearer(revoked.token))).status).toBe(401);
    });

    test('the token is stored only as a SHA-256 hash', async () => {
      const u = await s.user();
      const { token } = await createToken(s.store.db, u.name);
      const rows = await s.store.db.selectFrom('api_tokens').select('token_hash').execute();
      expect(rows.some((r) => r.token_hash.includes(token) || token.includes(r.token_hash))).toBe(false);
      expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.token_hash))).toBe(true);
    });

    test('passwords are stored as salted scrypt hashes, different for equal passwords', async () => {
      const a = await s.user(uniq('same'));
      const b = await s.user(uniq('same'));
      const rows = await s.store.db.selectFrom('users').select(['username', 'password_hash']).where('username', 'in', [a.name, b.name]).execute();
      expect(rows.map((r) => r.password_hash.split('$')[0])).toEqual(['scrypt', 'scrypt']);
      expect(rows[0].password_hash.split('$')[5]).not.toBe(rows[1].password_hash.split('$')[5]);
    });

    test('/health stays open without credentials', async () => {
      const r = await s.api('GET', '/health');
      expect(r.status).toBe(200);
      expect(r.text).toBe('OK');
    });

    test('/version is not exempt: it needs credentials like every API call', async () => {
      expect((await s.api('GET', '/version')).status).toBe(401);
      expect((await s.api('GET', '/version', undefined, s.admin)).text).toMatch(/^\d+\.\d+/);
    });

    test('UI pages need no credentials; the UI API under /ajax-api does', async () => {
      expect((await s.api('GET', '/experiments/1')).status).not.toBe(401);
      expect((await s.api('GET', '/ajax-api/2.0/mlflow/experiments/get?experiment_id=0')).status).toBe(401);
      const u = await s.user();
      expect((await s.api('GET', '/ajax-api/2.0/mlflow/experiments/get?experiment_id=0', undefined, u.headers)).status).toBe(200);
      expect((await s.api('GET', '/ajax-api/3.0/mlflow/server-info', undefined, u.headers)).status).toBe(200);
    });

    test('a 403 is MLflow-shaped PERMISSION_DENIED with the message "Permission denied"', async () => {
      const u = await s.user();
      const r = await s.api('POST', `${API}/experiments/delete`, { experiment_id: '0' }, u.headers);
      expect(r.status).toBe(403);
      expect(r.body).toEqual({ error_code: 'PERMISSION_DENIED', message: 'Permission denied' });
    });

    test('an API route missing from the permission table is admin-only (fail closed)', async () => {
      const u = await s.user();
      expect((await s.api('GET', `${API}/no-such-endpoint`, undefined, u.headers)).status).toBe(403);
      const asAdmin = await s.api('GET', `${API}/no-such-endpoint`, undefined, s.admin);
      expect(asAdmin.status).toBe(404);
      expect(asAdmin.body.error_code).toBe('ENDPOINT_NOT_FOUND');
    });
  });
}
