import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DIALECTS } from '../helpers/dialects.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

for (const dialect of DIALECTS) {
  describe(`${dialect}: health, version and unknown routes`, () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await startTestServer(dialect);
    });
    afterAll(() => s?.close());

    test('health answers OK as text', async () => {
      const r = await s.api('GET', '/health');
      expect(r.status).toBe(200);
      expect(r.text).toBe('OK');
    });

    test('version is a plain MLflow version of at least 3.4 so the Python client sends spans over OTLP', async () => {
      const r = await s.api('GET', '/version');
      const [major, minor] = r.text.split('.').map(Number);
      expect(major * 100 + minor).toBeGreaterThanOrEqual(304);
    });

    test('server-info reports a SQL store without workspaces', async () => {
      const r = await s.api('GET', '/api/3.0/mlflow/server-info');
      expect(r.body).toMatchObject({ store_type: 'SqlStore', workspaces_enabled: false });
    });

    test('unknown routes are ENDPOINT_NOT_FOUND, never RESOURCE_DOES_NOT_EXIST', async () => {
      const r = await s.api('GET', '/api/2.0/mlflow/no-such-thing');
      expect(r.status).toBe(404);
      expect(r.body.error_code).toBe('ENDPOINT_NOT_FOUND');
    });
  });
}
