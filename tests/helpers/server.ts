import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/main.js';
import { freshStore, type TestDialect } from './dialects.js';

export interface TestServer extends RunningServer {
  dir: string;
  /** fetch relative to the server, JSON in and out. */
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

/** A real server on an ephemeral port over a fresh database of the given dialect. */
export async function startTestServer(dialect: TestDialect = 'sqlite', overrides: Partial<Config> = {}): Promise<TestServer> {
  const target = await freshStore(dialect);
  const config = { ...loadConfig({ port: 0, backendStoreUri: target.uri, artifactsDestination: join(target.dir, 'artifacts') }, {}), ...overrides };
  const server = await startServer(config);
  const api = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' || body instanceof Uint8Array ? (body as BodyInit) : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const res = await fetch(server.url + path, init);
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  };
  return {
    ...server,
    dir: target.dir,
    api,
    close: async () => {
      await server.close();
      await target.cleanup();
    },
  };
}
