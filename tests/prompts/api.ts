import { expect } from 'vitest';
import type { z } from 'zod';
import type { TestServer } from '../helpers/server.js';

export const API = '/api/2.0/mlflow';

/** Calls the server and fails the test unless the answer is 200 and matches the route's response schema. */
export async function call<T extends z.ZodType>(s: TestServer, schema: T, method: string, path: string, body?: unknown): Promise<z.infer<T>> {
  const r = await s.api(method, API + path, body);
  expect(r.status, `${method} ${path} answered ${r.status}: ${r.text}`).toBe(200);
  const parsed = schema.safeParse(r.body);
  expect(parsed.success, `${method} ${path} answered a body off the schema: ${parsed.error?.message}`).toBe(true);
  return parsed.data as z.infer<T>;
}

/** Calls the server expecting an MLflow error; returns `{status, error_code, message}`. */
export async function callError(s: TestServer, method: string, path: string, body?: unknown) {
  const r = await s.api(method, API + path, body);
  expect(r.body, `${method} ${path} answered a non-JSON error: ${r.text}`).toBeTypeOf('object');
  return { status: r.status, error_code: r.body.error_code as string, message: r.body.message as string };
}

let counter = 0;
/** A name unique within the test run, so tests sharing a server never collide. */
export function uniqueName(prefix = 'p'): string {
  return `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}`;
}

export const promptTags = (text: string, type: 'text' | 'chat' = 'text') => [
  { key: 'mlflow.prompt.is_prompt', value: 'true' },
  { key: '_mlflow_prompt_type', value: type },
  { key: 'mlflow.prompt.text', value: text },
];

/** Registers a prompt the way the Python client does (create model, then a version per template). */
export async function registerPromptViaRest(s: TestServer, name: string, templates: string[]) {
  await s.api('POST', `${API}/registered-models/create`, { name, tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }], description: 'first' });
  for (const t of templates) {
    const r = await s.api('POST', `${API}/model-versions/create`, { name, source: 'dummy-source', tags: promptTags(t), description: `msg ${t}` });
    expect(r.status, r.text).toBe(200);
  }
}
