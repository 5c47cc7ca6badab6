import { randomBytes } from 'node:crypto';
import type { Config } from '../../src/config.js';
import { createToken, createUser, grantPermission, getUser, type Permission } from '../../src/store/users.js';
import type { TestDialect } from '../helpers/dialects.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

export const API = '/api/2.0/mlflow';
export const ADMIN = { username: 'admin', password: 'admin-password-1' };

export const uniq = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;
export const basic = (username: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` });
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export interface AuthServer extends TestServer {
  admin: Record<string, string>;
  /** A new non-admin user; returns Basic headers for it. */
  user(name?: string): Promise<{ name: string; headers: Record<string, string>; token(): Promise<string> }>;
  grant(username: string, experimentId: string, permission: Permission): Promise<void>;
}

/** A test server with auth on and a bootstrap admin. */
export async function startAuthServer(dialect: TestDialect, overrides: Partial<Config> = {}): Promise<AuthServer> {
  const s = await startTestServer(dialect, { auth: true, adminUsername: ADMIN.username, adminPassword: ADMIN.password, ...overrides });
  const db = s.store.db;
  return Object.assign(s, {
    admin: basic(ADMIN.username, ADMIN.password),
    async user(name = uniq('user')) {
      const password = `${name}-password`;
      await createUser(db, name, password);
      return { name, headers: basic(name, password), token: async () => (await createToken(db, name)).token };
    },
    async grant(username: string, experimentId: string, permission: Permission) {
      await grantPermission(db, (await getUser(db, username))!.user_id, 'experiment', experimentId, permission);
    },
  });
}

/** An OTLP/JSON export with one root span in a fresh trace; returns the body and the MLflow trace id. */
export function otlpJson(startMs = Date.now()) {
  const traceHex = randomBytes(16).toString('hex');
  const startNs = BigInt(startMs) * 1_000_000n;
  const body = {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'security-test' } }] },
        scopeSpans: [
          {
            scope: { name: 'test' },
            spans: [
              {
                traceId: traceHex,
                spanId: randomBytes(8).toString('hex'),
                name: 'root',
                kind: 1,
                startTimeUnixNano: String(startNs),
                endTimeUnixNano: String(startNs + 5_000_000n),
                status: { code: 1 },
              },
            ],
          },
        ],
      },
    ],
  };
  return { body, traceId: `tr-${traceHex}` };
}
