import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ExperimentPermissionResponse, RegisteredModelPermissionResponse, UserResponse } from '../../src/server/schemas/auth-api.js';
import { DIALECTS } from '../helpers/dialects.js';
import { startTestServer } from '../helpers/server.js';
import { expectError, ok } from '../server/trace-builders.js';
import { API, type AuthServer, basic, startAuthServer, uniq } from './helpers.js';

for (const dialect of DIALECTS) {
  describe(`${dialect}: MLflow basic-auth REST API`, () => {
    let s: AuthServer;
    let exp: string;
    beforeAll(async () => {
      s = await startAuthServer(dialect);
      exp = (await s.api('POST', `${API}/experiments/create`, { name: uniq('perm') }, s.admin)).body.experiment_id;
    });
    afterAll(() => s?.close());

    const asAdmin = (method: string, path: string, body?: unknown) => s.api(method, `${API}${path}`, body, s.admin);

    test('an admin creates, reads, promotes, re-passwords and deletes a user, each change applying at once', async () => {
      const name = uniq('alice');
      const created = ok(UserResponse, await asAdmin('POST', '/users/create', { username: name, password: 'first-password' })).user;
      expect(created).toEqual({ id: expect.any(Number), username: name, is_admin: false, experiment_permissions: [], registered_model_permissions: [], scorer_permissions: [] });
      const alice = basic(name, 'first-password');
      expect((await s.api('GET', `${API}/experiments/search?max_results=1`, undefined, alice)).status).toBe(200);
      expect((await s.api('POST', `${API}/users/create`, { username: uniq('x'), password: 'password-x' }, alice)).status).toBe(403);

      expect((await asAdmin('PATCH', '/users/update-admin', { username: name, is_admin: true })).status).toBe(200);
      expect(ok(UserResponse, await asAdmin('GET', `/users/get?username=${name}`)).user.is_admin).toBe(true);
      expect((await s.api('GET', `${API}/users/get?username=${name}`, undefined, alice)).status).toBe(200);

      expect((await asAdmin('PATCH', '/users/update-password', { username: name, password: 'second-password' })).status).toBe(200);
      expect((await s.api('GET', `${API}/experiments/search?max_results=1`, undefined, alice)).status).toBe(401);
      expect((await s.api('GET', `${API}/experiments/search?max_results=1`, undefined, basic(name, 'second-password'))).status).toBe(200);

      expect((await asAdmin('DELETE', '/users/delete', { username: name })).status).toBe(200);
      expect((await s.api('GET', `${API}/experiments/search?max_results=1`, undefined, basic(name, 'second-password'))).status).toBe(401);
      expectError(await asAdmin('GET', `/users/get?username=${name}`), 404, 'RESOURCE_DOES_NOT_EXIST', name);
    });

    test.for([
      ['a taken username', 'POST', '/users/create', { username: 'admin', password: 'long-enough-1' }, 400, 'RESOURCE_ALREADY_EXISTS'],
      ['a short password', 'POST', '/users/create', { username: 'shorty', password: 'short' }, 400, 'INVALID_PARAMETER_VALUE'],
      ['an empty username', 'POST', '/users/create', { username: '', password: 'long-enough-1' }, 400, 'INVALID_PARAMETER_VALUE'],
      ['an unknown user', 'PATCH', '/users/update-admin', { username: 'nobody', is_admin: true }, 404, 'RESOURCE_DOES_NOT_EXIST'],
      ['a non-boolean is_admin', 'PATCH', '/users/update-admin', { username: 'admin', is_admin: 'maybe' }, 400, 'INVALID_PARAMETER_VALUE'],
      ['deleting an unknown user', 'DELETE', '/users/delete', { username: 'nobody' }, 404, 'RESOURCE_DOES_NOT_EXIST'],
    ] as const)('user calls with %s are MLflow errors, not 5xx', async ([, method, path, body, status, code]) => {
      expectError(await asAdmin(method, path, body), status, code);
    });

    test('experiment permissions: create, get, update and delete change what the user may do', async () => {
      const name = uniq('bob');
      await asAdmin('POST', '/users/create', { username: name, password: 'bob-password' });
      const bob = basic(name, 'bob-password');
      const tag = () => s.api('POST', `${API}/experiments/set-experiment-tag`, { experiment_id: exp, key: 'k', value: 'v' }, bob);
      expect((await tag()).status).toBe(403);

      const created = ok(ExperimentPermissionResponse, await asAdmin('POST', '/experiments/permissions/create', { experiment_id: exp, username: name, permission: 'EDIT' }));
      expect(created.experiment_permission).toEqual({ experiment_id: exp, user_id: expect.any(Number), permission: 'EDIT' });
      expect((await tag()).status).toBe(200);
      expectError(await asAdmin('POST', '/experiments/permissions/create', { experiment_id: exp, username: name, permission: 'READ' }), 400, 'RESOURCE_ALREADY_EXISTS');

      expect((await asAdmin('PATCH', '/experiments/permissions/update', { experiment_id: exp, username: name, permission: 'READ' })).status).toBe(200);
      expect(ok(ExperimentPermissionResponse, await asAdmin('GET', `/experiments/permissions/get?experiment_id=${exp}&username=${name}`)).experiment_permission.permission).toBe('READ');
      expect((await tag()).status).toBe(403);
      expect(ok(UserResponse, await asAdmin('GET', `/users/get?username=${name}`)).user.experiment_permissions).toEqual([{ experiment_id: exp, user_id: created.experiment_permission.user_id, permission: 'READ' }]);

      expect((await asAdmin('DELETE', '/experiments/permissions/delete', { experiment_id: exp, username: name })).status).toBe(200);
      expectError(await asAdmin('GET', `/experiments/permissions/get?experiment_id=${exp}&username=${name}`), 404, 'RESOURCE_DOES_NOT_EXIST');
      expectError(await asAdmin('PATCH', '/experiments/permissions/update', { experiment_id: exp, username: name, permission: 'READ' }), 404, 'RESOURCE_DOES_NOT_EXIST');
      expectError(await asAdmin('POST', '/experiments/permissions/create', { experiment_id: exp, username: name, permission: 'OWNER' }), 400, 'INVALID_PARAMETER_VALUE', 'permission');
      expectError(await asAdmin('POST', '/experiments/permissions/create', { experiment_id: '987654', username: name, permission: 'READ' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    });

    test('registered-model permissions follow the same contract, keyed by model name', async () => {
      const name = uniq('carol');
      await asAdmin('POST', '/users/create', { username: name, password: 'carol-password' });
      const model = uniq('model');
      const r = await asAdmin('POST', '/registered-models/permissions/create', { name: model, username: name, permission: 'MANAGE' });
      expect(ok(RegisteredModelPermissionResponse, r).registered_model_permission).toEqual({ name: model, user_id: expect.any(Number), permission: 'MANAGE' });
      expect((await asAdmin('PATCH', '/registered-models/permissions/update', { name: model, username: name, permission: 'READ' })).status).toBe(200);
      expect(ok(RegisteredModelPermissionResponse, await asAdmin('GET', `/registered-models/permissions/get?name=${model}&username=${name}`)).registered_model_permission.permission).toBe('READ');
      expect((await asAdmin('DELETE', '/registered-models/permissions/delete', { name: model, username: name })).status).toBe(200);
      expectError(await asAdmin('DELETE', '/registered-models/permissions/delete', { name: model, username: name }), 404, 'RESOURCE_DOES_NOT_EXIST');
    });

    test('a user with MANAGE on an experiment may manage its grants; with less, or for users, they may not', async () => {
      const owner = await s.user();
      const guest = await s.user();
      const own = (await s.api('POST', `${API}/experiments/create`, { name: uniq('own') }, owner.headers)).body.experiment_id;
      const grant = (who: Record<string, string>, experimentId: string) =>
        s.api('POST', `${API}/experiments/permissions/create`, { experiment_id: experimentId, username: guest.name, permission: 'EDIT' }, who);
      expect((await grant(owner.headers, own)).status).toBe(200);
      expect((await grant(owner.headers, exp)).status).toBe(403);
      expect((await s.api('GET', `${API}/users/get?username=${owner.name}`, undefined, owner.headers)).status).toBe(403);
      expect((await s.api('PATCH', `${API}/users/update-admin`, { username: owner.name, is_admin: true }, owner.headers)).status).toBe(403);
    });
  });

  test(`${dialect}: with auth off the basic-auth API does not exist, as in MLflow without the auth app`, async () => {
    const s = await startTestServer(dialect);
    try {
      expectError(await s.api('POST', `${API}/users/create`, { username: 'x', password: 'long-enough-1' }), 404, 'ENDPOINT_NOT_FOUND');
    } finally {
      await s.close();
    }
  });
}
